"""The verdict on a search: what the question names that the top hit lacks, on real passages
(the bundled speeches, and the repository's copy of national reports and news)."""

import shutil
from pathlib import Path

import pytest

from index import Searcher, build_index
from index.sources import missing_line, source_line
from index.verdict import character_runs

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "retrieval"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seeds")
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    build_index([folder / "seeds"], folder / "index.sqlite")
    return Searcher.open(folder / "index.sqlite")


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    folder = tmp_path_factory.mktemp("national")
    sources = [DATA / "cn-national-reports", DATA / "xwlb-2022-2026"]
    build_index(sources, folder / "index.sqlite")
    return Searcher.open(folder / "index.sqlite")


def one_document(tmp_path: Path, name: str, text: str, metadata: str, beside_the_seeds: bool = False) -> Searcher:
    """An index of one document (with its metadata.csv), alone or beside the bundled speeches
    (so that its words have the document frequencies of a real collection)."""
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    (folder / "metadata.csv").write_text(metadata, encoding="utf-8")
    sources = [folder]
    if beside_the_seeds:
        shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
        sources.append(tmp_path / "seeds")
    build_index(sources, tmp_path / "index.sqlite")
    return Searcher.open(tmp_path / "index.sqlite")


def test_the_right_year_and_place_is_an_answer(seeds):
    result = seeds.search("岳阳2021年目标")
    assert result.confidence == "high" and result.unmatched == ()
    assert result.hits[0].text.startswith("市委考虑2021年经济发展预期目标")


def test_another_year_is_not_an_answer(seeds):
    result = seeds.search("岳阳2025年GDP目标")
    assert result.confidence == "low"
    assert "2025年" in result.unmatched
    assert result.hits  # the nearest passages are still shown, as such
    assert missing_line(result.unmatched).startswith("资料库中没有找到与“2025年")


def test_another_place_is_not_an_answer(seeds):
    result = seeds.search("深圳 经济工作 目标")
    assert result.confidence == "low" and "深圳" in result.unmatched


def test_another_person_is_not_an_answer(seeds):
    result = seeds.search("王一鸥 县委书记工作交流会 抓工作")
    assert result.hits[0].document.meta.speaker == "应勇"
    assert result.confidence == "low" and "王一鸥" in result.unmatched


def test_a_numbered_name_must_carry_its_number(national):
    result = national.search("二十一大报告")
    assert result.confidence == "low" and "二十一大" in result.unmatched


def test_a_named_document_must_be_that_document(national):
    result = national.search("2030年政府工作报告目标")
    assert result.confidence == "low"
    assert any(u.startswith("2030年政府工作报告") for u in result.unmatched)
    assert national.search("2023年政府工作报告 国内生产总值 预期目标").confidence == "high"


def test_a_question_of_general_words_gets_no_hit(national):
    result = national.search("发展怎么样")
    assert result.hits == () and result.confidence == "low"


def test_reported_speech_keeps_the_speeches_speaker(seeds):
    hit = seeds.search("王忠林 点评讲话").hits[0]
    assert "王忠林" in hit.text
    assert hit.document.meta.speaker == "应勇"
    assert "讲话人 应勇" in source_line(hit.document, hit.paragraph)


def test_the_source_line_leaves_out_what_is_unknown(seeds):
    for document in seeds.documents():
        line = source_line(document, 3)
        assert line.startswith("《") and line.endswith("第3段")
        assert "·  ·" not in line and " · · " not in line and "  " not in line


def test_json_carries_the_verdict(seeds):
    data = seeds.search("岳阳2025年GDP目标").as_json()
    assert data["confidence"] == "low" and "2025年" in data["unmatched"]


def test_every_page_carries_the_verdict_on_the_best_hit(seeds):
    first, second = seeds.search("岳阳2021年目标", top=2), seeds.search("岳阳2021年目标", top=2, offset=2)
    assert first.confidence == second.confidence == "high"
    assert seeds.search("岳阳2025年GDP目标", top=2, offset=2).unmatched == ("2025年",)


def test_a_quantity_asked_in_a_unit_must_be_stated_in_it(seeds):
    # The passage names the airport and its passengers, with no figure: not an answer.
    result = seeds.search("岳阳三荷机场 2021年旅客吞吐量 多少万人次")
    assert "三荷机场旅客吞吐量" in result.hits[0].text
    assert result.confidence == "low" and "万人次" in result.unmatched
    # The port's figure is stated, in a unit the scrape clipped (65.37万标 for 万标箱).
    result = seeds.search("岳阳港 2020年 集装箱 多少万标箱")
    assert "65.37万标" in result.hits[0].text
    assert result.confidence == "high"


def test_a_name_jieba_cuts_into_characters_that_the_collection_writes_must_be_in_the_answer(tmp_path):
    # 乌尉 is no word of jieba's: 乌 + 尉.  One item writes 乌尉高速 (with no toll); another, on the
    # holiday's free tolls, shares the question's other words: it is no answer about 乌尉.
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "20251226_04.txt").write_text("乌尉高速通车\n\n乌尉高速是国家高速公路网的核心组成部分，全长324.7公里。\n",
                                            encoding="utf-8")
    (folder / "20260401_06.txt").write_text("清明节假期高速公路免费\n\n清明节假期，7座及7座以下小型客车通行高速公路"
                                            "免收通行费，小型客车通行费收费标准另行公布，高速公路收费标准不变。\n", encoding="utf-8")
    (folder / "metadata.csv").write_text("file,kind,date,title\n20251226_04.txt,news,2025-12-26,乌尉高速通车\n"
                                         "20260401_06.txt,news,2026-04-01,清明节假期高速公路免费\n", encoding="utf-8")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")  # (the words' document frequencies of a real collection)
    build_index([folder, tmp_path / "seeds"], tmp_path / "index.sqlite")
    searcher = Searcher.open(tmp_path / "index.sqlite")
    result = searcher.search("乌尉高速 小型客车 通行费 收费标准")
    assert "免收通行费" in result.hits[0].text and result.confidence == "low" and "乌尉" in result.unmatched
    assert searcher.search("乌尉高速 全长多少公里").confidence == "high"


def test_a_name_cut_into_characters_is_looked_for_beyond_the_best_candidates(tmp_path):
    # 40 items on free tolls outrank the one that writes 乌尉高速 (of another year), beside the
    # bundled speeches (the words' document frequencies of a real collection): the name is
    # still known to be written, so an answer without it is low.
    folder = tmp_path / "news"
    folder.mkdir()
    rows = ["file,kind,date,title", "20231226_04.txt,news,2023-12-26,一条高速公路通车"]
    (folder / "20231226_04.txt").write_text("一条高速公路通车\n\n国家高速公路网的核心组成部分乌尉高速今天通车，全长324.7公里，"
                                            "沿线经过多个地区，将极大便利各族群众出行。\n", encoding="utf-8")
    for day in range(40):
        name = f"2025{1 + day // 28:02d}{1 + day % 28:02d}_01.txt"
        (folder / name).write_text(f"高速公路免费\n\n2025年第{day}个假期，小型客车通行高速公路免收通行费，收费标准不变。\n",
                                   encoding="utf-8")
        rows.append(f"{name},news,2025-{1 + day // 28:02d}-{1 + day % 28:02d},高速公路免费")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    build_index([folder, tmp_path / "seeds"], tmp_path / "index.sqlite")
    result = Searcher.open(tmp_path / "index.sqlite").search("2025年 乌尉高速 小型客车 收费标准")
    assert "免收通行费" in result.hits[0].text and result.confidence == "low" and "乌尉" in result.unmatched


def test_characters_everyday_chinese_writes_alone_make_no_name(seeds):
    cut = seeds.analyzer.cut
    frequency = seeds.analyzer.everyday_log_frequency
    assert character_runs(cut("湘潭开年第一个工作日跑到哪个城市去开推介会"), frequency) == ()
    assert character_runs(cut("乌尉高速 收费标准"), frequency) == ("乌尉",)


def test_a_round_figure_stated_with_duo_or_yu_is_stated_in_the_unit(tmp_path):
    text = "2018年政府工作报告\n\n进一步减轻企业税负。全年再为企业和个人减税8000多亿元，为市场主体减轻非税负担3000余亿元。\n"
    searcher = one_document(tmp_path, "gwr_2018.txt", text, "file,year,title\ngwr_2018.txt,2018,2018年政府工作报告\n",
                            beside_the_seeds=True)
    result = searcher.search("2018年 全年再为企业和个人减税 多少亿元")
    assert "8000多亿元" in result.hits[0].text and result.confidence == "high"


def test_a_figure_asked_is_not_answered_by_a_redacted_one_and_the_reply_says_so(seeds):
    # The district speech states every figure as X (上半年实现GDP增长X%): the passage is the
    # right one, and it cannot say how much; the miss says why.
    result = seeds.search("区委全会落实会议精神讲话 上半年GDP 具体增长了百分之几")
    assert "上半年实现GDP增长X%" in result.hits[0].text
    assert result.confidence == "low" and result.unmatched == ("具体数字（原文以X代替）",)
    # A quantity asked in a unit: the unit's figure is redacted too (X亿元).
    result = seeds.search("区委全会讲话 化解政府隐性债务 多少亿元")
    assert "化解政府隐性债务、关注类债务X亿元" in result.hits[0].text
    assert result.confidence == "low" and result.unmatched == ("亿元（原文以X代替）",)


def test_how_many_is_not_answered_by_a_passage_without_a_figure(national):
    # The collection has no 2020 report, only the resolution approving it: it names the
    # year and the targets, and states no figure.
    result = national.search("2020年政府工作报告 主要目标任务 是多少")
    assert result.hits[0].document.path.endswith("npc_resolution_2020.txt")
    assert result.confidence == "low" and result.unmatched == ("具体数字",)
    # (the 2016 report's target for 2020 states a figure, but is no 2020 report)
    assert national.search("2020年政府工作报告 GDP增长目标是多少").confidence == "low"
    assert national.search("2021年政府工作报告 GDP增长目标是多少").confidence == "high"


def test_an_anniversary_must_be_that_anniversary(national):
    result = national.search("新中国成立85周年 招待会")
    assert result.confidence == "low" and "85周年" in result.unmatched
    assert national.search("新中国成立75周年 招待会").confidence == "high"


def test_an_abbreviated_name_is_named_by_its_full_form(national):
    # 全国人大 keeps characters of 全国人民代表大会 in order: the resolution names it in full.
    result = national.search("十三届全国人大三次会议 决议")
    assert "全国人民代表大会" in result.hits[0].text and "全国人大" not in result.hits[0].text
    assert result.confidence == "high"
    result = national.search("十三届全国人大九次会议 决议")  # the ninth session is still not there
    assert result.confidence == "low" and result.unmatched == ("九次会议",)


def test_our_country_names_china(tmp_path):
    # Official texts call China 我国: a passage that does is about 中国.
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "20230712_10.txt").write_text(
        "我国载人登月初步方案公布\n\n我国载人登月的初步方案是：采用两枚运载火箭分别将月面着陆器和载人飞船送至地月转移轨道，"
        "飞船和着陆器在环月轨道交会对接，航天员从飞船进入月面着陆器。\n", encoding="utf-8")
    (folder / "20230713_01.txt").write_text("美国登月计划推迟\n\n美国宇航局宣布，载人登月计划推迟到2026年。\n", encoding="utf-8")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")  # words as common as in a real collection
    build_index([folder, tmp_path / "seeds"], tmp_path / "index.sqlite")
    searcher = Searcher.open(tmp_path / "index.sqlite")
    result = searcher.search("中国载人登月方案")
    assert result.hits[0].text.startswith("我国载人登月的初步方案是") and result.confidence == "high"
    result = searcher.search("日本载人登月方案")
    assert result.confidence == "low" and result.unmatched == ("日本",)


def test_a_whole_years_figure_is_not_one_of_some_months(tmp_path):
    # July 2026: half a year's figures; the question asks for the year's.
    searcher = one_document(
        tmp_path, "20260715_03.txt",
        "上半年国民经济运行总体平稳\n\n经济运行总体平稳，主要指标运行在合理区间。今年上半年，国内生产总值总量达到69.6万亿元，"
        "同比增长4.7%，增速符合全年经济增长预期目标。\n",
        "file,kind,date,title\n20260715_03.txt,news,2026-07-15,上半年国民经济运行总体平稳\n", beside_the_seeds=True)
    result = searcher.search("2026年 国内生产总值 增长多少")
    assert result.confidence == "low" and result.unmatched == ("2026年全年",)
    result = searcher.search("2026年上半年 国内生产总值 增长多少")
    assert result.confidence == "high"


def test_a_plenum_is_of_the_central_committee(national):
    # 五中全会 is the central committee's fifth plenum; the second one is not it.
    result = national.search("二十届五中全会公报 全会通过了什么决定")
    assert result.confidence == "low" and "五中" in result.unmatched
    result = national.search("二十届二中全会公报")
    assert result.hits[0].document.meta.title == "中国共产党第二十届中央委员会第二次全体会议公报"
    assert result.confidence == "high"


def test_a_stub_is_not_an_answer(tmp_path):
    # A Wikisource page whose text is only its heading and where it was printed.
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "stub.txt").write_text("論聯合政府\n\n論聯合政府 (1945年)，1945年中共七大報告\n", encoding="utf-8")
    (folder / "metadata.csv").write_text("file,kind,year,title\nstub.txt,cpc_national_congress_report,,論聯合政府 (七大)\n",
                                         encoding="utf-8")
    (folder / "full.txt").write_text(
        "政府工作报告\n\n事实正如毛泽东主席在一九四五年“论联合政府”一书中所说的：“没有一个独立、自由、民主和统一的中国，"
        "不可能发展工业。”\n", encoding="utf-8")
    build_index([folder], tmp_path / "index.sqlite")
    result = Searcher.open(tmp_path / "index.sqlite").search("论联合政府 七大报告 主要内容")
    assert result.hits[0].text == "論聯合政府 (1945年)，1945年中共七大報告"
    assert result.confidence == "low"


# One document, a question it nearly answers (low, with what it lacks) and the one it answers.
NEAR_MISSES = {
    # A 2021 speech's account of 2020 (real text of the bundled 岳阳 speech): its figures are
    # 2020's, whatever the document's year.
    "a review of the year before": (
        "review.txt", "讲话", "刚刚过去的2020是极不平凡的一年，全市地区生产总值增长3.9%，规模工业增加值增长4.6%。",
        "file,title,place,year\nreview.txt,市委经济工作会议上的讲话,岳阳,2021\n", False,
        "岳阳 2021年 地区生产总值 增长", "2021年", "岳阳 2020年 地区生产总值 增长"),
    # "增加2028万" in a 2009 report says nothing of the year 2028.
    "a number that looks like a year": (
        "gwr_2009.txt", "2009年政府工作报告", "城镇职工基本养老保险、基本医疗保险参保人数分别增加1753万和2028万，社会保险覆盖面继续扩大。",
        "file,title,year\ngwr_2009.txt,2009年政府工作报告,2009\n", True,
        "2028年 城镇职工基本养老保险 参保人数 增加", "2028年", "2009年 城镇职工基本养老保险 参保人数 增加"),
    # An August item: "2026年全年" asks a figure no item of 2026 can state before December.
    # A target for the whole year is another matter.
    "a whole year's figure before the year ends": (
        "20260803_05.txt", "经济运行总体平稳", "国家统计局数据显示，2026年国内生产总值同比增长4.8%，全年经济增长预期目标为4.5%至5%，经济运行总体平稳。",
        "file,kind,date,title\n20260803_05.txt,news,2026-08-03,经济运行总体平稳\n", True,
        "2026年全年 国内生产总值 增长多少", "2026年全年", "2026年全年 国内生产总值 增长 预期目标"),
    # The threshold went up to 5000 yuan; a question about 8000 yuan is about another fact.
    "a figure the question states": (
        "20180901_01.txt", "个税起征点提高", "个人所得税基本减除费用标准由每月3500元提高到每月5000元，自2018年10月1日起施行。",
        "file,kind,date,title\n20180901_01.txt,news,2018-09-01,个税起征点提高\n", True,
        "个人所得税 提高到每月8000元 从哪年开始执行", "8000", "个人所得税 提高到每月5000元 从哪年开始执行"),
    # A figure as written (jieba cuts 1000亿件 into 100 and 0): 1000 is stated, 2000 is not.
    "another figure, written whole": (
        "20240813_01.txt", "快递业务量突破1000亿件", "今年以来我国快递业务量已突破1000亿件，比2023年达到千亿件提前了71天。",
        "file,kind,date,title\n20240813_01.txt,news,2024-08-13,快递业务量突破1000亿件\n", True,
        "2024年 快递业务量 突破2000亿件 比2023年提前多少天", "2000", "2024年 快递业务量 突破1000亿件 比2023年提前多少天"),
    # A report named by its year speaks of the year before as 上一年: its year is the report's.
    "the year before, in the report the question names": (
        "gwr_1958.txt", "1958年政府工作报告", "一九五七年，我国建成了举世瞩目的武汉长江大桥，宝成铁路全线通车。",
        "file,kind,year,title\ngwr_1958.txt,report,1958,1958年政府工作报告\n", True,
        "1959年的政府工作报告说上一年建成了哪些举世瞩目的大工程", "1959年",
        "1958年的政府工作报告说上一年建成了哪些举世瞩目的大工程"),
    # A plan's figures compared with the year before ("比1980年增加") are the plan year's own.
    "a baseline year": (
        "gwr_1981.txt", "1981年政府工作报告", "农业，粮食产量34250万吨，比1980年预计增加1000万吨；棉花产量255万吨。",
        "file,kind,year,title\ngwr_1981.txt,report,1981,1981年政府工作报告\n", True,
        "1985年 粮食产量 多少万吨", "1985年", "1981年 粮食产量 多少万吨"),
    # A speech of January sets the year's target; asked how the year turned out, it has no answer.
    "a target for an outcome": (
        "speech.txt", "市委经济工作会议上的讲话", "市委考虑2022年经济发展预期目标为地区生产总值增长7%左右，规模工业增加值增长7.5%左右。",
        "file,title,place,year\nspeech.txt,市委经济工作会议上的讲话,株洲,2022\n", True,
        "株洲 2022年 地区生产总值 实际增长多少", "实际完成情况", "株洲 2022年 地区生产总值 增长 预期目标"),
    # A quarter's figure comes out in the months after it: an August item cannot state the
    # fourth quarter's.
    "a quarter not yet reported": (
        "20260815_02.txt", "上半年国民经济运行稳中有进", "初步核算，上半年国内生产总值同比增长5.1%，二季度增长5.0%。",
        "file,kind,date,title\n20260815_02.txt,news,2026-08-15,上半年国民经济运行稳中有进\n", True,
        "2026年第四季度 国内生产总值 同比增长多少", "2026年第四季度", "2026年二季度 国内生产总值 同比增长多少"),
    # An evening's closing ceremony is on the next day's news, not on one two days after.
    "the next day's news": (
        "20260501_10.txt", "三亚亚沙会闭幕", "三亚亚洲沙滩运动会4月30日晚闭幕，中国体育代表团以24金18银13铜的成绩位列奖牌榜首位。",
        "file,kind,date,title\n20260501_10.txt,news,2026-05-01,三亚亚沙会闭幕\n", True,
        "2026年4月28日 三亚亚沙会闭幕 中国体育代表团 金牌", "2026年4月", "2026年4月30日 三亚亚沙会闭幕 中国体育代表团 金牌"),
    # A 2022 item on state enterprises does not tell what was decided in the nineties.
    "another decade": (
        "20220617_06.txt", "国企改革", "这十年，国有企业改革取得重大突破，国企改革三年行动主要目标任务基本完成。",
        "file,kind,date,title\n20220617_06.txt,news,2022-06-17,国企改革\n", True,
        "九十年代 国企改革 主要目标任务", "九十年代", "国企改革 主要目标任务"),
}


@pytest.mark.parametrize("case", NEAR_MISSES)
def test_a_near_miss_is_low_and_the_fact_itself_high(tmp_path, case):
    name, title, text, metadata, beside_the_seeds, near_miss, lacking, answered = NEAR_MISSES[case]
    searcher = one_document(tmp_path, name, f"{title}\n\n{text}\n", metadata, beside_the_seeds)
    result = searcher.search(near_miss)
    assert result.hits[0].text == text
    assert result.confidence == "low" and lacking in result.unmatched
    assert searcher.search(answered).confidence == "high"


def test_a_passage_of_a_section_about_another_year_does_not_answer_for_the_reports_year(tmp_path):
    # A work report reviews the year before under a heading that names it: its figures are
    # that year's, though the report is the next year's.
    searcher = one_document(tmp_path, "gwr_2024.txt", "2024年政府工作报告\n\n一、2023年工作回顾\n\n"
                            "民生保障有力有效。居民人均可支配收入增长6.1%，城乡居民收入差距继续缩小。\n\n"
                            "二、2024年政府工作任务\n\n稳定就业，促进居民收入增长和经济增长同步。\n",
                            "file,kind,year,title\ngwr_2024.txt,report,2024,2024年政府工作报告\n", True)
    wrong_year = searcher.search("2024年 居民人均可支配收入 增长多少")
    assert wrong_year.hits[0].text.startswith("民生保障") and wrong_year.confidence == "low"
    assert "2024年" in wrong_year.unmatched
    assert searcher.search("2023年 居民人均可支配收入 增长多少").confidence == "high"  # reviewed the year after
    assert searcher.search("2024年政府工作报告 居民人均可支配收入 增长多少").confidence == "high"  # the report named


def test_a_name_in_a_news_items_lead_covers_the_passage_that_answers(tmp_path):
    # The lead names the station by its river; the passage with the figure does not.  The
    # 贵州 question names a place the item never does.
    searcher = one_document(tmp_path, "20230625_09.txt", "全球最大水光互补电站投产发电\n\n"
                            "央视网消息（新闻联播）：今天（6月25日），全球海拔最高、规模最大的水光互补项目——雅砻江柯拉一期光伏电站正式投产发电。\n\n"
                            "柯拉一期光伏电站位于四川省甘孜州雅江县，年发电量20亿千瓦时，可满足70万户家庭年生活用电需求。\n",
                            "file,kind,date,title\n20230625_09.txt,news,2023-06-25,全球最大水光互补电站投产发电\n", True)
    answered = searcher.search("雅砻江柯拉一期光伏电站 年发电量 多少")
    assert "年发电量20亿千瓦时" in answered.hits[0].text and "雅砻江" not in answered.hits[0].text
    assert answered.confidence == "high"
    elsewhere = searcher.search("贵州柯拉一期光伏电站 年发电量 多少")
    assert elsewhere.confidence == "low" and "贵州" in elsewhere.unmatched


def test_a_quantity_may_be_stated_in_any_magnitude():
    from index.intent import understand
    from index.verdict import _missing_quantities, _Top

    intent = understand("2024年全年 国内生产总值 多少亿元")
    top = lambda passage: _Top(2025, "", passage, "", 0)  # noqa: E731
    assert _missing_quantities(intent, top("全年国内生产总值1349084亿元")) == []
    assert _missing_quantities(intent, top("国内生产总值突破134万亿元")) == []
    assert _missing_quantities(intent, top("国内生产总值稳步增长")) == ["亿元"]


def test_a_document_is_named_by_words_of_its_own_years_title_or_of_a_series(tmp_path):
    from index.intent import understand
    from index.named import named_documents
    from index.normalize import normalize

    folder = tmp_path / "docs"
    folder.mkdir()
    rows = ["file,kind,year,title"]
    for year in range(2011, 2023):  # a series of twelve years' reports
        (folder / f"gwr_{year}.txt").write_text(f"{year}年政府工作报告\n\n今年经济运行总体平稳，就业形势稳定。\n", encoding="utf-8")
        rows.append(f"gwr_{year}.txt,report,{year},{year}年政府工作报告")
    (folder / "20220601_01.txt").write_text("高等教育质量稳步提升\n\n全国普通高等学校招生规模保持稳定。\n", encoding="utf-8")
    rows.append("20220601_01.txt,news,2022,高等教育质量稳步提升")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    build_index([folder, tmp_path / "seeds"], tmp_path / "index.sqlite")
    reader = Searcher.open(tmp_path / "index.sqlite").reader

    def named(question: str, words: list[str]):
        return named_documents(understand(normalize(question)), words, reader.named_together)

    assert named("2030年政府工作报告 目标", ["政府", "工作", "报告"])  # a series names a year it lacks
    assert named("2022年高等教育工作会议 招生", ["高等", "教育"])  # that year's own title, a meeting's name
    assert named("2022年高等教育 招生", ["高等", "教育"]) == ()  # words of a headline: when and what, no name
    assert named("为什么1981年高等学校招生还是只安排27万人", ["高等"]) == ()  # a word one title happens to have


def test_the_reply_names_the_question_words_that_matter(seeds):
    # The best passage lacks most of a colloquial question: the reply names its words, not
    # the single characters (点) or the everyday ones people ask with (注意).
    result = seeds.search("应勇提醒干部过年期间要注意点啥")
    assert result.confidence == "low"
    assert "过年" in result.unmatched and not {"点", "注意"} & set(result.unmatched)


def test_a_question_about_a_name_the_collection_lacks_is_not_answered_by_its_other_words(tmp_path):
    # The news has a season and a champion, of skiing; nothing of 英超 (the Premier League),
    # which jieba's dictionary knows as a name.
    searcher = one_document(
        tmp_path, "20230304_09.txt",
        "国内联播快讯\n\n当地时间3日，在美国猛犸山举行的2022—2023赛季国际雪联自由式滑雪U型场地技巧世界杯比赛中，"
        "中国选手获得冠军，并提前锁定本赛季该项目的总冠军。\n",
        "file,kind,date,title\n20230304_09.txt,news,2023-03-04,国内联播快讯\n", beside_the_seeds=True)
    result = searcher.search("英超2023赛季冠军是谁")
    assert "冠军" in result.hits[0].text
    assert result.confidence == "low" and "英超" in result.unmatched
    assert searcher.search("2023赛季 自由式滑雪 冠军").confidence == "high"  # what it has
