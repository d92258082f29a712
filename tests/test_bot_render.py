"""bot.render: search results in, Telegram HTML and keyboards out, always within the limits."""

from __future__ import annotations

import html
import re

import pytest

from bot import render
from bot.render import (
    MAX_CALLBACK_BYTES,
    MAX_ENTITIES,
    MAX_TEXT,
    callback_data,
    entity_count,
    highlight,
    quote_block,
    render_answer,
    render_context,
    render_group_answer,
    render_inline,
    render_passage,
    render_sources,
    source_html,
    split_text,
    utf16_len,
    visible_text,
)
from index import Document, DocumentMeta, Hit, Passage, Quote, SearchResult

META = DocumentMeta(
    title="在市委经济工作会议上的讲话",
    speaker="王一鸥",
    place="岳阳",
    date="2021-01-16",
    year="2021",
)
DOC = Document(id=7, path="000_a.txt", source="/srv/speeches", meta=META, passages=40, sha256="x")


class Keys(dict):
    """Passage keys as the bot makes them: any passage id gets one."""

    def __missing__(self, passage_id: int) -> str:
        return f"beefbeefbeef.{passage_id}"


KEYS = Keys()


def strip(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def hit(text: str, spans=(), rank=1, passage_id=100, paragraph=12, document=DOC) -> Hit:
    return Hit(
        rank=rank,
        score=1.0,
        passage_id=passage_id,
        document=document,
        paragraph=paragraph,
        text=text,
        quote=Quote(text, tuple(spans)),
        spans=tuple(spans),
    )


def result(hits, query="岳阳2021年目标", total=None, unmatched=None) -> SearchResult:
    return SearchResult(
        query=query,
        took_ms=1.0,
        hits=tuple(hits),
        total=total or len(hits),
        confidence="high" if unmatched is None else "low",
        unmatched=unmatched or (),
    )


def all_callback_data(markup) -> list[str]:
    return [b.callback_data for row in markup.inline_keyboard for b in row if b.callback_data]


# --- escaping and verbatim quotes -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, spans",
    [
        ("地区生产总值增长8%左右", [(0, 6)]),
        ("a < b && c > d", [(0, 1), (4, 5)]),
        ("<b>粗体</b> & <script>alert(1)</script>", [(3, 5)]),
        ("&amp; 已经转义过的 &lt;", [(0, 5)]),
        ("' OR 1=1; DROP TABLE passages; --", [(2, 4)]),
        ("表情😀与“引号”", [(2, 3), (5, 7)]),
        ("重叠的区间", [(0, 3), (1, 4), (4, 9)]),
        ("", []),
    ],
)
def test_quotes_survive_rendering_unchanged(text, spans):
    block = quote_block(text, spans)
    assert strip(block) == text
    assert visible_text(block) == text
    # only our own tags remain: every < in the text was escaped
    assert set(re.findall(r"</?(\w+)", block)) <= {"b", "blockquote"}


def test_matched_words_are_bold_and_escaped_segment_by_segment():
    assert highlight("x<y & 增长8%", [(0, 3), (6, 9)]) == "<b>x&lt;y</b> &amp; <b>增长8</b>%"


def test_touching_and_overlapping_spans_merge_into_one_bold():
    assert highlight("增长目标", [(0, 2), (2, 4)]) == "<b>增长目标</b>"
    assert highlight("增长目标", [(1, 3), (0, 2), (9, 12)]) == "<b>增长目</b>标"


def test_bold_is_capped_without_changing_text():
    text = "增长，" * 300
    spans = [(i, i + 2) for i in range(0, 900, 3)]
    marked = highlight(text, spans, max_bold=5)
    assert marked.count("<b>") == 5
    assert strip(marked) == text


def test_source_line_is_the_cores_escaped():
    assert (
        source_html(DOC, 12)
        == "《在市委经济工作会议上的讲话》 讲话人 王一鸥 · 岳阳 · 2021-01-16 · 第12段"
    )
    unknown = Document(1, "dir/讲话<1>.txt", "/s", DocumentMeta(), 3, "x")
    assert source_html(unknown, 2) == "《讲话&lt;1&gt;.txt》 第2段"


def test_source_line_with_huge_metadata_cuts_each_field_and_keeps_the_paragraph():
    meta = DocumentMeta(title="题" * 500, speaker="人" * 900, place="地" * 900, year="2021")
    line = source_html(Document(1, "a.txt", "/s", meta, 3, "x"), 7)
    assert len(line) < 240 and line.endswith("2021年 · 第7段")
    assert line.startswith("《" + "题" * 119 + "…》 讲话人")


def test_question_is_escaped_in_answers():
    reply = render_answer(result([hit("增长8%")], query="<b>目标</b> & 'x'"), "abcdEFGH", 0, KEYS)
    assert "&lt;b&gt;目标&lt;/b&gt; &amp; 'x'" in reply.text
    assert "<b>目标</b>" not in reply.text


# --- answers -----------------------------------------------------------------------------


def test_private_answer_shows_three_quotes_sources_and_buttons():
    hits = [hit(f"第{i}段的内容，增长8%", [(6, 8)], rank=i, passage_id=100 + i) for i in (1, 2, 3)]
    reply = render_answer(result(hits, total=7), "abcdEFGH", 0, KEYS)
    shown = visible_text(reply.text)
    for h in hits:
        assert h.quote.text in shown
    assert shown.count("王一鸥 · 岳阳 · 2021-01-16 · 第12段") == 3
    assert "共 7 段" in shown and "第 1/3 页" in shown
    data = all_callback_data(reply.keyboard)
    assert "p:abcdEFGH:1" in data and "c:beefbeefbeef.101" in data
    assert "f:abcdEFGH:beefbeefbeef.103" in data
    assert not any(d.startswith("p:abcdEFGH:-") for d in data)
    labels = [b.text for row in reply.keyboard.inline_keyboard for b in row]
    assert "上下文 ①" in labels and "全文 ③" in labels and "下一页 ▶" in labels


def test_last_page_has_previous_but_no_next():
    reply = render_answer(result([hit("增长")], total=7), "abcdEFGH", 2, KEYS)
    data = all_callback_data(reply.keyboard)
    assert "p:abcdEFGH:1" in data and "p:abcdEFGH:3" not in data
    assert "⑦" in reply.text  # numbering continues across pages


def test_group_answer_is_compact_with_more_and_deep_link():
    hits = [hit("第一", passage_id=1), hit("第二", passage_id=2)]
    reply = render_group_answer(result(hits, total=5), "abcdEFGH", "quote_test_bot")
    assert "第一" in reply.text and "第二" not in reply.text
    buttons = [b for row in reply.keyboard.inline_keyboard for b in row]
    assert buttons[0].callback_data == "p:abcdEFGH:0"
    assert buttons[1].url == "https://t.me/quote_test_bot?start=qabcdEFGH"


def test_long_quotes_and_many_matches_stay_within_limits():
    text = "增长<&>" * 2000
    spans = [(i, i + 2) for i in range(0, len(text), 5)]
    hits = [hit(text, spans, passage_id=i) for i in range(3)]
    reply = render_answer(result(hits, query="增" * 600), "abcdEFGH", 0, KEYS)
    assert utf16_len(visible_text(reply.text)) <= MAX_TEXT
    assert entity_count(reply.text) <= MAX_ENTITIES
    for quoted in re.findall(r"<blockquote>(.*?)</blockquote>", reply.text, re.S):
        assert text.startswith(strip(quoted))  # cut, never altered


def test_emoji_count_double_towards_the_limit():
    assert utf16_len("😀") == 2 and utf16_len("增") == 1
    text = "😀" * 3000
    pieces = split_text(text, [], 4000)
    assert all(utf16_len(p) <= 4000 for p, _ in pieces)
    assert "".join(p for p, _ in pieces) == text


# --- splitting ---------------------------------------------------------------------------


def test_split_prefers_sentence_ends_and_keeps_spans():
    text = "一二三四五。六七八九十。甲乙丙丁戊"
    pieces = split_text(text, [(4, 8)], 13)
    assert pieces[0][0] == "一二三四五。六七八九十。"
    assert "".join(p for p, _ in pieces) == text
    assert pieces[0][1] == ((4, 8),)


def test_split_cuts_spans_that_cross_a_boundary():
    pieces = split_text("abcdefghij", [(3, 7)], 5)
    assert pieces == [("abcde", ((3, 5),)), ("fghij", ((0, 2),))]


def test_whole_passage_is_split_into_messages_within_limits():
    text = ("经济社会发展取得了良好成效，" * 40 + "\n") * 12
    spans = [(i, i + 2) for i in range(0, len(text), 7)]
    passage = Passage(id=5, document=DOC, paragraph=3, text=text)
    replies = render_passage(passage, DOC, "beefbeefbeef", tuple(spans))
    assert len(replies) > 1
    for reply in replies:
        assert utf16_len(visible_text(reply.text)) <= MAX_TEXT
        assert entity_count(reply.text) <= MAX_ENTITIES
    quoted = "".join(
        strip(q) for r in replies for q in re.findall(r"<blockquote>.*?</blockquote>", r.text, re.S)
    )
    assert quoted == text
    assert replies[-1].keyboard.inline_keyboard[0][0].callback_data == "d:beefbeefbeef"
    assert all(r.keyboard is None for r in replies[:-1])


def test_context_marks_the_asked_passage():
    passages = [Passage(id=i, document=DOC, paragraph=i, text=f"段落{i}") for i in (4, 5, 6)]
    (reply,) = render_context(passages, DOC, 5)
    shown = visible_text(reply.text)
    assert shown.index("第4段") < shown.index("▶ 第5段") < shown.index("第6段")


def test_sources_are_one_page_with_buttons_grouped_by_folder():
    folders = {"/srv/a": 30, "/srv/b": 170}
    documents = [Document(i, f"{i}.txt", "/srv/a" if i < 30 else "/srv/b", META, 10, "x")
                 for i in range(20, 40)]
    reply = render_sources(documents, folders, page=1)
    shown = visible_text(reply.text)
    assert shown.startswith("收录讲话 200 篇（第 2/10 页）")
    assert "📁 a（30 篇）" in shown and "📁 b（170 篇）" in shown
    assert shown.index("📁 a") < shown.index("21. 《") < shown.index("📁 b") < shown.index("31. 《")
    data = all_callback_data(reply.keyboard)
    assert {"s:0", "s:2", "s:9"} <= set(data)  # previous, next, last
    labels = {b.text: b.callback_data for row in reply.keyboard.inline_keyboard for b in row}
    assert labels["📁 a"] == "s:0" and labels["📁 b"] == "s:1"  # b starts on page 2


def test_sources_stay_within_limits_with_huge_titles():
    huge = DocumentMeta(title="长" * 5000, speaker="讲" * 300, place="地" * 300, date="2021")
    documents = [Document(i, f"{i}.txt", "/s", huge, 10, "x") for i in range(20)]
    reply = render_sources(documents, {"/s": 24187}, page=0)
    assert render.fits(reply.text)
    assert "收录讲话 24187 篇（第 1/1210 页）" in visible_text(reply.text)


def test_answers_with_huge_titles_stay_within_limits():
    document = Document(1, "a.txt", "/s", DocumentMeta(title="长" * 5000, speaker="讲" * 500), 3, "x")
    hits = [hit("增长8%" * 300, [(0, 2)], passage_id=i, document=document) for i in range(3)]
    reply = render_answer(result(hits, total=9), "abcdEFGH", 0, KEYS)
    assert render.fits(reply.text) and "增长8%" in visible_text(reply.text)
    for part in render_passage(hits[0], document, "beefbeefbeef"):
        assert render.fits(part.text)


def test_huge_counts_are_not_shown():
    hits = [hit("增长", passage_id=i) for i in range(3)]
    first = visible_text(render_answer(result(hits, total=31050), "abcdEFGH", 0, KEYS).text)
    later = visible_text(render_answer(result(hits, total=31050), "abcdEFGH", 4, KEYS).text)
    assert first.startswith("🔎 「岳阳2021年目标」\n") and "31050" not in first
    assert later.startswith("🔎 「岳阳2021年目标」 · 第 5 页\n") and "10350" not in later
    group = render_group_answer(result(hits, total=31050), "abcdEFGH", None)
    assert group.keyboard.inline_keyboard[0][0].text == "更多结果"


def test_inline_article_posts_quote_and_source():
    article = render_inline(hit("地区生产总值增长8%左右", [(6, 8)], passage_id=42))
    assert article.id == "42"
    assert article.title == "《在市委经济工作会议上的讲话》 第12段"
    assert visible_text(article.message) == (
        "地区生产总值增长8%左右\n"
        "— 《在市委经济工作会议上的讲话》 讲话人 王一鸥 · 岳阳 · 2021-01-16 · 第12段"
    )


# --- low confidence ----------------------------------------------------------------------

LOW = dict(query="岳阳2025年GDP目标", unmatched=("2025年",))


def test_low_confidence_private_answer_starts_with_the_missing_line_and_marks_each_passage():
    hits = [hit(f"第{i}段，增长8%", rank=i, passage_id=100 + i) for i in (1, 2)]
    shown = visible_text(render_answer(result(hits, total=67, **LOW), "abcdEFGH", 0, KEYS).text)
    lines = shown.split("\n")
    assert lines[0] == "🔎 「岳阳2025年GDP目标」"  # no "共 67 段": none of them answers
    assert lines[1] == "资料库中没有找到与“2025年”相符的内容。最接近的段落："
    assert "①（最接近） 《在市委经济工作会议上的讲话》" in shown
    assert "②（最接近） 《在市委经济工作会议上的讲话》" in shown


def test_low_confidence_group_answer_is_one_line_with_the_passages_behind_a_button():
    hits = [hit("地区生产总值增长8%左右" * 20, passage_id=1)]
    reply = render_group_answer(result(hits, total=67, **LOW), "abcdEFGH", "quote_bot")
    assert visible_text(reply.text) == (
        "🔎 「岳阳2025年GDP目标」\n资料库中没有找到与“2025年”相符的内容。"
    )
    first, link = reply.keyboard.inline_keyboard[0]
    assert (first.text, first.callback_data) == ("查看最接近的段落", "p:abcdEFGH:0")
    assert link.url == "https://t.me/quote_bot?start=qabcdEFGH"


def test_low_confidence_inline_article_says_it_is_only_the_nearest():
    h = hit("地区生产总值增长8%左右", passage_id=42)
    article = render_inline(h, result([h], **LOW))
    assert article.title == "（最接近）《在市委经济工作会议上的讲话》 第12段"
    assert article.description.startswith("资料库中没有找到与“2025年”相符的内容。王一鸥：")
    assert visible_text(article.message).startswith(
        "资料库中没有找到与“2025年”相符的内容。最接近的段落：\n地区生产总值增长8%左右\n—"
    )
    high = render_inline(h, result([h]))
    assert "最接近" not in high.title + high.description + high.message


# --- callback data -----------------------------------------------------------------------


def test_callback_data_is_refused_over_64_bytes():
    assert callback_data("p", "abcdEFGH", 12) == "p:abcdEFGH:12"
    with pytest.raises(ValueError):
        callback_data("x" * MAX_CALLBACK_BYTES, 1)


def test_all_generated_callback_data_fit():
    hits = [hit("x", passage_id=2**62 + i) for i in range(3)]
    reply = render_answer(result(hits, total=10**6), "abcdEFGH", 9999, KEYS)
    assert all(len(d.encode()) <= MAX_CALLBACK_BYTES for d in all_callback_data(reply.keyboard))
