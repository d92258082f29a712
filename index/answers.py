"""The kind of answer a question asks for (`Intent.asks`) as a passage states it: a clock
time for 几点, a number for 多少 (not an ordinal, 第50届: that is for 第几), a year for 哪年, a day
of a month for 哪一天, a place for 在哪里, a person for 谁, a purpose or cause for 为什么, for
"X是什么" X stated, for "X是什么意思" X defined, and for a year's target a figure set as one
(5.5%左右, 控制在3%以内)."""

from __future__ import annotations

import re

from .vocabulary import SURNAMES

# A person as the texts name one: an office and a name (省长王忠林, 总理周恩来), or a name and
# an office or a form of address (周恩来总理, 李德仁院士, 宋平同志).
OFFICES = ("总书记|主席|总理|委员长|书记|省长|市长|县长|区长|州长|部长|主任|院士|行政长官|秘书长|局长|厅长|行长|会长|校长"
            "|教授|同志|先生|女士")
_NAME = f"[{''.join(sorted(SURNAMES))}][\u4e00-\u9fff]{{1,2}}"

_ANSWERS = {
    # 23时08分, 两时许, 9点30分, 下午3点; not 4点意见 or 一时间
    "time": re.compile(r"\d{1,2}时(?:\d{1,2}分|许)?|[〇一二两三四五六七八九十]{1,3}时(?:许|[〇一二三四五六七八九十]{1,3}分)"
                       r"|\d{1,2}点(?:\d{1,2}分|半|许)|(?:上午|下午|晚上|凌晨)\d{1,2}点"),
    # (not a year or a date: "2020年" or "5月4日" is no quantity)
    # (nor an ordinal: 第50届, 第3次)
    "number": re.compile(r"(?<![\d.第])(?!(?:19|20)\d\d年)\d+(?:\.\d+)?(?![\d.])(?!\s*[月日号])"
                         # (not a slogan's number in quotation marks: “四个意识”, “两个维护”)
                         r"|(?<![〇零一二三四五六七八九十两百千“\"第])[〇零一二三四五六七八九十两百千]+[万亿倍%个项名人]|百分之"
                         r"|翻[一两二三四]番"),
    # 第二个, 第3次 (which in order, for 第几)
    "ordinal": re.compile(r"第[\d〇一二三四五六七八九十百]+"),
    # 三年, 一百年, 十个月 (not 十月, October), 十天, 3年 (not 1979年 or 一九七九年, 90年代)
    "duration": re.compile(r"(?<![〇零一二三四五六七八九十两百千\d])"
                           r"(?:[一二两三四五六七八九几]?[十百千][一二三四五六七八九十百千]{0,2}|[一二两三四五六七八九]|\d{1,3})"
                           r"(?:年(?!代)|个月|天)"),
    # 7月1日, 十月一日, 12月18日 (a day of a month)
    # 在北京举行, 于浙江台州登陆, 位于四川省甘孜州 (where, said of something that happened or stands)
    "place": re.compile(r"(?:在|于)[^，,。；;！？!?\s]{1,12}?(?:举行|召开|开幕|闭幕|举办|登陆|开工|投产|建成|成立|挂牌|开通|落地|落户)"
                        r"|位于|坐落"),
    "day": re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})月(?:\d{1,2}|[一二三四五六七八九十]{1,3})[日号]"),
    # 为了, 因为, 旨在, 有利于, 考虑了, 为系统解决… (the purpose or cause a passage states)
    "reason": re.compile(r"为了|因为|由于|旨在|目的(?:是|在于)|有利于|有助于|考虑(?:了|到)|鉴于|为(?:系统|进一步|有效|更好)?(?:解决|推动|应对|满足)"),
    "person": re.compile(rf"(?:{OFFICES}){_NAME}|{_NAME}(?:{OFFICES})"),
    # a figure set as a target: 5.5%左右, 1200万人以上, 控制在3%, 目标为…8%, 拟按3%
    "target": re.compile(r"\d[\d.]*\s*(?:%|[万亿千百]*[^\d\s，。；、]{0,3}?)\s*(?:左右|以上|以内|以下)"
                         r"|(?:目标|预期)[^。；]{0,12}?\d|(?:控制在|保持在|力争|拟按)\s*[\d一二三四五六七八九]"),
    "year": re.compile(r"(?:19|20)\d\d|[一二][九〇零○][〇零○一二三四五六七八九]{2}年|[去今明前]年|上年"),
}


def answer_pattern(asks: str, subject: str = "") -> re.Pattern | None:
    """What a passage that answers has: a clock time, a number or a year; for a "what"
    question, its subject followed, in the same sentence, by 是, 为, 包括 or a colon
    ("基本任务，概括地说来，就是："); for a "meaning" one, its subject defined (是指, 所谓); for a
    "person" one whose subject is an office (的省长是谁), a person named with that office.
    None when any passage may answer."""
    if asks == "what":
        return re.compile(re.escape(subject) + r"[^。！？；!?;]{0,8}?(?:是|为|包括|:)") if subject else None
    if asks == "person" and subject:  # the office asked: 作点评讲话的省长是谁 (省长王忠林, not 部长李荣灿)
        return re.compile(rf"{re.escape(subject)}{_NAME}|{_NAME}{re.escape(subject)}")
    if asks == "meaning":  # 所谓封关, 封关是指, “两头在外”就是
        term = re.escape(subject)
        return re.compile(rf"所谓[“\"]?{term}|{term}[”\"]?(?:是指|指的是|即|，?就是|是说|意味着)") if subject else None
    return _ANSWERS.get(asks)
