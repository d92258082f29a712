"""Re-ranking rules on small real-looking collections: the kind of a document, the year a
question names, first mentions, ties, and the weights' switches."""

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from index import Searcher, build_index
from index import searcher as searcher_module
from index.analysis import plain_words
from index.answers import answer_pattern
from index.earliest import concept_pattern
from index.intent import understand
from index.normalize import normalize
from index.cleaning import reports_part_of_year
from index.metadata import searchable_fields
from index.models import DocumentMeta
from index.periods import by_section_year, plan_factor, year_factor
from index.rerank import NEUTRAL, Weights, answer_lead_factor, colloquial_weights, lead_factor, named_document_factor
from index.shares import shares_of, word_shares

SPEECH = """在全市经济工作会议上的讲话

中共岳阳市委书记 王一鸥

要大力发展县域经济，推动县域经济高质量发展，做强县域主导产业，壮大县域综合实力。
"""
NEWS = "{title}\n\n央视网消息：各地推动县域经济高质量发展，做强县域主导产业，壮大县域综合实力。{extra}\n"


SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def filler(root: Path) -> Path:
    """The bundled speeches, so that words have the document frequencies of a real collection."""
    shutil.copytree(SEEDS, root / "filler")
    return root / "filler"


def write(folder: Path, files: dict[str, str], metadata: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if metadata:
        (folder / "metadata.csv").write_text(metadata, encoding="utf-8")
    return folder


def searcher_of(tmp_path: Path, files: dict[str, str], metadata: str) -> Searcher:
    """An index of these files (with their metadata.csv) beside the bundled speeches."""
    build_index([write(tmp_path / "docs", files, metadata), filler(tmp_path)], tmp_path / "index.sqlite")
    return Searcher.open(tmp_path / "index.sqlite")


def news_searcher(tmp_path: Path, items: dict[str, str]) -> Searcher:
    """An index of news items (YYYYMMDD_NN.txt -> a text whose first line is its title)
    beside the bundled speeches."""
    rows = "".join(f"{name},news,{name[:4]}-{name[4:6]}-{name[6:8]},{text.split(chr(10), 1)[0]}\n"
                   for name, text in items.items())
    folder = write(tmp_path / "news", items, "file,kind,date,title\n" + rows)
    build_index([folder, filler(tmp_path)], tmp_path / "index.sqlite")
    return Searcher.open(tmp_path / "index.sqlite")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """One speech and a daily news programme saying the same thing."""
    root = tmp_path_factory.mktemp("mixed")
    speeches = write(root / "speeches", {"speech.txt": SPEECH},
                     "file,title,speaker,place,date,year,kind\nspeech.txt,在全市经济工作会议上的讲话,王一鸥,岳阳,2021-01-16,2021,讲话\n")
    news_files = {f"2021012{i}_0{j}.txt": NEWS.format(title=f"新闻{i}{j}", extra="其他消息。" * j)
                  for i in range(3) for j in range(1, 4)}
    rows = "".join(f"{name},2021-01-2{name[7]},新闻{name[7]}{name[-5]}\n" for name in news_files)
    news = write(root / "news", news_files, "file,date,title\n" + rows)
    build_index([speeches, news, filler(root)], root / "index.sqlite")
    return Searcher.open(root / "index.sqlite")


def test_news_items_are_recognised_by_their_daily_programme(mixed):
    reader = mixed.reader
    news = {doc.path: bool(reader.doc_news[doc.id]) for doc in mixed.documents()}
    assert len(news) == 1 + 9 + 5
    assert [path for path, is_news in news.items() if is_news] == sorted(p for p in news if p.startswith("2021"))


def test_a_speech_outranks_news_that_says_the_same(mixed):
    top = mixed.search("县域经济高质量发展 主导产业").hits[0]
    assert top.document.path == "speech.txt"
    flat = mixed.search("县域经济高质量发展 主导产业", weights=Weights().without("news")).hits
    assert flat[0].document.path != "speech.txt"  # the prior is what put the speech first


def test_equal_scores_go_to_the_stronger_text_match(mixed):
    hits = mixed.search("县域综合实力", top=10).hits
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all("县域综合实力" in h.text for h in hits)


@pytest.fixture(scope="module")
def yearly(tmp_path_factory):
    """Three annual reports that each state the same concept, and one year's review."""
    root = tmp_path_factory.mktemp("yearly")
    files, rows = {}, []
    for year in (2005, 2010, 2015):
        files[f"report_{year}.txt"] = (f"{year}年政府工作报告\n\n今年要构建社会主义和谐社会，"
                                       f"扎实推进各项工作，经济增长预期目标{year - 2000}%左右。\n")
        rows.append(f"report_{year}.txt,report,{year},{year}年政府工作报告")
    folder = write(root / "reports", files, "file,kind,year,title\n" + "\n".join(rows) + "\n")
    build_index([folder, filler(root)], root / "index.sqlite")
    return Searcher.open(root / "index.sqlite")


def test_first_mention_questions_list_the_oldest_document_first(yearly):
    hits = yearly.search("构建社会主义和谐社会 最早哪年提出").hits
    assert [h.document.meta.year for h in hits[:3]] == ["2005", "2010", "2015"]
    plain = yearly.search("构建社会主义和谐社会 最早哪年提出", weights=Weights().without("earliest")).hits
    assert [h.document.meta.year for h in plain[:3]] != ["2005", "2010", "2015"]


def test_an_undated_numbered_report_dates_from_its_first_mention_elsewhere(tmp_path):
    # A congress report titled only "(十七大)" mentions the target year 2020 and none before;
    # a 2008 work report speaks of 十七大 already.  So the congress report comes first.
    congress = ("高举旗帜 (十七大)\n\n同志们：\n\n要建设生态文明，基本形成节约能源资源和保护生态环境的产业结构。"
                "确保到二〇二〇年实现全面建设小康社会的奋斗目标。\n")
    report = ("2008年政府工作报告\n\n认真贯彻党的十七大精神，加强生态文明建设，大力推进节能减排。"
              "2008年经济社会发展的主要预期目标。\n")
    searcher = searcher_of(tmp_path, {"cpc_17.txt": congress, "gwr_2008.txt": report},
                           "file,kind,year,title\ncpc_17.txt,congress_report,,高举旗帜 (十七大)\n"
                           "gwr_2008.txt,work_report,2008,2008年政府工作报告\n")
    hits = searcher.search("生态文明 这个提法最早出现在哪个报告").hits
    assert [h.document.path for h in hits[:2]] == ["cpc_17.txt", "gwr_2008.txt"]


def test_a_how_many_question_prefers_a_passage_with_a_number(tmp_path):
    # Two passages of one report on grain output; the question asks how much.
    report = ("政府工作报告\n\n粮食生产要稳字当头，稳定粮食播种面积，粮食生产要抓好春耕备耕，粮食安全是头等大事。\n\n"
              "粮食生产再获丰收，粮食总产量达到13908亿斤，比上年增加74亿斤。\n")
    searcher = searcher_of(tmp_path, {"gwr.txt": report}, "file,kind,year,title\ngwr.txt,work_report,2023,政府工作报告\n")
    assert searcher.search("粮食生产 多少").hits[0].text.startswith("粮食生产再获丰收")
    plain = searcher.search("粮食生产 多少", weights=Weights().without("answer_kind"))
    assert plain.hits[0].text.startswith("粮食生产要稳字当头")


def test_a_year_or_a_date_is_no_figure():
    number = answer_pattern("number")
    assert not number.search("增强“四个意识”、坚定“四个自信”、做到“两个维护”")  # slogans, not quantities
    assert not number.search("同意报告提出的2020年经济社会发展的主要目标") and not number.search("5月4日闭幕")
    assert all(number.search(text) for text in ("成交出口金额247亿美元", "增长6.5%", "用3年时间", "百分之五十五点八"))
    assert number.search("翻一番") and not number.search("第50届南丁格尔奖颁奖大会") and not number.search("第一个十年")
    from index.intent import understand
    assert understand("问天实验舱 是空间站第几个舱段").asks == "ordinal"
    assert answer_pattern("ordinal").search("问天实验舱是中国空间站的第二个舱段")


def test_a_years_target_is_answered_by_a_figure_set_as_one(tmp_path):
    target = answer_pattern("target")
    assert all(target.search(text) for text in ("国内生产总值增长5.5%左右", "城镇新增就业1100万人以上", "粮食产量保持在1.3万亿斤以上",
                                                "城镇调查失业率控制在5.5%以内", "赤字率拟按3%左右安排", "经济增长预期目标为4.5%—5%"))
    assert not any(target.search(text) for text in ("全国粮食总产量达13908.2亿斤，比上年增加", "国内生产总值增长5.2%"))
    # the year's news of how it turned out, shorter and as close in words, comes after the target
    searcher = news_searcher(tmp_path, {
        "20231211_01.txt": "粮食产量再创新高\n\n2023年全国粮食总产量13908亿斤，完成粮食产量目标。\n",
        "20230305_01.txt": ("十四届全国人大一次会议开幕\n\n李强在报告中提出，今年发展主要预期目标是：国内生产总值增长5%左右；"
                            "城镇新增就业1200万人左右；居民消费价格涨幅3%左右；粮食产量保持在1.3万亿斤以上。\n")})
    assert searcher.search("2023年粮食产量目标是多少").hits[0].document.path == "20230305_01.txt"


def test_a_years_target_is_not_the_next_years_own_target(tmp_path):
    # The 2024 report sets its own deficit (拟按3%安排), shortly; the 2023 report's passage is long.
    filler = "要坚持稳字当头、稳中求进，保持政策连续性稳定性针对性，加强各类政策协调配合，形成共促高质量发展合力。" * 8
    files = {"gwr_2023.txt": f"2023年政府工作报告\n\n{filler}积极的财政政策要加力提效。赤字率拟按3%安排。\n",
             "gwr_2024.txt": "2024年政府工作报告\n\n积极的财政政策要适度加力。赤字率拟按3%安排，赤字规模4.06万亿元，"
                             "拟安排地方政府专项债券3.9万亿元，赤字率保持不变。\n"}
    searcher = searcher_of(tmp_path, files, "file,kind,year,title\ngwr_2023.txt,work_report,2023,2023年政府工作报告\n"
                                            "gwr_2024.txt,work_report,2024,2024年政府工作报告\n")
    assert searcher.search("2023年 赤字率 拟按多少安排").hits[0].document.path == "gwr_2023.txt"


def test_a_year_asked_outweighs_a_title_that_matches_the_question_better(tmp_path):
    # Both items are real.  The 2024 one reports 2023 (its title says so) and its title has 全年
    # and 国内生产总值, the 2025 one's has neither: the year asked still decides.
    path = Path(__file__).resolve().parent / "data" / "retrieval" / "xwlb-2022-2026" / "2025" / "20250117_02.txt"
    searcher = news_searcher(tmp_path, {
        "20240229_07.txt": ("2023年全年国内生产总值超126万亿\n\n央视网消息（新闻联播）：国家统计局今天（2月29日）发布"
                            "《2023年国民经济和社会发展统计公报》。经初步核算，2023年全年，国内生产总值达1260582亿元，比上年增长5.2%。\n\n"
                            "科技创新实现新突破。2023年，全社会研究与试验发展经费支出3.3万亿元，与国内生产总值之比达2.64%，"
                            "其中，基础研究经费支出增长9.3%。\n"),
        "20250117_02.txt": path.read_text(encoding="utf-8")})
    hits = searcher.search("2024年全年 国内生产总值 多少亿元").hits
    assert hits[0].document.path == "20250117_02.txt" and "1349084亿元" in hits[0].text


def test_how_long_is_answered_by_a_duration():
    from index.intent import understand
    assert understand("1979年国务院决定用几年时间对国民经济进行调整").asks == "duration"
    assert understand("这个组织成立多久了").asks == "duration"
    duration = answer_pattern("duration")
    assert all(duration.search(text) for text in ("从今年起集中三年的时间", "仅仅是在十个月以前", "用3年时间", "至少需要一百年时间"))
    assert not any(duration.search(text) for text in ("一九七九年提出的", "去年十月这个组织成立时", "90年代", "5月4日"))


def test_a_word_everyday_chinese_uses_far_more_than_the_collection_weighs_less_in_the_match():
    # 后来 (everyday log share -8.4) in one passage of 8,000; 补贴 (-11.6) in one of 150
    everyday, idf = np.array([-8.4, -11.6, np.nan]), np.array([9.0, 5.0, 12.0])
    colloquial, subsidy, name = colloquial_weights(Weights(), everyday, idf)
    assert colloquial == Weights().colloquial and subsidy == 1.0 and name == 1.0
    assert 0.2 < colloquial_weights(Weights(), np.array([-8.4]), np.array([6.0]))[0] < 1.0  # in between
    assert (colloquial_weights(Weights().without("colloquial"), everyday, idf) == 1.0).all()


def test_which_day_is_answered_by_a_day_of_a_month():
    day = answer_pattern("day")
    assert all(day.search(text) for text in ("今年7月1日，我国将对香港恢复行使主权", "十月一日举行", "12月18日23时59分"))
    assert not any(day.search(text) for text in ("离香港回归祖国只有122天了", "1997年7月", "5月份"))


def test_where_is_answered_by_a_place_something_happened_in():
    place = answer_pattern("place")
    assert all(place.search(text) for text in ("中央经济工作会议12月11日至12日在北京举行", "台风“巴威”在浙江台州登陆",
                                               "柯拉一期光伏电站位于四川省甘孜州雅江县"))
    assert not any(place.search(text) for text in ("这次会议是在深入学习贯彻中共二十届三中全会精神之际召开的",
                                                   "会议强调，要做好明年经济工作"))


def test_why_is_answered_by_a_purpose_or_a_cause():
    reason = answer_pattern("reason")
    assert all(reason.search(text) for text in ("为系统解决强国建设、民族复兴进程中一些重大项目建设的资金问题",
                                                "这样安排，有利于引导各方面集中精力推进改革创新", "主要是考虑了以下因素"))
    assert not any(reason.search(text) for text in ("积极的财政政策要适度加力、提质增效", "为经济社会发展提供高质量服务"))


def test_who_holds_an_office_asked_is_answered_by_a_person_named_with_that_office():
    from index.intent import understand
    assert understand("工作交流会上作点评讲话的省长是谁").subject == "省长"
    assert understand("哪位副总理出席了会议").subject == "总理"
    governor = answer_pattern("person", "省长")
    assert governor.search("省委副书记、省长王忠林出席会议并作点评讲话")
    assert not governor.search("省委常委、组织部部长李荣灿作点评讲话")


def test_who_is_answered_by_a_person_named_with_an_office():
    from index.intent import understand
    assert understand("1964年三届全国人大一次会议上的政府工作报告是谁作的").asks == "person"
    assert understand("开幕式上作主旨演讲的是哪位领导").asks == "person"
    person = answer_pattern("person")
    assert all(person.search(text) for text in ("省委副书记、省长王忠林出席会议", "周恩来总理在报告中首先指出",
                                                "武汉大学李德仁院士", "原国务委员宋平同志"))
    assert not any(person.search(text) for text in ("省委召开县委书记工作交流会", "会议由市委主持", "人大代表票决制度"))


def test_a_what_question_prefers_the_passage_that_states_its_subject(tmp_path):
    # A news item of 2023-07-12: its lead names the plan, its second passage says what it is.
    item = ("我国载人登月初步方案公布\n\n央视网消息（新闻联播）：在今天（7月12日）召开的第九届中国国际商业航天高峰论坛上，"
            "中国载人航天工程办公室公布了中国载人登月初步方案，计划2030年前实现载人登陆月球开展科学探索。\n\n"
            "我国载人登月的初步方案是：采用两枚运载火箭分别将月面着陆器和载人飞船送至地月转移轨道，"
            "飞船和着陆器在环月轨道交会对接，航天员从飞船进入月面着陆器。\n")
    searcher = news_searcher(tmp_path, {"20230712_10.txt": item})
    answered = searcher.search("载人登月的初步方案是怎样的？")
    assert answered.hits[0].text.startswith("我国载人登月的初步方案是")
    plain = searcher.search("载人登月的初步方案是怎样的？", weights=Weights().without("answer_kind"))
    assert plain.hits[0].text.startswith("央视网消息")


def test_a_meaning_question_prefers_the_passage_that_defines_the_term(tmp_path):
    # Two items on the customs closure: one says what it means to others, the other defines it.
    items = {
        "20251219_10.txt": "国际人士积极评价海南自贸港封关\n\n央视网消息（新闻联播）：国际人士表示，"
                           "海南自贸港封关是中国坚定不移扩大高水平对外开放的重要举措，将为世界经济注入新动能。\n",
        "20250723_03.txt": "海南自贸港将于12月18日正式启动全岛封关运作\n\n"
                           "央视网消息（新闻联播）：海南自由贸易港将于今年12月18日正式启动全岛封关运作。\n\n"
                           "海南自贸港封关是指将海南岛全岛建成一个海关监管特殊区域，实施以“一线放开、二线管住、岛内自由”为基本特征的货物进出口管理制度。\n",
    }
    searcher = news_searcher(tmp_path, items)
    question = "海南自贸港说的“封关”到底是什么意思？"
    assert searcher.search(question).hits[0].text.startswith("海南自贸港封关是指")
    assert searcher.search(question, weights=Weights().without("answer_kind")).hits[0].document.path == "20251219_10.txt"


def test_the_lead_gain_goes_to_the_passage_with_the_kind_of_answer_asked(tmp_path, monkeypatch):
    # The item of the day the standing committee closed: its lead tells what it passed and
    # that the next NPC session meets in the spring, a later passage the day it opens, which
    # is what the question asks.
    item = ("十四届全国人大常委会第十三次会议在京闭幕\n\n"
            "央视网消息（新闻联播）：十四届全国人大常委会第十三次会议25日上午在北京人民大会堂闭幕。赵乐际委员长主持闭幕会。"
            "会议经表决，通过了增值税法，决定十四届全国人大三次会议明年春天在北京召开。\n\n"
            "根据决定，十四届全国人大三次会议于2025年3月5日开幕。\n")
    searcher = news_searcher(tmp_path, {"20241225_04.txt": item})
    question = "2024年12月25日人大常委会闭幕，定下十四届全国人大三次会议哪天开？"
    assert "2025年3月5日" in searcher.search(question).hits[0].text
    monkeypatch.setattr(searcher_module, "answer_lead_factor", lambda weights, gained, *rest: np.ones(len(gained)))
    assert searcher.search(question).hits[0].text.startswith("央视网消息")  # the lead, but for the move


def test_the_lead_gain_moves_only_to_a_passage_that_matches_as_much_of_the_question():
    weights = Weights()
    gained = np.array([True, False, False])
    docs = np.array([7, 7, 7])
    answers = np.array([False, True, True])
    scores = np.array([10.0, 3.0, 5.0])
    moved = answer_lead_factor(weights, gained, docs, answers, scores, np.array([0.8, 0.7, 0.75]))
    assert moved.tolist() == [1 / weights.lead, 1.0, weights.lead]  # to the better of the two
    kept = answer_lead_factor(weights, gained, docs, answers, scores, np.array([0.8, 0.3, 0.4]))
    assert kept.tolist() == [1.0, 1.0, 1.0]  # they state a day, but of something else


def test_a_what_time_question_prefers_a_clock_time(tmp_path):
    # Two items of November 2022 on one launch: the rollout, and the day's launch time.
    items = {
        "20221121_08.txt": "神舟十五号船箭组合体完成转运 将择机发射\n\n央视网消息（新闻联播）：今天（11月21日）下午，"
                           "在酒泉卫星发射中心，神舟十五号载人飞船与长征二号F遥十五运载火箭组合体转运至发射区，计划近日择机实施发射。\n",
        "20221129_05.txt": "神舟十五号载人飞船今天发射\n\n央视网消息（新闻联播）：神舟十五号载人飞船瞄准今天（11月29日）"
                           "23时08分发射，目前，任务各系统准备就绪，符合发射要求。\n",
    }
    searcher = news_searcher(tmp_path, items)
    assert searcher.search("神舟十五號 幾點發射").hits[0].document.path == "20221129_05.txt"
    plain = searcher.search("神舟十五號 幾點發射", weights=Weights().without("answer_kind"))
    assert plain.hits[0].document.path == "20221121_08.txt"


def test_the_first_mention_is_found_below_many_later_ones(tmp_path):
    # One 2005 report states the concept once in a long passage; 110 later news items
    # state it in short passages that all score higher (each item also has other news, so
    # that the words stay specific).  The oldest still answers first.
    report = ("2005年政府工作报告\n\n要加强生态环境保护，推进资源节约，建设循环经济示范区，"
              "积极建设生态文明，让人民群众喝上干净的水、呼吸清新的空气，在良好的环境中生产生活。\n")
    other = "\n\n".join(f"第{n}条消息：各地开展第{n}项专项检查，完成年度任务。" for n in range(1, 21))
    news = {f"2020{month:02d}{day:02d}_01.txt": f"新闻\n\n推进生态文明建设，生态文明理念深入人心，各地持续加强生态保护修复，守护绿水青山，建设美丽中国，让生态文明成为全社会的共同追求。\n\n{other}\n"
            for month in range(1, 12) for day in range(1, 11)}
    folder = write(tmp_path / "all", {"gwr_2005.txt": report, **news},
                   "file,year,date,title\ngwr_2005.txt,2005,,2005年政府工作报告\n"
                   + "".join(f"{name},2020,2020-{name[4:6]}-{name[6:8]},新闻\n" for name in news))
    build_index([folder], tmp_path / "index.sqlite")
    hits = Searcher.open(tmp_path / "index.sqlite").search("生态文明 最早出现在哪个报告").hits
    assert hits[0].document.path == "gwr_2005.txt"


def test_a_quoted_first_mention_is_found_below_many_later_ones(tmp_path):
    # A 2019 item writes the quoted concept once in a long passage; 330 later items write it
    # three times in short ones, which all score higher.  The passages that write it as quoted
    # are looked for oldest first, not only among the best-scoring of them.
    other = "\n\n".join(f"第{n}条消息：各地开展第{n}项专项检查，完成年度任务。" for n in range(1, 21))
    first = ("新闻\n\n会议提出，要积极建设“生态文明”，推进资源节约，让人民群众在良好的环境中生产生活，加强环境保护，"
             "推进节能减排，发展循环经济。" + "各地区各部门要结合实际抓好落实，确保各项任务按期完成。" * 6 + f"\n\n{other}\n")
    later = {f"20{year}{month:02d}{day:02d}_01.txt": f"新闻\n\n{month}月{day}日，“生态文明”建设，“生态文明”理念，“生态文明”共识。\n\n{other}\n"
             for year in (20, 21, 22) for month in range(1, 12) for day in range(1, 11)}
    searcher = news_searcher(tmp_path, {"20190105_01.txt": first, **later})
    assert searcher.search("“生态文明”是哪一年提出的").hits[0].document.path == "20190105_01.txt"


def test_a_five_year_plan_in_quotation_marks_is_its_name_not_a_phrase_to_find(tmp_path):
    # Plans are written “十四五”; the passage with the target under the plan's heading need not repeat it.
    from index.query import parse_query
    report = ("2021年政府工作报告\n\n二、“十四五”时期主要目标任务和重大举措\n\n"
              "全面推进乡村振兴，完善新型城镇化战略，常住人口城镇化率提高到65%。\n")
    searcher = searcher_of(tmp_path, {"gwr_2021.txt": report}, "file,year,title\ngwr_2021.txt,2021,2021年政府工作报告\n")
    assert "65%" in searcher.search("“十四五” 常住人口城镇化率 目标").hits[0].text
    assert parse_query("“十四五”规划 目标").phrases == () and parse_query("“一带一路”倡议").phrases == ("一带一路",)


def test_a_first_mention_in_a_kind_of_document_named_first(tmp_path):
    # "政府工作报告第一次提到人工智能": the reports' texts never write 政府工作报告 (their titles
    # do), while a later news item's text does; the oldest report answers.
    reports = {f"gwr_{year}.txt": f"{year}年政府工作报告\n\n加快培育壮大新兴产业，推动人工智能等技术研发和转化，第{year}项工作。\n"
               for year in (2017, 2019)}
    news = {"20220306_01.txt": "代表委员热议\n\n代表们说，政府工作报告提出推动人工智能发展，令人振奋。\n"}
    searcher = searcher_of(tmp_path, {**reports, **news},
                           "file,year,date,title\ngwr_2017.txt,2017,,2017年政府工作报告\ngwr_2019.txt,2019,,2019年政府工作报告\n"
                           "20220306_01.txt,2022,2022-03-06,代表委员热议\n")
    hits = searcher.search("政府工作报告第一次提到人工智能是哪一年").hits
    assert [h.document.path for h in hits[:2]] == ["gwr_2017.txt", "gwr_2019.txt"]


def test_a_passage_quoting_the_named_documents_name_is_no_closer_to_the_question(tmp_path):
    # The resolution on the 2014 report quotes its name (政府工作报告) next to 目标任务; the
    # report itself sets the target the question asks.  The name is the metadata's to match.
    resolution = ("第十二届全国人民代表大会第二次会议关于政府工作报告的决议\n\n第十二届全国人民代表大会第二次会议听取和审议了"
                  "国务院总理李克强所作的政府工作报告。会议充分肯定国务院过去一年的工作，同意报告提出的2014年工作总体部署、"
                  "目标任务和重点工作，决定批准这个报告。\n")
    report = ("2014年政府工作报告\n\n——经济运行稳中向好。国内生产总值达到56.9万亿元，比上年增长7.7%。居民消费价格涨幅控制在2.6%。"
              "城镇登记失业率4.1%。城镇新增就业1310万人，创历史新高。\n\n"
              "今年经济社会发展的主要预期目标是：国内生产总值增长7.5%左右，居民消费价格涨幅控制在3.5%左右，城镇新增就业1000万人以上，"
              "城镇登记失业率控制在4.6%以内，国际收支基本平衡，努力实现居民收入增长和经济发展同步。加强对增长、就业、物价、"
              "国际收支等主要目标的统筹平衡。\n\n"
              "关于价格水平。把居民消费价格涨幅控制在3.5%左右，考虑了去年涨价翘尾影响和今年新涨价因素，也表明我们抑制通胀、"
              "保障民生的决心和信心。\n")
    searcher = searcher_of(tmp_path, {"gwr_2014.txt": report, "npc_resolution_2014.txt": resolution},
                           "file,kind,year,title\ngwr_2014.txt,government_work_report,2014,2014年中华人民共和国国务院政府工作报告\n"
                           "npc_resolution_2014.txt,npc_resolution_on_gwr,2014,第十二届全国人民代表大会第二次会议关于政府工作报告的决议\n")
    hits = searcher.search("2014年政府工作报告 居民消费价格 目标").hits
    assert hits[0].document.path == "gwr_2014.txt"


def test_a_years_target_is_not_how_it_turned_out_the_year_after(tmp_path):
    # January 2025's item on 2024 (主要发展目标顺利实现) states the year's GDP; the target is
    # what the 2024 report set.
    report = ("2024年政府工作报告\n\n今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上，"
              "城镇调查失业率5.5%左右；居民消费价格涨幅3%左右；居民收入增长和经济增长同步；国际收支保持基本平衡；"
              "粮食产量1.3万亿斤以上；单位国内生产总值能耗降低2.5%左右，生态环境质量持续改善。\n")
    title = "2024年我国经济运行稳中有进 主要发展目标顺利实现"
    item = (f"{title}\n\n央视网消息（新闻联播）：国务院新闻办公室今天（1月17日）举行新闻发布会，国家统计局发布2024年"
            "国民经济运行主要指标。数据显示，2024年，我国经济运行总体平稳、稳中有进，主要目标任务顺利实现。\n\n"
            "初步核算，2024年全年，国内生产总值1349084亿元，比上年增长5.0%，国内生产总值首次突破130万亿元。\n")
    others = {f"2025{month:02d}{day:02d}_01.txt": f"各地新闻\n\n各地推进第{day}项重点工作，经济运行总体平稳。\n"
              for month in (2, 3) for day in range(1, 21)}
    searcher = searcher_of(tmp_path, {"gwr_2024.txt": report, "20250117_02.txt": item, **others}, "file,kind,year,date,title\n"
                           "gwr_2024.txt,government_work_report,2024,,2024年中华人民共和国国务院政府工作报告\n"
                           f"20250117_02.txt,news,2025,2025-01-17,{title}\n"
                           + "".join(f"{name},news,2025,2025-{name[4:6]}-{name[6:8]},各地新闻\n" for name in others))
    hits = searcher.search("2024年国内生产总值目标是多少").hits
    assert hits[0].document.path == "gwr_2024.txt"


def test_a_named_year_picks_that_years_document(yearly):
    assert yearly.search("2010年 经济增长预期目标").hits[0].document.meta.year == "2010"
    assert yearly.search("2015年政府工作报告 预期目标").hits[0].document.meta.year == "2015"


def test_a_news_item_is_of_the_year_its_title_names(tmp_path):
    # Out in February 2024, the statistics communique is about 2023: a question about 2024
    # is not answered by it, though the item's date is of 2024.
    items = {
        "20240229_07.txt": "2023年全年国内生产总值超126万亿元\n\n央视网消息（新闻联播）：国家统计局今天（2月29日）发布统计公报。"
                           "经初步核算，全年国内生产总值1260582亿元，比上年增长5.2%。\n",
        "20250117_02.txt": "2024年我国经济运行稳中有进\n\n初步核算，2024年全年，国内生产总值1349084亿元，按不变价格计算，"
                           "比上年增长5.0%。分季度看，一季度国内生产总值同比增长5.3%，二季度增长4.7%。\n",
        # out in 2026 about 2025: no review of 2024, though it is of the year after
        "20260119_04.txt": "2025年中国国内生产总值突破140万亿元\n\n初步核算，全年国内生产总值1401879亿元，同比增长5.0%。"
                           "人均国内生产总值达到13.9万元。\n",
    }
    searcher = news_searcher(tmp_path, items)
    assert searcher.search("2024年 国内生产总值 多少亿元").hits[0].document.path == "20250117_02.txt"
    assert searcher.search("2023年 国内生产总值 多少亿元").hits[0].document.path == "20240229_07.txt"
    # Written like the communique's title, the question still does not name it: its title's year is 2023.
    assert searcher.search("2024年全年 国内生产总值 多少亿元").hits[0].document.path == "20250117_02.txt"


def test_a_december_item_does_not_review_the_year_before(tmp_path):
    # Out in December 2025, "今年…突破1800亿件" is 2025's; the January item reviews 2024.
    items = {
        "20251201_09.txt": "我国年快递业务量突破1800亿件\n\n央视网消息（新闻联播）：国家邮政局最新数据显示，截至11月30日，"
                           "今年我国快递业务量已突破1800亿件。\n",
        "20250108_07.txt": "我国快递业务量再创新高\n\n国家邮政局最新数据显示，全国快递业务量完成1745亿件，"
                           "同比增长21%。\n",
    }
    searcher = news_searcher(tmp_path, items)
    result = searcher.search("2024年 全国快递业务量 多少亿件")
    assert result.hits[0].document.path == "20250108_07.txt" and result.confidence == "high"
    result = searcher.search("2024年 快递业务量 突破1800亿件")
    assert result.hits[0].document.path == "20251201_09.txt" and result.unmatched == ("2024年",)


def test_a_years_target_is_set_by_that_years_report():
    # A 2015 target: the 2015 report sets it; the 2016 report, reviewing 2015 ("去年…预期增长
    # 目标"), names the year in its passage but stays the year after.  How it turned out
    # (实际, 完成) is the 2016 report's to say.
    from index.intent import understand
    assert understand("2015年 进出口 增长目标").target
    assert not understand("1998年经济实际增长了多少 完成8%的目标没有").target
    assert not understand("2015年 进出口 增长").target
    weights = Weights()
    subject, seen = np.array([2015, 2016, 2013]), np.array([False, True, True])
    assert year_factor(weights, (2015,), subject, seen, target=True).tolist() == [1.0, weights.year_next, 1.0]
    assert year_factor(weights, (2015,), subject, seen).tolist() == [1.0, 1.0, 1.0]


def test_a_document_named_by_year_is_the_one_about_that_year():
    # "2024年全年国内生产总值…" names a document about 2024 whose metadata has 全年 and 国内生产总值:
    # not the communique out in 2024 titled 2023年…, but one out in 2025 titled 2024年… or one
    # whose title names several years, 2024 among them.
    weights = Weights()
    distinct = ["2024", "全年", "gdp"]
    meta_bits = np.array([0b111, 0b111, 0b001, 0b110])
    subject, doc_years = np.array([2023, 2024, 2024, 2025]), np.array([2024, 2025, 2024, 2025])
    named = ((2024, ("全年", "gdp"), "2024年全年国内生产总值"),)
    factor = named_document_factor(weights, named, subject, doc_years, meta_bits, distinct)
    assert factor.tolist() == [weights.document_miss, 1.0, weights.document_miss, weights.document_miss]
    several = named_document_factor(weights, named, np.array([2025]), np.array([2025]), np.array([0b111]), distinct)
    assert several.tolist() == [1.0]


def test_the_next_years_document_reviews_the_year_unless_its_title_names_another():
    # A question about 2024: a 2025 work report reviews it; an item of 2026 titled 2025年… (its
    # subject year 2025, the year after) does not; a 2024 document answers it.
    weights = Weights()
    subject = np.array([2025, 2025, 2024])
    factor = year_factor(weights, (2024,), subject, np.zeros(3, dtype=bool), None, np.array([False, True, False]))
    assert factor.tolist() == [weights.year_next, weights.year_miss, 1.0]


def test_what_a_report_is_about_is_where_it_opens(tmp_path):
    # The 1960 report says what it is about in its first passage; later ones name the
    # report's own words more often.
    report = ("1960年政府工作报告\n\n我受中共中央和国务院的委托，向大会作关于一九五六年到一九六七年全国农业发展纲要的执行情况"
              "和争取提前实现这个纲要的报告。\n\n"
              "一九六〇年，在增产措施方面，我们也还有许多工作要做。政府各部门都要支援农业。\n\n"
              "一九六〇年的国民经济计划要把农业放在首位，一九六〇年的工业支援农业，一九六〇年的工作重点是农业生产。\n")
    searcher = searcher_of(tmp_path, {"gwr_1960.txt": report},
                           "file,kind,year,title\ngwr_1960.txt,work_report,1960,1960年政府工作报告\n")
    question = "1960年的政府工作报告主要讲的是什么内容？"
    assert searcher.search(question).hits[0].text.startswith("我受中共中央和国务院的委托")
    assert not searcher.search(question, weights=Weights().without("summary")).hits[0].text.startswith("我受")


def test_a_first_mention_written_with_a_list_comma_is_still_the_first(tmp_path):
    # 1984 writes “一个国家、两种制度”; 1986 writes it whole, which the index learns as a word.
    files = {
        "gwr_1984.txt": "1984年政府工作报告\n\n从国家和民族的根本利益出发，鉴于历史的经验和台湾的现实，"
                        "我们提出了祖国统一之后可以实行“一个国家、两种制度”的设想。\n",
        "gwr_1986.txt": "1986年政府工作报告\n\n我们根据“一个国家两种制度”的设想，同英国通过谈判圆满地解决了历史遗留的香港问题。\n\n"
                        "“七五”期间，我们一定要继续按照“一个国家两种制度”的设想，积极促进海峡两岸多方面的交往与合作。\n",
    }
    searcher = searcher_of(tmp_path, files, "file,kind,year,title\n"
                           "gwr_1984.txt,work_report,1984,1984年政府工作报告\ngwr_1986.txt,work_report,1986,1986年政府工作报告\n")
    hits = searcher.search("一个国家两种制度 构想 最早见于哪年政府工作报告").hits
    assert hits[0].document.path == "gwr_1984.txt"


def test_a_first_mention_is_of_the_concept_as_a_word_not_inside_another(tmp_path):
    # 2007's "创新发展理念" (to innovate the idea of development) holds the characters of
    # 新发展理念, which 2016 is the first to state; the collection learns it as a word.
    files = {
        "gwr_2007.txt": "2007年政府工作报告\n\n着力把握发展规律、创新发展理念、转变发展方式、破解发展难题。\n",
        "gwr_2016.txt": "2016年政府工作报告\n\n牢固树立“新发展理念”，坚持以新发展理念引领发展。\n",
        "gwr_2017.txt": "2017年政府工作报告\n\n坚持以“新发展理念”引领经济发展新常态，贯彻新发展理念。\n",
    }
    searcher = searcher_of(tmp_path, files, "file,kind,year,title\n" + "".join(
        f"{name},work_report,{name[4:8]},{name[4:8]}年政府工作报告\n" for name in files))
    hits = searcher.search("新发展理念 最早是哪年提出的").hits
    assert hits[0].document.path == "gwr_2016.txt"


def test_a_first_mention_in_a_report_whose_title_names_the_concept(tmp_path):
    # The 2002 congress report is titled by the concept, so its passages' own words score
    # next to nothing (`Weights.inside`) against the many later texts that state it; it
    # still states it first.
    congress = ("全面建设小康社会 (十六大)\n\n同志们：\n\n本世纪头二十年，要集中力量，全面建设惠及十几亿人口的更高水平的小康社会，"
                "使经济更加发展、民主更加健全、科教更加进步。全面建设小康社会，是党和国家到二〇二〇年的奋斗目标。\n")
    later = {f"gwr_{year}.txt": f"{year}年政府工作报告\n\n全面建设小康社会，第{year}项工作。\n" for year in range(2003, 2013)}
    searcher = searcher_of(tmp_path, {"cpc_16.txt": congress, **later},
                           "file,kind,year,title\ncpc_16.txt,congress_report,2002,全面建设小康社会 (十六大)\n"
                           + "".join(f"{name},work_report,{name[4:8]},{name[4:8]}年政府工作报告\n" for name in later))
    hits = searcher.search("“全面建设小康社会”这个提法最早是在哪份报告里提出来的？").hits
    assert [h.document.path for h in hits[:2]] == ["cpc_16.txt", "gwr_2003.txt"]


def test_in_the_first_document_the_passage_that_says_it_is_the_first_time_comes_first(tmp_path):
    # 2018's report lists the targets, the surveyed unemployment rate among them, and then
    # says it is the first year that rate is a target; 2019's lists it again.
    files = {
        "gwr_2018.txt": "2018年政府工作报告\n\n今年发展主要预期目标是：国内生产总值增长6.5%左右；城镇调查失业率5.5%以内，"
                        "城镇登记失业率4.5%以内，城镇调查失业率预期目标。\n\n"
                        "城镇调查失业率涵盖农民工等城镇常住人口，今年首次把这一指标作为预期目标，以更全面反映就业状况。\n",
        "gwr_2019.txt": "2019年政府工作报告\n\n今年发展的主要预期目标是：城镇调查失业率5.5%左右，城镇登记失业率4.5%以内。\n",
    }
    searcher = searcher_of(tmp_path, files, "file,kind,year,title\n" + "".join(
        f"{name},work_report,{name[4:8]},{name[4:8]}年政府工作报告\n" for name in files))
    hits = searcher.search("城镇调查失业率 哪一年首次列为预期目标").hits
    assert "首次把这一指标" in hits[0].text and hits[1].document.path == "gwr_2018.txt"


@pytest.mark.parametrize("items, question, first", [
    # Two items of 2022 state the concept; February's is the first, though November's says it
    # more (and in quotation marks, as the question does).
    ({"20220221_06.txt": "国务院印发老龄事业发展规划\n\n央视网消息（新闻联播）：规划部署了多方面任务，"
                         "包括完善老年健康支撑体系，大力发展银发经济，践行积极老龄观。\n",
      "20221105_10.txt": "虹桥国际经济论坛举行\n\n央视网消息（新闻联播）：在分论坛上，与会人员共商发展“银发经济”的有效路径，"
                         "“银发经济”成为热议话题。\n"},
     "“银发经济”这个提法最早出现在哪份文件里", "20220221_06.txt"),
    # Within a day, the programme's order: its third item reports the speech that put the
    # initiative forward; its fourth, a commentary on it, names it more (and the question asks
    # the occasion, 在哪个场合, which is no word to match).
    ({"20250901_03.txt": "习近平出席会议并发表重要讲话\n\n央视网消息（新闻联播）：习近平在讲话中指出，为此，习近平提出全球治理倡议，"
                         "奉行主权平等，遵守国际法治，践行多边主义。\n",
      "20250901_04.txt": "央视快评：当好践行全球治理倡议的行动派\n\n央视网消息（新闻联播）：全球治理倡议顺应时代潮流，"
                         "全球治理倡议为完善全球治理指明方向。\n"},
     "全球治理倡议 最早是什么时候在哪个场合提出的", "20250901_03.txt"),
])
def test_a_first_mention_within_a_year_goes_by_date_and_within_a_day_by_the_programme(tmp_path, items, question, first):
    hits = news_searcher(tmp_path, items).search(question).hits
    assert [h.document.path for h in hits[:2]] == [first, *(name for name in items if name != first)]


def test_a_concept_is_written_where_a_word_starts():
    concept = concept_pattern("新发展理念", plain_words)
    assert concept.search("牢固树立新发展理念") and concept.search("新发展理念引领发展")
    assert not concept.search("着力把握发展规律、创新发展理念、转变发展方式")
    assert concept_pattern("一个国家两种制度", plain_words).search("实行“一个国家、两种制度”的设想")


def test_a_question_about_a_year_prefers_the_whole_year_to_part_of_it(tmp_path):
    # December 2022 reports eleven months; January 2023 the whole of 2022.
    items = {
        "20221207_10.txt": "今年前11个月我国外贸进出口总值同比增长8.6%\n\n央视网消息（新闻联播）：海关总署今天（12月7日）公布，"
                           "今年前11个月，我国外贸进出口总值38.34万亿元，同比增长8.6%，外贸继续保持平稳运行。\n",
        "20230113_02.txt": "2022年我国进出口增长7.7% 总值突破40万亿元创新高\n\n央视网消息（新闻联播）：今天（1月13日）上午10时，"
                           "国务院新闻办召开新闻发布会。\n\n海关统计显示，2022年我国外贸进出口总值42.07万亿元，比2021年增长7.7%。"
                           "其中，出口23.97万亿元，增长10.5%；进口18.1万亿元，增长4.3%。\n",
    }
    searcher = news_searcher(tmp_path, items)
    assert searcher.search("2022年 我国外贸进出口总值").hits[0].document.path == "20230113_02.txt"
    plain = searcher.search("2022年 我国外贸进出口总值", weights=Weights().without("part_of_year"))
    assert plain.hits[0].document.path == "20221207_10.txt"
    # Asked about the months, the months answer.
    assert searcher.search("2022年前11个月 我国外贸进出口总值").hits[0].document.path == "20221207_10.txt"


def test_part_of_a_year_is_told_from_the_whole():
    norms = ["今年前11个月，我国外贸进出口总值38.34万亿元",
             "初步核算，2024年全年，国内生产总值1349084亿元。分季度看，一季度国内生产总值同比增长5.3%",
             "初步核算，前三季度国内生产总值1015036亿元，比上年全年和上年同期分别加快0.2和0.4个百分点",
             "2022年我国外贸进出口总值42.07万亿元",
             "今年上半年，国内生产总值总量达到69.6万亿元，同比增长4.7%，增速符合全年经济增长预期目标",
             "1—9月全国城镇新增就业1022万人"]
    assert [reports_part_of_year(norm) for norm in norms] == [True, False, True, False, True, True]


def test_a_span_of_years_is_reviewed_the_year_after_it(tmp_path):
    # The 2018 report reviews 2013-2017; the 2023 report reviews 2018-2022.
    files = {
        "gwr_2018.txt": "2018年政府工作报告\n\n五年来，经济实力跃上新台阶。国内生产总值从54万亿元增加到82.7万亿元，年均增长7.1%。\n",
        "gwr_2023.txt": "2023年政府工作报告\n\n——经济发展再上新台阶。国内生产总值增加到121万亿元，五年年均增长5.2%，"
                        "十年增加近70万亿元、年均增长6.2%，在高基数基础上实现了中高速增长。\n",
    }
    searcher = searcher_of(tmp_path, files, "file,kind,year,title\n"
                           "gwr_2018.txt,work_report,2018,2018年政府工作报告\ngwr_2023.txt,work_report,2023,2023年政府工作报告\n")
    result = searcher.search("2018至2022年 国内生产总值 年均增长")
    assert result.hits[0].document.path == "gwr_2023.txt" and result.confidence == "high"
    assert searcher.search("2013-2017年 国内生产总值 年均增长").hits[0].document.path == "gwr_2018.txt"


def test_the_report_of_an_event_outranks_the_feature_on_its_reactions(tmp_path):
    # September 2024: the summit's report, and two days later a piece on the reactions.
    items = {
        "20240905_01.txt": "习近平出席中非合作论坛北京峰会开幕式并发表主旨讲话\n\n央视网消息（新闻联播）：9月5日上午，"
                           "国家主席习近平在北京人民大会堂出席中非合作论坛北京峰会开幕式并发表主旨讲话。"
                           "习近平宣布，中国同所有非洲建交国的双边关系提升到战略关系层面。\n",
        "20240907_06.txt": "命运与共 携手同行——习近平主席在中非合作论坛北京峰会开幕式上的主旨讲话引发中外与会嘉宾热烈反响\n\n"
                           "央视网消息（新闻联播）：9月5日上午，习近平主席在中非合作论坛北京峰会开幕式上发表主旨讲话。"
                           "与会中外嘉宾表示，习近平主席在讲话中提出中非关系新定位，为中非合作指明了方向。\n",
    }
    searcher = news_searcher(tmp_path, items)
    question = "2024年9月 中非合作论坛北京峰会 主旨讲话 中非关系"
    assert searcher.search(question).hits[0].document.path == "20240905_01.txt"
    assert searcher.search(question, weights=Weights().without("feature")).hits[0].document.path == "20240907_06.txt"


def test_news_looked_up_by_date_answers_with_the_lead(tmp_path):
    # 2026-05-05: the lead says what happened; later passages repeat the accident's words.
    title = "习近平对湖南长沙浏阳市一烟花厂爆炸事故作出重要指示强调 抓好重点行业领域风险隐患排查整治"
    item = (f"{title}\n\n央视网消息（新闻联播）：5月4日16时40分许，湖南长沙浏阳市华盛烟花制造燃放有限公司车间发生爆炸，"
            "造成重大人员伤亡。\n\n事故发生后，中共中央总书记、国家主席、中央军委主席习近平高度重视并作出重要指示指出，"
            "湖南长沙浏阳市一烟花厂发生爆炸，造成重大人员伤亡。要尽快查明事故原因，严肃追责。\n\n"
            "张国清抵达后立即赶往爆炸事故现场、浏阳市医院，向受伤群众、基层干部、救援人员传达习近平总书记重要指示批示精神，"
            "随后在现场指挥部召开会议，研究部署进一步做好救援救治、安抚善后、事故调查等工作。\n")
    searcher = news_searcher(tmp_path, {"20260505_01.txt": item})
    question = "2026年5月 浏阳烟花厂爆炸事故"
    assert searcher.search(question).hits[0].text.startswith("央视网消息")
    assert not searcher.search(question, weights=Weights().without("lead")).hits[0].text.startswith("央视网消息")


def test_a_day_written_without_its_year_is_that_day_of_any_year(tmp_path):
    # Two years' heavy rains in Beijing; the question gives the day only (7月30日).
    searcher = news_searcher(tmp_path, {
        "20230801_08.txt": "北京强降雨\n\n北京强降雨已造成11人遇难，13人失联，北京强降雨遇难者家属得到妥善安置。\n",
        "20240730_05.txt": "北京强降雨 多方应对\n\n北京强降雨持续，已有2人遇难，北京多区启动防汛应急响应，多处道路积水。\n"})
    for day, path in (("7月30日", "20240730_05.txt"), ("8月1日", "20230801_08.txt"), ("7月31日", "20230801_08.txt")):
        answer = searcher.search(f"{day} 北京强降雨 多少人遇难")  # (7月31日: a late event is on the next day's news)
        assert answer.hits[0].document.path == path and answer.confidence == "high", day
    assert searcher.search("7月28日 北京强降雨 多少人遇难").confidence == "low"  # (no news of that day)


def test_a_question_asking_a_detail_answers_with_the_passage_that_states_it(tmp_path):
    # The lead says what happened; the question asks what was signed, which the second
    # passage states: its words outweigh the lead's gain.
    item = ("第135届广交会今天闭幕\n\n央视网消息（新闻联播）：第135届广交会今天（5月5日）闭幕，本届广交会线下参展企业超2.9万家，"
            "有来自215个国家和地区超24.6万名境外采购商线下参会，比上届增长24.5%。\n\n"
            "截至5月4日，本届广交会现场成交出口金额247亿美元，比上届增长10.7%。\n")
    searcher = news_searcher(tmp_path, {"20240505_09.txt": item})
    detail = "2024年5月 第135届广交会闭幕 成交出口金额"
    assert "247亿美元" in searcher.search(detail).hits[0].text
    assert searcher.search(detail, weights=Weights().without("lead_margin")).hits[0].text.startswith("央视网消息")
    assert searcher.search("2024年5月 第135届广交会闭幕").hits[0].text.startswith("央视网消息")


def test_a_days_news_asked_as_a_whole_lists_its_items_in_order(tmp_path):
    # Asked what the news said that day, or its headline, the answer is each item's lead in
    # the programme's order, whatever words the leads share with the question.
    items = {"20240305_01.txt": "十四届全国人大二次会议开幕\n\n央视网消息（新闻联播）：第十四届全国人民代表大会第二次会议5日上午开幕。\n\n"
                                "大会听取了政府工作报告。\n",
             "20240305_02.txt": "习近平参加江苏代表团审议\n\n央视网消息（新闻联播）：习近平5日下午参加他所在的江苏代表团审议。\n",
             "20240305_03.txt": "2024年春耕\n\n央视网消息（新闻联播）：2024年春耕生产全面展开，2024年粮食生产开局良好。\n",
             "20240306_01.txt": "全国政协会议\n\n央视网消息（新闻联播）：全国政协十四届二次会议6日举行第二次全体会议。\n"}
    searcher = news_searcher(tmp_path, items)
    for question in ("2024年3月5日新闻联播头条是什么", "2024年3月5日 新闻联播 报道了什么", "2024年3月5日新闻联播"):
        result = searcher.search(question)
        assert [h.document.path for h in result.hits] == ["20240305_01.txt", "20240305_02.txt", "20240305_03.txt"]
        assert result.hits[0].text.startswith("央视网消息") and result.confidence == "high"
    assert searcher.search("2024年3月7日新闻联播头条是什么").confidence == "low"  # (no news that day)


def test_a_detail_asked_by_the_last_word_is_answered_by_the_passage_that_states_it(tmp_path):
    # The lead repeats the title; the total investment, the question's last word, is stated
    # further down only.
    item = ("雅鲁藏布江下游水电工程开工\n\n央视网消息（新闻联播）：雅鲁藏布江下游水电工程开工仪式7月19日上午在西藏自治区林芝市举行，"
            "宣布雅鲁藏布江下游水电工程开工，工程建设正式拉开帷幕，各方代表参加开工仪式。\n\n"
            "当日9时许，开工仪式在林芝市米林水电站坝址举行，建设者代表发言。\n\n"
            "雅鲁藏布江下游水电工程位于西藏自治区林芝市，建设5座梯级电站，总投资约1.2万亿元。\n")
    searcher = news_searcher(tmp_path, {"20250719_03.txt": item})
    assert "总投资约1.2万亿元" in searcher.search("2025年7月19日 雅鲁藏布江下游水电工程开工 总投资").hits[0].text
    assert searcher.search("2025年7月19日 雅鲁藏布江下游水电工程开工").hits[0].text.startswith("央视网消息")
    # (the date may come last: the last word is still what it asks)
    assert "总投资约1.2万亿元" in searcher.search("雅鲁藏布江下游水电工程开工 总投资 2025年7月19日").hits[0].text
    # (and naming the programme names no words: every lead's dateline has it)
    assert "总投资约1.2万亿元" in searcher.search("新闻联播 2025年7月19日 雅鲁藏布江下游水电工程开工 总投资").hits[0].text


def test_a_detail_no_lead_states_is_answered_by_the_passage_that_states_it(tmp_path):
    # The lead restates the title's words (商业载客); the flight number is in the next
    # passage, and no lead of any item has it: that passage takes the lead's place.
    item = ("C919大型客机圆满完成首次商业飞行\n\n央视网消息（新闻联播）：今天（5月28日），国产大飞机C919大型客机成功完成"
            "商业载客首飞，这标志着C919的“研发、制造、取证、投运”全面贯通。\n\n"
            "上午10时32分，航班号MU9191的首航飞机起飞。作为我国首次按照国际通行适航标准自行研制、具有自主知识产权的"
            "喷气式干线客机，C919大型客机选用完全自主研发的新一代国产客舱座椅。\n\n"
            "中午12时31分，飞机顺利抵达北京首都机场，并穿过象征民航最高礼仪的“水门”。\n")
    searcher = news_searcher(tmp_path, {"20230528_03.txt": item})
    assert "航班号MU9191" in searcher.search("2023年5月28日 C919 首次商业飞行 航班号").hits[0].text
    assert searcher.search("2023年5月28日 C919 首次商业飞行").hits[0].text.startswith("央视网消息")


def test_the_lead_gain_goes_to_what_says_what_the_question_asks():
    weights = Weights()
    gain = weights.lead
    # Item 0: its lead matches clearly less of the question than its second passage, which
    # matches more than any lead: that passage gains.  Item 1: its lead says it.
    docs, lead = np.array([0, 0, 0, 1, 1]), np.array([True, False, False, True, False])
    share = np.array([0.5, 0.8, 0.4, 0.6, 0.6])
    assert lead_factor(weights, lead, docs, share).tolist() == [1.0, gain, 1.0, gain, 1.0]
    # Another item's lead matches as much as the detail: the question is about that event.
    docs, lead, share = np.array([0, 0, 1]), np.array([True, False, True]), np.array([0.3, 0.6, 0.7])
    assert lead_factor(weights, lead, docs, share).tolist() == [1.0, 1.0, gain]
    assert lead_factor(weights.without("lead_margin"), lead, docs, share).tolist() == [gain, 1.0, gain]
    # The question's last word (总投资) is in the item's third passage, not in its lead: the
    # lead does not say what is asked.  An item none of whose passages has it keeps its lead.
    docs, lead = np.array([0, 0, 0, 1, 1]), np.array([True, False, False, True, False])
    share, last = np.array([0.7, 0.5, 0.6, 0.7, 0.5]), np.array([False, False, True, False, False])
    assert lead_factor(weights, lead, docs, share).tolist() == [gain, 1.0, 1.0, gain, 1.0]
    assert lead_factor(weights, lead, docs, share, last).tolist() == [1.0, 1.0, 1.0, gain, 1.0]


def test_among_tied_passages_a_news_lead_comes_first(tmp_path):
    # Every word of the question is in the item's title: its passages tie, and the lead,
    # though not the item's first passage, says what happened.
    title = "宋平同志遗体在京火化"
    item = (f"{title}\n\n宋平同志病重期间和逝世后，党和国家有关领导同志前往医院看望或通过各种方式表示慰问和哀悼，"
            "中央和国家机关有关部门负责同志也前往送别。\n\n"
            "央视网消息（新闻联播）：中国共产党的优秀党员，久经考验的忠诚的共产主义战士，杰出的无产阶级革命家、政治家，"
            "党和国家的卓越领导人宋平同志于2026年3月在北京逝世。\n")
    hits = news_searcher(tmp_path, {"20260310_01.txt": item}).search("宋平 遗体 火化").hits
    assert hits[0].score == hits[1].score and hits[0].text.startswith("央视网消息")


def test_every_factor_can_be_switched_off():
    weights = Weights()
    for name in NEUTRAL:
        assert getattr(weights.without(name), name) == NEUTRAL[name]
    assert set(NEUTRAL) == {f.name for f in dataclasses.fields(Weights)}


def test_weighted_share_counts_each_set_bit_once():
    weights = np.arange(1.0, 11.0)  # ten terms: two bytes of bits
    bits = np.array([0, 1, 0b11, 1 << 9, (1 << 10) - 1], dtype=np.int64)
    shares = shares_of(weights)
    assert np.allclose(shares(bits) * weights.sum(), [0, 1, 3, 10, 55])
    assert [shares.one(int(b)) for b in bits] == shares(bits).tolist()  # one mask: the same to the bit
    assert shares_of(np.zeros(0)).one(0) == 0.0 and not len(shares_of(np.zeros(0))(np.zeros(0, np.int64)))


def test_a_documents_coverage_counts_each_word_of_the_question_once():
    # Search mode makes nine terms of the session's name (three words: 十四届 全国人大 四次会议)
    # and one of 闭幕: by terms, an item that names the session but not the closing covers 90%
    # of the question; by words, three quarters.
    from index.analysis import Analyzer

    terms = Analyzer().query_terms("十四届全国人大四次会议 闭幕")
    distinct = list(dict.fromkeys(t.term for t in terms))
    assert len(distinct) > 5
    name = sum(1 << j for j, term in enumerate(distinct) if term != "闭幕")
    closing = 1 << distinct.index("闭幕")
    equal = np.ones(len(distinct))
    assert shares_of(equal).one(name) == pytest.approx(0.9)
    assert word_shares(terms, distinct, equal).one(name) == pytest.approx(0.75)
    assert word_shares(terms, distinct, equal).one(closing) == pytest.approx(0.25)


def test_share_tables_are_the_integer_bits_product_to_the_bit():
    """The tables are made from float bit matrices; numpy's product of the integer bits gives
    the very same sums (it converts them to the same floats first)."""
    rng = np.random.default_rng(7)
    patterns = np.arange(256)
    for _ in range(2000):
        weights = rng.random(int(rng.integers(1, 20))) * rng.choice([1e-3, 1.0, 17.3])
        expected = [((patterns[:, None] >> np.arange(len(chunk))) & 1) @ chunk
                    for chunk in (weights[start : start + 8] for start in range(0, len(weights), 8))]
        assert [t.tobytes() for t in shares_of(weights).tables] == [t.tobytes() for t in expected]


def test_among_equal_scores_a_passage_stating_the_words_comes_first(tmp_path):
    """Every passage of a document whose title has the question's words scores alike;
    the ones that do not say the words themselves go after those that do."""
    opening = "会议由省委办公厅主持，各市州和省直有关部门负责同志参加，会上印发了有关文件，并组织与会人员实地观摩了三个现场。"
    point = "会议强调，要推动县域经济高质量发展，做强县域主导产业，壮大县域综合实力，让群众共享发展成果，持续用力久久为功。"
    searcher = searcher_of(tmp_path, {"20240101_01.txt": f"县域经济高质量发展现场会召开\n\n{opening}\n\n{point}\n"},
                           "file,date,title\n20240101_01.txt,2024-01-01,县域经济高质量发展现场会召开\n")
    hits = [h for h in searcher.search("县域经济高质量发展", top=10, weights=Weights().without("phrase")).hits
            if h.document.path == "20240101_01.txt"]
    assert [h.text for h in hits] == [point, opening]
    assert hits[0].score == hits[1].score  # tied: the title carries every word


def test_a_kind_slug_is_found_by_its_chinese_word(tmp_path):
    # The 20th congress report's title does not say 报告; its kind does, in English.
    folder = write(tmp_path / "reports", {
        "cpc_congress_20_1.txt": "高举中国特色社会主义伟大旗帜\n\n我们坚持精准扶贫、尽锐出战，打赢了人类历史上规模最大的脱贫攻坚战，"
                                 "全国八百三十二个贫困县全部摘帽。\n",
        "gwr_2023.txt": "2023年政府工作报告\n\n经过八年持续努力，近1亿农村贫困人口实现脱贫，全国832个贫困县全部摘帽。\n",
    }, "file,kind,title\n"
       "cpc_congress_20_1.txt,cpc_national_congress_report,高举中国特色社会主义伟大旗帜 (二十大)\n"
       "gwr_2023.txt,government_work_report,2023年政府工作报告\n")
    assert searchable_fields(DocumentMeta(title="x", kind="cpc_national_congress_report"))[-1] == "党代会 报告"
    assert searchable_fields(DocumentMeta(title="x", kind="npc_resolution_on_gwr"))[-1] == "人大 决议"
    # a congress a title names in full is also asked for by its short name
    assert searchable_fields(DocumentMeta(title="在中国共产党第十次全国代表大会上的报告"))[-1] == "十大"
    assert searchable_fields(DocumentMeta(title="中国共产党第二十届中央委员会第二次全体会议公报"))[-1] == "二中全会"
    assert "十二大" not in " ".join(searchable_fields(DocumentMeta(title="第十二届全国人民代表大会第三次会议决议")))
    build_index([folder], tmp_path / "index.sqlite")
    searcher = Searcher.open(tmp_path / "index.sqlite")
    reports = {searcher.document(int(d)).path for d in searcher.reader.field_docs("报告")}
    assert reports == {"cpc_congress_20_1.txt", "gwr_2023.txt"}
    assert searcher.search("二十大报告 贫困县 全部摘帽 多少个").hits[0].document.path == "cpc_congress_20_1.txt"
    assert searcher.search("党代会报告 贫困县 全部摘帽").hits[0].document.path == "cpc_congress_20_1.txt"


def test_a_question_about_the_district_finds_the_districts_speech(tmp_path):
    # "区里" is how a resident names the district: its party committee's speech, not the
    # city's news that happens to share the question's words.
    searcher = searcher_of(tmp_path, {
        "district.txt": "区委全会上的讲话\n\n全区上下众志成城抗击疫情，定点医院收治的患者全部治愈出院。\n",
        "city.txt": "市里召开会议\n\n定点医院收治的病人有所增加，医护人员坚守岗位。\n",
    }, "file,kind,title\ndistrict.txt,讲话,区委全会上的讲话\ncity.txt,讲话,市里召开会议\n")
    paths = [h.document.path for h in searcher.search("区里定点医院收治的病人 有没有死人").hits]
    assert paths.index("district.txt") < paths.index("city.txt")


def test_a_congress_report_is_found_by_the_congress_short_name(tmp_path):
    # The 10th congress report's title names the congress in full; the 11th report's text
    # speaks of 十大 and of 林彪 too.  "十大报告" asks for the 10th.
    searcher = searcher_of(tmp_path, {
        "cpc_congress_10_1.txt": "在中国共产党第十次全国代表大会上的报告\n\n林彪反党集团的罪行，全党都已经知道。林彪叛党叛国，自取灭亡。\n",
        "cpc_congress_11_1.txt": "在中国共产党第十一次全国代表大会上的政治报告\n\n十大的政治路线是正确的，批判林彪的斗争取得了胜利。\n",
    }, "file,kind,title\n"
       "cpc_congress_10_1.txt,cpc_national_congress_report,在中国共产党第十次全国代表大会上的报告\n"
       "cpc_congress_11_1.txt,cpc_national_congress_report,在中国共产党第十一次全国代表大会上的政治报告\n")
    hits = searcher.search("十大报告里是怎么讲林彪的").hits
    assert hits[0].document.path == "cpc_congress_10_1.txt"


def test_a_first_mention_asked_of_congress_reports_is_the_oldest_congress_report(tmp_path):
    # A work report states the concept a year before the congress does; the question asks
    # which congress report did first.
    searcher = searcher_of(tmp_path, {
        "gwr_1986.txt": "1986年政府工作报告\n\n在共同富裕的目标下鼓励一部分人通过诚实劳动先富起来。\n",
        "cpc_congress_13_1.txt": "沿着有中国特色的社会主义道路前进 (十三大)\n\n我们的分配政策，要坚持共同富裕的方向。\n",
        "cpc_congress_14_1.txt": "加快改革开放和现代化建设步伐 (十四大)\n\n逐步达到共同富裕。\n",
    }, "file,kind,year,title\ngwr_1986.txt,government_work_report,1986,1986年政府工作报告\n"
       "cpc_congress_13_1.txt,cpc_national_congress_report,,沿着有中国特色的社会主义道路前进 (十三大)\n"
       "cpc_congress_14_1.txt,cpc_national_congress_report,,加快改革开放和现代化建设步伐 (十四大)\n")
    result = searcher.search("共同富裕 最早在哪次党代会报告中提出")
    assert result.hits[0].document.path == "cpc_congress_13_1.txt" and result.confidence == "high"
    assert searcher.search("共同富裕 最早在哪份报告中提出").hits[0].document.path == "gwr_1986.txt"


def test_a_plan_is_set_out_the_year_it_begins_and_reviewed_the_year_after_it_ends(tmp_path):
    # Every year's report speaks of 十四五 and of 城镇化率; the plan's target is in 2021's, how it
    # turned out in 2026's.
    texts = {2021: "“十四五”时期主要目标任务：常住人口城镇化率提高到65%，加快农业转移人口市民化。",
             2023: "“十四五”规划实施以来，常住人口城镇化率稳步提高，农业转移人口市民化持续推进，城镇化率继续提高。",
             2026: "“十四五”规划目标任务胜利完成，常住人口城镇化率提高到67.5%。"}
    files = {f"gwr_{year}.txt": f"{year}年政府工作报告\n\n{text}\n" for year, text in texts.items()}
    searcher = searcher_of(tmp_path, files, "file,kind,year,title\n" + "".join(
        f"gwr_{year}.txt,report,{year},{year}年政府工作报告\n" for year in texts))
    assert searcher.search("十四五 常住人口城镇化率 目标").hits[0].document.meta.year == "2021"
    assert searcher.search("十四五 常住人口城镇化率 完成情况").hits[0].document.meta.year == "2026"


def test_a_reports_review_of_the_year_before_tells_of_that_year(tmp_path):
    # The 2012 report reviews 2011 under its first heading, then sets 2012's tasks; the 2013
    # report reviews 2012.  The 2011 figures are not 2012's, though the report is.
    texts = {2012: "一、2011年工作回顾\n\n城镇保障性住房基本建成432万套，新开工城镇保障性住房1043万套。\n\n"
                   "二、2012年主要任务\n\n城镇保障性住房基本建成500万套以上，新开工700万套以上。",
             2013: "一、过去五年工作回顾\n\n保障性住房建设稳步推进，民生持续改善。"}
    files = {f"gwr_{year}.txt": f"{year}年政府工作报告\n\n{text}\n" for year, text in texts.items()}
    searcher = searcher_of(tmp_path, files, "file,kind,year,title\n" + "".join(
        f"gwr_{year}.txt,report,{year},{year}年政府工作报告\n" for year in texts))
    assert "500万套" in searcher.search("2012年 城镇保障性住房 基本建成 新开工 多少万套").hits[0].text
    assert "432万套" in searcher.search("2011年 城镇保障性住房 基本建成 新开工 多少万套").hits[0].text


def test_a_section_year_corrects_the_year_of_the_document():
    weights = Weights()
    factor = np.array([1.0, 1.0, weights.year_next, weights.year_next])
    doc_years, sections = np.array([2012, 2012, 2013, 2013]), np.array([2011, 2012, 2012, 0])
    seen = np.zeros(4, dtype=bool)
    corrected = by_section_year(weights, factor, 2012, doc_years, sections, seen, target=False)
    assert corrected.tolist() == [weights.year_miss, 1.0, 1.0, weights.year_next]
    # A year's target is set by its own report: the next one's review of it stays as it was.
    assert by_section_year(weights, factor, 2012, doc_years, sections, seen, target=True)[2] == weights.year_next


def test_a_plan_set_out_late_is_looked_for_where_it_was_set_out():
    # The first plan (1953-1957) was adopted in 1955: its targets are in that year's report.
    years = np.array([1952, 1953, 1955, 1956, 1958, 1970])
    factor = plan_factor(Weights(), (1953, 1957), years, target=True, outcome=False)
    assert factor.tolist() == [Weights().year_miss, Weights().year_next, 1.0, Weights().year_next,
                               Weights().year_miss, Weights().year_miss]
    regular = plan_factor(Weights(), (2021, 2025), np.array([2020, 2021, 2023]), target=True, outcome=False)
    assert regular.tolist() == [1.0, 1.0, Weights().year_next]  # proposed the autumn before, adopted as it begins


def test_a_decade_named_is_a_constraint_on_the_documents_years(tmp_path):
    # A 1992 report looks back on the seventies in so many words; the 1978 one says what was
    # decided then, without the word 七十年代.
    texts = {1978: "要大力提倡计划生育，争取在三年内把我国人口自然增长率降到百分之一以下。",
             1992: "七十年代以来，我国人口自然增长率逐步下降，计划生育取得显著成绩，七十年代的经验要坚持。"}
    files = {f"gwr_{year}.txt": f"{year}年政府工作报告\n\n{text}\n" for year, text in texts.items()}
    searcher = searcher_of(tmp_path, files, "file,kind,year,title\n" + "".join(
        f"gwr_{year}.txt,report,{year},{year}年政府工作报告\n" for year in texts))
    hits = searcher.search("七十年代末 人口自然增长率 计划生育").hits
    assert hits[0].document.meta.year == "1978"


def test_the_unit_of_the_figure_asked_for_is_no_evidence_in_a_title(tmp_path):
    # 亿元 in a title says nothing of what the item is about: the logistics item's title shares
    # only the unit (and the year) with the question, so metadata adds nothing to its score.
    searcher = news_searcher(tmp_path, {
        "20250212_05.txt": "2024年全国社会物流总额突破360万亿元\n\n"
                           "降低全社会物流成本取得初步成效。2024年社会物流总费用与国内生产总值的比率为14.1%。",
        "20250117_02.txt": "2024年我国经济运行稳中有进\n\n"
                           "初步核算，2024年全年，国内生产总值1349084亿元，按不变价格计算，比上年增长5.0%。",
    })

    def logistics_score(weights: Weights) -> float:
        hits = searcher.search("2024年全年 国内生产总值 多少亿元", top=50, weights=weights).hits
        return next(h.score for h in hits if h.document.path == "20250212_05.txt")

    assert logistics_score(Weights()) == pytest.approx(logistics_score(Weights().without("field")))
    assert searcher.search("2024年全年 国内生产总值 多少亿元").hits[0].document.path == "20250117_02.txt"



CONGRESS_TITLE = "在中国共产党第十五次全国代表大会上的报告"
# Every passage of the congress report speaks of 社会主义初级阶段; the one that answers how
# long it lasts is told apart by 至少…时间, words the report rarely uses.
CONGRESS_BODY = ["我国正处于并将长期处于社会主义初级阶段，社会主义初级阶段是一个很长的历史阶段，需要全党认清社会主义初级阶段的基本国情。",
                 "这样的历史进程，至少需要一百年时间。巩固和发展社会主义制度，还需要几代人、十几代人的坚持不懈。"]
CONGRESS_BODY += [f"在社会主义初级阶段，要坚持以经济建设为中心，推进第{n}方面的改革，发展社会生产力。" for n in range(1, 8)]


def congress_searcher(tmp_path: Path, passages: list[str]) -> Searcher:
    folder = write(tmp_path / "congress", {"cpc_15.txt": CONGRESS_TITLE + "\n\n" + "\n\n".join(passages) + "\n"},
                   f"file,kind,year,title\ncpc_15.txt,congress report,1997,{CONGRESS_TITLE}\n")
    build_index([folder, filler(tmp_path)], tmp_path / "index.sqlite")
    return Searcher.open(tmp_path / "index.sqlite")


def test_within_a_named_document_the_words_rare_in_it_tell_its_passages_apart(tmp_path):
    searcher = congress_searcher(tmp_path, CONGRESS_BODY)
    named = "十五大报告认为社会主义初级阶段至少需要多长时间？"
    assert searcher.search(named).hits[0].text.startswith("这样的历史进程")
    assert not searcher.search(named, weights=Weights().without("within_document")).hits[0].text.startswith("这样的历史进程")
    # Asked without naming the report, the collection's weights alone rank its passages.
    assert not searcher.search("社会主义初级阶段至少需要多长时间？").hits[0].text.startswith("这样的历史进程")



def test_a_short_document_keeps_the_collections_weights(tmp_path):
    # Seven passages are too few for counts of the document's own.
    searcher = congress_searcher(tmp_path, CONGRESS_BODY[:7])
    named = "十五大报告认为社会主义初级阶段至少需要多长时间？"
    assert not searcher.search(named).hits[0].text.startswith("这样的历史进程")


def test_a_document_named_by_year_and_title_is_told_apart_within_too(tmp_path):
    # Twenty-one reports share the title's words: the question names the last by its year,
    # not by words of its metadata that the others lack.
    files = {f"gwr_{year}.txt": f"{year}年政府工作报告\n\n{year}年，各项工作取得新的进展，人民生活继续改善。\n"
             for year in range(1959, 1979)}
    files["gwr_1979.txt"] = "1979年政府工作报告\n\n" + "\n\n".join(CONGRESS_BODY) + "\n"
    searcher = searcher_of(tmp_path, files, "file,kind,year,title\n" + "".join(
        f"{name},report,{name[4:8]},{name[4:8]}年政府工作报告\n" for name in files))
    question = "1979年政府工作报告认为社会主义初级阶段至少需要多长时间？"
    assert searcher.search(question).hits[0].text.startswith("这样的历史进程")
    assert not searcher.search(question, weights=Weights().without("within_document")).hits[0].text.startswith("这样的历史进程")


def test_a_sentence_pasted_in_finds_the_passage_that_has_it_as_written(tmp_path):
    # Both items have the sentence's words, the first in its title too; only the second has the
    # sentence itself.
    items = {
        "20230105_03.txt": "因地制宜发展特色产业 带动群众增收致富\n\n央视网消息（新闻联播）：各地因地制宜发展特色产业。特色产业兴旺，"
                           "带动群众增收致富；各地因地制宜发展特色产业，带动群众增收致富的路子越走越宽。\n",
        "20230106_04.txt": "某县发展特色产业\n\n央视网消息（新闻联播）：某县因地制宜发展特色产业带动群众增收致富，"
                           "当地还建起了合作社，为村民提供技术培训。\n",
    }
    searcher = news_searcher(tmp_path, items)
    pasted = "因地制宜发展特色产业带动群众增收致富"
    assert understand(normalize(pasted)).verbatim == (pasted,)
    assert searcher.search(pasted).hits[0].document.path == "20230106_04.txt"
    plain = searcher.search(pasted, weights=Weights().without("verbatim"))
    assert plain.hits[0].document.path == "20230105_03.txt"
