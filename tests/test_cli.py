"""The command-line contract of `python -m index`, run as a real subprocess."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, stdin=None, env=None, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "index", *args], input=stdin, capture_output=True, text=True,
        cwd=cwd, env={**os.environ, **(env or {})}, timeout=120,
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    (folder / "seeds" / "garbage.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    path = folder / "index.sqlite"
    result = run("build", "--source", str(folder / "seeds"), "--db", str(path), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "documents: 5" in result.stdout and "skipped: 1" in result.stdout
    assert "garbage.txt: 这是二进制文件，不是文字（binary file）" in result.stdout and "seconds:" in result.stdout
    return path


def test_search_json_contract(db):
    result = run("search", "--db", str(db), "--top", "3", "--json", "岳阳2021年目标")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) >= {"query", "took_ms", "hits"} and payload["query"] == "岳阳2021年目标"
    top = payload["hits"][0]
    assert set(top) >= {"rank", "score", "doc", "title", "speaker", "place", "date", "paragraph", "text", "quote"}
    assert top["rank"] == 1 and top["doc"] == "000_a2d7d4499d0d62ff.txt" and top["speaker"] == "王一鸥"
    assert "地区生产总值增长8%左右" in top["text"] and isinstance(top["paragraph"], int)


def test_human_output_quotes_with_source(db):
    result = run("search", "--db", str(db), "应勇 县域经济")
    assert result.returncode == 0
    assert "《省委召开县(市、区)委书记工作交流会》" in result.stdout and "第" in result.stdout and "段" in result.stdout


def test_json_lines_from_stdin(db):
    result = run("search", "--db", str(db), "--json", "-", stdin="岳阳2021年目标\n應勇 縣域經濟\n\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["岳阳2021年目标", "應勇 縣域經濟", ""]
    assert lines[0]["hits"] and lines[1]["hits"] and lines[2]["code"] == "empty"
    assert result.returncode == 2


@pytest.mark.parametrize("query", ["", "   ", "，。！", "岳" * 10000])
def test_bad_queries_exit_2_with_a_message(db, query):
    result = run("search", "--db", str(db), query)
    assert result.returncode == 2
    assert result.stderr.startswith("错误：") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_and_corrupt_index_say_how_to_rebuild(tmp_path):
    result = run("search", "--db", str(tmp_path / "none.sqlite"), "岳阳")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("错误：索引不存在")
    assert f"python -m index build --db {tmp_path / 'none.sqlite'}" in result.stderr
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(os.urandom(8192))
    result = run("search", "--db", str(corrupt), "岳阳")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"python -m index build --db {corrupt}" in result.stderr


def test_search_builds_the_default_index_when_missing(tmp_path):
    db = tmp_path / "data" / "speeches.sqlite"
    result = run("search", "岳阳2021年目标", "--top", "1", env={"SPEECHES_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert db.exists() and "市委考虑2021年经济发展预期目标" in result.stdout


def test_help_documents_filters():
    result = run("search", "--help")
    assert result.returncode == 0 and "地点:岳阳" in result.stdout and "讲话人:王一鸥" in result.stdout
    assert run("build", "--source", "/nonexistent/folder", "--db", "/tmp/x.sqlite").returncode == 1
    assert run().returncode == 2


def test_a_phrase_and_a_minus_word_from_the_command_line(db):
    result = run("search", "--db", str(db), "--json", "--top", "10", "“三高四新” -十四五")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert hits and all("三高四新" in h["text"] and "十四五" not in h["text"] for h in hits)


def test_a_low_verdict_is_said_first(db):
    result = run("search", "--db", str(db), "岳阳2025年GDP目标")
    assert result.returncode == 0
    assert result.stdout.startswith("资料库中没有找到与“2025年")
    payload = json.loads(run("search", "--db", str(db), "--json", "岳阳2025年GDP目标").stdout)
    assert payload["confidence"] == "low" and payload["unmatched"] and payload["hits"]
