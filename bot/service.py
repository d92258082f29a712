"""The bot's handle on the search core: the current Searcher, used off the event loop.

The Searcher can be swapped for a freshly built one while questions are being answered:
searches already running finish on the old one, which is closed once nobody uses it.
All bookkeeping happens on the event loop thread; only Searcher calls run in threads.
"""

from __future__ import annotations

import asyncio
import hashlib
import statistics
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

from index import Document, IndexInfo, Passage, Searcher, SearchResult

T = TypeVar("T")


class SearchService:
    def __init__(self, searcher: Searcher) -> None:
        self._searcher = searcher
        self.tag = index_tag(searcher)
        self._users: dict[int, int] = {}  # id(searcher) -> calls running on it
        self._retired: dict[int, Searcher] = {}
        self._answer_ms: deque[float] = deque(maxlen=1000)
        self.answered = 0

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

    async def passage(self, passage_id: int) -> Passage | None:
        return await self._call(lambda s: s.passage(passage_id))

    async def context(self, passage_id: int, before: int = 1, after: int = 1) -> list[Passage]:
        return await self._call(lambda s: s.context(passage_id, before=before, after=after))

    async def documents(self) -> list[Document]:
        return await self._call(lambda s: s.documents())

    async def document(self, document_id: int) -> Document | None:
        return next((d for d in await self.documents() if d.id == document_id), None)

    async def info(self) -> IndexInfo:
        return await self._call(lambda s: s.info())

    def swap(self, searcher: Searcher) -> None:
        """Answer from `searcher` from now on; close the old one when its last call ends."""
        old, self._searcher = self._searcher, searcher
        self.tag = index_tag(searcher)
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


def index_tag(searcher: Searcher) -> str:
    """Four hex digits naming one build of the index.

    Buttons that name a passage or document by id carry it: ids are only meaningful in
    the build that gave them out, and a button from before a rebuild must not show
    another passage.
    """
    info = searcher.info()
    return hashlib.blake2s(f"{info.db_path}|{info.built_at}".encode()).hexdigest()[:4]
