"""Read access to a built index: rows, posting lists, metadata terms and per-document facts.

Everything the searcher needs from the SQLite file goes through `IndexReader`: one
connection shared by threads under a lock, an LRU cache of posting lists turned into BM25
contributions, and small numpy arrays indexed by passage id or document id.
"""

from __future__ import annotations

import functools
import json
import math
import sqlite3
import threading
from collections import Counter, OrderedDict
from pathlib import Path

import numpy as np

from .analysis import Analyzer
from .errors import IndexUnavailable
from .models import Document, DocumentMeta
from .ranking import Postings, contributions, length_norms, term_idf
from .store import REBUILD_HINT, decode_postings, open_mapped, open_readonly, read_array, read_meta, verify

MAX_EXPANSIONS = 30
POSTINGS_CACHE_BYTES = 256 * 1024 * 1024
INSIDE_CACHE_BYTES = 32 * 1024 * 1024  # for `inside_positions`, and as much for `term_documents`
# Titles shared by documents of this many different years are a series ("政府工作报告").
SERIES_YEARS = 10
# A document with no declared kind is taken for a news item when at least this many
# documents of its source folder carry the same date: a daily programme, not a speech.
NEWS_ITEMS_PER_DAY = 3
NEWS_WORDS = ("news", "新闻", "联播")


def _year(value: str) -> int:
    return int(value[:4]) if value[:4].isdigit() else 0


def _date_number(value: str) -> int:
    """"2023-02-28" -> 20230228, "2023-02" -> 20230200, anything else -> 0."""
    parts = value.split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4:
        return 0
    month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    day = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
    return int(parts[0]) * 10000 + month * 100 + day


class _ArrayCache:
    """Arrays by term, least recently used dropped first past `limit` bytes."""

    def __init__(self, limit: int):
        self.limit = limit
        self._arrays: OrderedDict[str, np.ndarray] = OrderedDict()
        self._bytes = 0

    def get(self, term: str, compute, lock: threading.Lock) -> np.ndarray:
        """The cached array of `term`, or `compute()`'s, kept (computed outside `lock`)."""
        with lock:
            if term in self._arrays:
                self._arrays.move_to_end(term)
                return self._arrays[term]
        value = compute()
        with lock:
            if term not in self._arrays:
                self._arrays[term] = value
                self._bytes += value.nbytes
            while self._bytes > self.limit and len(self._arrays) > 1:
                _, old = self._arrays.popitem(last=False)
                self._bytes -= old.nbytes
        return value


class IndexReader:
    """One open index file.  Thread-safe."""

    def __init__(self, db, path: Path):
        self.path = path
        self._db = db
        self._lock = threading.Lock()
        meta = read_meta(db)
        self.meta = meta
        self.passage_count = int(meta["passages"])  # live passages: BM25's N
        self.average_idf = float(meta["average_idf"])
        self.document_count = int(meta["documents"])
        rows = db.execute("select id, first_passage, passages, source, date, year, kind, title_year, title_feature "
                          "from documents").fetchall()
        # Document ids may have gaps after incremental builds; the extra last slot stands
        # for "no document" (the ids of dropped passages).
        size = max((row[0] for row in rows), default=-1) + 2
        self.no_document = size - 1
        self.doc_first = np.zeros(size, dtype=np.int64)
        self.doc_count = np.zeros(size, dtype=np.int64)
        self.doc_year = np.zeros(size, dtype=np.int32)
        # The year a document is about: the one its title names ("2023年全年国内生产总值…",
        # out in February 2024), else its own.
        self.doc_subject_year = np.zeros(size, dtype=np.int32)
        self.doc_date = np.zeros(size, dtype=np.int32)
        self.doc_news = np.zeros(size, dtype=bool)
        self.doc_feature = np.zeros(size, dtype=bool)  # a news feature, not the report of an event
        per_day = Counter((row[3], row[4]) for row in rows if row[4])
        for doc_id, first, count, source, date, year, kind, title_year, title_feature in rows:
            self.doc_first[doc_id] = first
            self.doc_count[doc_id] = count
            self.doc_year[doc_id] = _year(year or date or "")
            self.doc_subject_year[doc_id] = title_year or self.doc_year[doc_id]
            self.doc_date[doc_id] = _date_number(date or "")
            kind = (kind or "").lower()
            self.doc_news[doc_id] = (any(w in kind for w in NEWS_WORDS) if kind
                                     else bool(date) and per_day[(source, date)] >= NEWS_ITEMS_PER_DAY)
            self.doc_feature[doc_id] = self.doc_news[doc_id] and bool(title_feature)
        self.longest_document = int(self.doc_count.max(initial=0))  # passages
        passage_doc = read_array(db, "passage_doc")
        self.passage_doc = np.where(passage_doc < 0, self.no_document, passage_doc).astype(np.int32)
        self.slots = len(passage_doc)
        self.passage_chars = read_array(db, "passage_chars")
        self.passage_lead = read_array(db, "passage_lead").astype(bool)  # a news item's lead
        self.passage_part = read_array(db, "passage_part").astype(bool)  # reports part of a year
        self.passage_year = read_array(db, "passage_year").astype(np.int32)  # the year its section's heading names
        self.norms = length_norms(read_array(db, "passage_tokens"), float(meta["avgdl"]))
        self.analyzer = Analyzer(json.loads(meta.get("user_words", "[]")))
        self.max_idf = math.log((self.passage_count + 0.5) / 0.5) if self.passage_count else 1.0
        self._documents: dict[int, Document] = {}
        self._field_cache: dict[str, np.ndarray | None] = {}
        self._cache: OrderedDict[str, Postings | None] = OrderedDict()
        self._cache_bytes = 0
        self._vocabulary: str | None = None
        self._idf_cache: dict[str, float] = {}
        self._inside_cache = _ArrayCache(INSIDE_CACHE_BYTES)
        self._per_passage: dict[tuple, np.ndarray] = {}
        self._documents_cache = _ArrayCache(INSIDE_CACHE_BYTES)
        self._texts = open_mapped(path, meta)  # for `rows`, last: nothing after it can fail

    @classmethod
    def open(cls, path: Path | str) -> IndexReader:
        path = Path(path)
        db = open_readonly(path)
        try:
            verify(db, path)
            return cls(db, path)
        except IndexUnavailable:
            db.conn.close()
            raise
        except (sqlite3.DatabaseError, KeyError, TypeError, ValueError) as exc:
            db.conn.close()
            raise IndexUnavailable(f"the index at {path} is damaged ({exc}); {REBUILD_HINT}", path=path) from exc

    def close(self) -> None:
        with self._lock:
            self._db.conn.close()
            self._texts.close()

    # -- posting lists ------------------------------------------------------------
    def postings(self, term: str) -> Postings | None:
        """The term's passages and BM25 contributions (as `BM25Okapi`), or None if unknown."""
        with self._lock:
            if term in self._cache:
                self._cache.move_to_end(term)
                return self._cache[term]
            row = self._db.execute("select ids, tfs, df, crc from postings where term = ?", [term]).fetchone()
        plist = None
        if row is not None:
            ids, tfs = decode_postings(self.path, row, self.slots)
            idf = term_idf(row[2], self.passage_count, self.average_idf)
            plist = Postings(term, ids, contributions(tfs, self.norms[ids], idf))
            self._idf_cache[term] = idf
        with self._lock:
            self._cache[term] = plist
            self._cache_bytes += 12 * len(plist.ids) if plist is not None else 0
            while self._cache_bytes > POSTINGS_CACHE_BYTES and len(self._cache) > 1:
                _, old = self._cache.popitem(last=False)
                self._cache_bytes -= 12 * len(old.ids) if old is not None else 0
        return plist

    def idf(self, term: str) -> float:
        """BM25 IDF of an index term; a term the index lacks counts as the rarest."""
        if term not in self._idf_cache:
            self.postings(term)
        return self._idf_cache.get(term, self.max_idf)

    def expansions(self, term: str) -> list[str]:
        """Indexed terms that contain `term` (at most MAX_EXPANSIONS): 江新 -> 湘江新区."""
        if self._vocabulary is None:
            with self._lock:
                terms = [row[0] for row in self._db.execute("select term from postings")]
            self._vocabulary = "\n" + "\n".join(terms) + "\n"
        vocab = self._vocabulary
        found: list[str] = []
        position = vocab.find(term)
        while position != -1 and len(found) < MAX_EXPANSIONS:
            start = vocab.rfind("\n", 0, position) + 1
            end = vocab.find("\n", position)
            found.append(vocab[start:end])
            position = vocab.find(term, end)
        return found

    def term_postings(self, term: str) -> tuple[np.ndarray, np.ndarray, float]:
        """(passage ids, BM25 contributions, weight) of one query term.

        A term the index does not know matches the longer indexed words that contain it,
        each passage counted once, by its best such word.
        """
        plist = self.postings(term)
        if plist is not None:
            return plist.ids, plist.weights, self.idf(term)
        found = [p for p in map(self.postings, self.expansions(term)) if p is not None]
        if not found:
            return np.zeros(0, np.int32), np.zeros(0), 0.0
        ids = np.concatenate([p.ids for p in found])
        weights = np.concatenate([p.weights for p in found])
        order = np.lexsort((-weights, ids))
        ids, weights = ids[order], weights[order]
        first = np.ones(len(ids), dtype=bool)
        first[1:] = ids[1:] != ids[:-1]
        return ids[first], weights[first], max(self.idf(p.term) for p in found)

    def has_term(self, ids: np.ndarray, term: str) -> np.ndarray:
        """Whether each passage's own text has `term`."""
        found, _, _ = self.term_postings(term)
        if not len(found):
            return np.zeros(len(ids), dtype=bool)
        return found.take(found.searchsorted(ids), mode="clip") == ids

    def inside_positions(self, term: str) -> np.ndarray:
        """Positions in `term_postings(term)` of the passages whose document's metadata has
        the term.  Cached (they are usually few): finding them reads the document of every
        passage on the list, which costs more than scoring the list."""

        def compute() -> np.ndarray:
            ids, _, _ = self.term_postings(term)
            named = np.zeros(len(self.doc_count), dtype=bool)
            named[self.field_docs(term)] = True
            return np.flatnonzero(named[self.passage_doc[ids]]).astype(np.int32)

        return self._inside_cache.get(term, compute, self._lock)

    def term_documents(self, term: str) -> np.ndarray:
        """The documents of `term_postings(term)`'s passages, each once.  Cached like
        `inside_positions`: a search needs, per document, the terms any of its passages has."""
        return self._documents_cache.get(
            term, lambda: np.unique(self.passage_doc[self.term_postings(term)[0]]), self._lock)

    def per_passage(self, key: tuple, compute) -> np.ndarray:
        """`compute()`, an array with a value per passage id (or per document id) derived from
        this index alone, computed once per `key` (one of a few re-ranking weights, say) and kept."""
        if key not in self._per_passage:
            self._per_passage[key] = compute()
        return self._per_passage[key]

    # -- documents ----------------------------------------------------------------
    def field_docs(self, term: str) -> np.ndarray | None:
        """Ids of the documents whose metadata has `term`."""
        if term not in self._field_cache:
            with self._lock:
                row = self._db.execute("select docs from field_terms where term = ?", [term]).fetchone()
            self._field_cache[term] = np.frombuffer(row[0], dtype=np.int32) if row else None
        return self._field_cache[term]

    def named_together(self, year: int, terms: list[str]) -> bool:
        """Whether the metadata of a document about `year` has every one of these terms, or
        that of documents of at least SERIES_YEARS different years does (a series, such as the
        government work reports, names its document of a year it lacks too)."""
        common = None
        for term in terms:
            docs = self.field_docs(term)
            if docs is None:
                return False
            common = docs if common is None else np.intersect1d(common, docs, assume_unique=True)
        if common is None:
            return True
        years = self.doc_subject_year[common]
        return bool((years == year).any()) or len(np.unique(years)) >= SERIES_YEARS

    def field_idf(self, term: str) -> float:
        """How specific a metadata term is: log(documents / documents whose metadata has it)."""
        docs = self.field_docs(term)
        if docs is None or not len(docs):
            return 0.0
        return math.log((self.document_count + 1) / len(docs))

    def filter_docs(self, filters: dict[str, str]) -> np.ndarray:
        """Mask of the documents whose metadata contains every filter value."""
        clauses = " and ".join(f"instr(n_{key}, ?) > 0" for key in filters)
        with self._lock:
            rows = self._db.execute(f"select id from documents where {clauses}", list(filters.values())).fetchall()
        mask = np.zeros(len(self.doc_count), dtype=bool)
        mask[[row[0] for row in rows]] = True
        return mask

    def day_news(self, day: int) -> np.ndarray:
        """Mask of the documents of a day (YYYYMMDD): its news items, or, on a day without
        news, its other documents."""
        day_docs = (self.doc_date == day) & (self.doc_count > 0)
        news = day_docs & self.doc_news
        return news if news.any() else day_docs

    def passages_of(self, doc_ids: np.ndarray) -> np.ndarray:
        """The passage ids of these documents (each document's ids are consecutive)."""
        counts = self.doc_count[doc_ids]
        starts = self.doc_first[doc_ids] - (np.cumsum(counts) - counts)
        return np.repeat(starts, counts) + np.arange(int(counts.sum()))

    def document(self, doc_id: int) -> Document:
        document = self._documents.get(doc_id)
        if document is None:
            with self._lock:
                row = next(self._db.query("select * from documents where id = ?", [doc_id]))
            document = self._document(row)
        return document

    def _document(self, row: dict) -> Document:
        document = Document(
            id=row["id"], path=row["path"], source=row["source"],
            meta=DocumentMeta(**{k: row[k] or "" for k in DocumentMeta.__dataclass_fields__}),
            passages=row["passages"], sha256=row["sha256"],
        )
        self._documents[document.id] = document
        return document

    def documents(self, offset: int = 0, limit: int = -1, by_source: bool = False) -> list[Document]:
        order = "source, path, id" if by_source else "id"
        with self._lock:
            rows = list(self._db.query(f"select * from documents order by {order} limit ? offset ?", [limit, offset]))
        return [self._documents.get(row["id"]) or self._document(row) for row in rows]

    def sources(self) -> dict[str, int]:
        with self._lock:
            counts = dict(self._db.execute("select source, count(*) from documents group by source").fetchall())
        built_from = self.meta.get("sources", "[]")
        folders = json.loads(built_from) if isinstance(built_from, str) else built_from
        return {folder: counts.get(folder, 0) for folder in sorted(set(folders) | set(counts))}

    def document_by_sha(self, prefix: str) -> Document | None:
        if not prefix or any(ch not in "0123456789abcdef" for ch in prefix):
            return None
        with self._lock:
            row = next(self._db.query(
                "select * from documents where substr(sha256, 1, ?) = ? order by id limit 1", [len(prefix), prefix]), None)
        return None if row is None else self._document(row)

    def passage_at(self, doc_id: int, ordinal: int) -> int | None:
        # Compared as Python ints: a forged 50-digit ordinal must not overflow numpy's int64.
        if not 0 <= doc_id < self.no_document or not 0 <= ordinal < int(self.doc_count[doc_id]):
            return None
        return int(self.doc_first[doc_id]) + ordinal

    def ordinal_of(self, passage_id: int) -> int | None:
        if not 0 <= passage_id < self.slots or self.passage_doc[passage_id] == self.no_document:
            return None
        return passage_id - int(self.doc_first[int(self.passage_doc[passage_id])])

    @functools.cached_property
    def named_terms(self) -> frozenset[str]:
        """Terms of the collection's speakers and places: who and where a question may name."""
        with self._lock:
            rows = self._db.execute("select distinct n_speaker, n_place from documents").fetchall()
        return frozenset(t for row in rows for t in self.analyzer.field_tokens(*row) if not t.isdigit())

    # -- passages -----------------------------------------------------------------
    def rows(self, ids) -> dict[int, tuple]:
        """id -> (id, doc_id, paragraph, text, norm) of these passages."""
        ids = [int(i) for i in ids]
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._texts.execute(
                f"select id, doc_id, paragraph, text, norm from passages where id in ({marks})", ids).fetchall()
        return {row[0]: row for row in rows}

    def neighbours(self, passage_id: int, before: int, after: int) -> range:
        """Ids of the passage and its neighbours within its document."""
        if not 0 <= passage_id < self.slots or self.passage_doc[passage_id] == self.no_document:
            return range(0)
        doc_id = int(self.passage_doc[passage_id])
        first = int(self.doc_first[doc_id])
        last = first + int(self.doc_count[doc_id]) - 1
        return range(max(first, passage_id - before), min(last, passage_id + after) + 1)
