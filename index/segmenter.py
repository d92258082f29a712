"""jieba's dictionary segmentation (`jieba.Tokenizer.cut(text, HMM=False)`), the same words
computed faster, for indexing a whole collection.

Text is split into blocks exactly as jieba splits it, with jieba's own patterns.  The
words of a block of Chinese come from jieba's algorithm over jieba's dictionary (the
tokenizer's `FREQ` and `total`, our words included): in `rjieba` (jieba-rs, a Rust
implementation of the same algorithm) given exactly that dictionary, or, when `rjieba`
is not installed, in one backward pass here (jieba's float operations in jieba's order,
its log-probabilities computed once).  jieba stays the reference: `tests/test_segmenter.py`
and `benchmarks/tokens.py` compare the two word for word.
"""

from __future__ import annotations

from math import log

import jieba

try:
    import rjieba
except ImportError:  # the pure-Python pass below gives the same words, slower
    rjieba = None

# jieba's own patterns, so that text is split into blocks exactly as jieba splits it.
_HAN = jieba.re_han_default
_SKIP = jieba.re_skip_default
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")  # jieba.re_eng
_ABSENT = object()
_NO_WORD = float("-inf")
# A word no block of text can contain (private-use characters are not in jieba's blocks).
_PADDING_WORD = "\ue000\ue000"


class Segmenter:
    """`cut(text)` == `list(tokenizer.cut(text, HMM=False))` for the tokenizer whose
    `FREQ` and `total` it is given (read once: words added later are not seen)."""

    def __init__(self, freq: dict[str, int], total: int, *, accelerated: bool = True):
        self.accelerated = accelerated and rjieba is not None
        if self.accelerated:
            self._rust = rjieba.Jieba.empty()
            counted = 0
            for word, count in freq.items():
                if count:  # a count of 0 marks a prefix of a word, which jieba-rs finds itself
                    self._rust.add_word(word, count, None)
                    counted += count
            # jieba's total also counts the earlier frequency of each word added again
            # (add_word does not subtract it): the same total gives the same log-probabilities.
            if total > counted:
                self._rust.add_word(_PADDING_WORD, total - counted, None)
            self._cut_block = self._cut_block_rust
        else:
            logtotal = log(total)
            # Every dictionary word -> its log-probability; a prefix of one that is no word -> None.
            self._table = {word: (log(count) - logtotal if count else None) for word, count in freq.items()}
            # A character that starts no dictionary word counts as frequency 1, as in jieba.
            self._unknown = log(1) - logtotal
            self._cut_block = self._cut_block_python

    def cut(self, text: str) -> list[str]:
        words: list[str] = []
        for block in _HAN.split(text):
            if not block:
                continue
            if _HAN.match(block):
                words.extend(self._cut_block(block))
            else:
                for piece in _SKIP.split(block):
                    if _SKIP.match(piece):
                        words.append(piece)
                    else:
                        words.extend(piece)
        return words

    def _cut_block_rust(self, block: str) -> list[str]:
        return self._rust.cut(block, False)

    def _cut_block_python(self, block: str) -> list[str]:
        get, unknown = self._table.get, self._unknown
        n = len(block)
        score = [0.0] * (n + 1)
        end = list(range(n))  # end[i]: the last character of the best word starting at i
        for start in range(n - 1, -1, -1):
            best = _NO_WORD
            stop = start
            p = get(block[start], _ABSENT)
            while p is not _ABSENT:
                if p is not None:
                    value = p + score[stop + 1]
                    if value >= best:  # jieba takes max() of (value, end): a tie goes to the longer word
                        best = value
                        end[start] = stop
                stop += 1
                if stop == n:
                    break
                p = get(block[start : stop + 1], _ABSENT)
            score[start] = best if best is not _NO_WORD else unknown + score[start + 1]
        words: list[str] = []
        letters = ""  # single ASCII letters and digits run together, as in jieba
        start = 0
        while start < n:
            stop = end[start] + 1
            if stop - start == 1 and block[start] in _ASCII_ALNUM:
                letters += block[start]
            else:
                if letters:
                    words.append(letters)
                    letters = ""
                words.append(block[start:stop])
            start = stop
        if letters:
            words.append(letters)
        return words
