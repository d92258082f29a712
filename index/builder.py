"""Build the index: source folders in, one SQLite file out, published atomically.

Documents whose content (file bytes and metadata row) is unchanged since the last build
keep their stored passages and tokens; only new or changed documents, and documents
that contain a dictionary word that appeared or disappeared, are tokenized again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import sqlite_utils

from . import cleaning
from .analysis import ANALYZER_VERSION, Analyzer, dictionary_version, learned_phrases
from .errors import BuildError, IndexUnavailable
from .metadata import METADATA_FILE, extract, read_metadata_csv
from .models import BuildReport, DocumentMeta, SkippedFile
from .normalize import normalize
from .ranking import build_postings
from .readers import SUPPORTED_SUFFIXES, UnreadableSource, read_source
from .store import (
    SCHEMA_VERSION, TOKEN_SEPARATOR, create_indexes, create_schema, open_readonly, publish,
    read_meta, temporary_path, write_meta,
)

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
PARALLEL_THRESHOLD = 3000  # files or passages; below this a worker pool costs more than it saves
WORKERS = max(1, min(2, os.cpu_count() or 1))


@dataclass
class _Doc:
    source: str
    path: str
    sha256: str
    meta: DocumentMeta
    texts: list[str] = field(default_factory=list)
    norms: list[str] = field(default_factory=list)
    paragraphs: list[int] = field(default_factory=list)
    parts: list[int] = field(default_factory=list)
    tokens: list[list[str]] | None = None
    dictionary: str = ""


def _discover(source: Path) -> Iterable[Path]:
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.name == METADATA_FILE or path.stem.lower() == "readme":
            continue
        yield path


def _content_hash(data: bytes, meta: DocumentMeta | None) -> str:
    digest = hashlib.sha256(data)
    if meta is not None:
        digest.update(json.dumps(meta.__dict__, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def parse_document(source: str, rel: str, sha: str, text: str, known: DocumentMeta | None) -> _Doc:
    """Clean one document's text into passages and metadata (no tokenization)."""
    lines = cleaning.raw_lines(text)
    extracted = extract(lines, known)
    body = [("" if i in extracted.consumed else line) for i, line in enumerate(lines)]
    doc = _Doc(source, rel, sha, extracted.meta)
    for passage in cleaning.passages(cleaning.paragraphs(body)):
        doc.texts.append(passage.text)
        doc.norms.append(normalize(passage.text))
        doc.paragraphs.append(passage.paragraph)
        doc.parts.append(passage.part)
    return doc


def _load_previous(db_path: Path) -> tuple[dict[tuple[str, str], _Doc], set[str]]:
    """Documents of the current index, with their passages, keyed by (source, path)."""
    try:
        db = open_readonly(db_path)
    except IndexUnavailable:
        return {}, set()
    try:
        meta = read_meta(db)
        if meta.get("analyzer_version") != ANALYZER_VERSION:
            return {}, set()
        docs: dict[int, _Doc] = {}
        for row in db["documents"].rows:
            meta_fields = {k: row[k] for k in DocumentMeta.__dataclass_fields__}
            doc = _Doc(row["source"], row["path"], row["sha256"], DocumentMeta(**meta_fields), tokens=[])
            doc.dictionary = row["dictionary"]
            docs[row["id"]] = doc
        for row in db.query("select doc_id, paragraph, part, text, norm, tokens from passages order by id"):
            doc = docs[row["doc_id"]]
            doc.texts.append(row["text"])
            doc.norms.append(row["norm"])
            doc.paragraphs.append(row["paragraph"])
            doc.parts.append(row["part"])
            doc.tokens.append(row["tokens"].split(TOKEN_SEPARATOR) if row["tokens"] else [])
        return {(d.source, d.path): d for d in docs.values()}, set(json.loads(meta.get("user_words", "[]")))
    except Exception as exc:  # a damaged old index only costs a full rebuild
        log.warning("previous index unusable, rebuilding everything: %s", exc)
        return {}, set()
    finally:
        db.conn.close()


# Set just before the worker pool forks, so workers inherit the analyzer ready-made.
_worker_analyzer: Analyzer | None = None


def _tokenize_one(job: tuple[str, str]) -> list[str]:
    return _worker_analyzer.tokens(*job)


def _tokenize(docs: list[_Doc], analyzer: Analyzer, progress: Progress) -> None:
    global _worker_analyzer
    _worker_analyzer = analyzer
    jobs = [(norm, doc.meta.year) for doc in docs for norm in doc.norms]
    results = _parallel_map(_tokenize_one, jobs, "tokenizing", progress, weight=len(jobs))
    position = 0
    for doc in docs:
        doc.tokens = results[position : position + len(doc.norms)]
        position += len(doc.norms)


def _field_rows(analyzer: Analyzer, docs: list[_Doc]) -> Iterable[dict]:
    """Rows of the field_terms table: each metadata term with the documents that have it."""
    index: dict[str, list[int]] = {}
    for doc_id, doc in enumerate(docs):
        meta = doc.meta
        for term in analyzer.field_tokens(meta.title, meta.speaker, meta.place, meta.year, meta.kind):
            index.setdefault(term, []).append(doc_id)
    for term, doc_ids in index.items():
        yield {"term": term, "docs": np.asarray(doc_ids, dtype=np.int32).tobytes()}


@contextlib.contextmanager
def _build_lock(db_path: Path):
    lock_path = db_path.with_name(f".{db_path.name}.lock")
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build of {db_path} is running") from None
        yield


def build_index(sources: Iterable[Path], db_path: Path, progress: Progress | None = None) -> BuildReport:
    """Index every readable file under `sources` into `db_path`; see the module docstring."""
    started = time.perf_counter()
    progress = progress or (lambda stage, done, total: None)
    sources = [Path(s).resolve() for s in sources]
    for source in sources:
        if not source.is_dir():
            raise BuildError(f"source folder not found: {source}")
    db_path = Path(db_path).resolve()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(db_path):
        previous, previous_words = _load_previous(db_path)
        docs, skipped, fresh = _read_sources(sources, previous, progress)

        user_words = set()
        for doc in docs:
            for norm in doc.norms:
                user_words |= learned_phrases(norm)
            user_words.update(w for w in (doc.meta.place, doc.meta.speaker) if w)
        user_words = {normalize(w) for w in user_words}
        changed_words = user_words ^ previous_words
        version = dictionary_version(user_words)
        stale = [
            doc for doc in docs
            if doc.tokens is not None
            and any(word in norm for norm in doc.norms for word in changed_words)
        ]
        analyzer = Analyzer(user_words)
        to_tokenize = fresh + stale
        _tokenize(to_tokenize, analyzer, progress)
        for doc in to_tokenize:
            doc.dictionary = version

        temporary = temporary_path(db_path)
        try:
            _write(temporary, docs, analyzer, version, user_words, sources, progress)
            publish(temporary, db_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            raise

    current = {(d.source, d.path) for d in docs}
    fresh_keys = {(d.source, d.path) for d in fresh}
    return BuildReport(
        db_path=str(db_path),
        documents=len(docs),
        passages=sum(len(d.texts) for d in docs),
        added=tuple(sorted(d.path for d in fresh if (d.source, d.path) not in previous)),
        changed=tuple(sorted(d.path for d in fresh if (d.source, d.path) in previous)),
        removed=tuple(sorted(path for (src, path) in previous if (src, path) not in current)),
        unchanged=len(docs) - len(fresh_keys),
        skipped=tuple(skipped),
        seconds=time.perf_counter() - started,
    )


def _parse_file(job: tuple[str, str, str, str, DocumentMeta | None]) -> _Doc | SkippedFile:
    source, rel, sha, path, known = job
    try:
        text = read_source(Path(path))
    except UnreadableSource as exc:
        return SkippedFile(path, str(exc))
    doc = parse_document(source, rel, sha, text, known)
    return doc if doc.texts else SkippedFile(path, "no text left after cleaning")


def _read_sources(sources: list[Path], previous: dict, progress: Progress):
    """Documents in source order (reused ones from `previous`), skipped files, and the fresh ones."""
    files = [(source, path) for source in sources for path in _discover(source)]
    slots: list[_Doc | SkippedFile | None] = []
    jobs: list[tuple[int, tuple]] = []
    for source, path in files:
        rel = path.relative_to(source).as_posix()
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            slots.append(SkippedFile(str(path), f"unsupported file type {path.suffix or '(none)'}"))
            continue
        known = _csv_rows(source).get(rel)
        try:
            data = path.read_bytes()
        except OSError as exc:
            slots.append(SkippedFile(str(path), f"cannot read file: {exc.strerror or exc}"))
            continue
        sha = _content_hash(data, known)
        old = previous.get((str(source), rel))
        if old is not None and old.sha256 == sha:
            slots.append(old)
        else:
            jobs.append((len(slots), (str(source), rel, sha, str(path), known)))
            slots.append(None)
    parsed = _parallel_map(_parse_file, [job for _, job in jobs], "reading", progress, weight=len(jobs))
    for (slot, _), result in zip(jobs, parsed):
        slots[slot] = result
    docs = [s for s in slots if isinstance(s, _Doc)]
    fresh = [r for r in parsed if isinstance(r, _Doc)]
    skipped = [s for s in slots if isinstance(s, SkippedFile)]
    return docs, skipped, fresh


def _parallel_map(function, items: list, stage: str, progress: Progress, weight: int) -> list:
    """`map(function, items)` in order, over both cores when `weight` makes it worth it."""
    total = len(items)
    progress(stage, 0, total)
    results: list = []
    if weight < PARALLEL_THRESHOLD or WORKERS < 2:
        for start in range(0, total, 200):
            results.extend(map(function, items[start : start + 200]))
            progress(stage, len(results), total)
        return results
    chunk = max(1, total // (WORKERS * 40))
    with ProcessPoolExecutor(WORKERS, mp_context=get_context("fork")) as pool:
        for number, result in enumerate(pool.map(function, items, chunksize=chunk), 1):
            results.append(result)
            if number % chunk == 0 or number == total:
                progress(stage, number, total)
    return results


_csv_cache: dict[Path, tuple[float, dict[str, DocumentMeta]]] = {}


def _csv_rows(source: Path) -> dict[str, DocumentMeta]:
    csv_path = source / METADATA_FILE
    stamp = csv_path.stat().st_mtime if csv_path.is_file() else 0.0
    cached = _csv_cache.get(source)
    if cached is None or cached[0] != stamp:
        cached = (stamp, read_metadata_csv(source))
        _csv_cache[source] = cached
    return cached[1]


def _write(path: Path, docs: list[_Doc], analyzer: Analyzer, version: str, user_words: set[str],
           sources: list[Path], progress: Progress) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    db = sqlite_utils.Database(path)
    db.conn.execute("pragma journal_mode = off")
    db.conn.execute("pragma synchronous = off")
    create_schema(db)
    write_meta(db, {"schema_version": SCHEMA_VERSION, "complete": "0"})
    token_lists: list[list[str]] = []
    doc_rows, passage_rows = [], []
    for doc_id, doc in enumerate(docs):
        first = len(token_lists)
        token_lists.extend(doc.tokens or [])
        doc_rows.append({
            "id": doc_id, "source": doc.source, "path": doc.path, "sha256": doc.sha256,
            **doc.meta.__dict__, "first_passage": first, "passages": len(doc.texts),
            **{f"n_{key}": normalize(getattr(doc.meta, key)) for key in ("title", "speaker", "place", "year", "kind")},
            "dictionary": doc.dictionary,
        })
        for i, text in enumerate(doc.texts):
            passage_rows.append({
                "id": first + i, "doc_id": doc_id, "paragraph": doc.paragraphs[i], "part": doc.parts[i],
                "text": text, "norm": doc.norms[i], "tokens": TOKEN_SEPARATOR.join(doc.tokens[i]),
            })
    progress("writing", 0, 3)
    with db.conn:
        db["documents"].insert_all(doc_rows, batch_size=1000)
        db["field_terms"].insert_all(_field_rows(analyzer, docs), batch_size=5000)
        db["passages"].insert_all(passage_rows, batch_size=2000)
    progress("writing", 1, 3)
    postings, idf, stats = build_postings(token_lists)
    progress("writing", 2, 3)
    with db.conn:
        db["postings"].insert_all(
            ({"term": p.term, "df": len(p.ids), "idf": idf[p.term],
              "ids": p.ids.tobytes(), "weights": p.weights.tobytes()} for p in postings),
            batch_size=5000,
        )
        db["arrays"].insert({"name": "passage_chars", "data": np.fromiter(
            (len(row["text"]) for row in passage_rows), dtype=np.int32, count=len(passage_rows)).tobytes()})
        create_indexes(db)
        write_meta(db, {
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "analyzer_version": ANALYZER_VERSION,
            "dictionary_version": version,
            "user_words": sorted(user_words),
            "sources": [str(s) for s in sources],
            "source_hashes": {f"{d.source}/{d.path}": d.sha256 for d in docs},
            "passages": stats.passages,
            "avgdl": stats.avgdl,
            "average_idf": stats.average_idf,
            "documents": len(docs),
        })
        write_meta(db, {"complete": "1"})
    progress("writing", 3, 3)
    db.conn.close()
