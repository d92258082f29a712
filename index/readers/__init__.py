"""Turn one source file into raw text, or say exactly why not.

Supported formats: plain text and Markdown (``.txt``/``.md``), HTML, DOCX and PDF.
Every failure on bad input is an :class:`~index.errors.UnreadableSource` with a stable
``code`` ("binary", "empty_file", "undecodable", "corrupt_docx", ...) and a ``str()`` that
is a short English reason meant for administrators ("binary file", "empty file",
"undecodable text (tried utf-8, gb18030, big5)", "corrupt docx: ...", ...).

The returned text is a sequence of lines separated by ``"\\n"``; nothing is cleaned
beyond what the format itself needs:

* all formats: line separators (``\\r\\n``, ``\\r``, ``\\f``, ``\\v``, U+0085, U+2028,
  U+2029) become ``"\\n"``, other control characters except ``"\\t"`` are removed, and a
  leading byte-order mark is dropped;
* HTML: whitespace is collapsed as a browser would, block elements become lines,
  empty lines are dropped and each line is stripped;
* DOCX: one line per paragraph (empty paragraphs give empty lines);
* PDF: the text of each page, pages joined with ``"\\n"``.

Text encodings (plain text and HTML): see :mod:`.encoding`.  One module per format;
``READERS`` maps each suffix to its reader, and ``SUPPORTED_SUFFIXES`` is its keys.
"""

from __future__ import annotations

import os
import pathlib
import stat
from collections.abc import Callable

from ..errors import UnreadableSource
from .common import describe
from .docx import read_docx
from .html import read_html
from .pdf import read_pdf
from .plain import read_plain

# python-docx, pypdf and selectolax are imported where they are used: a process that
# only searches never pays for them.

__all__ = ["SUPPORTED_SUFFIXES", "MAX_FILE_SIZE", "READERS", "UnreadableSource", "read_source", "read_bytes", "read_file",
           "shown", "valid_name"]

READERS: dict[str, Callable[[bytes], str]] = {
    ".txt": read_plain, ".md": read_plain, ".docx": read_docx, ".html": read_html, ".htm": read_html, ".pdf": read_pdf,
}
SUPPORTED_SUFFIXES = tuple(READERS)

MAX_FILE_SIZE = 50 * 1024 * 1024  # bytes


def shown(path: str) -> str:
    """A path as it can be printed and stored: bytes that are not UTF-8 become \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def valid_name(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # os.walk keeps undecodable bytes as lone surrogates
        return False
    return True


def read_source(path: pathlib.Path, root: pathlib.Path | str | None = None) -> str:
    """Return the document's text as lines separated by "\\n" (no cleaning beyond what the format needs).

    Raises :class:`UnreadableSource` (and nothing else) for anything that is not a readable
    document: unsupported suffix, missing file, too large, binary, empty, undecodable, corrupt.
    With `root`, the file is read as :func:`read_file` reads a file of that folder.
    """
    path = pathlib.Path(path)
    suffix = _normalise_suffix(path.suffix)
    _check_suffix(suffix)
    return read_bytes(read_file(path, root), suffix)


_KINDS = ((stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"),
          (stat.S_ISSOCK, "socket"))


def read_file(path: pathlib.Path | str, root: pathlib.Path | str | None = None) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_SIZE, checked before anything is read.

    A FIFO, device or socket is refused without opening it (opening a FIFO blocks).  With
    `root`, a symbolic link is followed only to a file inside `root` (the speech folder), so
    `seeds/x.txt -> /etc/passwd` is never read.  Raises :class:`UnreadableSource` only.
    """
    path = os.fspath(path)
    try:
        info = os.lstat(path)
        target = path
        if stat.S_ISLNK(info.st_mode):
            target = os.path.realpath(path)
            if root is not None:
                top = os.path.realpath(root)
                if os.path.commonpath([top, target]) != top:
                    raise UnreadableSource("outside_source", "symlink leads outside the source folder")
            info = os.stat(target)
        _check_regular(info)
        _check_size(info.st_size)
        # O_NONBLOCK: should the file have become a FIFO since lstat, opening it does not hang.
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            opened = os.fstat(handle.fileno())
            _check_regular(opened)
            _check_size(opened.st_size)
            # Read at most one byte more than the limit: the file may grow after stat().
            data = handle.read(MAX_FILE_SIZE + 1)
    except UnreadableSource:
        raise
    except FileNotFoundError:
        raise UnreadableSource("not_found", "file not found") from None
    except PermissionError:
        raise UnreadableSource("permission_denied", "permission denied") from None
    except IsADirectoryError:
        raise UnreadableSource("not_a_file", "not a regular file") from None
    except OSError as exc:
        raise UnreadableSource("read_failed", f"cannot read file: {exc.strerror or exc}") from None
    _check_size(len(data))
    return data


def _check_regular(info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "special file")
        raise UnreadableSource("not_a_file", f"not a regular file ({kind})")


def read_bytes(data: bytes, suffix: str) -> str:
    """Same as :func:`read_source`, for a file held in memory; ``suffix`` is e.g. ".docx" (or "docx")."""
    suffix = _normalise_suffix(suffix)
    _check_suffix(suffix)
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    elif not isinstance(data, bytes):
        raise UnreadableSource("not_bytes", "not a byte string")
    _check_size(len(data))
    if not data:
        raise UnreadableSource("empty_file", "empty file")
    try:
        text = READERS[suffix](data)
    except UnreadableSource:
        raise
    except RecursionError:
        raise UnreadableSource("too_nested", f"document too deeply nested ({suffix[1:]})") from None
    except Exception as exc:  # noqa: BLE001 - the contract is: only UnreadableSource escapes
        raise UnreadableSource("unreadable", f"cannot read {suffix[1:]}: {describe(exc)}") from exc
    return text


def _normalise_suffix(suffix: str) -> str:
    suffix = (suffix or "").strip().lower()
    if suffix and not suffix.startswith("."):
        suffix = "." + suffix
    return suffix


def _check_suffix(suffix: str) -> None:
    if suffix not in READERS:
        if not suffix or suffix == ".":
            raise UnreadableSource("unsupported_type", "unsupported file type (no extension)", suffix="")
        raise UnreadableSource("unsupported_type", f"unsupported file type {suffix}", suffix=suffix)


def _check_size(size: int) -> None:
    if size > MAX_FILE_SIZE:
        raise UnreadableSource(
            "too_large", f"file too large ({size / (1024 * 1024):.1f} MB, limit {MAX_FILE_SIZE // (1024 * 1024)} MB)"
        )
