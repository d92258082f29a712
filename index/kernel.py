"""The search's loops over passages, in C (`_kernel.c`, built with the package).

`candidates` turns a query's posting lists into its candidates: every passage that has a
term, in id order, with its BM25 score, its terms, its document's and its base score (in
numpy these were a dozen passes over a million slots or a few hundred thousand candidates;
here it is one pass over the lists, a block of ids at a time so that the scattered adds stay
in the cache).  `top` is plain BM25's top k, by MaxScore or by the same blocked sums,
whichever costs less for each block of ids; `top_k`, the k best of any scores.  The C code
does numpy's arithmetic in numpy's order, so scores are the same to the bit;
`tests/test_kernel.py` holds the numpy expressions it replaces and checks the two agree.
There is no fallback: the package does not install without a C compiler, and there is one
way to compute each thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import _kernel
from .ranking import Postings

NO_POSITIONS = np.zeros(0, dtype=np.int32)


def _array(values: np.ndarray, dtype) -> np.ndarray:
    """`values` as a C-contiguous array of `dtype` (a copy only when it is not one)."""
    return np.ascontiguousarray(values, dtype=dtype)


def or_at(target: np.ndarray, positions: np.ndarray, bit: int) -> None:
    """In place: target[positions] |= bit (`target` int64, each position at most once)."""
    if target.dtype != np.int64 or not target.flags.c_contiguous:
        raise TypeError("or_at needs a contiguous int64 target")
    _kernel.or_at(target, _array(positions, np.int32), int(bit))


@dataclass(frozen=True)
class Candidates:
    """A query's candidates, in id order."""

    ids: np.ndarray  # int64 passage ids
    text: np.ndarray  # their BM25 score (the scratch scores)
    bits: np.ndarray  # int64: terms of the passage's text (bits less the candidate bit) or its document's metadata
    docs: np.ndarray  # int32 document ids
    doc_bits: np.ndarray  # int64: terms of the whole document, text or metadata
    base: np.ndarray  # text + meta_score[docs]


BLOCK = 32768  # passage ids a `candidates` call works on at a time (as _kernel.c)


class Scratch:
    """One thread's scratch arrays for `candidates`: scores, term bits and marks for a block
    of passage ids, all zero between calls.  Reused because allocating them is most of the
    cost of a small query."""

    def __init__(self) -> None:
        self.scores = np.zeros(BLOCK)
        self.bits = np.zeros(BLOCK, np.uint64)
        self.marks = np.zeros(BLOCK, np.uint8)


FIELDS = (np.int64, np.float64, np.int64, np.int32, np.int64, np.float64)  # of `Candidates`


def candidates(terms: list[tuple[np.ndarray, np.ndarray, int, int, np.ndarray]], inside_weight: float,
               named: np.ndarray, candidate_bit: int, scratch: Scratch, most: int,
               passage_doc: np.ndarray, doc_meta_bits: np.ndarray, doc_text_bits: np.ndarray,
               meta_score: np.ndarray, no_document: int) -> Candidates:
    """The passages that have a term, or are `named` (ascending ids), in id order, with what
    `Candidates` lists.  `terms`: per term (ids ascending, BM25 contributions, multiplier,
    bit, ascending positions in ids whose contributions count `inside_weight` times);
    for each, in order: scores[ids] += contributions * multiplier (times inside_weight
    first at those positions), bits[ids] |= bit; the named passages get `candidate_bit`.
    Then, per candidate: its text score, docs = passage_doc[ids], bits without the
    candidate bit | doc_meta_bits[docs], doc_bits = doc_text_bits[docs] | doc_meta_bits[docs]
    (for dead slots, `no_document`, the OR of their run of candidates, as
    `ranking.per_document_or`), base = text + meta_score[docs].  `most`: at most how many
    candidates there are (only the pages of the arrays that are written are ever touched)."""
    arrays = [np.empty(min(int(most), len(passage_doc)), dtype) for dtype in FIELDS]
    packed = tuple((_array(ids, np.int32), _array(contributions, np.float64), float(multiplier), int(bit),
                    _array(inside, np.int32)) for ids, contributions, multiplier, bit, inside in terms)
    count = _kernel.candidates(
        packed, float(inside_weight), _array(named, np.int64), int(candidate_bit), _array(passage_doc, np.int32),
        _array(doc_meta_bits, np.int64), _array(doc_text_bits, np.int64), _array(meta_score, np.float64),
        int(no_document), scratch.scores, scratch.bits, scratch.marks, *arrays)
    return Candidates(*(array[:count] for array in arrays))


def within_document(ids: np.ndarray, bits: np.ndarray, named: np.ndarray, doc_first: np.ndarray,
                    doc_count: np.ndarray, doc_meta_bits: np.ndarray, term_shares: np.ndarray, weight: float,
                    longest: int) -> np.ndarray:
    """Per candidate, the factor `rerank.within_document_factor` describes, for the candidates
    of the `named` documents (1 for the others); `longest`: the most passages a document has."""
    out = np.ones(len(ids))
    _kernel.within_document(_array(ids, np.int64), _array(bits, np.int64), _array(named, np.int64),
                            _array(doc_first, np.int64), _array(doc_count, np.int64), _array(doc_meta_bits, np.int64),
                            _array(term_shares, np.float64), *log_tables(longest + 1), float(weight), out)
    return out


@lru_cache(maxsize=4)
def log_tables(size: int) -> tuple[np.ndarray, np.ndarray]:
    """log(k + 1) and log(k + 0.5) for k below `size`: a passage count and a term's count in
    a document, whose difference is the term's IDF among the document's passages."""
    counts = np.arange(size, dtype=np.float64)
    return np.log(counts + 1.0), np.log(counts + 0.5)


def take(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """values[ids] for float64 values with a slot per passage and ascending candidate ids:
    the slots are scattered over megabytes, and fetching them ahead of use is several times
    faster than numpy's gather."""
    out = np.empty(len(ids))
    _kernel.take(_array(values, np.float64), _array(ids, np.int64), out)
    return out


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest positive scores, best first, equal scores in index order: as
    `ranking.top_k`, in one pass with a heap of k instead of a partition and sort of all."""
    out = np.empty(max(1, int(k)), np.int64)
    count = _kernel.top_k(_array(scores, np.float64), max(1, int(k)), out)
    return out[:count]


def top(lists: list[Postings], k: int, scratch: Scratch) -> tuple[np.ndarray, np.ndarray]:
    """The k passages with the highest positive sums of their weights over the posting lists
    (a list may come more than once), best first, equal sums in id order, and their sums:
    `ranking.top_k` of `ranking.accumulate`'s scores, to the bit, without scoring every
    passage.  A block of passage ids at a time, by MaxScore (lists that cannot lift a passage
    into the k best are only searched for the passages that the others could lift there) or
    by summing every list through `scratch` (as `candidates` does: a sequential add per
    posting), whichever took less per posting on the last block of each; the result does not
    depend on the choice."""
    room = min(int(k), sum(len(p.ids) for p in lists))
    if room < 1:
        return np.zeros(0, np.int64), np.zeros(0)
    found_ids, found_scores = np.empty(room, np.int64), np.empty(room)
    count = _kernel.top(tuple(_array(p.ids, np.int32) for p in lists), tuple(_array(p.weights, np.float64) for p in lists),
                        tuple(p.bound for p in lists), room, scratch.scores, found_ids, found_scores)
    return found_ids[:count], found_scores[:count]
