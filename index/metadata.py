"""Document metadata: from a folder's metadata.csv, else from the text itself.

Only what the text states is taken; what cannot be known stays empty.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .models import DocumentMeta
from .normalize import normalize

METADATA_FILE = "metadata.csv"
META_FIELDS = tuple(f.name for f in fields(DocumentMeta))

_DATE_LINE = re.compile(r"(?:日期|发布时间|发布日期|时间)[:：]\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})年")
_ROLE = r"(?:省委|市委|州委|县委|区委|盟委)(?:副)?书记|省长|市长|州长|县长|区长"
_SPEAKER_LINE = re.compile(rf"^(?:中共)?([\u4e00-\u9fff]{{2,8}}?)(?:省|市|州|县|区)?(?:{_ROLE})\s*([\u4e00-\u9fff]{{2,4}})$")
_AUTHOR_LINE = re.compile(rf"^[(（]作者(?:系|为|是)(?:中共)?([\u4e00-\u9fff]{{2,8}}?)(?:省|市|州|县|区)?({_ROLE})[)）]$")
_ROLE_ONLY = re.compile(r"^(?:国务院总理|国务院副总理|国家主席|总书记|中共中央总书记|[\u4e00-\u9fff]{0,8}(?:书记|省长|市长|主席|总理))$")
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_TITLE_HINT = re.compile(r"讲话|报告|发言|致辞|公报|决议|讲稿|在.{2,40}上的")


@dataclass(frozen=True)
class Extracted:
    meta: DocumentMeta
    consumed: frozenset[int]  # line numbers that hold metadata, not body text


def read_metadata_csv(folder: Path) -> dict[str, DocumentMeta]:
    """Rows of `folder/metadata.csv` keyed by the `file` column ("/"-separated path)."""
    path = folder / METADATA_FILE
    if not path.is_file():
        return {}
    rows: dict[str, DocumentMeta] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            name = (row.get("file") or "").strip().replace("\\", "/")
            if not name:
                continue
            values = {key: (row.get(key) or "").strip() for key in META_FIELDS}
            if not values["year"] and values["date"][:4].isdigit():
                values["year"] = values["date"][:4]
            rows[name] = DocumentMeta(**values)
    return rows


def _iso(year: str, month: str, day: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def extract(lines: list[str], known: DocumentMeta | None = None, norms: list[str] | None = None) -> Extracted:
    """Metadata stated in the first lines of a document (title, date, speaker, place).

    `known` (from metadata.csv) wins field by field; extraction fills the gaps.  Lines
    that are only metadata (the title, "中共岳阳市委书记 王一鸥") are reported as consumed.
    `norms`, the lines already normalised (at least their first 40 characters), saves
    normalising them again.
    """
    if norms is None:
        norms = [normalize(line) for line in lines]
    found: dict[str, str] = {}
    consumed: set[int] = set()
    known = known or DocumentMeta()
    known_title = normalize(known.title).replace(" ", "")
    head = [(i, line) for i, line in enumerate(lines[:40]) if line.strip()]

    for position, (i, line) in enumerate(head[:12]):
        norm = norms[i].strip()
        compact = norm.replace(" ", "")
        if known_title and compact == known_title:
            consumed.add(i)
            continue
        if "title" not in found and not known_title and position <= 3 and 6 <= len(compact) <= 80:
            if not compact.endswith(("。", "：", ":", "；", "，")) and _TITLE_HINT.search(compact):
                found["title"] = line.strip()
                consumed.add(i)
                continue
        if m := _DATE_LINE.search(norm):
            found.setdefault("date", _iso(*m.groups()))
        if m := _SPEAKER_LINE.match(compact):
            found.setdefault("place", m.group(1))
            found.setdefault("speaker", m.group(2))
            consumed.add(i)
            continue
        if _ROLE_ONLY.match(compact) and position + 1 < len(head):
            j, name_line = head[position + 1]
            if _NAME.match(norms[j].strip()):
                found.setdefault("speaker", name_line.strip())
                consumed.update({i, j})
                continue
        if norm.startswith(("——", "--")) and (m := _CN_DATE.search(norm)):
            found.setdefault("date", _iso(*m.groups()))
            consumed.add(i)

    for i in range(len(lines) - 1, max(len(lines) - 8, -1), -1):
        if m := _AUTHOR_LINE.match(norms[i].strip().replace(" ", "")):
            found.setdefault("place", m.group(1))
            consumed.add(i)
            break

    title = known.title or found.get("title", "")
    if "year" not in found:
        date = known.date or found.get("date", "")
        if date[:4].isdigit():
            found["year"] = date[:4]
        elif m := _TITLE_YEAR.search(normalize(title)):
            found["year"] = m.group(1)
    merged = {key: getattr(known, key) or found.get(key, "") for key in META_FIELDS}
    return Extracted(replace(known, **merged), frozenset(consumed))
