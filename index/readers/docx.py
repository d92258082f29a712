"""DOCX: one line per paragraph (tables row by row), read with python-docx after a zip-bomb check."""

from __future__ import annotations

import io
import zipfile

from ..errors import UnreadableSource
from .common import describe, finish

# Guards against zip bombs, checked before python-docx unpacks anything.  Python's zipfile
# never inflates a member beyond the size its header declares, so the sums are a real cap.
_MAX_DOCX_UNPACKED = 100 * 1024 * 1024  # all members, images included
_MAX_DOCX_XML = 20 * 1024 * 1024  # the XML parts, which lxml holds as a tree many times larger
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Containers whose children are block content (paragraphs, tables, ...).
_DOCX_BLOCK_WRAPPERS = frozenset((f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"))
# Inside a paragraph: subtrees that are not part of its visible text.
_DOCX_SKIP_INLINE = frozenset(
    (
        f"{_W}pPr", f"{_W}rPr", f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent",
        f"{_W}footnoteReference", f"{_W}endnoteReference", f"{_W}instrText",
        f"{_MC}Fallback",
    )
)


def read_docx(data: bytes) -> str:
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnreadableSource("legacy_doc", "corrupt docx: this is a legacy Word .doc file, not .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            unpacked = sum(info.file_size for info in members)
            xml = sum(info.file_size for info in members if info.filename.lower().endswith((".xml", ".rels")))
    except zipfile.BadZipFile:
        raise UnreadableSource("corrupt_docx", "corrupt docx: not a zip archive") from None
    except Exception as exc:  # noqa: BLE001
        raise UnreadableSource("corrupt_docx", f"corrupt docx: {describe(exc)}") from exc
    if unpacked > _MAX_DOCX_UNPACKED or xml > _MAX_DOCX_XML:
        raise UnreadableSource(
            "corrupt_docx", f"corrupt docx: unpacked size too large ({max(unpacked, xml) / 2**20:.0f} MB)"
        )
    import docx  # python-docx

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds (KeyError, ValueError, lxml...)
        raise UnreadableSource("corrupt_docx", f"corrupt docx: {describe(exc)}") from exc
    lines: list[str] = []
    _docx_blocks(body, lines)
    text = finish("\n".join(lines))
    if not text.strip():
        raise UnreadableSource("docx_no_text", "docx has no text")
    return text


def _docx_blocks(container, lines: list[str]) -> None:
    """Paragraphs of a body, cell or content control, in order; tables row by row."""
    for child in container:
        tag = child.tag
        if tag == f"{_W}p":
            lines.append(_docx_paragraph_text(child))
        elif tag == f"{_W}tbl":
            _docx_table(child, lines)
        elif tag in _DOCX_BLOCK_WRAPPERS:
            _docx_blocks(child, lines)


def _docx_table(tbl, lines: list[str]) -> None:
    for row in _docx_children(tbl, f"{_W}tr"):
        for cell in _docx_children(row, f"{_W}tc"):
            if _docx_is_merge_continuation(cell):
                continue
            _docx_blocks(cell, lines)


def _docx_children(element, tag: str):
    """Direct children with ``tag``, looking through content controls and custom XML."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _DOCX_BLOCK_WRAPPERS:
            yield from _docx_children(child, tag)


def _docx_is_merge_continuation(tc) -> bool:
    tc_pr = tc.find(f"{_W}tcPr")
    if tc_pr is None:
        return False
    v_merge = tc_pr.find(f"{_W}vMerge")
    return v_merge is not None and v_merge.get(f"{_W}val", "continue") == "continue"


def _docx_paragraph_text(p) -> str:
    parts: list[str] = []
    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        tag = el.tag
        if not isinstance(tag, str) or tag in _DOCX_SKIP_INLINE:
            continue
        if tag == f"{_W}t":
            parts.append(el.text or "")
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        else:
            stack.extend(reversed(list(el)))
    return "".join(parts)
