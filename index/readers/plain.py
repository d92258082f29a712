"""Plain text and Markdown (.txt, .md): decoded and cleaned of control characters."""

from __future__ import annotations

from ..errors import UnreadableSource
from .common import finish
from .encoding import decode_text


def read_plain(data: bytes) -> str:
    if not data.strip():
        raise UnreadableSource("empty_file", "empty file")
    text = finish(decode_text(data))
    if not text.strip():
        raise UnreadableSource("empty_file", "empty file")
    return text
