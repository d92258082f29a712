"""Turn a scraped document's raw text into clean paragraphs and bounded passages.

Everything here removes or joins; nothing rewrites the words that remain, so a passage
is always a verbatim piece of the source (minus web chrome and pinyin glosses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .metadata import year_a_title_names
from .normalize import normalize

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CMS_MARKER = re.compile(r"<!--[^\n]*?-->|<!--|-->")

# A pinyin gloss left by a converter right after the character it spells: 創(chuàng)新.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_GLOSS = re.compile(
    rf"(?<=[^\s(（])\((?=[a-z{_TONED}ü]*[{_TONED}])[a-z{_TONED}ü]{{1,7}}\)"
)

_CHROME_PREFIXES = (
    "当前位置", "您的位置", "您现在的位置", "首页>", "首页 >", "来源:", "免责声明", "版权",
    "copyright", "©", "相关热词", "热点文章", "内容阅读", "【字体", "(责任编辑", "【e-mail",
    "主办单位", "承办单位", "上一篇", "下一篇", "打印本页", "关闭窗口", "分享到", "扫一扫",
    "点击:", "浏览次数", "【打印", "【关闭", "责任编辑:", "编辑:", "【我要纠错",
)
_CHROME_CONTAINS = ("icp备", "icp证", "版权所有", "all rights reserved", "免责声明", "www.gov.cn")
_CHROME_EXACT = {"public domain", "false", "true", "正文", "打印", "关闭", "返回顶部", "【e-mail推荐"}
# The Wikisource licence template: everything from here on is footer.
_FOOTER_STARTS = ("本作品是中华人民共和国的", "本作品来自", "本作品在全世界", "注:中文维基文库社群认为")
_CRUMB = re.compile(r"^[^。，,!！?？]{0,80}(?:>|»|>>)[^。，,!！?？]{0,80}(?:>|»)")
_SHORT_META = re.compile(r"(来源|发布时间|日期|点击|作者)[:：]")

SENTENCE_END = "。！？!?…"
_LINE_END = SENTENCE_END + "；;：:”」』\"'）)】"
_JOINING_END = "；;，,、"
_CONTINUES = tuple("。，,、；;：:）)”」』%．.！!？?")
HEADING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百]+[，,、是条章节部分]|[一二三四五六七八九十]+[、.．]"
    r"|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.、．](?!\d)|[一二三四五六七八九十]是)"
)

CHROME_MAX = 160  # characters; longer lines are never taken for page chrome
PASSAGE_TARGET = 300
PASSAGE_MAX = 450


@dataclass(frozen=True)
class Paragraph:
    number: int  # 1-based, in the cleaned document
    text: str


@dataclass(frozen=True)
class PassageText:
    paragraph: int
    part: int  # 0-based piece of a split paragraph
    text: str


def strip_pinyin(text: str) -> str:
    """Remove converter glosses such as 創(chuàng)新 -> 創新, leaving real parentheses alone."""
    return _PINYIN_GLOSS.sub("", text)


def _is_chrome(norm: str) -> bool:
    compact = norm.replace(" ", "")
    if not compact or all(not ch.isalnum() for ch in compact):
        return True
    if compact in _CHROME_EXACT or norm.strip() in _CHROME_EXACT:
        return True
    if compact.startswith(_CHROME_PREFIXES) or any(c in compact for c in _CHROME_CONTAINS):
        return True
    if _CRUMB.match(norm):
        return True
    # "发布时间:2021-06-20 来源: 读后感 点击:" and the like: short lines of page metadata.
    return len(compact) <= 80 and len(_SHORT_META.findall(compact)) >= 2


def raw_lines(text: str) -> list[str]:
    """Lines with glosses, HTML comments, invisible characters and footer removed.

    Blank lines are kept as "" because they separate paragraphs.  Chrome lines are
    replaced by "" too, so line numbers still match `text` for metadata extraction.
    """
    return normalised_lines(text)[0]


def normalised_lines(text: str) -> tuple[list[str], list[str]]:
    """`raw_lines(text)` and, for each, its normalised form (only the first 40 characters
    of lines longer than CHROME_MAX)."""
    text = _INVISIBLE.sub("", _HTML_COMMENT.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n")))
    lines: list[str] = []
    norms: list[str] = []
    crumbs: list[tuple[int, str, str]] = []
    for line in text.split("\n"):
        line = strip_pinyin(_CMS_MARKER.sub("", line)).strip(" \t\u3000\u00a0")
        # Page chrome comes in short lines; a long line is body text (only its start can
        # open the footer), which spares normalising most of the text twice.
        norm = normalize(line if len(line) <= CHROME_MAX else line[:40])
        if norm.replace(" ", "").startswith(_FOOTER_STARTS):
            break
        chrome = line and len(line) <= CHROME_MAX and _is_chrome(norm)
        if chrome and _CRUMB.match(norm):
            crumbs.append((len(lines), line, norm))
        lines.append("" if chrome else line)
        norms.append("" if chrome else norm)
    # A text made only of lines that look like breadcrumbs ("新时代>>奋进>>…") is text
    # after all: keep them rather than lose the file.
    if crumbs and not any(lines):
        for i, line, norm in crumbs:
            lines[i], norms[i] = line, norm
    return lines, norms


def _ends_open(line: str) -> bool:
    return not line.endswith(tuple(_LINE_END))


def _should_join(prev: str, line: str, punctuated: bool) -> bool:
    if HEADING.match(line):
        return False
    if line.startswith(_CONTINUES):
        return True
    # (a numbered line cut at a comma is a sentence broken in two: "四、所有…的项目，一律实行“五定”，")
    if HEADING.match(prev) and len(prev) <= 40 and not prev.endswith(("，", ",", "、")):
        return False
    if prev.endswith(tuple(_JOINING_END)):
        return True
    if prev.endswith((":", "：")) and line.endswith((";", "；")):
        return True  # a list introduced by a colon
    if not _ends_open(prev):
        return False
    if len(prev) <= 12 or len(line) <= 12:
        return True
    # A long line without a closing mark, in a text that otherwise closes its lines,
    # is a sentence broken in two.
    return punctuated


def _is_punctuated(lines: list[str]) -> bool:
    long_lines = [ln for ln in lines if len(ln) > 30]
    if not long_lines:
        return False
    closed = sum(1 for ln in long_lines if not _ends_open(ln))
    return closed * 2 >= len(long_lines)


def paragraphs(lines: list[str]) -> list[Paragraph]:
    """Merge broken lines into paragraphs and drop exact duplicates.

    A blank line always ends a paragraph; consecutive lines are joined when the first
    one plainly does not end (a list item closed by ；, a sentence cut before its
    punctuation, a fragment of a few characters such as "PM" / "2.5" / "）浓度").
    """
    punctuated = _is_punctuated(lines)
    merged: list[str] = []
    previous_blank = True
    for line in lines:
        if not line:
            previous_blank = True
            continue
        if merged and not previous_blank and _should_join(merged[-1], line, punctuated):
            merged[-1] += line
        else:
            merged.append(line)
        previous_blank = False
    seen: set[str] = set()
    result: list[Paragraph] = []
    for text in merged:
        key = re.sub(r"\s+", "", text)
        if key in seen:
            continue
        seen.add(key)
        result.append(Paragraph(len(result) + 1, text))
    return result


_SENTENCE = re.compile(rf"[^{SENTENCE_END}；;]*[{SENTENCE_END}；;]+[”」』\"'）)]*|[^{SENTENCE_END}；;]+$")
_CLAUSE = re.compile(r"[^，,、]*[，,、]+|[^，,、]+$")


def sentences(text: str) -> list[str]:
    """Split at sentence ends, keeping the punctuation; the pieces join back to `text`."""
    return [s for s in _SENTENCE.findall(text) if s]


def _pieces(text: str, limit: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    out: list[str] = []
    for sentence in sentences(text):
        if len(sentence) <= limit:
            out.append(sentence)
            continue
        for clause in _CLAUSE.findall(sentence):
            out.extend(clause[i : i + limit] for i in range(0, len(clause), limit))
    return out


def split_passages(paragraph: Paragraph, target: int = PASSAGE_TARGET, limit: int = PASSAGE_MAX) -> list[PassageText]:
    """Split a long paragraph at sentence ends into passages of at most `limit` characters."""
    text = paragraph.text
    if len(text) <= limit:
        return [PassageText(paragraph.number, 0, text)]
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        if current and len(current) + len(piece) > target:
            chunks.append(current)
            current = ""
        current += piece
    if current:
        # Avoid a tiny tail: give it to the previous chunk when that stays within limit.
        if chunks and len(current) < target // 4 and len(chunks[-1]) + len(current) <= limit:
            chunks[-1] += current
        else:
            chunks.append(current)
    return [PassageText(paragraph.number, i, chunk) for i, chunk in enumerate(chunks)]


LIST_HEADER_MAX = 80  # characters
# The first item of a list: 第一， 一是 首先， (1)
_FIRST_ITEM = re.compile(r"\s*(?:第一[，,、]|一是|首先[，,]|其一[，,]|[（(]1[)）])")


def passages(paras: list[Paragraph]) -> list[PassageText]:
    """The passages of a document's paragraphs; a short sentence that announces a list
    ("习近平就两岸关系发展提出4点意见。", "主要体会是：") is kept with the list's first item."""
    merged: list[Paragraph] = []
    for para in paras:
        header = merged[-1].text.rstrip() if merged else ""
        if header and len(header) <= LIST_HEADER_MAX and header[-1] in "。：:" and _FIRST_ITEM.match(para.text):
            merged[-1] = Paragraph(merged[-1].number, header + para.text)
        else:
            merged.append(para)
    return [p for para in merged for p in split_passages(para)]


HEADER_MAX = 200  # characters; a longer passage ending in a colon is not a mere header


def carry_headers(norms: list[str], tokens: list[list[str]]) -> list[list[str]]:
    """Each passage's tokens plus those of the passage before it when that one is a header
    that introduces it ("今年发展主要预期目标是：", "他说："), and those of the heading of the
    section it is in ("二、“十五”期间的奋斗目标和指导方针", up to the next heading): the items
    of a list and the paragraphs of a section then match the words of their heading.  The
    passage text itself is unchanged."""
    carried = [list(t) for t in tokens]
    headings = [is_heading(norm.rstrip()) for norm in norms]
    heading: list[str] = []
    for i in range(1, len(norms)):
        before = norms[i - 1].rstrip()
        if before.endswith(("：", ":")) and len(before) <= HEADER_MAX:
            carried[i].extend(tokens[i - 1])
        if headings[i - 1]:
            heading = tokens[i - 1]
        if not headings[i]:
            carried[i].extend(heading)
    return carried


HEADING_MAX = 40  # characters
# A numbered heading: 一、 (一) 第一章 — short, and no sentence in it.
_HEADING = re.compile(r"\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十]{1,3}[部章节])")
_SENTENCE_END = re.compile(r"[。！？；!?;]")


def is_heading(norm: str) -> bool:
    """Whether a passage (normalised) is a section's numbered heading."""
    return len(norm) <= HEADING_MAX and bool(_HEADING.match(norm)) and not _SENTENCE_END.search(norm)


# A section's own heading (一、), not a subsection's ((一)).
_SECTION_HEADING = re.compile(r"\s*[一二三四五六七八九十]{1,3}[、.．]")


def section_years(norms: list[str]) -> list[int]:
    """Per passage (normalised), the one year the numbered heading of its section names
    ("一、2023年工作回顾": the 2024 report's review tells of 2023), or 0; a section's heading
    that names none ends it, a subsection's does not.  Stored per passage at build time: a
    change needs store.SCHEMA_VERSION bumped."""
    years, year = [], 0
    for norm in norms:
        norm = norm.rstrip()
        if is_heading(norm):
            named = year_a_title_names(norm)
            if named or _SECTION_HEADING.match(norm):
                year = named
        years.append(year)
    return years


# A news lead opens with its dateline: 央视网消息（新闻联播）：, 新华社北京3月5日电（记者…）.
# (Stored per passage at build time: a change needs store.SCHEMA_VERSION bumped.)
_DATELINE = re.compile(r"^\S{0,12}?(?:消息|电)\s*[(（:：]")


def is_lead(norm: str) -> bool:
    """Whether a passage (normalised) is a news item's lead: it opens with a dateline."""
    return bool(_DATELINE.match(norm))


# Part of a year as a figure's period: 前11个月, 1至9月, 上半年, 一季度, 前三季度 (not a
# month named alone: "9月份" is as often a date).
PART_OF_YEAR = re.compile(r"前\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*个月|\d{1,2}\s*[至到\-—–~－]\s*\d{1,2}\s*月|[上下]半年|"
                          r"前?[一二三四1-4]\s*季度")
# The year's whole as a figure's period, not the year before's (比上年全年加快), a forecast
# or a target (符合全年经济增长预期目标).
_WHOLE_YEAR = re.compile(r"(?<!上年)(?<!去年)(?<!预计)全年(?![^，。,]{0,8}目标)")


def reports_part_of_year(norm: str) -> bool:
    """Whether a passage (normalised) reports part of a year (前11个月, 上半年) and not the
    whole of it (an annual release goes on "分季度看，一季度…").  Stored per passage at build
    time: a change needs store.SCHEMA_VERSION bumped."""
    return bool(PART_OF_YEAR.search(norm)) and not _WHOLE_YEAR.search(norm)
