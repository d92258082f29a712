"""Searching the bundled speeches: exact quotes, sources, filters, and bad queries."""

import shutil
from pathlib import Path

import pytest

from index import QueryError, Searcher, build_index
from index.quotes import ELLIPSIS, QUOTE_LIMIT, Highlights, find_spans, make_quote

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
YUEYANG = "000_a2d7d4499d0d62ff.txt"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    folder = tmp_path_factory.mktemp("collection")
    shutil.copytree(SEEDS, folder / "seeds")
    news = folder / "news"
    news.mkdir()
    # A second document that also talks about 2021 targets, to make the place matter.
    (news / "other.txt").write_text(
        "在全县经济工作会议上的讲话\n\n县委考虑2021年经济发展预期目标为地区生产总值增长7%左右，财政收入增长6%。\n",
        encoding="utf-8",
    )
    db = folder / "index.sqlite"
    build_index([folder / "seeds", news], db)
    return Searcher.open(db)


def test_yueyang_targets_are_quoted_first_with_their_source(searcher):
    result = searcher.search("岳阳2021年目标", top=3)
    top = result.hits[0]
    assert top.document.path == YUEYANG
    assert top.text.startswith("市委考虑2021年经济发展预期目标为地区生产总值增长8%左右")
    meta = top.document.meta
    assert (meta.speaker, meta.place, meta.date) == ("王一鸥", "岳阳", "2021-01-16")
    assert top.paragraph >= 1
    assert top.quote.text.startswith("市委考虑2021年经济发展预期目标")
    assert len(top.quote.text) <= QUOTE_LIMIT + 2


def test_quotes_are_verbatim_source_text(searcher):
    raw = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for query in ("岳阳2021年目标", "应勇 县域经济", "湘潭 走找想促", "1336工作总思路", "经济发展险中有进"):
        for hit in searcher.search(query, top=5).hits:
            if hit.document.path in raw:
                source = raw[hit.document.path].replace("\n", "")
                from index.cleaning import strip_pinyin
                assert hit.text in strip_pinyin(source), (query, hit.text[:40])
                assert hit.quote.text.strip(ELLIPSIS) in hit.text


def test_either_script_finds_either_script(searcher):
    simplified = searcher.search("应勇 县域经济", top=1).hits[0]
    traditional = searcher.search("應勇 縣域經濟", top=1).hits[0]
    assert simplified.passage_id == traditional.passage_id
    assert "縣域" in simplified.text  # quoted in the document's own script
    assert searcher.search("再创新辉煌 解放思想", top=1).hits[0].document.path == "002_0bb6f145e860c0a7.txt"


def test_matched_terms_are_marked_as_spans(searcher):
    hit = searcher.search("应勇 县域经济", top=1).hits[0]
    marked = {hit.text[s:e] for s, e in hit.spans}
    assert "應勇" in marked and "縣域" in marked
    assert all(hit.quote.text[s:e] for s, e in hit.quote.spans)
    assert {hit.quote.text[s:e] for s, e in hit.quote.spans} <= marked


def test_naming_the_place_prefers_that_documents_passage(searcher):
    assert searcher.search("岳阳 2021年 预期目标", top=1).hits[0].document.path == YUEYANG
    assert searcher.search("全县 2021年 预期目标", top=1).hits[0].document.path == "other.txt"


def test_filters_restrict_to_matching_documents(searcher):
    hits = searcher.search("预期目标 讲话人:王一鸥", top=10).hits
    assert hits and all(h.document.meta.speaker == "王一鸥" for h in hits)
    hits = searcher.search("预期目标 地點：岳陽 年份:2021年", top=10).hits
    assert hits and all(h.document.path == YUEYANG for h in hits)
    assert searcher.search("预期目标 讲话人:无此人", top=10).hits == ()
    only_filter = searcher.search("讲话人:应勇", top=3).hits
    assert [h.paragraph for h in only_filter] == [1, 2, 3]


def test_no_positive_score_means_no_answer(searcher):
    result = searcher.search("量子计算机芯片", top=5)
    assert result.hits == () and result.total == 0


@pytest.mark.parametrize(
    "query, code",
    [("", "empty"), ("   \n\t", "empty"), ("，。！？……", "no_terms"), ("的 了 和", "no_terms"),
     ("岳阳" * 5000, "too_long"), ("😀🎉", "no_terms"), ("\x00\x07\x1b", "empty")],
)
def test_unusable_queries_raise_a_query_error(searcher, query, code):
    with pytest.raises(QueryError) as excinfo:
        searcher.search(query)
    assert excinfo.value.code == code
    assert str(excinfo.value)


@pytest.mark.parametrize("query", ["'; DROP TABLE passages; --", "<b>岳阳</b>&amp;", "岳阳\x00目标", "岳阳 😀 目标", "%_*"])
def test_odd_queries_are_just_text(searcher, query):
    try:
        result = searcher.search(query)
    except QueryError as exc:
        assert exc.code == "no_terms"
    else:
        assert result.query == query
    assert searcher.search("岳阳2021年目标").hits  # nothing was dropped


def test_paging_and_context(searcher):
    first = searcher.search("经济 发展", top=3)
    second = searcher.search("经济 发展", top=3, offset=3)
    assert [h.rank for h in second.hits] == [4, 5, 6]
    assert not {h.passage_id for h in first.hits} & {h.passage_id for h in second.hits}
    hit = first.hits[0]
    around = searcher.context(hit.passage_id, before=1, after=1)
    assert hit.passage_id in [p.id for p in around]
    assert all(p.document.id == hit.document.id for p in around)
    assert searcher.passage(hit.passage_id).text == hit.text
    assert searcher.passage(10**9) is None and searcher.context(-1) == []


def test_quote_is_cut_with_ellipsis_around_the_best_sentence():
    text = "第一句话讲别的事情。" * 10 + "今年地区生产总值增长8%左右，" + "这是一个很长的句子没有句号" * 30 + "。最后一句。"
    spans = find_spans(text, Highlights([(("生产总值",), 3.0), (("8",), 1.0)]))
    quote = make_quote(text, spans, [3.0, 1.0])
    assert len(quote.text) <= QUOTE_LIMIT + 2
    assert "生产总值" in quote.text and (quote.text.startswith(ELLIPSIS) or quote.text.endswith(ELLIPSIS))
    assert [quote.text[s:e] for s, e in quote.spans] == ["生产总值", "8"]
    # "8" inside "2018" is not a match.
    assert find_spans("2018年增长8%", Highlights([(("8",), 1.0)])) == [(7, 8, 0)]


def test_a_term_inside_a_longer_word_is_not_lost(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("在全市大会上的讲话\n\n全力推进“湘江新区”建设，打造内陆开放高地。\n", encoding="utf-8")
    (folder / "b.txt").write_text(
        "在全县大会上的讲话\n\n坚持稳中求进，全面加强安全生产。\n\n抓好粮食生产，稳住农业基本盘。\n\n"
        "深化改革开放，优化营商环境。\n", encoding="utf-8")
    build_index([folder], tmp_path / "i.sqlite")
    searcher = Searcher.open(tmp_path / "i.sqlite")
    assert "湘江新区" in searcher.analyzer.tokens("全力推进湘江新区建设")
    # "江新" is no word of the index; it still finds the word that contains it.
    hit = searcher.search("江新").hits[0]
    assert hit.document.path == "a.txt" and "江新" in "".join(hit.text[s:e] for s, e in hit.spans)


def test_scores_do_not_leak_between_queries(searcher):
    first = [(h.passage_id, h.score) for h in searcher.search("岳阳2021年目标").hits]
    for query in ("应勇 县域经济", "王一鸥 十四五", "经济 发展 2021", "讲话人:王一鸥 目标"):
        searcher.search(query)
    assert [(h.passage_id, h.score) for h in searcher.search("岳阳2021年目标").hits] == first
    scratch = searcher._scratch()
    assert not scratch.scores.any() and not scratch.bits.any() and not scratch.marks.any()


@pytest.mark.parametrize("kwargs", [{"top": 0}, {"top": -1}, {"offset": -1}, {"top": 2.5}])
def test_misused_paging_is_a_usage_error(searcher, kwargs):
    with pytest.raises(QueryError) as caught:
        searcher.search("岳阳2021年目标", **kwargs)
    assert caught.value.code == "usage"


@pytest.mark.parametrize("query", [b"\xe5\xb2\xb3\xe9\x98\xb3", 2021, None])
def test_a_query_that_is_not_text_is_a_usage_error(searcher, query):
    with pytest.raises(QueryError) as caught:
        searcher.search(query)
    assert caught.value.code == "usage"


def test_a_quoted_phrase_is_found_only_as_written(searcher):
    from index.normalize import normalize

    hits = searcher.search("“三高四新” 岳阳", top=10).hits
    assert hits and all("三高四新" in normalize(h.text) for h in hits)
    # the same words, not in that order, are not the phrase: the nearest passages, said to lack it
    nowhere = searcher.search('"四新三高"', top=10)
    assert nowhere.confidence == "low" and nowhere.unmatched == ("四新三高",)
    assert nowhere.hits and not any("四新三高" in normalize(h.text) for h in nowhere.hits)
    # either script, either kind of quotes
    traditional = searcher.search("「縣域經濟」", top=5).hits
    assert traditional and all("县域经济" in normalize(h.text) for h in traditional)


def test_a_quoted_phrase_is_found_inside_a_longer_run_of_words(tmp_path):
    # One text quotes the phrase and another one, so both are words of the index; the other
    # text writes the first inside the second (全面复辟资本主义), which jieba cuts as 全面 /
    # 复辟资本主义.  Both texts have the phrase as written.
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("1978年的报告\n\n“四人帮”妄图“全面复辟”，要“复辟资本主义”，阴谋篡党夺权，全国人民决不答应。\n", encoding="utf-8")
    (folder / "b.txt").write_text("1969年的报告\n\n对内，加紧镇压苏联人民，加紧全面复辟资本主义。\n", encoding="utf-8")
    shutil.copytree(SEEDS, tmp_path / "seeds")  # (words with the frequencies of a real collection)
    build_index([folder, tmp_path / "seeds"], tmp_path / "i.sqlite")
    searcher = Searcher.open(tmp_path / "i.sqlite")
    assert "全面复辟" not in searcher.analyzer.tokens("加紧全面复辟资本主义")
    assert {h.document.path for h in searcher.search("“全面复辟”").hits} == {"a.txt", "b.txt"}


def test_a_question_about_a_quoted_term_is_answered_where_its_document_explains_it(tmp_path):
    # The report names the 两步设想 once and sets out its two steps in the passages after; a
    # later report repeats the name only.  Asked as keywords, the quotes keep their passages.
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "gwr_1975.txt").write_text(
        "1975年政府工作报告\n\n毛主席提出的我国国民经济发展可以按“两步设想”来考虑。\n\n"
        "第一步，用十五年时间，建立一个独立的比较完整的工业体系和国民经济体系。\n\n"
        "第二步，在本世纪内，全面实现农业、工业、国防和科学技术的现代化，使我国国民经济走在世界的前列。\n",
        encoding="utf-8")
    (folder / "gwr_1978.txt").write_text("1978年政府工作报告\n\n要实现“两步设想”，必须加快国民经济发展。\n", encoding="utf-8")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    build_index([folder, tmp_path / "seeds"], tmp_path / "i.sqlite")
    searcher = Searcher.open(tmp_path / "i.sqlite")
    asked = searcher.search("1975年政府工作报告重提的国民经济发展“两步设想”分别是什么？").hits
    assert any(h.text.startswith(("第一步", "第二步")) for h in asked[:2])
    assert all("两步设想" in h.text for h in searcher.search("“两步设想” 国民经济").hits)
    assert all("两步设想" in h.text for h in searcher.search("“两步设想”这句话出自哪里？").hits)  # (its source sought)


def test_a_minus_word_leaves_out_the_passages_that_have_it(searcher):
    from index.normalize import normalize

    plain = searcher.search("县域经济", top=10).hits
    assert any("全省" in normalize(h.text) for h in plain)
    without = searcher.search("县域经济 -全省", top=10).hits
    assert without and not any("全省" in normalize(h.text) for h in without)


def test_phrases_and_exclusions_combine_with_filters(searcher):
    everything = searcher.search("“高质量” 地点:岳阳", top=20).hits
    assert any("跨越" in h.text for h in everything)
    hits = searcher.search("“高质量” -跨越 地点:岳阳", top=20).hits
    assert hits and all(h.document.path == YUEYANG and "高质量" in h.text and "跨越" not in h.text for h in hits)


def test_a_forged_huge_position_finds_no_passage(searcher):
    assert searcher.passage_at(0, 10**50) is None and searcher.passage_at(10**50, 0) is None
    assert searcher.passage_at(0, 0) is not None



def test_the_metadata_documents_are_the_first_of_a_stable_sort_by_score():
    """Chosen by kernel.top_k: the same documents as a stable sort, ties to the lower id."""
    from types import SimpleNamespace

    import numpy as np

    from index.searcher import METADATA_DOCUMENTS

    rng = np.random.default_rng(3)
    itself = SimpleNamespace()
    for size in (5, 30, 1000, 50_000):
        for _ in range(20):
            meta_score = rng.choice([0.0, 0.0, 1.5, 2.0, 2.5, 3.0], size) * rng.choice([1.0, 1.0, 1.1], size)
            if size == 50_000:  # few documents named: only they are looked at
                meta_score[rng.random(size) > 0.002] = 0.0
            named = np.flatnonzero(meta_score > 0)
            expected = np.sort(named[np.argsort(-meta_score[named], kind="stable")[:METADATA_DOCUMENTS]])
            # per term, the documents whose metadata has it: overlapping, in any order, some scoring 0
            field_lists = [rng.permutation(np.concatenate([named[rng.random(len(named)) < 0.5], named[:1], [0]]))
                           .astype(np.int32) for _ in range(3)] + [rng.permutation(named).astype(np.int32)]
            assert Searcher._metadata_documents(itself, meta_score, field_lists).tolist() == expected.tolist()
    assert not len(Searcher._metadata_documents(itself, np.zeros(5), []))  # no term in any metadata
