"""Build the index: source folders in, one SQLite file out, published atomically.

Documents whose content (file bytes and metadata row) is unchanged since the last build
are not parsed or tokenized again; only new or changed documents, and unchanged ones
that contain a dictionary word that appeared or disappeared, are.  When an index exists,
it is updated in place, in one transaction: only the changed documents' rows and the
posting lists of their terms are rewritten (`writer.update_in_place`); a first build, or
one that would leave too many holes in the passage numbering, writes a new file and renames
it over the old one (`writer.write_full`).
This module plans: what changed, what to read and tokenize (on both cores); `writer` writes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path

from . import cleaning
from .analysis import ANALYZER_VERSION, Analyzer, dictionary_version
from .vocabulary import discovered_words, learned_phrases
from .build_types import Progress, SourceDocument
from .errors import BuildError, UnreadableSource
from .filestats import FileRecord
from .metadata import extract, searchable_fields
from .models import BuildReport, DocumentMeta, SkippedFile
from .normalize import normalize
from .previous import Previous, Stored
from .readers import read_source
from .scan import Key, Scan, scan_sources
from .store import TOKEN_SEPARATOR, bind_worker, build_lock, publish, remove_stale_temporaries, temporary_path, write_error
from .writer import update_in_place, write_full

log = logging.getLogger(__name__)

PARALLEL_THRESHOLD = 3000  # files or passages; below this a worker pool costs more than it saves
WORKERS = max(1, min(2, os.cpu_count() or 1))
MAX_HOLES = 0.25  # share of unused passage ids above which a build rewrites everything




def parse_document(source: str, rel: str, sha: str, text: str, known: DocumentMeta | None) -> SourceDocument:
    """Clean one document's text into passages and metadata (no tokenization)."""
    lines, norms = cleaning.normalised_lines(text)
    extracted = extract(lines, known, norms)
    body = [("" if i in extracted.consumed else line) for i, line in enumerate(lines)]
    doc = SourceDocument(source, rel, sha, extracted.meta)
    for passage in cleaning.passages(cleaning.paragraphs(body)):
        doc.texts.append(passage.text)
        doc.norms.append(normalize(passage.text))
        doc.paragraphs.append(passage.paragraph)
        doc.parts.append(passage.part)
    for norm in doc.norms:
        doc.phrases |= learned_phrases(norm)
    doc.phrases |= discovered_words(doc.norms)
    return doc


# -- reading and tokenizing, on both cores --------------------------------------------------
def _parse_file(job: tuple[str, str, str, str, DocumentMeta | None]) -> SourceDocument | SkippedFile:
    source, rel, sha, path, known = job
    try:
        text = read_source(Path(path), root=source)
    except UnreadableSource as exc:
        return SkippedFile(path, str(exc))
    doc = parse_document(source, rel, sha, text, known)
    return doc if doc.texts else SkippedFile(path, str(UnreadableSource("no_text_left")))


def _read_sources(sources: list[Path], previous: Previous | None, progress: Progress):
    """Scan the sources (`scan.scan_sources`) and parse the files that changed: the collection
    in source order (parsed `SourceDocument`s; unchanged documents as their `Key`, or `Stored`
    when known by their hash), the parsed ones, the skipped files and the scan."""
    scan = scan_sources(sources, previous)
    parsed = _parallel_map(_parse_file, [job for _, job in scan.jobs], "reading", progress, weight=len(scan.jobs))
    slots = scan.slots
    for (slot, _), result in zip(scan.jobs, parsed):
        slots[slot] = result
    slots = [item for slot in slots for item in (slot if isinstance(slot, list) else [slot])]
    docs = [s for s in slots if not isinstance(s, SkippedFile)]
    fresh = [r for r in parsed if isinstance(r, SourceDocument)]
    skipped = [s for s in slots if isinstance(s, SkippedFile)]
    return docs, fresh, skipped, scan


def _key(doc: SourceDocument | Stored | Key) -> Key:
    return doc if type(doc) is tuple else doc.key


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
    with ProcessPoolExecutor(WORKERS, mp_context=get_context("fork"), initializer=bind_worker,
                             initargs=(os.getpid(),)) as pool:
        for number, result in enumerate(pool.map(function, items, chunksize=chunk), 1):
            results.append(result)
            if number % chunk == 0 or number == total:
                progress(stage, number, total)
    return results


# Set just before the worker pool forks, so workers inherit them ready-made.
_worker_analyzer: Analyzer | None = None
_worker_jobs: list[tuple] = []


def _tokenize_one(number: int) -> str | set[str]:
    """A passage's tokens joined (one string crosses processes faster than a list), or metadata terms."""
    job = _worker_jobs[number]
    if len(job) == 2:
        return TOKEN_SEPARATOR.join(_worker_analyzer.tokens(*job))
    return _worker_analyzer.field_tokens(*job)


def _tokenize(docs: list[SourceDocument], analyzer: Analyzer, progress: Progress, fields_of: list[SourceDocument] = ()) -> None:
    """Tokenize the passages of `docs` and the metadata of `fields_of`, on both cores."""
    global _worker_analyzer, _worker_jobs
    jobs: list[tuple] = [(norm, doc.meta.year) for doc in docs for norm in doc.norms]
    jobs += [searchable_fields(doc.meta) for doc in fields_of]
    if len(jobs) >= PARALLEL_THRESHOLD:
        analyzer.use_segmenter()  # before the workers fork, so that they share it
    _worker_analyzer, _worker_jobs = analyzer, jobs
    results = _parallel_map(_tokenize_one, range(len(jobs)), "tokenizing", progress, weight=len(jobs))
    _worker_jobs = []
    position = 0
    for doc in docs:
        doc.tokens = cleaning.carry_headers(doc.norms, [joined.split(TOKEN_SEPARATOR) if joined else []
                                                        for joined in results[position : position + len(doc.norms)]])
        position += len(doc.norms)
    for doc in fields_of:
        doc.field_terms = results[position]
        position += 1


# -- the build -------------------------------------------------------------------------------
@dataclass
class Plan:
    """What a build does: the documents it keeps, drops and tokenizes, and how it writes them."""

    docs: list  # the collection in source order, as `_read_sources` gives it (all whole for a full write)
    fresh: list[SourceDocument]  # new or changed: parsed now
    removed: list[Stored]  # in the previous index only
    changed: list[Stored]  # their previous versions
    stale: list[SourceDocument]  # unchanged, but to be tokenized again (a dictionary word came or went)
    user_words: set[str]
    incremental: bool  # update the previous index in place rather than write everything
    passages: int  # in the collection

    @property
    def tokenize(self) -> list[SourceDocument]:
        return self.fresh + self.stale


def collection_words(docs: list[SourceDocument]) -> set[str]:
    """The user dictionary: quoted set phrases, names after offices, discovered words,
    places and speakers, normalised."""
    words: set[str] = set()
    for doc in docs:
        words |= doc.phrases  # already normalised
        words.update(n for n in (normalize(w) for w in (doc.meta.place, doc.meta.speaker) if w) if n)
    return words


def plan_build(previous: Previous | None, docs: list, fresh: list[SourceDocument], scan: Scan) -> Plan:
    """Compare the collection as read with the previous index: see `Plan`."""
    added = sum(len(d.texts) for d in fresh)
    if previous is None:
        return Plan(docs, fresh, [], [], [], collection_words(fresh), False, added)
    changed = [scan.stored[doc.key] for doc in fresh if doc.key in scan.stored]
    still_there = scan.by_stat + sum(isinstance(d, Stored) for d in docs) + len(changed)
    removed: list[Stored] = []
    if still_there < previous.count:  # some documents of the previous index are gone
        current = {_key(d) for d in docs}
        removed = list(previous.stored([key for key in previous.keys() if key not in current]).values())
    user_words = previous.words(without=removed + changed) | collection_words(fresh)
    stale_ids = previous.containing(user_words ^ previous.user_words, {d.old_id for d in removed + changed})
    stale = previous.documents(previous.stored_ids(stale_ids))
    slots = int(previous.meta.get("slots", 0))
    dropped = sum(d.passages_count for d in removed + changed + stale)
    passages = int(previous.meta["passages"])
    holes = dropped + slots - passages
    incremental = bool(slots + added) and holes <= MAX_HOLES * (slots + added)
    passages += added - sum(d.passages_count for d in removed + changed)
    return Plan(docs, fresh, removed, changed, stale, user_words, incremental, passages)


def _load_kept(previous: Previous | None, plan: Plan) -> None:
    """Load from the previous index what the writer needs of the documents that were not read."""
    if previous is None:
        return
    if not plan.incremental:  # a full write needs every document whole: passages and tokens
        stale = {doc.key: doc for doc in plan.stale}
        kept = previous.stored([_key(d) for d in plan.docs if not isinstance(d, SourceDocument)])
        loaded = {doc.key: doc for doc in previous.documents([d for key, d in kept.items() if key not in stale])}
        previous.fill(list(loaded.values()), with_tokens=True)
        plan.docs = [d if isinstance(d, SourceDocument) else stale.get(_key(d)) or loaded[_key(d)] for d in plan.docs]
    previous.fill(plan.stale, with_tokens=False)


def _plan(sources: list[Path], previous: Previous | None, progress: Progress):
    """Read the sources, plan the build and load what it keeps from `previous`: the plan,
    the skipped files and the scan."""
    docs, fresh, skipped, scan = _read_sources(sources, previous, progress)
    plan = plan_build(previous, docs, fresh, scan)
    _load_kept(previous, plan)
    return plan, skipped, scan


def _write(plan: Plan, previous: Previous | None, db_path: Path, analyzer: Analyzer, build_meta: dict,
           progress: Progress, record: FileRecord) -> None:
    """Update the index in place, in one transaction, or write a new one next to `db_path`
    and rename it over the old one; on any failure, leave the old one as it was."""
    try:
        if plan.incremental:
            update_in_place(db_path, drop=plan.removed + plan.changed + plan.stale, add=plan.tokenize,
                            analyzer=analyzer, meta=build_meta, progress=progress, record=record,
                            before=previous.recorded)
            return
        temporary = temporary_path(db_path)
        try:
            write_full(temporary, plan.docs, analyzer, build_meta, progress, record)
            publish(temporary, db_path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
    except (OSError, sqlite3.OperationalError) as exc:
        raise write_error(exc, db_path) from exc


def _report(plan: Plan, skipped: list[SkippedFile], db_path: Path, seconds: float) -> BuildReport:
    changed_keys = {doc.key for doc in plan.changed}
    return BuildReport(
        db_path=str(db_path),
        documents=len(plan.docs),
        passages=plan.passages,
        added=tuple(sorted(d.path for d in plan.fresh if d.key not in changed_keys)),
        changed=tuple(sorted(d.path for d in plan.changed)),
        removed=tuple(sorted(d.path for d in plan.removed)),
        unchanged=len(plan.docs) - len({doc.key for doc in plan.fresh}),
        skipped=tuple(skipped),
        seconds=seconds,
    )


def build_index(sources: Iterable[Path], db_path: Path, progress: Progress | None = None, *,
                on_tokenize: Callable[[list[str]], None] | None = None) -> BuildReport:
    """Index every readable file under `sources` into `db_path`; see the module docstring.

    `progress(stage, done, total)` is told how far each stage is; an exception it raises
    stops the build and leaves the previous index in place.  `on_tokenize`, a hook for
    tests and logs, is called with the paths of the documents about to be tokenized.
    """
    started = time.perf_counter()
    progress = progress or (lambda stage, done, total: None)
    sources = [Path(s).resolve() for s in sources]
    for source in sources:
        if not source.is_dir():
            raise BuildError(f"source folder not found: {source}", code="source_missing", path=source)
    db_path = Path(db_path).resolve()
    if db_path.is_dir():
        raise BuildError(f"{db_path} is a folder", code="db_is_directory", path=db_path)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, db_path) from exc
    with build_lock(db_path):
        remove_stale_temporaries(db_path)
        previous = Previous.load(db_path)
        try:
            plan, skipped, scan = _plan(sources, previous, progress)
        except sqlite3.DatabaseError as exc:  # damage `verify` could not see: start from scratch
            if previous is None:
                raise
            log.warning("previous index unreadable, building everything: %s", exc)
            previous = None
            plan, skipped, scan = _plan(sources, previous, progress)
        version = dictionary_version(plan.user_words)
        analyzer = Analyzer(plan.user_words)
        if on_tokenize is not None:
            on_tokenize([doc.path for doc in plan.tokenize])
        _tokenize(plan.tokenize, analyzer, progress, fields_of=plan.tokenize if plan.incremental else plan.docs)
        for doc in plan.tokenize:
            doc.dictionary = version
        build_meta = {
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "analyzer_version": ANALYZER_VERSION, "dictionary_version": version,
            "user_words": sorted(plan.user_words), "sources": [str(s) for s in sources],
        }
        record = scan.finish_record({d.key for d in plan.docs if type(d) is not tuple})
        _write(plan, previous, db_path, analyzer, build_meta, progress, record)
    return _report(plan, skipped, db_path, time.perf_counter() - started)
