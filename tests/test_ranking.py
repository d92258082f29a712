"""The precomputed posting lists score exactly as rank-bm25's BM25Okapi, the reference.

Real jieba tokens of the bundled speeches, resampled to about 3,000 passages; for each
query, the summed posting lists must equal `BM25Okapi(token_lists).get_scores(query)` for
every passage to 1e-9, and the top 10 must be the same passages in the same order.
"""

import random
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from index.analysis import Analyzer
from index.builder import parse_document
from index.ranking import EPSILON, K1, B, accumulate, build_postings, okapi_idf, top_k

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PASSAGES = 3000
# Put into 60% of the passages, so that its IDF is negative and BM25Okapi floors it.
EVERYWHERE = "人民"


@pytest.fixture(scope="module")
def corpus():
    """(token lists, postings by term, BM25Okapi over the same token lists)."""
    analyzer = Analyzer()
    real = []
    for path in sorted(SEEDS.glob("*.txt")):
        doc = parse_document("seeds", path.name, "", path.read_text(encoding="utf-8"), None)
        real.extend(tokens for norm in doc.norms if len(tokens := analyzer.tokens(norm)) >= 3)
    rng = random.Random(7)
    token_lists = []
    for _ in range(PASSAGES):
        # A random stretch of a random real passage: real words, varied lengths and counts.
        tokens = rng.choice(real)
        start = rng.randrange(len(tokens) - 2)
        passage = tokens[start : rng.randint(start + 3, len(tokens))]
        if rng.random() < 0.6:
            passage = passage + [EVERYWHERE]
        token_lists.append(passage)
    postings, idf, stats = build_postings(token_lists)
    return token_lists, {p.term: p for p in postings}, BM25Okapi(token_lists), idf, stats


@pytest.fixture(scope="module")
def queries(corpus):
    """50 queries: repeated, unknown and near-universal terms first, then random real words."""
    token_lists, postings = corpus[0], corpus[1]
    rng = random.Random(11)
    vocabulary = sorted(postings)
    frequent = sorted(vocabulary, key=lambda t: -len(postings[t].ids))[:20]
    queries = [
        ["政府", "目标"], ["经济", "经济", "发展"], [EVERYWHERE], [EVERYWHERE, "改革"],
        ["未见过的词"], ["未见过的词", "发展"], [EVERYWHERE, EVERYWHERE, "创新", "创新"], frequent[:5],
    ]
    while len(queries) < 50:
        tokens = rng.choice(token_lists)
        queries.append(rng.sample(tokens, min(len(tokens), rng.randint(1, 4))) + rng.sample(vocabulary, rng.randint(0, 1)))
    return queries


def test_the_corpus_exercises_bm25okapis_edge_cases(corpus):
    token_lists, _, reference, idf, stats = corpus
    assert stats.passages == PASSAGES == reference.corpus_size
    assert stats.avgdl == pytest.approx(reference.avgdl, abs=1e-12)
    assert (K1, B, EPSILON) == (reference.k1, reference.b, reference.epsilon)
    assert sum(EVERYWHERE in tokens for tokens in token_lists) > PASSAGES / 2
    assert stats.average_idf > 0
    assert idf[EVERYWHERE] == pytest.approx(EPSILON * stats.average_idf, abs=1e-12)
    assert idf == pytest.approx(reference.idf, abs=1e-12)


@pytest.mark.parametrize("number", range(50))
def test_summed_postings_equal_bm25okapi_scores_and_top_10(corpus, queries, number):
    token_lists, postings, reference, _, _ = corpus
    query = queries[number]
    expected = reference.get_scores(query)
    scores = np.zeros(len(token_lists))
    accumulate(scores, (postings.get(term) for term in query))
    np.testing.assert_allclose(scores, expected, rtol=0, atol=1e-9)
    assert top_k(scores, 10).tolist() == top_k(expected, 10).tolist()


def test_repeated_query_terms_count_twice_and_unknown_terms_count_nothing(corpus):
    token_lists, postings, reference, _, _ = corpus
    once = np.zeros(len(token_lists))
    accumulate(once, [postings["发展"]])
    twice = np.zeros(len(token_lists))
    accumulate(twice, [postings["发展"], postings.get("未见过的词"), postings["发展"]])
    np.testing.assert_allclose(twice, 2 * once, rtol=0, atol=1e-12)
    np.testing.assert_allclose(twice, reference.get_scores(["发展", "未见过的词", "发展"]), rtol=0, atol=1e-9)


def test_okapi_idf_floors_negative_values_at_epsilon_times_the_mean():
    idf, average = okapi_idf({"rare": 1, "common": 9}, 10)
    assert idf["rare"] == pytest.approx(np.log(9.5 / 1.5))
    assert average == pytest.approx((np.log(9.5 / 1.5) + np.log(1.5 / 9.5)) / 2)
    assert idf["common"] == pytest.approx(EPSILON * average)


def test_top_k_is_best_first_positive_only_and_ties_keep_index_order():
    scores = np.array([0.0, 2.0, -1.0, 3.0, 2.0, 0.5])
    assert top_k(scores, 3).tolist() == [3, 1, 4]
    assert top_k(scores, 10).tolist() == [3, 1, 4, 5]
    assert top_k(np.zeros(5), 3).tolist() == []
