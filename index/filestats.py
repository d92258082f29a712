"""What a build records of each file it indexed (size, modification time, inode and its
metadata row), so that the next build knows it unchanged without reading it.

Kept in the index's `file_stats` table, written by the build with the rest of the index;
an index without it (resampled by the benchmarks) only costs the next build a hash of
every file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable
from typing import NamedTuple

from .models import DocumentMeta

# A file changed this recently could change again within the file system's time
# resolution and keep its size and time: its stat is not recorded, so it is hashed next time.
RACY_SECONDS = 2


class FileStat(NamedTuple):
    size: int
    mtime_ns: int
    inode: int
    meta: str  # digest of the file's metadata.csv row, "" without one

    @classmethod
    def of(cls, path: str, known: DocumentMeta | None) -> FileStat:
        stat = os.stat(path)
        meta = "" if known is None else hashlib.blake2b(repr(tuple(known.__dict__.values())).encode(),
                                                        digest_size=16).hexdigest()
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ino, meta)

    @property
    def settled(self) -> bool:
        """Changed long enough ago to be trusted (see RACY_SECONDS)."""
        return time.time_ns() - self.mtime_ns > RACY_SECONDS * 1_000_000_000


def same_file(path: str, recorded: FileStat | None) -> bool:
    """Whether the file at `path` has the recorded size, modification time and inode (and
    the recording was settled): one stat call, no reading."""
    if recorded is None or not recorded.settled:
        return False
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino) == recorded[:3]


def content_hash(data: bytes, meta: DocumentMeta | None) -> str:
    """What identifies a document's content: its file's bytes and its metadata row."""
    digest = hashlib.sha256(data)
    if meta is not None:
        digest.update(json.dumps(meta.__dict__, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def recognise(path: str, known: DocumentMeta | None, recorded: FileStat | None,
              recorded_hash: str | None, read: Callable[[str], bytes]) -> tuple[FileStat, str]:
    """The file's stat and `content_hash`: the recorded hash, without reading the file, when
    its stat is the recorded one; otherwise the hash of what `read` (the readers' checked
    read: regular files only, size limits, no symlink out of the folder) returns.  Raises
    what `read` raises, or OSError when the file cannot be stat'ed."""
    stat = FileStat.of(path, known)
    if recorded_hash is not None and stat == recorded and stat.settled:
        return stat, recorded_hash
    return stat, content_hash(read(path), known)


def read_file_stats(db) -> dict[tuple[str, str], FileStat]:
    """The stats recorded in an index (a sqlite_utils.Database); none if it has no table."""
    if "file_stats" not in db.table_names():
        return {}
    return {(row[0], row[1]): FileStat(*row[2:])
            for row in db.execute("select source, path, size, mtime_ns, inode, meta from file_stats")}


def record_file_stats(conn: sqlite3.Connection, stats: dict[tuple[str, str], FileStat],
                      recorded: dict[tuple[str, str], FileStat]) -> None:
    """Make the stats recorded in the index open on `conn` (one that had `recorded`, or a new
    one) those of `stats` that are settled, in the caller's transaction."""
    racy = time.time_ns() - RACY_SECONDS * 1_000_000_000  # `settled`, for every file at once
    keep = {key: stat for key, stat in stats.items() if stat.mtime_ns < racy}
    conn.execute("create table if not exists file_stats (source text, path text, size integer, "
                 "mtime_ns integer, inode integer, meta text, primary key (source, path))")
    conn.executemany("delete from file_stats where source = ? and path = ?",
                     [key for key in recorded if key not in keep])
    conn.executemany("insert or replace into file_stats values (?, ?, ?, ?, ?, ?)",
                     [(*key, *stat) for key, stat in keep.items() if (old := recorded.get(key)) is not stat and old != stat])
