"""Query text -> free words and explicit filters; the one place queries are validated."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .errors import QueryError
from .filters import FILTER_HELP, FILTER_KEYS  # noqa: F401 - FILTER_HELP: its historical home
from .intent import names_a_plan
from .normalize import normalize

MAX_QUERY_CHARS = 1000

_FILTER = re.compile(r"(?<!\S)(" + "|".join(sorted(map(re.escape, FILTER_KEYS), key=len, reverse=True)) + r")[:：]\s*(\S+)")


# An exact phrase: "…", “…”, 「…」 or 『…』.  An excluded word: -词 (after a space or at the start).
_PHRASE = re.compile(r'"([^"]+)"|“([^”]+)”|「([^」]+)」|『([^』]+)』')
_EXCLUDED = re.compile(r"(?<!\S)-(\S+)")


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the words to search, normalised
    filters: dict[str, str] = field(default_factory=dict)  # DocumentMeta field -> normalised value
    phrases: tuple[str, ...] = ()  # normalised, to be found as written in a passage
    excluded: tuple[str, ...] = ()  # normalised words no passage shown may contain


def _printable(text: str) -> str:
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)


_PLACE_SUFFIX = re.compile(r"(?:特别行政区|自治区|自治州|自治县|地区|省|市|县|区|州|盟)$")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")


def filter_value(field: str, value: str) -> str:
    """A normalised filter value as the index stores metadata: 岳阳市 -> 岳阳, 二〇二一年 -> 2021.

    Places are matched without their administrative suffix (the index has 岳阳 where the
    text said 岳阳市), years in Arabic digits without 年.
    """
    value = value.strip()
    if field == "place":
        bare = _PLACE_SUFFIX.sub("", value)
        return bare if len(bare) >= 2 else value
    if field == "year":
        return value.rstrip("年").translate(_CN_DIGITS)
    return value


def parse_query(raw: str) -> ParsedQuery:
    """Split filters from words; raise QueryError for a query that cannot be searched."""
    if not isinstance(raw, str):
        raise QueryError("usage", f"a query is text, not {type(raw).__name__}")
    printable = _printable(raw or "")
    if not printable.strip():
        raise QueryError("empty", "the query is empty")
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError("too_long", f"the query has {len(raw)} characters; at most {MAX_QUERY_CHARS} are searched")
    text = normalize(printable)
    filters: dict[str, str] = {}
    for key, value in _FILTER.findall(text):
        filters[FILTER_KEYS[key]] = filter_value(FILTER_KEYS[key], value)
    words = _FILTER.sub(" ", text)
    phrases = tuple(dict.fromkeys(p.strip() for p in (next(g for g in m if g) for m in _PHRASE.findall(words))
                                  if p.strip() and not names_a_plan(p.strip())))
    words = _PHRASE.sub(lambda m: f" {next(g for g in m.groups() if g)} ", words)
    excluded = tuple(dict.fromkeys(_EXCLUDED.findall(words)))
    words = _EXCLUDED.sub(" ", words)
    return ParsedQuery(" ".join(words.split()), filters, phrases, excluded)
