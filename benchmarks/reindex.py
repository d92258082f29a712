"""Reindex after one changed file, at the size of a resampled collection.

A resampled collection is written straight to SQLite from cached tokens (`resampling`),
so it has no source files of its own.  Here it gets them: each document is written once
as a .txt file (its passages as paragraphs) with a metadata.csv row, under the work
folder; the index is written with the index's own writer from the cached tokens, with
each document's content hash and what a build records of the folders (file stats, the
metadata.csv's stat and rows) computed by the build's own scan (`index.scan`), so that a
build over those folders finds every file unchanged.  Then, a
few times over: one file gets a paragraph appended and `python -m index build` runs
again in a new process, timed from start to exit.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from index.analysis import ANALYZER_VERSION, dictionary_version
from index.build_types import SourceDocument
from index.builder import collection_words
from index.config import PROJECT_ROOT
from index.filestats import FileRecord
from index.metadata import META_FIELDS, METADATA_FILE
from index.scan import scan_sources
from index.store import remove_index
from index.writer import write_full

from .resampling import BenchError, MemoFieldTerms

# Files written this long ago count as settled (filestats.RACY_SECONDS), as real files would.
AGE_SECONDS = 3600
APPENDED = "\n\n本段为基准测试第{run}次追加的一段话，用于测量改动一个文件后的重建时间。\n"


def materialise(docs: list[SourceDocument], folder: Path) -> tuple[list[Path], list[tuple[SourceDocument, Path, str]]]:
    """Write `docs` as source files under `folder` (one subfolder per source folder, one
    further per corpus copy): the source folders, and each document with its folder and path."""
    shutil.rmtree(folder, ignore_errors=True)
    rows: dict[Path, list[dict]] = {}
    placed: list[tuple[SourceDocument, Path, str]] = []
    for doc in docs:
        source = folder / Path(doc.source).name
        name, _, copy = doc.path.partition("#")
        rel = f"copy{copy or 0}/{name}"
        file = source / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text("\n\n".join(doc.texts) + "\n", encoding="utf-8")
        rows.setdefault(source, []).append({"file": rel, **dataclasses.asdict(doc.meta)})
        placed.append((doc, source, rel))
    past = time.time() - AGE_SECONDS
    for source, source_rows in rows.items():
        with (source / METADATA_FILE).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["file", *META_FIELDS])
            writer.writeheader()
            writer.writerows(source_rows)
        for path in source.rglob("*"):
            os.utime(path, (past, past))
    return sorted(rows), placed


def scanned(placed: list[tuple[SourceDocument, Path, str]], sources: list[Path]) -> tuple[list[SourceDocument], FileRecord]:
    """The documents as a build of the folders finds them (source, path, content hash,
    metadata row) and what it records of the folders, computed by the build's own scan."""
    scan = scan_sources([s.resolve() for s in sources], None)
    jobs = {(job[0], job[1]): job for _, job in scan.jobs}
    found = []
    for doc, source, rel in placed:
        _, _, sha, _, meta = jobs[(str(source.resolve()), rel)]
        found.append(dataclasses.replace(doc, source=str(source.resolve()), path=rel, sha256=sha, meta=meta or doc.meta))
    return found, scan.finish_record(set(jobs))


def write_indexed(docs: list[SourceDocument], sources: list[Path], fields: MemoFieldTerms, db_path: Path,
                  record: FileRecord) -> None:
    """The index of `docs` (tokens reused), with the `record` of their files, as a build would leave it."""
    user_words = collection_words(docs)
    build_meta = {
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "analyzer_version": ANALYZER_VERSION, "dictionary_version": dictionary_version(user_words),
        "user_words": sorted(user_words), "sources": [str(s.resolve()) for s in sources],
    }
    remove_index(db_path)
    write_full(db_path, docs, fields, build_meta, lambda *_: None, record)


def _build(sources: list[Path], db_path: Path) -> float:
    """Seconds of `python -m index build` over `sources` in a new process, start to exit."""
    args = [sys.executable, "-m", "index", "build", "--quiet", *(a for s in sources for a in ("--source", str(s))),
            "--db", str(db_path)]
    started = time.perf_counter()
    result = subprocess.run(args, cwd=PROJECT_ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode:
        raise BenchError(f"the reindex failed: {result.stderr.strip()[-2000:]}")
    return seconds


def measure_reindex(docs: list[SourceDocument], fields: MemoFieldTerms, workdir: Path, size: int,
                    runs: int) -> dict:
    """Median seconds of `python -m index build` after one changed file (and with none)."""
    folder = workdir / f"files-{size}"
    db_path = workdir / f"reindex-{size}.sqlite"
    sources, placed = materialise(docs, folder)
    found, record = scanned(placed, sources)
    write_indexed(found, sources, fields, db_path, record)
    unchanged = _build(sources, db_path)
    middle = sorted((d for d in found if len(d.texts) >= 5), key=lambda d: (len(d.texts), d.path))
    if not middle:
        raise BenchError("no document of 5 passages or more to change")
    changed = middle[len(middle) // 2]
    path = Path(changed.source) / changed.path
    seconds = []
    for run in range(runs):
        with path.open("a", encoding="utf-8") as handle:
            handle.write(APPENDED.format(run=run))
        seconds.append(_build(sources, db_path))
    shutil.rmtree(folder, ignore_errors=True)
    remove_index(db_path)
    return {"changed_file_s": round(statistics.median(seconds), 3), "runs_s": [round(s, 3) for s in seconds],
            "nothing_changed_s": round(unchanged, 3), "files": len(found), "changed_passages": len(changed.texts)}
