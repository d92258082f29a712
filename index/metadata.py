"""Document metadata: from a folder's metadata.csv, else from the text itself.

Only what the text states is taken; what cannot be known stays empty.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .filters import FILTER_FIELDS
from .models import DocumentMeta
from .normalize import normalize, number

METADATA_FILE = "metadata.csv"
META_FIELDS = tuple(f.name for f in fields(DocumentMeta))

_DATE_LINE = re.compile(r"(?:日期|发布时间|发布日期|时间)[:：]\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})年")
# A date in Arabic or Chinese numerals: 2024年3月1日, 二〇二四年三月一日, 2024年三月十一日.
_DATE = r"((?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]"
# A line that is only a date, bare or in brackets, maybe with a place: (2024年3月1日,长沙).
_DATE_ONLY = re.compile(rf"^[(（\[【〔]?{_DATE}(?:[,，、 ][\u4e00-\u9fff]{{2,10}})?[)）\]】〕]?$")
# A date glued to the first words of the speech, as .docx runs give: 2025年5月20日同志们:
_GLUED_DATE = re.compile(rf"^\s*[(（\[【〔]?{_DATE}[)）\]】〕]?\s*(?=同志们|各位|女士们|大家好)")
_LEVEL = "省|市|州|县|区|盟"
# Offices a speech header names: 市委书记, 省委副书记, 市委常委, 副省长, 常务副市长, 县长, 区委书记…
_ROLE = rf"(?:{_LEVEL})委(?:副书记|书记|常委)|(?:常务)?代?副?(?:{_LEVEL})长|(?:{_LEVEL})(?:人大常委会|政协)(?:副)?(?:主任|主席)"
_ROLES = rf"(?:{_ROLE})(?:、(?:{_ROLE}))*"  # 市委副书记、市长
_SPEAKER_LINE = re.compile(rf"^(?:中共)?([\u4e00-\u9fff]{{2,8}}?)(?:{_LEVEL})?({_ROLES})[ 、:：]*([\u4e00-\u9fff]{{2,4}})(?:同志)?$")
_ROLE_AND_NAME = re.compile(rf"^({_ROLES})[ 、:：]*([\u4e00-\u9fff]{{2,4}})(?:同志)?$")  # no place named
_AUTHOR_LINE = re.compile(rf"^[(（]作者(?:系|为|是)(?:中共)?([\u4e00-\u9fff]{{2,8}}?)(?:{_LEVEL})?({_ROLE})[)）]$")
_ROLE_ONLY = re.compile(r"^(?:国务院总理|国务院副总理|国家主席|总书记|中共中央总书记|[\u4e00-\u9fff]{0,8}(?:书记|省长|市长|主席|总理))$")
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_TITLE_HINT = re.compile(r"讲话|报告|发言|致辞|公报|决议|讲稿|在.{2,40}上的")


@dataclass(frozen=True)
class Extracted:
    meta: DocumentMeta
    consumed: frozenset[int]  # line numbers that hold metadata, not body text


def read_metadata_csv(folder: Path) -> dict[str, DocumentMeta]:
    """Rows of `folder/metadata.csv` keyed by the `file` column ("/"-separated path)."""
    return read_metadata(folder)[0]


# A line inside a quoted field that looks like a row of its own: a file name, then a comma.
_ROW_LIKE = re.compile(r"^[^,\n]+\.(?:txt|md|html?|docx|pdf)\s*,", re.IGNORECASE | re.MULTILINE)


def read_metadata(folder: Path) -> tuple[dict[str, DocumentMeta], list[tuple[int, str]]]:
    """`read_metadata_csv`, and the rows it could not use: (line number, English reason).

    The file is decoded like a speech file (BOM, UTF-8, GB18030 as Excel writes it on
    Chinese Windows, UTF-16); a field of any size up to the file's is accepted; a quoted
    field that swallowed the rows after it (an unbalanced quote) is refused, not taken
    for a very long title.
    """
    from .errors import UnreadableSource
    from .readers import read_file
    from .readers.encoding import decode_text

    path = folder / METADATA_FILE
    if not path.is_file() and not path.is_symlink():
        return {}, []
    try:
        text = decode_text(read_file(path, root=folder))
    except UnreadableSource as exc:
        return {}, [(0, str(exc))]
    rows: dict[str, DocumentMeta] = {}
    problems: list[tuple[int, str]] = []
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
        header: list[str] | None = None
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                problems.append((start, f"csv error: {exc}"))
                continue
            if header is None:
                header = [cell.strip().lower() for cell in cells]
                continue
            row = dict(zip(header, cells))
            if reader.line_num > start and any(_ROW_LIKE.search(cell) for cell in cells):
                problems.append((start, f"unbalanced quote: lines {start}-{reader.line_num} read as one row"))
                continue
            name = (row.get("file") or "").strip().replace("\\", "/")
            if not name:
                continue
            values = {key: (row.get(key) or "").strip() for key in META_FIELDS}
            if not values["year"] and values["date"][:4].isdigit():
                values["year"] = values["date"][:4]
            rows[name] = DocumentMeta(**values)
    finally:
        csv.field_size_limit(limit)
    return rows, problems


def _iso(year: str, month: str, day: str) -> str:
    return f"{number(year):04d}-{number(month):02d}-{number(day):02d}"


def _valid(year: str, month: str, day: str) -> bool:
    return 1 <= number(month) <= 12 and 1 <= number(day) <= 31


class _Header:
    """Metadata found so far in a document's first lines, and the lines that held it."""

    def __init__(self, lines: list[str], norms: list[str], known_title: str) -> None:
        self.lines, self.norms, self.known_title = lines, norms, known_title
        self.found: dict[str, str] = {}
        self.consumed: set[int] = set()
        self.head = [(i, line) for i, line in enumerate(lines[:40]) if line.strip()]

    def take(self, i: int, **fields: str) -> bool:
        """Record fields (the first value of each wins) and the line `i` as metadata."""
        for key, value in fields.items():
            self.found.setdefault(key, value)
        self.consumed.add(i)
        return True

    def scan(self) -> None:
        readers = (self.title, self.date_line, self.speaker, self.role_then_name, self.glued_date, self.dash_date)
        for position, (i, line) in enumerate(self.head[:12]):
            compact = self.norms[i].strip().replace(" ", "")
            if self.known_title and compact == self.known_title:
                self.consumed.add(i)
                continue
            if position <= 3 and self.title(i, line, compact):
                continue
            for reader in readers[1:]:
                if reader(i, position, compact):
                    break

    def title(self, i: int, line: str, compact: str) -> bool:
        if "title" in self.found or self.known_title or not 6 <= len(compact) <= 80:
            return False
        if compact.endswith(("。", "：", ":", "；", "，")) or not _TITLE_HINT.search(compact):
            return False
        return self.take(i, title=line.strip())

    def date_line(self, i: int, position: int, compact: str) -> bool:
        if m := _DATE_LINE.search(self.norms[i]):  # "发布时间:…" lines hold more: kept
            self.found.setdefault("date", _iso(*m.groups()))
        if (m := _DATE_ONLY.match(compact)) and _valid(*m.groups()):
            return self.take(i, date=_iso(*m.groups()))
        return False

    def speaker(self, i: int, position: int, compact: str) -> bool:
        if m := _SPEAKER_LINE.match(compact):
            return self.take(i, place=m.group(1), role=m.group(2), speaker=m.group(3))
        if m := _ROLE_AND_NAME.match(compact):
            return self.take(i, role=m.group(1), speaker=m.group(2))
        return False

    def role_then_name(self, i: int, position: int, compact: str) -> bool:
        """A role alone on its line, the name on the next: 国务院总理 / 李强."""
        if not _ROLE_ONLY.match(compact) or position + 1 >= len(self.head):
            return False
        j, name_line = self.head[position + 1]
        if not _NAME.match(self.norms[j].strip()):
            return False
        self.take(j)
        return self.take(i, role=compact, speaker=name_line.strip())

    def glued_date(self, i: int, position: int, compact: str) -> bool:
        """2025年5月20日同志们:… — the date is metadata; the line keeps the speech."""
        m = _GLUED_DATE.match(self.norms[i])
        if m is None or not _valid(*m.groups()):
            return False
        self.found.setdefault("date", _iso(*m.groups()))
        self.norms[i] = self.norms[i][m.end() :]
        if raw := _GLUED_DATE.match(self.lines[i]):
            self.lines[i] = self.lines[i][raw.end() :]
        return True

    def dash_date(self, i: int, position: int, compact: str) -> bool:
        if self.norms[i].startswith(("——", "--")) and (m := _CN_DATE.search(self.norms[i])):
            return self.take(i, date=_iso(*m.groups()))
        return False

    def author_line(self) -> None:
        """(作者系中共湘潭市委书记) at the end of a signed article gives the place."""
        for i in range(len(self.lines) - 1, max(len(self.lines) - 8, -1), -1):
            if m := _AUTHOR_LINE.match(self.norms[i].strip().replace(" ", "")):
                self.take(i, place=m.group(1), role=m.group(2))
                break


def extract(lines: list[str], known: DocumentMeta | None = None, norms: list[str] | None = None) -> Extracted:
    """Metadata stated in the first lines of a document (title, date, speaker, place).

    `known` (from metadata.csv) wins field by field; extraction fills the gaps.  Lines
    that are only metadata (the title, "中共岳阳市委书记 王一鸥", "（2024年3月1日）") are
    reported as consumed.  A date glued to the start of the speech ("2025年5月20日同志们：")
    is cut off that line, in `lines` (and `norms`) themselves.  `norms`, the lines already
    normalised (at least their first 40 characters), saves normalising them again.
    """
    if norms is None:
        norms = [normalize(line) for line in lines]
    known = known or DocumentMeta()
    header = _Header(lines, norms, normalize(known.title).replace(" ", ""))
    header.scan()
    header.author_line()
    found = header.found
    if "year" not in found:
        found.update(_year(known, found))
    merged = {key: getattr(known, key) or found.get(key, "") for key in META_FIELDS}
    return Extracted(replace(known, **merged), frozenset(header.consumed))


def _year(known: DocumentMeta, found: dict[str, str]) -> dict[str, str]:
    """The year from the date, else from a year named in the title, else the year of the
    party congress whose report the title names."""
    date = known.date or found.get("date", "")
    if date[:4].isdigit():
        return {"year": date[:4]}
    title = normalize(known.title or found.get("title", ""))
    if m := _TITLE_YEAR.search(title):
        return {"year": m.group(1)}
    if year := congress_year(title):
        return {"year": str(year)}
    return {}


# The national congresses of the Communist Party of China: the first eleven by year; from
# the twelfth (1982) on, one every five years.
_EARLY_CONGRESSES = (1921, 1922, 1923, 1925, 1927, 1928, 1945, 1956, 1969, 1973, 1977)
# A congress report's title names its congress: "…前进 (十三大)", "在中国共产党第九次全国代表大会上的报告".
_CONGRESS_TITLE = re.compile(r"[(（]([一二三四五六七八九十]+)大[)）]\s*$|(?:中国共产党|中共)第([一二三四五六七八九十]+)次全国代表大会")


def congress_year(title: str) -> int:
    """The year of the party congress a report's title names (十三大: 1987), or 0."""
    m = _CONGRESS_TITLE.search(title)
    if not m:
        return 0
    n = number(m.group(1) or m.group(2))
    return _EARLY_CONGRESSES[n - 1] if 1 <= n <= len(_EARLY_CONGRESSES) else 1982 + 5 * (n - 12)


# A year a title is about: 2023年 or 2023年度, not a horizon or a baseline (到2025年底, 比2020年).
# (What these find is stored per document: a change needs store.SCHEMA_VERSION bumped.)
_ANY_YEAR = r"((?:19|20)\d\d|[一二][九〇零][〇零一二三四五六七八九]{2})年"
_SUBJECT_YEAR = re.compile(r"(?<![\d比较到至从与截由〇零一二三四五六七八九])" + _ANY_YEAR)
_MENTIONED_YEAR = re.compile(r"(?<![\d〇零一二三四五六七八九])" + _ANY_YEAR)
_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
# A news feature rather than the report of an event: a column's piece (【一线调研】…) or a
# follow-up under a subtitle (…——…引发热烈反响).
_FEATURE_TITLE = re.compile(r"^\s*【|——")


def year_a_title_names(title: str) -> int:
    """The one year a title is about (2023年, 二〇二六年), or 0: none, or one that is a
    horizon or a baseline only, or several (由2012年…至2021年)."""
    if len({year.translate(_YEAR_DIGITS) for year in _MENTIONED_YEAR.findall(title)}) != 1:
        return 0
    years = _SUBJECT_YEAR.findall(title)
    return int(years[0].translate(_YEAR_DIGITS)) if years else 0


def looks_like_a_feature(title: str) -> bool:
    return bool(_FEATURE_TITLE.search(title))


# Kinds written as English slugs (cpc_national_congress_report) also answer to the Chinese
# word a question uses for the kind: "二十大报告" names the congress report.
_KIND_WORDS = {"report": "报告", "resolution": "决议", "speech": "讲话", "news": "新闻", "congress": "党代会", "npc": "人大"}


# A congress or a plenum named in full in a title ("第十次全国代表大会", "中央委员会第二次全体
# 会议") is asked for by its short name (十大, 二中全会).
_SHORT_NAMES = ((re.compile(r"第([一二三四五六七八九十]+)次全国代表大会"), "{}大"),
                (re.compile(r"中央委员会第([一二三四五六七八九十]+)次全体会议"), "{}中全会"))


def searchable_fields(meta: DocumentMeta) -> tuple[str, ...]:
    """The metadata values whose terms a document is found by (`filters.FILTER_FIELDS`),
    a kind slug's Chinese words and a congress's or plenum's short name added.  (Stored per document:
    a change needs store.SCHEMA_VERSION bumped.)"""
    values = [getattr(meta, key) for key in FILTER_FIELDS]
    words = [_KIND_WORDS[w] for w in re.split(r"[_\W]+", (meta.kind or "").lower()) if w in _KIND_WORDS]
    words += [short.format(n) for full, short in _SHORT_NAMES for n in full.findall(meta.title or "")]
    return (*values, " ".join(words)) if words else tuple(values)
