"""PDF: the text layer of each page, pages joined with "\\n"; encrypted files only with an empty password."""

from __future__ import annotations

import io

from ..errors import UnreadableSource
from .common import describe, finish


def read_pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    if b"%PDF-" not in data[:1024]:
        raise UnreadableSource("corrupt_pdf", "corrupt pdf: no PDF header")
    try:
        reader = PdfReader(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - pypdf raises PdfReadError, ValueError, KeyError, ...
        raise UnreadableSource("corrupt_pdf", f"corrupt pdf: {describe(exc)}") from exc

    try:
        encrypted = reader.is_encrypted
    except Exception as exc:  # noqa: BLE001
        raise UnreadableSource("corrupt_pdf", f"corrupt pdf: {describe(exc)}") from exc
    if encrypted:
        try:
            opened = reader.decrypt("")
        except DependencyError:
            raise UnreadableSource(
                "encrypted_pdf", "encrypted pdf: decrypting it needs the 'cryptography' package (AES encryption)"
            ) from None
        except Exception as exc:  # noqa: BLE001
            raise UnreadableSource("encrypted_pdf", f"encrypted pdf: cannot decrypt ({describe(exc)})") from exc
        if not opened:
            raise UnreadableSource("encrypted_pdf", "encrypted pdf: a password is required")

    try:
        pages = list(reader.pages)
    except DependencyError:
        raise UnreadableSource("encrypted_pdf", "encrypted pdf: decrypting it needs the 'cryptography' package") from None
    except Exception as exc:  # noqa: BLE001
        raise UnreadableSource("corrupt_pdf", f"corrupt pdf: {describe(exc)}") from exc
    if not pages:
        raise UnreadableSource("pdf_no_pages", "pdf has no pages")

    texts: list[str] = []
    failures: list[str] = []
    for page in pages:
        try:
            texts.append(page.extract_text() or "")
        except DependencyError:
            raise UnreadableSource("encrypted_pdf", "encrypted pdf: decrypting it needs the 'cryptography' package") from None
        except Exception as exc:  # noqa: BLE001 - one broken page should not lose the others
            failures.append(describe(exc))
            texts.append("")
    text = finish("\n".join(texts))
    if not text.strip():
        if failures:
            raise UnreadableSource("corrupt_pdf", f"corrupt pdf: {failures[0]}")
        raise UnreadableSource("pdf_no_text", "pdf has no text layer")
    return text
