"""The candidate stage's loops over passages, in C (`_kernel.c`, built with the package).

A query adds each term's BM25 contributions and bit into per-thread scratch arrays of
one slot per passage (`add_term`), then takes the candidates out of them in id order with
what the re-ranking needs per candidate, resetting the slots as it goes (`collect`).  In
numpy these were a dozen passes over a million slots or a few hundred thousand candidates;
here they are two.  The C code does numpy's arithmetic in numpy's order, so the scores are
the same to the bit; `tests/test_kernel.py` holds the numpy expressions it replaces and
checks the two agree.  There is no fallback: the package does not install without it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _kernel
from .ranking import Postings

NO_POSITIONS = np.zeros(0, dtype=np.int32)


def _array(values: np.ndarray, dtype) -> np.ndarray:
    """`values` as a C-contiguous array of `dtype` (a copy only when it is not one)."""
    return np.ascontiguousarray(values, dtype=dtype)


def add_term(scores: np.ndarray, bits: np.ndarray, bit: int, ids: np.ndarray, contributions: np.ndarray,
             multiplier: float, inside: np.ndarray = NO_POSITIONS, inside_weight: float = 1.0) -> None:
    """In place: scores[ids] += contributions * multiplier, with the contributions at the
    ascending positions `inside` multiplied by `inside_weight` first, and bits[ids] |= bit."""
    _scratch_check(scores, bits)
    _kernel.add_term(scores, bits, bits.itemsize, int(bit), _array(ids, np.int32),
                     _array(contributions, np.float64), float(multiplier), _array(inside, np.int32),
                     float(inside_weight))


def or_at(target: np.ndarray, positions: np.ndarray, bit: int) -> None:
    """In place: target[positions] |= bit (`target` int64, each position at most once)."""
    if target.dtype != np.int64 or not target.flags.c_contiguous:
        raise TypeError("or_at needs a contiguous int64 target")
    _kernel.or_at(target, _array(positions, np.int32), int(bit))


@dataclass(frozen=True)
class Candidates:
    """The candidates taken out of the scratch arrays, in id order."""

    ids: np.ndarray  # int64 passage ids
    text: np.ndarray  # their BM25 score (the scratch scores)
    bits: np.ndarray  # int64: terms of the passage's text (bits less the candidate bit) or its document's metadata
    docs: np.ndarray  # int32 document ids
    doc_bits: np.ndarray  # int64: terms of the whole document, text or metadata
    base: np.ndarray  # text + meta_score[docs]


class Room:
    """The arrays `collect` writes its candidates into, kept and reused by one thread: fresh
    arrays of a few hundred thousand entries cost a page fault every 4 KB, more than the
    writing itself.  What `collect` returns are views into them, valid until its next call."""

    FIELDS = (("ids", np.int64), ("text", np.float64), ("bits", np.int64), ("docs", np.int32),
              ("doc_bits", np.int64), ("base", np.float64))

    def __init__(self) -> None:
        self.size = 0
        self.arrays = [np.empty(0, dtype) for _, dtype in self.FIELDS]

    def at_least(self, size: int) -> list[np.ndarray]:
        if size > self.size:
            self.size = max(size, 2 * self.size)
            self.arrays = [np.empty(self.size, dtype) for _, dtype in self.FIELDS]
        return self.arrays


def collect(scores: np.ndarray, bits: np.ndarray, candidate_bit: int, room: Room, most: int,
            passage_doc: np.ndarray, doc_meta_bits: np.ndarray, doc_text_bits: np.ndarray, meta_score: np.ndarray,
            no_document: int) -> Candidates:
    """Every slot with a bit set, in id order, with what `Candidates` lists; the slots are
    reset to zero.  `most`: at most how many there are (the lengths of the lists added).
    The documents of dead slots (`no_document`) take the OR of their run of candidates,
    as `ranking.per_document_or`.  The arrays returned are views into `room`."""
    _scratch_check(scores, bits)
    arrays = room.at_least(min(int(most), len(scores)))
    count = _kernel.collect(
        scores, bits, bits.itemsize, int(candidate_bit), _array(passage_doc, np.int32),
        _array(doc_meta_bits, np.int64), _array(doc_text_bits, np.int64), _array(meta_score, np.float64),
        int(no_document), *arrays)
    return Candidates(*(array[:count] for array in arrays))


def take(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """values[ids] for float64 values with a slot per passage and ascending candidate ids:
    the slots are scattered over megabytes, and fetching them ahead of use is several times
    faster than numpy's gather."""
    out = np.empty(len(ids))
    _kernel.take(_array(values, np.float64), _array(ids, np.int64), out)
    return out


def top(lists: list[Postings], k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k passages with the highest positive sums of their weights over the posting lists
    (a list may come more than once), best first, equal sums in id order, and their sums:
    `ranking.top_k` of `ranking.accumulate`'s scores, to the bit, without scoring every
    passage (MaxScore: lists that cannot lift a passage into the k best are only searched
    for the passages that the others could lift there)."""
    room = min(int(k), sum(len(p.ids) for p in lists))
    if room < 1:
        return np.zeros(0, np.int64), np.zeros(0)
    found_ids, found_scores = np.empty(room, np.int64), np.empty(room)
    count = _kernel.top(tuple(_array(p.ids, np.int32) for p in lists), tuple(_array(p.weights, np.float64) for p in lists),
                        tuple(p.bound for p in lists), room, found_ids, found_scores)
    found_ids, found_scores = found_ids[:count], found_scores[:count]
    order = np.lexsort((found_ids, -found_scores))
    return found_ids[order], found_scores[order]


def _scratch_check(scores: np.ndarray, bits: np.ndarray) -> None:
    if scores.dtype != np.float64 or bits.dtype.kind != "u" or len(bits) != len(scores):
        raise TypeError("scratch arrays: float64 scores and unsigned bits, one each per slot")
    if not (scores.flags.c_contiguous and bits.flags.c_contiguous):
        raise TypeError("scratch arrays must be contiguous")
