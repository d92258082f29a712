"""Running the real bot against the fake Bot API server, for the end-to-end tests.

Each test module copies seeds/ into a temporary collection and builds its index once
(`collection`), and starts one fake server and one application for all its tests
(`running_bot`, loading the index and jieba takes about a second). Tests keep out of each
other's way by using new users and chats (`Harness.private`, `Harness.group`), and
`no_unknown_calls` checks after each test that the bot called no method the fake server
does not know.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
import pytest_asyncio
from botapi.server import BotAPIServer

from bot.app import build_application
from bot.config import Settings
from bot.render import visible_text
from bot.state import STATE, BotState
from index import build_index

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
BOT_ID = 123456
BOT_USERNAME = "quote_test_bot"
ADMIN_ID = 1001


@dataclass(frozen=True)
class Collection:
    source_dir: Path
    db_path: Path


def make_collection(root: Path) -> Collection:
    """A private copy of seeds/ with its index built."""
    source = root / "speeches"
    shutil.copytree(ROOT / "seeds", source)
    db_path = root / "db" / "speeches.sqlite"
    db_path.parent.mkdir(parents=True)
    build_index(sources=[source], db_path=db_path)
    return Collection(source, db_path)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> Collection:
    return make_collection(tmp_path_factory.mktemp("collection"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(collection) -> AsyncIterator[Harness]:
    async with running_bot(collection) as harness:
        yield harness


@pytest.fixture(autouse=True)
def no_unknown_calls(request):
    yield
    if "bot" in request.fixturenames:
        server = request.getfixturevalue("bot").server
        assert server.unknown_calls == [], server.describe()
        assert server.internal_errors == [], server.describe()


@dataclass
class Harness:
    server: BotAPIServer
    application: object
    settings: Settings
    ids: itertools.count = field(default_factory=lambda: itertools.count(2001))

    @property
    def state(self) -> BotState:
        return self.application.bot_data[STATE]

    def private(self, name: str = "User", user_id: int | None = None) -> tuple[dict, dict]:
        """A new user and their private chat with the bot."""
        user = self.server.user(user_id or next(self.ids), name, name.lower())
        return user, self.server.private_chat(user)

    def group(self) -> dict:
        return self.server.group_chat(-100_000_000_000 - next(self.ids), "测试群")

    def messages(self, chat: dict) -> list[dict]:
        return self.server.bot_messages(chat["id"])

    async def say(self, chat: dict, user: dict, text: str, reply_to: dict | None = None) -> dict:
        """Send `text` and return the bot's next new message in the chat."""
        before = len(self.messages(chat))
        self.server.send_text(chat, user, text, reply_to=reply_to)
        return (await self.server.wait_for_bot_messages(chat["id"], before + 1))[before]

    async def say_document(self, chat: dict, user: dict, filename: str, content: bytes) -> dict:
        """Send a file and return the bot's next new message in the chat."""
        before = len(self.messages(chat))
        self.server.send_user_document(chat, user, filename, content)
        return (await self.server.wait_for_bot_messages(chat["id"], before + 1, timeout=20))[before]

    async def press(
        self, chat: dict, user: dict, message: dict, data: str, strict: bool = True
    ) -> dict:
        """Press a button; return the answer to the callback query once it came.

        Without `strict`, `data` need not be one of the message's buttons (an old button).
        """
        query_id = self.server.press_button(chat, user, message, data, strict=strict)
        return await self.server.wait_for(lambda: self.server.callback_answers().get(query_id))

    async def quiet(self, seconds: float = 0.4) -> None:
        """Let every delivered update be fetched and handled."""
        await self.server.wait_for(lambda: not self.server.pending_updates())
        await asyncio.sleep(seconds)


@contextlib.asynccontextmanager
async def running_bot(collection: Collection, **overrides) -> AsyncIterator[Harness]:
    server = BotAPIServer(token=TOKEN, bot_id=BOT_ID, bot_username=BOT_USERNAME)
    await server.start()
    settings = Settings(
        token=TOKEN,
        api_url=server.base_url,
        db_path=collection.db_path,
        source_dir=collection.source_dir,
        admin_ids=frozenset({ADMIN_ID}),
        rate_limit=(1000, 60.0),
        progress_seconds=0.05,
    )
    settings = replace(settings, **overrides)
    application = build_application(settings)
    try:
        await application.initialize()
        await application.post_init(application)  # run_polling would do this
        await application.updater.start_polling(poll_interval=0.0, timeout=5)
        await application.start()
        yield Harness(server, application, settings)
        assert server.unknown_calls == [], server.describe()
        assert server.internal_errors == [], server.describe()
    finally:
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.post_shutdown(application)
        await application.shutdown()
        await server.stop()


def text_of(message: dict) -> str:
    return message.get("text", "")


def buttons(message: dict) -> dict[str, str]:
    """Button label -> callback data (or URL) of a bot message."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data") or b.get("url") for row in rows for b in row}


def bold_words(message: dict) -> list[str]:
    """The text of bold entities (offsets are UTF-16)."""
    encoded = text_of(message).encode("utf-16-le")
    return [
        encoded[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in message.get("entities", [])
        if e["type"] == "bold"
    ]


__all__ = [
    "ADMIN_ID",
    "BOT_ID",
    "BOT_USERNAME",
    "TOKEN",
    "Collection",
    "Harness",
    "bold_words",
    "bot",
    "buttons",
    "collection",
    "make_collection",
    "no_unknown_calls",
    "running_bot",
    "snapshot",
    "text_of",
    "visible_text",
]
