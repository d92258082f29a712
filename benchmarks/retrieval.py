"""Retrieval evaluation: questions with known answer passages, hit@k / MRR, and the naive baseline.

Pure functions, no Telegram and no index needed:

    questions = load_questions(Path("tests/retrieval_questions.jsonl"))
    naive = naive_search_factory([("seeds", Path("seeds")), ...])
    by_set = evaluate_sets(naive, questions)            # {"seeds": Metrics, "corpus": Metrics}
    print(format_report({"naive": by_set}))

A *search* is any callable `query -> ranked list of (doc, text)` where `doc` is the file's path
relative to its source folder ("/"-separated) and `text` the passage as shown to the user.  A hit
answers a question when it comes from the question's document and contains the question's answer
after a light normalisation of both sides (see `match_key`).
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Search = Callable[[str], Sequence[tuple[str, str]]]

QUESTION_SETS = ("seeds", "corpus")
TOP_K = 10  # ranks beyond this count as "not found"

# Pinyin glosses scraped into seed 002/004, e.g. 創(chuàng)新; answers are written without them.
PINYIN_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")

_FIELDS = ("id", "set", "query", "source", "doc", "answer")


@dataclass(frozen=True)
class Question:
    id: str
    set: str  # "seeds" or "corpus"
    query: str  # what a user would type
    source: str  # "seeds", "cn-national-reports", "xwlb-2022-2026"
    doc: str  # path relative to its source folder, "/"-separated
    answer: str  # verbatim substring of the passage that answers the query


def load_questions(path: str | Path) -> list[Question]:
    """Read a JSONL file of questions (one object per line; blank lines ignored) and validate it."""
    questions: list[Question] = []
    seen: set[str] = set()
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{lineno}: not JSON: {exc}") from None
        if not isinstance(raw, dict):
            raise ValueError(f"{path}:{lineno}: expected an object")
        missing = [f for f in _FIELDS if not isinstance(raw.get(f), str) or not raw[f].strip()]
        if missing:
            raise ValueError(f"{path}:{lineno}: missing or empty field(s): {', '.join(missing)}")
        question = Question(**{f: raw[f] for f in _FIELDS})
        if question.set not in QUESTION_SETS:
            raise ValueError(f"{path}:{lineno}: set must be one of {QUESTION_SETS}, got {question.set!r}")
        if question.id in seen:
            raise ValueError(f"{path}:{lineno}: duplicate id {question.id!r}")
        seen.add(question.id)
        questions.append(question)
    return questions


def strip_pinyin_glosses(text: str) -> str:
    """創(chuàng)新 -> 創新: drop the parenthesised pinyin some scrapes put after a character."""
    return PINYIN_GLOSS.sub("", text)


def match_key(text: str) -> str:
    """The light form in which answers are compared: NFKC (full-width -> half-width, compatibility
    characters folded), whitespace and invisible format characters (zero-width space, BOM, soft
    hyphen...) removed.  Traditional and Simplified characters are NOT folded: an answer must be
    quoted in the script of its document."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) != "Cf")


def _doc_key(doc: str) -> str:
    doc = doc.replace("\\", "/")
    while doc.startswith("./"):
        doc = doc[2:]
    return doc


def is_hit(hit_doc: str, hit_text: str, question: Question) -> bool:
    """True when the hit comes from the question's document and contains its answer."""
    if _doc_key(hit_doc) != _doc_key(question.doc):
        return False
    answer = match_key(question.answer)
    return bool(answer) and answer in match_key(hit_text)


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    rank: int | None  # 1-based rank of the first hit answering the question, None if not in the top 10
    top_doc: str | None  # the search's first result, for failure reports
    top_text: str | None


@dataclass(frozen=True)
class Metrics:
    n: int
    hit_at_1: float
    hit_at_5: float
    mrr_at_10: float
    results: tuple[QuestionResult, ...] = field(default=(), repr=False)

    @property
    def ranks(self) -> dict[str, int | None]:
        """Question id -> rank of its answer (None when not in the top 10)."""
        return {r.question.id: r.rank for r in self.results}

    def misses(self, k: int = 1) -> list[QuestionResult]:
        """Questions whose answer is not within the top `k`."""
        return [r for r in self.results if r.rank is None or r.rank > k]


def _rank(hits: Sequence[tuple[str, str]], question: Question) -> int | None:
    for position, (doc, text) in enumerate(hits[:TOP_K], 1):
        if is_hit(doc, text, question):
            return position
    return None


def evaluate(search: Search, questions: Iterable[Question]) -> Metrics:
    """Run every question through `search` and score the ranked (doc, text) lists it returns."""
    results = []
    for question in questions:
        hits = list(search(question.query))[:TOP_K]
        top_doc, top_text = hits[0] if hits else (None, None)
        results.append(QuestionResult(question, _rank(hits, question), top_doc, top_text))
    n = len(results)
    if not n:
        return Metrics(0, 0.0, 0.0, 0.0, ())
    ranks = [r.rank for r in results]
    return Metrics(
        n=n,
        hit_at_1=sum(1 for r in ranks if r == 1) / n,
        hit_at_5=sum(1 for r in ranks if r is not None and r <= 5) / n,
        mrr_at_10=sum(1.0 / r for r in ranks if r is not None) / n,
        results=tuple(results),
    )


def evaluate_sets(search: Search, questions: Iterable[Question]) -> dict[str, Metrics]:
    """`evaluate` once per question set, in the order the sets first appear."""
    grouped: dict[str, list[Question]] = {}
    for question in questions:
        grouped.setdefault(question.set, []).append(question)
    return {name: evaluate(search, qs) for name, qs in grouped.items()}


def naive_search_factory(sources: Sequence[tuple[str, Path]]) -> Search:
    """The naive baseline: every non-empty line of every .txt file under the sources is a paragraph,
    tokenised with default `jieba.lcut` (no normalisation, no stop list) and ranked with
    `rank_bm25.BM25Okapi`; a query returns the top 10 lines with a positive score as (doc, line),
    `doc` being the file's path relative to its source folder.  `sources` is (name, folder) pairs."""
    import jieba
    from rank_bm25 import BM25Okapi

    jieba.setLogLevel(logging.WARNING)  # silence "Building prefix dict..."; tokenisation unchanged
    paragraphs: list[tuple[str, str]] = []
    corpus: list[list[str]] = []
    for _name, folder in sources:
        folder = Path(folder)
        for path in sorted(p for p in folder.rglob("*.txt") if p.is_file()):
            doc = path.relative_to(folder).as_posix()
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.strip():
                    paragraphs.append((doc, line))
                    corpus.append(jieba.lcut(line))
    if not corpus:
        return lambda query: []
    bm25 = BM25Okapi(corpus)

    def search(query: str) -> list[tuple[str, str]]:
        scores = bm25.get_scores(jieba.lcut(query))
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        return [paragraphs[i] for i in order[:TOP_K] if scores[i] > 0 and math.isfinite(scores[i])]

    return search


def format_report(metrics_by_name: Mapping[str, Mapping[str, Metrics]]) -> str:
    """A small table: one row per system x question set with n, hit@1, hit@5 and MRR@10."""
    header = ("system", "set", "n", "hit@1", "hit@5", "MRR@10")
    rows = [
        (system, set_name, str(m.n), f"{m.hit_at_1:.3f}", f"{m.hit_at_5:.3f}", f"{m.mrr_at_10:.3f}")
        for system, by_set in metrics_by_name.items()
        for set_name, m in by_set.items()
    ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]

    def fmt(row: Sequence[str]) -> str:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [cell.rjust(width) for cell, width in zip(row[2:], widths[2:])]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(header), rule, *(fmt(r) for r in rows)])


def format_misses(metrics: Metrics, k: int = 1, width: int = 60) -> str:
    """One line per question not answered within the top `k`: id, rank, query, and the top hit."""
    lines = []
    for r in metrics.misses(k):
        top = "no results" if r.top_doc is None else f"{r.top_doc}: {(r.top_text or '').strip()[:width]}"
        lines.append(f"{r.question.id} rank={r.rank} query={r.question.query!r} -> top: {top}")
    return "\n".join(lines)
