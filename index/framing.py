"""What frames a question without being asked: a greeting or a request to look it up (请问,
帮我查一下, 能告诉我…吗), the news programme named as its source (新闻联播), what opens it
(关于…, 我在写材料，…, 搜索：…, 简述…), what closes it (…的相关论述, ，原文是怎么说的, ，请注明出处,
谢谢), the words of asking that open it or make up a clause closing it (hi，麻烦问一下，…,
…，有知道的吗？急, …，请引用原文回答), brackets and emoji (【…】, 🙏), and how a person it
names is addressed (王一鸥书记, 李强总理).  Taken out before the question is read, so that the
words left are what it asks.
"""

from __future__ import annotations

import re

from .analysis import dictionary_tags, plain_words
from .vocabulary import SURNAMES

_HAN_CHARACTER = re.compile(r"[\u4e00-\u9fff]")

# A greeting or a request to look something up (请问, 我想知道, 帮我查一下, 能告诉我): taken out
# first, so that what follows starts the question (请问98年…, 帮我查一下区里…).
_REQUEST = re.compile(
    r"(?:(?:你|您|你们|大家|各位)好|请问(?:一下)?|请教(?:一下)?|(?:请|麻烦)?(?:你|您)?帮(?:我|忙)(?:查|找|看|搜)(?:一下|查|找|看|搜)?|"
    r"(?:我)?想(?:问|知道|了解)(?:一?下)?|(?:麻烦|劳驾)?(?:问|请教|咨询)一?下|"
    r"(?:请|麻烦)?(?:你|您)?(?:能否|能不能|可以|能)?告诉我(?:一下)?)[,:;\s]*")
# ... and what only frames the question around it: at its start 关于 ("关于雄安新区 最早出现在哪份报告"),
# what one is writing (我在写材料，), a request to search (查一下, 搜索：, 能不能查到, 给我) or to sum
# up (简述, 概括一下, 请列举); at its end a request for the wording or the source (…的相关论述, …的原话,
# ，原文是怎么说的, ，请注明出处, ，出自哪份文件), …的答案, or thanks (谢谢, ，麻烦了).
_OPENING = re.compile(r"^\s*(?:关于|我(?:在|正在)写[^，,。]{0,12}[，,]|(?:查|找|搜)(?:一下|一查|找看)|搜索?[：:]|问[：:]"
                      r"|(?:能不能|能否|可以|可不可以)(?:查到|找到|搜到)|给我(?:找|查|搜)?(?:一下)?"
                      # (or asks it as in a chat: 你知道…吗, 有人知道…, 能说说…, 急！, 求助：)
                      r"|(?:你|您)(?:知道|晓得)|(?:同事|领导|朋友|别人|有人|客户)问(?:过)?我|有(?:人|谁)知道|谁知道|(?:能|可以|能不能)?(?:说说|讲讲)|急[！!，,：:]|求助?[！!，,：:]"
                      r"|(?:请)?(?:列举|列出|简述|简要(?:介绍|说明|概括)|(?:概括|总结|介绍|解释|说明)一下))\s*")
_CLOSING = re.compile(r"[，,\s]*(?:(?:(?<=[，,])|的|相关|的相关)(?:论述|表述|原文|原话)(?:是(?:怎么说的|什么)|怎么说的?)?"
                      r"|(?:请)?(?:注明|标明|附上?|给出?|带上?|要)(?:出处|原文|来源)|谢谢|多谢|感谢|的答案(?:是什么)?"
                      r"|(?<=[，,])(?:麻烦(?:你|您)?了|辛苦了|(?:出自|来自)哪(?:份|个|篇|里)(?:文件|报告|讲话|文章|材料)?|有?谁知道))"
                      r"[！!。.？?\s]*$")

# The words of asking.  A question's opening words while they are these (麻烦 问一下，, 能 帮 我
# 看看…, 我 记得…, hi，), and a clause that closes it made of these and of words about the
# answer's form (，请引用原文回答, ，要准确, ，越详细越好, ，有知道的吗, ？急) are a request, not
# what is asked.  (Not 问, 查, 找 or 好 alone to open it: 问责, 查处, 找工作, 好房子.)
_ASKING = frozenset("你好 您好 你们好 hi hello hey 嗨 哈喽 在 吗 请 请问 请教 麻烦 劳驾 打扰 我 你 您 大家 各位 想 能 能否 "
                    "能不能 可以 可不可以 帮 帮忙 帮我 查查 找找 搜搜 看看 问问 告诉 知道 了解 记得 一下 回答 解答".split())
_ANSWER_FORM = _ASKING | frozenset("吗 呢 啊 吧 呀 哈 哦 嗯 的 了 有 有人 要 谢谢 多谢 感谢 急 在线 等 准确 详细 具体 越 好 "
                                   "简单 简要 一点 点 些 一些 引用 原文 原话 回答 答 给出 给 注明 标明 附上 带上 查到 找到 "
                                   "到 问 查 找 说 说说 讲讲 急急 急急急 求 求解 求助 解答 来着".split())
_PARTICLES = frozenset("吗 呢 啊 吧 呀 来着".split())
_BREAKS = frozenset("，,：:！!？?。.；;、 \t")


def _without_asking(text: str) -> str:
    """`text` without its opening words of asking and its closing clauses of them (`_ASKING`,
    `_ANSWER_FORM`) and a particle that ends it (…哪年政府工作报告吗); as it is if nothing is left."""
    words = plain_words(text)
    start = 0
    while start < len(words) and (words[start] in _ASKING or words[start] in _BREAKS):
        start += 1
    end = len(words)
    while True:
        last = end  # the clause's last word, before the breaks that end it
        while last > start and words[last - 1] in _BREAKS:
            last -= 1
        clause = last
        while clause > start and words[clause - 1] not in _BREAKS:
            clause -= 1
        if not (clause > start and words[clause - 1] != " " and all(w in _ANSWER_FORM for w in words[clause:last])):
            break
        end = clause - 1
    if last > start and words[last - 1] in _PARTICLES:
        words = words[:last - 1] + words[last:]
        end -= 1
    return "".join(words[start:end]) or text


# Brackets that set a question off (【…】) without quoting anything, and emoji (🙏).
_BRACKETS = re.compile(r"[【】〖〗\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")

# The news programme named as the source (新闻联播 2023年5月…, 新闻联播里报道过…): every item's
# dateline names it (央视网消息（新闻联播）：), so as words it only draws the leads up.
_PROGRAMME = re.compile(r"(?:央视)?新闻联播(?:节目)?(?:[里中上])?(?:(?:报道|播出|播报)(?:了|过)?)?")


def without_framing(text: str) -> str:
    """The question without a greeting or request (`_REQUEST`), the news programme named as its
    source (`_PROGRAMME`) and what opens or closes it (`_OPENING`, `_CLOSING`, as often as
    they repeat: 我在写材料，查一下…的相关论述？谢谢！)."""
    text = _PROGRAMME.sub(" ", _REQUEST.sub(" ", _BRACKETS.sub(" ", text)))
    for framing in (_OPENING, _CLOSING):
        while (framed := framing.sub("", text, count=1)) != text and framed.strip():
            text = framed
    return _without_asking(text)


# How a person is addressed after the name (王一鸥书记, 习近平总书记, 李强总理): no word of what
# is asked, and, as a term, one every passage of the person's speech has through its metadata
# (role 市委书记), or that other passages have in another sense.  (Not 同志: the texts write it
# after the names themselves, 宋平同志, 以习近平同志为核心.)
FORMS_OF_ADDRESS = frozenset({"书记", "总书记", "总理", "副总理", "省长", "市长", "县长", "区长", "主席", "委员长",
                              "院士", "先生", "女士"})


def without_forms_of_address(words: list[str]) -> list[str]:
    """A query's `cut` without a form of address right after a person's name: a word jieba's
    dictionary tags as a person's name, or, unknown to it, two or three characters that start
    with a common surname (王一鸥; not 江苏, a place, or 市委)."""
    tags = dictionary_tags()
    kept: list[str] = []
    for word in words:
        before = kept[-1] if kept else ""
        tag = tags.get(before)
        person = (tag or "").startswith("nr") or (
            tag is None and 2 <= len(before) <= 3 and before[0] in SURNAMES and all(map(_HAN_CHARACTER.match, before)))
        if not (word in FORMS_OF_ADDRESS and person):
            kept.append(word)
    return kept
