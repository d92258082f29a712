"""index.citation: real hits from the seeds collection become GB/T 7714, CSL-JSON and RIS."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from index import Searcher, build_index
from index.citation import csl_json, gbt7714, ris, type_mark

ROOT = Path(__file__).resolve().parent.parent
TITLE = "在市委七届十一次全体(扩大) 暨市委经济工作会议上的讲话 (摘要)"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("citation")
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    path = folder / "index.sqlite"
    build_index([folder / "seeds"], path)
    return path


@pytest.fixture(scope="module")
def searcher(db):
    searcher = Searcher.open(db)
    yield searcher
    searcher.close()


def top(searcher, query):
    return searcher.search(query, top=1).hits[0]


def with_meta(hit, **fields):
    document = replace(hit.document, meta=replace(hit.document.meta, **fields))
    return replace(hit, document=document)


def test_a_speech_is_a_report_with_speaker_place_date_and_paragraph(searcher):
    hit = top(searcher, "岳阳2021年目标")
    assert gbt7714(hit) == f"王一鸥. {TITLE}[R]. 岳阳, 2021-01-16: 第{hit.paragraph}段."


def test_unknown_parts_are_left_out_never_shown_empty(searcher):
    hit = top(searcher, "区委全会 落实会议精神")
    assert hit.document.meta.kind == "讲话" and not hit.document.meta.speaker
    assert gbt7714(hit) == f"区委全会上关于落实会议精神的讲话[R]: 第{hit.paragraph}段."
    # a signed article with a year but no date
    article = top(searcher, "湘潭 高质量发展")
    assert gbt7714(article).startswith("湘潭市委书记. 大兴抓落实之风 在推动高质量发展上走在前、当表率[N]. 湘潭, 2023: 第")


def test_a_meeting_report_is_a_news_item_without_the_chair_as_author(searcher):
    hit = top(searcher, "应勇 县域经济")
    assert hit.document.meta.kind == "会议报道"
    assert gbt7714(hit) == f"省委召开县(市、区)委书记工作交流会[N]: 第{hit.paragraph}段."


def test_online_items_carry_ol_the_access_date_and_the_url(searcher):
    hit = with_meta(top(searcher, "岳阳2021年目标"), source_url="https://example.cn/a.html")
    assert gbt7714(hit, accessed=date(2026, 11, 30)) == (
        f"王一鸥. {TITLE}[R/OL]. 岳阳, 2021-01-16: 第{hit.paragraph}段[2026-11-30]. "
        "https://example.cn/a.html."
    )
    page = with_meta(hit, kind="", source_url="https://example.cn/b.html")
    assert type_mark(page.document) == "[EB/OL]"
    assert type_mark(with_meta(hit, kind="简报", source_url="").document) == "[Z]"


def test_csl_json_and_ris_carry_the_same_facts(searcher):
    hits = searcher.search("岳阳2021年目标", top=2).hits
    items = json.loads(csl_json(hits))
    assert len(items) == 2
    first = items[0]
    assert first["type"] == "speech" and first["title"] == TITLE
    assert first["author"] == [{"literal": "王一鸥"}]
    assert first["issued"] == {"date-parts": [[2021, 1, 16]]}
    assert first["publisher-place"] == "岳阳"
    assert first["note"] == f"第{hits[0].paragraph}段：{hits[0].text}"
    records = ris(hits).strip().split("\n\n")
    assert len(records) == 2
    lines = records[0].split("\n")
    assert lines[:3] == ["TY  - RPRT", f"TI  - {TITLE}", "AU  - 王一鸥"]
    assert {"PY  - 2021", "DA  - 2021/01/16", "CY  - 岳阳"} <= set(lines)
    assert lines[-1] == "ER  -"


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "index", *args], capture_output=True, text=True, cwd=ROOT,
        env=dict(os.environ), timeout=120,
    )


@pytest.mark.parametrize("style", ["gbt", "csl-json", "ris"])
def test_cli_exports_the_hits_as_citations(db, searcher, style):
    result = run("search", "--db", str(db), "--top", "2", "--cite", style, "岳阳2021年目标")
    assert result.returncode == 0, result.stderr
    hits = searcher.search("岳阳2021年目标", top=2).hits
    expected = {
        "gbt": "".join(f"[{n}] {gbt7714(h)}\n" for n, h in enumerate(hits, start=1)),
        "csl-json": csl_json(hits) + "\n",
        "ris": ris(hits),
    }[style]
    assert result.stdout == expected and result.stderr == ""


def test_cli_citations_of_nearest_passages_say_so_on_stderr(db):
    result = run("search", "--db", str(db), "--top", "1", "--cite", "gbt", "岳阳2025年GDP目标")
    assert result.returncode == 0
    assert result.stderr.strip() == "资料库中没有找到与“2025年”相符的内容。最接近的段落："
    assert result.stdout.startswith("[1] 王一鸥. ")
    bad = run("search", "--db", str(db), "--cite", "bibtex", "目标")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
