"""End to end through the real entry point: `python -m bot` with long polling, in a subprocess."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest
from bot_fixtures import (  # noqa: F401  (collection is a fixture)
    ADMIN_ID,
    BOT_ID,
    BOT_USERNAME,
    ROOT,
    TOKEN,
    collection,
    text_of,
)
from botapi.server import BotAPIServer

pytestmark = pytest.mark.timeout(60)


async def test_python_m_bot_answers_over_long_polling_and_stops_cleanly(collection):
    server = BotAPIServer(token=TOKEN, bot_id=BOT_ID, bot_username=BOT_USERNAME)
    await server.start()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": server.base_url,
        "BOT_ADMIN_IDS": str(ADMIN_ID),
        "SPEECHES_DB": str(collection.db_path),
        "SPEECHES_DIR": str(collection.source_dir),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        # commands are registered in post_init, before the first update is taken
        await server.wait_for(lambda: len(server.commands()) == 2, timeout=30)
        user = server.user(3001, "Eve")
        chat = server.private_chat(user)
        server.send_text(chat, user, "岳阳2021年目标")
        (reply,) = await server.wait_for_bot_messages(chat["id"], 1, timeout=20)
        assert "地区生产总值增长8%左右" in text_of(reply) and "王一鸥" in text_of(reply)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
        await server.stop()
    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert TOKEN.split(":")[1] not in stderr.decode()  # the token is never logged
    assert server.unknown_calls == []


async def test_python_m_bot_with_a_broken_index_stops_with_one_line(tmp_path):
    server = BotAPIServer(token=TOKEN, bot_id=BOT_ID, bot_username=BOT_USERNAME)
    await server.start()
    broken = tmp_path / "speeches.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": server.base_url,
        "SPEECHES_DB": str(broken),
        "SPEECHES_DIR": str(tmp_path / "speeches"),
    }
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        await server.stop()
    errors = [line for line in stderr.decode().splitlines() if line.startswith("error:")]
    assert process.returncode == 1, stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert len(errors) == 1 and "python -m index build" in errors[0], stderr.decode()
