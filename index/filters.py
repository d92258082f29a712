"""The search filters, defined once: query parsing, the index columns, the CLI and bot help derive from here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filter:
    """One filter: the DocumentMeta field it tests, the keys users type for it, an example value."""

    field: str
    keys_zh: tuple[str, ...]
    keys_en: tuple[str, ...]
    example: str

    @property
    def keys(self) -> tuple[str, ...]:
        return self.keys_zh + self.keys_en

    @property
    def column(self) -> str:
        """The documents column holding the field's normalised value."""
        return f"n_{self.field}"

    @property
    def help_example(self) -> str:
        return f"{self.keys_zh[0]}:{self.example}"


FILTERS = (
    Filter("place", ("地点", "地区"), ("place",), "岳阳"),
    Filter("year", ("年份", "年"), ("year",), "2021"),
    Filter("speaker", ("讲话人", "讲话者", "作者"), ("speaker",), "王一鸥"),
    Filter("title", ("标题",), ("title",), "经济工作会议"),
    Filter("kind", ("类型",), ("kind",), "讲话"),
)
FILTER_FIELDS = tuple(f.field for f in FILTERS)
FILTER_KEYS = {key: f.field for f in FILTERS for key in f.keys}  # as users type them -> field
FILTER_HELP = "  ".join(f.help_example for f in FILTERS)
FILTER_KEYS_EN = " ".join(f"{key}:" for f in FILTERS for key in f.keys_en)
