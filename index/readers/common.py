"""What every reader shares: the final clean-up of its text and short descriptions of library errors."""

from __future__ import annotations

import re


def describe(exc: BaseException, limit: int = 160) -> str:
    """A one-line, bounded description of a library exception."""
    msg = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Line separators other than "\n" that we turn into "\n".
_NEWLINES_RE = re.compile("\r\n|[\r\f\v\x85\u2028\u2029]")
# Control characters to drop: C0 except \t and \n, DEL, and C1 (\x85 was handled above).
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def finish(text: str) -> str:
    """Normalise line separators and drop control characters; keep everything else as is."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _NEWLINES_RE.sub("\n", text)
    return _CONTROL_RE.sub("", text)
