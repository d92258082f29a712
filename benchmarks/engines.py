"""The engines compared on the very same query terms: our ranking alone (BM25 over the
searcher's posting lists), rank-bm25's BM25Okapi and bm25s."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import numpy as np

from index.ranking import K1, B, top_k
from index.searcher import Searcher

from .timing import per_query_ms, rss_mb, summary


TOP = 10
SCORE_TOLERANCE = 1e-9
BM25S_METHOD = "robertson"  # its IDF and TF parts are Okapi's, see bm25s_note


def rank_terms(searcher: Searcher, terms: Sequence[str], k: int = TOP) -> tuple[np.ndarray, np.ndarray]:
    """BM25 alone, as `rank_bm25.BM25Okapi` defines it, over the searcher's posting lists:
    ids and scores of the k best passages.  No metadata boosts, coordination, short-passage
    prior or quotes: the part of `Searcher.search` that bm25s and rank-bm25 also do."""
    return searcher.bm25_top(list(terms), k)


def same_ranking(ids: np.ndarray, scores: np.ndarray, reference: np.ndarray) -> bool:
    """Whether our top k is the reference scores' top k (ties in either order), to 1e-9."""
    ref_ids = top_k(reference, len(ids)) if len(ids) else np.zeros(0, np.int64)
    if len(ref_ids) != len(ids) or not np.allclose(scores, reference[ids], rtol=0, atol=SCORE_TOLERANCE):
        return False
    return bool(np.allclose(scores, reference[ref_ids], rtol=0, atol=SCORE_TOLERANCE))


def measure_rank_bm25(token_lists: list[list[str]], term_lists: list[list[str]], ours: list, count: int) -> dict:
    """rank-bm25's BM25Okapi on the first `count` queries: construction, full scoring plus the
    top 10 (one pass: it has no cache to warm), and whether our top 10 equals its top 10."""
    from rank_bm25 import BM25Okapi

    before = rss_mb()
    started = time.perf_counter()
    model = BM25Okapi(token_lists)
    build_s = time.perf_counter() - started
    rss = rss_mb() - before
    scores: list = [None] * count

    def run(i: int) -> None:
        scores[i] = model.get_scores(term_lists[i])
        top_k(scores[i], TOP)

    ms = per_query_ms(run, count, repeat=1, warm=False)
    return {"build_s": round(build_s, 3), "rss_mb": round(rss, 1), "latency_ms": summary(ms),
            "top10_equal": sum(same_ranking(*ours[i], scores[i]) for i in range(count)), "compared": count}


def measure_bm25s(id_lists: list[list[int]], vocabulary: dict[str, int], term_lists: list[list[str]],
                  ours: list, count: int, repeat: int) -> dict:
    """bm25s: index the same tokens (as ids); retrieve the top 10 for the first `count`
    queries, one at a time, in one pass; and its scoring alone followed by our top-k for
    every query (`repeat` passes)."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
    before = rss_mb()
    started = time.perf_counter()
    retriever = bm25s.BM25(k1=K1, b=B, method=BM25S_METHOD)
    retriever.index((id_lists, dict(vocabulary)), show_progress=False)
    build_s = time.perf_counter() - started
    rss = rss_mb() - before
    found: list = [None] * count

    def run(i: int) -> None:
        found[i] = retriever.retrieve([term_lists[i]], k=TOP, show_progress=False, n_threads=0)

    ms = per_query_ms(run, count, repeat=1, warm=False)  # nothing to warm, and 0.2 s a query at 1M
    # Its numpy top-k (argpartition at n - k) is slow on mostly-zero scores; this shows
    # its scoring with our top-k, the strictest comparison.
    scoring_ms = per_query_ms(lambda i: top_k(retriever.get_scores(term_lists[i]), TOP), len(term_lists), repeat)
    overlap = []
    for (ids, _), result in zip(ours, found):
        theirs = set(result.documents[0][result.scores[0] > 0].tolist())
        overlap.append(len(theirs & set(ids.tolist())) / max(1, len(ids), len(theirs)))
    return {"build_s": round(build_s, 3), "rss_mb": round(rss, 1), "latency_ms": summary(ms),
            "scores_and_our_top_k_ms": summary(scoring_ms), "overlap_at_10": round(float(np.mean(overlap)), 3)}


def measure_bm25s_numba(id_lists: list[list[int]], vocabulary: dict[str, int], term_lists: list[list[str]],
                        repeat: int) -> dict:
    """bm25s with its numba backend (its fastest): index the same tokens; retrieve the top 10
    of every query, one at a time on one thread, timed like our ranking alone (`repeat`
    passes after a warm-up).  Skipped without numba."""
    import bm25s

    try:
        import numba  # noqa: F401
    except ImportError:
        return {"skipped": "numba is not installed (pip install -e '.[bench]')"}
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    started = time.perf_counter()
    retriever = bm25s.BM25(k1=K1, b=B, method=BM25S_METHOD, backend="numba")
    retriever.index((id_lists, dict(vocabulary)), show_progress=False)
    build_s = time.perf_counter() - started  # with compiling its functions, which it does on creation
    ms = per_query_ms(lambda i: retriever.retrieve([term_lists[i]], k=TOP, show_progress=False, n_threads=1),
                      len(term_lists), repeat)
    return {"build_s": round(build_s, 3), "latency_ms": summary(ms)}


def bm25s_note() -> str:
    return (f'bm25s {BM25S_METHOD!r} (k1={K1}, b={B}, numpy backend, float32): Okapi\'s IDF but '
            "clamped at 0 where BM25Okapi floors a negative IDF at 0.25 x mean IDF, and the TF part "
            "without the constant factor k1 + 1; otherwise the same ranking. bm25s-numba: the same with "
            "backend='numba', one thread, every query timed like our ranking alone (compiled first)")
