"""Answer queries from a built index: ranked passages with quotes and sources."""

from __future__ import annotations

import json
import sqlite3
import math
import threading
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np

from .analysis import Analyzer, QueryTerm
from .errors import IndexUnavailable, QueryError
from .models import Document, DocumentMeta, Hit, IndexInfo, Passage, SearchResult
from .normalize import warm_up
from .query import ParsedQuery, parse_query
from .quotes import find_spans, make_quote
from .ranking import K1, Postings, accumulate, contributions, length_norms, term_idf, top_k, top_k_of
from .store import REBUILD_HINT, open_readonly, read_array, read_meta

# A metadata match scores like the most one occurrence of a term can (k1 + 1) * idf.
FIELD_WEIGHT = K1 + 1
# Passages shorter than this many characters (headings, date lines) are scaled down in
# proportion: users want a quotable sentence, and BM25 alone favours short lines.
SHORT_PASSAGE = 60
MAX_EXPANSIONS = 30
POSTINGS_CACHE_BYTES = 256 * 1024 * 1024


class Searcher:
    """A loaded index.  Thread-safe; open once per process and share it."""

    def __init__(self, db, path: Path):
        self.path = path
        self._db = db
        self._lock = threading.Lock()
        self._local = threading.local()
        meta = read_meta(db)
        self._meta = meta
        self.passage_count = int(meta["passages"])  # live passages: BM25's N
        self._average_idf = float(meta["average_idf"])
        self.document_count = int(meta["documents"])
        rows = db.execute("select id, first_passage, passages from documents").fetchall()
        # Document ids may have gaps after incremental builds; the extra last slot stands
        # for "no document" (the ids of dropped passages).
        size = max((row[0] for row in rows), default=-1) + 2
        self._doc_first = np.zeros(size, dtype=np.int64)
        self._doc_count = np.zeros(size, dtype=np.int64)
        for doc_id, first, count in rows:
            self._doc_first[doc_id] = first
            self._doc_count[doc_id] = count
        passage_doc = read_array(db, "passage_doc")
        self._passage_doc = np.where(passage_doc < 0, size - 1, passage_doc).astype(np.int32)
        self._slots = len(passage_doc)
        self._documents: dict[int, Document] = {}
        self._field_cache: dict[str, np.ndarray | None] = {}
        self._passage_prior = np.minimum(1.0, read_array(db, "passage_chars") / SHORT_PASSAGE)
        self._norms = length_norms(read_array(db, "passage_tokens"), float(meta["avgdl"]))
        self.analyzer = Analyzer(json.loads(meta.get("user_words", "[]")))
        self._max_idf = math.log((self.passage_count + 0.5) / 0.5) if self.passage_count else 1.0
        self._cache: OrderedDict[str, Postings | None] = OrderedDict()
        self._cache_bytes = 0
        self._vocabulary: str | None = None
        self._idf_cache: dict[str, float] = {}

    @classmethod
    def open(cls, path: Path | str) -> Searcher:
        """Load the index at `path` (jieba and OpenCC included); raises IndexUnavailable."""
        path = Path(path)
        db = open_readonly(path)
        warm_up()
        try:
            return cls(db, path)
        except (sqlite3.DatabaseError, KeyError, TypeError, ValueError) as exc:
            db.conn.close()
            raise IndexUnavailable(f"the index at {path} is damaged ({exc}); {REBUILD_HINT}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.conn.close()

    # -- postings ---------------------------------------------------------------
    def _postings(self, term: str) -> Postings | None:
        with self._lock:
            if term in self._cache:
                self._cache.move_to_end(term)
                return self._cache[term]
            row = self._db.execute("select ids, tfs, df from postings where term = ?", [term]).fetchone()
        plist = None
        if row is not None:
            ids = np.frombuffer(row[0], dtype=np.int32)
            idf = term_idf(row[2], self.passage_count, self._average_idf)
            plist = Postings(term, ids, contributions(np.frombuffer(row[1], dtype=np.uint16), self._norms[ids], idf))
            self._idf_cache[term] = idf
        with self._lock:
            self._cache[term] = plist
            self._cache_bytes += 12 * len(plist.ids) if plist is not None else 0
            while self._cache_bytes > POSTINGS_CACHE_BYTES and len(self._cache) > 1:
                _, old = self._cache.popitem(last=False)
                self._cache_bytes -= 12 * len(old.ids) if old is not None else 0
        return plist

    def _idf(self, term: str) -> float:
        if term not in self._idf_cache:
            self._postings(term)
        return self._idf_cache.get(term, self._max_idf)

    def _expansions(self, term: str) -> list[str]:
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

    def _term_postings(self, term: str) -> tuple[np.ndarray, np.ndarray, float]:
        """(passage ids, BM25 contributions, highlight weight) of one query term.

        A term the index does not know matches the longer indexed words that contain it,
        each passage counted once, by its best such word.
        """
        plist = self._postings(term)
        if plist is not None:
            return plist.ids, plist.weights, self._idf(term)
        found = [p for p in map(self._postings, self._expansions(term)) if p is not None]
        if not found:
            return np.zeros(0, np.int32), np.zeros(0), 0.0
        ids = np.concatenate([p.ids for p in found])
        weights = np.concatenate([p.weights for p in found])
        order = np.lexsort((-weights, ids))
        ids, weights = ids[order], weights[order]
        first = np.ones(len(ids), dtype=bool)
        first[1:] = ids[1:] != ids[:-1]
        return ids[first], weights[first], max(self._idf(p.term) for p in found)

    # -- search -----------------------------------------------------------------
    def _field_masks(self, terms: list[QueryTerm]) -> dict[str, np.ndarray]:
        """For each query term found in documents' metadata, a mask of those documents."""
        masks = {}
        for term in {t.term for t in terms}:
            docs = self._field_docs(term)
            if docs is not None:
                mask = np.zeros(len(self._doc_count), dtype=bool)
                mask[docs] = True
                masks[term] = mask
        return masks

    def _passages_of(self, doc_ids: np.ndarray) -> np.ndarray:
        """The passage ids of these documents (each document's ids are consecutive)."""
        counts = self._doc_count[doc_ids]
        starts = self._doc_first[doc_ids] - (np.cumsum(counts) - counts)
        return np.repeat(starts, counts) + np.arange(int(counts.sum()))

    def _field_docs(self, term: str) -> np.ndarray | None:
        """Ids of the documents whose metadata has `term`."""
        if term not in self._field_cache:
            with self._lock:
                row = self._db.execute("select docs from field_terms where term = ?", [term]).fetchone()
            self._field_cache[term] = np.frombuffer(row[0], dtype=np.int32) if row else None
        return self._field_cache[term]

    def _filter_mask(self, parsed: ParsedQuery) -> np.ndarray | None:
        """Documents whose metadata contains every filter value (None: no filters)."""
        if not parsed.filters:
            return None
        clauses = " and ".join(f"instr(n_{key}, ?) > 0" for key in parsed.filters)
        with self._lock:
            rows = self._db.execute(f"select id from documents where {clauses}", list(parsed.filters.values())).fetchall()
        mask = np.zeros(len(self._doc_count), dtype=bool)
        mask[[row[0] for row in rows]] = True
        return mask

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

    def search(self, query: str, top: int = 10, offset: int = 0) -> SearchResult:
        """Rank passages for `query`; raises QueryError when there is nothing to search.

        The score is BM25 over the passage text, except that a query term found in a
        document's metadata (place, speaker, year, title words) scores for every passage
        of that document, at the most one occurrence in a passage could score: a passage
        of the speech the user named outranks an equally good passage elsewhere.  Such a
        term's own occurrences in that speech's passages then count no more, except for
        years.  Last, as in Lucene's classic scoring, the sum is scaled by the share of
        distinct query terms the passage (or its document's metadata) matches, and very
        short passages are scaled down.
        """
        started = time.perf_counter()
        parsed = parse_query(query)
        terms = self.analyzer.query_terms(parsed.text)
        if not terms and not parsed.filters:
            raise QueryError("no_terms", "the query has no searchable words (only punctuation or stop words)")
        allowed = self._filter_mask(parsed)
        if terms:
            candidates, final, weights = self._rank(terms)
            if allowed is not None:
                keep = allowed[self._passage_doc[candidates]]
                candidates, final = candidates[keep], final[keep]
        else:  # filters alone: the passages of the matching documents, in order
            candidates = self._passages_of(np.flatnonzero(allowed))
            final, weights = np.ones(len(candidates)), []
        order = top_k(final, offset + top)[offset:]
        ids = candidates[order]
        scores = dict(zip(ids.tolist(), final[order].tolist()))
        hits = self._hits(ids, scores, terms, weights, offset)
        return SearchResult(
            query=query, took_ms=(time.perf_counter() - started) * 1000, hits=tuple(hits),
            total=len(candidates), terms=tuple(t.term for t in terms), filters=dict(parsed.filters),
        )

    def _rank(self, terms: list[QueryTerm]) -> tuple[np.ndarray, np.ndarray, list[float]]:
        """(passage ids, final scores > 0, per-term highlight weights); see `search`."""
        scores, matched = self._scratch()
        touched: list[np.ndarray] = []
        try:
            field_masks = self._field_masks(terms)
            doc_boost = np.zeros(len(self._doc_count))
            doc_matched = np.zeros(len(self._doc_count), dtype=np.int16)
            weights = []
            seen: set[str] = set()
            for term in terms:
                ids, contributions, weight = self._term_postings(term.term)
                weights.append(weight)
                touched.append(ids)
                first_time = term.term not in seen
                seen.add(term.term)
                mask = field_masks.get(term.term)
                if mask is None:
                    if first_time:
                        matched[ids] += 1
                    scores[ids] += contributions
                    continue
                doc_boost[mask] += FIELD_WEIGHT * (weight or self._max_idf)
                outside = ~mask[self._passage_doc[ids]]
                if first_time:
                    doc_matched[mask] += 1
                    matched[ids[outside]] += 1
                if term.term.isdigit():
                    scores[ids] += contributions
                else:
                    # Inside a speech by 王一鸥 about 岳阳, a passage naming 岳阳 is no more
                    # to the point than one that does not; a passage naming the year still is.
                    scores[ids[outside]] += contributions[outside]
            if field_masks:
                passages = self._passages_of(np.flatnonzero(doc_boost != 0))
                touched.append(passages)
                owners = self._passage_doc[passages]
                scores[passages] += doc_boost[owners]
                matched[passages] += doc_matched[owners]
            candidates = np.flatnonzero(scores != 0)  # (a boolean mask is 3x faster than floats)
            final = scores[candidates] * (matched[candidates] / len(seen)) * self._passage_prior[candidates]
        finally:
            for ids in touched:  # leave the scratch arrays all zero for the next query
                scores[ids] = 0.0
                matched[ids] = 0
        positive = final > 0
        return candidates[positive], final[positive], weights

    def rank(self, terms: list[str], k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Plain BM25 (as `rank_bm25.BM25Okapi.get_scores`) of index terms: the k best ids
        and their scores.  No metadata boosts, coordination or prior: for benchmarks and
        for checking the scores against the reference."""
        scores, _ = self._scratch()
        lists = [p for p in map(self._postings, terms) if p is not None]
        try:
            accumulate(scores, lists)
            ids = top_k_of(scores, [p.ids for p in lists], k)
            return ids, scores[ids]
        finally:
            for plist in lists:
                scores[plist.ids] = 0.0

    def _scratch(self) -> tuple[np.ndarray, np.ndarray]:
        """This thread's zeroed score and match-count arrays, one slot per passage id.

        Reused across queries (and reset by the caller) because allocating and faulting in
        fresh arrays of a million slots costs more than the scoring itself.
        """
        buffers = getattr(self._local, "buffers", None)
        if buffers is None:
            buffers = (np.zeros(self._slots), np.zeros(self._slots, dtype=np.int16))
            self._local.buffers = buffers
        return buffers

    def _rows(self, ids) -> dict[int, tuple]:
        ids = [int(i) for i in ids]
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._db.execute(f"select id, doc_id, paragraph, text, norm from passages where id in ({marks})", ids).fetchall()
        return {row[0]: row for row in rows}

    def _hits(self, ids, scores, terms: list[QueryTerm], weights: list[float], offset: int) -> list[Hit]:
        rows = self._rows(ids)
        surfaces = [(t.surfaces, w) for t, w in zip(terms, weights)]
        hits = []
        for rank, pid in enumerate(ids.tolist(), offset + 1):
            _, doc_id, paragraph, text, norm = rows[pid]
            spans = find_spans(text, surfaces, norm)
            hits.append(Hit(
                rank=rank, score=scores[pid], passage_id=int(pid), document=self.document(doc_id),
                paragraph=paragraph, text=text, quote=make_quote(text, spans, weights),
                spans=tuple((s, e) for s, e, _ in spans),
            ))
        return hits

    # -- browsing ---------------------------------------------------------------
    def passage(self, passage_id: int) -> Passage | None:
        row = self._rows([passage_id]).get(passage_id)
        if row is None:
            return None
        return Passage(row[0], self.document(row[1]), row[2], row[3])

    def context(self, passage_id: int, before: int = 1, after: int = 1) -> list[Passage]:
        """The passage with its neighbours in the same document, in reading order."""
        if not 0 <= passage_id < self._slots or self._passage_doc[passage_id] == len(self._doc_count) - 1:
            return []
        doc_id = int(self._passage_doc[passage_id])
        first = int(self._doc_first[doc_id])
        last = first + int(self._doc_count[doc_id]) - 1
        ids = range(max(first, passage_id - before), min(last, passage_id + after) + 1)
        rows = self._rows(ids)
        return [Passage(i, self.document(rows[i][1]), rows[i][2], rows[i][3]) for i in ids]

    def documents(self, offset: int = 0, limit: int = -1, by_source: bool = False) -> list[Document]:
        """Documents in id order, or grouped by source folder and by path within one;
        `limit` -1 means all."""
        order = "source, path, id" if by_source else "id"
        with self._lock:
            rows = list(self._db.query(f"select * from documents order by {order} limit ? offset ?", [limit, offset]))
        return [self._documents.get(row["id"]) or self._document(row) for row in rows]

    def sources(self) -> dict[str, int]:
        """Each source folder the index was built from (absolute) -> its number of documents."""
        with self._lock:
            counts = dict(self._db.execute("select source, count(*) from documents group by source").fetchall())
        built_from = self._meta.get("sources", "[]")
        folders = json.loads(built_from) if isinstance(built_from, str) else built_from
        return {folder: counts.get(folder, 0) for folder in sorted(set(folders) | set(counts))}

    def document_by_sha(self, prefix: str) -> Document | None:
        """The document whose content hash starts with `prefix` (hex), if any."""
        if not prefix or any(ch not in "0123456789abcdef" for ch in prefix):
            return None
        with self._lock:
            row = next(self._db.query(
                "select * from documents where substr(sha256, 1, ?) = ? order by id limit 1", [len(prefix), prefix]), None)
        return None if row is None else self._document(row)

    def passage_at(self, doc_id: int, ordinal: int) -> int | None:
        """The id of a document's `ordinal`-th passage (0-based), if it has that many."""
        if not 0 <= doc_id < len(self._doc_count) - 1 or not 0 <= ordinal < self._doc_count[doc_id]:
            return None
        return int(self._doc_first[doc_id]) + ordinal

    def ordinal_of(self, passage_id: int) -> int | None:
        """The 0-based position of a passage within its document."""
        if not 0 <= passage_id < self._slots or self._passage_doc[passage_id] == len(self._doc_count) - 1:
            return None
        return passage_id - int(self._doc_first[int(self._passage_doc[passage_id])])

    def info(self) -> IndexInfo:
        return IndexInfo(
            db_path=str(self.path), documents=self.document_count, passages=self.passage_count,
            db_bytes=self.path.stat().st_size if self.path.exists() else 0, built_at=self._meta.get("built_at", ""),
        )
