"""First-mention questions ("生态文明 最早出现在哪个报告"): the oldest document that states
the concept answers them, so the candidates that state it are put oldest first.

A document's age is its year.  Many reports carry none (a party congress report is titled
"(十七大)"), so their era is estimated from the collection itself: the median year their
text mentions, and, for a numbered name in the title (十七大, 第十一次全国代表大会), the
earliest year a dated document of another kind mentions that name — the congress was
held by then.  The smaller of the two is kept: reports mention the target years ahead of
them (到2020年), and a name like 七大 also matches inside 十七大.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

UNKNOWN = 9999  # the era of a document with no year at all: after every dated one
# Candidates whose own text scores at least this share of the best such score among
# those that state every term are reordered; weaker ones stay after them in score order.
STRONG_SHARE = 0.2
_BETWEEN_CHARS = r"[、，,·]?"
_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d\d)年")
_NUMBERED_TITLE = re.compile(r"([一二三四五六七八九十]+)大|第([一二三四五六七八九十]+)次全国代表大会")


READ_BATCH = 256  # passages read at a time to look for the concept as written
WORD_CONTEXT = 6  # characters cut on either side of where a concept is written, to see a word start there


def oldest_stating(reader, scored, n: int, concept: Concept | None = None) -> np.ndarray:
    """Positions of the `n` candidates of the oldest documents among those that state every
    term of the question (of all candidates: the first mention may score far below the
    passages of later documents that repeat the words).  With a concept, those that write
    it as the question does, when any does: the words of a compound term then count as the
    term (“一个国家、两种制度” states 一个国家两种制度)."""
    if concept is not None:
        written: list[int] = []
        stating = by_era(reader, scored, _stating(scored, np.arange(len(scored.ids)), _compounds(scored), strong=False))
        for start in range(0, len(stating), READ_BATCH):
            written += _writing(reader, scored, stating[start : start + READ_BATCH], concept).tolist()
            if len(written) >= n:
                break
        if written:
            return np.array(written[:n], dtype=np.int64)
    return by_era(reader, scored, _stating(scored, np.arange(len(scored.ids))))[:n]


def oldest_first(reader, scored, pool: np.ndarray, concept: Concept | None = None) -> np.ndarray:
    """Among the pool (positions in `scored`, best first), the candidates that state every
    term of the question (write the concept, as above, when any does), oldest document
    first, and in a document the passage that says it is the first time; then the rest in
    score order."""
    stating = np.zeros(0, dtype=np.int64)
    if concept is not None:
        stating = _writing(reader, scored, _stating(scored, pool, _compounds(scored), strong=False), concept)
    if not len(stating):
        stating = _stating(scored, pool)
    if len(stating) < 2:
        return pool
    stating = by_era(reader, scored, stating)
    stating = _saying_first_first(reader, scored, stating)
    return np.concatenate([stating, pool[~np.isin(pool, stating)]])


_SAYS_FIRST = re.compile(r"首次|第一次|首先提出|首倡")


def _saying_first_first(reader, scored, positions: np.ndarray) -> np.ndarray:
    """The positions (oldest document first), within each document those whose passage says
    it is the first time (今年首次把这一指标作为预期目标) first, the rest as they were."""
    if len(positions) < 2:
        return positions
    ids = scored.ids[positions]
    rows = reader.rows(ids.tolist())
    says = np.array([bool(_SAYS_FIRST.search(rows[i][4])) for i in ids.tolist()])
    seen: dict[int, int] = {}
    group = np.array([seen.setdefault(doc, len(seen)) for doc in reader.passage_doc[ids].tolist()])
    return positions[np.lexsort((np.arange(len(positions)), ~says, group))]


@dataclass(frozen=True)
class Concept:
    """The concept as a passage writes it: its characters in order, a list's comma allowed
    between two (一个国家、两种制度), starting a word (创新发展理念 does not write 新发展理念:
    its 新 ends 创新), by `cut`, the words of a text."""

    pattern: re.Pattern
    cut: Callable[[str], list[str]]

    def search(self, text: str) -> bool:
        return any(self._starts_a_word(text, m.start(), m.end()) for m in self.pattern.finditer(text))

    def _starts_a_word(self, text: str, start: int, end: int) -> bool:
        if start == 0:
            return True
        left = max(0, start - WORD_CONTEXT)
        offset = left
        for word in self.cut(text[left : end + WORD_CONTEXT]):
            if offset >= start:
                return offset == start
            offset += len(word)
        return False


def concept_pattern(concept: str, cut: Callable[[str], list[str]]) -> Concept | None:
    """The `Concept` of a first-mention question, or None for a single character."""
    chars = [c for c in concept if not c.isspace()]
    return Concept(re.compile(_BETWEEN_CHARS.join(map(re.escape, chars))), cut) if len(chars) > 1 else None


def by_era(reader, scored, positions: np.ndarray) -> np.ndarray:
    """The positions, oldest document first (by year, then by date within the year: a
    February item before a November one; a document of a year without a date first; a day's
    items in the programme's order), then by score."""
    if len(positions) < 2:
        return positions
    docs = reader.passage_doc[scored.ids[positions]]
    unique, inverse = np.unique(docs, return_inverse=True)
    eras = np.array([era(reader, int(d)) for d in unique])[inverse]
    # (news items of one day in the programme's order, which their numbers follow: the day's first telling)
    in_programme = np.where(reader.doc_date[docs] % 100 > 0, docs, 0)
    return positions[np.lexsort((-scored.final[positions], in_programme, reader.doc_date[docs], eras))]


def _compounds(scored) -> int:
    """The bits of the query's terms that hold other terms of it (一个国家两种制度 holds 国家)."""
    terms = scored.distinct
    return sum(1 << j for j, t in enumerate(terms) if any(o != t and o in t for o in terms))


def _stating(scored, positions: np.ndarray, given: int = 0, strong: bool = True) -> np.ndarray:
    """The positions whose candidates match every term the best of them match (the terms
    of `given`, bits, counted as matched) and, if `strong`, score in the text at least
    STRONG_SHARE of the best such.  (A concept written as the question writes it needs no
    score: in a document whose title has it, 全面建设小康社会 (十六大), its words score in
    the passages next to nothing, `Weights.inside`.)"""
    share = scored.shares(scored.bits[positions] | given)
    full = share >= share.max() - 1e-9
    if not strong:
        return positions[full]
    text = scored.text[positions]
    return positions[full & (text >= STRONG_SHARE * text[full].max())]


def _writing(reader, scored, positions: np.ndarray, concept: Concept) -> np.ndarray:
    """The positions whose passages write the concept."""
    if not len(positions):
        return positions
    ids = scored.ids[positions].tolist()
    rows = reader.rows(ids)
    return positions[np.array([bool(concept.search(rows[i][4])) for i in ids])]


def era(reader, doc_id: int) -> int:
    """The document's year, or the estimate of the module docstring for an undated one."""
    year = int(reader.doc_year[doc_id])
    if year:
        return year
    known = reader.per_passage(("eras",), dict)  # doc id -> era, filled as asked
    if doc_id not in known:
        known[doc_id] = min(_mentioned_years(reader, doc_id), _named_since(reader, doc_id))
    return known[doc_id]


def _mentioned_years(reader, doc_id: int) -> int:
    ids = reader.passages_of(np.array([doc_id]))
    years = sorted(int(y) for row in reader.rows(ids).values() for y in _YEAR_IN_TEXT.findall(row[4]))
    return years[len(years) // 2] if years else UNKNOWN


def _named_since(reader, doc_id: int) -> int:
    """The earliest year a dated document of another kind mentions the numbered name of
    this document's title."""
    meta = reader.document(doc_id).meta
    match = _NUMBERED_TITLE.search(meta.title)
    if not match:
        return UNKNOWN
    ids, _, _ = reader.term_postings(f"{match.group(1) or match.group(2)}大")
    docs = np.unique(reader.passage_doc[ids])
    docs = docs[reader.doc_year[docs] > 0]
    for other in docs[np.argsort(reader.doc_year[docs], kind="stable")].tolist():
        if reader.document(other).meta.kind != meta.kind:
            return int(reader.doc_year[other])
    return UNKNOWN
