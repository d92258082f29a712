"""Small in-memory state the handlers share: asked queries (for paging) and per-user rate limits.

Callback data may hold only 64 bytes, so a question is kept here under a short random id
and buttons carry that id. Both stores are bounded and take the time as an argument.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from telegram.ext import CallbackContext

from .config import Settings
from .render import Spans
from .service import SearchService


@dataclass
class AskedQuery:
    query: str
    # Matched words per passage id, from results already shown, to bold the full passage.
    spans: dict[int, Spans] = field(default_factory=dict)


class QueryStore:
    """The most recent `capacity` questions, by short id (least recently used go first)."""

    def __init__(self, capacity: int = 2000) -> None:
        self.capacity = capacity
        self._queries: OrderedDict[str, AskedQuery] = OrderedDict()

    def add(self, query: str) -> str:
        qid = secrets.token_urlsafe(6)  # 8 characters of [A-Za-z0-9_-]
        while qid in self._queries:
            qid = secrets.token_urlsafe(6)
        self._queries[qid] = AskedQuery(query)
        while len(self._queries) > self.capacity:
            self._queries.popitem(last=False)
        return qid

    def get(self, qid: str) -> AskedQuery | None:
        asked = self._queries.get(qid)
        if asked is not None:
            self._queries.move_to_end(qid)
        return asked

    def __len__(self) -> int:
        return len(self._queries)


class RateLimiter:
    """At most `limit` events per user in a sliding window of `window` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def check(self, user_id: int, now: float) -> float:
        """Record an attempt; return 0 if allowed, else the seconds until the next is allowed."""
        if self.limit <= 0:
            return 0.0
        events = self._events.setdefault(user_id, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return events[0] + self.window - now
        events.append(now)
        if len(self._events) > 10_000:
            self._forget_idle(now)
        return 0.0

    def should_warn(self, user_id: int, now: float) -> bool:
        """True once per window for a limited user, so refusals do not become spam."""
        last = self._warned.get(user_id)
        if last is not None and now - last < self.window:
            return False
        self._warned[user_id] = now
        return True

    def _forget_idle(self, now: float) -> None:
        for user_id in [u for u, e in self._events.items() if not e or e[-1] <= now - self.window]:
            del self._events[user_id]
            self._warned.pop(user_id, None)


@dataclass
class BotState:
    """Everything the handlers share, kept in application.bot_data[STATE]."""

    settings: Settings
    queries: QueryStore
    limiter: RateLimiter
    service: SearchService | None = None  # set in post_init, once the index is loaded
    indexing: asyncio.Lock = field(default_factory=asyncio.Lock)  # held while (re)building

    @property
    def search(self) -> SearchService:
        if self.service is None:
            raise RuntimeError("the index is not loaded yet (post_init has not run)")
        return self.service


STATE = "state"


def bot_state(context: CallbackContext) -> BotState:
    return context.bot_data[STATE]
