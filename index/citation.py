"""Citations of hits: GB/T 7714-2015 strings, CSL-JSON items and RIS records.

    王一鸥. 在市委经济工作会议上的讲话[R]. 岳阳, 2021-01-16: 第32段.

The document type code comes from the speech's `kind` (metadata.csv):

- speeches and reports (讲话, 报告, 工作报告, 致辞, 发言…) are [R], the code GB/T 7714
  gives to reports, the nearest it has for a speech text as issued;
- news items and newspaper pieces (会议报道, 新闻, 报道, 消息, 通讯, 署名文章, 评论) are [N];
- anything else, or no kind at all, is [Z] (other).

The speaker is the responsible party (主要责任者), except in a news report: the person a
meeting report names (who chaired or spoke) did not write it, so it has no author part.

With a `source_url` the item is an online resource: the carrier code OL is added ([R/OL],
[N/OL]), an item of no known type becomes [EB/OL] (an online page), and the citation ends
with the date it was looked at and the URL. A part the metadata lacks is left out, never
guessed; the date falls back to the year. The locator is the paragraph (第N段).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date as Date

from .models import Document, Hit

REPORT_KINDS = ("讲话", "报告", "工作报告", "致辞", "发言", "讲稿", "演讲", "speech", "report")
NEWS_KINDS = ("会议报道", "报道", "新闻", "消息", "通讯", "署名文章", "文章", "评论", "news")
SIGNED_KINDS = ("署名文章", "文章", "评论")  # news pieces whose speaker is their author

# type code -> (CSL type, RIS type)
_FORMATS = {
    "R": ("speech", "RPRT"),
    "N": ("article-newspaper", "NEWS"),
    "EB": ("webpage", "ELEC"),
    "Z": ("document", "GEN"),
}


def type_code(document: Document) -> str:
    """R, N or Z from the kind; EB for an online item of no known type (see the module doc)."""
    kind = document.meta.kind.strip().lower()
    if kind in REPORT_KINDS or kind.endswith(("讲话", "报告")):
        code = "R"
    elif kind in NEWS_KINDS or kind.endswith(("报道", "新闻")):
        code = "N"
    else:
        code = "Z"
    if document.meta.source_url and code == "Z":
        return "EB"
    return code


def type_mark(document: Document) -> str:
    """[R], [N/OL], [EB/OL]…"""
    code = type_code(document)
    return f"[{code}/OL]" if document.meta.source_url else f"[{code}]"


def full_title(document: Document) -> str:
    """The whole title (else the file name), whitespace collapsed; citations are never cut."""
    return " ".join((document.meta.title or document.path.rsplit("/", 1)[-1]).split())


def author(document: Document) -> str:
    """The speaker, unless the document is a news report about them (see the module doc);
    an article signed only by an office (作者为湘潭市委书记) is cited as that office."""
    meta = document.meta
    if type_code(document) in ("N", "EB") and meta.kind.strip() not in SIGNED_KINDS:
        return ""
    return meta.speaker or (meta.place + meta.role if meta.role else "")


def _date(document: Document) -> str:
    return document.meta.date or document.meta.year


def gbt7714(hit: Hit, accessed: Date | None = None) -> str:
    """The GB/T 7714-2015 citation of a hit (its document and paragraph).

    `accessed` is the 引用日期 of an online item (default today).
    """
    return gbt7714_of(hit.document, hit.paragraph, accessed)


def gbt7714_of(document: Document, paragraph: int, accessed: Date | None = None) -> str:
    """The GB/T 7714-2015 citation of paragraph `paragraph` of `document`."""
    meta = document.meta
    text = f"{full_title(document)}{type_mark(document)}"
    if author(document):
        text = f"{author(document)}. {text}"
    where = ", ".join(part for part in (meta.place, _date(document)) if part)
    text += f". {where}: 第{paragraph}段" if where else f": 第{paragraph}段"
    if meta.source_url:
        looked = (accessed or Date.today()).isoformat()
        return f"{text}[{looked}]. {meta.source_url}."
    return text + "."


def _date_parts(value: str) -> list[int]:
    return [int(part) for part in value.split("-") if part.isdigit()]


def csl_item(hit: Hit) -> dict:
    """One CSL-JSON item; `note` carries the paragraph and the quoted passage (a locator
    belongs to the citing document, not to the item)."""
    document = hit.document
    meta = document.meta
    item: dict = {
        "id": f"{document.sha256[:12]}-{hit.paragraph}",
        "type": _FORMATS[type_code(document)][0],
        "title": full_title(document),
    }
    if author(document):
        item["author"] = [{"literal": author(document)}]
    if _date(document):
        item["issued"] = {"date-parts": [_date_parts(_date(document))]}
    if meta.place:
        item["publisher-place"] = meta.place
        item["event-place"] = meta.place
    if meta.kind:
        item["genre"] = meta.kind
    if meta.source_url:
        item["URL"] = meta.source_url
    item["note"] = f"第{hit.paragraph}段：{hit.text}"
    return item


def csl_json(hits: Sequence[Hit]) -> str:
    """The hits as a CSL-JSON array (for Zotero, Pandoc, citeproc)."""
    return json.dumps([csl_item(hit) for hit in hits], ensure_ascii=False, indent=2)


def ris_record(hit: Hit) -> str:
    document = hit.document
    meta = document.meta
    lines = [("TY", _FORMATS[type_code(document)][1]), ("TI", full_title(document))]
    if author(document):
        lines.append(("AU", author(document)))
    if meta.year or meta.date:
        lines.append(("PY", (meta.date or meta.year)[:4]))
    if meta.date:
        parts = meta.date.split("-")
        lines.append(("DA", "/".join(parts + [""] * (3 - len(parts)))))
    if meta.place:
        lines.append(("CY", meta.place))
    if meta.source_url:
        lines.append(("UR", meta.source_url))
    lines.append(("N1", f"第{hit.paragraph}段：{' '.join(hit.text.split())}"))
    lines.append(("ER", ""))
    return "\n".join(f"{tag}  - {value}".rstrip() for tag, value in lines)


def ris(hits: Sequence[Hit]) -> str:
    """The hits as RIS records (EndNote, Zotero, NoteExpress), one per hit."""
    return "\n\n".join(ris_record(hit) for hit in hits) + "\n"
