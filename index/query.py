"""Query text -> free words and explicit filters; the one place queries are validated."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .errors import QueryError
from .filters import FILTER_HELP, FILTER_KEYS  # noqa: F401 - FILTER_HELP: its historical home
from .normalize import normalize

MAX_QUERY_CHARS = 1000

_FILTER = re.compile(r"(?<!\S)(" + "|".join(sorted(map(re.escape, FILTER_KEYS), key=len, reverse=True)) + r")[:：]\s*(\S+)")


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the words to search, normalised
    filters: dict[str, str] = field(default_factory=dict)  # DocumentMeta field -> normalised value


def _printable(text: str) -> str:
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)


def parse_query(raw: str) -> ParsedQuery:
    """Split filters from words; raise QueryError for a query that cannot be searched."""
    printable = _printable(raw or "")
    if not printable.strip():
        raise QueryError("empty", "the query is empty")
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError("too_long", f"the query has {len(raw)} characters; at most {MAX_QUERY_CHARS} are searched")
    text = normalize(printable)
    filters: dict[str, str] = {}
    for key, value in _FILTER.findall(text):
        filters[FILTER_KEYS[key]] = value.strip()
        if FILTER_KEYS[key] == "year":
            filters["year"] = value.strip().rstrip("年")
    words = _FILTER.sub(" ", text).strip()
    return ParsedQuery(words, filters)
