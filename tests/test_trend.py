"""index.trend: a phrase counted per year and collection, its first passage, and the chart."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from index import QueryError, Searcher, build_index
from index.trend import UNKNOWN_YEAR, TrendRow, render_png, trend

ROOT = Path(__file__).resolve().parent.parent

# Three speeches of a second collection; 新质生产力 in 2 passages of 2019 (one in
# Traditional script), 1 of 2021, and a passage that has 新 and 生产力 apart (not counted).
REPORTS = {
    "a.txt": ("在2019年全区工作会议上的讲话", "2019", "讲话", [
        "我们要加快发展新质生产力。",
        "發展新質生產力是推動高質量發展的內在要求和重要著力點。",
        "要培育新的增长点，提高生产力水平。",
    ]),
    "b.txt": ("在2021年全区工作会议上的讲话", "2021", "讲话", [
        "因地制宜发展新质生产力，不能一哄而上。",
        "统筹发展和安全。",
    ]),
    "c.txt": ("全区经济形势分析会召开", "", "会议报道", ["会议要求，要以新质生产力赋能产业升级。"]),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("trend")
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    reports = folder / "reports"
    reports.mkdir()
    rows = ["file,title,year,kind"]
    for name, (title, year, kind, paragraphs) in REPORTS.items():
        (reports / name).write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        rows.append(f"{name},{title},{year},{kind}")
    (reports / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    path = folder / "index.sqlite"
    build_index([folder / "seeds", reports], path)
    return path


@pytest.fixture(scope="module")
def searcher(db):
    searcher = Searcher.open(db)
    yield searcher
    searcher.close()


def test_counts_passages_and_speeches_per_year_and_folder(searcher):
    data = trend(searcher, "新质生产力")
    assert data.rows == (
        TrendRow("2019", "reports", 2, 1),
        TrendRow("2021", "reports", 1, 1),
        TrendRow(UNKNOWN_YEAR, "reports", 1, 1),
    )
    assert (data.passages, data.documents) == (4, 3)
    assert data.timeline() == ["2019", "2020", "2021", UNKNOWN_YEAR]
    assert data.first.document.path == "a.txt" and data.first.text == "我们要加快发展新质生产力。"
    assert data.first_quote() == "我们要加快发展新质生产力。"


def test_grouping_by_kind_and_filters(searcher):
    by_kind = trend(searcher, "新质生产力", by="kind")
    assert {(r.year, r.collection) for r in by_kind.rows} == {
        ("2019", "讲话"), ("2021", "讲话"), (UNKNOWN_YEAR, "会议报道")
    }
    only_2021 = trend(searcher, "新质生产力 年份:2021")
    assert only_2021.rows == (TrendRow("2021", "reports", 1, 1),)


def test_the_seeds_collection(searcher):
    data = trend(searcher, "高质量发展")
    seeds = {r.year: (r.passages, r.documents) for r in data.rows if r.collection == "seeds"}
    assert seeds == {"2021": (12, 2), "2023": (3, 1), UNKNOWN_YEAR: (2, 1)}
    assert data.per_year()["2019"] == (1, 1)  # the Traditional 高質量發展 of reports/a.txt
    assert data.first.document.path == "a.txt"
    assert data.first_quote() == "發展新質生產力是推動高質量發展的內在要求和重要著力點。"  # verbatim


def test_nothing_found_and_unusable_queries(searcher):
    data = trend(searcher, "足球 联赛")
    assert (data.rows, data.passages, data.first) == ((), 0, None)
    with pytest.raises(QueryError):
        trend(searcher, "！！！")
    with pytest.raises(QueryError):
        trend(searcher, "年份:2021")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_chart_is_a_png_of_the_expected_size(searcher):
    png = render_png(trend(searcher, "新质生产力"), width=8, height=4, dpi=100)
    assert png_size(png) == (800, 400)
    assert 10_000 < len(png) < 500_000


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "index", *args], capture_output=True, text=True, cwd=ROOT,
        env=dict(os.environ), timeout=120,
    )


def test_cli_trend_table_json_and_png(db, tmp_path):
    chart = tmp_path / "trend.png"
    result = run("trend", "--db", str(db), "--png", str(chart), "新质生产力")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "「新质生产力」：4 段，3 篇"
    assert lines[1:5] == [
        "年份\t来源\t段落\t篇数", "2019\treports\t2\t1", "2021\treports\t1\t1", f"{UNKNOWN_YEAR}\treports\t1\t1"
    ]
    assert lines[5].startswith("最早：《在2019年全区工作会议上的讲话》 2019年 · 第")
    assert lines[6] == "    “我们要加快发展新质生产力。”"
    assert png_size(chart.read_bytes())[0] > 500
    payload = json.loads(run("trend", "--db", str(db), "--json", "--by", "kind", "新质生产力").stdout)
    assert payload["passages"] == 4 and payload["first"]["quote"] == "我们要加快发展新质生产力。"
    assert {"year": "2019", "collection": "讲话", "passages": 2, "documents": 1} in payload["rows"]
    bad = run("trend", "--db", str(db), "！！！")
    assert bad.returncode == 2 and bad.stderr.startswith("错误：")


def test_matplotlib_is_imported_only_when_a_chart_is_drawn():
    code = "import bot.app, bot.timeline, index.cli, index.trend, sys; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.stdout.strip() == "False", result.stderr
