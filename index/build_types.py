"""The types a build hands from planning (`builder`) to writing (`writer`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .models import DocumentMeta

# progress(stage, done, total): called as a build goes through "reading", "tokenizing", "writing".
Progress = Callable[[str, int, int], None]


@dataclass
class SourceDocument:
    """One speech file on its way into the index: metadata, passages and their tokens."""

    source: str
    path: str
    sha256: str
    meta: DocumentMeta
    texts: list[str] = field(default_factory=list)
    norms: list[str] = field(default_factory=list)
    paragraphs: list[int] = field(default_factory=list)
    parts: list[int] = field(default_factory=list)
    tokens: list[list[str]] | None = None
    dictionary: str = ""
    phrases: set[str] = field(default_factory=set)
    field_terms: set[str] | None = None  # terms of its metadata, once tokenized
    old_id: int | None = None  # its id in the previous index, when it comes from there
    stored_passages: int = 0  # its passage count there (its texts are loaded only if needed)

    @property
    def key(self) -> tuple[str, str]:
        return self.source, self.path

    @property
    def passages_count(self) -> int:
        return len(self.texts) or self.stored_passages
