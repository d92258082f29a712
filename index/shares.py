"""The weighted share of a question's terms that a passage matches, from bit masks.

Every candidate carries a bit per query term it matches (bit j: term j), its own text or its
document's metadata; the share of the question it covers, each term weighed (by IDF, and
less for colloquial words), scales its score (coordination) and says, in the verdict,
whether the best hit answers at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .analysis import QueryTerm


@dataclass(frozen=True)
class Shares:
    """The weighted share of a query's terms that a bit mask selects (bit j: term j).

    Eight terms at a time through a table of the 256 sums their bits can select, so the
    cost is one lookup per byte of the masks rather than one pass per term; the tables are
    made once per query (`shares_of`)."""

    tables: tuple[np.ndarray, ...]  # per byte of the masks: the sum each value selects
    total: float

    def __call__(self, bits: np.ndarray) -> np.ndarray:
        """The share of each mask of `bits` (int64)."""
        if len(self.tables) == 1:  # eight terms or fewer: the masks are their own bytes
            return self.tables[0][bits] / self.total
        share = None
        for start, table in zip(range(0, 8 * len(self.tables), 8), self.tables):
            byte = (bits >> start if start else bits) & 0xFF
            if share is None:  # the first chunk needs no zeros to add to
                share = table[byte]
            else:
                share += table[byte]
        if share is None:
            return np.zeros(len(bits))
        return share / self.total

    def one(self, bits: int) -> float:
        """The share of one mask, added up in the order of `__call__`, so equal to the bit."""
        share = 0.0
        for start, table in zip(range(0, 8 * len(self.tables), 8), self.tables):
            value = float(table[(bits >> start) & 0xFF])
            share = value if not start else share + value
        return share / self.total


def word_shares(terms: list[QueryTerm], distinct: list[str], term_weights: np.ndarray) -> Shares:
    """The `Shares` of the `distinct` terms where each word of the question counts once, however
    many terms search mode makes of it (`QueryTerm.of_word`): a document's coverage of the question."""
    of_words: dict[str, float] = {}
    for t in terms:
        of_words[t.term] = of_words.get(t.term, 0.0) + t.of_word
    return shares_of(term_weights * np.minimum(1.0, [of_words.get(term, 1.0) for term in distinct]))


@lru_cache(maxsize=None)
def _bits(n: int) -> np.ndarray:
    """A row per byte value, its n low bits as 0.0 or 1.0, in C order: the array numpy makes of
    the integer bits to multiply them by floats, so the tables are the same to the bit."""
    return ((np.arange(256)[:, None] >> np.arange(n)) & 1).astype(np.float64)


def shares_of(term_weights: np.ndarray) -> Shares:
    """The `Shares` of terms of these weights."""
    tables = tuple(_bits(len(chunk)) @ chunk
                   for chunk in (term_weights[start : start + 8] for start in range(0, len(term_weights), 8)))
    return Shares(tables, float(term_weights.sum()) or 1.0)
