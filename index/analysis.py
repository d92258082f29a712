"""Tokenization: normalised text -> index terms, the same way for passages and queries.

jieba runs through an explicit `jieba.Tokenizer` instance (dictionary only, no HMM
guessing of unknown words: as good on our questions, a third faster) in search mode, so a long
word also yields the dictionary words inside it (岳阳市 -> 岳阳, 岳阳市).  The user
dictionary holds the synonym phrases, the places and speakers of the collection, the
set phrases it quotes (“三高四新”, “六稳”, “1336”) and the words its documents use that
jieba's dictionary lacks (碳达峰, 丁薛祥: `vocabulary.discovered_words`).  Synonyms collapse to one canonical
term; a small stop list drops function words but keeps the words political text is
about (加强, 坚持, 全面, 安全, 今年).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import math
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .cache import cache_folder, write_atomically
from .normalize import normalize

# Bump when tokenization changes in a way that makes stored tokens stale.
ANALYZER_VERSION = "11"

SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")

STOP_WORDS = frozenset(
    """
    的 地 得 了 着 过 和 与 及 以及 或 或者 并 并且 而 而且 但 但是 又 也 还 都 就 才 则 即
    在 于 对 对于 把 被 将 从 向 由 以 为 为了 因 因为 所以 因此 如果 虽然 通过 按照 根据
    是 有 没有 这 那 这个 那个 这些 那些 这样 那样 这种 其 其中 之 之一 各 各项 每 某
    我 我们 你 你们 他 他们 它 它们 大家 自己 咱们 本 该
    要 能 会 可 可以 应 应当 应该 必须 需要 让 使 使得 给 等 等等 上 下 中 里 内 外 前 后
    个 些 一 一个 一些 一是 二是 三是 四是 五是 六是 年 月 日 号 来 去 说 做 好 更 最 很 再
    如何 怎么 怎样 什么 哪些 多少 吗 呢 吧 啊 呀 哪 谁 的话 方面 情况 进行
    x xx xxx a an the of and or to in on for is are
    """.split()
)

_NUMERALS = frozenset("一二三四五六七八九十百千万零〇两")
_TOKEN_OK = re.compile(r"[0-9a-z\u3400-\u9fff]")
# Words that name a year relative to the document's own, and the offset they mean.
_RELATIVE_YEARS = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "上一年": -1, "过去一年": -1,
                   "前年": -2, "明年": 1, "下一年": 1}
# "比上年增长8%" compares with the year before; it says nothing about that year.
_RELATIVE_YEAR = re.compile(
    "(?<![比较于同])(" + "|".join(sorted(map(re.escape, _RELATIVE_YEARS), key=len, reverse=True)) + ")")


@lru_cache(maxsize=1)
def load_synonyms(path: Path = SYNONYMS_FILE) -> dict[str, str]:
    """Map every synonym (normalised) to its group's canonical term."""
    mapping: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        words = [normalize(w) for w in line.split("#", 1)[0].split()]
        for word in words:
            mapping[word] = words[0]
    return mapping


def dictionary_version(user_words: Iterable[str]) -> str:
    digest = hashlib.sha256()
    digest.update(ANALYZER_VERSION.encode())
    digest.update(SYNONYMS_FILE.read_bytes())
    for word in sorted(set(user_words)):
        digest.update(word.encode() + b"\n")
    return digest.hexdigest()[:16]


# -- the dictionary cache -----------------------------------------------------------------
# jieba's dictionary with our words added takes about a second to make, so it is kept in
# the app's own cache folder, one file per dictionary: a sha256 of the marshalled
# dictionary, a newline, the dictionary.  A file whose digest does not match is never
# unmarshalled (marshal is not made for untrusted data); it is made again.
KEEP_DICTIONARIES = 4  # the most recently used; older ones are deleted
_DIGEST_SIZE = 64


def _dictionary_file(user_words: Iterable[str]) -> Path:
    import jieba

    return cache_folder() / f"jieba-{jieba.__version__}-{dictionary_version(user_words)}.dict"


def _load_dictionary(tokenizer, user_words: Iterable[str]) -> bool:
    """Give `tokenizer` its cached dictionary; False if there is none that checks out."""
    path = _dictionary_file(user_words)
    try:
        data = path.read_bytes()
    except OSError:
        return False
    payload = memoryview(data)[_DIGEST_SIZE + 1 :]
    if data[:_DIGEST_SIZE] != hashlib.sha256(payload).hexdigest().encode():
        return False
    try:
        tokenizer.FREQ, tokenizer.total = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return False
    tokenizer.initialized = True
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept when older ones are pruned
    return True


def _save_dictionary(tokenizer, user_words: Iterable[str]) -> None:
    """Cache `tokenizer`'s dictionary (best effort: a read-only home only costs time)."""
    path = _dictionary_file(user_words)
    payload = marshal.dumps((tokenizer.FREQ, tokenizer.total))
    write_atomically(path, hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    with contextlib.suppress(OSError):
        _prune(path.parent)


def _prune(folder: Path) -> None:
    """Delete all but the most recently used dictionaries, and those of older versions of
    this module left in the shared temp folder."""
    cached = sorted(folder.glob("jieba-*.dict"), key=lambda p: p.stat().st_mtime, reverse=True)
    legacy = [p for p in Path(tempfile.gettempdir()).glob("speech-quotes-jieba-*.cache")
              if p.stat().st_uid == os.getuid()]
    for path in cached[KEEP_DICTIONARIES:] + legacy:
        with contextlib.suppress(OSError):
            path.unlink()


@dataclass(frozen=True)
class QueryTerm:
    term: str  # canonical index term
    surfaces: tuple[str, ...]  # normalised strings to highlight in text
    # The share of its question word the term stands for: 十四届全国人大四次会议 is one word
    # of the question, though search mode makes nine terms of it.
    of_word: float = 1.0


@lru_cache(maxsize=1)
def _plain_jieba():
    import jieba

    tokenizer = jieba.Tokenizer()
    with contextlib.suppress(OSError):
        cache_folder().mkdir(mode=0o700, parents=True, exist_ok=True)
        tokenizer.tmp_dir = str(cache_folder())
    tokenizer.initialize()
    return tokenizer


@lru_cache(maxsize=1)
def dictionary_tags() -> dict[str, str]:
    """jieba's own dictionary: word -> part-of-speech tag (its words are Simplified)."""
    import jieba

    tags = {}
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


def plain_words(normalised: str) -> list[str]:
    """jieba's words of a text by its own dictionary alone (HMM off): the collection's words
    (新发展理念) would glue 创新发展理念 into 创 + 新发展理念, where jieba's own see 创新 + 发展 +
    理念.  rjieba's built-in dictionary is jieba's and is ready at once, where jieba's takes a
    third of a second to load (`tests/test_segmenter.py` compares them); jieba without rjieba."""
    from .segmenter import rjieba

    if rjieba is None:
        return list(_plain_jieba().cut(normalised, HMM=False))
    return rjieba.cut(normalised, False)


def _inside_digits(word: str, start: int, end: int) -> bool:
    """Whether word[start:end] begins or ends inside a run of digits."""
    return (start > 0 and word[start - 1].isdigit() and word[start].isdigit()) or (
        end < len(word) and word[end - 1].isdigit() and word[end].isdigit())


_NUMBER_OR_NOT = re.compile(r"\d+|\D+")


def whole_numbers(words: Iterable[str], tokenizer) -> list[str]:
    """`words` with no number cut in two: a word of ours that starts or ends with a digit
    (0到1, 100) takes the digits of the number next to it (10到15年 -> 1 + 0到1 + 5; 1000 ->
    100 + 0).  Such words are joined again and cut with the number apart (10 + 到 + 15)."""
    words = list(words)
    if not any(a[-1:].isdigit() and b[:1].isdigit() for a, b in zip(words, words[1:])):
        return words
    joined: list[list[str]] = []
    for word in words:
        if joined and joined[-1][-1][-1:].isdigit() and word[:1].isdigit():
            joined[-1].append(word)
        else:
            joined.append([word])
    out: list[str] = []
    for group in joined:
        if len(group) == 1:
            out.extend(group)
            continue
        for piece in _NUMBER_OR_NOT.findall("".join(group)):
            out.extend([piece] if piece[0].isdigit() else tokenizer.cut(piece, HMM=False))
    return out


class Analyzer:
    """A jieba tokenizer with this collection's dictionary; build once per process."""

    def __init__(self, user_words: Iterable[str] = ()):
        import jieba

        self.synonyms = load_synonyms()
        self.user_words = frozenset(normalize(w) for w in user_words if w and w.strip())
        self._surfaces: dict[str, set[str]] = {}
        for word, canonical in self.synonyms.items():
            self._surfaces.setdefault(canonical, {canonical}).add(word)
        self._word_terms: dict[str, tuple[str, ...]] = {}
        self._term_surfaces: dict[str, tuple[str, ...]] = {}
        self._segmenter: "Segmenter | None" = None
        self._jieba = jieba.Tokenizer()
        if not _load_dictionary(self._jieba, self.user_words):
            with contextlib.suppress(OSError):  # jieba's own cache of its dictionary goes there too
                cache_folder().mkdir(mode=0o700, parents=True, exist_ok=True)
                self._jieba.tmp_dir = str(cache_folder())
            self._jieba.initialize()
            for word in sorted(self.user_words | set(self.synonyms)):
                if len(word) >= 2 and " " not in word:
                    self._jieba.add_word(word, freq=20000)
            _save_dictionary(self._jieba, self.user_words)

    def _terms_of_word(self, word: str) -> tuple[str, ...]:
        """The index terms one jieba word yields: jieba's search mode (the dictionary words
        inside a long word, then the word), except that a synonym stays one term; stop
        words and punctuation dropped.  Memoised: words repeat, and this is the hot loop."""
        terms = self._word_terms.get(word)
        if terms is None:
            if word in self.synonyms:
                found = [self.synonyms[word]]
            else:
                freq = self._jieba.FREQ
                # A piece that starts inside a number is another number: 十二届 holds 二届,
                # which is not the second session; nor is a piece of 2520 or 1000 (520, 100).
                found = [
                    self.synonyms.get(word[i : i + n], word[i : i + n])
                    for n in (2, 3) if len(word) > n
                    for i in range(len(word) - n + 1)
                    if freq.get(word[i : i + n]) and not (i and word[i - 1] in _NUMERALS and word[i] in _NUMERALS)
                    and not _inside_digits(word, i, i + n)
                ]
                found.append(word)
            terms = tuple(
                t for t in map(str.strip, found) if t and t not in STOP_WORDS and _TOKEN_OK.search(t)
            )
            if len(self._word_terms) < 500_000:
                self._word_terms[word] = terms
        return terms

    def use_segmenter(self) -> None:
        """Cut passages from now on with `Segmenter`: jieba's words, several times faster,
        after a fifth of a second to set it up; worth it for a build, not for a searcher."""
        if self._segmenter is None:
            from .segmenter import Segmenter  # rjieba takes a while to import: only for many passages

            self._segmenter = Segmenter(self._jieba.FREQ, self._jieba.total)

    def cut(self, normalised: str) -> list[str]:
        """jieba's words of a text (HMM off), whitespace included, numbers whole
        (`whole_numbers`): a query is cut once for its terms and its phrases."""
        return whole_numbers(self._jieba.cut(normalised, HMM=False), self._jieba)

    def _raw_tokens(self, normalised: str, words: Iterable[str] | None = None) -> list[str]:
        if words is None:
            words = self._jieba.cut(normalised, HMM=False)
        return [term for word in words for term in self._terms_of_word(word)]

    def tokens(self, normalised: str, year: str = "") -> list[str]:
        """Index terms of a passage; a relative year in a document of `year` also yields
        the year it means: "去年" in the 1990 report is 1989, "明年" in a 2023 speech 2024
        (not in a comparison: "比上年增长" is about this year)."""
        words = self._segmenter.cut(normalised) if self._segmenter else self._jieba.cut(normalised, HMM=False)
        tokens = self._raw_tokens(normalised, whole_numbers(words, self._jieba))
        if year.isdigit():
            for match in _RELATIVE_YEAR.finditer(normalised):
                tokens.append(str(int(year) + _RELATIVE_YEARS[match.group(1)]))
        return tokens

    def query_terms(self, normalised_query: str, words: list[str] | None = None) -> list[QueryTerm]:
        """Terms of a query, in order, with repeats (BM25 counts a repeated term twice);
        `words`, the query's `cut` when it is at hand."""
        if words is None:
            words = self.cut(normalised_query)
        return [QueryTerm(term, self._surfaces_of(term), 1 / len(set(terms)))
                for terms in map(self._terms_of_word, words) for term in terms]

    def _surfaces_of(self, term: str) -> tuple[str, ...]:
        """The strings that stand for a term in text, longest first (memoised)."""
        surfaces = self._term_surfaces.get(term)
        if surfaces is None:
            surfaces = tuple(sorted(self._surfaces.get(term, {term}), key=len, reverse=True))
            if len(self._term_surfaces) < 100_000:
                self._term_surfaces[term] = surfaces
        return surfaces

    def last_word(self, text: str) -> str:
        """The last content word of a text (基本任务 of 第一个五年计划的基本任务)."""
        return next((w for w in reversed(self.cut(text)) if self._terms_of_word(w)), "")

    def everyday_log_frequency(self, term: str) -> float:
        """The log of the share of everyday Chinese text that is this word, by jieba's own
        dictionary counts; nan for the collection's own words (its places, speakers, phrases
        and synonyms, whose counts there are ours), numbers and words jieba does not count."""
        if term in self.user_words or term in self.synonyms or term.isdigit():
            return math.nan
        count = self._jieba.FREQ.get(term)
        return math.log(count / self._jieba.total) if count else math.nan

    def phrases(self, words: list[str]) -> list[str]:
        """Pairs of adjacent content words of a query's `cut`, joined ("构建社会主义",
        "社会主义和谐社会"): where a passage has one verbatim, it states the query's words as
        the query does.  A space is no content word, so no pair spans one."""
        content = {w for w in words if self._terms_of_word(w)}
        pairs = [first + second for first, second in zip(words, words[1:]) if first in content and second in content]
        return list(dict.fromkeys(pairs))

    def field_tokens(self, *values: str) -> set[str]:
        """Terms of metadata fields (title, speaker, place, year ...)."""
        terms: set[str] = set()
        for value in values:
            if value:
                terms.update(self._raw_tokens(normalize(value)))
        return terms
