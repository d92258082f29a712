"""The weights of every ranking factor, in one place, and the factors themselves.

A search scores candidates in two stages (see `searcher.Searcher.search`): BM25 over the
posting lists gives each passage its text score, then the factors below, computed for all
candidates at once with numpy, turn it into the final score.  Each factor has a neutral
value that switches it off (`Weights.without`), which is how `benchmarks/dev_eval.py`
measures what each one is worth.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np

from . import kernel
from .intent import Intent
from .periods import time_factor
from .shares import Shares


@dataclass(frozen=True)
class Weights:
    # A query term found in a document's metadata scores for each of its passages
    # `field` x the term's specificity (log of documents / documents sharing it).
    field: float = 4.0
    # What an occurrence of a term counts in a passage whose document's metadata already
    # has the term (岳阳 in a speech about 岳阳), relative to one elsewhere.
    inside: float = 0.0
    # Candidates scaled by the IDF-weighted share of query terms the passage, or its
    # document's metadata, matches (Lucene's coordination factor), to this power.
    coordination: float = 1.0
    # Share of the score that depends on how many query terms the passage's whole
    # document has: a passage of the document about the question beats a stray one.
    document: float = 0.6
    # News items against speeches and reports that answer equally well.
    news: float = 0.5
    # A news feature (a column's piece, a follow-up on reactions) against the report of the
    # event it elaborates.
    feature: float = 0.6
    # A year the question names that is neither the year the document is about (its own, or
    # the one its title names) nor in the passage; a document of the next year (which
    # reviews it) gets `year_next` instead, and so do those within a span of years asked.
    year_miss: float = 0.25
    year_next: float = 0.7
    # A document the question names by year and title ("1979年政府工作报告") that the
    # candidate's document is not.
    document_miss: float = 0.5
    # A month or day the question names that the document's date does not match.
    date_miss: float = 0.3
    # Candidates among the best `PHRASE_POOL` that contain pairs of the query's adjacent
    # words verbatim gain up to this share (by the pairs' weight): proximity.
    phrase: float = 1.0
    # A year the question names is a constraint (the factors above), not metadata evidence:
    # the figures of a year are stated in that year's report and in the next one's.
    year_metadata: float = 0.0
    # "First mention" questions list the documents that state the concept oldest first.
    earliest: float = 1.0
    # A candidate among the best `PHRASE_POOL` without the kind of answer the question
    # asks for (a number for 多少, a year for 哪年, a clock time for 几点, for "X是什么" X
    # followed by 是/为/包括/a colon) is scaled by this.
    answer_kind: float = 0.6
    # "What is it about" questions: a document's n-th passage (from 0) is scaled by
    # 1 + summary / (n + 1), so a text's opening, which says what it is about, comes first.
    summary: float = 1.0
    # A question about a whole year (names a year, no month or part of one): a passage
    # that reports part of a year (前11个月, 上半年, 一季度) is scaled by this.
    part_of_year: float = 0.35
    # A question that looks news up by date: a news item's lead, its dateline paragraph
    # ("央视网消息（新闻联播）：…", "新华社北京3月5日电"), which says what happened, gains this.
    lead: float = 2.0
    # ... but not where another passage of the item matches a share of the question's terms
    # larger by more than this: the question asks a detail, and that passage (if it matches
    # more than any lead) gains `lead` instead (`lead_factor`).
    lead_margin: float = 0.15
    # A word everyday Chinese uses far more often than the collection does (后来, 掏钱, 那边:
    # by jieba's own dictionary counts against the collection's IDF) is how people ask, not
    # how the texts say it: its weight in the share of the question a passage matches falls,
    # down to this (`colloquial_weights`).
    colloquial: float = 0.2
    # Within a document the question names by its metadata (a title, a speaker), whose
    # passages all share that evidence, a passage is told apart by the question's words that
    # are rare in the document: scaled by 1 - `within_document` + `within_document` x its
    # document-local match relative to the document's best (`within_document_factor`).
    within_document: float = 0.7
    # A passage that has, verbatim, a run of the question long enough to be a sentence pasted
    # in (`Intent.verbatim`) is scaled by 1 + `verbatim` x the share of such runs' characters
    # it has: a quote's source.
    verbatim: float = 2.0
    # Passages shorter than this many characters (headings, date lines) are scaled down
    # in proportion: users want a quotable sentence, and BM25 alone favours short lines.
    short_passage: float = 60.0

    def without(self, name: str) -> Weights:
        """These weights with one factor switched off."""
        return dataclasses.replace(self, **{name: NEUTRAL[name]})


# Each factor's "off": no metadata evidence, no coordination, no document coverage, news
# like speeches, years and dates and named documents not enforced, in-metadata occurrences
# counted like any, no first-mention order, no phrase pairs, years back as metadata
# evidence, any passage as good an answer to 多少 or 哪年, no short-passage prior, a named
# document's passages by the collection's word weights alone.
NEUTRAL = {
    "field": 0.0, "inside": 1.0, "coordination": 0.0, "document": 0.0, "news": 1.0, "year_miss": 1.0,
    "year_next": 1.0, "document_miss": 1.0, "date_miss": 1.0, "phrase": 0.0, "year_metadata": 1.0,
    "earliest": 0.0, "answer_kind": 1.0, "short_passage": 0.0, "lead": 1.0, "lead_margin": 1.0, "feature": 1.0,
    "part_of_year": 1.0, "summary": 0.0, "colloquial": 1.0, "within_document": 0.0,
    "verbatim": 0.0,
}
DEFAULT = Weights()


# How much more often everyday Chinese uses a word than the collection does, in logs (the
# log of its share of jieba's counts plus its IDF here): from COLLOQUIAL_FROM the word's
# weight falls, to `Weights.colloquial` at COLLOQUIAL_FROM + COLLOQUIAL_SPAN.
COLLOQUIAL_FROM = -4.0
COLLOQUIAL_SPAN = 4.0


def colloquial_weights(weights: Weights, everyday: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """Per term, what its weight counts in matching the question (1, or less for a
    colloquial word); `everyday`: `Analyzer.everyday_log_frequency` of each (nan: none)."""
    excess = everyday + idf - COLLOQUIAL_FROM
    scaled = np.clip(1 - excess / COLLOQUIAL_SPAN, weights.colloquial, 1.0)
    return np.where(np.isnan(excess), 1.0, scaled)


def named_document_factor(weights: Weights, documents, subject_years: np.ndarray, doc_years: np.ndarray,
                          meta_bits: np.ndarray, distinct: list[str]) -> np.ndarray:
    """`document_miss` for candidates whose document is not one the question names by year
    and title (`Intent.documents`, `named_by_title`)."""
    factor = np.ones(len(doc_years))
    for document in documents:
        factor *= np.where(named_by_title(document, subject_years, doc_years, meta_bits, distinct), 1.0,
                           weights.document_miss)
    return factor


def named_by_title(document, subject_years: np.ndarray, doc_years: np.ndarray, meta_bits: np.ndarray,
                   distinct: list[str]) -> np.ndarray:
    """Per candidate, whether its document is the one a question names by year and title
    (one of `Intent.documents`): about that year, with every title word in its metadata.  A
    document whose title names another year (2023年全年…, out in 2024) is not 2024's."""
    year, words, _ = document
    named = subject_years == year
    if str(year) in distinct:  # a title naming several years, one of them this
        named |= ((meta_bits >> distinct.index(str(year))) & 1 == 1) & (subject_years == doc_years)
    for word in words:
        named &= (meta_bits >> distinct.index(word)) & 1 == 1
    return named


def lead_factor(weights: Weights, lead: np.ndarray, docs: np.ndarray, share: np.ndarray,
                last: np.ndarray | None = None) -> np.ndarray:
    """`lead` for what says what the question asks of a news item: the item's lead
    (`lead`: per candidate), unless another passage of the item matches a share of the
    question larger by `lead_margin`, or has the question's last word (`last`: per candidate,
    whether it has it; 总投资 of "…开工 总投资", 发言 of "…座谈会 哪些企业家发言") where the
    lead has not.  The question then asks a detail (航班号 of a first flight): the item's best
    passage gains `lead` instead, if it matches more of the question than every lead does.
    `share`: each candidate's share of the question."""
    if not lead.any() or weights.lead_margin >= 1.0:
        return np.where(lead, weights.lead, 1.0)
    best = best_of_document(share, docs)
    item = best_of_document(lead.astype(float), docs) > 0  # candidates of items whose lead is one
    says = lead & (share >= best - weights.lead_margin)
    if last is not None:
        says &= last | (best_of_document(last.astype(float), docs) == 0)
    told = best_of_document(says.astype(float), docs) > 0
    detail = item & ~told & (share >= best) & (share > share[lead].max())
    return np.where(says | detail, weights.lead, 1.0)


# A document needs this many passages for its own word counts to tell them apart.
WITHIN_MIN_PASSAGES = 8


def within_document_factor(weights: Weights, reader, ids: np.ndarray, bits: np.ndarray, doc_meta_bits: np.ndarray,
                           shares: Shares, terms: int, named: np.ndarray) -> np.ndarray:
    """For the candidates of a document the question names (`named`: by the words of its
    title, speaker or place, or by year and title) that has WITHIN_MIN_PASSAGES or more:
    1 - `within_document` + `within_document` x
    the passage's local match over the best of its document's.  The local match weighs each
    question word the passage's text has by its share of the question times its IDF among the
    document's passages: in the 十五大 report 社会主义初级阶段 is everywhere, and the passage with
    至少需要…时间 answers "至少需要多长时间".  Words of the metadata, in every passage alike,
    weigh nothing.  (Every passage with a word of the question is a candidate: the counts
    are the document's.)"""
    named = named[reader.doc_count[named] >= WITHIN_MIN_PASSAGES]
    if not len(named):
        return np.ones(len(ids))
    term_shares = shares(np.int64(1) << np.arange(terms, dtype=np.int64))
    return kernel.within_document(ids, bits, named, reader.doc_first, reader.doc_count, doc_meta_bits,
                                  term_shares, weights.within_document, reader.longest_document)


def best_of_document(values: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Per candidate, the largest of `values` among the candidates of its document
    (`docs`: each candidate's document; a document's candidates are adjacent)."""
    if not len(docs):
        return values.copy()
    starts = np.flatnonzero(np.append(True, docs[1:] != docs[:-1]))
    return np.repeat(np.maximum.reduceat(values, starts), np.diff(np.append(starts, len(docs))))


def factors(reader, weights: Weights, intent: Intent, ids, docs, bits, shares: Shares, coverage: Shares,
            distinct: list[str], doc_bits, doc_meta_bits, named_documents: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The product of the re-ranking factors per candidate, and which candidates gained as
    what says what a news item looked up by date is about (`lead_factor`; None when the
    question names no date); `doc_bits`: per candidate, the terms its whole document has
    (text or metadata), weighed by `coverage`; `named_documents`: those whose metadata the
    question names best."""
    lead_gain = None
    factor = shares(bits)
    if weights.coordination != 1.0:  # (x ** 1.0 is x: spare a pass)
        factor **= weights.coordination
    factor *= kernel.take(reader.per_passage(("short_prior", weights.short_passage),
                                             lambda: short_prior(weights, reader.passage_chars)), ids)
    if weights.document:
        factor *= 1 - weights.document + weights.document * coverage(doc_bits)
    factor *= reader.per_passage(("news", weights.news, weights.feature), lambda: np.where(
        reader.doc_news, weights.news, 1.0) * np.where(reader.doc_feature, weights.feature, 1.0))[docs]
    if weights.within_document and intent.documents:  # and those named by year and title (1979年政府工作报告)
        subject, meta = reader.doc_subject_year[docs], doc_meta_bits[docs]
        for document in intent.documents:
            by_title = named_by_title(document, subject, reader.doc_year[docs], meta, distinct)
            named_documents = np.union1d(named_documents, docs[by_title])
    if weights.within_document and len(named_documents):
        factor *= within_document_factor(weights, reader, ids, bits, doc_meta_bits, shares, len(distinct), named_documents)
    if intent.years or intent.plan or intent.era or intent.date_numbers or intent.month_days:
        factor *= time_factor(reader, weights, intent, ids, docs, bits, distinct, doc_meta_bits)
    if intent.dates or intent.month_days:  # news looked up by date: a lead says what happened
        # (the question's last word, what it asks; not the date, which may come last)
        asked = max((j for j, term in enumerate(distinct) if not term.isdigit()), default=len(distinct) - 1)
        last = (bits >> asked) & 1 == 1
        gain = lead_factor(weights, reader.passage_lead[ids], docs, shares(bits), last)
        factor *= gain
        lead_gain = gain > 1.0
    if intent.whole_year:  # a figure of some months does not answer for the year
        factor *= np.where(reader.passage_part[ids], weights.part_of_year, 1.0)
    if intent.asks == "summary" and weights.summary:  # of a document whose metadata has every term
        about = doc_meta_bits[docs] == (1 << len(distinct)) - 1
        factor *= np.where(about, 1 + weights.summary / (1 + ids - reader.doc_first[docs]), 1.0)
    if intent.documents:
        factor *= named_document_factor(weights, intent.documents, reader.doc_subject_year[docs], reader.doc_year[docs],
                                        doc_meta_bits[docs], distinct)
    return factor, lead_gain


def phrase_factor(weights: Weights, norms: list[str], phrases: tuple[str, ...], phrase_weights: np.ndarray) -> np.ndarray:
    """1 + `phrase` x the weighted share of the question's adjacent word pairs that each
    passage (its normalised text) has verbatim: proximity."""
    found = np.array([[p in norm for p in phrases] for norm in norms], dtype=float).reshape(len(norms), len(phrases))
    return 1 + weights.phrase * (found @ phrase_weights) / (phrase_weights.sum() or 1.0)


def verbatim_factor(weights: Weights, norms: list[str], runs: tuple[str, ...]) -> np.ndarray:
    """1 + `verbatim` x the share of the runs' characters (`Intent.verbatim`) that each passage
    (its normalised text) has verbatim."""
    lengths = np.array([len(run) for run in runs], dtype=float)
    found = np.array([[run in norm for run in runs] for norm in norms], dtype=float).reshape(len(norms), len(runs))
    return 1 + weights.verbatim * (found @ lengths) / (lengths.sum() or 1.0)


def answer_lead_factor(weights: Weights, gained: np.ndarray, docs: np.ndarray, answers: np.ndarray,
                       scores: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Among a pool of candidates: where what gained as saying what a news item is about
    (`gained`, by `lead_factor`) lacks the kind of answer asked for (`answers`: whether each
    has it), the gain goes to the best (by `scores`) of the item's passages that have it and
    match a share of the question (`share`) at most `lead_margin` below it: "哪天开" of a
    lead that tells a meeting closed, against the passage that states the day the next opens."""
    factor = np.ones(len(gained))
    for doc in np.unique(docs[gained & ~answers]).tolist():
        lacking = (docs == doc) & gained & ~answers
        others = np.flatnonzero((docs == doc) & answers & ~gained & (share >= share[lacking].max() - weights.lead_margin))
        if len(others):
            factor[lacking] /= weights.lead
            factor[others[np.argmax(scores[others])]] *= weights.lead
    return factor


def answer_factor(weights: Weights, norms: list[str], pattern: re.Pattern | None) -> np.ndarray:
    """1 for a passage that has the kind of answer asked for (`answer_pattern`), else
    `answer_kind`; 1 for all when the question asks for no particular kind."""
    if pattern is None:
        return np.ones(len(norms))
    return np.array([1.0 if pattern.search(norm) else weights.answer_kind for norm in norms])



def short_prior(weights: Weights, chars: np.ndarray) -> np.ndarray:
    if not weights.short_passage:
        return np.ones(len(chars))
    return np.minimum(1.0, chars / weights.short_passage)
