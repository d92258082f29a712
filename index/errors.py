"""The search core's failures, one vocabulary: each error has a stable `code`.

`str(exc)` is a short English sentence for logs and administrators; the edges (CLI, bot)
turn `exc.code` into a message for the user, each in exactly one place.  Details travel
as attributes (`path`, `suffix`, ...), not inside the sentence only.
"""

from __future__ import annotations


class SearchError(Exception):
    """Base class of the search core's failures."""

    CODES: tuple[str, ...] = ()
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, **details: object) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        for name, value in details.items():
            setattr(self, name, value)


class QueryError(SearchError):
    """A query that cannot be searched."""

    CODES = ("empty", "too_long", "no_terms", "usage")

    def __init__(self, code: str, message: str, **details: object) -> None:
        super().__init__(message, code=code, **details)


class IndexUnavailable(SearchError):
    """The index file is missing, damaged, or from another version; `path` when known."""

    CODES = ("index_missing", "index_damaged", "index_outdated")
    code = "index_damaged"
    path = None


class BuildError(SearchError):
    """A build that could not start or finish; the previous index stays in place."""

    CODES = ("build_locked", "source_missing", "db_is_directory", "db_not_writable", "disk_full")
    code = "build_locked"
    path = None


# code -> how str(exc) begins; some add details: "binary file (PNG image)".
UNREADABLE_REASONS = {
    "unsupported_type": "unsupported file type",
    "not_found": "file not found",
    "permission_denied": "permission denied",
    "not_a_file": "not a regular file",
    "read_failed": "cannot read file",
    "too_large": "file too large",
    "not_bytes": "not a byte string",
    "empty_file": "empty file",
    "binary": "binary file",
    "undecodable": "undecodable text",
    "too_nested": "document too deeply nested",
    "unreadable": "cannot read",
    "corrupt_html": "corrupt html",
    "html_no_text": "html has no text",
    "legacy_doc": "corrupt docx: this is a legacy Word .doc file",
    "corrupt_docx": "corrupt docx",
    "docx_no_text": "docx has no text",
    "corrupt_pdf": "corrupt pdf",
    "encrypted_pdf": "encrypted pdf",
    "pdf_no_pages": "pdf has no pages",
    "pdf_no_text": "pdf has no text layer",
    "no_text_left": "no text left after cleaning",
    "outside_source": "symlink leads outside the source folder",
    "bad_file_name": "file name is not valid UTF-8",
    "bad_metadata": "bad row in metadata.csv",
}


class UnreadableSource(SearchError):
    """A file that cannot be turned into text; ``str(exc)`` (also ``reason``) is a short English reason."""

    CODES = tuple(UNREADABLE_REASONS)

    def __init__(self, code: str, reason: str | None = None, **details: object) -> None:
        if code not in UNREADABLE_REASONS:
            raise ValueError(f"unknown code {code!r}")
        self.reason = reason or UNREADABLE_REASONS[code]
        super().__init__(self.reason, code=code, **details)

    def __str__(self) -> str:
        return self.reason


def unreadable_code(reason: str) -> str | None:
    """The code of an UnreadableSource from its reason (as a SkippedFile keeps it), or None."""
    heads = [(head, code) for code, head in UNREADABLE_REASONS.items() if reason.startswith(head)]
    return max(heads, key=lambda pair: len(pair[0]))[1] if heads else None


ERRORS = (QueryError, IndexUnavailable, BuildError, UnreadableSource)
CODES = tuple(code for error in ERRORS for code in error.CODES)


# Why a file was skipped, as both surfaces tell a user in Chinese (the build report of
# the CLI and of the bot's /reindex); code -> message, one for each UNREADABLE_REASONS code.
UNREADABLE_MESSAGES = {
    "unsupported_type": "不支持的文件类型",
    "not_found": "文件不存在",
    "permission_denied": "没有读取这个文件的权限",
    "not_a_file": "这不是普通文件",
    "read_failed": "无法读取文件",
    "too_large": "文件太大",
    "not_bytes": "不是文件内容",
    "empty_file": "文件是空的",
    "binary": "这是二进制文件，不是文字",
    "undecodable": "无法识别文字编码",
    "too_nested": "文档结构嵌套过深",
    "unreadable": "无法读取文件内容",
    "corrupt_html": "html 文件已损坏",
    "html_no_text": "html 里没有文字",
    "legacy_doc": "这是旧版 Word .doc 文件，请另存为 .docx",
    "corrupt_docx": "docx 文件已损坏",
    "docx_no_text": "docx 里没有文字",
    "corrupt_pdf": "pdf 文件已损坏",
    "encrypted_pdf": "pdf 文件已加密",
    "pdf_no_pages": "pdf 没有页面",
    "pdf_no_text": "pdf 里没有文字层（可能是扫描件）",
    "no_text_left": "清理后没有剩下正文",
    "outside_source": "这是指向讲话文件夹以外的链接，已跳过",
    "bad_file_name": "文件名不是有效的 UTF-8 编码，请改名后再收录",
    "bad_metadata": "metadata.csv 中有一行无法使用",
}
