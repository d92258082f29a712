"""Building and storing the index: real files, real SQLite, atomic replacement."""

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from index import BuildError, IndexUnavailable, Searcher, build_index

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def collection(tmp_path):
    folder = tmp_path / "speeches"
    shutil.copytree(SEEDS, folder)
    return folder


def test_build_stores_documents_passages_postings_and_build_metadata(collection, tmp_path):
    db_path = tmp_path / "index.sqlite"
    report = build_index([collection], db_path)
    assert report.documents == 5 and report.passages > 100
    assert sorted(report.added) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert report.skipped == ()
    db = sqlite_utils.Database(db_path)
    assert {"documents", "passages", "postings", "meta"} <= set(db.table_names())
    meta = {r["key"]: r["value"] for r in db["meta"].rows}
    assert meta["complete"] == "1" and meta["built_at"] and meta["dictionary_version"]
    hashes = {row["path"]: row["sha256"] for row in db["documents"].rows}
    assert len(hashes["000_a2d7d4499d0d62ff.txt"]) == 64
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"  # updated in place from now on
    yueyang = next(db["documents"].rows_where("path = ?", ["000_a2d7d4499d0d62ff.txt"]))
    assert (yueyang["speaker"], yueyang["place"], yueyang["year"]) == ("王一鸥", "岳阳", "2021")
    row = next(db["passages"].rows_where("text like ?", ["%市委考虑2021年经济发展预期目标%"]))
    assert row["norm"] and "\t" in row["tokens"] and row["paragraph"] >= 1
    # Quotes come from the cleaned source in its own script.
    trad = next(db["passages"].rows_where("text like ?", ["%再創新輝煌%"]))
    assert "(chuàng)" not in trad["text"] and "创新" in trad["norm"]


def test_metadata_is_extracted_from_text_when_there_is_no_csv(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "speech.txt").write_text(
        "在全市经济工作会议上的讲话\n日期:2022-01-06\n中共岳阳市委书记  王一鸥\n\n同志们，今年全市经济运行稳中向好。\n\n(作者为湘潭市委书记)\n",
        encoding="utf-8",
    )
    build_index([folder], tmp_path / "i.sqlite")
    doc = Searcher.open(tmp_path / "i.sqlite").documents()[0]
    assert doc.meta.title == "在全市经济工作会议上的讲话"
    assert (doc.meta.speaker, doc.meta.place, doc.meta.date, doc.meta.year) == ("王一鸥", "岳阳", "2022-01-06", "2022")


def test_unreadable_files_are_skipped_with_a_reason_and_the_build_goes_on(collection, tmp_path):
    (collection / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (collection / "empty.txt").write_bytes(b"")
    (collection / "broken.docx").write_bytes(b"not a zip at all")
    (collection / "notes.xyz").write_text("hello", encoding="utf-8")
    report = build_index([collection], tmp_path / "i.sqlite")
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(reasons) == {"binary.txt", "empty.txt", "broken.docx", "notes.xyz"}
    assert "binary" in reasons["binary.txt"] and "empty" in reasons["empty.txt"]
    assert report.documents == 5


def test_rebuild_reuses_unchanged_documents_and_reports_changes(collection, tmp_path):
    db_path = tmp_path / "i.sqlite"
    build_index([collection], db_path)
    tokenized = []

    (collection / "new.txt").write_text("在全县工作会议上的讲话\n\n今年要坚持稳中求进，全面加强安全生产。\n", encoding="utf-8")
    path = collection / "003_152f4d5d7c5355aa.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n湘潭将全力推进“智造湘潭”建设。\n", encoding="utf-8")
    report = build_index([collection], db_path, on_tokenize=tokenized.extend)
    assert (report.added, report.changed, report.removed, report.unchanged) == (
        ("new.txt",), ("003_152f4d5d7c5355aa.txt",), (), 4)
    # Unchanged documents are not tokenized again (none contains the new phrase 智造湘潭).
    assert sorted(tokenized) == ["003_152f4d5d7c5355aa.txt", "new.txt"]
    assert Searcher.open(db_path).search("智造湘潭").hits[0].document.path == "003_152f4d5d7c5355aa.txt"

    tokenized.clear()
    (collection / "new.txt").unlink()
    report = build_index([collection], db_path, on_tokenize=tokenized.extend)
    assert (report.added, report.changed, report.removed) == ((), (), ("new.txt",))
    assert tokenized == []
    assert all(d.path != "new.txt" for d in Searcher.open(db_path).documents())


@pytest.mark.parametrize("rewrite", [False, True], ids=["incremental", "full"])
def test_a_failed_build_leaves_the_old_index_working(collection, tmp_path, rewrite):
    db_path = tmp_path / "i.sqlite"
    build_index([collection], db_path)
    before = Searcher.open(db_path).search("岳阳2021年目标").hits[0].text

    def explode(stage, done, total):
        if stage == "writing" and done == 1:  # half way through writing the new file
            raise KeyboardInterrupt  # as if the admin pressed Ctrl-C

    if rewrite:  # changing every document leaves too many holes for an update
        for path in collection.glob("*.txt"):
            path.write_text(path.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    (collection / "new.txt").write_text("新的讲话。今年要坚持稳中求进。", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        build_index([collection], db_path, progress=explode)
    assert not list(tmp_path.glob(".i.sqlite.building-*"))
    assert Searcher.open(db_path).search("岳阳2021年目标").hits[0].text == before


def test_a_reader_keeps_its_index_while_a_rebuild_replaces_the_file(collection, tmp_path):
    db_path = tmp_path / "i.sqlite"
    build_index([collection], db_path)
    old = Searcher.open(db_path)
    (collection / "004_e082826ebc31ba23.txt").unlink()
    build_index([collection], db_path)
    # The old reader still answers from the file it opened; a new one sees the new index.
    assert old.search("應勇 縣域經濟").hits[0].document.path == "004_e082826ebc31ba23.txt"
    new = Searcher.open(db_path).search("應勇 縣域經濟").hits
    assert all(hit.document.path != "004_e082826ebc31ba23.txt" for hit in new)


def test_missing_or_corrupt_index_says_how_to_rebuild(tmp_path):
    with pytest.raises(IndexUnavailable, match="python -m index build"):
        Searcher.open(tmp_path / "missing.sqlite")
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(IndexUnavailable, match="python -m index build"):
        Searcher.open(corrupt)
    half = tmp_path / "half.sqlite"
    sqlite3.connect(half).execute("create table meta (key text primary key, value text)").connection.commit()
    with pytest.raises(IndexUnavailable, match="python -m index build"):
        Searcher.open(half)


def test_missing_source_folder_is_a_build_error(tmp_path):
    with pytest.raises(BuildError, match="not found"):
        build_index([tmp_path / "nowhere"], tmp_path / "i.sqlite")


def test_an_index_with_a_table_missing_is_unavailable_not_a_crash(collection, tmp_path):
    db_path = tmp_path / "i.sqlite"
    build_index([collection], db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("drop table arrays")
    conn.commit()
    conn.close()
    with pytest.raises(IndexUnavailable, match="python -m index build"):
        Searcher.open(db_path)


def _ranked(db_path, queries):
    searcher = Searcher.open(db_path)
    out = {}
    for query in queries:
        hits = searcher.search(query, top=10).hits
        out[query] = sorted((-round(h.score, 9), h.document.path, h.paragraph, h.text) for h in hits)
    return out


def test_an_incremental_build_ranks_exactly_like_a_full_one(collection, tmp_path):
    db_path = tmp_path / "incremental.sqlite"
    build_index([collection], db_path)
    (collection / "004_e082826ebc31ba23.txt").unlink()
    (collection / "new.txt").write_text(
        "在全市经济工作会议上的讲话\n\n今年要坚持稳中求进，推动“智造湘潭”建设，全面加强安全生产。\n\n"
        "市委考虑2021年经济发展预期目标为地区生产总值增长7%左右。\n", encoding="utf-8")
    path = collection / "001_8ca6c5baf5e3a5a5.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("经济发展险中有进", "经济发展稳中有进"), encoding="utf-8")
    report = build_index([collection], db_path)
    assert (report.added, report.changed, report.removed) == (
        ("new.txt",), ("001_8ca6c5baf5e3a5a5.txt",), ("004_e082826ebc31ba23.txt",))
    meta = {r["key"]: r["value"] for r in sqlite_utils.Database(db_path)["meta"].rows}
    assert meta["previous_build"] and int(meta["slots"]) > int(meta["passages"])  # updated, not rewritten

    full_path = tmp_path / "full.sqlite"
    build_index([collection], full_path)
    queries = ["岳阳2021年目标", "经济发展稳中有进", "智造湘潭", "预期目标 地区生产总值", "应勇", "1336工作总思路", "讲话人:王一鸥"]
    assert _ranked(db_path, queries) == _ranked(full_path, queries)
    assert not Searcher.open(db_path).search("經濟發展險中有進").hits[0].text.count("险中有进")


def test_an_incremental_build_records_the_year_of_each_passages_section_as_a_full_one(collection, tmp_path):
    db_path = tmp_path / "incremental.sqlite"
    build_index([collection], db_path)
    (collection / "gwr_2024.txt").write_text(
        "2024年政府工作报告\n\n一、2023年工作回顾\n\n居民人均可支配收入增长6.1%。\n\n（一）民生\n\n就业形势总体稳定。\n\n"
        "二、2024年政府工作任务\n\n稳定就业。\n\n三、对政府自身建设的要求\n\n坚持依法行政。\n", encoding="utf-8")
    build_index([collection], db_path)
    full_path = tmp_path / "full.sqlite"
    build_index([collection], full_path)

    def years(path):
        reader = Searcher.open(path).reader
        rows = reader.rows([i for i in range(reader.slots) if reader.passage_doc[i] != reader.no_document])
        return {row[3]: int(reader.passage_year[i]) for i, row in rows.items()}

    incremental = years(db_path)
    assert incremental == years(full_path)
    assert incremental["就业形势总体稳定。"] == 2023  # a subsection stays in its section
    assert incremental["稳定就业。"] == 2024 and incremental["坚持依法行政。"] == 0


def _meta(db_path):
    return {r["key"]: r["value"] for r in sqlite_utils.Database(db_path)["meta"].rows}


def test_an_incremental_build_finds_gone_documents_and_the_dictionary_a_full_build_has(collection, tmp_path):
    db_path = tmp_path / "incremental.sqlite"
    build_index([collection], db_path)
    (collection / "000_a2d7d4499d0d62ff.txt").unlink()  # 王一鸥's speech: his name leaves the dictionary
    (collection / "002_0bb6f145e860c0a7.txt").write_bytes(b"")  # now unreadable: gone from the index too
    (collection / "new.txt").write_text("在全市工作会议上的讲话\n\n推动“智造湘潭”建设，省长王忠林出席。\n", encoding="utf-8")
    report = build_index([collection], db_path)
    assert report.removed == ("000_a2d7d4499d0d62ff.txt", "002_0bb6f145e860c0a7.txt") and report.added == ("new.txt",)
    assert [Path(s.path).name for s in report.skipped] == ["002_0bb6f145e860c0a7.txt"]
    full_path = tmp_path / "full.sqlite"
    build_index([collection], full_path)
    incremental, full = _meta(db_path), _meta(full_path)
    assert incremental["user_words"] == full["user_words"] and "王忠林" in full["user_words"]
    assert "王一鸥" not in full["user_words"]
    assert (incremental["documents"], incremental["passages"]) == (full["documents"], full["passages"])
    assert (report.documents, report.passages) == (int(full["documents"]), int(full["passages"]))
