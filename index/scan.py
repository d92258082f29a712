"""What changed in the source folders since the last build.

Every candidate file is stat'ed once and compared with what the last build recorded
(`filestats`), a folder at a time in arrays: a file with its recorded size, time and inode
and an unchanged metadata.csv row is an unchanged document, without a lookup in the index.
Any other file is hashed (bytes and metadata row): the same hash is an unchanged document
too, another one a document to parse.  A metadata.csv that is not the one the last build
read without a problem is parsed and its rows compared with the recorded ones; otherwise a
file that needs its row gets it from the index.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import UNREADABLE_REASONS, UnreadableSource
from .filestats import UNRECORDED, FileRecord, Folder, content_hash, csv_stat, recorded, walk
from .metadata import METADATA_FILE, read_metadata
from .models import DocumentMeta, SkippedFile
from .previous import Previous, Stored
from .readers import SUPPORTED_SUFFIXES, read_file, shown, valid_name

Key = tuple[str, str]  # (source folder, "/"-separated path in it)
Job = tuple[str, str, str, str, "DocumentMeta | None"]  # source, path, content hash, file, metadata row


class _MetadataTable:
    """A source folder's metadata.csv (see the module docstring)."""

    def __init__(self, source: Path, previous: Previous | None):
        self.source, self.key, self.previous = source, str(source), previous
        path = source / METADATA_FILE
        self.stat = csv_stat(str(path))
        present = self.stat is not None or path.is_symlink()
        before = previous.recorded.csv.get(self.key) if previous else None
        self.unchanged = previous is not None and (
            not present and before is None
            or self.stat is not None and before is not None and before[3] == 1 and tuple(before[:3]) == self.stat
            and self.stat[1] != UNRECORDED)
        self.rows: dict[str, DocumentMeta] | None = None  # when parsed
        self.changed: set[str] | None = None  # the files whose row is not the recorded one (None: any)
        self.skipped: list[SkippedFile] = []
        if not self.unchanged:
            self.rows, problems = read_metadata(source)
            self.skipped = [SkippedFile(f"{path}" + (f":{line}" if line else ""),
                                        f"{UNREADABLE_REASONS['bad_metadata']}: {why}") for line, why in problems]
            if previous is not None:
                old = previous.metadata_rows(self.key)
                self.changed = {f for f in self.rows.keys() | old.keys() if self.rows.get(f) != old.get(f)}

    def rows_of(self, files: list[str]) -> dict[str, DocumentMeta]:
        """The rows of `files` that have one."""
        if self.rows is not None:
            return self.rows
        if self.stat is None or not files:
            return {}
        return self.previous.metadata_rows(self.key, files)

    def record(self, record: FileRecord) -> None:
        if self.stat is not None:
            record.csv[self.key] = (*self.stat, int(not self.skipped))
        if self.rows is not None:
            record.rows[self.key] = self.rows


def _check_file(source: Path, path: str, known: DocumentMeta | None) -> str | SkippedFile:
    """The file's content hash (bytes and metadata row), or why it is skipped."""
    if not valid_name(path):
        return SkippedFile(shown(path), UNREADABLE_REASONS["bad_file_name"])
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return SkippedFile(path, f"unsupported file type {suffix or '(none)'}")
    try:
        return content_hash(read_file(path, root=source), known)
    except UnreadableSource as exc:
        return SkippedFile(path, str(exc))
    except OSError as exc:
        return SkippedFile(path, f"{UNREADABLE_REASONS['read_failed']}: {exc.strerror or exc}")


@dataclass
class Scan:
    """The source folders as a build finds them, in source order (sources as given, paths
    sorted): each slot an unchanged document known by its stat (its `Key`), one known by
    its hash (`Stored`), a file to parse (None, its job in `jobs`) or skipped files."""

    slots: list = field(default_factory=list)
    jobs: list[tuple[int, Job]] = field(default_factory=list)  # (slot, job)
    stored: dict[Key, Stored] = field(default_factory=dict)  # the previous index's documents among the files looked at
    by_stat: int = 0  # how many slots are unchanged documents known by their stat
    record: FileRecord = field(default_factory=FileRecord)
    _documents: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # (source, folder) -> mask
    _looked_at: dict[Key, tuple[tuple[str, str], int]] = field(default_factory=dict)  # -> folder, position

    def finish_record(self, documents: set[Key]) -> FileRecord:
        """The `FileRecord` of the build, once it knows which files are `documents`."""
        for key, (folder, position) in self._looked_at.items():
            self._documents[folder][position] = key in documents
        for key, folder in self.record.folders.items():
            self.record.folders[key] = recorded(folder, self._documents[key])
        return self.record


def scan_sources(sources: list[Path], previous: Previous | None) -> Scan:
    """See the module docstring and `Scan`."""
    scan = Scan()
    for source in sources:
        root = str(source)
        table = _MetadataTable(source, previous)
        problems = len(scan.slots)
        scan.slots.append([])  # the metadata.csv's problems
        paths, same = [], []
        for folder, files in walk(root).items():
            unchanged = files.same(previous.recorded.folders.get((root, folder)) if previous else None)
            prefix = f"{folder}/" if folder else ""
            if table.changed:
                unchanged &= np.asarray([prefix + name not in table.changed for name in files.names], dtype=bool)
            scan.record.folders[(root, folder)] = files
            scan._documents[(root, folder)] = unchanged.copy()
            paths.extend((prefix + name, folder, position) for position, name in enumerate(files.names))
            same.extend(unchanged.tolist())
        order = sorted(range(len(paths)), key=paths.__getitem__)
        looked_at = [paths[i][0] for i in order if not same[i]]
        scan.stored.update(previous.stored([(root, rel) for rel in looked_at]) if previous and looked_at else {})
        known = table.rows_of(looked_at)
        for i in order:
            rel, folder, position = paths[i]
            if same[i]:
                scan.slots.append((root, rel))
                continue
            key = (root, rel)
            scan._looked_at[key] = ((root, folder), position)
            _look_at(scan, source, key, known.get(rel))
        scan.by_stat += sum(same)
        scan.slots[problems] = table.skipped
        table.record(scan.record)
    return scan


def _look_at(scan: Scan, source: Path, key: Key, known: DocumentMeta | None) -> None:
    path = os.path.join(key[0], key[1])
    checked = _check_file(source, path, known)
    old = scan.stored.get(key)
    if isinstance(checked, SkippedFile):
        scan.slots.append(checked)
    elif old is not None and old.sha256 == checked:
        scan.slots.append(old)
    else:
        scan.jobs.append((len(scan.slots), (key[0], key[1], checked, path, known)))
        scan.slots.append(None)
