"""Words the collection teaches, for the user dictionary (`analysis.Analyzer`): the set
phrases a text quotes (“三高四新”, “1336”), the names it gives after an office (省长王忠林),
and the words a document repeats that jieba's dictionary lacks (碳达峰, 丁薛祥)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .analysis import STOP_WORDS, dictionary_tags, plain_words

# An office, then a two- or three-character name, then what people do in a report:
# 省长王忠林出席, 省委书记沈晓明指出, 国务院总理李强主持.
_NAME_AFTER_OFFICE = re.compile(
    r"(?:书记|省长|市长|县长|区长|州长|主席|总理|部长|主任|厅长|局长|委员|总书记)"
    r"([\u4e00-\u9fff]{2,3}?)(?=出席|主持|指出|强调|表示|讲话|介绍|要求|会见|考察|调研|视察|同志|来|到|赴|率|说|在|对|和|等|、|，|,|。)")
# The commonest Chinese surnames (they cover most people a report names): a name must
# start with one, which keeps "书记要求" and the like out.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤"
    "应易乔殷尤温常康傅齐伍欧")
_QUOTED_PHRASE = re.compile(r"[“\"「]([0-9a-z\u3400-\u9fff+]{2,8})[”\"」]")

def learned_phrases(normalised_text: str) -> set[str]:
    """Words the text itself teaches: the short set phrases it puts in quotation marks
    (“三高四新”, “六稳”, “1336”) and the names it gives after an office (省长王忠林,
    省委书记沈晓明), so that jieba keeps them whole instead of 王/忠/林."""
    phrases = {p for p in _QUOTED_PHRASE.findall(normalised_text) if not p.isdigit() or len(p) >= 3}
    return phrases | {m.group(1) for m in _NAME_AFTER_OFFICE.finditer(normalised_text) if m.group(1)[0] in SURNAMES}


# A new word: a run of characters that jieba's own dictionary leaves single (碳/达/峰,
# 丁/薛/祥), which one document repeats at least this often, each time between different
# words on each side.  A document that repeats a run is using a term; different neighbours
# show the run is a unit of its own and not a piece of a longer phrase.
NEW_WORD_REPEATS = 3
NEW_WORD_NEIGHBOURS = 2
_NEW_WORD_LENGTHS = range(2, 4)
_NOT_IN_NEW_WORDS = frozenset("一二三四五六七八九十百千万亿零〇两几第")
# A run that starts with an adverb, conjunction, pronoun or preposition (太贵, 已达, 另据), or
# ends with a particle or suffix (们用), is words freely combined, not a word: jieba's tags.
_NO_WORD_START = frozenset({"d", "c", "r", "p", "u", "k", "e", "y"})
_NO_WORD_END = frozenset({"c", "p", "u", "k", "e", "y"})
_HAN_CHARACTER = re.compile(r"[\u4e00-\u9fff]")


def discovered_words(normalised_texts: Iterable[str]) -> set[str]:
    """New words of one document, found by statistics (see `NEW_WORD_REPEATS`): the names
    and terms jieba's dictionary lacks, so that they stay whole instead of 碳/达/峰."""
    seen: dict[str, tuple[int, set[str], set[str]]] = {}
    for text in normalised_texts:
        words = plain_words(text)
        start = 0
        while start < len(words):
            end = start
            while end < len(words) and _single_content_character(words[end]):
                end += 1
            # every stretch of a run of single characters is a candidate (时丁薛祥 holds 丁薛祥)
            for first in range(start, end):
                for last in range(first + _NEW_WORD_LENGTHS.start, min(end, first + _NEW_WORD_LENGTHS.stop - 1) + 1):
                    run = "".join(words[first:last])
                    count, left, right = seen.get(run, (0, set(), set()))
                    # the start or end of a text is a boundary, different each time
                    left.add(words[first - 1] if first else f"^{count}")
                    right.add(words[last] if last < len(words) else f"${count}")
                    seen[run] = (count + 1, left, right)
            start = max(end, start + 1)
    repeated = [run for run, (count, left, right) in seen.items()
                if count >= NEW_WORD_REPEATS and min(len(left), len(right)) >= NEW_WORD_NEIGHBOURS]
    return {run for run in repeated
            if _tag_of_character(run[0]) not in _NO_WORD_START and _tag_of_character(run[-1]) not in _NO_WORD_END}


def _single_content_character(word: str) -> bool:
    return len(word) == 1 and word not in STOP_WORDS and word not in _NOT_IN_NEW_WORDS and bool(_HAN_CHARACTER.match(word))



def _tag_of_character(character: str) -> str | None:
    """jieba's part-of-speech tag of a character as a word of its own dictionary."""
    from .segmenter import rjieba

    if rjieba is None:
        return dictionary_tags().get(character)
    (word, tag), *_ = rjieba.tag(character, False)
    return tag if word == character else None


