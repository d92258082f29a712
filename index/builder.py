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
import json
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
from .analysis import ANALYZER_VERSION, Analyzer, dictionary_version, learned_phrases
from .build_types import Progress, SourceDocument
from .errors import UNREADABLE_REASONS, BuildError, UnreadableSource
from .filestats import FileStat, recognise, same_file
from .filters import FILTER_FIELDS
from .metadata import METADATA_FILE, extract, read_metadata
from .models import BuildReport, DocumentMeta, SkippedFile
from .normalize import normalize
from .previous import Previous, Stored
from .readers import SUPPORTED_SUFFIXES, discover, read_file, read_source, shown, valid_name
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


def _check_file(source: Path, path: str, known: DocumentMeta | None, recorded: FileStat | None,
                recorded_hash: str | None) -> tuple[FileStat, str] | SkippedFile:
    """The file's stat and content hash (see `filestats.recognise`), or why it is skipped."""
    if not valid_name(path):
        return SkippedFile(shown(path), UNREADABLE_REASONS["bad_file_name"])
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return SkippedFile(path, f"unsupported file type {suffix or '(none)'}")
    try:
        return recognise(path, known, recorded, recorded_hash, read=lambda p: read_file(p, root=source))
    except UnreadableSource as exc:
        return SkippedFile(path, str(exc))
    except OSError as exc:
        return SkippedFile(path, f"{UNREADABLE_REASONS['read_failed']}: {exc.strerror or exc}")


class _MetadataTable:
    """A source folder's metadata.csv, read only when a file needs its row or it is not
    the one the last build read without a problem (same size, time and inode)."""

    def __init__(self, source: Path, recorded: FileStat | None):
        self.source = source
        path = source / METADATA_FILE
        self.exists = path.is_file() or path.is_symlink()
        self.unchanged = (not self.exists and recorded is None
                          or self.exists and recorded is not None and not recorded.meta and same_file(str(path), recorded))
        self._rows: dict[str, DocumentMeta] | None = None
        self.skipped: list[SkippedFile] = []
        if not self.unchanged:
            self.rows()

    def rows(self) -> dict[str, DocumentMeta]:
        if self._rows is None:
            self._rows, problems = read_metadata(self.source)
            self.skipped = [SkippedFile(f"{self.source / METADATA_FILE}" + (f":{line}" if line else ""),
                                        f"{UNREADABLE_REASONS['bad_metadata']}: {why}") for line, why in problems]
        return self._rows

    def stat(self) -> FileStat | None:
        """What to record of the file: its stat, marked when it had problems (read again next time)."""
        try:
            return FileStat.of(str(self.source / METADATA_FILE), None)._replace(meta="problems" if self.skipped else "")
        except OSError:
            return None


def _read_sources(sources: list[Path], previous: Previous | None, progress: Progress):
    """Documents in source order (unchanged ones as `Stored`, known by their file's stat or
    by `recognise`), skipped files, fresh ones, and the `FileStat` of every document's file
    and metadata.csv."""
    stored = previous.stored if previous else {}
    old_stats = previous.stats if previous else {}
    slots: list = []
    jobs: list[tuple[int, tuple]] = []
    stats: dict[tuple[str, str], FileStat] = {}
    for source in sources:
        table = _MetadataTable(source, old_stats.get((str(source), METADATA_FILE)))
        problems = len(slots)
        slots.append([])  # the metadata.csv problems go here, once it is read
        for rel, path in discover(source):
            key = (str(source), rel)
            old = stored.get(key)
            if old is not None and table.unchanged and same_file(path, old_stats.get(key)):
                stats[key] = old_stats[key]
                slots.append(old)
                continue
            known = table.rows().get(rel)
            checked = _check_file(source, path, known, old_stats.get(key), old and old.sha256)
            if isinstance(checked, SkippedFile):
                slots.append(checked)
                continue
            stats[key], sha = checked
            if old is not None and old.sha256 == sha:
                slots.append(old)
            else:
                jobs.append((len(slots), (str(source), rel, sha, path, known)))
                slots.append(None)
        slots[problems] = table.skipped
        if table.exists and (stat := table.stat()) is not None:
            stats[(str(source), METADATA_FILE)] = stat
    parsed = _parallel_map(_parse_file, [job for _, job in jobs], "reading", progress, weight=len(jobs))
    for (slot, _), result in zip(jobs, parsed):
        slots[slot] = result
    slots = [item for slot in slots for item in (slot if isinstance(slot, list) else [slot])]
    docs = [s for s in slots if isinstance(s, (SourceDocument, Stored))]
    fresh = [r for r in parsed if isinstance(r, SourceDocument)]
    skipped = [s for s in slots if isinstance(s, SkippedFile)]
    kept = {doc.key for doc in docs} | {(str(source), METADATA_FILE) for source in sources}
    stats = {key: stat for key, stat in stats.items() if key in kept}
    return docs, skipped, fresh, stats


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
    jobs += [tuple(getattr(doc.meta, key) for key in FILTER_FIELDS) for doc in fields_of]
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

    docs: list[SourceDocument | Stored]  # the collection, in source order (all whole for a full write)
    fresh: list[SourceDocument]  # new or changed: parsed now
    removed: list[Stored]  # in the previous index only
    changed: list[Stored]  # their previous versions
    stale: list[SourceDocument]  # unchanged, but to be tokenized again (a dictionary word came or went)
    user_words: set[str]
    incremental: bool  # update a copy of the previous index rather than write everything

    @property
    def tokenize(self) -> list[SourceDocument]:
        return self.fresh + self.stale


def collection_words(docs: list[SourceDocument | Stored]) -> set[str]:
    """The user dictionary: quoted set phrases, places and speakers, normalised."""
    words: set[str] = set()
    phrase_lists: set[str] = set()  # of stored documents, as JSON: most are alike ("[]")
    for doc in docs:
        if isinstance(doc, Stored):
            phrase_lists.add(doc.phrases)
            words.update(w for w in (doc.n_place, doc.n_speaker) if w)
        else:
            words |= doc.phrases  # already normalised
            words.update(n for n in (normalize(w) for w in (doc.meta.place, doc.meta.speaker) if w) if n)
    for listed in phrase_lists:
        words.update(json.loads(listed))
    return words


def plan_build(previous: Previous | None, docs: list[SourceDocument], fresh: list[SourceDocument]) -> Plan:
    """Compare the collection as read with the previous index: see `Plan`."""
    user_words = collection_words(docs)
    if previous is None:
        return Plan(docs, fresh, [], [], [], user_words, incremental=False)
    current_keys = {doc.key for doc in docs}
    removed = [doc for key, doc in previous.stored.items() if key not in current_keys]
    changed = [previous.stored[doc.key] for doc in fresh if doc.key in previous.stored]
    unchanged = [doc for doc in docs if isinstance(doc, Stored)]
    stale_ids = previous.containing(user_words ^ previous.user_words, {d.old_id for d in unchanged})
    stale = previous.documents([doc for doc in unchanged if doc.old_id in stale_ids])
    slots = int(previous.meta.get("slots", 0))
    dropped = sum(d.passages_count for d in removed + changed + stale)
    added = sum(len(d.texts) for d in fresh)
    holes = dropped + slots - int(previous.meta["passages"])
    incremental = bool(slots + added) and holes <= MAX_HOLES * (slots + added)
    return Plan(docs, fresh, removed, changed, stale, user_words, incremental)


def _load_kept(previous: Previous | None, plan: Plan) -> None:
    """Load from the previous index what the writer needs of the documents that were not read."""
    if previous is None:
        return
    if not plan.incremental:  # a full write needs every document whole: passages and tokens
        stale = {doc.key: doc for doc in plan.stale}
        loaded = {doc.key: doc for doc in previous.documents(
            [d for d in plan.docs if isinstance(d, Stored) and d.key not in stale])}
        previous.fill(list(loaded.values()), with_tokens=True)
        plan.docs = [loaded.get(d.key) or stale.get(d.key) or d for d in plan.docs]
    previous.fill(plan.stale, with_tokens=False)


def _plan(sources: list[Path], previous: Previous | None, progress: Progress):
    """Read the sources, plan the build and load what it keeps from `previous`: the plan,
    the skipped files and the `FileStat` of every document's file."""
    docs, skipped, fresh, stats = _read_sources(sources, previous, progress)
    plan = plan_build(previous, docs, fresh)
    _load_kept(previous, plan)
    return plan, skipped, stats


def _write(plan: Plan, previous: Previous | None, db_path: Path, analyzer: Analyzer, build_meta: dict,
           progress: Progress, stats: dict[tuple[str, str], FileStat]) -> None:
    """Update the index in place, in one transaction, or write a new one next to `db_path`
    and rename it over the old one; on any failure, leave the old one as it was."""
    try:
        if plan.incremental:
            update_in_place(db_path, drop=plan.removed + plan.changed + plan.stale, add=plan.tokenize,
                            analyzer=analyzer, meta=build_meta, progress=progress, stats=stats,
                            recorded=previous.stats)
            return
        temporary = temporary_path(db_path)
        try:
            write_full(temporary, plan.docs, analyzer, build_meta, progress, stats)
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
        passages=sum(d.passages_count for d in plan.docs),
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
            plan, skipped, stats = _plan(sources, previous, progress)
        except sqlite3.DatabaseError as exc:  # damage `verify` could not see: start from scratch
            if previous is None:
                raise
            log.warning("previous index unreadable, building everything: %s", exc)
            previous = None
            plan, skipped, stats = _plan(sources, previous, progress)
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
        _write(plan, previous, db_path, analyzer, build_meta, progress, stats)
    return _report(plan, skipped, db_path, time.perf_counter() - started)
