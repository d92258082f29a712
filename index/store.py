"""The index file: one SQLite database written through sqlite-utils.

Tables: `documents`, `passages` (original and normalised text, tokens), `postings`
(per-term passage ids and term frequencies as packed arrays), `field_terms` (metadata
term -> documents), `arrays` (per-passage numbers) and `meta` (build time, source hashes,
dictionary version, corpus statistics).  The file is in WAL mode: a full build writes a
new file next to the old one and renames it over the old one; an incremental build updates
the file in place, in one transaction.  Either way a build that stops half way leaves the
old index as it was, and a reader sees one index from its open to its close: it reads in
one read transaction, a snapshot that a later commit does not change.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import logging
import os
import re
import signal
import sqlite3
import sys
import zlib
from pathlib import Path

import numpy as np
import sqlite_utils

from .errors import BuildError, IndexUnavailable
from .filters import FILTERS

log = logging.getLogger(__name__)

SCHEMA_VERSION = "18"  # 5: postings carry a checksum; meta counts terms and postings; 6: role;
# 7: WAL mode, updated in place; meta has the document-frequency histogram, not every file's hash;
# 8: file stats packed per folder; metadata.csv rows and stat recorded (`filestats`);
# 9: documents record what their titles say (title_year, title_feature), passages whether
# they are a news lead or report part of a year (arrays passage_lead, passage_part);
# 10: a kind slug's Chinese words are metadata terms (cpc_national_congress_report: 报告);
# 11: and 党代会 for congress, 人大 for npc; 12: 十大 for a title's 第十次全国代表大会;
# 13: a section's passages carry the words of its numbered heading (`cleaning.carry_headers`);
# 14: 二中全会 for a title's 中央委员会第二次全体会议; 15: a short sentence announcing a list is one passage
# with its first item (`cleaning.passages`); 16: a congress report is of its congress's year; 17: a numbered
# line cut at a comma joins the next; 18: the year a passage's section heading names (passage_year)
TOKEN_SEPARATOR = "\t"
REBUILD_HINT = "rebuild it with: python -m index build"


def create_schema(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["documents"].create(
        {
            "id": int, "source": str, "path": str, "sha256": str, "title": str, "speaker": str, "role": str,
            "place": str, "date": str, "year": str, "kind": str, "source_url": str,
            "first_passage": int, "passages": int, "dictionary": str,
            "title_year": int, "title_feature": int,  # `metadata.year_a_title_names`, `looks_like_a_feature`
            "phrases": str, "field_terms": str,  # JSON lists: quoted set phrases, metadata terms
            # normalised copies of the metadata, for filters
            **{f.column: str for f in FILTERS},
        },
        pk="id",
    )
    db["passages"].create(
        {"id": int, "doc_id": int, "paragraph": int, "part": int, "text": str, "norm": str, "tokens": str},
        pk="id",
    )
    # Per term: the passages that have it (int32 ids, ascending) and how often (uint16);
    # crc: CRC-32 of ids then tfs, checked whenever the row is read (`decode_postings`).
    db["postings"].create({"term": str, "df": int, "ids": bytes, "tfs": bytes, "crc": int}, pk="term")
    # Per passage id, packed: its document, its length in characters and in tokens.
    db["arrays"].create({"name": str, "data": bytes}, pk="name")
    # metadata term -> ids of the documents whose metadata has it (packed int32)
    db["field_terms"].create({"term": str, "docs": bytes}, pk="term")


def create_indexes(db: sqlite_utils.Database) -> None:
    db["documents"].create_index(["source", "path"], unique=True)
    db["passages"].create_index(["doc_id", "paragraph", "part"])


def write_meta(db: sqlite_utils.Database, values: dict) -> None:
    """Set meta keys, inside the caller's transaction (plain SQL: sqlite-utils may commit)."""
    db.conn.executemany("insert or replace into meta (key, value) values (?, ?)",
                        [(k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for k, v in values.items()])


def read_meta(db: sqlite_utils.Database) -> dict[str, str]:
    return {row["key"]: row["value"] for row in db["meta"].rows}


def open_readonly(path: Path) -> sqlite_utils.Database:
    """Open an index for reading, or raise IndexUnavailable saying how to rebuild it.

    Only the version is checked here; `verify` checks the rest.
    """
    if not path.is_file():
        raise IndexUnavailable(f"no index at {path}; {REBUILD_HINT}", code="index_missing", path=path)
    try:
        try:
            db, meta = _open_snapshot(f"file:{path}?mode=ro")
        except sqlite3.OperationalError:
            if wal_files(path)[0].exists() or os.access(path.parent, os.W_OK):
                raise
            # A folder nobody can write to (a read-only mount): SQLite cannot make the log's
            # index there, and no build can have left a log or commit one.
            db, meta = _open_snapshot(f"file:{path}?mode=ro&immutable=1")
        conn = db.conn
    except sqlite3.DatabaseError as exc:
        raise IndexUnavailable(f"the index at {path} is unreadable ({exc}); {REBUILD_HINT}",
                               code="index_damaged", path=path) from exc
    if meta.get("schema_version") != SCHEMA_VERSION or meta.get("complete") != "1":
        conn.close()
        code = "index_outdated" if meta.get("schema_version") != SCHEMA_VERSION else "index_damaged"
        raise IndexUnavailable(f"the index at {path} is incomplete or from another version; {REBUILD_HINT}",
                               code=code, path=path)
    return db


def _open_snapshot(uri: str) -> tuple[sqlite_utils.Database, dict[str, str]]:
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        db = sqlite_utils.Database(conn)
        # One read transaction for the connection's life: in WAL mode its snapshot, taken at
        # the first read, stays what it sees while builds commit (see `writer.update_in_place`).
        conn.execute("begin")
        return db, read_meta(db)
    except BaseException:
        conn.close()
        raise


MMAP_BYTES = 1 << 40  # as much of the file as SQLite allows (its build's maximum, often 2 GB)


def open_mapped(path: Path, meta: dict[str, str]) -> sqlite3.Connection:
    """A second read-only connection to the index that `meta` was read from, reading the
    file memory-mapped: a search reads a hundred passages scattered over the file, about
    four times faster without a read() per page.  Kept apart from the connection that scans
    whole tables (the checks, the vocabulary), whose pages would otherwise all stay mapped
    and count as the process's memory.  Like the first, it keeps one read transaction for
    its life, and its meta must equal `meta`: both then see the same snapshot, whatever a
    build commits meanwhile (a build that committed in between changes the meta)."""
    immutable = "&immutable=1" if not os.access(path.parent, os.W_OK) and not wal_files(path)[0].exists() else ""
    conn = sqlite3.connect(f"file:{path}?mode=ro{immutable}", uri=True, check_same_thread=False)
    try:
        conn.execute(f"pragma mmap_size = {MMAP_BYTES}")
        conn.execute("begin")
        same = dict(conn.execute("select key, value from meta").fetchall()) == meta
    except BaseException:
        conn.close()
        raise
    if not same:
        conn.close()
        raise IndexUnavailable(f"the index at {path} changed while it was being opened; open it again",
                               code="index_damaged", path=path)
    return conn


# -- the build's lock and temporary files -----------------------------------------------------
# The build lock's descriptor while this process holds it: a forked worker closes its copy.
_held_lock: int | None = None


@contextlib.contextmanager
def build_lock(db_path: Path):
    """Hold an flock on `.NAME.lock` for the build: the kernel drops it when the process dies."""
    global _held_lock
    lock_path = db_path.with_name(f".{db_path.name}.lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise write_error(exc, db_path) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build of {db_path} is running", code="build_locked", path=db_path) from None
        _held_lock = fd
        try:
            yield
        finally:
            _held_lock = None
    finally:
        os.close(fd)


def remove_stale_temporaries(db_path: Path) -> None:
    """Delete the half-written files that killed builds of `db_path` left behind."""
    for path in db_path.parent.glob(f".{db_path.name}.building-*"):
        pid = temporary_pid(path)
        if pid is None or _alive(pid) and pid != os.getpid():
            continue
        log.warning("removing %s, left by a build that did not finish", path)
        with contextlib.suppress(OSError):
            path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def write_error(exc: BaseException, db_path: Path) -> BuildError:
    """A write that failed for want of space or permission, as one BuildError."""
    message = str(exc)
    if (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
            or isinstance(exc, sqlite3.OperationalError) and ("disk is full" in message or "disk I/O" in message)):
        return BuildError(f"disk full writing {db_path}: {message}", code="disk_full", path=db_path)
    if isinstance(exc, IsADirectoryError):
        return BuildError(f"{db_path} is a folder", code="db_is_directory", path=db_path)
    return BuildError(f"cannot write {db_path}: {message}", code="db_not_writable", path=db_path)


PR_SET_PDEATHSIG = 1


def bind_worker(parent: int) -> None:
    """Bind a forked worker's life to the build's: it must not outlive a killed build.

    The kernel kills the worker when its parent dies (Linux); and it lets go of the
    build lock it inherited with the parent's descriptors (an flock belongs to the open
    file, which a forked copy of the descriptor keeps alive).
    """
    if _held_lock is not None:
        with contextlib.suppress(OSError):
            os.close(_held_lock)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def temporary_path(final: Path) -> Path:
    return final.with_name(f".{final.name}.building-{os.getpid()}")


def temporary_pid(path: Path) -> int | None:
    """The process id in the name of a `temporary_path`, or None if it is not one."""
    match = re.fullmatch(r"\..+\.building-(\d+)", path.name)
    return int(match.group(1)) if match else None


def wal_files(path: Path) -> tuple[Path, Path]:
    """SQLite's write-ahead log and its shared-memory index, next to `path`."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def remove_index(path: Path) -> None:
    """Delete an index file with its log and shared-memory index (any may be missing)."""
    for file in (path, *wal_files(path)):
        file.unlink(missing_ok=True)


def publish(temporary: Path, final: Path) -> None:
    """Atomically put a finished index (a new file, closed) in place of the old one.

    The old file's log and its index go first: SQLite finds them by name and would read the
    old index's pages into the new one.  Readers that have the old file open keep their open
    copies of all three; SQLite does not checkpoint or delete a log whose file was replaced.
    """
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    for leftover in wal_files(final):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    os.replace(temporary, final)
    directory = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


# passage_lead: 1 where the passage is a news item's lead (`cleaning.is_lead`); passage_part: 1 where it
# reports part of a year (`cleaning.reports_part_of_year`); passage_year (`cleaning.section_years`)
ARRAY_TYPES = {"passage_doc": np.int32, "passage_chars": np.int32, "passage_tokens": np.int32, "passage_lead": np.int8,
               "passage_part": np.int8, "passage_year": np.int16}


def read_array(db: sqlite_utils.Database, name: str) -> np.ndarray:
    row = db.execute("select data from arrays where name = ?", [name]).fetchone()
    return np.frombuffer(row[0], dtype=ARRAY_TYPES[name]).copy()


def write_array(db: sqlite_utils.Database, name: str, values: np.ndarray) -> None:
    db.execute("insert or replace into arrays (name, data) values (?, ?)", [name, values.astype(ARRAY_TYPES[name]).tobytes()])


# -- checking an index before trusting it ----------------------------------------------------
TABLES = ("meta", "documents", "passages", "postings", "arrays", "field_terms")


def postings_crc(ids: bytes, tfs: bytes) -> int:
    return zlib.crc32(tfs, zlib.crc32(ids))


def postings_row(term: str, ids: np.ndarray, tfs: np.ndarray) -> dict:
    """A row of the postings table for packed int32 `ids` and uint16 `tfs`."""
    ids_blob, tfs_blob = ids.astype(np.int32).tobytes(), tfs.astype(np.uint16).tobytes()
    return {"term": term, "df": len(ids), "ids": ids_blob, "tfs": tfs_blob, "crc": postings_crc(ids_blob, tfs_blob)}


def postings_totals(db: sqlite_utils.Database) -> dict[str, int]:
    """What `verify` compares with the postings table: its rows and the sum of their lengths."""
    terms, total = db.execute("select count(*), coalesce(sum(df), 0) from postings").fetchone()
    return {"terms": terms, "postings_total": total}


def _damaged(path: Path, what: str) -> IndexUnavailable:
    return IndexUnavailable(f"the index at {path} is damaged ({what}); {REBUILD_HINT}", code="index_damaged", path=path)


def verify(db: sqlite_utils.Database, path: Path, thorough: bool = False) -> None:
    """Check, cheaply, that an open index is whole; raise IndexUnavailable (index_damaged) if not.

    Compares the file's size with SQLite's page count (a truncated copy), the tables with
    the schema, and the row counts, array lengths and postings totals with what the build
    recorded in `meta`.  Damage inside a posting list is caught when it is read
    (`decode_postings` checks its CRC), or here if `thorough` (a build, about to keep them).
    """
    path = Path(path)
    try:
        if problem := _file_problem(db, path):
            raise _damaged(path, problem)
        if wrong := _inconsistencies(db, read_meta(db), thorough):
            raise _damaged(path, "; ".join(wrong))
    except IndexUnavailable:
        raise
    except (sqlite3.DatabaseError, KeyError, TypeError, ValueError) as exc:
        raise _damaged(path, f"{type(exc).__name__}: {exc}") from exc


def _file_problem(db: sqlite_utils.Database, path: Path) -> str:
    """What is wrong with the file as a whole (truncated, tables missing), or ""."""
    page_size = db.execute("pragma page_size").fetchone()[0]
    page_count = db.execute("pragma page_count").fetchone()[0]
    log_size = _size(wal_files(path)[0])  # pages committed there may not be in the file yet
    if os.path.getsize(path) + log_size < page_size * page_count:
        return "file truncated"
    tables = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
    if missing := [t for t in TABLES if t not in tables]:
        return f"missing tables: {', '.join(missing)}"
    if "crc" not in {row[1] for row in db.execute("pragma table_info(postings)")}:
        return "postings without checksums"
    return ""


def _size(path: Path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _inconsistencies(db: sqlite_utils.Database, meta: dict[str, str], thorough: bool) -> list[str]:
    """Counts, array lengths and postings that disagree with what the build recorded."""
    documents, listed = db.execute("select count(*), coalesce(sum(passages), 0) from documents").fetchone()
    passages, last = db.execute("select count(*), coalesce(max(id), -1) from passages").fetchone()
    slots = int(meta["slots"])
    arrays = dict(db.execute("select name, length(data) from arrays").fetchall())
    expected = {
        "documents": (documents, int(meta["documents"])),
        "passages": (passages, int(meta["passages"])),
        "passages of documents": (listed, int(meta["passages"])),
        **{f"array {name}": (arrays.get(name), np.dtype(kind).itemsize * slots) for name, kind in ARRAY_TYPES.items()},
        **{key: (value, int(meta[key])) for key, value in postings_totals(db).items()},
    }
    wrong = [f"{what}: {found}, expected {wanted}" for what, (found, wanted) in expected.items() if found != wanted]
    if last >= slots:
        wrong.append(f"passage id {last} beyond {slots} slots")
    lengths = db.execute(
        "select count(*) from postings where length(ids) != 4 * df or length(tfs) != 2 * df").fetchone()[0]
    if lengths:
        wrong.append(f"{lengths} posting lists of the wrong length")
    if thorough and not wrong:
        bad = sum(postings_crc(ids, tfs) != crc for ids, tfs, crc in db.execute("select ids, tfs, crc from postings"))
        if bad:
            wrong.append(f"{bad} posting lists fail their checksum")
    return wrong


def decode_postings(path: Path, row: tuple, slots: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids, tfs) of a postings row (ids, tfs, df, crc), checked; IndexUnavailable if damaged."""
    ids_blob, tfs_blob, df, crc = row
    if not isinstance(ids_blob, bytes) or not isinstance(tfs_blob, bytes) or postings_crc(ids_blob, tfs_blob) != crc:
        raise _damaged(Path(path), "a posting list fails its checksum")
    ids = np.frombuffer(ids_blob, dtype=np.int32)
    if len(ids) != df or len(tfs_blob) != 2 * df or (df and not 0 <= ids[0] <= ids[-1] < slots):
        raise _damaged(Path(path), "a posting list has the wrong length or ids")
    return ids, np.frombuffer(tfs_blob, dtype=np.uint16)
