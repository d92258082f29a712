"""Updating the index in place: one transaction, readers on their snapshot, the log files.

An incremental build changes the index's own file (WAL mode) in one transaction; a full
build renames a new file over it.  A reader opened before either keeps answering from the
index it opened; one opened after sees the new one; nothing a stopped build did is seen.
"""

import shutil
from pathlib import Path

import pytest

from index import Searcher, build_index
from index.store import open_readonly, verify, wal_files
from table_rows import table_rows

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GONE = "004_e082826ebc31ba23.txt"  # the only speech that answers QUERY
QUERY = "應勇 縣域經濟"


@pytest.fixture
def collection(tmp_path):
    folder = tmp_path / "speeches"
    shutil.copytree(SEEDS, folder)
    return folder


def paths(searcher: Searcher) -> set[str]:
    return {document.path for document in searcher.documents()}


def thoroughly_checked(db: Path) -> None:
    opened = open_readonly(db)
    try:
        verify(opened, db, thorough=True)
    finally:
        opened.conn.close()


def test_an_incremental_build_updates_the_file_itself(collection, tmp_path):
    db = tmp_path / "i.sqlite"
    build_index([collection], db)
    inode = db.stat().st_ino
    (collection / "new.txt").write_text("新的讲话。今年要坚持稳中求进。", encoding="utf-8")
    report = build_index([collection], db)
    assert report.added == ("new.txt",)
    assert db.stat().st_ino == inode  # no copy renamed over it
    assert not list(tmp_path.glob(".i.sqlite.building-*"))
    thoroughly_checked(db)


def test_an_update_stopped_half_way_changes_nothing(collection, tmp_path):
    db = tmp_path / "i.sqlite"
    build_index([collection], db)
    before = table_rows(db)
    (collection / GONE).unlink()
    (collection / "new.txt").write_text("新的讲话。今年要坚持稳中求进。", encoding="utf-8")

    def stop(stage, done, total):
        if stage == "writing" and done == 2:  # rows dropped and added, postings rewritten
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index([collection], db, progress=stop)
    assert table_rows(db) == before
    thoroughly_checked(db)
    assert build_index([collection], db).removed == (GONE,)


def test_readers_keep_their_snapshot_through_updates_and_a_full_rebuild(collection, tmp_path):
    db = tmp_path / "i.sqlite"
    build_index([collection], db)
    first = Searcher.open(db)
    (collection / GONE).unlink()
    build_index([collection], db)  # in place
    second = Searcher.open(db)
    for path in collection.glob("*.txt"):  # every document changed: a new file is written
        path.write_text(path.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    (collection / "new.txt").write_text("新的讲话。今年要坚持稳中求进。", encoding="utf-8")
    report = build_index([collection], db)
    assert len(report.changed) == 4
    third = Searcher.open(db)
    (collection / "later.txt").write_text("后来的讲话。推动高质量发展。", encoding="utf-8")
    build_index([collection], db)  # in place again, with older readers still open

    assert first.search(QUERY).hits[0].document.path == GONE
    assert GONE in paths(first) and "new.txt" not in paths(first)
    assert GONE not in paths(second) and "new.txt" not in paths(second)
    assert "new.txt" in paths(third) and "later.txt" not in paths(third)
    first.close()
    second.close()
    latest = Searcher.open(db)
    assert {"new.txt", "later.txt"} <= paths(latest) and GONE not in paths(latest)
    assert latest.search("高质量发展 后来").hits
    third.close()
    latest.close()
    thoroughly_checked(db)


def test_a_full_rebuild_removes_the_old_files_log_before_taking_its_name(collection, tmp_path):
    db = tmp_path / "i.sqlite"
    build_index([collection], db)
    older = Searcher.open(db)  # holds the update's pages in the log: not copied into the file yet
    (collection / "new.txt").write_text("新的讲话。今年要坚持稳中求进。", encoding="utf-8")
    build_index([collection], db)
    reader = Searcher.open(db)  # reads the update from the log
    log = wal_files(db)[0]
    assert log.stat().st_size > 0
    log_inode = log.stat().st_ino
    for path in collection.glob("*.txt"):
        path.write_text(path.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    build_index([collection], db)  # full: renamed over the old file
    assert not log.exists() or log.stat().st_ino != log_inode
    assert "new.txt" in paths(reader) and reader.search("稳中求进 新的讲话").hits
    assert "new.txt" not in paths(older)
    reader.close()
    older.close()
    latest = Searcher.open(db)
    assert "new.txt" in paths(latest) and latest.search("新的一段").hits
    latest.close()
    thoroughly_checked(db)


def test_an_index_in_a_folder_nobody_can_write_to_still_opens(collection, tmp_path):
    import os
    import subprocess

    folder = tmp_path / "ro"
    db = folder / "i.sqlite"
    build_index([collection], db)
    assert not wal_files(db)[0].exists()  # the last connection closed: all of it is in the file
    lock = ["chattr", "+i", str(folder)] if os.geteuid() == 0 else ["chmod", "555", str(folder)]
    subprocess.run(lock, check=True)
    try:
        searcher = Searcher.open(db)  # SQLite cannot make its -shm here: opened as immutable
        assert searcher.search(QUERY).hits[0].document.path == GONE
        searcher.close()
    finally:
        subprocess.run(["chattr", "-i", str(folder)] if os.geteuid() == 0 else ["chmod", "755", str(folder)], check=True)


def test_a_reader_quotes_the_text_it_opened_while_a_document_changes_in_place(collection, tmp_path):
    # Passages are read through a second (memory-mapped) connection: it must stay on the
    # same snapshot as the first, or a changed document's new text would be quoted under
    # the old index's ids.
    db = tmp_path / "i.sqlite"
    build_index([collection], db)
    reader = Searcher.open(db)
    before = [(h.passage_id, h.text) for h in reader.search(QUERY).hits]
    speech = collection / GONE
    speech.write_text(speech.read_text(encoding="utf-8").replace("應勇", "某某"), encoding="utf-8")
    inode = db.stat().st_ino
    report = build_index([collection], db)
    assert report.changed == (GONE,) and db.stat().st_ino == inode  # updated in place
    assert [(h.passage_id, h.text) for h in reader.search(QUERY).hits] == before
    assert [reader.passage(pid).text for pid, _ in before] == [text for _, text in before]
    reader.close()
    fresh = Searcher.open(db)
    assert all("應勇" not in h.text for h in fresh.search(QUERY).hits if h.document.path == GONE)
    fresh.close()
