"""The fast segmenter gives jieba's words, and the dictionary cache trusts only itself."""

import marshal
import os
import tempfile
from pathlib import Path

import jieba
import pytest

from benchmarks.tokens import compare
from index import analysis, vocabulary
from index.analysis import Analyzer
from index.cache import cache_folder
from index.normalize import normalize
from index.segmenter import Segmenter, rjieba

ROOT = Path(__file__).resolve().parent.parent
REAL_SAMPLE = [ROOT / "seeds", ROOT / "tests/data/retrieval/cn-national-reports",
               ROOT / "tests/data/retrieval/xwlb-2022-2026"]

MESSY = [
    "",
    "岳阳市实施“三高四新”战略，2021年地区生产总值增长8%左右。",
    "gdp增长6.5%-7%，cpi涨幅3%左右；a股、5g网络和x射线",
    "一 二  三\t四\n五\r\n六",
    "中华人民共和国全国人民代表大会常务委员会委员长",
    "㐀㐁 龥鿿 😀 ｆｕｌｌｗｉｄｔｈ 한국어 ﾃｽﾄ",
    "a b c 1 2 3 abc123 a1b2 c++ c# at&t 3.14 50% e-mail",
    "长江大桥南京市长江大桥研究生命起源结婚的和尚未结婚的",
]


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer(["三高四新", "岳阳", "王一鸥"])


@pytest.mark.parametrize("accelerated", [True, False], ids=["rjieba", "python"])
def test_messy_text_is_cut_as_jieba_cuts_it(analyzer, accelerated):
    if accelerated and rjieba is None:
        pytest.skip("rjieba is not installed")
    reference = analyzer._jieba
    segmenter = Segmenter(reference.FREQ, reference.total, accelerated=accelerated)
    for text in MESSY:
        assert segmenter.cut(text) == list(reference.cut(text, HMM=False)), text


def test_real_passages_are_cut_and_tokenized_exactly_as_with_jieba():
    report = compare(REAL_SAMPLE)
    assert report["passages"] > 4000
    assert report["differences"] == {"rjieba": 0, "python": 0, "Analyzer.tokens": 0} if rjieba else \
        {"python": 0, "Analyzer.tokens": 0}


def test_passages_are_tokenized_alike_with_and_without_the_segmenter():
    plain, fast = Analyzer(["三高四新"]), Analyzer(["三高四新"])
    fast.use_segmenter()
    for text in MESSY:
        assert fast.tokens(text, "2021") == plain.tokens(text, "2021")
    assert plain._segmenter is None  # a searcher does not pay for it


def test_rjiebas_own_dictionary_is_jiebas_for_finding_new_words():
    """`analysis.plain_words` (first mentions, new words) cuts by rjieba's built-in dictionary,
    ready at once, in place of jieba's own (a third of a second to load): the same words and tags."""
    if rjieba is None:
        pytest.skip("rjieba is not installed")
    plain = analysis._plain_jieba()
    lines = [normalize(line) for folder in REAL_SAMPLE for path in sorted(folder.rglob("*.txt"))[:150]
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) > 3000
    for text in MESSY + lines:
        assert rjieba.cut(text, False) == list(plain.cut(text, HMM=False)), text
    tags = analysis.dictionary_tags()
    characters = {c for text in lines for c in text if c in tags}
    assert len(characters) > 2000
    for character in characters:
        assert vocabulary._tag_of_character(character) == tags[character], character


# -- the dictionary cache --------------------------------------------------------------------
@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("SPEECH_QUOTES_CACHE", str(folder))
    return folder


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("SPEECH_QUOTES_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_folder() == tmp_path / "speech-quotes"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_folder() == Path.home() / ".cache" / "speech-quotes"
    monkeypatch.setenv("SPEECH_QUOTES_CACHE", str(tmp_path / "mine"))
    assert cache_folder() == tmp_path / "mine"


def test_the_dictionary_is_cached_in_a_private_folder_not_the_temp_folder(cache):
    before = set(Path(tempfile.gettempdir()).glob("speech-quotes-jieba-*"))
    first = Analyzer(["三高四新"])
    files = list(cache.glob("jieba-*.dict"))
    assert len(files) == 1
    assert cache.stat().st_mode & 0o777 == 0o700
    assert set(Path(tempfile.gettempdir()).glob("speech-quotes-jieba-*")) <= before
    again = Analyzer(["三高四新"])
    assert again._jieba.FREQ == first._jieba.FREQ and again._jieba.total == first._jieba.total


def test_a_planted_or_damaged_cache_file_is_not_trusted(cache):
    reference = Analyzer(["三高四新"]).tokens("岳阳实施三高四新战略")
    path = next(cache.glob("jieba-*.dict"))
    planted = marshal.dumps(({"岳阳实施三高四新战略": 10**9, "岳": 0}, 10**9))
    path.write_bytes(b"0" * 64 + b"\n" + planted)  # a wrong digest
    assert Analyzer(["三高四新"]).tokens("岳阳实施三高四新战略") == reference
    path.write_bytes(path.read_bytes()[:1000])  # cut short
    assert Analyzer(["三高四新"]).tokens("岳阳实施三高四新战略") == reference
    assert len(path.read_bytes()) > 1_000_000  # made again


def test_only_the_most_recently_used_dictionaries_are_kept(cache):
    for number in range(analysis.KEEP_DICTIONARIES + 2):
        Analyzer([f"词{number}号"])
    kept = sorted(cache.glob("jieba-*.dict"))
    assert len(kept) == analysis.KEEP_DICTIONARIES
    assert analysis._dictionary_file([f"词{analysis.KEEP_DICTIONARIES + 1}号"]) in kept


def test_an_unwritable_cache_folder_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SPEECH_QUOTES_CACHE", str(blocker / "cache"))
    assert Analyzer(["三高四新"]).tokens("三高四新") == ["三高四新"]
    assert jieba.__version__ and not os.path.exists(blocker / "cache")
