"""One normalisation and one tokenizer for index and query."""

import math

import pytest

from index import Searcher, build_index
from index.analysis import STOP_WORDS, Analyzer
from index.vocabulary import discovered_words, learned_phrases
from index.framing import without_forms_of_address
from index.normalize import normalize, normalize_aligned, original_span


def test_traditional_width_case_and_chinese_years_fold_to_one_form():
    assert normalize("創新驅動發展") == "创新驱动发展"
    assert normalize("１９８９年ＧＤＰ增長１５６７７億元") == "1989年gdp增长15677亿元"
    assert normalize("二〇二一年新年贺词") == "2021年新年贺词"
    assert normalize("縣(市、區)委書記") == "县(市、区)委书记"


def test_normalisation_keeps_offsets_aligned():
    text = "應勇強調，ＧＤＰ增長"
    assert len(normalize(text)) == len(text)
    norm, offsets = normalize_aligned("㈠完成ＧＤＰ")
    assert norm == "(一)完成gdp"
    start = norm.index("gdp")
    assert original_span(offsets, start, start + 3) == (3, 6)


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer(["三高四新", "走找想促", "王一鸥", "岳阳"])


def test_search_mode_yields_inner_words(analyzer):
    tokens = analyzer.tokens(normalize("中共岳阳市委书记王一鸥"))
    assert "岳阳" in tokens and "王一鸥" in tokens


def test_user_dictionary_keeps_set_phrases_whole(analyzer):
    assert "三高四新" in analyzer.tokens(normalize("推动“三高四新”战略落地落细"))
    assert "走找想促" in analyzer.tokens(normalize("深化推進“走找想促”"))


def test_a_word_that_starts_or_ends_with_a_digit_cuts_no_number_in_two():
    # words the collection quotes ("从0到1", "100") would take digits of the numbers beside them
    analyzer = Analyzer(["0到1", "100", "00后"])
    for analysed in (analyzer.cut(normalize("未来10到15年")), analyzer.tokens(normalize("未来10到15年"))):
        assert "10" in analysed and "15" in analysed and "0到1" not in analysed
    assert analyzer.tokens(normalize("投资1000万元")) == ["投资", "1000", "万元"]  # (not 100 + 0, nor 100 inside)
    assert "00后" in analyzer.tokens(normalize("00后的消费")) and "0到1" in analyzer.tokens(normalize("从0到1"))


def test_synonyms_share_one_term(analyzer):
    gdp = {t.term for t in analyzer.query_terms("gdp")}
    assert gdp <= set(analyzer.tokens("国内生产总值增长5%左右"))
    assert gdp <= set(analyzer.tokens("地区生产总值增长8%左右"))
    congress = {t.term for t in analyzer.query_terms("十九大")}
    assert congress <= set(analyzer.tokens("中国共产党第十九次全国代表大会"))


def test_stop_list_drops_function_words_but_keeps_political_words(analyzer):
    for word in ("加强", "坚持", "全面", "安全", "今年"):
        assert word not in STOP_WORDS
        assert word in analyzer.tokens(word)
    assert analyzer.tokens("的 了 和 我们") == []


def test_relative_years_resolve_to_the_document_year(analyzer):
    tokens = analyzer.tokens("今年发展主要预期目标是", year="2023")
    assert "今年" in tokens and "2023" in tokens
    assert "2024" in analyzer.tokens("明年经济工作", year="2023")
    assert "2022" in analyzer.tokens("去年经济增长5.2%", year="2023")


def test_learned_phrases_come_from_quotation_marks():
    assert learned_phrases("紧盯“六稳”“六保”，市委“1336”工作总思路，“三高四新”") == {"六稳", "六保", "1336", "三高四新"}


def test_a_document_teaches_the_words_it_repeats_between_different_neighbours():
    # jieba's own dictionary cuts 碳/达/峰 and 丁/薛/祥; the document uses each as a unit.
    texts = ["各地要制定碳达峰方案。", "确保2030年前实现碳达峰，", "碳达峰行动稳步推进。",
             "丁薛祥出席会议。", "会见时丁薛祥表示，", "丁薛祥强调，要抓好落实。"]
    assert discovered_words(texts) == {"碳达峰", "丁薛祥"}


def test_a_run_said_twice_or_always_in_one_phrase_or_freely_combined_is_no_new_word():
    assert discovered_words(["实现碳达峰目标。", "推进碳达峰行动。"]) == set()  # twice only
    # always between the same two words: a piece of a longer phrase
    assert discovered_words(["要实现碳达峰目标。"] * 4) == set()
    # an adverb before a verb, freely combined: 已/达 (jieba tags 已 an adverb)
    assert discovered_words(["产量已达三成。", "规模已达", "收入已达一半，"]) == set()


def test_discovered_words_stay_whole_in_the_index_and_in_questions(tmp_path):
    folder = tmp_path / "speeches"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "在全省工作会议上的讲话\n\n各地要制定碳达峰方案。\n\n确保2030年前实现碳达峰，稳步推进。\n\n"
        "碳达峰行动稳步推进。\n\n碳、峰、达三个字分开写。\n", encoding="utf-8")
    build_index([folder], tmp_path / "x.sqlite")
    searcher = Searcher.open(tmp_path / "x.sqlite")
    result = searcher.search("碳达峰")
    assert result.terms == ("碳达峰",)
    assert {h.paragraph for h in result.hits} == {1, 2, 3}  # not the characters apart, in paragraph 4


def test_everyday_frequency_comes_from_jiebas_counts_not_the_collections_words():
    analyzer = Analyzer(["王忠林"])
    assert -9 < analyzer.everyday_log_frequency("后来") < analyzer.everyday_log_frequency("发展") < 0
    assert analyzer.everyday_log_frequency("补贴") < analyzer.everyday_log_frequency("后来")
    # the collection's own words (counted 20000 by us), synonyms, numbers: no everyday count
    for term in ("王忠林", "国内生产总值", "gdp", "2024"):
        assert math.isnan(analyzer.everyday_log_frequency(term))


def test_a_form_of_address_after_a_name_is_no_word_of_the_question():
    analyzer = Analyzer(user_words=["王一鸥"])  # (a name learned from the collection's role lines)
    def words(query):
        return [w for w in without_forms_of_address(analyzer.cut(query)) if w.strip()]
    assert words("王一鸥书记讲话") == ["王一鸥", "讲话"]  # a name jieba does not know, by its surname
    assert "总书记" not in words("习近平总书记在雄安新区考察") and "总理" not in words("李强总理 政府工作报告")
    # ... but an office of a place, or one asked about, stays
    assert without_forms_of_address(["江苏", "省长", "是", "谁"]) == ["江苏", "省长", "是", "谁"]  # (a place)
    assert "市委书记" in words("市委书记王一鸥讲话")
