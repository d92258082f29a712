"""Cleaning keeps quotes exact: messy lines from the seeds in, exact paragraphs out."""

from pathlib import Path

from index import cleaning
from index.cleaning import Paragraph, is_lead, paragraphs, raw_lines, split_passages, strip_pinyin

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def clean(text: str) -> list[str]:
    return [p.text for p in paragraphs(raw_lines(text))]


def test_pinyin_glosses_are_removed_but_real_parentheses_stay():
    assert strip_pinyin("再創(chuàng)新輝煌,發(fā)展") == "再創新輝煌,發展"
    assert strip_pinyin("縣(市、區(qū))委書記") == "縣(市、區)委書記"
    assert strip_pinyin("全体(扩大) 会议") == "全体(扩大) 会议"
    assert strip_pinyin("细颗粒物(PM2.5)") == "细颗粒物(PM2.5)"
    assert strip_pinyin("世界贸易组织(wto)") == "世界贸易组织(wto)"


def test_web_chrome_is_dropped():
    text = "\n".join([
        "内容阅读",
        "当前位置: 首页 > 史志书廊 > 岳阳年鉴 > 正文",
        "<!--repaste.body.begin-->",
        "發(fā)布時間:2021-06-20 來源: 讀后感 點擊:",
        "市委市政府決定,召開今天的總結會議。",
        "来源:网络整理 免责声明:本文仅限学习分享,如产生版权问题,请联系我们及时删除。",
        "Copyright © 2017 www.hnzy.gov.cn 湖南政研网 湘ICP备18001534号 版权所有",
        "相關熱詞搜索:解放思想 建功 新時代",
        "【字体：大 中 小】",
        "<!--",
        "   ",
        "-->",
    ])
    assert clean(text) == ["市委市政府決定,召開今天的總結會議。"]


def test_wikisource_footer_is_cut():
    text = "现在，我代表国务院，向大会报告政府工作。\n\n本作品是中华人民共和国的\n法律\n、\n法规\nPublic domain\nfalse"
    assert clean(text) == ["现在，我代表国务院，向大会报告政府工作。"]


def test_wikisource_party_document_footer_is_cut():
    # The template for party documents, with its court-case citation years (2011, 2024)
    # that would otherwise pass for years the report mentions.
    text = ("同志们：\n\n现在，我代表第十六届中央委员会向大会作报告。\n\n"
            "本作品来自1949年10月1日（含）之后的中国共产党文件。根据《刑事审判参考》指导案例\n[\nCPC 1\n]\n"
            "《刑事审判参考》2011年第1集，总第78集\n据\n2024年社群共识\n，国务院制定的公文，视同“直属机构”制定。")
    assert clean(text) == ["同志们：", "现在，我代表第十六届中央委员会向大会作报告。"]


def test_list_items_broken_at_semicolons_are_merged():
    lines = [
        "五要推進和諧穩定大提升。突出“端口管理”:",
        "有一定合理訴求的解決到位,不合理訴求部分解釋到位;",
        "訴求不合理且惡意上訪的,堅決打擊處置到位。",
        "六要推進黨的建設大提升。管黨治黨是最大政績。",
    ]
    assert clean("\n".join(lines)) == [
        lines[0] + lines[1] + lines[2],
        lines[3],
    ]


def test_wikisource_fragments_are_rejoined():
    text = "今年重点地区细颗粒物（PM\n2.5\n）浓度继续下降。\n\n会议听取了李克强总理所作的\n政府工作报告\n。会议充分肯定过去一年的工作。"
    assert clean(text) == ["今年重点地区细颗粒物（PM2.5）浓度继续下降。", "会议听取了李克强总理所作的政府工作报告。会议充分肯定过去一年的工作。"]


def test_headings_stay_separate_and_blank_lines_end_paragraphs():
    text = "一、总结,我们要客观\n今年以来,全区上下紧盯“六稳”“六保”工作任务。\n(一)经济发展险中有进。上半年实现GDP增长X%。"
    assert clean(text) == [
        "一、总结,我们要客观",
        "今年以来,全区上下紧盯“六稳”“六保”工作任务。",
        "(一)经济发展险中有进。上半年实现GDP增长X%。",
    ]
    # Without punctuation (seed 000) each blank-line separated line is its own paragraph.
    assert clean("2020年工作克难奋进交出了大战大考的优异答卷\n\n刚刚过去的2020是极不平凡的一年") == [
        "2020年工作克难奋进交出了大战大考的优异答卷",
        "刚刚过去的2020是极不平凡的一年",
    ]


def test_a_numbered_line_cut_at_a_comma_joins_the_next():
    # The 1982 report, as scraped: the item's sentence goes on in the next line.
    lines = ["四、所有确定进行建设的项目，一律实行“五定”，",
             "即定建设规模，定投资总额，定建设工期，定投资效果，定外部协作条件，并且实行严格的责任制度。",
             "五、要加强对外经济技术交流。"]
    assert clean("\n".join(lines)) == [lines[0] + lines[1], lines[2]]


def test_exact_duplicate_paragraphs_are_dropped():
    body = "各位代表：\n\n一、一心一意进行治理整顿。\n\n"
    assert clean(body * 6) == ["各位代表：", "一、一心一意进行治理整顿。"]


def test_long_paragraphs_split_at_sentence_ends_and_join_back_exactly():
    sentence = "坚持以人民为中心的发展思想，持续加大民生投入，全力办好民生实事。"
    text = sentence * 40
    pieces = split_passages(Paragraph(7, text))
    assert len(pieces) > 1
    assert "".join(p.text for p in pieces) == text
    assert all(len(p.text) <= cleaning.PASSAGE_MAX for p in pieces)
    assert all(p.text.endswith("。") for p in pieces)
    assert {p.paragraph for p in pieces} == {7}
    # No punctuation at all still gives bounded passages.
    unpunctuated = "推动高质量发展" * 200
    pieces = split_passages(Paragraph(1, unpunctuated))
    assert "".join(p.text for p in pieces) == unpunctuated
    assert all(len(p.text) <= cleaning.PASSAGE_MAX for p in pieces)


def test_seed_with_traditional_text_and_glosses_cleans_to_verbatim_paragraphs():
    raw = (SEEDS / "002_0bb6f145e860c0a7.txt").read_text(encoding="utf-8")
    paras = clean(raw)
    joined = "\n".join(paras)
    assert "(chuàng)" not in joined and "(fā)" not in joined
    assert "再創新輝煌" in joined
    assert not any("相關熱詞" in p or "熱點文章" in p or "點擊" in p for p in paras)
    # Every cleaned paragraph is verbatim source text once glosses are gone.
    source = strip_pinyin(raw).replace("\n", "")
    assert all(p in source for p in paras)


def test_a_list_header_lends_its_words_to_the_passage_it_introduces():
    from index.cleaning import carry_headers

    norms = ["今年发展主要预期目标是：", "国内生产总值增长5%左右；城镇新增就业1200万人以上。", "要坚持稳中求进。"]
    tokens = [["发展", "主要", "预期", "目标"], ["国内生产总值", "增长"], ["稳中求进"]]
    carried = carry_headers(norms, tokens)
    assert carried[1] == ["国内生产总值", "增长", "发展", "主要", "预期", "目标"]
    assert carried[0] == tokens[0] and carried[2] == tokens[2]  # no colon before them
    long_header = ["甲" * 300 + "：", "乙"]
    assert carry_headers(long_header, [["甲"], ["乙"]])[1] == ["乙"]  # a long passage is no header


def test_a_short_sentence_announcing_a_list_stays_with_its_first_item():
    from index.cleaning import passages

    paras = [Paragraph(1, "习近平就两岸关系发展提出4点意见。"), Paragraph(2, "第一，坚持以和平发展守护共同家园。"),
             Paragraph(3, "第二，坚持以融合发展增进同胞福祉。"), Paragraph(4, "会见结束后，双方合影留念。"),
             Paragraph(5, "这是一个长于八十个字的段落，" * 7 + "主要体会是："), Paragraph(6, "一是必须坚持解放思想。")]
    texts = [(p.paragraph, p.text) for p in passages(paras)]
    assert texts[0] == (1, "习近平就两岸关系发展提出4点意见。第一，坚持以和平发展守护共同家园。")  # quoted whole, cited at its start
    assert texts[1] == (3, "第二，坚持以融合发展增进同胞福祉。") and texts[2] == (4, "会见结束后，双方合影留念。")
    assert texts[3][0] == 5 and texts[4] == (6, "一是必须坚持解放思想。")  # a long paragraph is no mere announcement


def test_a_sections_paragraphs_carry_the_words_of_its_numbered_heading():
    from index.cleaning import carry_headers, is_heading

    norms = ["二、“十五”期间的奋斗目标和指导方针", "为到2010年国内生产总值比2000年翻一番奠定坚实基础。",
             "坚持把发展作为主题。", "三、推进经济结构战略性调整", "加快农业结构调整。"]
    tokens = [["十五", "奋斗目标"], ["国内生产总值", "翻一番"], ["发展", "主题"], ["经济结构", "调整"], ["农业", "调整"]]
    carried = carry_headers(norms, tokens)
    assert carried[1] == ["国内生产总值", "翻一番", "十五", "奋斗目标"]
    assert carried[2] == ["发展", "主题", "十五", "奋斗目标"]  # up to the next heading
    assert carried[3] == tokens[3] and carried[4] == ["农业", "调整", "经济结构", "调整"]
    assert is_heading("（一）着力扩大国内需求") and is_heading("第三章 发展目标")
    assert not is_heading("一、坚持稳中求进。要加强宏观调控。")  # sentences: a paragraph, not a heading
    assert not is_heading("一是坚持稳中求进")


def test_a_text_of_breadcrumb_like_lines_is_kept_not_dropped():
    from index.cleaning import raw_lines

    text = "新时代>>新征程>>新伟业\n奋进>>拼搏>>实干"
    assert [line for line in raw_lines(text) if line] == ["新时代>>新征程>>新伟业", "奋进>>拼搏>>实干"]
    page = "首页 > 新闻 > 正文\n市委书记在全市经济工作会议上强调，要推动高质量发展。"
    assert [line for line in raw_lines(page) if line] == ["市委书记在全市经济工作会议上强调，要推动高质量发展。"]


def test_a_news_lead_is_told_by_its_dateline():
    assert is_lead("央视网消息(新闻联播):今天(12月7日),海关总署公布")
    assert is_lead("新华社北京3月5日电(记者 张三)十四届全国人大三次会议")
    assert not is_lead("《意见》要求,要以习近平新时代中国特色社会主义思想为指导")
    assert not is_lead("据海关统计,今年前4个月,我国外贸进出口总值12.58万亿元")
