"""Matched-term spans and short quotes, cut from the passage's own text."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from .cleaning import sentences
from .models import Quote
from .normalize import normalize_aligned, original_span

QUOTE_LIMIT = 200
ELLIPSIS = "…"
_ASCII_WORD = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")


class Highlights:
    """A query's terms as quotes look for them, made once per query: per term, its
    normalised surface forms and its weight."""

    def __init__(self, terms: Sequence[tuple[Sequence[str], float]]):
        self.weights = [weight for _, weight in terms]
        # (surface, term index, whether it starts with a Latin letter or digit), longest first
        self.surfaces = sorted(
            ((surface, index, surface[0] in _ASCII_WORD) for index, (surfaces, _) in enumerate(terms)
             for surface in surfaces if surface),
            key=lambda item: -len(item[0]),
        )


def find_spans(text: str, highlights: Highlights, norm: str | None = None) -> list[tuple[int, int, int]]:
    """Non-overlapping (start, end, term index) matches of the terms' surface forms in `text`,
    a longer form first.

    Matching happens on the normalised text and spans are mapped back to `text`.  `norm`,
    the stored normalised text, saves normalising again when it is aligned with `text`.
    Latin/digit terms must not be part of a longer Latin/digit run (8 in 2018).
    """
    offsets = None
    if norm is None or len(norm) != len(text):
        norm, offsets = normalize_aligned(text)
    length = len(norm)
    taken = bytearray(length)
    found: list[tuple[int, int, int]] = []
    for surface, index, latin in highlights.surfaces:
        start = norm.find(surface)
        size = len(surface)
        while start != -1:
            end = start + size
            if taken.find(1, start, end) == -1 and not (latin and (
                    (start > 0 and norm[start - 1] in _ASCII_WORD) or (end < length and norm[end] in _ASCII_WORD))):
                taken[start:end] = b"\1" * size
                found.append((start, end, index) if offsets is None else (*original_span(offsets, start, end), index))
            start = norm.find(surface, start + 1)
    found.sort()
    return found


def make_quote(text: str, spans: Sequence[tuple[int, int, int]], weights: Sequence[float], limit: int = QUOTE_LIMIT) -> Quote:
    """The best-matching sentence(s) of `text`, at most about `limit` characters.

    Sentences are scored by the summed weight of the distinct terms they contain; the
    best one is widened with its neighbours while it fits, or, when it alone is too
    long, cut to the window with the most weight, with "…" where the cut falls.
    """
    if len(text) <= limit:  # the best sentence would be widened to all of them (they join back to `text`)
        if not (text[:1].isspace() or text[-1:].isspace()):  # nothing to strip: all of it, as it is
            return Quote(text, tuple([(s, e) for s, e, _ in spans]))
        return _cut(text, 0, len(text), spans, (0,), (len(text),))
    bounds = []
    position = 0
    for sentence in sentences(text) or [text]:
        bounds.append((position, position + len(sentence)))
        position += len(sentence)

    def weight(lo: int, hi: int) -> float:
        return sum(weights[i] for i in {i for s, e, i in spans if s >= lo and e <= hi})

    # weight(*bounds[k]) for every sentence in one pass over the spans: a span lies within
    # the sentence where it starts or in none
    inside: dict[int, set[int]] = {}
    sentence_starts = [b[0] for b in bounds]
    for s, e, i in spans:
        k = bisect_right(sentence_starts, s) - 1
        if k >= 0 and e <= bounds[k][1]:
            inside.setdefault(k, set()).add(i)
    sentence_weights = [sum(weights[i] for i in inside.get(k, ())) for k in range(len(bounds))]
    best = max(range(len(bounds)), key=lambda k: (sentence_weights[k], -k))
    lo, hi = bounds[best]
    if hi - lo > limit:
        anchors = [s for s, e, _ in spans if s >= lo and e <= hi] or [lo]
        starts = {max(lo, min(a - 20, hi - limit)) for a in anchors}

        def spread(start: int) -> int:
            """How far the window's matches sit from its middle: less is a better cut."""
            inside = [(s + e) / 2 for s, e, _ in spans if s >= start and e <= start + limit]
            return abs(sum(inside) / len(inside) - (start + limit / 2)) if inside else limit

        start = max(sorted(starts), key=lambda w: (weight(w, w + limit), -spread(w)))
        lo, hi = start, start + limit
    else:
        before, after = best - 1, best + 1
        while True:
            grown = False
            if after < len(bounds) and bounds[after][1] - lo <= limit:
                hi = bounds[after][1]
                after += 1
                grown = True
            if before >= 0 and hi - bounds[before][0] <= limit:
                lo = bounds[before][0]
                before -= 1
                grown = True
            if not grown:
                break
    return _cut(text, lo, hi, spans, [s for s, _ in bounds], [e for _, e in bounds])


def _cut(text: str, lo: int, hi: int, spans, starts: Sequence[int], ends: Sequence[int]) -> Quote:
    """text[lo:hi] stripped, with "…" where it does not start or end at a sentence's bounds."""
    raw = text[lo:hi]
    stripped_left = len(raw) - len(raw.lstrip())
    body = raw.strip()
    lo += stripped_left
    hi = lo + len(body)
    prefix = ELLIPSIS if lo > 0 and lo - stripped_left not in starts else ""
    suffix = ELLIPSIS if hi < len(text) and (hi + (len(raw) - len(raw.rstrip()))) not in ends else ""
    shift = len(prefix) - lo
    quote_spans = tuple((s + shift, e + shift) for s, e, _ in spans if s >= lo and e <= hi)
    return Quote(prefix + body + suffix, quote_spans)
