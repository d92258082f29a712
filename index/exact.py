"""What a query's quoted phrases and minus words leave of its candidates.

`"…"`, `“…”` or `「…」` asks for a phrase as written (after the same normalisation), `-词`
leaves out the passages that have 词.  A phrase no passage writes leaves the nearest passages,
said to lack it, rather than nothing; a question about a quoted term (“两步设想”是什么), shorter
than a sentence pasted in, is answered where the documents that write it explain it, not
only where they repeat it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from .earliest import by_era
from .intent import SENTENCE_CHARS
from .query import ParsedQuery

BATCH = 256  # passages read at a time to check quoted phrases and excluded words


def quoted(analyzer, reader, scored, parsed: ParsedQuery, question: bool, needed: int,
           rows: Callable[[np.ndarray], dict[int, tuple]], oldest: bool = False):
    """(the candidates left, the phrases no passage writes); `scored`: the searcher's
    candidates, best first by `final`; `question`: asked as a question, not as keywords;
    `rows(ids)`: the passages' rows (their normalised text fifth); `oldest`: a first-mention
    question, whose passages are looked for in the oldest documents first (“一带一路” is
    written in thousands of passages, the first of them far below the best)."""
    order = (lambda positions: by_era(reader, scored, positions)) if oldest else None
    exact = exactly(analyzer, scored, parsed, needed, rows, order)
    if not len(exact.ids) and parsed.phrases:
        plain = dataclasses.replace(parsed, phrases=())
        return (exactly(analyzer, scored, plain, needed, rows, order) if parsed.excluded else scored), parsed.phrases
    if parsed.phrases and question and not parsed.excluded and max(map(len, parsed.phrases)) < SENTENCE_CHARS:
        documents = np.unique(reader.passage_doc[exact.ids])
        exact = scored.subset(np.isin(reader.passage_doc[scored.ids], documents))
    return exact, ()


def exactly(analyzer, scored, parsed: ParsedQuery, needed: int, rows: Callable[[np.ndarray], dict[int, tuple]],
            order: Callable[[np.ndarray], np.ndarray] | None = None):
    """The candidates whose passage has every quoted phrase as written (after the same
    normalisation) and none of the excluded words, best first (or in `order`: the positions
    given it, reordered), until `needed` are found.

    Only candidates that matched every word of the phrases are read, in score order and
    in batches, so a phrase query costs about a plain query plus reading its hits."""
    possible = np.ones(len(scored.ids), dtype=bool)
    for phrase in parsed.phrases:
        terms = {t.term for t in analyzer.query_terms(phrase)} & set(scored.distinct)
        # Only the words a compound is made of: a passage can write the phrase inside a longer
        # run that jieba cuts otherwise (全面复辟资本主义 gives no 全面复辟), never without them.
        for term in {t for t in terms if not any(o != t and o in t for o in terms)}:
            possible &= (scored.bits >> scored.distinct.index(term)) & 1 == 1
    positions = np.flatnonzero(possible)
    positions = positions[np.argsort(-scored.final[positions], kind="stable")] if order is None else order(positions)
    kept: list[int] = []
    for start in range(0, len(positions), BATCH):
        batch = positions[start : start + BATCH]
        read = rows(scored.ids[batch])
        for position, pid in zip(batch.tolist(), scored.ids[batch].tolist()):
            norm = read[pid][4]
            if all(p in norm for p in parsed.phrases) and not any(w in norm for w in parsed.excluded):
                kept.append(position)
        if len(kept) >= needed:
            break
    return scored.subset(np.array(kept, dtype=np.int64))
