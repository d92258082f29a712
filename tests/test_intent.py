"""Question understanding: years, dates, first-mention intent and question words."""

import pytest

from index.analysis import Analyzer
from index.framing import without_framing
from index.intent import FRAMING_TERMS, understand
from index.normalize import normalize
from index.query import parse_query


def intent_of(query: str):
    return understand(normalize(query))


@pytest.mark.parametrize("query, years", [
    ("岳阳2021年目标", (2021,)),
    ("2021 目标", (2021,)),
    ("二〇二一年 岳阳 目标", (2021,)),
    ("98年那场大洪水", (1998,)),
    ("到期后再延长30年 整省试点", ()),  # a span of time, not 2030
    ("青藏铁路 通车20年 进出藏货物", ()),
    ("未来10到15年还要探测哪些行星", ()),  # (a span of time: 15年 after 10到 is no 2015)
    ("那是08年的事", (2008,)),
    ("用了20年时间", ()),
    ("50年以上的老党员", ()),
    ("中国制造2025 制造强国", ()),  # a name, not a year
    ("2018至2022年 国内生产总值", (2018, 2022)),  # a span: both ends
])
def test_years_the_question_names(query, years):
    assert intent_of(query).years == years


def test_a_month_and_day_are_constraints_not_words():
    intent = intent_of("2022年7月1日 香港回归25周年大会")
    assert intent.dates == ((2022, 7, 1),)
    assert intent.years == (2022,)
    assert "7月" not in intent.text and "1日" not in intent.text
    assert intent.date_numbers == ((20220701, 20220701),)
    assert intent_of("2023年12月 中央经济工作会议").date_numbers == ((20231200, 20231299),)


def test_a_month_end_is_when_a_figure_stood_reported_in_the_months_after():
    intent = intent_of("截至2025年6月底 全国新能源汽车保有量")
    assert intent.dates == () and intent.month_ends == ((2025, 6),)
    assert intent.date_numbers == ((20250600, 20250999),)  # the July release answers
    assert not intent.whole_year  # (nor is it a whole year's figure)
    assert intent_of("2024年11月末 外汇储备").date_numbers == ((20241100, 20250299),)


@pytest.mark.parametrize("query, month_ends", [
    ("2024年1至11月 全国铁路累计发送旅客多少亿人次", ((2024, 11),)),  # out in December
    ("2023年1-9月 规模以上工业增加值", ((2023, 9),)),
    ("2025年前11个月 货物贸易进出口", ((2025, 11),)),
    ("2024年11月 全国铁路发送旅客", ()),  # a month: a date, not the months up to it
    ("2026年第四季度 国内生产总值 同比增长多少", ((2026, 12),)),  # a quarter, as its last month ends
    ("2025年前三季度 GDP", ((2025, 9),)),
])
def test_the_months_of_a_year_up_to_one_are_a_figure_as_that_month_ends(query, month_ends):
    intent = intent_of(query)
    assert intent.month_ends == month_ends and not intent.whole_year
    assert all(written in query for written in intent.month_ends_written)  # (as the question says it)
    if month_ends:
        assert intent.dates == () and "月" not in intent.text.replace("季度", "")


def test_a_year_end_is_its_last_month_and_the_months_after():
    intent = intent_of("2025年底开的中央经济会议")
    assert intent.month_ends == ((2025, 12),) and intent.years == (2025,)
    assert intent.date_numbers == ((20251200, 20260399),)  # December's event, the next spring's figures
    assert "底" not in intent.text and not intent.whole_year
    assert intent_of("截至2024年末 全国人口").month_ends == ((2024, 12),)
    assert intent_of("2024年 末位淘汰").month_ends == ()


@pytest.mark.parametrize("query", [
    "构建社会主义和谐社会 哪一年的政府工作报告最早提出",
    "大众创业 万众创新 首次写入政府工作报告",
    "科学发展观 从哪一年开始出现在政府工作报告里",
    "雄安新区 第一次出现在哪份报告",
    "厕所革命是哪一年提出的",
    "厕所革命是什么时候提出的",
    "厕所革命的提法始于哪一年",
    "厕所革命是在哪份报告里首先提出的",
    "厕所革命 出处",
    "厕所革命这个说法是从哪来的",
    "厕所革命最初见于哪份报告",
    "“厕所革命”是哪次会议提出的",
    "厕所革命一词首次出现是在哪年",
    "厕所革命这个词最早什么时候有的",
    "厕所革命首见于哪年",
    "厕所革命这个词是什么时候开始提的",
    "“厕所革命”最早见于哪天的新闻",
])
def test_first_mention_questions(query):
    intent = intent_of(query)
    assert intent.earliest
    assert intent.concept in ("构建社会主义和谐社会", "大众创业", "科学发展观", "雄安新区", "厕所革命")
    for word in ("最早", "首次", "第一次", "提出", "出现", "写入", "出处", "始于", "开始", "新闻"):
        assert word not in intent.text
    assert not intent_of("高铁开始提速").earliest  # (开始提 inside 开始提速)


@pytest.mark.parametrize("query, years", [
    ("十四届全国人大三次会议 政府工作报告 经济增长目标", (2025,)),  # each term five years, a session a year
    ("第十三届全国人民代表大会第一次会议 通过的宪法修正案", (2018,)),
    ("全国政协十四届二次会议 开幕", (2024,)),  # the CPPCC's terms run alongside
    ("十五届全国人大一次会议 政府工作报告", (2028,)),  # after the collection: nothing to answer
    ("十四届全国人大常委会第十次会议 通过的法律", ()),  # the standing committee meets every two months
    ("二届全国人大三次会议 政府工作报告", ()),  # before 1978 the sessions were irregular
])
def test_a_session_of_the_npc_or_cppcc_names_its_year(query, years):
    intent = intent_of(query)
    assert intent.years == years and not intent.earliest  # (第一次会议 is no first mention)


def test_the_kind_of_document_asked_for_is_not_a_word_to_match():
    # "Which report": any report may answer, so 报告 must not favour documents titled so;
    # "the 2005 report" names its document and keeps it.
    for query in ("生态文明 这个提法最早出现在哪个报告", "雄安新区 最早出现在哪份报告",
                  "“建设海洋强国”这个提法最早见于哪份党代会报告或政府工作报告？"):  # (either kind)
        text = intent_of(query).text
        assert not {"报告", "提法", "哪", "党代会"} & set(text.split()) and "哪" not in text and "报告" not in text
    # A kind of the collection's documents, asked for by its qualifier, is kept to match theirs.
    assert "政府工作报告" in intent_of("构建社会主义和谐社会 哪一年的政府工作报告最早提出").text
    assert "党代会报告" in intent_of("人类命运共同体 最早在哪次党代会报告中出现").text.split()
    # nor is the kind of answer a noun after 哪个 or 什么 names (a place, an occasion)
    assert "场合" not in intent_of("全球治理倡议 最早是什么时候在哪个场合提出的").text


def test_question_words_are_not_searched():
    analyzer = Analyzer()
    terms = {t.term for t in analyzer.query_terms(intent_of("十九大报告提出的新时代社会主要矛盾是什么？是不是变了").text)
             if t.term not in FRAMING_TERMS}
    assert {"十九大", "矛盾", "主要矛盾"} <= terms  # 主要 frames a question, 主要矛盾 is a concept
    assert not terms & {"什么", "是不是", "主要"}
    assert not intent_of("农民种地交的皇粮国税是哪年彻底不用交的").earliest  # 哪年 alone asks a year, not a first
    assert not intent_of("王一鸥提出了哪些要求").earliest  # what was put forward, not when first
    assert not intent_of("全国生态日是什么时候设立的").earliest
    assert not intent_of("超长期特别国债的资金从哪来").earliest  # where money comes from, not a saying
    assert not intent_of("新冠病毒起源研究有什么进展").earliest  # a topic, not where a saying comes from
    asked = {t.term for t in analyzer.query_terms(intent_of("新能源汽车 首次写入政府工作报告 年份").text)}
    assert "年份" in asked and "年份" in FRAMING_TERMS  # (the year asked for, dropped like 情况)


@pytest.mark.parametrize("question, kept, dropped", [
    ("湘潭开年第一个工作日跑到哪个城市去开推介会", "推介会", "城市"),  # the answer names a city
    ("1994年的财税体制改革主要改了哪些东西", "财税体制改革", "东西"),
    ("引江补汉工程开工那天，是哪位国家领导人宣布开工的", "引江补汉工程", "领导人"),
    ("雄安新区第一次写进党代会或政府工作报告是在哪一份", "雄安新区", "党代会"),  # either kind may answer
])
def test_the_noun_of_the_kind_of_answer_is_not_searched(question, kept, dropped):
    text = intent_of(question).text
    assert kept in text and dropped not in text


@pytest.mark.parametrize("question, kept, dropped", [
    ("区委全会讲话里引用了黄庭坚的哪句话来劝干部读书", "黄庭坚", "哪句"),  # which, with any measure word
    ("抗击非典时国务院制定了哪部应急条例", "应急条例", "哪部"),
    ("王忠林要求县级领导班子提升哪几方面的能力", "领导班子", "哪几"),
    ("国际铁路联盟发布的那项由我国主持制定的高铁标准", "高铁标准", "那项"),  # that, pointing back
    ("那个区疫情那阵子有没有出过确诊的", "疫情", "那阵子"),
    ("个税起征点是什么时候提到三千五的", "起征点", "时候"),  # when, asked in any of its words
    ("取消漫游费啥时候开始执行", "漫游费", "时候"),
])
def test_which_and_that_with_a_measure_word_are_not_searched(question, kept, dropped):
    text = intent_of(question).text
    assert kept in text and dropped not in text


def test_relative_years_resolve_against_the_document_year():
    analyzer = Analyzer()
    tokens = analyzer.tokens(normalize("去年全市经济增长8%，明年目标7%，今年要稳中求进。"), year="2021")
    assert {"2020", "2021", "2022"} <= set(tokens)
    assert "2020" not in analyzer.tokens(normalize("去年全市经济增长8%"))  # no document year, nothing resolved


def test_adjacent_words_give_phrases():
    analyzer = Analyzer()
    phrases = analyzer.phrases(analyzer.cut(normalize("构建社会主义和谐社会")))
    assert any("社会主义" in p and len(p) > 4 for p in phrases)


def test_a_comparison_with_last_year_is_not_about_last_year():
    analyzer = Analyzer()
    assert "2006" not in analyzer.tokens(normalize("中央财政赤字比去年预算赤字减少500亿元"), year="2007")
    assert "2006" in analyzer.tokens(normalize("去年中央财政赤字2950亿元"), year="2007")


def test_a_number_inside_a_number_is_not_a_term():
    analyzer = Analyzer()
    terms = [t.term for t in analyzer.query_terms(normalize("第十二届全国人民代表大会第三次会议"))]
    assert "十二届" in terms and "二届" not in terms  # the 12th session is not the 2nd
    assert "二届" in [t.term for t in analyzer.query_terms(normalize("二届人大三次会议"))]


def test_a_baseline_or_horizon_year_names_no_document():
    from index.named import named_documents

    intent = intent_of("要比2000年增长多少 到2035年基本实现")
    assert named_documents(intent, ["增长", "基本"]) == ()
    named = intent_of("2030年政府工作报告目标")  # (the name ends with 报告, whatever title word follows)
    assert named_documents(named, ["政府工作报告", "目标"]) == ((2030, ("政府工作报告",), "2030年政府工作报告"),)


def test_a_named_document_ends_where_no_title_has_the_next_word():
    from index.named import named_documents

    titles = [{"政府工作报告"}, {"提出", "建议"}]
    together = lambda year, words: any(set(words) <= title for title in titles)  # noqa: E731
    intent = intent_of("1979年的政府工作报告提出用三年时间")
    assert named_documents(intent, ["政府工作报告", "提出"], together) == (
        (1979, ("政府工作报告",), "1979年的政府工作报告"),)


def test_a_part_of_the_year_after_it_names_no_document():
    from index.named import named_documents

    # News titles say 2023年全年 and 上半年 too, but the question says when, not which document.
    for question in ("2024年全年 国内生产总值 多少亿元", "2025年上半年 社会消费品零售总额", "2023年年底 外汇储备"):
        assert named_documents(intent_of(question), ["全年", "上半年", "年底", "国内生产总值"]) == ()
    assert named_documents(intent_of("2024年中央经济工作会议"), ["中央经济工作会议"]) == (
        (2024, ("中央经济工作会议",), "2024年中央经济工作会议"),)


def test_a_name_ends_as_a_documents_or_a_meetings_name_does():
    from index.named import named_documents

    # Words of some titles after a year say when and what, and name no document.
    for question, words in (("2022年全国教育经费总投入是多少亿元", ["全国"]), ("2024年全国研发经费投入总量", ["全国"]),
                            ("2022年全国高校毕业生有多少人", ["全国高校"])):
        assert named_documents(intent_of(question), words) == ()
    # A name may end in a few characters no title has (一号文件).
    assert named_documents(intent_of("2027年中央一号文件 提出了哪些重点任务"), ["中央"]) == (
        (2027, ("中央",), "2027年中央"),)


def test_names_after_an_office_are_learned_as_words():
    from index.vocabulary import learned_phrases

    text = normalize("省委副書記、省長王忠林出席會議并作點評講話。省长毛伟明来湘潭调研，书记要求抓落实。")
    assert {"王忠林", "毛伟明"} <= learned_phrases(text)
    assert not {"要求抓", "要求"} & learned_phrases(text)
    analyzer = Analyzer(["王忠林"])
    assert "王忠林" in [t.term for t in analyzer.query_terms(normalize("王忠林 点评"))]


@pytest.mark.parametrize("query, kind", [
    ("1958年 钢产量 多少万吨", "number"),
    ("神舟十五號 發射時間 幾點", "time"),
    ("你好，能告诉我神舟十五號 發射時間 幾點吗", "time"),
    ("习近平会见郑丽文时提出了几点意见", "number"),  # how many points, not what time
    ("1960年的政府工作报告主要讲的是什么内容？", "summary"),
    ("1963年政府工作报告 讲了什么", "summary"),
    ("1958年 钢产量 是多少", "number"),
    ("上半年GDP 具体增长了百分之几", "number"),  # a percentage
    ("这个组织成立多久了", "duration"),
    ("2024年1月 乌什县7.1级地震 转移安置人数", "number"),  # a keyword query ending on a quantity
    ("2022年 全国粮食总产量", "number"),
    ("你好，能告诉我2024年 财政赤字率 赤字规模吗", "number"),
    ("2024年 财政赤字率 赤字规模？？", "number"),
    ("区 上半年 主要经济指标 增速 全市第一", ""),  # (only its last word says what is asked)
    ("农业税是哪年取消的", "year"),
    ("1997年的政府工作报告说我国哪一天对香港恢复行使主权", "day"),
    ("神舟十八号是几月几日发射的", "day"),
    ("香港是哪一年哪一天回归的", "year"),  # the year first: a day without it answers less
    ("构建社会主义和谐社会 哪一年的政府工作报告最早提出", ""),  # the document's year
    ("十九大报告提出的新时代社会主要矛盾是什么", "what"),
    ("2002年政府工作报告认为加入世贸组织对我国有什么影响", ""),
    ("2024年为什么要连续几年发行超长期特别国债", "reason"),  # a reason, not a duration
])
def test_the_kind_of_answer_asked_for(query, kind):
    assert intent_of(query).asks == kind


def test_a_days_news_is_asked_as_a_whole_only_with_nothing_else_to_match():
    assert intent_of("2024年3月5日新闻联播头条是什么").day_asked == 20240305
    assert intent_of("2023年10月1日 新闻联播 报道了什么").day_asked == 20231001
    assert intent_of("2024年3月5日的新闻").day_asked == 20240305
    assert intent_of("2024年3月5日 政府工作报告 主要讲了什么").day_asked == 0  # (a text named)
    assert intent_of("2024年3月 新闻联播 报道了什么").day_asked == 0  # (a month: too many items)


def test_the_noun_of_the_person_asked_for_is_no_word_to_match():
    asked = intent_of("2016年政府工作报告的报告人是谁")
    assert asked.asks == "person" and "报告人" not in asked.text and "报告" in asked.text


def test_how_something_is_defined_asks_what_it_is():
    asked = intent_of("2023年中央金融工作会议是怎样定位金融的？")
    assert (asked.asks, asked.subject) == ("what", "金融") and "定位" not in asked.text
    assert intent_of("如何界定新质生产力").subject == "新质生产力"


def test_asking_what_a_text_is_about_leaves_only_the_text_to_match():
    text = intent_of("1960年的政府工作报告主要讲的是什么内容？").text
    assert text.startswith("1960年的政府工作报告") and not {"讲", "内容"} & set(text)


def test_a_first_mention_question_names_its_concept_first():
    assert intent_of("一个国家两种制度 构想 最早见于哪年政府工作报告").concept == "一个国家两种制度"
    assert intent_of("生态文明 这个提法最早出现在哪个报告").concept == "生态文明"
    # (the kind of document to look in, named first, is not the concept)
    assert intent_of("政府工作报告第一次提到人工智能是哪一年").concept == "人工智能"
    assert intent_of("在党代会报告里最早提出科学发展观的是哪一次").concept == "科学发展观"
    assert intent_of("“银发经济”这个提法最早出现在哪份文件里").concept == "银发经济"  # (not its quotation marks)
    assert intent_of("雄安新区，最早出现在哪份报告").concept == "雄安新区"  # (keywords apart by a comma)
    assert intent_of("长江经济带,第一次写进政府工作报告,是哪一年").concept == "长江经济带"
    assert intent_of("雄安新区、最早出现在哪份报告").concept == "雄安新区"  # (or by an enumeration comma)
    # (a keyword that only frames the question, first, is not the concept)
    assert intent_of("年份 首次写入政府工作报告 新能源汽车").concept == "新能源汽车"
    assert intent_of("是哪一年 第一次写进政府工作报告 长江经济带").concept == "长江经济带"
    assert not intent_of("2024年粮食产量 首次突破1.4万亿斤了吗").earliest  # a fact of a named year


def test_a_word_apart_naming_the_kind_of_concept_is_not_searched():
    # The first report to write 一带一路 (2015) does not call it an initiative (倡议).
    intent = intent_of("一带一路 倡议最早在哪份政府工作报告中出现")
    assert intent.concept == "一带一路" and "倡议" not in intent.text and "政府工作报告" in intent.text
    assert intent_of("乡村振兴战略 首次提出").concept == "乡村振兴战略"  # written together, it is the concept


def test_a_span_of_years_is_a_period():
    intent = intent_of("2018至2022年 国内生产总值 年均增长")
    assert intent.period == (2018, 2022) and intent.years == (2018, 2022) and "至" not in intent.text
    assert intent_of("2013-2017年 GDP").period == (2013, 2017)
    assert intent_of("2008年到2012年五年间 新增铁路里程").period == (2008, 2012)  # (a 年 after each year)
    assert intent_of("2021年 目标").period is None


@pytest.mark.parametrize("query, asks", [
    ("2024年中央经济工作会议在哪里召开", "place"),
    ("2026年7月 台风“巴威” 在哪儿登陆", "place"),
    ("亚太经合组织领导人会议在哪个城市举行", "place"),
    ("神舟十五号 几点发射", "time"),  # a time asked is a time, wherever
])
def test_where_asks_for_a_place(query, asks):
    assert intent_of(query).asks == asks


def test_a_what_question_names_its_subject():
    assert intent_of("第一个五年计划的基本任务是什么？").subject == "第一个五年计划的基本任务"
    assert intent_of("稳增长的主要措施有哪些").subject == "稳增长的主要措施"
    assert intent_of("2023年 粮食产量 多少").subject == ""
    # the other way round
    assert intent_of("什么是第一个五年计划的基本任务？").subject == "第一个五年计划的基本任务"
    assert intent_of("为什么要发行超长期特别国债").subject == ""


@pytest.mark.parametrize("query, subject", [
    ("海南自贸港说的“封关”到底是什么意思？", "海南自贸港说的封关"),  # (the quotes are spaces to the parser)
    ("沿海地区实行“两头在外”，这个说法是什么意思？", "沿海地区实行两头在外"),  # past the words pointing back
    ("新质生产力指的是什么", "新质生产力"),
])
def test_a_meaning_question_names_the_term_to_define(query, subject):
    intent = understand(parse_query(query).text)
    assert (intent.asks, intent.subject) == ("meaning", subject)
    assert "意思" not in intent.text and "到底" not in intent.text


@pytest.mark.parametrize("query, meant", [
    ("区里定点医院收治的病人", "区委 全区"),
    ("湘潭买了房拿不到房子，市里打算怎么办", "市委 全市"),
    ("那个市说干部有像羊一样软的", "市委 全市"),
    ("省里今年的目标", "省委 全省"),
])
def test_a_level_of_government_said_colloquially_means_its_own_bodies(query, meant):
    assert meant in intent_of(query).text


@pytest.mark.parametrize("query", ["城市里的超市里", "景区里人多不多", "这个市场怎么样", "那个区域的面积", "县(市、区)委书记"])
def test_a_level_inside_another_word_is_left_alone(query):
    assert "委" not in intent_of(query).text.replace("委书记", "")


@pytest.mark.parametrize("query, years", [
    ("“十五”计划期间的主要奋斗目标是什么？", (2001, 2005)),
    ("六五时期 工农业总产值 平均每年增长", (1981, 1985)),
    ("十一五期间 保障性住房", (2006, 2010)),
    ("十四五 常住人口城镇化率 目标", (2021, 2025)),
    ("四中全会公报 十五五 主要目标", (2026, 2030)),
    ("二五计划 钢产量", (1958, 1962)),
    ("第一个五年计划的基本任务是什么", (1953, 1957)),  # or in full
    ("第十一个五年规划 节能减排 目标", (2006, 2010)),
    ("十五大报告 初级阶段", None),  # a congress, not a plan
    ("神舟十五号 发射时间", None),
    ("十五届全国人大一次会议", None),
])
def test_a_five_year_plan_by_its_name_spans_its_years(query, years):
    assert intent_of(query).plan == years


@pytest.mark.parametrize("query, years", [
    ("七十年代末国家打算用几年把人口增长速度压下来", (1977, 1979)),
    ("八十年代初能源不够用", (1980, 1983)),
    ("上世纪90年代中期 国企改革", (1993, 1996)),
    ("五十年代 粮食统购统销", (1950, 1959)),
    ("一百八十年代", None),  # (no decade)
])
def test_a_decade_of_the_last_century_spans_its_years(query, years):
    intent = intent_of(query)
    assert intent.era == years
    assert years is None or "年代" not in intent.text  # a constraint, not words to match


def test_a_plan_question_asks_its_target_or_its_outcome():
    assert intent_of("十四五规划 常住人口城镇化率 目标").about_target
    assert intent_of("十四五规划 102项重大工程 完成情况").about_outcome
    assert not intent_of("十四五规划 102项重大工程 完成情况").about_target


@pytest.mark.parametrize("asked, plain", [
    ("请问98年那场大洪水国家一共损失了多少钱", "98年那场大洪水国家一共损失了多少钱"),
    ("我想知道区里定点医院收治的新冠病人有没有死人", "区里定点医院收治的新冠病人有没有死人"),
    ("帮我查一下2021年岳阳GDP目标", "2021年岳阳GDP目标"),
    ("你好，能告诉我雄安新区 最早出现在哪份报告吗", "雄安新区 最早出现在哪份报告"),
    ("关于生态文明 这个提法最早出现在哪个报告", "生态文明 这个提法最早出现在哪个报告"),
    ("请帮我找一下2014年政府工作报告关于雾霾的相关论述", "2014年政府工作报告关于雾霾"),
    ("2025年2月 民营企业座谈会 哪些企业家发言，原文是怎么说的？", "2025年2月 民营企业座谈会 哪些企业家发言"),
    ("雄安新区 最早出现在哪份报告？谢谢！", "雄安新区 最早出现在哪份报告？"),
    ("十五大报告论述社会主义初级阶段的原话", "十五大报告论述社会主义初级阶段"),
    ("我在写材料，查一下雄安新区 最早出现在哪份报告，请注明出处", "雄安新区 最早出现在哪份报告"),
    ("搜索：新能源汽车 首次写入政府工作报告 年份", "新能源汽车 首次写入政府工作报告 年份"),
    ("能不能查到1979年国务院决定用几年时间对国民经济进行调整", "1979年国务院决定用几年时间对国民经济进行调整"),
    ("给我98年那场大洪水国家一共损失了多少钱", "98年那场大洪水国家一共损失了多少钱"),
    ("请列举1979年国务院决定用几年时间对国民经济进行调整", "1979年国务院决定用几年时间对国民经济进行调整"),
    ("概括一下雄安新区 最早出现在哪份报告", "雄安新区 最早出现在哪份报告"),
    ("问：98年那场大洪水国家一共损失了多少钱，麻烦了", "98年那场大洪水国家一共损失了多少钱"),
    ("2025年2月 民营企业座谈会 哪些企业家发言，出自哪份文件？", "2025年2月 民营企业座谈会 哪些企业家发言"),
    ("你知道98年那场大洪水国家一共损失了多少钱吗", "98年那场大洪水国家一共损失了多少钱吗"),
    ("急！雄安新区 最早出现在哪份报告，谁知道？", "雄安新区 最早出现在哪份报告"),
    ("hi，麻烦问一下，雄安新区 最早出现在哪份报告", "雄安新区 最早出现在哪份报告"),
    ("大家好，请回答：雄安新区 最早出现在哪份报告？急", "雄安新区 最早出现在哪份报告"),
    ("能帮我看看雄安新区 最早出现在哪份报告吗", "雄安新区 最早出现在哪份报告"),
    ("想问下98年那场大洪水国家一共损失了多少钱，有知道的吗？", "98年那场大洪水国家一共损失了多少钱"),
    ("同事问我98年那场大洪水国家一共损失了多少钱，能查到吗？", "98年那场大洪水国家一共损失了多少钱"),
    ("我记得98年那场大洪水国家一共损失了多少钱，请引用原文回答", "98年那场大洪水国家一共损失了多少钱"),
    ("【神舟十五號 發射時間 幾點】，要准确", "神舟十五號 發射時間 幾點"),
    ("2025年 粮食产量 预期目标，越详细越好🙏", "2025年 粮食产量 预期目标"),
])
def test_a_greeting_or_a_request_to_look_it_up_changes_nothing(asked, plain):
    assert intent_of(asked) == intent_of(plain)


def test_a_question_that_is_only_framing_is_left_as_it_is():
    assert intent_of("原文").text == "原文" and intent_of("谢谢").text == "谢谢"
    assert intent_of("查处违法违规行为").text == "查处违法违规行为"  # (查 that starts a word)
    assert intent_of("政府工作报告 元宇宙 产业 发展 表述").text.endswith("表述")  # (a keyword, not …的表述)
    assert intent_of("雄安新区 出处").earliest  # (出处 asked, not asked for)
    # words that only ask open a question as a word of another (问责, 查处, 找工作, 下一步)
    for query in ("问责制度 2023年", "查处违法违规行为", "找工作难 怎么办", "下一步工作重点", "我市2021年GDP",
                  "2022年粮食产量，多少？"):  # (nor is a closing clause that asks a request)
        assert without_framing(query) == query


@pytest.mark.parametrize("written, plain", [
    ("2022.9.5 泸定6.8级地震", "2022年9月5日 泸定6.8级地震"),
    ("2022-09-05 泸定6.8级地震", "2022年9月5日 泸定6.8级地震"),
    ("2022/9/5 泸定6.8级地震", "2022年9月5日 泸定6.8级地震"),
    ("2025年二月 哈尔滨亚冬会开幕式", "2025年2月 哈尔滨亚冬会开幕式"),
    ("2022年十二月三十一日 新年贺词", "2022年12月31日 新年贺词"),
    ("2023.5 社会消费品零售总额", "2023年5月 社会消费品零售总额"),
    ("2022年度 居民医保 人均财政补助标准", "2022年 居民医保 人均财政补助标准"),
    ("2022 政府工作报告 三重压力", "2022年政府工作报告 三重压力"),  # (a year written bare)
    ("2022的政府工作报告 三重压力", "2022年的政府工作报告 三重压力"),
])
def test_a_date_written_otherwise_is_the_same_date(written, plain):
    assert intent_of(written) == intent_of(plain)


def test_a_day_written_without_its_year_is_of_any_year_or_of_the_year_named_apart():
    intent = intent_of("8月1日 北京强降雨 已造成多少人遇难")
    assert intent.month_days == ((8, 1),) and intent.dates == () and "月" not in intent.text
    assert intent_of("2024年 神舟十九号 10月30日 发射").dates == ((2024, 10, 30),)
    assert not intent_of("5月28日 C919 首次商业载客飞行").earliest  # (a day named: a fact of that day)
    assert intent_of("13月40日 会议").month_days == ()


@pytest.mark.parametrize("query", ["2013-2017年 城镇新增就业", "2008-12年 教育经费", "收入增长到2023.5亿元", "2000 多亿元",
                                   "2022年十三月 会议"])
def test_digits_that_are_no_date_stay_as_written(query):
    # a span of years (2008-12年 is 2008 to 2012), a figure, no month
    assert intent_of(query).dates == ()


def test_a_sentence_pasted_in_is_kept_whole_and_a_name_is_not():
    pasted = "这就需要积极探索大胆试验尊重群众的首创精神"
    assert intent_of(pasted + " 出自哪里").verbatim == (pasted,)
    assert intent_of("《国家空间科学中长期发展规划》分成几个阶段").verbatim == ()  # a name of 13 characters
