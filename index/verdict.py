"""Is the top hit an answer?  The constraints a question names, checked against it.

A writer pastes the quote; another year's or another city's figures, quoted with
confidence, are the worst answer.  So every search gets a verdict: "high" when the top
hit satisfies what the question names, "low" (with what it lacks) when it does not:

- years and year-months the question names, against the document's date and the passage;
- a named document ("2030年政府工作报告"): a year followed by words of the collection's
  titles must be that document's own year;
- places, people and organisations (words of the collection's metadata, and jieba's
  dictionary words tagged as places or organisations), against the passage and its
  document's metadata;
- how much of the question the hit covers at all (IDF-weighted), so that a question whose
  specific words appear nowhere is not answered by its general ones.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .analysis import QueryTerm, load_synonyms
from .intent import Intent
from .models import Hit
from .normalize import normalize
from .rerank import weighted_share

# Below this IDF-weighted share of the question matched, the top hit is not an answer.
MIN_COVERAGE = 0.75
# A term found in more than this share of passages is general (今天, 工作, 发展).
GENERAL_SHARE = 0.05
GENERAL_MIN = 50  # passages; in a small collection no word is general
ENTITY_TAGS = ("ns", "nt")
# Numbered names: 二十一大, 十五届, 五中全会, 神舟二十五号.  The number is the point of them,
# so the hit must carry the same number (a synonym's form counts: 十九大 = 第十九次全国代表大会).
_NUMBERED = re.compile(r"[一二三四五六七八九十百两0-9]+[大届中号期]")


@dataclass(frozen=True)
class Verdict:
    confidence: str  # "high" or "low"
    unmatched: tuple[str, ...] = ()
    answerable: bool = True  # False: the hits share only general words with the question


@lru_cache(maxsize=1)
def dictionary_entities() -> frozenset[str]:
    """Words jieba's own dictionary tags as places or organisations."""
    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    words = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3 and parts[2] in ENTITY_TAGS and len(parts[0]) >= 2:
                words.add(parts[0])  # jieba's dictionary is in Simplified characters already
    return frozenset(words)


def _named_documents(intent: Intent, distinct: list[str], reader) -> list[tuple[int, str]]:
    """(year, title word) pairs where the question writes a year right before a word of the
    collection's titles: "2030年政府工作报告"."""
    found = []
    for year in intent.years:
        match = re.search(rf"{year}年(\S+)", intent.text)
        if not match:
            continue
        following = match.group(1)
        named = [t for t in distinct if following.startswith(t) and t in reader.series_terms]
        if named:
            found.append((year, max(named, key=len)))
    return found


def judge(reader, intent: Intent, terms: list[QueryTerm], distinct: list[str], term_weights: np.ndarray,
          top_bits: int | None, hits: list[Hit]) -> Verdict:
    """The verdict on a search's hits (see the module docstring)."""
    synonyms = load_synonyms()
    if not hits or top_bits is None:
        return Verdict("low", ())
    top = hits[0]
    doc = top.document
    doc_year = int(doc.meta.year or doc.meta.date[:4] or 0) if (doc.meta.year or doc.meta.date[:4]).isdigit() else 0
    passage = normalize(top.text)
    metadata = normalize(" ".join((doc.meta.title, doc.meta.speaker, doc.meta.place, doc.meta.date, doc.meta.year)))
    unmatched: list[str] = []
    for year in intent.years:
        if year != doc_year and str(year) not in passage and str(year) not in metadata:
            unmatched.append(f"{year}年")
    for year, month, _day in intent.dates:
        on_date = doc.meta.date.startswith(f"{year}-{month:02d}")
        if not on_date and not (year == doc_year and not doc.meta.date[5:7] and f"{month}月" in passage):
            unmatched.append(f"{year}年{month}月")
    for year, word in _named_documents(intent, distinct, reader):
        if doc_year != year or word not in metadata:
            unmatched.append(f"{year}年{word}")
    for name in _NUMBERED.findall(intent.text):
        forms = {name} | {w for w, c in synonyms.items() if c == synonyms.get(name, name)}
        if not any(form in passage or form in metadata for form in forms):
            unmatched.append(name)
    entities = dictionary_entities()
    matched = [(top_bits >> j) & 1 == 1 for j in range(len(distinct))]
    for j, term in enumerate(distinct):
        if matched[j] or term.isdigit():
            continue
        if term in entities or term in reader.named_terms:
            unmatched.append(term)
    general = np.array([reader.idf(t) < _general_idf(reader) for t in distinct])
    coverage = float(weighted_share(np.array([top_bits], dtype=np.int64), term_weights)[0]) if len(distinct) else 1.0
    # Nothing to quote when the best passage shares only general words with a question
    # whose specific words are nowhere in it.
    answerable = not general.all() and (coverage >= 0.5 or any(m and not g for m, g in zip(matched, general)))
    if coverage < MIN_COVERAGE:
        unmatched.extend(t for j, t in enumerate(distinct) if not matched[j] and not general[j] and t not in unmatched
                         and not any(t in u for u in unmatched))
    unmatched = list(dict.fromkeys(unmatched))
    low = bool(unmatched) or coverage < MIN_COVERAGE
    return Verdict("low" if low else "high", tuple(unmatched), answerable)


def _general_idf(reader) -> float:
    """The IDF below which a term is general (-inf: none is, in a small collection)."""
    n = reader.passage_count
    df = max(GENERAL_SHARE * n, GENERAL_MIN)
    return math.log((n - df + 0.5) / (df + 0.5)) if n > 2 * df else -math.inf
