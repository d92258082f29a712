"""Pure rendering: search results and passages become Telegram HTML and inline keyboards.

Nothing here talks to Telegram. Every function keeps to the Bot API's limits: at most
4096 characters of visible text (counted in UTF-16 code units, as Telegram does), at most
100 entities per message and at most 64 bytes of callback data. Quoted text is escaped
segment by segment and never altered: stripping the tags and unescaping a rendered quote
gives back exactly the quote.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from index import Document, DocumentMeta, Hit, Passage, SearchResult
from index.sources import missing_line, source_line, source_parts, title_of

MAX_TEXT = 4096
MAX_ENTITIES = 100
MAX_CALLBACK_BYTES = 64
PAGE_SIZE = 3
QUESTION_SHOWN = 60  # characters of the question echoed above the answer
SOURCE_SHOWN = 240  # characters of a source line before its fields are cut one by one
FIELD_SHOWN = 30  # characters of a speaker, place or date (metadata.csv may hold anything)
NEAREST = "（最接近）"  # marks each passage of a low-confidence answer
COUNT_SHOWN = 30  # totals above this are noise (every passage sharing a word): not shown
SOURCES_PAGE = 20  # documents per page of /sources

Spans = tuple[tuple[int, int], ...]

_TAG = re.compile(r"<[^>]*>")
_OPENING_TAG = re.compile(r"<[a-z][^>]*>")
# Where a long text is best cut, in order of preference (the cut goes after the mark).
_BREAKS = ("\n", "。", "！", "？", "；", "!", "?", ";", "，", "、", ",", " ")


@dataclass(frozen=True)
class Reply:
    """One message to send: HTML text and an optional inline keyboard."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


# --- measuring ---------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_text(markup: str) -> str:
    """The text a reader sees once Telegram has parsed the HTML."""
    return html.unescape(_TAG.sub("", markup))


def entity_count(markup: str) -> int:
    return len(_OPENING_TAG.findall(markup))


def fits(markup: str) -> bool:
    return utf16_len(visible_text(markup)) <= MAX_TEXT and entity_count(markup) <= MAX_ENTITIES


def callback_data(*parts: object) -> str:
    """Join parts with ':'; refuse anything over Telegram's 64-byte limit."""
    data = ":".join(str(p) for p in parts)
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


# --- text primitives ---------------------------------------------------------------------


def clean_spans(spans: Iterable[tuple[int, int]], length: int) -> Spans:
    """Sorted, clipped to [0, length], without empty or overlapping spans."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def highlight(text: str, spans: Iterable[tuple[int, int]], max_bold: int = MAX_ENTITIES) -> str:
    """Escape `text`, wrapping at most `max_bold` of its spans in <b>."""
    out: list[str] = []
    position = 0
    for index, (start, end) in enumerate(clean_spans(spans, len(text))):
        if index >= max_bold:
            break
        out.append(html.escape(text[position:start], quote=False))
        out.append(f"<b>{html.escape(text[start:end], quote=False)}</b>")
        position = end
    out.append(html.escape(text[position:], quote=False))
    return "".join(out)


def quote_block(text: str, spans: Iterable[tuple[int, int]] = (), max_bold: int = 50) -> str:
    """A verbatim quote as a Telegram blockquote, matched words in bold."""
    return f"<blockquote>{highlight(text, spans, max_bold)}</blockquote>"


def split_text(text: str, spans: Iterable[tuple[int, int]], limit: int) -> list[tuple[str, Spans]]:
    """Cut `text` into consecutive pieces of at most `limit` UTF-16 units.

    Cuts fall after a line break or punctuation where possible. The pieces joined give
    back `text`; each piece comes with the spans that fall inside it, re-based to it.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    spans = clean_spans(spans, len(text))
    pieces: list[tuple[str, Spans]] = []
    start = 0
    while start < len(text):
        end, used = start, 0
        while end < len(text) and used + utf16_len(text[end]) <= limit:
            used += utf16_len(text[end])
            end += 1
        end = max(end, start + 1)
        if end < len(text):
            floor = start + (end - start) * 2 // 3
            for mark in _BREAKS:
                cut = text.rfind(mark, floor, end)
                if cut != -1:
                    end = cut + 1
                    break
        piece_spans = tuple(
            (max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start
        )
        pieces.append((text[start:end], piece_spans))
        start = end
    return pieces


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number_mark(n: int) -> str:
    """①…⑳ for small numbers, (n) beyond."""
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"


# --- sources -----------------------------------------------------------------------------


def short_title(document: Document, limit: int) -> str:
    """The title as the source line shows it, cut further to `limit` characters."""
    return shorten(title_of(document), limit)


def details_of(meta: DocumentMeta) -> list[str]:
    """Speaker, place and date, each cut short; unknown ones left out."""
    return [shorten(part, FIELD_SHOWN) for part in (meta.speaker, meta.place, meta.date) if part]


def source_html(document: Document, paragraph: int) -> str:
    """The core's one source line (index.sources.source_line), escaped for Telegram HTML.

    A line longer than SOURCE_SHOWN (odd metadata) has each of its fields cut instead, so
    the quotes keep their share of the message.
    """
    line = source_line(document, paragraph)
    if len(line) > SOURCE_SHOWN:
        parts = [shorten(part, FIELD_SHOWN) for part in source_parts(document, paragraph)]
        line = f"《{title_of(document)}》 " + " · ".join(parts)
    return html.escape(line, quote=False)


def missing_html(result: SearchResult, with_passages: bool = True) -> str:
    """The core's missing line for a low-confidence result, escaped.

    Without `with_passages` (a group's one-line answer) the trailing "最接近的段落：" is left
    out: the passages are behind a button, not below the line.
    """
    line = missing_line(result.unmatched)
    if not with_passages:
        line = line.removesuffix("最接近的段落：")
    return html.escape(line, quote=False)


def is_low(result: SearchResult) -> bool:
    return result.confidence == "low"


def meta_lines(meta: DocumentMeta) -> list[str]:
    unknown = "未识别"
    return [
        f"标题：{html.escape(shorten(meta.title, 200) or unknown)}",
        f"讲话人：{html.escape(shorten(meta.speaker, FIELD_SHOWN) or unknown)}",
        f"地点：{html.escape(shorten(meta.place, FIELD_SHOWN) or unknown)}",
        f"日期：{html.escape(shorten(meta.date, FIELD_SHOWN) or unknown)}",
    ]


# --- answers -----------------------------------------------------------------------------


def _hit_block(hit: Hit, label: str, text_budget: int, bold_budget: int) -> str:
    quote = hit.quote
    shown, spans = quote.text, quote.spans
    suffix = ""
    if utf16_len(shown) > text_budget:
        shown, spans = split_text(shown, spans, max(1, text_budget - 2))[0]
        suffix = "……"
    block = quote_block(shown, spans, max(0, bold_budget)) + suffix
    return f"{block}\n{label} {source_html(hit.document, hit.paragraph)}"


def _hit_blocks(hits: Sequence[Hit], labels: Sequence[str], header: str) -> list[str]:
    """Quote and source line per hit, sharing the message's length and entity budgets."""
    count = max(1, len(hits))
    # Each hit takes a blockquote entity; the rest of the entity budget goes to bold words.
    bold_budget = (MAX_ENTITIES - entity_count(header)) // count - 1
    sources = sum(utf16_len(visible_text(source_html(h.document, h.paragraph))) for h in hits)
    labels_length = sum(utf16_len(label) for label in labels)
    text_budget = (
        MAX_TEXT - utf16_len(visible_text(header)) - sources - labels_length - 16 * count
    ) // count
    return [
        _hit_block(hit, label, text_budget, bold_budget)
        for hit, label in zip(hits, labels, strict=True)
    ]


def pages_of(total: int, page_size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // page_size))


def answer_header(result: SearchResult, page: int) -> str:
    """🔎 「question」, with the count and page only where they tell the reader something.

    Any passage sharing a single word with the question counts, so a count in the
    thousands says nothing; the page number alone is shown then. A low-confidence result
    shows no count (none of the passages answers) and goes on with the missing line.
    """
    pages = pages_of(result.total)
    head = f"🔎 「{shorten(result.query, QUESTION_SHOWN)}」"
    if result.total <= COUNT_SHOWN and not is_low(result):
        head += f" 共 {result.total} 段" + (f" · 第 {page + 1}/{pages} 页" if pages > 1 else "")
    elif page > 0:
        head += f" · 第 {page + 1} 页"
    head = html.escape(head, quote=False)
    return f"{head}\n{missing_html(result)}" if is_low(result) else head


def render_answer(result: SearchResult, qid: str, page: int, keys: dict[int, str]) -> Reply:
    """A page of results for a private chat (or an expanded group answer).

    Buttons: p:<qid>:<page> pages, c:<passage key> shows the context, f:<qid>:<passage
    key> the whole passage, r:<passage key> its citation; `keys` maps each hit's passage id
    to its stable key. In a low-confidence result every passage is labelled as the nearest.
    """
    pages = pages_of(result.total)
    header = answer_header(result, page)
    first = page * PAGE_SIZE + 1
    numbers = range(first, first + len(result.hits))
    mark = NEAREST if is_low(result) else ""
    blocks = _hit_blocks(result.hits, [number_mark(n) + mark for n in numbers], header)
    rows = [
        [
            InlineKeyboardButton(
                f"上下文 {number_mark(first + i)}",
                callback_data=callback_data("c", keys[hit.passage_id]),
            ),
            InlineKeyboardButton(
                f"全文 {number_mark(first + i)}",
                callback_data=callback_data("f", qid, keys[hit.passage_id]),
            ),
            InlineKeyboardButton(
                f"引用 {number_mark(first + i)}",
                callback_data=callback_data("r", keys[hit.passage_id]),
            ),
        ]
        for i, hit in enumerate(result.hits)
    ]
    navigation = []
    if page > 0:
        navigation.append(
            InlineKeyboardButton("◀ 上一页", callback_data=callback_data("p", qid, page - 1))
        )
    if page + 1 < pages:
        navigation.append(
            InlineKeyboardButton("下一页 ▶", callback_data=callback_data("p", qid, page + 1))
        )
    if navigation:
        rows.append(navigation)
    return Reply("\n\n".join([header, *blocks]), InlineKeyboardMarkup(rows))


def render_group_answer(
    result: SearchResult, qid: str, bot_username: str | None, keys: dict[int, str] | None = None
) -> Reply:
    """The compact group answer: the top hit, a button for more, its citation (r:<passage
    key>, when `keys` are given), a link to a private chat.

    A low-confidence result is one short line saying what the collection lacks; the
    nearest passages are behind a button, never quoted at length in the group.
    """
    header = html.escape(f"🔎 「{shorten(result.query, QUESTION_SHOWN)}」", quote=False)
    row = []
    if is_low(result):
        text = f"{header}\n{missing_html(result, with_passages=False)}"
        row.append(InlineKeyboardButton("查看最接近的段落", callback_data=callback_data("p", qid, 0)))
    else:
        text = "\n\n".join([header, *_hit_blocks(result.hits[:1], [number_mark(1)], header)])
        if result.total > 1:
            label = f"更多结果（共 {result.total} 段）" if result.total <= COUNT_SHOWN else "更多结果"
            row.append(InlineKeyboardButton(label, callback_data=callback_data("p", qid, 0)))
        if keys:
            key = keys[result.hits[0].passage_id]
            row.append(InlineKeyboardButton("引用", callback_data=callback_data("r", key)))
    if bot_username:
        row.append(InlineKeyboardButton("私聊查看 ↗", url=deep_link(bot_username, f"q{qid}")))
    return Reply(text, InlineKeyboardMarkup([row]) if row else None)


def deep_link(bot_username: str, payload: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload):
        raise ValueError(f"bad deep-link payload: {payload!r}")
    return f"https://t.me/{bot_username}?start={payload}"


def render_passage(
    passage: Passage, document: Document, document_key: str, spans: Spans = ()
) -> list[Reply]:
    """The whole passage, split over as many messages as needed, with a file button.

    The button is d:<document key>.
    """
    source = source_html(document, passage.paragraph)
    budget = MAX_TEXT - utf16_len(visible_text(source)) - 32
    pieces = split_text(passage.text, spans, budget)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "📄 原文文件", callback_data=callback_data("d", document_key)
                )
            ]
        ]
    )
    replies = []
    for index, (piece, piece_spans) in enumerate(pieces, start=1):
        part = f"（{index}/{len(pieces)}）" if len(pieces) > 1 else ""
        text = f"{quote_block(piece, piece_spans, MAX_ENTITIES - 2)}\n{source}{part}"
        replies.append(Reply(text, keyboard if index == len(pieces) else None))
    return replies


def render_alert(found: Sequence[tuple[str, Hit]], more: int) -> Reply:
    """One message with the new quotes matching a user's subscriptions: each quote, the
    subscription it matched and its source; `more` counts the matches left out."""
    header = "🔔 新收录的讲话中有你订阅的内容："
    labels = [html.escape(f"「{shorten(query, 30)}」", quote=False) for query, _ in found]
    blocks = _hit_blocks([hit for _, hit in found], labels, header)
    footer = f"另有 {more} 段相符，可以直接提问查看。" if more else ""
    footer += "发送 /subscriptions 管理订阅。"
    return Reply("\n\n".join([header, *blocks, footer]))


def render_citation(citation: str) -> Reply:
    """A GB/T 7714-2015 citation in a code block, to copy with one tap."""
    return Reply(f"引用格式（GB/T 7714-2015）：\n<code>{html.escape(citation, quote=False)}</code>")


def render_context(passages: Sequence[Passage], document: Document, focus_id: int) -> list[Reply]:
    """Neighbouring passages in order, the asked-about one marked, split to the limits."""
    lines: list[str] = [html.escape(f"《{title_of(document)}》 上下文", quote=False)]
    for passage in passages:
        mark = "▶ " if passage.id == focus_id else ""
        label = html.escape(f"{mark}第{passage.paragraph}段", quote=False)
        budget = MAX_TEXT - 64
        for piece, _ in split_text(passage.text, (), budget):
            lines.append(f"{label}\n{quote_block(piece)}")
    return [Reply(text) for text in pack(lines, separator="\n\n")]


def pack(blocks: Sequence[str], separator: str = "\n") -> list[str]:
    """Group whole blocks into as few messages as the limits allow (each block must fit)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}{separator}{block}" if current else block
        if current and not fits(candidate):
            messages.append(current)
            candidate = block
        current = candidate
    if current:
        messages.append(current)
    return messages


def folder_name(source: str) -> str:
    """How a source folder is shown: its last part (the server's layout is nobody's business)."""
    return source.rstrip("/").rsplit("/", 1)[-1] or source


def render_sources(
    documents: Sequence[Document], sources: dict[str, int], page: int, page_size: int = SOURCES_PAGE
) -> Reply:
    """One page of the collection: a count, the page's documents under their source folder,
    and buttons s:<page> to turn pages and to jump to each folder.

    `documents` are the page's documents (in the order of `sources`); `sources` maps each
    folder to its number of documents.
    """
    total = sum(sources.values())
    pages = pages_of(total, page_size)
    lines = [f"<b>收录讲话 {total} 篇</b>" + (f"（第 {page + 1}/{pages} 页）" if pages > 1 else "")]
    folder = None
    for number, document in enumerate(documents, start=page * page_size + 1):
        if document.source != folder and len(sources) > 1:
            folder = document.source
            lines.append(f"\n📁 <b>{html.escape(shorten(folder_name(folder), 40), quote=False)}</b>"
                         f"（{sources.get(folder, 0)} 篇）")
        line = f"{number}. 《{short_title(document, 60)}》"
        details = " · ".join(details_of(document.meta))
        if details:
            line += f" {details}"
        line += f"（{document.passages} 段）"
        lines.append(html.escape(line, quote=False))
    rows = []
    navigation = []
    if page > 0:
        navigation.append(InlineKeyboardButton("◀ 上一页", callback_data=callback_data("s", page - 1)))
    if page + 1 < pages:
        navigation.append(InlineKeyboardButton("下一页 ▶", callback_data=callback_data("s", page + 1)))
    if navigation:
        rows.append(navigation)
    if pages > 2:
        rows.append([
            InlineKeyboardButton("⏮ 第一页", callback_data=callback_data("s", 0)),
            InlineKeyboardButton("最后一页 ⏭", callback_data=callback_data("s", pages - 1)),
        ])
    if 1 < len(sources) <= 10 and pages > 1:
        first = 0
        jumps = []
        for source, count in sources.items():
            if count:
                label = f"📁 {shorten(folder_name(source), 16)}"
                data = callback_data("s", first // page_size)
                jumps.append(InlineKeyboardButton(label, callback_data=data))
            first += count
        rows.extend(jumps[i : i + 2] for i in range(0, len(jumps), 2))
    text = "\n".join(lines)
    if not fits(text):  # cannot happen with the cuts above; never send an oversized message
        text = pack(lines)[0]
    return Reply(text, InlineKeyboardMarkup(rows) if rows else None)


@dataclass(frozen=True)
class InlineArticle:
    id: str
    title: str
    description: str
    message: str  # HTML


def render_inline(hit: Hit, result: SearchResult | None = None) -> InlineArticle:
    """An inline-mode result: choosing it posts the quote with its source line.

    When `result` is low-confidence, the title, the description and the posted message
    all say the passage is only the nearest one.
    """
    low = result is not None and is_low(result)
    meta = hit.document.meta
    title = shorten(f"{NEAREST if low else ''}《{title_of(hit.document)}》 第{hit.paragraph}段", 100)
    description = f"{meta.speaker}：{hit.quote.text}" if meta.speaker else hit.quote.text
    if low:
        description = missing_line(result.unmatched).removesuffix("最接近的段落：") + description
    header = missing_html(result) if low else ""
    message = _hit_blocks([hit], ["—"], header)[0]
    if low:
        message = f"{header}\n{message}"
    return InlineArticle(str(hit.passage_id), title, shorten(description, 200), message)
