"""When a candidate's document is of the time a question asks: the factors of years, spans
of years, five-year plans, decades and dates (`rerank.Weights` has their weights).

A document is about the year it is of, or the one its title names (2023年全年… out in
February 2024: `reader.doc_subject_year`); a year is reviewed by the next year's documents
out by REVIEW_MONTHS (work reports, annual statistics), its target set by its own.
"""

from __future__ import annotations

import datetime
import re

import numpy as np

from .intent import Intent, plan_set_out

# Reviews of a year (work reports, annual statistics) come out by March of the next.
REVIEW_MONTHS = 3
# Words that speak of a target (预期目标, 目标任务): a passage of the year after that has none
# reports how the year turned out, not what was set for it.
_TARGET_WORD = re.compile(r"目标|预期")


def time_factor(reader, weights, intent: Intent, ids: np.ndarray, docs: np.ndarray, bits: np.ndarray,
                distinct: list[str], doc_meta_bits: np.ndarray) -> np.ndarray:
    """The product of the time factors per candidate (1 where the question names no time)."""
    factor = np.ones(len(ids))
    if intent.years:
        doc_years, subject = reader.doc_year[docs], reader.doc_subject_year[docs]
        # The year in the passage's own text: its metadata's year is the document's, which
        # counts below as the year the document is about.  A year bit is the text's, but
        # where the metadata has the year too; of those, only a document about another year
        # (its title says so) needs its text looked at.
        seen = np.zeros(len(ids), dtype=bool)
        for j, term in enumerate(distinct):
            if term.isdigit() and int(term) in intent.years:
                in_bits, in_meta = (bits >> j) & 1 == 1, (doc_meta_bits[docs] >> j) & 1 == 1
                seen |= in_bits & ~in_meta
                unsure = np.flatnonzero(in_bits & in_meta & (subject != int(term)))
                seen[unsure] |= reader.has_term(ids[unsure], term)
        # No review of the year before: a title naming another year, a date after March.
        no_review = (subject != doc_years) | (reader.doc_date[docs] // 100 % 100 > REVIEW_MONTHS)
        years = year_factor(weights, intent.years, subject, seen, intent.period, no_review, intent.target)
        if len(intent.years) == 1 and intent.period is None and not intent.documents:
            years = by_section_year(weights, years, intent.years[0], subject, reader.passage_year[ids], seen,
                                    intent.target)
        if intent.target:
            years = _outcomes_missed(reader, weights, years, intent.years[0] + 1, doc_years, ids, distinct, seen)
        factor *= years
    elif intent.plan:
        factor *= plan_factor(weights, intent.plan, reader.doc_subject_year[docs], intent.about_target, intent.about_outcome)
    elif intent.era:
        factor *= era_factor(weights, intent.era, reader.doc_subject_year[docs])
    if intent.date_numbers:
        factor *= date_factor(weights, intent.date_numbers, reader.doc_date[docs])
    if intent.month_days:
        factor *= month_day_factor(weights, intent.month_days, reader.doc_date[docs])
    return factor


def _outcomes_missed(reader, weights, factor: np.ndarray, year_after: int, doc_years: np.ndarray,
                     ids: np.ndarray, distinct: list[str], seen: np.ndarray) -> np.ndarray:
    """A year's target asked: `year_miss` for the passages of documents out the year after
    that do not name the year (去年, indexed as that year, does; 赤字率拟按3%安排 in the next
    year's report is that year's own target), or whose text speaks of no target (初步核算，
    2024年全年，国内生产总值…, in an item titled …主要发展目标顺利实现): how the year turned
    out, not what was set for it."""
    later = np.flatnonzero((doc_years == year_after) & (factor > weights.year_miss))
    if not len(later):
        return factor
    said = seen[later].copy()
    words = [term for term in distinct if _TARGET_WORD.search(term)]
    if words:
        target = np.zeros(len(later), dtype=bool)
        for term in words:
            target |= reader.has_term(ids[later], term)
        said &= target
    factor = factor.copy()
    factor[later[~said]] = weights.year_miss
    return factor


def year_factor(weights, years: tuple[int, ...], doc_years: np.ndarray, year_seen: np.ndarray,
                period: tuple[int, int] | None = None, no_review: np.ndarray | None = None,
                target: bool = False) -> np.ndarray:
    """1 where the candidate satisfies a year of the question (its document is of that year,
    or the year is in its passage), `year_next` for the next year's document (unless it is
    no review of the year, `no_review`: its title names another year, or it came out later
    than REVIEW_MONTHS), `year_miss` otherwise.  A span of years is reviewed whole the year
    after it ends.  A year's `target` is set by its own document: the next year's, which
    reviews the year ("去年…预期增长目标"), stays at `year_next` though its passage names the year."""
    factor = np.full(len(doc_years), weights.year_miss)
    reviews = _any_of(doc_years, [year + 1 for year in years])
    factor[reviews if no_review is None else reviews & ~no_review] = weights.year_next
    factor[_any_of(doc_years, years) | (year_seen & ~reviews if target else year_seen)] = 1.0
    if period is not None:  # within it, a document tells of part of it
        factor[factor == 1.0] = weights.year_next
        factor[doc_years == period[1] + 1] = 1.0
    return factor


def by_section_year(weights, factor: np.ndarray, year: int, doc_years: np.ndarray,
                    section_years: np.ndarray, year_seen: np.ndarray, target: bool) -> np.ndarray:
    """`year_factor`'s `factor`, corrected by the year the heading of each passage's section
    names (`cleaning.section_years`): the review of the year before in the year's own report
    ("一、2023年工作回顾" of 2024's) tells of that year, not of the year asked, `year_miss`
    unless its text names the year asked (as the verdict judges it); the next year's review of
    the year asked tells of it, 1 (a target, though, is set by its own year's report)."""
    factor = np.where((doc_years == year) & (section_years == year - 1) & ~year_seen, weights.year_miss, factor)
    if not target:
        factor[(doc_years == year + 1) & (section_years == year)] = 1.0
    return factor


def plan_factor(weights, plan: tuple[int, int], doc_years: np.ndarray, target: bool, outcome: bool) -> np.ndarray:
    """A five-year plan is set out the year it begins (and in the proposals of the autumn
    before; a few later, `plan_set_out`) and reviewed the year after it ends: 1 for those documents (its `target`s only
    the first, how it turned out, `outcome`, only the review), `year_next` for the years in
    between, `year_miss` for the rest; 1 for undated documents, which may be of any year."""
    start, end = plan
    factor = np.where((doc_years >= start) & (doc_years <= end), weights.year_next, weights.year_miss)
    factor[doc_years == 0] = 1.0
    if not outcome:
        set_out = plan_set_out(start)
        factor[(doc_years == set_out) | (doc_years == set_out - 1)] = 1.0
    if not target:
        factor[doc_years == end + 1] = 1.0
    return factor


def era_factor(weights, era: tuple[int, int], doc_years: np.ndarray) -> np.ndarray:
    """1 for the documents of a decade the question names (八十年代初), and of the year after
    it, which reviews its last year; `year_miss` for other years; 1 for undated documents."""
    start, end = era
    return np.where(((doc_years >= start) & (doc_years <= end + 1)) | (doc_years == 0), 1.0, weights.year_miss)


def _any_of(values: np.ndarray, wanted) -> np.ndarray:
    """`np.isin(values, wanted)` for a few wanted values: a comparison each costs far less
    than the sort isin does."""
    found = np.zeros(len(values), dtype=bool)
    for value in wanted:
        found |= values == value
    return found


def this_and_next_day(month: int, day: int) -> list[tuple[int, int]]:
    """(month, day) of a day of a month and of the day after it (in a year that is no leap year)."""
    try:
        after = datetime.date(2001, month, day) + datetime.timedelta(days=1)
    except ValueError:  # 2月29日, 4月31日
        return [(month, day)]
    return [(month, day), (after.month, after.day)]


def month_day_factor(weights, month_days: tuple[tuple[int, int], ...], doc_dates: np.ndarray) -> np.ndarray:
    """As `date_factor`, for days of a month written without a year (8月1日): 1 where the
    document is of that day of any year, or of the day after (a late event is on the next
    day's news)."""
    day_of_year = doc_dates % 10000
    inside = np.zeros(len(doc_dates), dtype=bool)
    for month, day in month_days:
        for m, d in this_and_next_day(month, day):
            inside |= day_of_year == m * 100 + d
    dated = doc_dates % 100 > 0
    return np.where(inside, 1.0, np.where(dated, weights.date_miss, np.sqrt(weights.date_miss)))


def date_factor(weights, ranges: tuple[tuple[int, int], ...], doc_dates: np.ndarray) -> np.ndarray:
    """1 where the document's date falls in a date the question names; `date_miss` where
    it has a full date outside them; neutral for documents without a day."""
    inside = np.zeros(len(doc_dates), dtype=bool)
    for low, high in ranges:
        inside |= (doc_dates >= low) & (doc_dates <= high)
    dated = doc_dates % 100 > 0
    return np.where(inside, 1.0, np.where(dated, weights.date_miss, np.sqrt(weights.date_miss)))
