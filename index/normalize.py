"""One normalisation for indexed text and queries.

Traditional -> Simplified (OpenCC), NFKC width folding, Latin case folding and
Chinese-numeral years (二〇二一年 -> 2021年).  Every step maps one character to one
character wherever it can, so an offset in the normalised text is the same offset in
the original text; `normalize_aligned` returns an explicit offset map for the rare
characters that expand (ligatures, circled numbers with parentheses ...).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata

from .cache import cache_folder, write_atomically

# Years are written 二〇二一, 二○二一 (a white circle) or 二0一0 as well.
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
_YEAR_CHARS = "0-9〇○零一二三四五六七八九"
_CN_YEAR = re.compile(rf"(?<![{_YEAR_CHARS}])(?=[{_YEAR_CHARS}]{{4}}年)(?![0-9]{{4}})[{_YEAR_CHARS}]{{4}}")


@functools.lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def _fold_tables() -> tuple[dict[int, str], frozenset[str]]:
    """Per-character NFKC + casefold: a 1:1 translate table and the chars that expand.

    Computing it takes a fifth of a second, so it is kept in the app's cache folder,
    keyed by the Unicode version it was computed with.
    """
    cache = cache_folder() / f"fold-{unicodedata.unidata_version}.json"
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
        one_to_one = {int(cp): folded for cp, folded in stored["one_to_one"].items()}
        expanding = stored["expanding"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        one_to_one, expanding = _compute_fold_tables()
        write_atomically(cache, json.dumps({"one_to_one": one_to_one, "expanding": expanding}).encode())
    return one_to_one, frozenset(expanding)


def _compute_fold_tables() -> tuple[dict[int, str], str]:
    one_to_one: dict[int, str] = {}
    expanding: list[str] = []
    for cp in range(0x20, 0x30000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        folded = unicodedata.normalize("NFKC", ch).casefold()
        if folded == ch:
            continue
        if len(folded) == 1:
            one_to_one[cp] = folded
        else:
            expanding.append(ch)
    return one_to_one, "".join(expanding)


def _t2s(text: str) -> str:
    converted = _opencc().convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase rule changed the length: convert per character to keep offsets aligned.
    convert = _opencc().convert
    return "".join(c if len(c := convert(ch)) == 1 else ch for ch in text)


def _chinese_years(text: str) -> str:
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)


def normalize(text: str) -> str:
    """Normalised form used for matching; same length as `text` unless rare chars expand."""
    return normalize_aligned(text)[0]


def normalize_aligned(text: str) -> tuple[str, list[int] | None]:
    """Normalise and return (normalised, offsets).

    `offsets` is None when the normalised text is aligned 1:1 with `text`; otherwise
    offsets[i] is the index in `text` of the character that produced normalised char i
    (with one extra entry, len(text), at the end).
    """
    one_to_one, expanding = _fold_tables()
    simplified = _t2s(text).translate(one_to_one)
    if expanding.isdisjoint(simplified):
        return _chinese_years(simplified), None
    pieces: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(simplified):
        folded = unicodedata.normalize("NFKC", ch).casefold() if ch in expanding else ch
        pieces.append(folded)
        offsets.extend([i] * len(folded))
    offsets.append(len(text))
    return _chinese_years("".join(pieces)), offsets


def original_span(offsets: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) span of normalised text back to the original text."""
    if offsets is None:
        return start, end
    return offsets[start], offsets[end - 1] + 1 if end > start else offsets[start]


def warm_up() -> None:
    """Load OpenCC and the fold tables now rather than on the first query."""
    _opencc()
    _fold_tables()


_DIGIT_VALUES = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "两": 2}


def number(text: str) -> int:
    """12, 十二, 二十一 or 二〇二四 as an int."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_DIGIT_VALUES[tens] if tens else 1) * 10 + (_DIGIT_VALUES[ones] if ones else 0)
    return int("".join(str(_DIGIT_VALUES[ch]) for ch in text))
