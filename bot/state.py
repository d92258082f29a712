"""State the handlers share: asked questions (for paging) in SQLite, rate limits in memory.

Callback data may hold only 64 bytes, so a question is kept under a short random id and
buttons carry that id. Questions live in a small SQLite file, so paging survives a restart;
each belongs to the user and chat that asked, and nobody else can read it by its id.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from telegram.ext import CallbackContext

from .config import Settings
from .render import Spans
from .service import SearchService

SCHEMA = """
create table if not exists queries (
    qid text primary key,
    query text not null,
    user_id integer not null,
    chat_id integer not null,
    shared integer not null default 0,  -- asked in a group: its deep link works for anyone
    created real not null
);
create index if not exists queries_created on queries(created);
create table if not exists spans (
    qid text not null references queries(qid) on delete cascade,
    passage text not null,  -- the stable passage key the buttons carry
    spans text not null,
    primary key (qid, passage)
);
"""


@dataclass(frozen=True)
class AskedQuery:
    qid: str
    query: str
    user_id: int
    chat_id: int
    shared: bool = False


class QueryStore:
    """The most recent `capacity` questions, by short id, in the SQLite file at `path`.

    Calls are short single-row statements; one connection guarded by a lock serves every
    thread. ":memory:" gives a store that lives as long as the object.
    """

    def __init__(self, path: Path | str = ":memory:", capacity: int = 100_000) -> None:
        self.capacity = capacity
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("pragma foreign_keys = on")
        if str(path) != ":memory:":
            self._db.execute("pragma journal_mode = wal")
            self._db.execute("pragma synchronous = normal")
        self._db.executescript(SCHEMA)
        self._added = 0

    def add(self, query: str, user_id: int, chat_id: int, shared: bool = False) -> str:
        """Keep `query`, asked by `user_id` in `chat_id`; return its new id."""
        with self._lock:
            while True:
                qid = secrets.token_urlsafe(6)  # 8 characters of [A-Za-z0-9_-]
                try:
                    self._db.execute(
                        "insert into queries values (?, ?, ?, ?, ?, ?)",
                        (qid, query, user_id, chat_id, int(shared), time.time()),
                    )
                    break
                except sqlite3.IntegrityError:
                    continue
            self._added += 1
            if self._added % 1000 == 0:
                self._forget_oldest()
        return qid

    def get(self, qid: str, user_id: int, chat_id: int, link: bool = False) -> AskedQuery | None:
        """The question `qid` if `user_id` asked it or it was asked in `chat_id`, else None.

        With `link` (a deep link), a question asked in a group is open to anyone: the group
        saw it, and the link was posted there.
        """
        with self._lock:
            row = self._db.execute(
                "select qid, query, user_id, chat_id, shared from queries where qid = ?", (qid,)
            ).fetchone()
        if row is None:
            return None
        asked = AskedQuery(row[0], row[1], row[2], row[3], bool(row[4]))
        if asked.user_id == user_id or asked.chat_id == chat_id or (link and asked.shared):
            return asked
        return None

    def remember_spans(self, qid: str, spans: dict[str, Spans]) -> None:
        """Matched words per passage key, from results shown, to bold the full passage."""
        with self._lock:
            self._db.executemany(
                "insert or replace into spans values (?, ?, ?)",
                [(qid, key, json.dumps(value)) for key, value in spans.items()],
            )

    def spans(self, qid: str, passage: str) -> Spans:
        with self._lock:
            row = self._db.execute(
                "select spans from spans where qid = ? and passage = ?", (qid, passage)
            ).fetchone()
        return tuple(tuple(pair) for pair in json.loads(row[0])) if row else ()

    def _forget_oldest(self) -> None:
        self._db.execute(
            "delete from queries where qid in (select qid from queries order by created desc"
            " limit -1 offset ?)",
            (self.capacity,),
        )

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("select count(*) from queries").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


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
