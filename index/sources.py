"""The one source line of a quote, for every surface (CLI, bot, JSON consumers).

    《在市委经济工作会议上的讲话》 讲话人 王一鸥 · 岳阳 · 2021-01-16 · 第32段

The speaker is labelled as the speech's speaker, so a passage that reports somebody
else's words ("王忠林说……") is never read as that person's quote; unknown fields are left
out, never shown as empty separators; the date falls back to the year.
"""

from __future__ import annotations

from .models import Document

MAX_TITLE = 120  # characters; a longer title is cut with "…"


def title_of(document: Document) -> str:
    title = " ".join((document.meta.title or document.path.rsplit("/", 1)[-1]).split())
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


def source_parts(document: Document, paragraph: int) -> list[str]:
    """The parts after the title: speaker, place, date (or year), paragraph."""
    meta = document.meta
    parts = [_speaker(meta.speaker, meta.role), meta.place, meta.date or (f"{meta.year}年" if meta.year else "")]
    return [p for p in parts if p] + [f"第{paragraph}段"]


def _speaker(name: str, role: str) -> str:
    """讲话人 王一鸥（市委书记）; an office without a name says so, never passes for one."""
    if name:
        return f"讲话人 {name}（{role}）" if role else f"讲话人 {name}"
    return f"讲话人 {role}（姓名未载）" if role else ""


def source_line(document: Document, paragraph: int) -> str:
    """《title》 then the known parts joined by " · "; plain text (escape it for HTML)."""
    return f"《{title_of(document)}》 " + " · ".join(source_parts(document, paragraph))


def missing_line(unmatched: tuple[str, ...] | list[str]) -> str:
    """What a low-confidence answer tells the user before the nearest passages."""
    if unmatched:
        return f"资料库中没有找到与“{'、'.join(unmatched)}”相符的内容。最接近的段落："
    return "资料库中没有找到确切回答这个问题的段落。最接近的段落："
