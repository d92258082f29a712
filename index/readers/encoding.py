"""Text bytes -> str: BOM, strict UTF-8, GB18030 or Big5 (whichever looks more like Chinese), tolerant fallbacks.

A BOM (UTF-8, UTF-16, UTF-32) wins; otherwise strict UTF-8, then strict GB18030 and Big5,
choosing between the last two by how much the decoded text looks like ordinary Chinese
(see :func:`.chinese.chinese_score`). A few undecodable bytes in an otherwise clean file
are tolerated and become U+FFFD.  Binary data is refused first.
"""

from __future__ import annotations

import codecs

from ..errors import UnreadableSource
from .chinese import chinese_score

_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive or office document"),
    (b"PK\x05\x06", "zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (b"\x7fELF", "executable"),
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!\x1a\x07", "rar archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"{\\rtf", "RTF document"),
)

# Bytes that never occur in real text (in any of the encodings we accept, whose
# multi-byte sequences only use bytes >= 0x30): C0 controls except \t \n \v \f \r, and DEL.
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x20)) + b"\x7f"
_MAX_CONTROL_SHARE = 0.05


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _check_not_binary(data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnreadableSource("binary", f"binary file ({what})")
    if b"\x00" in data:
        raise UnreadableSource("binary", "binary file")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_SHARE * len(data):
        raise UnreadableSource("binary", "binary file")


_TRIED = ("utf-8", "gb18030", "big5")
# Big5 as written by real software is usually Microsoft's cp950 or the HKSCS extension;
# they agree with plain Big5 on its code points and add a few more.
_BIG5_FAMILY = ("big5", "cp950", "big5hkscs")


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeError, LookupError):
        return None


def _strict_big5(data: bytes) -> str | None:
    for encoding in _BIG5_FAMILY:
        text = _strict(data, encoding)
        if text is not None:
            return text
    return None


def _strict_declared(data: bytes, declared: str) -> str | None:
    return _strict_big5(data) if declared == "big5" else _strict(data, declared)


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode text bytes (see the module docstring); raises UnreadableSource."""
    bom = _bom_encoding(data)
    if bom:
        text = _strict(data, bom)
        if text is None:
            text = _tolerant(data, bom)
        if text is None:
            raise UnreadableSource("undecodable", f"undecodable text (invalid {bom.replace('-sig', '')} after byte-order mark)")
        return text

    _check_not_binary(data)

    utf8 = _strict(data, "utf-8")
    if utf8 is not None:
        if utf8.isascii() or max(utf8) >= "\u0800":
            # Real multi-byte UTF-8 is practically never a coincidence.
            return utf8
        # Only 2-byte sequences (Latin, Greek, Cyrillic, ...): a very short GB18030/Big5
        # text can look like this, e.g. GB18030 "系" is the UTF-8 for "ϵ".
        if declared == "utf-8":
            return utf8
        if declared:
            text = _strict_declared(data, declared)
            if text is not None:
                return text
        legacy = _best_legacy(data)
        if legacy is not None and _clearly_chinese_instead_of(legacy, utf8):
            return legacy
        return utf8

    if declared and declared != "utf-8":
        text = _strict_declared(data, declared)
        if text is not None:
            return text

    text = _best_legacy(data)
    if text is not None and chinese_score(text) >= 0.0:
        return text

    tried = _TRIED if not declared or declared in _TRIED else (declared, *_TRIED)
    text = _best_tolerant(data, declared)
    if text is None:
        raise UnreadableSource("undecodable", f"undecodable text (tried {', '.join(tried)})")
    return text


def _best_legacy(data: bytes) -> str | None:
    """Strict GB18030 or Big5, whichever decodes and looks more like Chinese (GB18030 on a tie)."""
    gb = _strict(data, "gb18030")
    big5 = _strict_big5(data)
    if gb is None or big5 is None:
        return gb if big5 is None else big5
    return big5 if chinese_score(big5) > chinese_score(gb) else gb


def _clearly_chinese_instead_of(legacy: str, utf8: str) -> bool:
    """For short inputs valid as UTF-8 without any 3-byte character: is the legacy reading better?"""
    cjk = sum(1 for c in legacy if "\u4e00" <= c <= "\u9fff")
    letters = sum(1 for c in legacy if c.isalpha())
    return (
        cjk >= 2
        and cjk * 2 >= letters
        and (legacy_score := chinese_score(legacy)) >= 1.0
        and legacy_score > chinese_score(utf8)
    )


# A few invalid bytes in a large clean file (a truncated download, one corrupt
# character) should not make the whole document unreadable.
def _tolerable_errors(length: int) -> int:
    return 1 + length // 1000


def _tolerant(data: bytes, encoding: str) -> str | None:
    text = data.decode(encoding, errors="replace")
    return text if text.count("\ufffd") <= _tolerable_errors(len(text)) else None


def _best_tolerant(data: bytes, declared: str | None) -> str | None:
    """The decoding with the fewest (and few enough) invalid bytes; ties go to the more Chinese-looking."""
    best: tuple[int, float] | None = None
    best_text: str | None = None
    encodings = [declared] if declared and declared not in _TRIED else []
    encodings += ["utf-8", "gb18030", *_BIG5_FAMILY]
    for encoding in encodings:
        try:
            text = data.decode(encoding, errors="replace")
        except (UnicodeError, LookupError):
            continue
        errors = text.count("\ufffd")
        if errors > _tolerable_errors(len(text)):
            continue
        score = chinese_score(text)
        if encoding not in ("utf-8", declared) and score < 0.0:
            continue  # GB18030/Big5 "decoding" of something else
        if best is None or (errors, -score) < best:
            best, best_text = (errors, -score), text
    return best_text
