"""The previous index as a build sees it: what it recorded of its files (to recognise
unchanged ones), and its documents, stored passages and tokens, looked up on demand.  A
damaged, foreign or outdated index is not "previous": the build starts from scratch."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .analysis import ANALYZER_VERSION
from .build_types import SourceDocument
from .errors import IndexUnavailable
from .filestats import Recorded, read_recorded, read_rows
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
    """What a build needs to know of the index it replaces: its meta, what it recorded of
    its files, and its documents, looked up as they are needed (never one object per file
    for the unchanged ones)."""

    path: Path
    meta: dict[str, str]
    count: int  # documents
    recorded: Recorded = field(default_factory=Recorded)

    @property
    def user_words(self) -> set[str]:
        return set(json.loads(self.meta.get("user_words", "[]")))

    @property
    def docs(self) -> dict[tuple[str, str], SourceDocument]:
        """Every document, metadata only (no passages)."""
        return {doc.key: doc for doc in self.documents(list(self.stored().values()))}

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
            return cls(db_path, meta, int(meta["documents"]), read_recorded(db.conn))
        except Exception as exc:  # a damaged old index only costs a full build (IndexUnavailable too)
            log.warning("previous index unusable, building everything: %s", exc)
            return None
        finally:
            db.conn.close()

    def _query(self, sql: str, parameters=()) -> list[tuple]:
        db = open_readonly(self.path)
        try:
            return db.execute(sql, parameters).fetchall()
        finally:
            db.conn.close()

    def stored(self, keys: list[tuple[str, str]] | None = None) -> dict[tuple[str, str], Stored]:
        """The documents of `keys` that this index has (every document without `keys`)."""
        query = "select source, path, sha256, id, passages, phrases, n_place, n_speaker from documents"
        if keys is None or len(keys) * 20 > self.count:
            wanted = None if keys is None else set(keys)
            return {(row[0], row[1]): Stored(*row) for row in self._query(query)
                    if wanted is None or (row[0], row[1]) in wanted}
        db = open_readonly(self.path)
        try:
            rows = [row for key in keys for row in db.execute(query + " where source = ? and path = ?", key)]
        finally:
            db.conn.close()
        return {(row[0], row[1]): Stored(*row) for row in rows}

    def stored_ids(self, ids: set[int]) -> list[Stored]:
        """The documents of `ids`."""
        if not ids:
            return []
        return [Stored(*row) for row in self._query(
            "select source, path, sha256, id, passages, phrases, n_place, n_speaker from documents "
            f"where id in ({','.join(str(int(i)) for i in sorted(ids))})")]

    def keys(self) -> set[tuple[str, str]]:
        return set(self._query("select source, path from documents"))

    def words(self, without: list[Stored]) -> set[str]:
        """The dictionary words (see `builder.collection_words`) of every document but `without`."""
        counts: Counter[str] = Counter()
        for phrases, place, speaker, documents in self._query(
                "select phrases, n_place, n_speaker, count(*) from documents group by 1, 2, 3"):
            for word in {*json.loads(phrases), place, speaker}:
                counts[word] += documents
        for doc in without:
            for word in {*json.loads(doc.phrases), doc.n_place, doc.n_speaker}:
                counts[word] -= 1
        return {word for word, count in counts.items() if word and count > 0}

    def metadata_rows(self, source: str, files: list[str] | None = None) -> dict[str, DocumentMeta]:
        """The metadata.csv rows this index recorded for `source` (of `files` only, if given)."""
        db = open_readonly(self.path)
        try:
            return read_rows(db.conn, source, files)
        finally:
            db.conn.close()

    def documents(self, stored: list[Stored]) -> list[SourceDocument]:
        """The `SourceDocument`s (metadata, no passages) of `stored` documents, in that order."""
        wanted = {doc.old_id for doc in stored}
        fields = list(DocumentMeta.__dataclass_fields__)
        query = f"select id, dictionary, {', '.join(fields)} from documents"
        if len(wanted) * 4 < self.count:
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

    def containing(self, words: set[str], without: set[int]) -> set[int]:
        """The ids of the documents, but those in `without`, whose normalised text contains one of `words`."""
        if not words:
            return set()
        pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
        found: set[int] = set()
        db = open_readonly(self.path)
        try:
            for doc_id, norm in db.execute("select doc_id, norm from passages"):
                if doc_id not in without and doc_id not in found and pattern.search(norm):
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
            if len(by_id) * 4 < self.count:
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
