"""HTML: whitespace collapsed as a browser would, block elements become lines, scripts and navigation dropped."""

from __future__ import annotations

import codecs
import re

from ..errors import UnreadableSource
from .common import describe, finish
from .encoding import decode_text

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_CHARSET_ALIASES = {
    # WHATWG: all of these labels mean the GBK/GB18030 decoder.
    **dict.fromkeys(
        ("gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "chinese", "csgb2312", "csiso58gb231280",
         "iso-ir-58", "cp936", "ms936", "windows-936", "gb18030", "euc-cn"),
        "gb18030",
    ),
    **dict.fromkeys(("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5", "cp950", "x-big5"), "big5"),
    # A document cannot declare a UTF-16/32 charset in its own (ASCII-compatible) bytes.
    **dict.fromkeys(("utf-8", "utf8", "unicode-1-1-utf-8", "utf-16", "utf-16le", "utf-16be", "unicode"), "utf-8"),
}

_DROP_TAGS = frozenset(
    ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "iframe", "svg")
)
_BLOCK_TAGS = frozenset(
    (
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
        "blockquote", "pre", "main", "ul", "ol", "dl", "dt", "dd", "table", "caption", "thead",
        "tbody", "tfoot", "hr", "figure", "figcaption", "address", "center", "body", "html",
        "details", "summary", "fieldset", "legend", "hgroup", "menu", "dialog",
    )
)
_CELL_TAGS = frozenset(("td", "th"))
_HTML_SPACE_RE = re.compile(r"[ \t\n\r\f]+")
# A line break in the source between two wide (CJK) characters renders as nothing
# (CSS Text 3 "segment break transformation").
_CJK = r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK_RE = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET_RE.search(data[:8192])
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    if label in _CHARSET_ALIASES:
        return _CHARSET_ALIASES[label]
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in ("undefined", "utf-7"):
        return None
    return info.name


# The HTML parser's time grows with the nesting depth of every element it opens (1.2 MB of
# nested <div> took two minutes), so that work is estimated from the tags before parsing:
# the sum over opening tags of their depth.  5,000 nested <div> cost 12.5 million (0.05 s).
MAX_NESTING_WORK = 50_000_000
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>")
# Elements without content, and those whose end tag may be left out (the parser closes them).
_NOT_NESTING = frozenset(
    (
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody",
        "tfoot", "rb", "rt", "rp", "colgroup", "caption", "head", "body", "html",
    )
)


def nesting_work(markup: str, stop: int = MAX_NESTING_WORK) -> tuple[int, int]:
    """(work, deepest): the sum of the depths at which `markup` opens elements, and the
    greatest depth, from its tags alone; counting stops once work passes `stop`."""
    depth = deepest = work = 0
    for match in _TAG_RE.finditer(markup):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _NOT_NESTING:
            continue
        if closing:
            depth = max(0, depth - 1)
            continue
        depth += 1
        work += depth
        deepest = max(deepest, depth)
        if work > stop:
            break
    return work, deepest


def read_html(data: bytes) -> str:
    if not data.strip():
        raise UnreadableSource("empty_file", "empty file")
    markup = decode_text(data, _declared_charset(data))
    markup = markup.replace("\x00", "")
    if not markup.strip():
        raise UnreadableSource("empty_file", "empty file")
    work, deepest = nesting_work(markup)
    if work > MAX_NESTING_WORK:
        raise UnreadableSource("too_nested", f"document too deeply nested (html, {deepest} levels or more)")
    from selectolax.lexbor import LexborHTMLParser  # the Modest backend (selectolax.parser) is gone in 1.0

    try:
        tree = LexborHTMLParser(markup)
    except Exception as exc:  # noqa: BLE001
        raise UnreadableSource("corrupt_html", f"corrupt html: {describe(exc)}") from exc

    title_node = tree.css_first("head > title") or tree.css_first("title")
    title = collapse(title_node.text(deep=True)) if title_node is not None else ""
    root = tree.body if tree.body is not None else tree.root
    lines = _html_lines(root) if root is not None else []
    if title:
        first = lines[0] if lines else ""
        if not first.startswith(title):
            lines.insert(0, title)
    text = finish("\n".join(lines))
    if not text.strip():
        raise UnreadableSource("html_no_text", "html has no text")
    return text


def collapse(text: str) -> str:
    text = _CJK_BREAK_RE.sub("", text)
    return _HTML_SPACE_RE.sub(" ", text).strip()


class _LineBuilder:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self._parts: list[tuple[str, bool]] = []  # (text, preformatted)

    def add(self, text: str, pre: bool = False) -> None:
        if pre:
            first, *rest = text.split("\n")
            self._parts.append((first, True))
            for part in rest:
                self.flush()
                self._parts.append((part, True))
        else:
            self._parts.append((text, False))

    def flush(self) -> None:
        if not self._parts:
            return
        out: list[str] = []
        run: list[str] = []
        for text, pre in self._parts:
            if pre:
                if run:
                    out.append(collapse_inline("".join(run)))
                    run = []
                out.append(text)
            else:
                run.append(text)
        if run:
            out.append(collapse_inline("".join(run)))
        self._parts = []
        line = "".join(out).strip()
        if line:
            self.lines.append(line)


def collapse_inline(text: str) -> str:
    # Keep a single space at the edges (it separates this run from a neighbouring one).
    return _HTML_SPACE_RE.sub(" ", _CJK_BREAK_RE.sub("", text))


def _html_lines(root) -> list[str]:
    out = _LineBuilder()
    pre_depth = 0
    # Explicit stack instead of recursion: malformed pages can nest very deeply.
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            if tag == "pre":
                pre_depth -= 1
            if tag in _BLOCK_TAGS:
                out.flush()
            continue
        if tag == "-text":
            text = node.text_content or ""
            if text:
                out.add(text, pre=pre_depth > 0)
            continue
        if tag is None or tag.startswith("-") or tag in _DROP_TAGS:
            continue  # comments, doctype, dropped elements
        if tag == "br":
            out.add("\n", pre=True)
            continue
        if tag in _BLOCK_TAGS:
            out.flush()
        elif tag in _CELL_TAGS:
            out.add(" ")
        if tag == "pre":
            pre_depth += 1
        stack.append((node, True))
        children = list(node.iter(include_text=True))
        for child in reversed(children):
            stack.append((child, False))
    out.flush()
    return out.lines
