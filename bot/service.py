"""The bot's handle on the search core: the current Searcher, used off the event loop.

The Searcher can be swapped for a freshly built one while questions are being answered:
searches already running finish on the old one, which is closed once nobody uses it.
All bookkeeping happens on the event loop thread; only Searcher calls run in threads.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from index import Document, Hit, IndexInfo, Passage, Searcher, SearchResult
from index.trend import Trend, trend

T = TypeVar("T")
PAGE_DEPTH = 150  # hits fetched at most to cut a later page from the first ones
KEY_HEX = 12  # hex digits of a document's content hash that buttons carry


def passage_key(document: Document, ordinal: int) -> str:
    """A name for a passage that outlives rebuilds as long as its document is unchanged.

    Ids are renumbered by a full rebuild; a document's content hash and a passage's
    position in it are not.
    """
    return f"{document_key(document)}.{ordinal}"


def document_key(document: Document) -> str:
    return document.sha256[:KEY_HEX]


class SearchService:
    def __init__(self, searcher: Searcher) -> None:
        self._searcher = searcher
        self._users: dict[int, int] = {}  # id(searcher) -> calls running on it
        self._retired: dict[int, Searcher] = {}
        self._answer_ms: deque[float] = deque(maxlen=1000)
        self.answered = 0
        # Called on the event loop after a swap with the documents whose content is new to
        # the index (added or changed files); see bot.alerts.
        self.on_new_documents: Callable[[list[Document]], None] | None = None

    async def _call(self, work: Callable[[Searcher], T]) -> T:
        searcher = self._searcher
        key = id(searcher)
        self._users[key] = self._users.get(key, 0) + 1
        try:
            return await asyncio.to_thread(work, searcher)
        finally:
            self._users[key] -= 1
            if self._users[key] == 0:
                del self._users[key]
                retired = self._retired.pop(key, None)
                if retired is not None:
                    retired.close()

    async def search(self, query: str, top: int, offset: int = 0) -> SearchResult:
        return await self._call(lambda s: s.search(query, top=top, offset=offset))

    async def page(self, query: str, offset: int, size: int) -> SearchResult:
        """Hits offset..offset+size of `query`, with the verdict on the question as a whole.

        The core judges the top hit of what it returns, so a later page is cut from the
        first offset+size hits rather than asked for with an offset.
        """
        if offset + size > PAGE_DEPTH:  # too deep to cut cheaply; the core's page verdict
            return await self.search(query, top=size, offset=offset)
        result = await self.search(query, top=offset + size)
        return replace(result, hits=result.hits[offset:])

    async def passage(self, passage_id: int) -> Passage | None:
        return await self._call(lambda s: s.passage(passage_id))

    async def context(self, passage_id: int, before: int = 1, after: int = 1) -> list[Passage]:
        return await self._call(lambda s: s.context(passage_id, before=before, after=after))

    async def documents(self, offset: int = 0, limit: int = -1) -> list[Document]:
        """Grouped by source folder, by path within one (the order of /sources)."""
        return await self._call(lambda s: s.documents(offset, limit, by_source=True))

    async def sources(self) -> dict[str, int]:
        return await self._call(lambda s: s.sources())

    async def document(self, document_id: int) -> Document | None:
        def find(searcher: Searcher) -> Document | None:
            try:
                return searcher.document(document_id)
            except StopIteration:  # no such id
                return None

        return await self._call(find)

    async def resolve(self, key: str) -> tuple[Document, int] | None:
        """The document and passage id a button's passage key names in the current index."""
        sha, _, ordinal = key.partition(".")
        if not ordinal.isdigit():
            return None

        def find(searcher: Searcher) -> tuple[Document, int] | None:
            document = searcher.document_by_sha(sha)
            passage_id = searcher.passage_at(document.id, int(ordinal)) if document else None
            return None if passage_id is None else (document, passage_id)

        return await self._call(find)

    async def passage_keys(self, hits: Sequence[Hit]) -> dict[int, str]:
        """Passage id -> stable key, "<content hash prefix>.<position in its document>"."""

        def keys(searcher: Searcher) -> dict[int, str]:
            return {
                hit.passage_id: passage_key(hit.document, searcher.ordinal_of(hit.passage_id) or 0)
                for hit in hits
            }

        return await self._call(keys)

    async def document_by_key(self, key: str) -> Document | None:
        return await self._call(lambda s: s.document_by_sha(key))

    async def trend(self, query: str) -> Trend:
        """The timeline of `query` (index.trend); QueryError if it cannot be counted."""
        return await self._call(lambda s: trend(s, query))

    async def info(self) -> IndexInfo:
        return await self._call(lambda s: s.info())

    def swap(self, searcher: Searcher) -> None:
        """Answer from `searcher` from now on; close the old one when its last call ends."""
        old, self._searcher = self._searcher, searcher
        if self.on_new_documents is not None:
            known = {document.sha256 for document in old.documents()}
            fresh = [d for d in searcher.documents() if d.sha256 not in known]
            if fresh:
                self.on_new_documents(fresh)
        if id(old) in self._users:
            self._retired[id(old)] = old
        else:
            old.close()

    def close(self) -> None:
        self._searcher.close()
        for searcher in self._retired.values():
            searcher.close()
        self._retired.clear()

    # --- statistics ----------------------------------------------------------------------

    def record_answer(self, started: float) -> None:
        """Count one answered question that took since `started` (time.perf_counter())."""
        self.answered += 1
        self._answer_ms.append((time.perf_counter() - started) * 1000)

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self._answer_ms) if self._answer_ms else None
