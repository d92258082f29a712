"""What a question asks for, beyond its words: the years and dates it names, whether it
asks for the first mention of something, and which of its words are only question words.

Works on the normalised query text (after `normalize`, so 二〇二一 is already 2021) and
returns the text to tokenize with question and intent words taken out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cleaning import PART_OF_YEAR
from .answers import OFFICES
from .framing import without_framing
from .normalize import number

# Interrogatives and fillers of a question: they say how to ask, not what about.
_QUESTION = re.compile(
    # (with the noun that only says what kind of answer: 哪个城市, 哪些东西, 在什么场合, 哪位国家领导人, 报告人是谁)
    r"哪[一个座些几]*(?:城市|地方|东西|场合)|什么(?:地方|东西|场合)|哪[一位个些几]*(?:国家)?领导(?:人|同志)?|"
    r"(?:报告|讲话|发言|主讲)人(?=是谁|为谁|是哪位)|"
    r"哪[一几]?[年份个次届些里儿天位家项种条类句部支首件张所场队座段本门批轮]|哪几|几[点个年月天次项条名位岁人]|"
    r"多少|多大|多久|多长|多高|(?:什么|啥|哪个?)时候|"
    r"(?:什么|啥)意思|到底|究竟|"
    r"什么|啥|怎么样|怎么|怎样|如何|为何|为什么|是否|是不是|有没有|能不能|会不会|让不让|要不要|"
    r"了吗|吗|呢|吧|那会儿|那阵子|那[场架篇个项次件份]|是谁|谁"
)
# "Which report" asks for a kind of document, with its short qualifier: the answer's type. 哪份报告
# leaves no words to match; a qualifier naming a kind of the collection's documents (哪次党代会报告)
# keeps the kind, which their metadata has (`_kind_asked`).
_WHICH_DOCUMENT = re.compile(r"哪[个份篇次天条]?([^\s，。？?]{0,3}?)(报告|文件|讲话|文章|新闻)")
# Qualifiers that name a kind of document of the collection (哪次党代会报告).
_KIND_QUALIFIERS = frozenset({"党代会", "政府工作", "人大", "全会", "党代表大会"})
# Kinds of document offered as alternatives (党代会或政府工作报告): any of them may answer.
_KIND = r"(?:(?:政府工作|党代会|人大|全会|工作|政治)?(?:报告|决议|公报|讲话|文件)|党代会)"
_EITHER_KIND = re.compile(rf"{_KIND}(?:(?:或者|或|还是){_KIND})+")
# Words that frame a question ("主要内容是什么", "具体多少", "首次写入…年份") but, as terms, only add noise;
# dropped as whole terms, so 主要矛盾 and 具体措施 keep their meaning.
FRAMING_TERMS = frozenset({"主要", "内容", "具体", "方面", "情况", "年份"})
# "When was X first stated": the oldest document that states X answers it.
_EARLIEST = re.compile(r"最早|最初|首次|第一次(?!(?:全体)?会议)|最先|首先|首提|首倡|首见|(?:从|是)?哪.?年开始|开始(?:出现|提出|提起|使用|提(?=[的了]|$|[\s，,。？?]))"
                       # when or where a concept was put forward, where it comes from: 是哪一年提出的,
                       # 是哪次会议提出的, 出处, 始于哪年
                       r"|(?:是|在)?(?:哪一?年|哪个年份|什么时候|啥时候|何时|哪[次个份](?:会议|会|报告|文件)?(?:上|里|中)?)(?:被)?提出"
                       r"|始于|出处"
                       r"|(?:(?:这个|这一)?(?:说法|提法|表述|概念|口号)|这句话)(?:是|最早)?从哪(?:里|儿)?来")  # (not 资金从哪来)
# A word that names a kind of document: where to look, not what to look for.
_DOCUMENT_KIND = re.compile(r"(?:报告|讲话|决议|公报|文件)(?:中|里|上)?$")
# Words of stating that only frame a first-mention question.
_STATING = re.compile(r"(?:这个|这一)?(?:提法|说法|表述|概念|构想|设想)|(?:这个|这一|一)词|提出|出现|写入|写进|见于|提到|出自|来自"
                      r"|有的$")
_TRAILING_FUNCTION = re.compile(r"[是的在了]+$")
_KIND_OF_CONCEPT = re.compile(r"倡议|战略|理念|思想|概念|政策|制度|方针|口号|目标|提法|说法|表述")
_MARKS = "“”\"'‘’「」『』《》〈〉()（）"  # quotation marks and brackets around a concept, not part of it
_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)年(\d{1,2})月(?:(\d{1,2})[日号])?")
# Dates written otherwise, read as 2022年9月5日: 2022.9.5, 2022-09-05, 2022/9/5, 2022.9, and
# months and days in Chinese numerals (2025年二月, 九月五日).
_NUMERIC_DATE = re.compile(r"(?<![\d.])((?:19|20)\d\d)[./-](\d{1,2})(?:[./-](\d{1,2}))?(?![\d./-]|[年万亿千百元%])")
_CHINESE_MONTH = re.compile(r"(?<=年)([一二三四五六七八九十]{1,3})月(?:([一二三四五六七八九十]{1,3})[日号])?")
# A year's accounts or awards (2022年度): the year.
_YEAR_OF_ACCOUNTS = re.compile(r"((?:19|20)\d\d)年度")
# A day of a month written without its year (8月1日 北京强降雨): of whichever year.
_MONTH_DAY = re.compile(r"(?<![\d年.])(\d{1,2})月(\d{1,2})[日号]")
# A year written bare, as a word of its own before the rest ("2022 政府工作报告", "2022的政府工作报告",
# "2024 1至11月").
_BARE_YEAR = re.compile(r"(?<![\w.])((?:19|20)\d\d)(?:\s+(?=[\u4e00-\u9fff]|\d{1,2}(?:[至到-]\d{1,2})?个?月)(?![年月日多余万亿])|(?=的))")
# A run of the question this long without a break or a question word is a sentence pasted in to
# find its source (这就需要积极探索大胆试验尊重群众的首创精神), longer than the names of things
# (国家空间科学中长期发展规划, 13; 长江经济带绿色发展示范区, 11) that many passages repeat.
SENTENCE_CHARS = 15
_DAY_WORDS = re.compile(r"的|新闻|消息|节目|内容")  # what a question about a day's news as a whole may say besides
_QUOTE_SOUGHT = re.compile(r"这[句段]话|出自|原话")
_VERBATIM = re.compile(rf"[\u4e00-\u9fff0-9a-z]{{{SENTENCE_CHARS},}}")
# A year is written with 年, or stands alone ("2021 目标"), not inside a name ("中国制造2025").
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=年)|(?<!\w)((?:19|20)\d\d)(?!\w)")
# A span of years: 2018至2022年, 2013-2017年, 2008年到2012年.
_PERIOD = re.compile(r"(?<!\d)((?:19|20)\d\d)年?\s*(?:至|到|-|~|—|－)\s*((?:19|20)\d\d)(?=年)")
# A session of the National People's Congress or of the CPPCC's national committee:
# 十四届全国人大三次会议, 第十三届全国人民代表大会第一次会议, 全国政协十四届二次会议 (not its
# standing committee's, which meets every two months).
_NUMERAL = "[一二三四五六七八九十]+"
_SESSION = re.compile(
    rf"第?({_NUMERAL})届全国(?:人大|人民代表大会|政协|政治协商会议|委员会)+第?({_NUMERAL})次(?:全体)?会议"
    rf"|全国政协第?({_NUMERAL})届第?({_NUMERAL})次会议")
# Since the fifth (1978), each term of both lasts five years and meets once a year.
_FIFTH_TERM = 1978
# A year's end: 2025年底, 2024年末 (its December, as 12月底 would be).
_YEAR_END = re.compile(r"(?<!\d)((?:19|20)\d\d)年(?:底|末)")
# The months of a year up to one: 2024年1至11月, 2024年1-11月, 2024年前11个月 (a figure as that month ends).
_MONTHS_TO = re.compile(r"(?<!\d)((?:19|20)\d\d)年\s*(?:[1一]\s*(?:至|到|-|—|~)\s*|前)(\d{1,2})个?月(?:份)?")
# A quarter of a year, or the quarters up to one: 2026年第四季度, 2025年前三季度 (as its last month ends).
_QUARTER = re.compile(r"(?<!\d)((?:19|20)\d\d)年\s*(?:第|前)?([一二三四1-4])季度")
# A figure as a month ends ("截至6月底") is reported within this many months after it.
MONTH_END_REPORTED = 3
# A year is written short at the start, after a space or a preposition (在98年, 是08年), not
# after a verb (通车20年, 延长30年: spans of time).
_SHORT_YEAR = re.compile(r"(?:(?<![\w.])|(?<=[在于从自到至是那这的和与及、，,]))(?<!\d[到至])(\d\d)年(?!代|来|以来|之久|以上|以内|左右|多|时间|内|间)")
# The kind of answer a question asks for: a summary ("主要讲了什么": where the text opens),
# a clock time (几点), a duration (几年, 多久), a number (多少, 几个, 多大), a year (哪年, 何时), or a statement of
# what something is ("基本任务是什么": the passage that says "基本任务……是：").
_ASKS_SUMMARY = re.compile(r"(?:主要)?(?:讲|说|谈)(?:了|的是|的)?(?:什么|啥|哪些)(?:内容)?|主要内容(?:是什么)?|内容是什么"
                           # (of a day's news: 2024年3月5日新闻联播报道了什么, …头条是什么)
                           r"|(?:报道|播出|播)了?(?:什么|啥|哪些)(?:内容|新闻)?|(?:有)?(?:什么|哪些)新闻|头条(?:新闻)?(?:是什么|是啥)?")
# (几点 is also "how many points": 提出了几点意见)
_ASKS_TIME = re.compile(r"几点(?:钟|(?=[发开举召起到出结闭]|$|[\s,，。?？!！]|[吗呢啊呀](?:$|[\s,，。?？!！])))|几时|什么时间")
_ASKS_WHAT = re.compile(r"([\u4e00-\u9fff]{2,})(?:是(?:什么|怎样的|怎么样的|啥)|(?:有|包括)哪些)"
                        r"|^什么(?:是|叫)([\u4e00-\u9fff]{2,})"  # (or the other way round: 什么是新质生产力)
                        # (or how it is defined: 怎样定位金融, the passage that says 金融是…)
                        r"|(?:怎么|怎样|如何)(?:定位|定义|界定)([\u4e00-\u9fff]{2,}?)(?:的|$)")
_HOW_DEFINED = re.compile(r"(?:怎么|怎样|如何)(?:定位|定义|界定)")
# Between the subject and 是什么, words that only point back to it or press the question:
# "“两头在外”这个说法是什么意思", "“封关”到底是什么意思".
_POINTING_BACK = re.compile(r"[，,]?(?:这个|这一|这种|这项|该)(?:说法|提法|表述|概念|词|名词|口号)|到底|究竟|[“”\"「」『』]"
                            r"|指的?(?=是什么)")
# What a term means ("“封关”是什么意思", "新质生产力指的是什么"): a passage that defines it.
_ASKS_MEANING = re.compile(r"(?:什么|啥)意思|指的?是?什么|什么含义|何意")
# A target set for a year, and words of how it turned out (1998年经济实际增长了多少 完成8%的目标没有).
_TARGET = re.compile(r"目标|预期|拟")
_OUTCOME = re.compile(r"实际|完成|实现|达到了|增长了|结果")
# A five-year plan by its short name: “十五”计划, 十一五期间, 十四五规划, 六五时期 (not 十五大, 十五年).
_PLAN = re.compile(r"(?<![一二三四五六七八九十])(十[一二三四五]?|[一二三四五六七八九])五[”\"]?"
                   r"(?=规划|计划|时期|期间|末|以来|[\s，,。？?的]|$)"
                   r"|第(十[一二三四五]?|[一二三四五六七八九])个五年(?:计划|规划)")  # or in full: 第一个五年计划


def names_a_plan(phrase: str) -> bool:
    """Whether a quoted phrase is a five-year plan's name (“十四五”, “十四五”规划): quotation marks
    are how plans are written, not a request for the wording."""
    return bool(re.fullmatch(rf"(?:{_PLAN.pattern})(?:规划|计划|时期|期间)?", phrase))


# A decade of the last century: 五十年代, 80年代初, 上世纪九十年代末期 (the 1900s: the collection's).
_DECADE = re.compile(r"(?<![\d一二三四五六七八九十百千])([五六七八九]十|[5-9]0)年代(初|中|末|前期|后期)?")
_DECADE_PARTS = {"初": (0, 3), "前": (0, 4), "中": (3, 6), "后": (5, 9), "末": (7, 9)}
# A question of why asks a reason, whatever quantity its clause names (为什么要连续几年发行).
_ASKS_WHY = re.compile(r"为什么|为何|什么原因|原因是什么")
_ASKS_ORDINAL = re.compile(r"第几")  # which in order: 空间站第几个舱段 (第二个), not how many
_ASKS_DURATION = re.compile(r"几年|多少年|几个月|多少个?月|几天|多少天|多久|多长时间")
_ASKS_NUMBER = re.compile(r"多少|百分之几|几[个项名位人岁次条十百千万亿倍成点年]|多[大高长久远快重]"
                          # a keyword query ending on a quantity: 转移安置人数, 金牌数, 全国粮食总产量, 城镇化率
                          r"|(?:人数|金牌数|次数|数量|金额|总额|总量|规模|产量|增速|增幅|比重|占比|率)[吗呢]?[？?！!]*$")
_ASKS_PERSON = re.compile(r"谁|哪一?位|什么人")
# The office of the person asked for: 作点评讲话的省长是谁, 哪位副总理.
_OFFICE_ASKED = re.compile(rf"({OFFICES})(?:是|为)?(?:谁|哪一?位)|哪一?位副?({OFFICES})")
_ASKS_YEAR = re.compile(r"哪一?年|何年|何时|什么时候")
_ASKS_DAY = re.compile(r"哪一?天|哪一日|几月几[日号]|(?:什么|哪个)日子")
# Where something happened: 在哪里举行, 在哪儿登陆, 哪个城市, 什么地方.
_ASKS_PLACE = re.compile(r"在哪[里儿]?|哪[个座]?(?:城市|地方)|什么地方|何地|何处|哪里")
# "How many 万 tonnes": a quantity asked in a unit with its magnitude (多少万人次, 几亿元).
_ASKED_UNIT = re.compile(r"(?:多少|几)([万亿千百][\u4e00-\u9fff]{1,2})")
# A level of government said colloquially: "区里", "市里", "那个区" mean the district's
# or city's own bodies and the whole of it (区委, 全区), which is how its documents say it.
_LOCAL_LEVEL = re.compile(r"(?:(?<![\u4e00-\u9fff])|(?<=那个|这个|咱们|我们))([省市县区镇乡])里"
                          # (not 这个市场, 那个区域: the level's own compounds)
                          r"|(?<=那个|这个)([省市县区])(?![场域民长别间份城级委政府属直辖])")


@dataclass(frozen=True)
class Intent:
    text: str  # the query text left to tokenize
    years: tuple[int, ...] = ()  # years the question names
    dates: tuple[tuple[int, int, int], ...] = ()  # (year, month, day or 0)
    month_days: tuple[tuple[int, int], ...] = ()  # (month, day) of a day written without a year, of any year
    month_ends: tuple[tuple[int, int], ...] = ()  # (year, month) of "截至…月底": when a figure stood
    month_ends_written: tuple[str, ...] = ()  # and as the question writes them (2026年第四季度)
    earliest: bool = False  # "first mention" question
    phrases: tuple[str, ...] = ()  # adjacent word pairs, filled in by the searcher's analyzer
    # Documents the question names by year and series title ("2030年政府工作报告"), as
    # (year, title terms, as written); filled in by the searcher, which knows the titles.
    documents: tuple[tuple[int, tuple[str, ...], str], ...] = ()
    units: tuple[str, ...] = ()  # units of the quantities asked for with their magnitude: 万人次
    asks: str = ""  # the kind of answer: "summary", "time", "day", "place", "person", "ordinal", "duration", "number", "year", "what",
    # "meaning" or "" (anything)
    subject: str = ""  # what a "what" question asks to be stated (第一个五年计划的基本任务), or a "meaning" one defined
    concept: str = ""  # what a first-mention question asks about, as written: 一个国家两种制度
    period: tuple[int, int] | None = None  # a span of years the question names: 2018至2022年
    plan: tuple[int, int] | None = None  # the years of a five-year plan it names: 十四五 (2021, 2025)
    era: tuple[int, int] | None = None  # the years of a decade it names: 八十年代初 (1980, 1983)
    era_written: str = ""  # and the decade as written
    verbatim: tuple[str, ...] = ()  # runs long enough to be a sentence pasted in, not a name (`_VERBATIM`)
    question: bool = False  # asked as a question (a question word or mark), not as keywords nor for a quote's source

    @property
    def about_target(self) -> bool:
        """Whether the question asks what was set (目标, 预期, 拟安排), not how it turned out."""
        return bool(_TARGET.search(self.text)) and not self.about_outcome

    @property
    def about_outcome(self) -> bool:
        """Whether the question asks how something turned out (实际, 完成情况)."""
        return bool(_OUTCOME.search(self.text))

    @property
    def target(self) -> bool:
        """Whether the question asks a year's target."""
        return bool(self.years) and self.about_target

    @property
    def whole_year(self) -> bool:
        """Whether the question asks about a whole year: it names one, and no month or part."""
        return (len(self.years) == 1 and not self.dates and not self.month_ends and not self.earliest
                and not PART_OF_YEAR.search(self.text))

    @property
    def full_year(self) -> bool:
        """Whether the question asks, in so many words (全年), how a whole year turned out."""
        return self.whole_year and "全年" in self.text and not self.about_target

    @property
    def day_asked(self) -> int:
        """The day (YYYYMMDD) whose news a question asks about as a whole (2024年3月5日新闻联播
        头条是什么, 2025年1月1日 新闻联播: nothing but the day), or 0."""
        if self.asks not in ("summary", "") or len(self.dates) != 1 or not self.dates[0][2]:
            return 0
        year, month, day = self.dates[0]
        rest = _DAY_WORDS.sub("", self.text.replace(f"{year}年", " "))  # (2024年3月5日的新闻)
        return year * 10000 + month * 100 + day if not rest.strip(" ?？。") else 0

    @property
    def date_numbers(self) -> tuple[tuple[int, int], ...]:
        """Each date as an inclusive range of YYYYMMDD numbers."""
        published = ((y * 10000 + m * 100, _months_later(y, m, MONTH_END_REPORTED)) for y, m in self.month_ends)
        return tuple(
            (y * 10000 + m * 100 + (d or 0), y * 10000 + m * 100 + (d or 99)) for y, m, d in self.dates
        ) + tuple(published)


def _months_later(year: int, month: int, months: int) -> int:
    """The last YYYYMMDD number of the month `months` after this one."""
    year, month = year + (month - 1 + months) // 12, (month - 1 + months) % 12 + 1
    return year * 10000 + month * 100 + 99


def _dates_as_words(text: str) -> str:
    """Dates as the collection's texts write them: 2022年9月5日 for 2022.9.5, 2022-09-05 and
    2022年九月五日 (a month must be 1 to 12, a day 1 to 31; other digits are left alone), and
    2022年 for 2022年度 and for a year written bare (2022 政府工作报告, 2022的)."""

    def written(year: str, month: int, day: int | None, original: str) -> str:
        if not 1 <= month <= 12 or day is not None and not 1 <= day <= 31:
            return original
        return (f"{year}年" if year else "") + f"{month}月" + (f"{day}日" if day is not None else "")

    text = _NUMERIC_DATE.sub(lambda m: written(m.group(1), int(m.group(2)), m.group(3) and int(m.group(3)),
                                               m.group(0)), text)
    text = _BARE_YEAR.sub(r"\1年", _YEAR_OF_ACCOUNTS.sub(r"\1年", text))
    return _CHINESE_MONTH.sub(lambda m: written("", number(m.group(1)), m.group(2) and number(m.group(2)),
                                                m.group(0)), text)


def _full_year(match: re.Match) -> str:
    short = int(match.group(1))
    return f"{1900 + short if short >= 50 else 2000 + short}年"


def understand(normalised: str) -> Intent:
    """Read the years, dates and first-mention intent of a normalised query."""
    text = _SHORT_YEAR.sub(_full_year, _dates_as_words(without_framing(normalised)))  # 98年 -> 1998年
    found = [m for m in _DATE.finditer(text) if 1 <= int(m.group(2)) <= 12]
    # "截至2025年6月底": a figure as a month ends comes out in the months after it
    ends = [m for m in found if not m.group(3) and text.startswith(("底", "末"), m.end())]
    dates = tuple((int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)) for m in found if m not in ends)
    # (2025年底: the year's last month, a figure as it ends or an event of its last weeks)
    # (each with the words the question says it in, for what a hit lacks)
    written_ends = [(int(m.group(1)), int(m.group(2)), text[m.start() : m.end() + 1]) for m in ends]
    written_ends += [(int(m.group(1)), 12, m.group(0)) for m in _YEAR_END.finditer(text)]
    written_ends += [(int(m.group(1)), int(m.group(2)), m.group(0).strip()) for m in _MONTHS_TO.finditer(text)
                     if 1 <= int(m.group(2)) <= 12]
    written_ends += [(int(m.group(1)), 3 * number(m.group(2)), m.group(0)) for m in _QUARTER.finditer(text)]
    month_ends = tuple((year, month) for year, month, _ in written_ends)
    text = _MONTHS_TO.sub(lambda m: f"{m.group(1)}年 ", text)  # (a quarter's words stay: 四季度 is written so)
    text = _DATE.sub(lambda m: f"{m.group(1)}年 ", text)  # the month and day are constraints, not words
    # (a day without its year: of the one year the question names apart, 2024年 神舟十九号 10月30日, else any)
    days = [(int(m.group(1)), int(m.group(2))) for m in _MONTH_DAY.finditer(text)
            if 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31]
    named_years = {int(a or b) for a, b in _YEAR.findall(text)}
    if days and len(named_years) == 1:
        dates += tuple((next(iter(named_years)), month, day) for month, day in days)
    month_days = tuple(days) if days and not named_years else ()
    text = _MONTH_DAY.sub(" ", text) if days and len(named_years) <= 1 else text
    text = _YEAR_END.sub(lambda m: f"{m.group(1)}年 ", text)
    sessions = session_years(text)
    # A question that names a year (or a day) asks about it: "2024年粮食产量 首次突破" is a fact.
    earliest = bool(_EARLIEST.search(text)) and not _YEAR.search(text) and not sessions and not month_days
    if earliest:
        text = _STATING.sub(" ", _EARLIEST.sub(" ", text))
    units = tuple(_ASKED_UNIT.findall(text))
    # (in a first-mention question, 哪年 asks for the document's year, not one in its text)
    # (quote marks become spaces in the query text: “封关”是什么 is 封关 是什么)
    what = _ASKS_WHAT.search(re.sub(r"\s+", "", _POINTING_BACK.sub("", text)))
    asked = what and (what.group(1) or what.group(2) or what.group(3))
    subject = asked if asked and not asked.endswith("的") else ""
    asks = ("" if earliest else "reason" if _ASKS_WHY.search(text) else "summary" if _ASKS_SUMMARY.search(text) else "time" if _ASKS_TIME.search(text) else "year" if _ASKS_YEAR.search(text)
            else "day" if _ASKS_DAY.search(text) else "place" if _ASKS_PLACE.search(text)
            else "person" if _ASKS_PERSON.search(text) else "ordinal" if _ASKS_ORDINAL.search(text)
            else "duration" if _ASKS_DURATION.search(text) else "number" if _ASKS_NUMBER.search(text)
            else "meaning" if subject and _ASKS_MEANING.search(text) else "what" if subject else "")
    if asks == "person" and (office := _OFFICE_ASKED.search(text)):
        subject = office.group(1) or office.group(2)
    if asks == "summary":  # the words of asking what it is about match nothing
        text = _ASKS_SUMMARY.sub(" ", text)
    elif asks == "what" and what.group(3):  # (nor does 定位 of 怎样定位金融: 金融是… answers it)
        text = _HOW_DEFINED.sub(" ", text)
    text = _LOCAL_LEVEL.sub(lambda m: f" {m.group(1) or m.group(2)}委 全{m.group(1) or m.group(2)} ", text)
    # (a question that seeks a quote's source, “…”这句话是谁说的, asks about its wording)
    asked_so = bool(asks or _QUESTION.search(text) or re.search(r"[?？吗]\s*$", text)) and not _QUOTE_SOUGHT.search(text)
    text = _QUESTION.sub(" ", _WHICH_DOCUMENT.sub(_kind_asked, _EITHER_KIND.sub(" ", text)))
    years = tuple(sorted({int(a or b) for a, b in _YEAR.findall(text)}
                         | {int(y) for span in _PERIOD.findall(text) for y in span}
                         | set(sessions)))
    period = next(((int(a), int(b)) for a, b in _PERIOD.findall(text) if int(a) < int(b)), None)
    text = _PERIOD.sub(lambda m: f"{m.group(1)}年 {m.group(2)}", text)  # (至 is no word to match)
    decade = _DECADE.search(text)
    text = _DECADE.sub(" ", text, count=1)  # a constraint on the documents' years, as a year is
    # The concept comes first ("生态文明 这个提法最早出现在哪个报告"), after the kind of
    # document to look in, if the question names that first ("政府工作报告第一次提到人工智能").
    # (keywords apart by spaces or by commas: 雄安新区，最早出现在哪份报告)
    # (a keyword that only frames the question, 年份 or 是 left of 是哪一年, is no concept)
    parts = [p for w in re.split(r"[\s，,；;]+", text) if (p := _TRAILING_FUNCTION.sub("", w.strip(_MARKS + "、")))]
    words = [w for w in parts if not _DOCUMENT_KIND.search(w) and w not in FRAMING_TERMS] or parts
    concept = words[0] if earliest and words else ""
    if concept:  # "一带一路 倡议": a word apart that only says what kind of thing the concept is
        text = " ".join(w for w in text.split() if not _KIND_OF_CONCEPT.fullmatch(w))
    return Intent(text=" ".join(text.split()), years=years, dates=dates, month_days=month_days, month_ends=month_ends,
                  month_ends_written=tuple(written for _, _, written in written_ends), earliest=earliest,
                  units=units, asks=asks, subject=subject if asks in ("what", "meaning", "person") else "", concept=concept, period=period,
                  plan=plan_years(text), era=era_years(decade) if decade else None,
                  era_written=decade.group(0) if decade else "", verbatim=tuple(_VERBATIM.findall(text)),
                  question=asked_so)


def session_years(text: str) -> list[int]:
    """The years of the annual sessions of the NPC and the CPPCC the text names (十四届全国人大
    三次会议: 2025), from the fifth term on."""
    years = []
    for match in _SESSION.finditer(text):
        term, session = (number(n) for n in (match.group(1) or match.group(3), match.group(2) or match.group(4)))
        if term >= 5 and 1 <= session <= 5:
            years.append(_FIFTH_TERM + 5 * (term - 5) + session - 1)
    return years


def _kind_asked(match: re.Match) -> str:
    """哪次党代会报告 asks for a congress report: its qualified kind is kept to match the
    documents' metadata; 哪份报告 asks for any report: nothing to match."""
    qualifier = match.group(1)
    return f" {qualifier}{match.group(2)} " if qualifier in _KIND_QUALIFIERS else " "


def era_years(match: re.Match) -> tuple[int, int]:
    """The years of the decade of the 1900s a `_DECADE` match names, or of its part: 五十年代
    is 1950-1959, 八十年代初 1980-1983, 七十年代末 1977-1979, 90年代中期 1993-1996."""
    start = 1900 + (10 * number(match.group(1)[0]) if not match.group(1).isdigit() else int(match.group(1)))
    first, last = _DECADE_PARTS.get((match.group(2) or "")[:1], (0, 9))
    return start + first, start + last


def plan_years(text: str) -> tuple[int, int] | None:
    """The first and last year of the five-year plan the text names by number: 六五 is
    1981-1985, 十四五 2021-2025 (the third plan began in 1966, after three years of adjustment)."""
    match = _PLAN.search(text)
    if not match:
        return None
    plan = number(match.group(1) or match.group(2))
    start = 1953 + 5 * (plan - 1) if plan <= 2 else 1966 + 5 * (plan - 3)
    return start, start + 4


# Plans set out after they began: the first was adopted in 1955, the second proposed to the
# eighth party congress in 1956, the sixth adopted in December 1982 (by their first years).
_SET_OUT_LATE = {1953: 1955, 1958: 1956, 1981: 1982}


def plan_set_out(start: int) -> int:
    """The year a five-year plan beginning in `start` was set out: its first, but for a few."""
    return _SET_OUT_LATE.get(start, start)
