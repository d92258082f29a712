"""BM25 exactly as `rank_bm25.BM25Okapi` defines it, over posting lists.

A term's contribution to a passage's score depends only on its frequency there, the
passage's length and the term's IDF.  The index stores, for every term, the passages
that contain it and how often; the searcher turns a list into contributions the first
time a query needs it (with N, the average length and the mean IDF of the current
build), and a query is a sum over a few posting lists instead of a pass over every
passage.  Storing frequencies rather than contributions lets an incremental build
rewrite only the lists of the terms it touches.  `tests/test_ranking.py` checks the
result against `BM25Okapi.get_scores`.  The search sums lists in C (`kernel.py`); `accumulate`,
`top_k` and `per_document_or` here are the numpy definitions it is tested against (and
`top_k` also orders the re-ranked candidates).
"""

from __future__ import annotations

import functools
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

K1 = 1.5
B = 0.75
EPSILON = 0.25


@dataclass(frozen=True)
class Postings:
    term: str
    ids: np.ndarray  # int32 passage ids, ascending
    weights: np.ndarray  # float64 BM25 contribution of one occurrence of the term in the query
    tfs: np.ndarray | None = None  # uint16 term frequencies, as stored

    @functools.cached_property
    def bound(self) -> float:
        """The largest contribution: what the term adds to any passage at most."""
        return float(self.weights.max()) if len(self.weights) else 0.0


@dataclass(frozen=True)
class CorpusStats:
    passages: int
    avgdl: float
    average_idf: float


def raw_idf(df: np.ndarray | int, corpus_size: int):
    return np.log(corpus_size - df + 0.5) - np.log(df + 0.5)


def okapi_idf(document_frequencies: dict[str, int], corpus_size: int) -> tuple[dict[str, float], float]:
    """IDF per term with BM25Okapi's epsilon floor for negative values, and the mean IDF."""
    idf: dict[str, float] = {}
    idf_sum = 0.0
    negative: list[str] = []
    for term, freq in document_frequencies.items():
        value = math.log(corpus_size - freq + 0.5) - math.log(freq + 0.5)
        idf[term] = value
        idf_sum += value
        if value < 0:
            negative.append(term)
    average = idf_sum / len(idf) if idf else 0.0
    for term in negative:
        idf[term] = EPSILON * average
    return idf, average


def term_idf(df: int, corpus_size: int, average_idf: float) -> float:
    """One term's IDF as BM25Okapi computes it (negative values floored to epsilon * mean)."""
    value = math.log(corpus_size - df + 0.5) - math.log(df + 0.5)
    return EPSILON * average_idf if value < 0 else value


def length_norms(lengths: np.ndarray, avgdl: float) -> np.ndarray:
    """k1 * (1 - b + b * dl / avgdl) per passage, the length part of BM25's denominator."""
    lengths = lengths.astype(np.float64)
    return K1 * (1 - B + B * lengths / avgdl) if avgdl else np.full(len(lengths), K1 * (1 - B))


def contributions(tfs: np.ndarray, norms: np.ndarray, idf: float) -> np.ndarray:
    """BM25 contribution of one query occurrence of a term to each passage that has it."""
    tf = tfs.astype(np.float64)
    return idf * (tf * (K1 + 1) / (tf + norms))


def build_postings(token_lists: Iterable[Sequence[str]]) -> tuple[list[Postings], dict[str, float], CorpusStats]:
    """Posting lists for every term of `token_lists` (passage i has id i)."""
    vocabulary: dict[str, int] = {}
    pair_terms = array("i")
    pair_passages = array("i")
    pair_tfs = array("i")
    lengths = array("l")
    for pid, tokens in enumerate(token_lists):
        lengths.append(len(tokens))
        for term, tf in Counter(tokens).items():
            term_id = vocabulary.setdefault(term, len(vocabulary))
            pair_terms.append(term_id)
            pair_passages.append(pid)
            pair_tfs.append(tf)
    n = len(lengths)
    dl = np.frombuffer(lengths, dtype=np.int64) if n else np.zeros(0, np.int64)
    avgdl = float(dl.sum()) / n if n else 0.0
    terms_arr = np.frombuffer(pair_terms, dtype=np.int32) if pair_terms else np.zeros(0, np.int32)
    order = np.argsort(terms_arr, kind="stable")  # keeps passage ids ascending per term
    sorted_terms = terms_arr[order]
    passages_arr = (np.frombuffer(pair_passages, dtype=np.int32) if pair_passages else np.zeros(0, np.int32))[order]
    tfs_arr = (np.frombuffer(pair_tfs, dtype=np.int32) if pair_tfs else np.zeros(0, np.int32))[order]
    tfs_arr = np.minimum(tfs_arr, np.iinfo(np.uint16).max).astype(np.uint16)
    bounds = np.searchsorted(sorted_terms, np.arange(len(vocabulary) + 1))
    names = list(vocabulary)
    idf, average_idf = okapi_idf(dict(zip(names, np.diff(bounds).tolist())), n)
    norms = length_norms(dl, avgdl)
    postings = []
    for term_id, term in enumerate(names):
        lo, hi = bounds[term_id], bounds[term_id + 1]
        ids, tfs = passages_arr[lo:hi], tfs_arr[lo:hi]
        postings.append(Postings(term, ids, contributions(tfs, norms[ids], idf[term]), tfs))
    return postings, idf, CorpusStats(n, avgdl, average_idf)


def accumulate(scores: np.ndarray, postings: Iterable[Postings | None]) -> None:
    """Add each posting list's contributions to `scores` in place (one list per query term):
    the definition `kernel.top` and `kernel.candidates` compute, kept for their tests."""
    for plist in postings:
        if plist is not None and len(plist.ids):
            scores[plist.ids] += plist.weights


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest positive scores, best first; ties keep index order."""
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > k:
        values = scores[candidates]
        threshold = np.partition(values, len(values) - k)[len(values) - k]
        candidates = candidates[values >= threshold]
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order][:k]


def per_document_or(docs: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """For each candidate, the OR of `bits` over the candidates of its document.  Candidates
    are in id order and a document's passages have consecutive ids, so each document is one
    run: one reduceat over the candidates instead of a scatter per term over its postings."""
    if not len(docs):
        return bits
    starts = np.flatnonzero(np.concatenate(([True], docs[1:] != docs[:-1])))
    per_run = np.bitwise_or.reduceat(bits, starts)
    return np.repeat(per_run, np.diff(np.append(starts, len(docs))))
