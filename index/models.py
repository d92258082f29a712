"""Plain value types that cross module boundaries (and the boundary to the bot)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocumentMeta:
    """What is known about one speech; unknown fields are empty strings, never guesses."""

    title: str = ""
    speaker: str = ""  # a person's name, never a job title
    role: str = ""  # the speaker's office as the text states it: 市委书记, 副省长
    place: str = ""
    date: str = ""  # ISO "YYYY-MM-DD", "YYYY-MM" or "" when unknown
    year: str = ""  # "YYYY" or ""
    kind: str = ""
    source_url: str = ""


@dataclass(frozen=True)
class Document:
    id: int
    path: str  # relative to its source folder, "/"-separated
    source: str  # absolute source folder the file was found in
    meta: DocumentMeta
    passages: int
    sha256: str

    @property
    def file_path(self) -> str:
        """Absolute path of the original file (may have moved since the build)."""
        return f"{self.source.rstrip('/')}/{self.path}"


@dataclass(frozen=True)
class Quote:
    """A short excerpt of a passage; spans are [start, end) offsets into `text` to emphasise."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    passage_id: int
    document: Document
    paragraph: int  # 1-based, within the document
    text: str  # full passage, cleaned, in its original script
    quote: Quote
    spans: tuple[tuple[int, int], ...] = ()  # matched terms in `text`

    def as_json(self) -> dict:
        meta = self.document.meta
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "doc": self.document.path,
            "title": meta.title,
            "speaker": meta.speaker,
            "place": meta.place,
            "date": meta.date,
            "paragraph": self.paragraph,
            "text": self.text,
            "quote": self.quote.text,
        }


@dataclass(frozen=True)
class SearchResult:
    query: str
    took_ms: float
    hits: tuple[Hit, ...]
    total: int  # passages with a positive score (after filters)
    terms: tuple[str, ...] = ()  # normalised query terms actually searched
    filters: dict = field(default_factory=dict)
    # "high": the top hit satisfies what the question names; "low": it does not (or there
    # is no hit), and the hits are only the nearest passages.
    confidence: str = "high"
    unmatched: tuple[str, ...] = ()  # what the question names that the top hit lacks

    def as_json(self) -> dict:
        return {
            "query": self.query,
            "took_ms": round(self.took_ms, 3),
            "total": self.total,
            "confidence": self.confidence,
            "unmatched": list(self.unmatched),
            "hits": [h.as_json() for h in self.hits],
        }


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


@dataclass(frozen=True)
class BuildReport:
    db_path: str
    documents: int
    passages: int
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    skipped: tuple[SkippedFile, ...]
    seconds: float


@dataclass(frozen=True)
class Passage:
    id: int
    document: Document
    paragraph: int
    text: str
    spans: tuple[tuple[int, int], ...] = ()  # a query's matched terms in `text`, when asked


@dataclass(frozen=True)
class IndexInfo:
    db_path: str
    documents: int
    passages: int
    db_bytes: int
    built_at: str  # ISO-8601, UTC
