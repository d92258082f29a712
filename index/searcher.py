"""Answer queries from a built index: ranked passages with quotes, sources and a verdict.

A search runs in stages, each a method below:

    parse      query text -> filters, intent (years, dates, first mention) and terms
    candidates BM25 over the terms' posting lists (exactly BM25Okapi) plus the passages
               of the documents whose metadata the query names best
    re-rank    the factors of `rerank.Weights` over all candidates: metadata evidence,
               coordination, document coverage, kind, year and date, short passages
    order      top-k, ties broken by text evidence, then a news lead; first mentions oldest first
    hits       quotes and spans; the verdict (`verdict.py`) says whether they answer
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import kernel
from .analysis import QueryTerm, plain_words
from .answers import answer_pattern
from .earliest import concept_pattern, oldest_first, oldest_stating
from .errors import QueryError
from .exact import quoted
from .framing import without_forms_of_address
from .intent import FRAMING_TERMS, Intent, understand
from .named import named_documents
from .models import Document, Hit, IndexInfo, Passage, SearchResult
from .normalize import normalize, warm_up
from .query import parse_query
from .quotes import Highlights, find_spans, make_quote
from .reader import IndexReader
from .rerank import (DEFAULT, Weights, answer_factor, answer_lead_factor, colloquial_weights, factors, phrase_factor,
                     verbatim_factor)
from .shares import Shares, shares_of, word_shares
from .verdict import character_runs, judge, written_names

# The documents whose metadata matches the query best also offer every passage as a
# candidate (a question about "1960年政府工作报告" may share no word with its answer).
METADATA_DOCUMENTS = 20
# First-mention questions reorder this many of the best candidates.
EARLIEST_POOL = 100
PHRASE_POOL = 100
# A question's run of single characters (乌尉) is looked for written as one in this many of
# the candidates that have all its characters.
RUN_POOL = 30
MAX_BITS = 62  # terms tracked for coordination (one bit each in an int64)


@dataclass
class Scored:
    """The candidates of one query with what the later stages need to know of them."""

    ids: np.ndarray  # passage ids
    final: np.ndarray  # final scores
    text: np.ndarray  # BM25 of the passage text alone
    bits: np.ndarray  # query terms matched by the passage or its document's metadata
    shares: Shares  # of the distinct terms, IDF-weighted, for the verdict
    distinct: list[str]
    ranked: Shares | None = None  # the same with colloquial words weighing less, for the ranking
    lead_gain: np.ndarray | None = None  # gained as saying what a news item is about (`rerank.lead_factor`)

    def subset(self, keep: np.ndarray) -> Scored:
        """The candidates selected by `keep` (a mask or positions)."""
        return Scored(self.ids[keep], self.final[keep], self.text[keep], self.bits[keep], self.shares, self.distinct,
                      self.ranked, None if self.lead_gain is None else self.lead_gain[keep])


class Searcher:
    """A loaded index.  Thread-safe; open once per process and share it."""

    def __init__(self, reader: IndexReader):
        self.reader = reader
        self.path = reader.path
        self.analyzer = reader.analyzer
        self.passage_count = reader.passage_count
        self.document_count = reader.document_count
        self._local = threading.local()

    @classmethod
    def open(cls, path: Path | str) -> Searcher:
        """Load the index at `path` (jieba and OpenCC included); raises IndexUnavailable."""
        reader = IndexReader.open(path)
        warm_up()
        return cls(reader)

    def close(self) -> None:
        self.reader.close()

    # -- search -----------------------------------------------------------------
    def search(self, query: str, top: int = 10, offset: int = 0, weights: Weights = DEFAULT) -> SearchResult:
        """Rank passages for `query`; raises QueryError when there is nothing to search."""
        started = time.perf_counter()
        if not isinstance(top, int) or not isinstance(offset, int) or top < 1 or offset < 0:
            raise QueryError("usage", f"top must be at least 1 and offset at least 0 (got top={top!r}, offset={offset!r})")
        parsed = parse_query(query)
        intent = understand(parsed.text)
        words = without_forms_of_address(self.analyzer.cut(intent.text))
        terms = self._terms(intent, words)
        in_metadata = [t.term for t in terms if self.reader.field_docs(t.term) is not None]
        documents = named_documents(intent, in_metadata, self.reader.named_together)
        # (the words naming a document are the metadata's to match: a passage that quotes the
        # name, 政府工作报告 in the resolution on it, does not state the question as it asks)
        phrases = [p for p in self.analyzer.phrases(words) if not any(p in written for _, _, written in documents)]
        intent = dataclasses.replace(intent, phrases=tuple(phrases), documents=documents)
        if not terms and not parsed.filters:
            raise QueryError("no_terms", "the query has no searchable words (only punctuation or stop words)")
        allowed = self.reader.filter_docs(parsed.filters) if parsed.filters else None
        # A day's news asked as a whole (2024年3月5日新闻联播头条是什么): each item's opening
        # passage in the programme's order (the first is its headline).
        day = intent.day_asked if not parsed.phrases and not parsed.excluded else 0
        if day:
            allowed = self.reader.day_news(day) & (allowed if allowed is not None else True)
        read: dict[int, tuple] = {}  # the passages' rows this search has read
        missing: tuple[str, ...] = ()  # quoted phrases no passage writes
        if terms and not day:
            scored = self._score(terms, intent, weights)
            if allowed is not None:
                scored = scored.subset(allowed[self.reader.passage_doc[scored.ids]])
            if parsed.phrases or parsed.excluded:
                scored, missing = quoted(self.analyzer, self.reader, scored, parsed, intent.question,
                                         offset + top + PHRASE_POOL, lambda ids: self._rows(ids, read), intent.earliest)
            ranked = self._order(scored, intent, weights, offset + top, read)
        else:  # filters alone: the passages of the matching documents, in order
            docs = np.flatnonzero(allowed)
            ids = self.reader.doc_first[docs].astype(np.int64) if day else self.reader.passages_of(docs)
            scored = Scored(ids, np.ones(len(ids)), np.zeros(len(ids)), np.zeros(len(ids), np.int64), shares_of(np.zeros(0)),
                            [])
            ranked = np.arange(min(len(ids), offset + top))
        hits, norms = self._hits(scored, ranked[offset:], terms, offset, read)
        # The verdict is on the best hit, whichever page is asked for.
        best, best_norms = (hits[:1], norms[:1]) if offset == 0 else self._hits(scored, ranked[:1], terms, 0, read)
        top_bits = int(scored.bits[ranked[0]]) if len(ranked) else None
        runs = character_runs(words, self.analyzer.everyday_log_frequency)
        if runs and terms and not day:
            self._rows(self._writing_candidates(scored, runs), read)
        names = written_names(runs, [row[4] for row in read.values()])
        verdict = judge(self.reader, intent, scored.distinct, scored.shares, top_bits, best, best_norms, names)
        if not verdict.answerable:
            hits, verdict = [], dataclasses.replace(verdict, confidence="low")
        if missing:  # (named first, and for themselves: not a word of them the hit lacks)
            lacking = tuple(u for u in verdict.unmatched if not any(u in phrase for phrase in missing))
            verdict = dataclasses.replace(verdict, confidence="low", unmatched=missing + lacking)
        return SearchResult(
            query=query, took_ms=(time.perf_counter() - started) * 1000, hits=tuple(hits),
            total=len(scored.ids), terms=tuple(t.term for t in terms), filters=dict(parsed.filters),
            confidence=verdict.confidence, unmatched=verdict.unmatched,
        )

    def _terms(self, intent: Intent, words: list[str] | None = None) -> list[QueryTerm]:
        return [t for t in self.analyzer.query_terms(intent.text, words) if t.term not in FRAMING_TERMS]

    def _score(self, terms: list[QueryTerm], intent: Intent, weights: Weights) -> Scored:
        """Candidates and their final scores (> 0); see the module docstring."""
        reader = self.reader
        counts = Counter(t.term for t in terms)
        distinct = list(counts)[:MAX_BITS]
        doc_meta_bits, doc_text_bits = np.zeros((2, len(reader.doc_count)), dtype=np.int64)  # terms per document
        meta_score = np.zeros(len(reader.doc_count))
        term_weights, everyday = np.zeros(len(distinct)), np.zeros(len(distinct))
        lists = []  # per term: ids, contributions, multiplier, bit, positions counted `inside` times
        field_lists = []  # the documents whose metadata has a term, per such term
        # (the unit of the figure asked for, 多少亿元, says how the answer is written, not which document)
        units = {t.term for unit in intent.units for t in self.analyzer.query_terms(unit)}
        for j, term in enumerate(distinct):
            bit = np.int64(1) << j
            ids, contributions, idf = reader.term_postings(term)
            term_weights[j] = idf or reader.max_idf
            everyday[j] = self.analyzer.everyday_log_frequency(term)
            kernel.or_at(doc_text_bits, reader.term_documents(term), bit)
            field_docs = reader.field_docs(term) if term not in units else None
            # A year scores in the passage even when its document is of that year.  Inside a speech
            # by 王一鸥 about 岳阳, a passage naming 岳阳 is no more to the point than one that does
            # not: its contributions times weights.inside, but only the few inside change.
            inside = kernel.NO_POSITIONS
            if field_docs is not None and not term.isdigit() and weights.inside != 1.0:
                inside = reader.inside_positions(term)
            lists.append((ids, contributions, counts[term], bit, inside))
            if field_docs is not None:
                field_lists.append(field_docs)
                kernel.or_at(doc_meta_bits, field_docs, bit)
                specificity = reader.field_idf(term) * (weights.year_metadata if term.isdigit() else 1.0)
                meta_score[field_docs] += weights.field * specificity
        named_documents = self._metadata_documents(meta_score, field_lists)
        named = self.reader.passages_of(named_documents)
        found = kernel.candidates(lists, weights.inside, named, 1 << 63, self._scratch(),
                                  sum(len(t[0]) for t in lists) + len(named), reader.passage_doc, doc_meta_bits,
                                  doc_text_bits, meta_score, reader.no_document)
        ids, text, bits, docs, doc_bits = found.ids, found.text, found.bits, found.docs, found.doc_bits
        # The verdict weighs every word of the question by its IDF (a colloquial word the best
        # passage lacks still says it may not answer); the ranking, colloquial words less.
        shares = shares_of(term_weights)
        ranking_weights = term_weights * colloquial_weights(weights, everyday, term_weights)
        ranked = shares_of(ranking_weights)
        coverage = word_shares(terms, distinct, ranking_weights) if any(t.of_word < 1 for t in terms) else ranked
        factor, lead_gain = factors(reader, weights, intent, ids, docs, bits, ranked, coverage, distinct, doc_bits,
                                    doc_meta_bits, named_documents)
        scored = Scored(ids, found.base * factor, text, bits, shares, distinct, ranked, lead_gain)
        if not len(scored.final) or scored.final.min() > 0:  # usually: spare the copies
            return scored
        return scored.subset(scored.final > 0)

    def _metadata_documents(self, meta_score: np.ndarray, field_lists: list[np.ndarray]) -> np.ndarray:
        """The METADATA_DOCUMENTS documents whose metadata the query names best, ascending
        (equal scores: the lower ids).  Only the documents of `field_lists` score at all: when
        they are few, only they are looked at."""
        if not field_lists:
            return np.zeros(0, np.int64)
        if sum(map(len, field_lists)) * 64 < len(meta_score):
            docs = np.sort(np.concatenate(field_lists))
            docs = docs[np.append(True, docs[1:] != docs[:-1])]  # each once, ascending (np.unique, faster)
            named = docs[kernel.top_k(meta_score[docs], METADATA_DOCUMENTS)]
        else:
            named = kernel.top_k(meta_score, METADATA_DOCUMENTS)
        return np.sort(named)

    def _order(self, scored: Scored, intent: Intent, weights: Weights, k: int, read: dict[int, tuple]) -> np.ndarray:
        """Positions of the k best candidates.  Equal scores go to the stronger text match,
        then to a passage that has a word of the question itself over one that is there
        for its document's metadata only, then to the earlier passage (a news item's lead)."""
        if not len(scored.ids):
            return np.zeros(0, dtype=np.int64)
        text_factors = (weights.phrase and intent.phrases) or intent.asks or (weights.verbatim and intent.verbatim)
        size = max(k, PHRASE_POOL)
        if 3 * k < size and not text_factors and not intent.earliest:
            # Nothing changes the pool's scores, so its first k are the best of the candidates
            # that score at least the k-th best score, ties broken as below: when fewer than
            # 3k + 1 do, they are all among the 3k + 1 best (and all in the pool).
            best = kernel.top_k(scored.final, 3 * k + 1)
            edge = scored.final[best[min(k, len(best)) - 1]]
            if len(best) <= 3 * k or scored.final[best[-1]] < edge:
                return self._tie_broken(scored, best[scored.final[best] >= edge])[:k]
        pool = kernel.top_k(scored.final, size)
        concept = concept_pattern(intent.concept, plain_words) if intent.earliest else None
        if intent.earliest:  # also the passages of the oldest documents that state the words
            pool = np.union1d(pool, oldest_stating(self.reader, scored, EARLIEST_POOL, concept))
        if text_factors:
            scored.final[pool] *= self._text_factors(scored.subset(pool), intent, weights, read)
        pool = self._tie_broken(scored, pool)
        if intent.earliest and weights.earliest:
            pool = oldest_first(self.reader, scored, pool, concept)
        return pool[:k]

    def _writing_candidates(self, scored: Scored, runs: tuple[str, ...]) -> np.ndarray:
        """Per run of single characters, the ids of the best candidates (by text score) that
        have all its characters: those that may write it as one word."""
        found = []
        for run in runs:
            bits = [scored.distinct.index(c) for c in run if c in scored.distinct]
            if len(bits) < len(run):
                continue
            mask = np.int64(sum(1 << j for j in bits))
            having = np.flatnonzero(scored.bits & mask == mask)
            found.append(scored.ids[having[kernel.top_k(scored.text[having], RUN_POOL)]])
        return np.concatenate(found) if found else np.zeros(0, np.int64)

    def _tie_broken(self, scored: Scored, pool: np.ndarray) -> np.ndarray:
        """The pool best first: by final score, then text score, then a news lead (what
        happened), then whether the passage states a term itself, then id."""
        ids = scored.ids[pool]
        states = self._states_a_term(ids, scored.distinct)
        lead = self.reader.passage_lead[ids]
        return pool[np.lexsort((ids, ~states, ~lead, -scored.text[pool], -scored.final[pool]))]

    def _states_a_term(self, ids: np.ndarray, terms: list[str]) -> np.ndarray:
        """Whether each passage's own text has a term of the question (also one its
        document's metadata has, which the text score leaves out)."""
        found_any = np.zeros(len(ids), dtype=bool)
        for term in terms:
            found_any |= self.reader.has_term(ids, term)
        return found_any

    def _text_factors(self, pool: Scored, intent: Intent, weights: Weights, read: dict[int, tuple]) -> np.ndarray:
        """The factors read off the pool's normalised text: adjacent word pairs, the kind of
        answer asked for (and, in a news item looked up by date, the passage that has it
        rather than a lead that does not), a sentence pasted in found as written."""
        ids = pool.ids
        rows = self._rows(ids, read)
        norms = [rows[i][4] for i in ids.tolist()]
        asks = "target" if intent.target and intent.asks in ("number", "") else intent.asks
        pattern = answer_pattern(asks, self.analyzer.last_word(intent.subject))
        factor = answer_factor(weights, norms, pattern)
        if pattern is not None and pool.lead_gain is not None and pool.lead_gain.any():
            factor *= answer_lead_factor(weights, pool.lead_gain, self.reader.passage_doc[ids], factor == 1.0,
                                         pool.final, pool.ranked(pool.bits))
        if weights.phrase and intent.phrases:
            phrase_weights = np.array([self.reader.idf(p) for p in intent.phrases])
            factor *= phrase_factor(weights, norms, intent.phrases, phrase_weights)
        if weights.verbatim and intent.verbatim:
            factor *= verbatim_factor(weights, norms, intent.verbatim)
        return factor

    def bm25_top(self, terms: list[str], k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Plain BM25 (as `rank_bm25.BM25Okapi.get_scores`) of index terms: the k best ids
        and their scores.  No metadata, coordination or priors: for benchmarks and for
        checking the scores against the reference."""
        lists = [p for p in map(self.reader.postings, terms) if p is not None]
        return kernel.top(lists, k, self._scratch())

    def _scratch(self) -> kernel.Scratch:
        """This thread's scratch arrays for the candidates, all zero between queries."""
        if "scratch" not in self._local.__dict__:
            self._local.scratch = kernel.Scratch()
        return self._local.scratch

    def _highlights(self, terms: list[QueryTerm]) -> Highlights:
        return Highlights([(t.surfaces, self.reader.idf(t.term)) for t in terms])

    def _rows(self, ids: np.ndarray, read: dict[int, tuple]) -> dict[int, tuple]:
        """`read` with the rows of `ids` (as `reader.rows`) added: a search reads a passage once."""
        missing = [i for i in ids.tolist() if i not in read]
        if missing:
            read.update(self.reader.rows(missing))
        return read

    def _hits(self, scored: Scored, order: np.ndarray, terms: list[QueryTerm], offset: int, read: dict[int, tuple],
              ) -> tuple[list[Hit], list[str]]:
        """The hits at these positions, and their passages' normalised texts."""
        ids = scored.ids[order]
        rows = self._rows(ids, read)
        highlights = self._highlights(terms)
        hits, norms = [], []
        for rank, (pid, score) in enumerate(zip(ids.tolist(), scored.final[order].tolist()), offset + 1):
            _, doc_id, paragraph, text, norm = rows[pid]
            spans = find_spans(text, highlights, norm)
            hits.append(Hit(
                rank=rank, score=score, passage_id=int(pid), document=self.reader.document(doc_id),
                paragraph=paragraph, text=text, quote=make_quote(text, spans, highlights.weights),
                spans=tuple([(s, e) for s, e, _ in spans]),
            ))
            norms.append(norm)
        return hits, norms

    # -- browsing ---------------------------------------------------------------
    def passage(self, passage_id: int, query: str | None = None) -> Passage | None:
        """One passage; with `query`, the spans of that query's terms in its text."""
        row = self.reader.rows([passage_id]).get(passage_id)
        if row is None:
            return None
        spans: tuple[tuple[int, int], ...] = ()
        if query:
            terms = self._terms(understand(normalize(query)))
            spans = tuple((s, e) for s, e, _ in find_spans(row[3], self._highlights(terms), row[4]))
        return Passage(row[0], self.reader.document(row[1]), row[2], row[3], spans)

    def context(self, passage_id: int, before: int = 1, after: int = 1) -> list[Passage]:
        """The passage with its neighbours in the same document, in reading order."""
        ids = self.reader.neighbours(passage_id, before, after)
        rows = self.reader.rows(ids)
        return [Passage(i, self.reader.document(rows[i][1]), rows[i][2], rows[i][3]) for i in ids]

    def document(self, doc_id: int) -> Document:
        return self.reader.document(doc_id)

    def documents(self, offset: int = 0, limit: int = -1, by_source: bool = False) -> list[Document]:
        """Documents in id order, or grouped by source folder and by path within one;
        `limit` -1 means all."""
        return self.reader.documents(offset, limit, by_source)

    def sources(self) -> dict[str, int]:
        """Each source folder the index was built from (absolute) -> its number of documents."""
        return self.reader.sources()

    def document_by_sha(self, prefix: str) -> Document | None:
        """The document whose content hash starts with `prefix` (hex), if any."""
        return self.reader.document_by_sha(prefix)

    def passage_at(self, doc_id: int, ordinal: int) -> int | None:
        """The id of a document's `ordinal`-th passage (0-based), if it has that many."""
        return self.reader.passage_at(doc_id, ordinal)

    def ordinal_of(self, passage_id: int) -> int | None:
        """The 0-based position of a passage within its document."""
        return self.reader.ordinal_of(passage_id)

    def info(self) -> IndexInfo:
        return IndexInfo(
            db_path=str(self.path), documents=self.document_count, passages=self.passage_count,
            db_bytes=self.path.stat().st_size if self.path.exists() else 0,
            built_at=self.reader.meta.get("built_at", ""),
        )
