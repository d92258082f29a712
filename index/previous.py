"""The previous index as a build sees it: its documents (to recognise unchanged files),
their recorded file stats, and their stored passages and tokens, loaded on demand.  A
damaged, foreign or outdated index is not "previous": the build starts from scratch."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from .analysis import ANALYZER_VERSION
from .build_types import SourceDocument
from .errors import IndexUnavailable
from .filestats import FileStat, read_file_stats
from .models import DocumentMeta
from .store import TOKEN_SEPARATOR, open_readonly, read_meta, verify

log = logging.getLogger(__name__)


@dataclass
class Previous:
    """What a build needs to know of the index it replaces."""

    path: Path
    meta: dict[str, str]
    docs: dict[tuple[str, str], SourceDocument]  # metadata only, no passages
    stats: dict[tuple[str, str], FileStat] = field(default_factory=dict)  # as last read

    @property
    def user_words(self) -> set[str]:
        return set(json.loads(self.meta.get("user_words", "[]")))

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
            docs = {}
            fields = list(DocumentMeta.__dataclass_fields__)
            rows = db.execute(f"select source, path, sha256, dictionary, id, passages, phrases, {', '.join(fields)} "
                              "from documents").fetchall()
            phrases = json.loads("[" + ",".join(row[6] for row in rows) + "]")  # one call, not one a row
            for row, found in zip(rows, phrases):
                doc = SourceDocument(row[0], row[1], row[2], DocumentMeta(*row[7:]), dictionary=row[3],
                                     phrases=set(found), old_id=row[4], stored_passages=row[5])
                docs[doc.key] = doc
            return cls(db_path, meta, docs, read_file_stats(db))
        except Exception as exc:  # a damaged old index only costs a full build (IndexUnavailable too)
            log.warning("previous index unusable, building everything: %s", exc)
            return None
        finally:
            db.conn.close()

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
            if len(by_id) * 4 < len(self.docs):
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
