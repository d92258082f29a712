"""A rebuild knows unchanged files by their recorded size, time and metadata row."""

import os
from pathlib import Path

import pytest

from index import build_index

TEXT = "在全市经济工作会议上的讲话\n\n今年全市地区生产总值增长百分之八，粮食总产量再创新高。\n"
OTHER = "在全市经济工作会议上的讲话\n\n今年全市地区生产总值增长百分之九，粮食总产量再创新低。\n"


@pytest.fixture
def folder(tmp_path):
    source = tmp_path / "speeches"
    source.mkdir()
    for name in ("a.txt", "b.txt"):
        (source / name).write_text(TEXT.replace("全市", name[0] + "市"), encoding="utf-8")
        old = 1_600_000_000_000_000_000
        os.utime(source / name, ns=(old, old))
    return source


def _rebuild(folder: Path, db: Path) -> list[str]:
    seen = []
    build_index([folder], db, on_tokenize=seen.extend)
    return seen


def test_a_file_with_its_recorded_size_and_time_is_not_read_again(folder, tmp_path):
    db = tmp_path / "x.sqlite"
    assert _rebuild(folder, db) == ["a.txt", "b.txt"]
    # Same size and time, other bytes: only a stat can have said "unchanged".
    stat = (folder / "a.txt").stat()
    (folder / "a.txt").write_text(OTHER.replace("全市", "a市"), encoding="utf-8")
    os.utime(folder / "a.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (folder / "a.txt").stat().st_size == stat.st_size
    assert _rebuild(folder, db) == []
    # A new time: read, hashed and indexed again.
    os.utime(folder / "a.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert _rebuild(folder, db) == ["a.txt"]


def test_a_changed_metadata_row_is_a_change(folder, tmp_path):
    db = tmp_path / "x.sqlite"
    _rebuild(folder, db)
    (folder / "metadata.csv").write_text("file,speaker\nb.txt,王一鸥\n", encoding="utf-8")
    assert _rebuild(folder, db) == ["b.txt"]


def test_a_file_changed_just_now_is_hashed_on_the_next_build_too(folder, tmp_path):
    db = tmp_path / "x.sqlite"
    (folder / "a.txt").write_text(OTHER.replace("全市", "a市"), encoding="utf-8")  # mtime: now
    _rebuild(folder, db)
    stat = (folder / "a.txt").stat()
    (folder / "a.txt").write_text(TEXT.replace("全市", "a市"), encoding="utf-8")
    os.utime(folder / "a.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _rebuild(folder, db) == ["a.txt"]


def _settled_csv(folder: Path, text: str) -> None:
    (folder / "metadata.csv").write_text(text, encoding="utf-8")
    old = 1_600_000_000_000_000_000
    os.utime(folder / "metadata.csv", ns=(old, old))


def test_an_unchanged_metadata_csv_is_never_parsed_again_but_still_gives_new_files_their_row(folder, tmp_path, monkeypatch):
    import index.scan

    db = tmp_path / "x.sqlite"
    _settled_csv(folder, "file,speaker\nb.txt,王一鸥\nc.txt,应勇\n")
    assert _rebuild(folder, db) == ["a.txt", "b.txt"]
    reads = []
    real = index.scan.read_metadata
    monkeypatch.setattr(index.scan, "read_metadata", lambda source: reads.append(source) or real(source))
    assert _rebuild(folder, db) == [] and reads == []  # nothing changed: the csv is not parsed
    (folder / "c.txt").write_text(OTHER, encoding="utf-8")
    assert _rebuild(folder, db) == ["c.txt"] and reads == []  # c.txt's row comes from the index
    from index import Searcher
    speakers = {d.path: d.meta.speaker for d in Searcher.open(db).documents()}
    assert speakers == {"a.txt": "", "b.txt": "王一鸥", "c.txt": "应勇"}


def test_problems_in_an_unchanged_metadata_csv_are_reported_on_every_build(folder, tmp_path):
    db = tmp_path / "x.sqlite"
    _settled_csv(folder, 'file,speaker\nb.txt,"王一鸥\na.txt,应勇\n')  # an unbalanced quote
    first = build_index([folder], db).skipped
    assert first and all("metadata.csv" in s.path for s in first)
    assert build_index([folder], db).skipped == first


def test_the_walk_stats_each_candidate_once_and_skips_hidden_and_linked_folders(tmp_path):
    from index.filestats import walk

    root = tmp_path / "speeches"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for name in ("a.txt", "sub/b.txt", ".hidden/c.txt", ".d.txt", "metadata.csv", "README.md"):
        (root / name).write_text(TEXT, encoding="utf-8")
    (root / "linked").symlink_to(root / "sub")  # a link to a folder: not entered
    (root / "link.txt").symlink_to(root / "a.txt")  # a link to a file: listed, with its target's stat
    folders = walk(str(root))
    assert {folder: files.names for folder, files in folders.items()} == {"": ["a.txt", "link.txt"], "sub": ["b.txt"]}
    a = (root / "a.txt").stat()
    assert folders[""].stats.tolist() == [[a.st_size, a.st_mtime_ns, a.st_ino]] * 2


def _stat_rows(db: Path) -> dict[str, tuple]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return {folder: (rowid, stats) for rowid, folder, stats in conn.execute("select rowid, folder, stats from file_stats")}
    finally:
        conn.close()


def test_a_build_rewrites_only_the_recorded_stats_of_a_folder_that_changed(folder, tmp_path):
    for sub in ("one", "two"):
        (folder / sub).mkdir()
        (folder / sub / "x.txt").write_text(OTHER.replace("全市", sub), encoding="utf-8")
        old = 1_600_000_000_000_000_000
        os.utime(folder / sub / "x.txt", ns=(old, old))
    db = tmp_path / "x.sqlite"
    _rebuild(folder, db)
    before = _stat_rows(db)
    assert _rebuild(folder, db) == [] and _stat_rows(db) == before  # nothing changed, nothing written
    (folder / "one" / "x.txt").write_text(TEXT, encoding="utf-8")
    os.utime(folder / "one" / "x.txt", ns=(old + 10**9, old + 10**9))
    assert _rebuild(folder, db) == ["one/x.txt"]
    after = _stat_rows(db)
    assert after["two"] == before["two"] and after[""] == before[""] and after["one"] != before["one"]


def test_the_index_keeps_the_rows_of_the_metadata_csv_as_it_now_is(folder, tmp_path):
    import sqlite3

    db = tmp_path / "x.sqlite"
    _settled_csv(folder, "file,speaker,place\na.txt,王一鸥,岳阳\nb.txt,应勇,湖南\n")
    _rebuild(folder, db)
    _settled_csv(folder, "file,speaker,place\na.txt,王一鸥,岳阳\nb.txt,应勇,湘潭\nc.txt,张三,长沙\n")
    assert _rebuild(folder, db) == ["b.txt"]  # only the file whose row changed
    conn = sqlite3.connect(db)
    rows = conn.execute("select file, speaker, place from metadata_rows order by file").fetchall()
    conn.close()
    assert rows == [("a.txt", "王一鸥", "岳阳"), ("b.txt", "应勇", "湘潭"), ("c.txt", "张三", "长沙")]
