"""The benchmark report as one aligned table (sizes as columns) with its notes and targets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _pair(summary: dict, digits: int = 2) -> str:
    return f"{summary['p50']:.{digits}f} / {summary['p95']:.{digits}f}"


def _rank_bm25_cell(result: dict, cell: Callable[[dict], str]) -> str:
    return cell(result["rank_bm25"]) if "latency_ms" in result["rank_bm25"] else "skipped"


def _numba_cell(result: dict, cell: Callable[[dict], str]) -> str:
    return cell(result["bm25s_numba"]) if "latency_ms" in result.get("bm25s_numba", {}) else "skipped"


ROWS: tuple[tuple[str, Callable[[dict], str]], ...] = (
    ("documents (corpus copies)", lambda r: f"{r['documents']:,} ({r['corpus_copies']:g}x)"),
    ("build: ours, s (passages/s)", lambda r: f"{r['build']['seconds']:.1f} ({r['build']['passages_per_s']:,})"),
    ("build: bm25s, s", lambda r: f"{r['bm25s']['build_s']:.1f}"),
    ("build: rank-bm25, s", lambda r: _rank_bm25_cell(r, lambda x: f"{x['build_s']:.1f}")),
    ("database, MB", lambda r: f"{r['db_mb']:,.0f}"),
    ("reindex, one file changed / none, s", lambda r: "{changed_file_s:.2f} / {nothing_changed_s:.2f}".format(
        **r["reindex"])),
    ("cold start to 1st answer, s", lambda r: f"{r['cold_start']['wall_s']:.2f}"),
    ("  import / open / 1st query, s", lambda r: "{import_s:.2f} / {open_s:.2f} / {first_query_s:.2f}".format(
        **r["cold_start"])),
    ("RSS after 1st answer, MB", lambda r: f"{r['rss_mb']:,.0f}"),
    ("RSS after all queries, MB", lambda r: f"{r['rss_after_queries_mb']:,.0f}"),
    ("query p50 / p95, ms", lambda r: _pair(r["query_ms"])),
    ("  tokenize p50 / p95, ms", lambda r: _pair(r["tokenize_ms"])),
    ("  ranking alone p50 / p95, ms", lambda r: _pair(r["ranking_ms"])),
    ("  rest (boosts, quotes) p50 / p95, ms", lambda r: _pair(r["rest_of_query_ms"])),
    ("  ranking alone, cold cache, ms", lambda r: _pair(r["ranking_cold_cache_ms"])),
    ("bm25s retrieve top 10 p50 / p95, ms", lambda r: _pair(r["bm25s"]["latency_ms"])),
    ("  bm25s get_scores + our top_k, ms", lambda r: _pair(r["bm25s"]["scores_and_our_top_k_ms"])),
    ("bm25s-numba retrieve top 10 p50 / p95, ms", lambda r: _numba_cell(r, lambda x: _pair(x["latency_ms"]))),
    ("  bm25s-numba build (and compile), s", lambda r: _numba_cell(r, lambda x: f"{x['build_s']:.1f}")),
    ("rank-bm25 full p50 / p95, ms", lambda r: _rank_bm25_cell(r, lambda x: _pair(x["latency_ms"], 1))),
    ("bm25s retrieve / ours (ranking p50)", lambda r: f"{r['ratios']['bm25s_over_ours_ranking_p50']:.1f}x"),
    ("bm25s-numba retrieve / ours (p50)", lambda r: _numba_cell(
        r, lambda x: f"{r['ratios']['bm25s_numba_over_ours_ranking_p50']:.1f}x")),
    ("bm25s scores+top_k / ours (p50)", lambda r: f"{r['ratios']['bm25s_scores_over_ours_ranking_p50']:.1f}x"),
    ("rank-bm25 / ours (ranking p50)", lambda r: _rank_bm25_cell(
        r, lambda x: f"{r['ratios']['rank_bm25_over_ours_ranking_p50']:,.0f}x")),
    ("top 10 = rank-bm25's (1e-9)", lambda r: _rank_bm25_cell(r, lambda x: f"{x['top10_equal']}/{x['compared']}")),
    ("bm25s top-10 overlap", lambda r: f"{r['bm25s']['overlap_at_10']:.0%}"),
)


def format_report(report: dict) -> str:
    """The report as one aligned table (sizes as columns) with its notes, targets and full build."""
    sizes = report["sizes"]
    header = ["passages", *(f"{int(s):,}" for s in sizes)]
    rows = [header] + [[label, *(cell(r) for r in sizes.values())] for label, cell in ROWS]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row))
             for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    corpus, queries, machine = report["corpus"], report["queries"], report["machine"]
    lines += [
        "",
        (f"{report['date']}, {machine['cpus']} CPUs, load average {machine['load_average'][0]} at start, "
         f"Python {machine['python']}, numpy {machine['numpy']}, rank-bm25 {machine['rank-bm25']}, "
         f"bm25s {machine['bm25s']}, numba {machine.get('numba')}"),
        (f"corpus: {corpus['documents']:,} documents, {corpus['passages']:,} passages from "
         f"{', '.join(Path(s).name for s in corpus['sources'])}; {corpus['resampling']}"),
        (f"queries: {queries['count']} ({queries['hand_written']} hand-written, {queries['from_passages']} of "
         f"2-4 words of random passages, seed {queries['seed']}), repeat {report['method']['repeat']}; "
         f"{report['method']['baselines']}"),
        f"rank-bm25: {report['method']['rank_bm25']}",
        report["method"]["bm25s"],
    ]
    if report.get("full_build"):
        full = report["full_build"]
        lines.append(
            f"full build of {', '.join(Path(s).name for s in full['sources'])}: {full['documents']:,} documents, "
            f"{full['passages']:,} passages, {full['seconds']:.1f} s using {full['cores_used']:.2f} cores, "
            f"{full['db_mb']:,.0f} MB; reindex after one added document {full['reindex_added_s']:.1f} s, "
            f"after one changed document {full['reindex_changed_s']:.1f} s")
    lines += ["", "targets:"]
    for check in report["targets"]:
        lines.append(f"  [{'met' if check['met'] else 'NOT met'}] {check['target']}: {check['value']:g}"
                     f" (limit {check['limit']:g})")
    return "\n".join(lines)
