"""The index file: one SQLite database written through sqlite-utils.

Tables: `documents`, `passages` (original and normalised text, tokens), `postings`
(per-term passage ids and term frequencies as packed arrays), `field_terms` (metadata
term -> documents), `arrays` (per-passage numbers) and `meta` (build time, source hashes,
dictionary version, corpus statistics).  A build writes a new file next to the old one
(or a copy of it, updated) and renames it over the old one, so readers never see a
half-built index.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import numpy as np
import sqlite_utils

from .errors import IndexUnavailable
from .filters import FILTERS

SCHEMA_VERSION = "4"
TOKEN_SEPARATOR = "\t"
REBUILD_HINT = "rebuild it with: python -m index build"


def create_schema(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["documents"].create(
        {
            "id": int, "source": str, "path": str, "sha256": str, "title": str, "speaker": str,
            "place": str, "date": str, "year": str, "kind": str, "source_url": str,
            "first_passage": int, "passages": int, "dictionary": str,
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
    # Per term: the passages that have it (int32 ids, ascending) and how often (uint16).
    db["postings"].create({"term": str, "df": int, "ids": bytes, "tfs": bytes}, pk="term")
    # Per passage id, packed: its document, its length in characters and in tokens.
    db["arrays"].create({"name": str, "data": bytes}, pk="name")
    # metadata term -> ids of the documents whose metadata has it (packed int32)
    db["field_terms"].create({"term": str, "docs": bytes}, pk="term")


def create_indexes(db: sqlite_utils.Database) -> None:
    db["documents"].create_index(["source", "path"], unique=True)
    db["passages"].create_index(["doc_id", "paragraph", "part"])


def write_meta(db: sqlite_utils.Database, values: dict) -> None:
    db["meta"].insert_all(
        ({"key": k, "value": v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)} for k, v in values.items()),
        replace=True,
    )


def read_meta(db: sqlite_utils.Database) -> dict[str, str]:
    return {row["key"]: row["value"] for row in db["meta"].rows}


def open_readonly(path: Path) -> sqlite_utils.Database:
    """Open an index for reading, or raise IndexUnavailable saying how to rebuild it."""
    if not path.is_file():
        raise IndexUnavailable(f"no index at {path}; {REBUILD_HINT}", code="index_missing", path=path)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        db = sqlite_utils.Database(conn)
        meta = read_meta(db)
    except sqlite3.DatabaseError as exc:
        raise IndexUnavailable(f"the index at {path} is unreadable ({exc}); {REBUILD_HINT}",
                               code="index_damaged", path=path) from exc
    if meta.get("schema_version") != SCHEMA_VERSION or meta.get("complete") != "1":
        conn.close()
        code = "index_outdated" if meta.get("schema_version") != SCHEMA_VERSION else "index_damaged"
        raise IndexUnavailable(f"the index at {path} is incomplete or from another version; {REBUILD_HINT}",
                               code=code, path=path)
    return db


def temporary_path(final: Path) -> Path:
    return final.with_name(f".{final.name}.building-{os.getpid()}")


def publish(temporary: Path, final: Path) -> None:
    """Atomically put a finished index in place of the old one."""
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, final)
    directory = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


ARRAY_TYPES = {"passage_doc": np.int32, "passage_chars": np.int32, "passage_tokens": np.int32}


def read_array(db: sqlite_utils.Database, name: str) -> np.ndarray:
    row = db.execute("select data from arrays where name = ?", [name]).fetchone()
    return np.frombuffer(row[0], dtype=ARRAY_TYPES[name]).copy()


def write_array(db: sqlite_utils.Database, name: str, values: np.ndarray) -> None:
    db["arrays"].insert({"name": name, "data": values.astype(ARRAY_TYPES[name]).tobytes()}, replace=True)
