"""index.metadata: the header of a speech in, title, speaker, place and date out.

Header shapes are those of real speeches: the bundled seeds (a 岳阳 yearbook page, a
Traditional-script web page, a signed article) and the forms uploads come in (a role line
with a deputy office, bare and bracketed date lines, a .docx whose date run is glued to
the first words of the speech).
"""

from __future__ import annotations

import pytest

from index import DocumentMeta
from index.cleaning import normalised_lines
from index.metadata import extract, looks_like_a_feature, year_a_title_names


def meta_of(text: str, known: DocumentMeta | None = None) -> tuple[DocumentMeta, list[str]]:
    """The metadata of `text` and the lines left for the body (consumed lines dropped)."""
    lines, norms = normalised_lines(text)
    extracted = extract(lines, known, norms)
    body = [line for i, line in enumerate(lines) if i not in extracted.consumed and line.strip()]
    return extracted.meta, body


@pytest.mark.parametrize(
    "role_line, place, speaker",
    [
        ("湖南省副省长 李四", "湖南", "李四"),
        ("湖南省副省长　李四", "湖南", "李四"),
        ("长沙市副市长 王五", "长沙", "王五"),
        ("长沙市常务副市长 王五", "长沙", "王五"),
        ("株洲市代市长 周九", "株洲", "周九"),
        ("中共岳阳市委书记  王一鸥", "岳阳", "王一鸥"),
        ("湘潭市委副书记 赵六", "湘潭", "赵六"),
        ("湘潭市委副书记、市长 孙八", "湘潭", "孙八"),
        ("岳阳县县长 钱七", "岳阳", "钱七"),
        ("中共湖南省委书记 张三", "湖南", "张三"),
        ("浏阳市市长 吴十", "浏阳", "吴十"),
    ],
)
def test_role_lines_give_place_and_speaker(role_line, place, speaker):
    meta, body = meta_of(f"在全市经济工作会议上的讲话\n{role_line}\n\n同志们：\n今天开会。")
    assert (meta.place, meta.speaker) == (place, speaker)
    assert body == ["同志们：", "今天开会。"]


def test_a_role_line_without_a_place_gives_the_speaker():
    meta, body = meta_of("在全市经济工作会议上的讲话\n市委副书记 钱七\n同志们：")
    assert (meta.place, meta.speaker) == ("", "钱七")
    assert body == ["同志们："]


@pytest.mark.parametrize(
    "date_line",
    [
        "2024年3月1日",
        "（2024年3月1日）",
        "(2024年3月1日)",
        "2024年03月01日",
        "二〇二四年三月一日",
        "（二〇二四年三月一日）",
        "2024年3月1日，长沙",
        "（2024年3月1日，长沙）",
    ],
)
def test_bare_and_bracketed_date_lines(date_line):
    meta, body = meta_of(f"在全市经济工作会议上的讲话\n湖南省副省长 李四\n{date_line}\n\n同志们：\n")
    assert (meta.date, meta.year) == ("2024-03-01", "2024")
    assert body == ["同志们："]


def test_chinese_numerals_with_tens():
    meta, _ = meta_of("在全市大会上的讲话\n二〇二三年十二月二十一日\n同志们：")
    assert meta.date == "2023-12-21"
    meta, _ = meta_of("在全市大会上的讲话\n二〇二三年十月三十日\n同志们：")
    assert meta.date == "2023-10-30"


def test_a_date_glued_to_the_speech_is_split_off():
    meta, body = meta_of("在全县大会上的讲话\n2025年5月20日同志们：今天我们开会。\n第二段。")
    assert meta.date == "2025-05-20"
    assert body == ["同志们：今天我们开会。", "第二段。"]
    meta, body = meta_of("在全县大会上的讲话\n（2025年5月20日）各位代表：\n")
    assert meta.date == "2025-05-20" and body == ["各位代表："]


def test_dates_in_the_body_are_not_taken():
    meta, body = meta_of("在全市大会上的讲话\n同志们：\n2024年3月1日我们召开了会议，部署全年工作。")
    assert meta.date == ""
    assert "2024年3月1日我们召开了会议，部署全年工作。" in body


def test_impossible_dates_are_not_taken():
    meta, body = meta_of("在全市大会上的讲话\n2024年13月1日\n同志们：")
    assert meta.date == "" and "2024年13月1日" in body


def test_the_yearbook_page_of_the_first_seed():
    header = (
        "内容阅读\n\n当前位置: 首页 > 史志书廊 > 岳阳年鉴 > 岳阳市年鉴 > 2021卷 > 特 载 > 正文\n\n"
        "在市委七届十一次全体(扩大) 暨市委经济工作会议上的讲话 (摘要)\n\n"
        "来源:本室 日期:2022-01-06 01:55\n\n中共岳阳市委书记  王一鸥\n\n同志们:\n"
    )
    meta, body = meta_of(header)
    assert meta.title == "在市委七届十一次全体(扩大) 暨市委经济工作会议上的讲话 (摘要)"
    # cleaning drops the page chrome, publication date included: the date is not the speech's
    assert (meta.speaker, meta.place, meta.date) == ("王一鸥", "岳阳", "")
    assert body == ["同志们:"]


def test_a_traditional_script_publication_date_line():
    lines = ["在全市解放思想大討論活動總結大會上的講話", "發布時間:2021-06-20 來源: 讀后感", "市委市政府決定。"]
    extracted = extract(lines)
    assert extracted.meta.date == "2021-06-20" and extracted.meta.year == "2021"
    assert extracted.consumed == {0}  # the date line holds more than the date: kept


def test_a_signed_article_gives_its_place_from_the_author_line():
    meta, body = meta_of("大兴抓落实之风\n\n正文第一段。\n\n(作者为湘潭市委书记)\n")
    assert meta.place == "湘潭" and body == ["大兴抓落实之风", "正文第一段。"]


def test_metadata_csv_wins_field_by_field():
    known = DocumentMeta(title="政府工作报告", place="岳阳")
    meta, body = meta_of("政府工作报告\n湖南省副省长 李四\n2024年3月1日\n同志们：", known)
    assert (meta.title, meta.place, meta.speaker, meta.date) == ("政府工作报告", "岳阳", "李四", "2024-03-01")
    assert body == ["同志们："]


@pytest.mark.parametrize("title, year", [
    ("2023年全年国内生产总值超126万亿元", 2023),
    ("国家主席习近平发表二〇二六年新年贺词", 2026),
    ("2023年度国家最高科学技术奖获得者薛其坤", 2023),
    ("到2025年底 住院费用跨省直接结算率提高到70%以上", 0),  # a horizon
    ("广东省GDP由2012年5.7万亿元增长至2021年12.4万亿元", 0),  # two years
    ("中共中央政治局召开会议", 0),
])
def test_the_year_a_title_is_about(title, year):
    assert year_a_title_names(title) == year


@pytest.mark.parametrize("title, year", [
    ("沿着有中国特色的社会主义道路前进 (十三大)", "1987"),  # from the twelfth on, every five years
    ("决胜全面建成小康社会 夺取新时代中国特色社会主义伟大胜利 (十九大)", "2017"),
    ("在中国共产党第九次全国代表大会上的报告", "1969"),  # before it, by the calendar
    ("北京共产主义组织的报告 (一大)", "1921"),
    ("论十大关系", ""),  # not a congress
])
def test_an_undated_congress_report_is_of_its_congress_year(title, year):
    meta, _ = meta_of(f"{title}\n\n同志们：", DocumentMeta(title=title))
    assert meta.year == year


def test_a_congress_report_keeps_the_date_it_carries():
    title = "决胜全面建成小康社会 夺取新时代中国特色社会主义伟大胜利 (十九大)"
    meta, _ = meta_of(f"{title}\n\n同志们：", DocumentMeta(title=title, date="2017-10-18"))
    assert (meta.date, meta.year) == ("2017-10-18", "2017")


def test_a_feature_is_told_by_its_title():
    assert looks_like_a_feature("【一线调研】小零件做成大生意")
    assert looks_like_a_feature("命运与共 携手同行——习近平主席的主旨讲话引发中外与会嘉宾热烈反响")
    assert not looks_like_a_feature("习近平出席中非合作论坛北京峰会开幕式并发表主旨讲话")

