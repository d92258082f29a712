"""Documents a question names by year and title: "2030年政府工作报告", "2024年的中央经济工作会议"
(`named_documents`, filled into `Intent.documents` by the searcher, which knows the titles).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .cleaning import PART_OF_YEAR
from .intent import Intent

# "要比2000年增长多少", "到2035年": a year that is a baseline or a horizon names no document.
_NOT_A_NAME = frozenset("比较到至从与截")
# What a document's or a meeting's name ends with (政府工作报告, 中央金融工作会议, 新年贺词): a
# year before other title words (2024年全国, 2022年全国高校) says when, and names none.
_NAMED_HEAD = re.compile(r"(?:报告|讲话|决议|决定|公报|文件|会议|全会|贺词|规划|纲要|计划|意见|条例)$")
_NAME_TAIL = 4  # characters of a name's end that are no title words of the collection (一号文件)


def _names_a_document(text: str, start: int, end: int) -> bool:
    """Whether the title words from `start` to `end`, or with at most _NAME_TAIL more
    characters of the same word run, end as a document's or a meeting's name does."""
    tail = re.match(rf"[^\s，,。？?的]{{0,{_NAME_TAIL}}}", text[end:]).group(0)
    return any(_NAMED_HEAD.search(text[start : end + n]) for n in range(len(tail) + 1))


# A part of the year right after it: the question says when, and names no document.
_TIME_OF_YEAR = re.compile(rf"全年|年[初中底末]|{PART_OF_YEAR.pattern}")


def named_documents(intent: Intent, metadata_terms: list[str],
                    together: Callable[[int, list[str]], bool] = lambda year, words: True,
                    ) -> tuple[tuple[int, tuple[str, ...], str], ...]:
    """(year, metadata terms, as written) where the question writes a year right before words
    of the collection's titles (or speakers, places): "2030年政府工作报告", "2024年的中央经济
    工作会议".  `metadata_terms`: the question's terms found in some document's metadata;
    `together(year, words)`: whether the metadata of a document of that year, or of a series
    of many years' documents, has all these words, so the name ends where the question goes on
    about something else ("1979年政府工作报告 | 提出"), and a word some title happens to have
    names nothing ("1981年高等学校招生", "1965年计划草案")."""
    found = []
    titled = sorted({t for t in metadata_terms if len(t) >= 2 and not t.isdigit()}, key=len, reverse=True)
    for year in intent.years:
        start = intent.text.find(f"{year}年")
        if start < 0 or intent.text[start - 1 : start] in _NOT_A_NAME:
            continue
        end = start + len(f"{year}年")
        end += intent.text.startswith("的", end)
        if _TIME_OF_YEAR.match(intent.text, end):  # "2024年全年 国内生产总值": a time, not a title
            continue
        words: list[str] = []
        while (word := next((t for t in titled if intent.text.startswith(t, end)), None)) is not None:
            if not together(year, [*words, word]):
                break
            words.append(word)
            end += len(word)
        # (as far as a document's or a meeting's name ends: 2030年政府工作报告 of …报告目标)
        while words and not _names_a_document(intent.text, start, end):
            end -= len(words.pop())
        if words:
            found.append((year, tuple(words), intent.text[start:end]))
    return tuple(found)
