"""The benchmark runs end to end at a tiny size on the bundled speeches, so it cannot rot.

Timings are only checked for being there and positive; what must hold exactly is that
our ranking equals rank-bm25's on every benchmark query.
"""

import json
from pathlib import Path

import pytest

from benchmarks import speed
from benchmarks.report import format_report
from benchmarks.resampling import HAND_WRITTEN_QUERIES, load_pool, make_queries
from index import Searcher

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SIZES = (300, 500)  # the seeds have 177 passages: these repeat them 1.7 and 2.8 times
MAX_RANK_BM25 = 300


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("bench")
    argv = ["--corpus", str(SEEDS), "--sizes", ",".join(map(str, SIZES)), "--queries", "60",
            "--repeat", "1", "--workdir", str(workdir), "--json", str(workdir / "report.json"),
            "--max-rank-bm25", str(MAX_RANK_BM25), "--baseline-queries", "50", "--full-build", "--keep", "--quiet"]
    assert speed.main(argv) == 0
    return json.loads((workdir / "report.json").read_text(encoding="utf-8")), workdir


def test_every_size_has_every_measurement_with_sane_values(report):
    data, _ = report
    assert list(data["sizes"]) == [str(s) for s in SIZES]
    for size, result in data["sizes"].items():
        assert result["passages"] == int(size)
        assert result["build"]["seconds"] > 0 and result["build"]["passages_per_s"] > 0
        assert result["db_mb"] > 0
        assert result["cold_start"]["wall_s"] > result["cold_start"]["first_query_s"] > 0
        assert result["rss_mb"] > 50
        for key in ("query_ms", "tokenize_ms", "ranking_ms", "ranking_cold_cache_ms"):
            assert 0 < result[key]["p50"] <= result[key]["p95"], key
            assert result[key]["queries"] == 60
        engines = ("bm25s", "rank_bm25") if int(size) <= MAX_RANK_BM25 else ("bm25s",)
        for engine in engines:
            assert result[engine]["build_s"] >= 0
            assert 0 < result[engine]["latency_ms"]["p50"] <= result[engine]["latency_ms"]["p95"]
        assert set(result["ratios"]) == {
            "bm25s_over_ours_ranking_p50", "bm25s_scores_over_ours_ranking_p50", "bm25s_numba_over_ours_ranking_p50",
            "rank_bm25_over_ours_ranking_p50"}
        numba = result["bm25s_numba"]  # the test extra installs numba
        assert 0 < numba["latency_ms"]["p50"] <= numba["latency_ms"]["p95"] and numba["latency_ms"]["queries"] == 60
        assert numba["build_s"] > 0 and result["ratios"]["bm25s_numba_over_ours_ranking_p50"] > 0
        assert all(result["ratios"][f"{engine}_over_ours_ranking_p50"] > 0 for engine in engines)
        assert 0.5 <= result["bm25s"]["overlap_at_10"] <= 1


def test_our_top_10_equals_rank_bm25s_on_every_benchmark_query(report):
    data, _ = report
    assert data["sizes"]["300"]["rank_bm25"]["compared"] == 50
    assert data["sizes"]["300"]["rank_bm25"]["top10_equal"] == 50


def test_rank_bm25_is_skipped_with_a_reason_above_its_limit(report):
    data, _ = report
    result = data["sizes"]["500"]
    assert "--max-rank-bm25" in result["rank_bm25"]["skipped"]
    assert result["ratios"]["rank_bm25_over_ours_ranking_p50"] is None
    rows = [line.split() for line in format_report(data).splitlines() if line.startswith("rank-bm25 ")]
    assert rows and all(row[-1] == "skipped" and row[-2] != "skipped" for row in rows)


def test_the_report_names_its_corpus_queries_method_and_targets(report):
    data, _ = report
    assert data["corpus"]["documents"] == 5 and data["corpus"]["passages"] == 177
    assert "jieba is not run again" in data["corpus"]["resampling"]
    assert data["queries"]["count"] == 60 and data["queries"]["hand_written"] == 30
    assert data["machine"]["cpus"] >= 1 and data["machine"]["bm25s"]
    full = data["full_build"]
    assert full["passages"] == 177 and full["seconds"] > 0 and full["reindex_added_s"] > 0
    assert {c["target"] for c in data["targets"]} >= {
        "full build of seeds + corpus <= 30 s", "ranking alone p50 <= bm25s retrieve p50 at 500",
        "ranking alone p50 <= bm25s-numba retrieve p50 at 500"}
    assert all(isinstance(c["met"], bool) for c in data["targets"])


def test_a_resampled_collection_is_a_real_index_of_whole_documents(report):
    _, workdir = report
    searcher = Searcher.open(workdir / "bench-500.sqlite")
    try:
        assert searcher.passage_count == 500
        documents = searcher.documents()
        paths = [d.path for d in documents]
        assert len(set(paths)) == len(paths) and any("#2" in p for p in paths)
        # Every document but the last, cut to make the size exact, keeps all its passages.
        originals = {d.path: d.passages for d in documents if "#" not in d.path}
        assert all(d.passages == originals[d.path.split("#")[0]] for d in documents[:-1])
        assert searcher.search("岳阳2021年目标", top=3).hits
    finally:
        searcher.close()


def test_without_keep_no_database_or_log_of_one_is_left(tmp_path):
    """The collections' databases go with their -wal and -shm files, which the searchers'
    read-only connections leave (SQLite would read an old log into a new file of that name)."""
    argv = ["--corpus", str(SEEDS), "--sizes", "300", "--queries", "10", "--repeat", "1", "--workdir", str(tmp_path),
            "--json", str(tmp_path / "report.json"), "--baseline-queries", "5", "--quiet"]
    assert speed.main(argv) == 0
    assert sorted(p.name for p in tmp_path.glob("*.sqlite*") if not p.name.startswith(("corpus.", "."))) == []


def test_the_table_has_one_column_per_size(report):
    data, _ = report
    table = format_report(data)
    header = table.splitlines()[0].split()
    assert header == ["passages", "300", "500"]
    assert "rank-bm25 full p50 / p95, ms" in table and "targets:" in table


@pytest.mark.parametrize(("text", "sizes"), [
    ("10k,100k,1M", [10_000, 100_000, 1_000_000]), ("500, 2000", [500, 2000]), ("1.5k", [1500]),
])
def test_sizes_accept_k_and_m_suffixes(text, sizes):
    assert speed.parse_sizes(text) == sizes


@pytest.mark.parametrize("text", ["", "abc", "5", "10k,x"])
def test_bad_sizes_are_refused(text):
    with pytest.raises(Exception, match="size|passages|no sizes"):
        speed.parse_sizes(text)


def test_a_missing_corpus_is_one_error_line(tmp_path, capsys):
    assert speed.main(["--corpus", str(tmp_path / "nowhere"), "--workdir", str(tmp_path), "--sizes", "100"]) == 1
    assert capsys.readouterr().err.strip() == f"error: corpus folder not found: {tmp_path / 'nowhere'}"


def test_queries_are_fixed_by_the_seed_and_drawn_from_real_passages(tmp_path):
    pool = load_pool([SEEDS], tmp_path)
    first, second = make_queries(pool, 80), make_queries(pool, 80)
    assert first == second and len(set(first)) > 70
    assert first[:30] == list(HAND_WRITTEN_QUERIES)
    vocabulary = {t for doc in pool.docs for tokens in doc.tokens for t in tokens}
    assert all(set(q.split()) <= vocabulary for q in first[30:])


def test_first_mention_cases_name_the_oldest_document_that_states_the_phrase(tmp_path):
    from benchmarks.first_mention import main, make_cases
    from index import build_index

    texts = {1995: "要实施“科教兴国”战略，加快科技进步。", 2001: "继续实施“科教兴国”战略和可持续发展战略。",
             2006: "坚持“科教兴国”，建设创新型国家。"}
    folder = tmp_path / "reports"
    folder.mkdir()
    for year, text in texts.items():
        (folder / f"gwr_{year}.txt").write_text(f"{year}年政府工作报告\n\n{text}\n", encoding="utf-8")
    (folder / "metadata.csv").write_text("file,kind,year,title\n" + "".join(
        f"gwr_{year}.txt,report,{year},{year}年政府工作报告\n" for year in texts), encoding="utf-8")
    build_index([folder], tmp_path / "index.sqlite")
    cases = make_cases(Searcher.open(tmp_path / "index.sqlite"), 10, 7)
    assert [(c["doc"], c["any"]) for c in cases] == [("gwr_1995", ["科教兴国"])]
    assert "科教兴国" in cases[0]["q"]
    out = tmp_path / "cases.jsonl"
    assert main(["--db", str(tmp_path / "index.sqlite"), "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["doc"] == "gwr_1995"


def test_phrasings_ask_each_question_in_every_variant(tmp_path):
    from benchmarks.phrasings import VARIANTS, compare
    from index import build_index

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "gwr_2024.txt").write_text("2024年政府工作报告\n\n今年赤字率拟按3%安排，赤字规模4.06万亿元。\n",
                                         encoding="utf-8")
    build_index([folder, Path(__file__).resolve().parent.parent / "seeds"], tmp_path / "index.sqlite")
    cases = [{"q": "2024年 赤字规模", "type": "d", "doc": "gwr_2024", "any": ["赤字规模4.06万亿元"]},
             {"q": "2099年 赤字规模", "type": "i", "none": True}]
    results = compare(Searcher.open(tmp_path / "index.sqlite"), cases)
    assert set(results) == set(VARIANTS)
    assert all(lost == 0 and gained == 0 for lost, gained, _ in results.values())


def test_quote_source_asks_sentences_of_real_passages(tmp_path, capsys):
    from benchmarks.quote_source import main, sentences
    from index import build_index

    build_index([Path(__file__).resolve().parent.parent / "seeds"], tmp_path / "index.sqlite")
    searcher = Searcher.open(tmp_path / "index.sqlite")
    picked = sentences(searcher, 5, 3)
    assert picked and all(10 <= len(p) <= 30 for p in picked)
    assert all(searcher.search(f"“{p}”").hits for p in picked)  # each is written in the collection
    assert main(["--db", str(tmp_path / "index.sqlite"), "--documents", "5"]) == 0
    out = capsys.readouterr().out
    assert f"{len(picked)} sentences" in out and f"/{len(picked)} first hit has it" in out
