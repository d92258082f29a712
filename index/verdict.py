"""Is the top hit an answer?  The constraints a question names, checked against it.

A writer pastes the quote; another year's or another city's figures, quoted with
confidence, are the worst answer.  So every search gets a verdict: "high" when the top
hit satisfies what the question names, "low" (with what it lacks) when it does not:

- years and year-months the question names, against the document's date and the passage;
  a figure asked of a whole year is not one of some months (前11个月, 上半年), nor, asked
  in so many words (2026年全年), stated before that year's December;
- a named document ("2030年政府工作报告"): a year followed by words of the collection's
  titles must be that document's own year;
- places, people and organisations (words of the collection's metadata, and jieba's
  dictionary words tagged as places or organisations), against the passage, its
  document's metadata and, in a news item, the item's lead; so too the question's rarest
  word when jieba's dictionary tags it as any proper noun (英超, 奥斯卡);
- numbered names (十九大, 五中全会), which must carry the same number in the hit;
- a name jieba's dictionary cuts into characters (乌尉 of 乌尉高速, 欧冠) that some passage of the
  candidates writes as one: the collection knows it, and the hit must name it;
- a quantity asked in a unit with its magnitude (多少万人次), which the passage must state;
- a figure the question states (提高到每月8000元), which the hit must state too;
- how a figure turned out (实际增长多少), which a passage setting only its target does not state;
- a passage too short to hold a sentence (a heading, a stub page) answers nothing;
- how much of the question the hit covers at all (IDF-weighted), so that a question whose
  specific words appear nowhere is not answered by its general ones.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .analysis import dictionary_tags
from .analysis import STOP_WORDS
from .answers import answer_pattern
from .cleaning import reports_part_of_year
from .intent import Intent
from .metadata import searchable_fields
from .models import DocumentMeta, Hit
from .normalize import normalize
from .periods import REVIEW_MONTHS, this_and_next_day
from .rerank import DEFAULT, colloquial_weights
from .shares import Shares

# Below this IDF-weighted share of the question matched, the top hit is not an answer.
MIN_COVERAGE = 0.6
# A term found in more than this share of passages is general (今天, 工作, 发展).
GENERAL_SHARE = 0.05
GENERAL_MIN = 50  # passages; in a small collection no word is general
ENTITY_TAGS = ("ns", "nt")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Characters of the ways of asking left in a question's words (几大, 安不安全, 多少): no name.
_ASKING_CHARACTERS = frozenset("几哪啥谁吗呢么多少不没否")
# A character everyday Chinese writes alone at least this often (in logs of its share of
# jieba's counts: 1 in 20,000; 到 is 1 in 1,600, 开 1 in 12,000, 欧 1 in 140,000) is a word.
EVERYDAY_WORD = math.log(5e-5)
# Numbered names: 二十一大, 十五届, 五中全会, 四次会议, 神舟二十五号, 回归30周年.  The number is the point of them,
# so the hit must carry the same number (a synonym's form counts: 十九大 = 第十九次全国代表大会).
_NUMBERED = re.compile(r"([一二三四五六七八九十百两0-9]+)(周年|次会议|次全会|[大届中号])")


@dataclass(frozen=True)
class Verdict:
    confidence: str  # "high" or "low"
    unmatched: tuple[str, ...] = ()
    answerable: bool = True  # False: the hits share only general words with the question


def is_name(term: str, named_terms: frozenset[str]) -> bool:
    """A place, person or organisation: a word of the collection's speakers and places that
    is not a common word, or a word jieba's dictionary tags as a place or organisation."""
    if len(term) < 2 or term.isdigit():
        return False
    tag = dictionary_tags().get(term)
    return tag in ENTITY_TAGS or (term in named_terms and tag in (None, "nr", "nrt", "nrfg", "nz", "ns", "nt"))


@dataclass(frozen=True)
class _Top:
    """The top hit as the checks see it: its year, normalised text and metadata."""

    year: int
    date: str
    passage: str
    metadata: str
    bits: int
    section_year: int = 0  # the year the heading of its section names (`cleaning.section_years`)

    def has(self, text: str) -> bool:
        return text in self.passage or text in self.metadata

    def names(self, name: str) -> bool:
        """Whether the hit names `name`, written out, abbreviated or as the texts' own way of
        naming their country (我国): an abbreviation keeps characters of the full name in
        order (全国人大 = 全国人民代表大会, 中纪委 = 中央纪律检查委员会)."""
        spelled = _ABBREVIATION_GAP.join(map(re.escape, name))
        return (self.has(name) or any(self.has(other) for other in _SELF_NAMES.get(name, ()))
                or bool(re.search(spelled, self.passage) or re.search(spelled, self.metadata)))


def _top_of(hit: Hit, norm: str, bits: int, section_year: int = 0) -> _Top:
    """`norm`: the passage's normalised text, as the index keeps it."""
    meta = hit.document.meta
    year_text = meta.year or meta.date[:4]
    return _Top(int(year_text) if year_text.isdigit() else 0, meta.date, norm, _metadata_text(meta), bits, section_year)


@lru_cache(maxsize=4096)
def _metadata_text(meta: DocumentMeta) -> str:
    """The values a document is found by (title, speaker, place, year, kind and its Chinese
    words: 党代会 报告) and its date, normalised (the same documents come up again and again)."""
    return normalize(" ".join((*searchable_fields(meta), meta.date)))


# (a year after 比 or 较 is a baseline: "比1980年增加" tells of the year after it)
_YEAR_WRITTEN = re.compile(r"(?<![\d比较])((?:19|20)\d\d)(?!\d)")


def _about_other_years(passage: str, year: int) -> bool:
    """Whether the passage reviews the year before `year` and does not speak of `year` or
    "this year": a 2021 speech's account of 2020 does not answer a question about 2021."""
    written = set(_YEAR_WRITTEN.findall(passage))
    return str(year - 1) in written and str(year) not in written and not any(w in passage for w in ("今年", "本年", "当年"))


def _reviews_period(intent: Intent, top: _Top) -> bool:
    """Whether the question names a span of years and the hit's document is of the year after."""
    return intent.period is not None and top.year == intent.period[1] + 1


def _missing_times(intent: Intent, distinct: list[str], top: _Top) -> list[str]:
    """Years and months the question names that the top hit does not cover.  A year is
    covered by the document's year, the next year's document up to March (annual reports and
    January news state the year before), or the year in the passage (relative years resolved); a
    span of years by the document of the year after it ends, which reviews it."""
    missing = []
    for year in intent.years:
        # (the year as a year, not a quantity: 2028万; or a relative year its text resolves to)
        in_text = bool(re.search(rf"(?<![\d.]){year}(?![\d.%]|\s*[万亿千百多余])", top.passage))
        written = in_text or str(year) in top.metadata
        matched = str(year) in distinct and (top.bits >> distinct.index(str(year))) & 1
        in_passage = written or (matched and str(year) not in top.passage)
        if _reviews_period(intent, top):
            continue
        month = re.match(r"\d{4}-(\d{1,2})", top.date)
        reviews = top.year == year + 1 and (not month or int(month.group(1)) <= REVIEW_MONTHS)
        if top.year != year and not reviews and not in_passage:
            missing.append(f"{year}年")
        elif (len(intent.years) == 1 and not intent.dates
              and (_about_other_years(top.passage, year) or top.section_year not in (0, year) and not in_text)
              and not any(named == year == top.year for named, _, _ in intent.documents)):  # (1958年的报告说上一年…)
            missing.append(f"{year}年")
    if intent.whole_year and intent.asks == "number" and reports_part_of_year(top.passage):
        missing.append(f"{intent.years[0]}年全年")  # the figure of some months is not the year's
    elif intent.full_year and top.date[:4] == str(intent.years[0]) and int(top.date[5:7] or 12) < 12:
        missing.append(f"{intent.years[0]}年全年")  # the whole year's figure comes out as it ends
    if intent.era and not intent.era[0] <= top.year <= intent.era[1] + 1:  # (undated: year 0)
        missing.append(intent.era_written)
    for year, month, day in intent.dates:
        # (a day's late events are on the next day's news: 4月30日 闭幕, reported on 1 May)
        on_date = top.date.startswith(f"{year}-{month:02d}") or bool(day) and top.date == _next_day(year, month, day)
        undated_mention = year == top.year and not top.date[5:7] and f"{month}月" in top.passage
        if not (on_date or undated_mention):
            missing.append(f"{year}年{month}月")
    for month, day in intent.month_days:  # (of any year)
        if not any(top.date.endswith(f"-{m:02d}-{d:02d}") for m, d in this_and_next_day(month, day)):
            missing.append(f"{month}月{day}日")
    # A figure as a month ends (截至6月底, 1至11月, 四季度) is reported in the months after it.
    dated = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", top.date)
    for written, (low, high) in zip(intent.month_ends_written, intent.date_numbers[len(intent.dates):]):
        if dated and not low <= int("".join(dated.groups())) <= high:
            missing.append(written)
    return missing


# The forms a numbered name takes in full, {n} its number: 十九大 = 第十九次全国代表大会;
# 五中全会 = 中央委员会第五次全体会议 (a plenum of the central committee, not of another body).
_LONG_FORMS = {
    "大": ("{n}大", "{n}次全国代表大会", "{n}次代表大会"),
    "中": ("{n}中", "中央委员会第{n}次全体会议"),
    "届": ("{n}届",), "号": ("{n}号",), "周年": ("{n}周年",),
    "次会议": ("{n}次会议",), "次全会": ("{n}次全会", "{n}次全体会议"),
}
# A quantity asked in a unit with its magnitude (多少万人次) is answered by a number in it.
_NUMBER = "[0-9.一二三四五六七八九十百千两〇零]"
# A passage this short without a sentence in it is a heading or a stub, not an answer.
STUB_CHARS = 30
_SENTENCE = re.compile(r"[。！？；!?;]")
# The collection's texts are Chinese official ones: "我国" is China.
_SELF_NAMES = {"中国": ("我国",)}
_ABBREVIATION_GAP = r"[^\s，。；、,;]{0,4}?"  # characters an abbreviation leaves out between two it keeps


def _missing_numbers(intent: Intent, top: _Top) -> list[str]:
    """Numbered names (二十一大, 十五届, 五中全会) whose number the top hit does not carry."""
    missing = []
    text = top.passage + " " + top.metadata
    for number, kind in _NUMBERED.findall(intent.text):
        name, forms = number + kind, _LONG_FORMS[kind]
        full = "|".join(form.format(n=f"第?{number}") for form in forms)
        if not re.search(rf"(?<![一二三四五六七八九十百两0-9])(?:{full})", text):
            missing.append(name)
    return missing


# What a "how many" question misses when the best passage states no quantity.
NO_FIGURE = "具体数字"
# ... and how the miss is named when the passage has the figure redacted (增长X%, X亿元): the
# scrape's placeholder for a number the source left out.
REDACTED = "（原文以X代替）"
_REDACTED_FIGURE = re.compile(r"(?<![A-Za-z])[Xx](?![A-Za-z])\s*(?:%|[万亿千百]*[元个项人天处次吨])")
# What a question of how a figure turned out (实际增长多少) misses when the best passage only sets
# the target (今年发展主要预期目标是：…, 拟按2.8%安排).
NO_OUTCOME = "实际完成情况"
_TARGET_SET = re.compile(r"预期目标|目标为|目标是|拟按")
_TURNED_OUT = re.compile(r"实际增长|实际完成|完成了|实现了|达到了|比上年增长|同比增长|增长了|全年[^，。]{0,12}增长")


def _missing_quantities(intent: Intent, top: _Top) -> list[str]:
    """Units of a quantity asked with its magnitude (多少万吨) that the top passage does not
    state a number in.  Any magnitude will do (多少亿元 is answered in 万亿元), and the
    unit's first character: scrapes clip units (65.37万标 for 万标箱); a round figure may say 多 or 余
    (8000多亿元, 300余万人)."""
    redacted = REDACTED if _REDACTED_FIGURE.search(top.passage) else ""
    return [unit + redacted for unit in intent.units
            if not re.search(rf"{_NUMBER}\s*[多余]?[万亿千百]*{unit[1]}", top.passage)]


def character_runs(words: list[str], everyday_log_frequency) -> tuple[str, ...]:
    """Runs of two or more single characters of the question (`words`: its cut): where a
    name jieba's dictionary lacks was cut up (乌尉 of 乌尉高速, 欧冠).  Ways of asking are no
    names, nor runs with a character everyday Chinese uses as a word of its own (跑到, 去开;
    by `everyday_log_frequency`, nan when uncounted)."""
    runs, run = [], ""
    for word in [*words, " "]:
        if len(word) == 1 and _HAN.match(word) and word not in STOP_WORDS and word not in _ASKING_CHARACTERS:
            run += word
            continue
        if len(run) >= 2 and not any(everyday_log_frequency(c) >= EVERYDAY_WORD for c in run):
            runs.append(run)
        run = ""
    return tuple(runs)


def written_names(runs: tuple[str, ...], norms) -> tuple[str, ...]:
    """The `character_runs` of a question that some of the passages (`norms`) write as one:
    names the collection has, which a passage that answers must name."""
    return tuple(r for r in runs if any(r in norm for norm in norms))


def judge(reader, intent: Intent, distinct: list[str], shares: Shares, top_bits: int | None,
          hits: list[Hit], norms: list[str], names: tuple[str, ...] = ()) -> Verdict:
    """The verdict on a search's hits (see the module docstring); `norms`, their passages'
    normalised texts; `names`, the question's `written_names`, which the top hit must name."""
    if not hits or top_bits is None:
        return Verdict("low", ())
    if not distinct:  # filters alone: the documents asked for, nothing to judge
        return Verdict("high")
    top = _top_of(hits[0], norms[0], top_bits, int(reader.passage_year[hits[0].passage_id]))
    if _reviews_period(intent, top):  # the span's years are what the document is about
        top_bits |= sum(1 << j for j, t in enumerate(distinct) if t.isdigit() and int(t) in intent.years)
    unmatched = _missing_constraints(reader, intent, distinct, top) + [
        n for n in names if not top.names(n) and not any(n in unit for unit in intent.units)]  # (万标箱: a unit, checked above)
    if any(is_name(u, reader.named_terms) for u in unmatched) and (lead := _item_lead(reader, hits[0])):
        unmatched = [u for u in unmatched if not (is_name(u, reader.named_terms) and u in lead)]
    matched = [(top_bits >> j) & 1 == 1 for j in range(len(distinct))]
    general_idf = _general_idf(reader)
    general = [reader.idf(t) < general_idf for t in distinct]
    coverage = shares.one(top_bits)
    # Nothing to quote when the question's words are all general, or when the best passage
    # shares only general words with a question whose specific words are nowhere in it.
    answerable = not all(general) and (coverage >= 0.5 or any(m and not g for m, g in zip(matched, general)))
    unmatched += _missing_rarest_name(reader, distinct, matched, top, hits[0])
    if coverage < MIN_COVERAGE:
        unmatched += _worth_naming(reader, [t for t, m, g in zip(distinct, matched, general) if not m and not g])
    unmatched = [u for u in dict.fromkeys(unmatched) if not any(u != o and u in o for o in unmatched)]
    stub = len(top.passage) < STUB_CHARS and not _SENTENCE.search(top.passage)
    low = bool(unmatched) or coverage < MIN_COVERAGE or stub
    return Verdict("low" if low else "high", tuple(unmatched), answerable)


def _missing_constraints(reader, intent: Intent, distinct: list[str], top: _Top) -> list[str]:
    """The years, months, named documents, numbered names and names the top hit lacks."""
    missing = _missing_times(intent, distinct, top)
    missing += [written for year, words, written in intent.documents
                if str(year) not in top.metadata or not all(top.has(w) for w in words)]
    missing += _missing_numbers(intent, top)
    missing += _missing_quantities(intent, top)
    missing += _missing_figures(intent, top)
    if "实际" in intent.text and _TARGET_SET.search(top.passage) and not _TURNED_OUT.search(top.passage):
        missing.append(NO_OUTCOME)  # 实际 asked, and the quote only sets a target (预期目标为…)
    if intent.asks == "number" and not intent.units and not answer_pattern("number").search(top.passage):
        # 多少 asked, and the quote states no quantity (a year is none), or has it redacted
        missing.append(NO_FIGURE + (REDACTED if _REDACTED_FIGURE.search(top.passage) else ""))
    missing += [t for t in distinct if is_name(t, reader.named_terms) and not top.names(t)]
    return missing


# Proper nouns by jieba's dictionary tags: people, places, organisations and other names.
PROPER_NOUN_TAGS = ("nr", "nrt", "nz", "ns", "nt")


def _missing_rarest_name(reader, distinct: list[str], matched: list[bool], top: _Top, hit: Hit) -> list[str]:
    """The question's rarest word, when it is a proper noun (英超, 奥斯卡) that neither the
    passage, its document's metadata nor its news item's lead has: a question about
    something the collection does not cover, answered with what shares its other words."""
    if not distinct:
        return []
    j = max(range(len(distinct)), key=lambda k: reader.idf(distinct[k]))
    word = distinct[j]
    if matched[j] or len(word) < 2 or dictionary_tags().get(word) not in PROPER_NOUN_TAGS or top.names(word):
        return []
    return [] if word in _item_lead(reader, hit) else [word]


def _worth_naming(reader, lacking: list[str]) -> list[str]:
    """Of the words of the question the best passage lacks, those to name in the reply: not
    single characters (点, 钱) nor words everyday Chinese uses far more often than the
    collection does (提醒, 打算: how people ask, not what the texts say), unless no other is
    left."""
    words = [t for t in lacking if len(t) > 1] or lacking
    everyday = np.array([reader.analyzer.everyday_log_frequency(t) for t in words])
    idf = np.array([reader.idf(t) for t in words])
    plain = colloquial_weights(DEFAULT, everyday, idf) == 1.0
    return [t for t, keep in zip(words, plain) if keep] or words


def _item_lead(reader, hit: Hit) -> str:
    """The normalised text of the lead of the top hit's news item ("" for other documents):
    the item is about what its lead names, whichever of its passages answers."""
    first, count = int(reader.doc_first[hit.document.id]), hit.document.passages
    leads = [i for i in range(first, first + count) if reader.passage_lead[i]]
    return "".join(row[4] for row in reader.rows(leads).values()) if leads else ""


_WHOLE_NUMBER = re.compile(r"(?<![\d.])\d{2,}(?![\d.])")


def _next_day(year: int, month: int, day: int) -> str:
    """The date after this one, as documents write dates (YYYY-MM-DD); "" for no such date."""
    try:
        return (datetime.date(year, month, day) + datetime.timedelta(days=1)).isoformat()
    except ValueError:
        return ""


def _missing_figures(intent: Intent, top: _Top) -> list[str]:
    """Figures the question states (提高到每月8000元, 102项) that the top hit does not: it is
    about another figure."""
    # (as the question writes them: jieba cuts 1000亿件 into 100 and 0)
    figures = {f for f in _WHOLE_NUMBER.findall(intent.text) if int(f) not in intent.years}
    return sorted(f for f in figures if not re.search(rf"(?<![\d.]){f}(?![\d])", top.passage + " " + top.metadata))


def _general_idf(reader) -> float:
    """The IDF below which a term is general (-inf: none is, in a small collection)."""
    n = reader.passage_count
    df = max(GENERAL_SHARE * n, GENERAL_MIN)
    return math.log((n - df + 0.5) / (df + 0.5)) if n > 2 * df else -math.inf
