"""What a build records of its source folders, so that the next build knows an unchanged
file by one stat, without reading it, and never parses an unchanged metadata.csv.

Per folder of a source: its candidate files' names and their size, modification time and
inode, as packed arrays (table `file_stats`, one row per folder, rewritten only when the
folder changed); only documents are recorded (a skipped file is looked at again, and its
reason reported, on every build).  Per source: its metadata.csv's own stat (`metadata_csv`)
and rows (`metadata_rows`), so that a file that needs its row gets it from the index.
An index without them (resampled by the benchmarks) only costs the next build a hash of
every file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat as stat_module
import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .metadata import META_FIELDS, METADATA_FILE
from .models import DocumentMeta

# A file changed this recently could change again within the file system's time
# resolution and keep its size and time: its stat is not recorded, so it is hashed next time.
RACY_SECONDS = 2
UNRECORDED = -1  # the modification time recorded for a file that is not to be trusted


def candidate(name: str) -> bool:
    """Whether a file name is a candidate speech file (not hidden, not metadata, not a readme)."""
    return not (name.startswith(".") or name == METADATA_FILE or name.lower().rsplit(".", 1)[0] == "readme")


class Folder(NamedTuple):
    """A folder's candidate files, names sorted, and their stats: one int64 row each of
    size, modification time (ns) and inode."""

    names: list[str]
    stats: np.ndarray

    def same(self, recorded: Folder | None) -> np.ndarray:
        """Per file: whether it has its recorded size, time and inode (and was recorded)."""
        if recorded is None:
            return np.zeros(len(self.names), dtype=bool)
        if recorded.names == self.names:
            return (self.stats == recorded.stats).all(axis=1)
        rows = {name: i for i, name in enumerate(recorded.names)}
        found = np.asarray([rows.get(name, -1) for name in self.names], dtype=np.int64)
        same = np.zeros(len(self.names), dtype=bool)
        known = found >= 0
        same[known] = (self.stats[known] == recorded.stats[found[known]]).all(axis=1)
        return same


def walk(root: str) -> dict[str, Folder]:
    """Every folder under `root` ("" for itself, else its "/"-separated relative path) with
    its candidate files and their stats: one stat per file, relative to the open folder.
    Hidden folders and symbolic links to folders are not entered (as os.walk does); links
    to files are listed with their target's stat; a folder that cannot be read is left out."""
    folders: dict[str, Folder] = {}
    _walk(root, "", folders)
    return folders


def _walk(path: str, rel: str, folders: dict[str, Folder]) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    names, stats, subfolders = [], [], []
    try:
        for name in sorted(os.listdir(fd)):
            found, link = _stat(name, fd)
            if found is not None and stat_module.S_ISDIR(found.st_mode):
                if not name.startswith(".") and not link:
                    subfolders.append(name)
            elif candidate(name):
                names.append(name)
                stats.append((found.st_size, found.st_mtime_ns, found.st_ino) if found else (-1, UNRECORDED, -1))
    except OSError:
        return
    finally:
        os.close(fd)
    folders[rel] = Folder(names, np.asarray(stats, dtype=np.int64).reshape(-1, 3))
    for name in subfolders:
        _walk(os.path.join(path, name), f"{rel}/{name}" if rel else name, folders)


def _stat(name: str, folder: int) -> tuple[os.stat_result | None, bool]:
    """A folder entry's stat (its target's, for a link; None if there is none) and whether it is a link."""
    try:
        found = os.stat(name, dir_fd=folder, follow_symlinks=False)
        if not stat_module.S_ISLNK(found.st_mode):
            return found, False
        return os.stat(name, dir_fd=folder), True
    except OSError:  # gone, or a broken link: listed, and skipped with its reason
        return None, False


def settled_mask(stats: np.ndarray) -> np.ndarray:
    """Per file: changed long enough ago to be trusted (see RACY_SECONDS)."""
    return stats[:, 1] < time.time_ns() - RACY_SECONDS * 1_000_000_000


def recorded(folder: Folder, documents: np.ndarray) -> Folder:
    """What to record of a folder: the stats of its settled documents, the others' not."""
    stats = folder.stats.copy()
    stats[~(documents & settled_mask(stats)), 1] = UNRECORDED
    return Folder(folder.names, stats)


def content_hash(data: bytes, meta: DocumentMeta | None) -> str:
    """What identifies a document's content: its file's bytes and its metadata row."""
    digest = hashlib.sha256(data)
    if meta is not None:
        digest.update(json.dumps(meta.__dict__, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def csv_stat(path: str) -> tuple[int, int, int] | None:
    """A metadata.csv's size, time and inode (time UNRECORDED while it is not settled), or None."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    settled = found.st_mtime_ns < time.time_ns() - RACY_SECONDS * 1_000_000_000
    return found.st_size, found.st_mtime_ns if settled else UNRECORDED, found.st_ino


# -- in the index ---------------------------------------------------------------------------------
SCHEMA = (
    "create table if not exists file_stats (source text, folder text, names blob, stats blob, "
    "primary key (source, folder))",
    "create table if not exists metadata_csv (source text primary key, size integer, mtime_ns integer, "
    "inode integer, clean integer)",
    f"create table if not exists metadata_rows (source text, file text, {', '.join(f'{f} text' for f in META_FIELDS)}, "
    "primary key (source, file))",
)


def _pack(names: list[str]) -> bytes:
    return "\0".join(names).encode("utf-8", "surrogateescape")


def _unpack(blob: bytes) -> list[str]:
    return blob.decode("utf-8", "surrogateescape").split("\0") if blob else []


@dataclass
class Recorded:
    """The file stats and metadata.csv stats an index has (as `read_recorded` finds them)."""

    folders: dict[tuple[str, str], Folder] = field(default_factory=dict)  # (source, folder) ->
    csv: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # source -> size, time, inode, clean


def read_recorded(conn: sqlite3.Connection) -> Recorded:
    """What an index records of its files; nothing if it has no such tables."""
    tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
    if not {"file_stats", "metadata_csv", "metadata_rows"} <= tables:
        return Recorded()
    folders = {(source, folder): Folder(_unpack(names), np.frombuffer(stats, dtype=np.int64).reshape(-1, 3))
               for source, folder, names, stats in conn.execute("select source, folder, names, stats from file_stats")}
    csv = {row[0]: tuple(row[1:]) for row in conn.execute("select * from metadata_csv")}
    return Recorded(folders, csv)


def read_rows(conn: sqlite3.Connection, source: str, files: list[str] | None = None) -> dict[str, DocumentMeta]:
    """The recorded metadata.csv rows of `source` (those of `files` only, if given)."""
    query = f"select file, {', '.join(META_FIELDS)} from metadata_rows where source = ?"
    if files is None or len(files) > 1000:
        rows = conn.execute(query, [source]).fetchall()
    else:
        rows = [row for file in files for row in conn.execute(query + " and file = ?", [source, file])]
    if files is not None:
        wanted = set(files)
        rows = [row for row in rows if row[0] in wanted]
    return {row[0]: DocumentMeta(*row[1:]) for row in rows}


@dataclass
class FileRecord:
    """What a build records (see the module docstring), written with the index by `write`."""

    folders: dict[tuple[str, str], Folder] = field(default_factory=dict)  # every folder, as now
    csv: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # source -> size, time, inode, clean
    rows: dict[str, dict[str, DocumentMeta]] = field(default_factory=dict)  # sources whose rows were read

    def write(self, conn: sqlite3.Connection, before: Recorded | None) -> None:
        """Make the index open on `conn` (one that recorded `before`, or a new one) record
        this, writing only what changed, in the caller's transaction."""
        before = before or Recorded()
        for statement in SCHEMA:
            conn.execute(statement)
        conn.executemany("delete from file_stats where source = ? and folder = ?",
                         [key for key in before.folders if key not in self.folders])
        changed = [(key, folder) for key, folder in self.folders.items()
                   if (old := before.folders.get(key)) is None or old.names != folder.names
                   or not np.array_equal(old.stats, folder.stats)]
        conn.executemany("insert or replace into file_stats values (?, ?, ?, ?)",
                         [(*key, _pack(folder.names), folder.stats.astype(np.int64).tobytes()) for key, folder in changed])
        conn.executemany("delete from metadata_csv where source = ?", [(s,) for s in before.csv if s not in self.csv])
        conn.executemany("insert or replace into metadata_csv values (?, ?, ?, ?, ?)",
                         [(source, *values) for source, values in self.csv.items() if before.csv.get(source) != values])
        for source in {*self.rows, *(s for s in before.csv if s not in self.csv)}:
            old = read_rows(conn, source)
            new = self.rows.get(source, {})
            conn.executemany("delete from metadata_rows where source = ? and file = ?",
                             [(source, file) for file in old if file not in new])
            conn.executemany(f"insert or replace into metadata_rows values ({', '.join('?' * (2 + len(META_FIELDS)))})",
                             [(source, file, *meta.__dict__.values()) for file, meta in new.items() if old.get(file) != meta])
