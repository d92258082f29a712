"""The C loops of `index.kernel` compute exactly what the numpy expressions they replaced
did (kept here as the reference), to the bit, and leave the scratch arrays all zero."""

import numpy as np
import pytest

from index import kernel
from index.ranking import Postings, accumulate, per_document_or, top_k

SLOTS = 5000
DOCUMENTS = 400


def _reference_add(scores, bits, bit, ids, contributions, multiplier, inside, inside_weight):
    """The searcher's numpy code before the kernel, for one term."""
    added = contributions * multiplier
    added[inside] = contributions[inside] * inside_weight * multiplier
    scores[ids] += added
    bits[ids] |= bits.dtype.type(bit)


def _reference_collect(scores, bits, candidate_bit, passage_doc, doc_meta_bits, doc_text_bits, meta_score,
                       no_document):
    """The searcher's numpy code before the kernel, after the terms."""
    ids = np.flatnonzero(bits != 0)
    text = scores[ids]
    text_bits = (bits[ids] & ~bits.dtype.type(candidate_bit)).astype(np.int64)
    docs = passage_doc[ids]
    meta_bits = doc_meta_bits[docs]
    doc_bits = doc_text_bits[docs] if not (docs == no_document).any() else per_document_or(docs, text_bits)
    return ids, text, text_bits | meta_bits, docs, doc_bits | meta_bits, text + meta_score[docs]


def _collection(rng, dead: int, slots: int = SLOTS):
    """passage -> document (each document's passages consecutive; the passages of `dead`
    documents dropped, as after an incremental build: their slots have no document), and
    per-document arrays."""
    passage_doc = np.sort(rng.integers(0, DOCUMENTS - 1, slots)).astype(np.int32)
    passage_doc[np.isin(passage_doc, rng.choice(DOCUMENTS - 1, dead, replace=False))] = DOCUMENTS - 1
    doc_meta_bits = np.where(rng.random(DOCUMENTS) < 0.1, rng.integers(0, 8, DOCUMENTS), 0).astype(np.int64)
    meta_score = np.where(doc_meta_bits > 0, rng.random(DOCUMENTS) * 5, 0.0)
    return passage_doc, doc_meta_bits, meta_score


@pytest.mark.parametrize("terms", [1, 3, 9, 62])
@pytest.mark.parametrize("dead", [0, 40])
@pytest.mark.parametrize("slots", [SLOTS, 3 * kernel.BLOCK + 17])  # one block, and several with a short last one
def test_candidates_equal_the_numpy_reference(terms, dead, slots):
    rng = np.random.default_rng(terms * 1000 + dead + slots)
    passage_doc, doc_meta_bits, meta_score = _collection(rng, dead, slots)
    candidate_bit = 1 << 63
    ref_scores, ref_bits = np.zeros(slots), np.zeros(slots, np.uint64)
    doc_text_bits = np.zeros(DOCUMENTS, np.int64)
    lists = []
    for j in range(terms):
        share = rng.choice([0.001, 0.05, 0.3])
        ids = np.sort(rng.choice(slots, max(1, int(slots * share)), replace=False)).astype(np.int32)
        contributions = rng.random(len(ids)) * 7
        inside = np.flatnonzero(rng.random(len(ids)) < 0.05).astype(np.int32)
        multiplier = int(rng.integers(1, 3))
        _reference_add(ref_scores, ref_bits, 1 << j, ids, contributions, multiplier, inside, 0.3)
        kernel.or_at(doc_text_bits, np.unique(passage_doc[ids]), 1 << j)
        lists.append((ids, contributions, multiplier, 1 << j, inside))
    named = np.flatnonzero(np.isin(passage_doc, np.flatnonzero(meta_score > 0)))[:500]
    ref_bits[named] |= np.uint64(candidate_bit)
    expected = _reference_collect(ref_scores, ref_bits, candidate_bit, passage_doc, doc_meta_bits, doc_text_bits,
                                  meta_score, DOCUMENTS - 1)
    scratch = kernel.Scratch()
    found = kernel.candidates(lists, 0.3, named, candidate_bit, scratch, 
                              sum(len(t[0]) for t in lists) + len(named), passage_doc, doc_meta_bits, doc_text_bits,
                              meta_score, DOCUMENTS - 1)
    for name, want in zip(("ids", "text", "bits", "docs", "doc_bits", "base"), expected):
        got = getattr(found, name)
        assert got.tobytes() == want.astype(got.dtype).tobytes(), name
    assert not scratch.scores.any() and not scratch.bits.any() and not scratch.marks.any()


def _one_term(ids, slots=10, room=10, inside=kernel.NO_POSITIONS):
    scratch = kernel.Scratch()
    terms = [(np.array(ids, np.int32), np.ones(len(ids)), 1, 1, np.array(inside, np.int32))]
    kernel.candidates(terms, 1.0, np.zeros(0, np.int64), 1 << 63, scratch, room,
                      np.zeros(slots, np.int32), np.zeros(2, np.int64), np.zeros(2, np.int64), np.zeros(2), 1)
    return scratch


def test_a_bad_id_raises_instead_of_writing_outside():
    for ids in ([3, kernel.BLOCK + 10], [-1], [5, 4], [kernel.BLOCK + 5, 3]):  # outside, or not ascending
        with pytest.raises(ValueError):
            _one_term(ids, slots=kernel.BLOCK + 10)
    with pytest.raises(IndexError):
        kernel.or_at(np.zeros(4, np.int64), np.array([4], np.int32), 1)


def test_inside_positions_must_be_ascending_positions_of_the_list():
    with pytest.raises(ValueError):
        _one_term([1, 2], inside=[1, 0])
    with pytest.raises(ValueError):
        _one_term([1, 2], inside=[2])


def test_more_candidates_than_room_raise_and_leave_the_scratch_clean():
    with pytest.raises(ValueError):
        _one_term([1, 2, 3], room=2)
    scratch = kernel.Scratch()
    try:
        kernel.candidates([(np.array([1, 2, 3], np.int32), np.ones(3), 1, 1, kernel.NO_POSITIONS)], 1.0,
                          np.zeros(0, np.int64), 1 << 63, scratch, 2, np.zeros(10, np.int32),
                          np.zeros(2, np.int64), np.zeros(2, np.int64), np.zeros(2), 1)
    except ValueError:
        pass
    assert not scratch.scores.any() and not scratch.bits.any() and not scratch.marks.any()


def test_take_equals_numpy():
    rng = np.random.default_rng(5)
    values = rng.random(SLOTS)
    ids = np.sort(rng.choice(SLOTS, 700, replace=False))
    assert kernel.take(values, ids).tobytes() == values[ids].tobytes()
    with pytest.raises(IndexError):
        kernel.take(values, np.array([SLOTS]))


def _top_matches_the_reference(lists, slots, ks):
    scores = np.zeros(slots)
    accumulate(scores, lists)
    scratch = kernel.Scratch()
    for k in ks:
        ids, values = kernel.top(lists, k, scratch)
        expected = top_k(scores, k)
        assert ids.tolist() == expected.tolist()
        assert values.tobytes() == scores[expected].tobytes()
    assert not scratch.scores.any()


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("slots", [SLOTS, 5 * kernel.BLOCK + 17])  # one block, and several with a short last one
def test_top_equals_top_k_of_the_accumulated_scores(seed, slots):
    """Skipping work, never a passage: the same k best, in the same order, to the bit.
    Weights drawn from a few values make many equal sums, which must go in id order."""
    rng = np.random.default_rng(seed)
    lists = []
    for _ in range(int(rng.integers(1, 7))):
        ids = np.sort(rng.choice(slots, int(rng.integers(1, slots // rng.choice([2, 20, 200]))), replace=False))
        weights = rng.choice([0.5, 1.25, 2.0, 3.5], len(ids)) if seed % 2 else rng.random(len(ids)) * 9 + 1e-3
        lists.append(Postings("t", ids.astype(np.int32), weights))
    if seed % 3 == 0:
        lists.append(lists[0])  # a term twice in the query
    _top_matches_the_reference(lists, slots, (1, 10, 100, slots))


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("rare_words", [1, 2])
def test_top_by_maxscore_equals_the_reference(seed, rare_words):
    """Rare words of high weight among common ones of low weight: once the heap is full,
    the common lists are skippable, and the block after the first goes by MaxScore (later
    ones by whichever way was faster per posting; equal sums included: the weights take a
    few values)."""
    rng = np.random.default_rng(100 + seed)
    slots = 5 * kernel.BLOCK + 17
    lists = []
    for _ in range(3):
        ids = np.sort(rng.choice(slots, slots // 3, replace=False)).astype(np.int32)
        lists.append(Postings("common", ids, rng.choice([0.25, 0.5, 1.0], len(ids))))
    for _ in range(rare_words):
        rare = np.sort(rng.choice(slots, 300, replace=False)).astype(np.int32)
        weights = rng.choice([5.0, 6.5, 9.0], len(rare))
        lists.insert(int(rng.integers(0, len(lists) + 1)), Postings("rare", rare, weights))
    _top_matches_the_reference(lists, slots, (1, 10, 50))


def test_top_of_nothing_is_empty():
    ids, values = kernel.top([], 10, kernel.Scratch())
    assert len(ids) == 0 and len(values) == 0


def test_top_raises_for_ids_not_ascending_and_leaves_the_scratch_clean():
    scratch = kernel.Scratch()
    lists = [Postings("t", np.array([3, 9, 5], np.int32), np.ones(3))]
    with pytest.raises(ValueError):
        kernel.top(lists, 2, scratch)
    assert not scratch.scores.any()


@pytest.mark.parametrize("seed", range(20))
def test_top_k_equals_the_numpy_definition(seed):
    rng = np.random.default_rng(seed)
    scores = rng.choice([-1.0, 0.0, 0.5, 1.0, 2.0, np.nan], 3000) * rng.choice([1.0, 1.0, 1.5], 3000)
    for k in (1, 10, 200, 5000):
        assert kernel.top_k(scores, k).tolist() == top_k(scores, k).tolist()
    assert kernel.top_k(np.zeros(0), 10).tolist() == []




def _reference_within_document(ids, bits, named, doc_first, doc_count, doc_meta_bits, shares, weight):
    """`kernel.within_document` in numpy: per named document, each of its candidates' match
    weighted by its terms' IDF among the document's passages, over the document's best."""
    log_one, log_half = kernel.log_tables(int(doc_count.max()) + 1)
    out = np.ones(len(ids))
    for d in named:
        run = np.flatnonzero((ids >= doc_first[d]) & (ids < doc_first[d] + doc_count[d]))
        if not len(run):
            continue
        has = ((bits[run] & ~doc_meta_bits[d])[:, None] >> np.arange(len(shares))) & 1 == 1
        idf = log_one[doc_count[d]] - log_half[has.sum(axis=0)]
        local = np.zeros(len(run))
        for j in range(len(shares)):
            local = np.where(has[:, j], local + idf[j] * shares[j], local)
        most = local.max()
        out[run] = (1 - weight) + (weight * local) / most if most > 0 else 1.0
    return out


@pytest.mark.parametrize("seed", range(6))
def test_within_document_equals_the_numpy_reference(seed):
    rng = np.random.default_rng(seed)
    doc_count = rng.integers(0, 20, DOCUMENTS).astype(np.int64)
    doc_first = (np.cumsum(doc_count) - doc_count).astype(np.int64)
    ids = np.flatnonzero(rng.random(int(doc_count.sum())) < 0.6).astype(np.int64)
    docs = np.repeat(np.arange(DOCUMENTS), doc_count)[ids]
    terms = int(rng.integers(1, 12))
    doc_meta_bits = np.where(rng.random(DOCUMENTS) < 0.5, rng.integers(0, 1 << terms, DOCUMENTS), 0).astype(np.int64)
    bits = rng.integers(0, 1 << terms, len(ids)).astype(np.int64) | doc_meta_bits[docs]
    named = rng.choice(DOCUMENTS, 60).astype(np.int64)  # (some twice)
    shares = rng.random(terms)
    args = (ids, bits, named, doc_first, doc_count, doc_meta_bits, shares, 0.7)
    got = kernel.within_document(*args, int(doc_count.max()))
    assert (got != 1).any()
    assert np.array_equal(got, _reference_within_document(*args))


def test_within_document_rejects_a_document_outside_the_arrays():
    one = np.ones(1, np.int64)
    with pytest.raises(IndexError):
        kernel.within_document(one, one, np.array([3]), one * 0, one * 5, one, np.ones(1), 0.7, 5)
