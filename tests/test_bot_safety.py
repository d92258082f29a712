"""Safety of the bot's edges: webhook secret, the token kept out of logs, transient failures.

Real processes and real HTTP on 127.0.0.1: `python -m bot` in a subprocess, or the real
python-telegram-bot stack in process, against the fake Bot API server, whose `fail_next`
answers a call with a 5xx, drops its connection or hangs.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import socket
import sys
import time

import httpx
import pytest
from bot_fixtures import (  # noqa: F401  (bot, collection and no_unknown_calls are fixtures)
    ADMIN_ID,
    BOT_ID,
    BOT_USERNAME,
    ROOT,
    TOKEN,
    bot,
    collection,
    no_unknown_calls,
    text_of,
)
from botapi.server import BotAPIServer
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.config import ConfigError, Settings
from bot.logsafe import TokenFilter, mask_token
from bot.retry import RetryingRequest
from bot.texts import APOLOGY

pytestmark = pytest.mark.timeout(60)

SECRET_PART = TOKEN.split(":")[1]
WRONG_TOKEN = "123456:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
QUESTION = "岳阳2021年目标"
ANSWER = "地区生产总值增长8%左右"


def bot_env(**settings: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        **settings,
    }


async def start_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


async def stop_bot(process: asyncio.subprocess.Process) -> str:
    """SIGINT if still running; everything it wrote (stdout and stderr)."""
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
    return await finished(process)


async def finished(process: asyncio.subprocess.Process) -> str:
    """Everything a bot that stops by itself wrote (stdout and stderr)."""
    output, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    return output.decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- item 7: webhook mode needs a secret --------------------------------------------------


def test_webhook_settings_without_a_secret_are_refused():
    environ = {"TELEGRAM_BOT_TOKEN": TOKEN, "BOT_WEBHOOK_URL": "https://bot.example.org/hook"}
    with pytest.raises(ConfigError, match="BOT_WEBHOOK_SECRET is required"):
        Settings.from_env(environ)
    settings = Settings.from_env({**environ, "BOT_WEBHOOK_SECRET": "x" * 43})
    assert settings.webhook_listen == "127.0.0.1"  # behind a reverse proxy unless told otherwise


async def test_python_m_bot_in_webhook_mode_without_a_secret_stops_with_one_line():
    process = await start_bot(
        bot_env(TELEGRAM_BOT_TOKEN=TOKEN, BOT_WEBHOOK_URL="https://bot.example.org/hook")
    )
    output = await finished(process)
    assert process.returncode == 2
    (line,) = output.splitlines()
    assert line.startswith("error: BOT_WEBHOOK_SECRET is required"), line


async def test_forged_webhook_posts_are_rejected_and_only_telegrams_are_handled(collection):
    server = BotAPIServer(token=TOKEN, bot_id=BOT_ID, bot_username=BOT_USERNAME)
    await server.start()
    port, secret = free_port(), "s3cret-for-the-test_0123456789abcdef"
    url = f"http://127.0.0.1:{port}/telegram/hook"
    process = await start_bot(
        bot_env(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=server.base_url,
            BOT_ADMIN_IDS=str(ADMIN_ID),
            SPEECHES_DB=str(collection.db_path),
            SPEECHES_DIR=str(collection.source_dir),
            BOT_WEBHOOK_URL=url,
            BOT_WEBHOOK_PORT=str(port),
            BOT_WEBHOOK_SECRET=secret,
        )
    )
    try:
        await server.wait_for(lambda: server.webhook, timeout=30)
        assert server.webhook["url"] == url and server.webhook["secret_token"] == secret
        admin = server.user(ADMIN_ID, "Admin")
        admin_chat = server.private_chat(admin)
        forged = {"update_id": 1, "message": server.send_text(admin_chat, admin, "/stats")}
        async with httpx.AsyncClient(timeout=10) as client:
            statuses = [
                (await client.post(url, json=forged, headers=headers)).status_code
                for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guessed"})
            ]
            user = server.user(3101, "Eve")
            chat = server.private_chat(user)
            real = {"update_id": 2, "message": server.send_text(chat, user, QUESTION)}
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
            accepted = (await client.post(url, json=real, headers=headers)).status_code
        (reply,) = await server.wait_for_bot_messages(chat["id"], 1, timeout=20)
        assert ANSWER in text_of(reply)
        assert statuses == [403, 403] and accepted == 200
        assert server.bot_messages(admin_chat["id"]) == []  # the forged /stats never ran
    finally:
        output = await stop_bot(process)
        await server.stop()
    assert process.returncode == 0, output
    assert "Traceback" not in output and SECRET_PART not in output


# --- item 8: the token never reaches the logs ---------------------------------------------


def test_the_token_filter_masks_message_arguments_and_traceback():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TokenFilter(TOKEN))
    logger = logging.getLogger("test_bot_safety.masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.error("URL %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
        try:
            raise RuntimeError(f"The token `{TOKEN}` was rejected; also bot987654:{'Z' * 35}")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    logged = stream.getvalue()
    assert SECRET_PART not in logged and "Z" * 35 not in logged
    assert "https://api.telegram.org/bot123456:***/getMe" in logged
    assert "The token `123456:***` was rejected; also bot987654:***" in logged
    assert mask_token("nothing to hide 12:34") == "nothing to hide 12:34"


async def test_no_log_line_at_debug_contains_the_token(collection):
    server = BotAPIServer(token=TOKEN, bot_id=BOT_ID, bot_username=BOT_USERNAME)
    await server.start()
    env = bot_env(
        TELEGRAM_API_URL=server.base_url,
        SPEECHES_DB=str(collection.db_path),
        SPEECHES_DIR=str(collection.source_dir),
        BOT_LOG_LEVEL="DEBUG",
    )
    try:
        process = await start_bot({**env, "TELEGRAM_BOT_TOKEN": TOKEN})
        try:
            await server.wait_for(lambda: server.commands(), timeout=30)
            user = server.user(3201, "Eve")
            chat = server.private_chat(user)
            server.fail_next("sendMessage", 502)  # a retry, logged too
            server.send_text(chat, user, QUESTION)
            await server.wait_for_bot_messages(chat["id"], 1, timeout=20)
        finally:
            answered = await stop_bot(process)
        rejected_process = await start_bot({**env, "TELEGRAM_BOT_TOKEN": WRONG_TOKEN})
        rejected = await finished(rejected_process)
        quiet_process = await start_bot(
            {**env, "TELEGRAM_BOT_TOKEN": WRONG_TOKEN, "BOT_LOG_LEVEL": "INFO"}
        )
        quiet = await finished(quiet_process)
    finally:
        await server.stop()
    assert process.returncode == 0, answered
    assert "123456:***/sendMessage" in answered  # the URLs were logged, masked
    assert "sendMessage succeeded on attempt 2 of 3" in answered
    assert SECRET_PART not in answered
    assert rejected_process.returncode == 2
    assert "123456:***" in rejected and "BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0" not in rejected
    assert "Traceback" not in rejected
    # at the default level a rejected token is one line
    (line,) = quiet.splitlines()
    assert line.startswith("error: Telegram rejected TELEGRAM_BOT_TOKEN"), quiet


# --- item 12: a wrong API URL is one line -------------------------------------------------


async def test_an_unreachable_api_url_stops_with_one_line(tmp_path):
    process = await start_bot(
        bot_env(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=f"http://127.0.0.1:{free_port()}",
            SPEECHES_DB=str(tmp_path / "speeches.sqlite"),
            SPEECHES_DIR=str(tmp_path / "speeches"),
        )
    )
    output = await finished(process)
    assert process.returncode == 1
    (line,) = output.splitlines()
    assert line.startswith("error: cannot reach the Bot API at http://127.0.0.1:"), line
    assert SECRET_PART not in line


# --- item 9: transient failures do not cost the answer ------------------------------------


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    "faults", [(500,), (502,), ("drop",), (502, "drop")], ids=["500", "502", "drop", "502+drop"]
)
async def test_a_failed_send_message_still_delivers_the_answer_once(bot, faults):
    user, chat = bot.private("Retry")
    served = len(bot.server.faults_served)
    bot.server.fail_next("sendMessage", *faults)
    bot.server.send_text(chat, user, QUESTION)
    await bot.server.wait_for_bot_messages(chat["id"], 1, timeout=20)
    await bot.quiet(0.5)
    (reply,) = bot.messages(chat)
    assert ANSWER in text_of(reply) and APOLOGY not in text_of(reply)
    assert [fault for _, fault in bot.server.faults_served[served:]] == list(faults)


@pytest.fixture
async def direct_bot():
    """A bare PTB Bot with the retrying request and short timeouts, and a chat to write to."""
    async with BotAPIServer(token=TOKEN, bot_id=BOT_ID, bot_username=BOT_USERNAME) as server:
        server.hang_seconds = 1.0
        request = RetryingRequest(read_timeout=0.3, first_delay=0.05)
        async with Bot(TOKEN, base_url=f"{server.base_url}/bot", request=request) as telegram:
            chat = server.private_chat(server.user(3301, "Eve"))
            yield server, telegram, chat["id"]


def send_calls(server: BotAPIServer) -> int:
    return sum(1 for method, _ in server.calls if method == "sendMessage")


async def test_a_timed_out_send_message_is_retried(direct_bot):
    server, telegram, chat_id = direct_bot
    server.fail_next("sendMessage", "hang")
    await telegram.send_message(chat_id, "答案")
    assert [m["text"] for m in server.bot_messages(chat_id)] == ["答案"]
    assert send_calls(server) == 2


async def test_client_errors_are_not_retried(direct_bot):
    server, telegram, chat_id = direct_bot
    server.fail_next("sendMessage", 400)
    with pytest.raises(BadRequest):
        await telegram.send_message(chat_id, "答案")
    assert send_calls(server) == 1 and server.bot_messages(chat_id) == []


async def test_retries_are_bounded(direct_bot):
    server, telegram, chat_id = direct_bot
    server.fail_next("sendMessage", 500, "drop", 502)
    with pytest.raises(NetworkError):
        await telegram.send_message(chat_id, "答案")
    assert send_calls(server) == 3 and server.bot_messages(chat_id) == []
    server.fail_next("sendMessage", "hang")
    telegram.request.budget = 0.2  # a timeout uses up the budget: no second attempt
    started = time.monotonic()
    with pytest.raises(TimedOut):
        await telegram.send_message(chat_id, "答案")
    assert send_calls(server) == 4 and time.monotonic() - started < 1.0
