"""Faults and hostile input on the index side: real processes, real files, real SQLite.

A killed build must not block the next one nor leave files behind; a damaged index must
be refused with the rebuild hint (at open or at the first search) and repaired by a build;
a hostile source folder must build, each bad file skipped and named; a build that cannot
write must say so in one line.
"""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from index import BuildError, IndexUnavailable, Searcher, build_index
from index.cli import main as cli_main
from index.store import REBUILD_HINT, open_mapped, open_readonly, verify
from table_rows import table_rows

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
QUERY = "岳阳2021年经济发展目标"


def copy_seeds(folder: Path) -> Path:
    shutil.copytree(SEEDS, folder)
    return folder


# -- 1. a build killed with SIGKILL -------------------------------------------------------------
# The build runs in a child process, with a worker pool even for five files, and stops for
# good at a chosen stage (its progress hook never returns) until the test kills it.
KILLED_BUILD = textwrap.dedent("""
    import multiprocessing, sys, time
    from pathlib import Path
    import index.builder as builder

    builder.PARALLEL_THRESHOLD, builder.WORKERS = 0, 2
    stage_wanted = sys.argv[3]
    tokenize_one = builder._tokenize_one

    def slow(job):  # keeps the workers busy when the build is killed
        time.sleep(0.02)
        return tokenize_one(job)

    builder._tokenize_one = slow

    def progress(stage, done, total):
        if stage == stage_wanted and 0 < done:
            workers = [p.pid for p in multiprocessing.active_children()]
            print("READY", *workers, flush=True)
            time.sleep(600)

    builder.build_index([Path(sys.argv[1])], Path(sys.argv[2]), progress)
""")


def start_and_kill(source: Path, db: Path, stage: str) -> list[int]:
    """Run a build until `stage`, kill -9 it there; the pids of its workers then."""
    child = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(source), str(db), stage],
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = child.stdout.readline()
        assert line.startswith("READY"), line
    finally:
        child.kill()
        child.wait()
    return [int(pid) for pid in line.split()[1:]]


def gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] in ("Z", "X")  # a zombie holds nothing
    except FileNotFoundError:
        return True


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A good index of the seeds, to copy and damage."""
    folder = tmp_path_factory.mktemp("built")
    source = folder / "seeds"
    source.mkdir()
    for name in ("000_a2d7d4499d0d62ff.txt", "003_152f4d5d7c5355aa.txt"):  # two speeches: quicker builds
        shutil.copyfile(SEEDS / name, source / name)
    build_index([source], folder / "index.sqlite")
    return source, folder / "index.sqlite"


def test_killed_build_with_workers_neither_blocks_the_next_build_nor_leaves_workers(built, tmp_path):
    source, _ = built
    db = tmp_path / "index.sqlite"
    workers = start_and_kill(source, db, "tokenizing")
    assert workers, "the build should have had a worker pool"
    report = build_index([source], db)  # at once: the lock went with the killed build
    assert report.documents == 2
    deadline = time.monotonic() + 5
    while not all(map(gone, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(map(gone, workers)), "workers outlived their build"


def test_killed_full_build_while_writing_leaves_no_temporary_file_after_the_next_build(built, tmp_path):
    source, good = built
    db = tmp_path / "index.sqlite"
    shutil.copyfile(good, db)
    _sql("delete from passages where id % 2 = 0")(db)  # damaged: the build writes a new file
    start_and_kill(source, db, "writing")
    leftovers = list(tmp_path.glob(".index.sqlite.building-*"))
    assert leftovers, "the killed build should have been writing its temporary file"
    build_index([source], db)
    assert list(tmp_path.glob(".index.sqlite.building-*")) == []
    assert Searcher.open(db).search(QUERY).hits


def test_killed_update_in_place_leaves_the_index_as_it_was(built, tmp_path):
    source, good = built
    folder = copy_seeds(tmp_path / "seeds")
    db = tmp_path / "index.sqlite"
    build_index([folder], db)
    before = table_rows(db)
    (folder / "new.txt").write_text("新的讲话。今年要坚持稳中求进，推动高质量发展。\n", encoding="utf-8")
    changed = folder / "001_8ca6c5baf5e3a5a5.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    start_and_kill(folder, db, "writing")  # killed inside the update's transaction, rows deleted
    assert list(tmp_path.glob(".index.sqlite.building-*")) == []  # updated in place: no copy
    assert table_rows(db) == before
    checked = open_readonly(db)
    verify(checked, db, thorough=True)
    checked.conn.close()
    report = build_index([folder], db)
    assert report.added == ("new.txt",) and report.changed == (changed.name,) and report.unchanged == 4
    assert Searcher.open(db).search("稳中求进 高质量发展").hits


# -- 2 and 3. a damaged index -------------------------------------------------------------------
def _sql(statement: str):
    def damage(path: Path) -> None:
        conn = sqlite3.connect(path)
        conn.execute(statement)
        conn.commit()
        conn.close()
    return damage


def _flip_postings(path: Path) -> None:
    """Same length, other bytes: only a checksum can tell."""
    conn = sqlite3.connect(path)
    rows = conn.execute("select term, ids from postings").fetchall()
    conn.executemany("update postings set ids = ? where term = ?",
                     [(bytes(b ^ 0x01 for b in ids), term) for term, ids in rows])
    conn.commit()
    conn.close()


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _foreign(path: Path) -> None:
    path.write_text("这不是索引，是别的文件。\n" * 100, encoding="utf-8")


DAMAGE = {
    "dropped table": _sql("drop table postings"),
    "dropped arrays": _sql("drop table arrays"),
    "deleted passages": _sql("delete from passages where id % 2 = 0"),
    "deleted documents": _sql("delete from documents where id = 1"),
    "short postings": _sql("update postings set ids = x'ffffff7f' where rowid % 3 = 0"),
    "flipped postings": _flip_postings,
    "wrong df": _sql("update postings set df = df + 1 where rowid % 5 = 0"),
    "truncated file": _truncate,
    "schema version": _sql("update meta set value = '3' where key = 'schema_version'"),
    "incomplete": _sql("update meta set value = '0' where key = 'complete'"),
    "foreign file": _foreign,
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damage_gives_the_rebuild_hint_and_a_build_repairs_it(kind, built, tmp_path):
    source, good = built
    db = tmp_path / "index.sqlite"
    shutil.copyfile(good, db)
    DAMAGE[kind](db)
    with pytest.raises(IndexUnavailable) as caught:
        Searcher.open(db).search(QUERY)  # at open, or at the first search
    assert REBUILD_HINT in str(caught.value) and caught.value.code.startswith("index_")
    report = build_index([source], db)
    assert report.documents == 2 and report.changed == () and len(report.added) == 2  # from scratch
    repaired = open_readonly(db)
    verify(repaired, db, thorough=True)
    repaired.conn.close()


def test_a_repaired_index_answers(built, tmp_path):
    source, good = built
    db = tmp_path / "index.sqlite"
    shutil.copyfile(good, db)
    _sql("delete from passages where id % 2 = 0")(db)
    build_index([source], db)
    assert Searcher.open(db).search(QUERY).hits


def test_an_index_replaced_while_it_is_opened_is_refused(built):
    """The searcher reads passages through a second connection: it must be to the same file."""
    _, good = built
    meta = {row[0]: row[1] for row in sqlite3.connect(good).execute("select key, value from meta")}
    open_mapped(good, meta).close()
    with pytest.raises(IndexUnavailable) as caught:
        open_mapped(good, {**meta, "built_at": "another build"})
    assert caught.value.code == "index_damaged"


def test_damage_is_one_line_at_the_command_line(built, tmp_path, capsys):
    _, good = built
    db = tmp_path / "index.sqlite"
    shutil.copyfile(good, db)
    _flip_postings(db)
    assert cli_main(["search", "--db", str(db), QUERY]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "索引已损坏" in err and "python -m index build" in err


# -- 4, 5, 6. a hostile source folder -------------------------------------------------------------
SPEECH = "在全市工作会议上的讲话\n\n同志们，今年全市经济运行稳中向好，{}。\n"


def _speech_folder(parent: Path, name: str, csv: bytes) -> Path:
    folder = parent / name
    folder.mkdir()
    (folder / f"{name}.txt").write_text(SPEECH.format(name), encoding="utf-8")
    (folder / "metadata.csv").write_bytes(csv)
    return folder


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            block = b" " * (1 << 20)
            for _ in range(120):  # 120 MB unpacked, about 120 KB packed
                member.write(block)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    top = tmp_path_factory.mktemp("hostile")
    folder = copy_seeds(top / "speeches")
    (top / "secret.txt").write_text("密码：不该被收录的内容，出现在资料库外面。\n", encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    os.symlink(top / "secret.txt", folder / "passwd.txt")
    os.symlink("/etc/passwd", folder / "etc.txt")
    os.symlink("/dev/zero", folder / "zero.txt")
    os.symlink(folder / "000_a2d7d4499d0d62ff.txt", folder / "inside.txt")  # stays in the folder: read
    with open(folder / "sparse.txt", "wb") as handle:
        handle.truncate(3 * 1024**3)
    (folder / "deep.html").write_bytes(("<div>" * 110_000 + "深处" + "</div>" * 110_000).encode())
    _zip_bomb(folder / "bomb.docx")
    gbk_name = os.fsencode(folder) + b"/" + "讲话稿".encode("gbk") + b".txt"
    with open(gbk_name, "wb") as handle:
        handle.write(SPEECH.format("文件名").encode())
    header = "file,title,speaker,date\n"
    extra = [
        _speech_folder(top, "gbk", (header + "gbk.txt,国庆讲话,王一鸥,2021-10-01\n").encode("gbk")),
        _speech_folder(top, "utf16", (header + "utf16.txt,春节讲话,王一鸥,2022-02-01\n").encode("utf-16")),
        _speech_folder(top, "huge", (header + f"huge.txt,长标题,王一鸥,2022-03-01\nnone.txt,\"{'很长' * 70_000}\",x,\n")
                       .encode()),
        _speech_folder(top, "quote", (header + 'quote.txt,"未闭合的标题,王一鸥,2022-04-01\n'
                                      "a.txt,甲,王一鸥,2022-04-02\nb.txt,乙,王一鸥,2022-04-03\n").encode()),
    ]
    started = time.monotonic()
    report = build_index([folder, *extra], top / "index.sqlite")
    return report, time.monotonic() - started, top


def _reason(report, name: str) -> str:
    found = [s.reason for s in report.skipped if s.path.endswith(name)]
    assert len(found) == 1, (name, report.skipped)
    return found[0]


@pytest.mark.parametrize("name, reason", [
    ("pipe.txt", "not a regular file (fifo)"),
    ("passwd.txt", "symlink leads outside the source folder"),
    ("etc.txt", "symlink leads outside the source folder"),
    ("zero.txt", "symlink leads outside the source folder"),
    ("sparse.txt", "file too large"),
    ("deep.html", "document too deeply nested"),
    ("bomb.docx", "corrupt docx: unpacked size too large"),
    ("\\xbd\\xb2\\xbb\\xb0\\xb8\\xe5.txt", "file name is not valid UTF-8"),
    ("quote/metadata.csv:2", "bad row in metadata.csv: unbalanced quote"),
])
def test_hostile_files_are_skipped_and_named(hostile, name, reason):
    report, _, _ = hostile
    assert _reason(report, name).startswith(reason)


def test_the_hostile_folder_builds_quickly_with_the_good_files(hostile):
    report, seconds, top = hostile
    assert seconds < 10
    searcher = Searcher.open(top / "index.sqlite")
    paths = {d.path: d for d in searcher.documents()}
    assert {"inside.txt", "gbk.txt", "utf16.txt", "huge.txt", "quote.txt"} <= set(paths)
    assert not {"passwd.txt", "etc.txt", "zero.txt", "pipe.txt"} & set(paths)
    assert paths["gbk.txt"].meta.title == "国庆讲话" and paths["utf16.txt"].meta.title == "春节讲话"
    assert paths["huge.txt"].meta.title == "长标题"
    assert paths["quote.txt"].meta.title != "未闭合的标题,王一鸥,2022-04-01\n" and "\n" not in paths["quote.txt"].meta.title
    assert not searcher.search("不该被收录的内容").hits or all("密码" not in h.quote.text for h in searcher.search("密码").hits)


def test_skipped_names_print_at_the_command_line(hostile, capsys):
    from index.cli import _print_build

    _print_build(hostile[0])
    out = capsys.readouterr().out
    assert "\\xbd\\xb2" in out and "指向讲话文件夹以外的链接" in out


# -- 10. a build that cannot write --------------------------------------------------------------
def run_cli(*args, **popen):
    return subprocess.run([sys.executable, "-m", "index", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, **popen)


def test_db_at_a_folder_is_one_line(built, tmp_path):
    source, _ = built
    result = run_cli("build", "--quiet", "--source", str(source), "--db", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"错误：--db 指向的是一个文件夹，不是索引文件：{tmp_path}"]


def test_read_only_folder_is_one_line_and_the_old_index_stays(built, tmp_path):
    source, good = built
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copyfile(good, folder / "index.sqlite")
    before = (folder / "index.sqlite").read_bytes()
    # root writes anywhere, but not into an immutable folder
    lock = ["chattr", "+i", str(folder)] if os.geteuid() == 0 else ["chmod", "555", str(folder)]
    subprocess.run(lock, check=True)
    try:
        result = run_cli("build", "--quiet", "--source", str(source), "--db", str(folder / "index.sqlite"))
    finally:
        subprocess.run(["chattr", "-i", str(folder)] if os.geteuid() == 0 else ["chmod", "755", str(folder)], check=True)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "无法写入索引" in lines[0], result.stderr
    assert (folder / "index.sqlite").read_bytes() == before


def test_disk_full_is_one_line(built, tmp_path):
    import resource

    source, _ = built

    def small_files():  # files may not grow past 200 KB: a write fails as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    result = run_cli("build", "--quiet", "--source", str(source), "--db", str(tmp_path / "index.sqlite"),
                     preexec_fn=small_files)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"错误：磁盘已满或写入出错，无法写入索引：{tmp_path / 'index.sqlite'}，原来的索引没有改动。"]
    assert list(tmp_path.glob(".index.sqlite.building-*")) == []


def test_build_errors_are_coded():
    assert {"db_is_directory", "db_not_writable", "disk_full"} <= set(BuildError.CODES)
