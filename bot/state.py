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


SUBSCRIPTIONS_SCHEMA = """
create table if not exists subscriptions (
    id integer primary key autoincrement,
    user_id integer not null,
    chat_id integer not null,  -- the private chat alerts go to
    query text not null,
    created real not null
);
create index if not exists subscriptions_user on subscriptions(user_id, id);
"""


@dataclass(frozen=True)
class Subscription:
    id: int
    user_id: int
    chat_id: int
    query: str


class SubscriptionStore:
    """Each user's alert queries, in the bot's SQLite state file, so they survive restarts.

    A user sees their subscriptions numbered 1, 2, 3… in the order they made them; the
    numbers are positions, recomputed after each removal.
    """

    def __init__(self, path: Path | str = ":memory:", per_user: int = 20) -> None:
        self.per_user = per_user
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        if str(path) != ":memory:":
            self._db.execute("pragma journal_mode = wal")
            self._db.execute("pragma busy_timeout = 5000")
        self._db.executescript(SUBSCRIPTIONS_SCHEMA)

    def add(self, user_id: int, chat_id: int, query: str) -> int | None:
        """Subscribe; return the subscription's number for the user (an existing one for
        the same query), or None when the user already has `per_user` of them."""
        with self._lock:
            mine = self._of(user_id)
            for number, subscription in enumerate(mine, start=1):
                if subscription.query == query:
                    return number
            if len(mine) >= self.per_user:
                return None
            self._db.execute(
                "insert into subscriptions (user_id, chat_id, query, created) values (?, ?, ?, ?)",
                (user_id, chat_id, query, time.time()),
            )
            return len(mine) + 1

    def of(self, user_id: int) -> list[Subscription]:
        with self._lock:
            return self._of(user_id)

    def remove(self, user_id: int, number: int) -> Subscription | None:
        """Drop the user's `number`-th subscription (1-based); None if there is no such one."""
        with self._lock:
            mine = self._of(user_id)
            if not 1 <= number <= len(mine):
                return None
            gone = mine[number - 1]
            self._db.execute("delete from subscriptions where id = ?", (gone.id,))
            return gone

    def everyone(self) -> list[Subscription]:
        """All subscriptions, grouped by user, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "select id, user_id, chat_id, query from subscriptions order by user_id, id"
            ).fetchall()
        return [Subscription(*row) for row in rows]

    def _of(self, user_id: int) -> list[Subscription]:
        rows = self._db.execute(
            "select id, user_id, chat_id, query from subscriptions where user_id = ? order by id",
            (user_id,),
        ).fetchall()
        return [Subscription(*row) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


@dataclass
class BotState:
    """Everything the handlers share, kept in application.bot_data[STATE]."""

    settings: Settings
    queries: QueryStore
    limiter: RateLimiter
    service: SearchService | None = None  # set in post_init, once the index is loaded
    subscriptions: SubscriptionStore = field(default_factory=SubscriptionStore)
    indexing: asyncio.Lock = field(default_factory=asyncio.Lock)  # held while (re)building

    @property
    def search(self) -> SearchService:
        if self.service is None:
            raise RuntimeError("the index is not loaded yet (post_init has not run)")
        return self.service


STATE = "state"


def bot_state(context: CallbackContext) -> BotState:
    return context.bot_data[STATE]
