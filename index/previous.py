"""The previous index as a build sees it: its documents (to recognise unchanged files),
their recorded file stats, and their stored passages and tokens, loaded on demand.  A
damaged, foreign or outdated index is not "previous": the build starts from scratch."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .analysis import ANALYZER_VERSION
from .build_types import SourceDocument
from .errors import IndexUnavailable
from .filestats import FileStat, read_file_stats
from .models import DocumentMeta
from .store import TOKEN_SEPARATOR, open_readonly, read_meta, verify

log = logging.getLogger(__name__)


class Stored(NamedTuple):
    """A document of the previous index as a build first sees it: enough to keep it as it
    is (its id, passage count, content hash and dictionary words); `Previous.documents`
    gives the whole `SourceDocument` when more is needed."""

    source: str
    path: str
    sha256: str
    old_id: int
    stored_passages: int
    phrases: str  # JSON list, normalised
    n_place: str
    n_speaker: str

    @property
    def key(self) -> tuple[str, str]:
        return self.source, self.path

    @property
    def passages_count(self) -> int:
        return self.stored_passages


@dataclass
class Previous:
    """What a build needs to know of the index it replaces."""

    path: Path
    meta: dict[str, str]
    stored: dict[tuple[str, str], Stored]
    stats: dict[tuple[str, str], FileStat] = field(default_factory=dict)  # as last read

    @property
    def user_words(self) -> set[str]:
        return set(json.loads(self.meta.get("user_words", "[]")))

    @property
    def docs(self) -> dict[tuple[str, str], SourceDocument]:
        """Every document, metadata only (no passages)."""
        return {doc.key: doc for doc in self.documents(list(self.stored.values()))}

    @classmethod
    def load(cls, db_path: Path) -> Previous | None:
        try:
            db = open_readonly(db_path)
        except IndexUnavailable:
            return None
        try:
            meta = read_meta(db)
            if meta.get("analyzer_version") != ANALYZER_VERSION:
                return None
            if db.execute("pragma journal_mode").fetchone()[0] != "wal":  # not updated in place
                return None
            verify(db, db_path, thorough=True)  # a damaged index is rebuilt, never updated
            rows = db.execute("select source, path, sha256, id, passages, phrases, n_place, n_speaker "
                              "from documents").fetchall()
            stored = {(row[0], row[1]): Stored(*row) for row in rows}
            return cls(db_path, meta, stored, read_file_stats(db))
        except Exception as exc:  # a damaged old index only costs a full build (IndexUnavailable too)
            log.warning("previous index unusable, building everything: %s", exc)
            return None
        finally:
            db.conn.close()

    def documents(self, stored: list[Stored]) -> list[SourceDocument]:
        """The `SourceDocument`s (metadata, no passages) of `stored` documents, in that order."""
        wanted = {doc.old_id for doc in stored}
        fields = list(DocumentMeta.__dataclass_fields__)
        query = f"select id, dictionary, {', '.join(fields)} from documents"
        if len(wanted) * 4 < len(self.stored):
            query += f" where id in ({','.join(str(int(i)) for i in wanted)})"
        db = open_readonly(self.path)
        try:
            rows = db.execute(query).fetchall()
        finally:
            db.conn.close()
        found = {row[0]: row for row in rows if row[0] in wanted}
        docs = []
        for doc in stored:
            row = found[doc.old_id]
            docs.append(SourceDocument(doc.source, doc.path, doc.sha256, DocumentMeta(*row[2:]), dictionary=row[1],
                                       phrases=set(json.loads(doc.phrases)), old_id=doc.old_id,
                                       stored_passages=doc.stored_passages))
        return docs

    def containing(self, words: set[str], doc_ids: set[int]) -> set[int]:
        """Those of `doc_ids` whose normalised text contains one of `words`."""
        if not words or not doc_ids:
            return set()
        pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
        found: set[int] = set()
        db = open_readonly(self.path)
        try:
            for doc_id, norm in db.execute("select doc_id, norm from passages"):
                if doc_id in doc_ids and doc_id not in found and pattern.search(norm):
                    found.add(doc_id)
        finally:
            db.conn.close()
        return found

    def fill(self, docs: list[SourceDocument], with_tokens: bool) -> None:
        """Load the stored passages (and tokens) of documents that come from this index."""
        by_id = {doc.old_id: doc for doc in docs}
        if not by_id:
            return
        db = open_readonly(self.path)
        try:
            columns = "doc_id, paragraph, part, text, norm" + (", tokens" if with_tokens else "")
            if len(by_id) * 4 < len(self.stored):
                ids = ",".join(str(int(i)) for i in by_id)
                rows = db.execute(f"select {columns} from passages where doc_id in ({ids}) order by id")
            else:
                rows = db.execute(f"select {columns} from passages order by id")
            for row in rows:
                doc = by_id.get(row[0])
                if doc is None:
                    continue
                doc.paragraphs.append(row[1])
                doc.parts.append(row[2])
                doc.texts.append(row[3])
                doc.norms.append(row[4])
                if with_tokens:
                    if doc.tokens is None:
                        doc.tokens = []
                    doc.tokens.append(row[5].split(TOKEN_SEPARATOR) if row[5] else [])
        finally:
            db.conn.close()
