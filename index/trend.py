"""A timeline of a phrase: how many passages and speeches state it, per year and collection.

A passage counts when its text contains every word of the query as written (the query
split at spaces; after the same simplified/traditional and width folding as the index), so
"新质生产力" counts passages that say 新质生产力, not ones that mention 新 and 生产力 apart.
Filters in the query (地点:岳阳 …) restrict the speeches as in a search. Candidates come
from the plain BM25 pass over the query's index terms (`Searcher.bm25_top`), which finds
every passage holding any of them; the literal check then keeps the ones that state it.

The chart (`render_png`) needs matplotlib and the Noto Sans CJK font of the `mplfonts`
package; both are imported only when a chart is drawn.
"""

from __future__ import annotations

import io
import threading
from collections import defaultdict
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from .errors import QueryError
from .models import Document, Passage
from .normalize import normalize, normalize_aligned, original_span
from .query import parse_query
from .searcher import Searcher

UNKNOWN_YEAR = "年份不详"
UNKNOWN_KIND = "未分类"
GROUPINGS = ("source", "kind")
FONT_FILE = "NotoSansCJKsc-Regular.otf"  # shipped by the mplfonts package
QUOTE_SHOWN = 160  # characters of the first passage quoted
MAX_GAP_FILL = 80  # years: a chart spanning more shows only the years found
_SENTENCE_ENDS = "。！？!?；;\n"


@dataclass(frozen=True)
class TrendRow:
    year: str  # "YYYY" or UNKNOWN_YEAR
    collection: str  # source folder name, or kind
    passages: int
    documents: int


@dataclass(frozen=True)
class Trend:
    query: str
    words: tuple[str, ...]  # what every counted passage contains (normalised)
    by: str  # "source" or "kind"
    rows: tuple[TrendRow, ...]  # by year (unknown last), then collection
    passages: int
    documents: int
    first: Passage | None  # the earliest passage that states it

    @property
    def years(self) -> list[str]:
        return sorted({r.year for r in self.rows}, key=_year_order)

    @property
    def collections(self) -> list[str]:
        return sorted({r.collection for r in self.rows})

    def per_year(self) -> dict[str, tuple[int, int]]:
        """year -> (passages, documents) over all collections."""
        totals: dict[str, list[int]] = {year: [0, 0] for year in self.years}
        for row in self.rows:
            totals[row.year][0] += row.passages
            totals[row.year][1] += row.documents
        return {year: (p, d) for year, (p, d) in totals.items()}

    def timeline(self) -> list[str]:
        """The known years with the years between them (so a gap shows as a gap), then
        UNKNOWN_YEAR if some passages have no year."""
        known = [int(y) for y in self.years if y != UNKNOWN_YEAR]
        years = [str(y) for y in sorted(known)]
        if known and max(known) - min(known) <= MAX_GAP_FILL:
            years = [str(y) for y in range(min(known), max(known) + 1)]
        return years + ([UNKNOWN_YEAR] if UNKNOWN_YEAR in self.years else [])

    def first_quote(self) -> str:
        """The sentence of the first passage that states the words, verbatim ("…" if cut)."""
        return quote_words(self.first.text, self.words) if self.first else ""

    def as_json(self) -> dict:
        first = None
        if self.first is not None:
            document = self.first.document
            first = {
                "doc": document.path,
                "title": document.meta.title,
                "speaker": document.meta.speaker,
                "date": document.meta.date or document.meta.year,
                "paragraph": self.first.paragraph,
                "quote": self.first_quote(),
                "text": self.first.text,
            }
        return {
            "query": self.query,
            "words": list(self.words),
            "by": self.by,
            "passages": self.passages,
            "documents": self.documents,
            "rows": [r.__dict__ for r in self.rows],
            "first": first,
        }


def quote_words(text: str, words: tuple[str, ...]) -> str:
    """The sentence of `text` where the first of `words` occurs, cut to QUOTE_SHOWN."""
    normal, offsets = normalize_aligned(text)
    found = normal.find(words[0]) if words else -1
    if found < 0:
        return text if len(text) <= QUOTE_SHOWN else text[: QUOTE_SHOWN - 1] + "…"
    start, end = original_span(offsets, found, found + len(words[0]))
    left = max((text.rfind(mark, 0, start) for mark in _SENTENCE_ENDS), default=-1) + 1
    rights = [i for i in (text.find(mark, end) for mark in _SENTENCE_ENDS) if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    sentence = text[left:right].strip()
    if len(sentence) > QUOTE_SHOWN:
        start -= left
        begin = max(0, min(start - QUOTE_SHOWN // 3, len(sentence) - QUOTE_SHOWN))
        sentence = ("…" if begin else "") + sentence[begin : begin + QUOTE_SHOWN] + "…"
    return sentence


def query_words(query: str) -> tuple[str, ...]:
    """The words a passage must contain to state `query`: its text without filters, split
    at spaces, normalised as the index is."""
    words = (normalize(word) for word in parse_query(query).text.split() if word.strip())
    return tuple(dict.fromkeys(words))


def states(text: str, words: tuple[str, ...]) -> bool:
    """Whether `text` contains every one of `words` (see query_words)."""
    normal = normalize(text)
    return bool(words) and all(word in normal for word in words)


def _year_order(year: str) -> tuple[int, str]:
    return (1, year) if year == UNKNOWN_YEAR else (0, year)


def year_of(document: Document) -> str:
    meta = document.meta
    return meta.year or meta.date[:4] or UNKNOWN_YEAR


def collection_of(document: Document, by: str) -> str:
    if by == "kind":
        return document.meta.kind or UNKNOWN_KIND
    return document.source.rstrip("/").rsplit("/", 1)[-1] or document.source


def _filter_query(filters: dict[str, str]) -> str:
    return " ".join(f"{field}:{value}" for field, value in filters.items())


def trend(searcher: Searcher, query: str, by: str = "source") -> Trend:
    """Count the passages and speeches that state `query`; raises QueryError if unusable."""
    if by not in GROUPINGS:
        raise QueryError("usage", f"group by one of {', '.join(GROUPINGS)}")
    result = searcher.search(query, top=1)  # validates the query; its terms and filters
    words = query_words(query)
    if not words or not result.terms:
        raise QueryError("no_terms", "a timeline needs words to look for, not only filters")
    allowed = None
    if result.filters:
        only = searcher.search(_filter_query(result.filters), top=searcher.passage_count)
        allowed = {hit.document.id for hit in only.hits}
    ids, _ = searcher.bm25_top(list(result.terms), k=searcher.passage_count)
    counted: list[Passage] = []
    for passage_id in ids.tolist():
        passage = searcher.passage(int(passage_id))
        if passage is None or (allowed is not None and passage.document.id not in allowed):
            continue
        if states(passage.text, words):
            counted.append(passage)
    return _tally(query, words, by, counted)


def _earliest(passage: Passage) -> tuple[str, str, int]:
    meta = passage.document.meta
    return (meta.date or meta.year or "9999", passage.document.path, passage.paragraph)


def _tally(query: str, words: tuple[str, ...], by: str, counted: list[Passage]) -> Trend:
    passages: dict[tuple[str, str], int] = defaultdict(int)
    documents: dict[tuple[str, str], set[int]] = defaultdict(set)
    for passage in counted:
        key = (year_of(passage.document), collection_of(passage.document, by))
        passages[key] += 1
        documents[key].add(passage.document.id)
    rows = tuple(
        TrendRow(year, collection, passages[(year, collection)], len(documents[(year, collection)]))
        for year, collection in sorted(passages, key=lambda k: (_year_order(k[0]), k[1]))
    )
    dated = [p for p in counted if year_of(p.document) != UNKNOWN_YEAR]
    first = min(dated or counted, key=_earliest, default=None)
    return Trend(query, words, by, rows, len(counted), len({p.document.id for p in counted}), first)


# --- the chart ---------------------------------------------------------------------------


def font_path() -> Path:
    """The Noto Sans CJK SC font file of the mplfonts package (found without importing it)."""
    spec = find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the mplfonts package (Chinese font for charts) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE


_font_lock = threading.Lock()
_font_family: str | None = None


def _chinese_font() -> str:
    """Register the CJK font with matplotlib once; return its family name."""
    global _font_family
    with _font_lock:
        if _font_family is None:
            from matplotlib import font_manager

            font = str(font_path())
            font_manager.fontManager.addfont(font)
            _font_family = font_manager.FontProperties(fname=font).get_name()
        return _font_family


def render_png(data: Trend, width: float = 9.0, height: float = 4.8, dpi: int = 110) -> bytes:
    """A bar chart: passages per year, stacked by collection; speeches per year above each bar.

    Uses a Figure of its own (not pyplot's global state), so charts can be drawn in threads.
    """
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    years = data.timeline()
    per_year = data.per_year()
    with rc_context({"font.family": _chinese_font(), "axes.unicode_minus": False}):
        figure = Figure(figsize=(width, height), dpi=dpi)
        FigureCanvasAgg(figure)
        axes = figure.subplots()
        bottom = [0] * len(years)
        counts = {(r.year, r.collection): r.passages for r in data.rows}
        for collection in data.collections:
            heights = [counts.get((year, collection), 0) for year in years]
            axes.bar(years, heights, bottom=bottom, label=collection)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        for index, year in enumerate(years):
            if year in per_year:
                axes.annotate(f"{per_year[year][1]}篇", (index, bottom[index]), ha="center",
                              va="bottom", fontsize=9, xytext=(0, 2), textcoords="offset points")
        axes.set_title(f"「{data.query}」出现的段落数（按年份）")
        axes.set_xlabel("年份")
        axes.set_ylabel("段落数")
        axes.margins(y=0.15)
        axes.yaxis.get_major_locator().set_params(integer=True)
        if len(years) > 12:
            axes.tick_params(axis="x", labelrotation=60)
        if data.collections:
            axes.legend(title="来源" if data.by == "source" else "类型", fontsize=9)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
