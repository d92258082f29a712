"""The C loops of `index.kernel` compute exactly what the numpy expressions they replaced
did (kept here as the reference), to the bit, and leave the scratch arrays all zero."""

import numpy as np
import pytest

from index import kernel
from index.ranking import Postings, accumulate, per_document_or, top_k

SLOTS = 5000
DOCUMENTS = 400


def _reference_add(scores, bits, bit, ids, contributions, multiplier, inside, inside_weight):
    added = contributions * multiplier
    added[inside] = contributions[inside] * inside_weight * multiplier
    scores[ids] += added
    bits[ids] |= bits.dtype.type(bit)


def _reference_collect(scores, bits, candidate_bit, passage_doc, doc_meta_bits, doc_text_bits, meta_score,
                       no_document):
    """The searcher's numpy code before the kernel."""
    ids = np.flatnonzero(bits != 0)
    text = scores[ids]
    text_bits = (bits[ids] & ~bits.dtype.type(candidate_bit)).astype(np.int64)
    docs = passage_doc[ids]
    meta_bits = doc_meta_bits[docs]
    doc_bits = doc_text_bits[docs] if not (docs == no_document).any() else per_document_or(docs, text_bits)
    return ids, text, text_bits | meta_bits, docs, doc_bits | meta_bits, text + meta_score[docs]


def _collection(rng, dead: int):
    """passage -> document (each document's passages consecutive; the passages of `dead`
    documents dropped, as after an incremental build: their slots have no document), and
    per-document arrays."""
    passage_doc = np.sort(rng.integers(0, DOCUMENTS - 1, SLOTS)).astype(np.int32)
    passage_doc[np.isin(passage_doc, rng.choice(DOCUMENTS - 1, dead, replace=False))] = DOCUMENTS - 1
    doc_meta_bits = np.where(rng.random(DOCUMENTS) < 0.1, rng.integers(0, 8, DOCUMENTS), 0).astype(np.int64)
    meta_score = np.where(doc_meta_bits > 0, rng.random(DOCUMENTS) * 5, 0.0)
    return passage_doc, doc_meta_bits, meta_score


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32, np.uint64])
@pytest.mark.parametrize("dead", [0, 40])
def test_add_and_collect_equal_the_numpy_reference(dtype, dead):
    rng = np.random.default_rng(int(np.dtype(dtype).itemsize) * 100 + dead)
    passage_doc, doc_meta_bits, meta_score = _collection(rng, dead)
    terms = 8 * np.dtype(dtype).itemsize - 1
    candidate_bit = 1 << terms
    scores, bits = np.zeros(SLOTS), np.zeros(SLOTS, dtype)
    ref_scores, ref_bits = np.zeros(SLOTS), np.zeros(SLOTS, dtype)
    doc_text_bits = np.zeros(DOCUMENTS, np.int64)
    most = 0
    for j in range(min(terms, 9)):
        ids = np.sort(rng.choice(SLOTS, rng.integers(1, SLOTS // 3), replace=False)).astype(np.int32)
        contributions = rng.random(len(ids)) * 7
        inside = np.flatnonzero(rng.random(len(ids)) < 0.05).astype(np.int32)
        multiplier, inside_weight = int(rng.integers(1, 3)), float(rng.choice([0.0, 0.3]))
        kernel.add_term(scores, bits, 1 << j, ids, contributions, multiplier, inside, inside_weight)
        _reference_add(ref_scores, ref_bits, 1 << j, ids, contributions, multiplier, inside, inside_weight)
        kernel.or_at(doc_text_bits, np.unique(passage_doc[ids]), 1 << j)
        most += len(ids)
    assert scores.tobytes() == ref_scores.tobytes() and (bits == ref_bits).all()
    named = np.flatnonzero(np.isin(passage_doc, np.flatnonzero(meta_score > 0)))
    bits[named] |= dtype(candidate_bit)
    ref_bits[named] |= dtype(candidate_bit)
    expected = _reference_collect(ref_scores, ref_bits, candidate_bit, passage_doc, doc_meta_bits, doc_text_bits,
                                  meta_score, DOCUMENTS - 1)
    found = kernel.collect(scores, bits, candidate_bit, kernel.Room(), most + len(named), passage_doc,
                           doc_meta_bits, doc_text_bits, meta_score, DOCUMENTS - 1)
    for name, want in zip(("ids", "text", "bits", "docs", "doc_bits", "base"), expected):
        got = getattr(found, name)
        assert got.dtype == want.dtype or name in ("bits", "doc_bits"), name
        assert got.tobytes() == want.astype(got.dtype).tobytes(), name
    assert not scores.any() and not bits.any()


def test_a_bad_id_raises_instead_of_writing_outside():
    scores, bits = np.zeros(10), np.zeros(10, np.uint8)
    with pytest.raises(IndexError):
        kernel.add_term(scores, bits, 1, np.array([3, 10], np.int32), np.ones(2), 1.0)
    with pytest.raises(IndexError):
        kernel.or_at(np.zeros(4, np.int64), np.array([4], np.int32), 1)
    with pytest.raises(ValueError):
        kernel.add_term(scores, bits, 1, np.array([3], np.int32), np.ones(1), 1.0, np.array([1], np.int32))


def test_collect_refuses_more_candidates_than_room():
    scores, bits = np.zeros(10), np.zeros(10, np.uint8)
    bits[[1, 2, 3]] = 1
    with pytest.raises(ValueError):
        kernel.collect(scores, bits, 0x80, kernel.Room(), 2, np.zeros(10, np.int32), np.zeros(2, np.int64),
                       np.zeros(2, np.int64), np.zeros(2), 1)


def test_the_scratch_arrays_must_match():
    with pytest.raises(TypeError):
        kernel.add_term(np.zeros(10, np.float32), np.zeros(10, np.uint8), 1, np.zeros(0, np.int32), np.zeros(0), 1)
    with pytest.raises(TypeError):
        kernel.add_term(np.zeros(10), np.zeros(9, np.uint8), 1, np.zeros(0, np.int32), np.zeros(0), 1)


def test_take_equals_numpy():
    rng = np.random.default_rng(5)
    values = rng.random(SLOTS)
    ids = np.sort(rng.choice(SLOTS, 700, replace=False))
    assert kernel.take(values, ids).tobytes() == values[ids].tobytes()
    with pytest.raises(IndexError):
        kernel.take(values, np.array([SLOTS]))


@pytest.mark.parametrize("seed", range(40))
def test_top_equals_top_k_of_the_accumulated_scores(seed):
    """MaxScore skips work, never a passage: the same k best, in the same order, to the bit.
    Weights drawn from a few values make many equal sums, which must go in id order."""
    rng = np.random.default_rng(seed)
    lists = []
    for _ in range(int(rng.integers(1, 7))):
        ids = np.sort(rng.choice(SLOTS, int(rng.integers(1, SLOTS // rng.choice([2, 20, 200]))), replace=False))
        weights = rng.choice([0.5, 1.25, 2.0, 3.5], len(ids)) if seed % 2 else rng.random(len(ids)) * 9 + 1e-3
        lists.append(Postings("t", ids.astype(np.int32), weights))
    if seed % 3 == 0:
        lists.append(lists[0])  # a term twice in the query
    scores = np.zeros(SLOTS)
    accumulate(scores, lists)
    for k in (1, 10, 100, SLOTS):
        ids, values = kernel.top(lists, k)
        expected = top_k(scores, k)
        assert ids.tolist() == expected.tolist()
        assert values.tobytes() == scores[expected].tobytes()


def test_top_of_nothing_is_empty():
    ids, values = kernel.top([], 10)
    assert len(ids) == 0 and len(values) == 0
