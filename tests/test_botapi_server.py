"""Tests of the fake Telegram Bot API server, driven by the real python-telegram-bot stack."""

from __future__ import annotations

import asyncio
import datetime as dtm
import io
import time

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    ChatMemberAdministrator,
    ChatMemberMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    MessageEntity,
    ReplyParameters,
)
from telegram.error import BadRequest, InvalidToken
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

try:
    from tests.botapi import BotAPIServer, html_to_entities
    from tests.botapi.server import HTMLParseError
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from botapi import BotAPIServer, html_to_entities
    from botapi.server import HTMLParseError


@pytest.fixture
async def server():
    srv = BotAPIServer()
    await srv.start()
    yield srv
    await srv.stop()


def make_bot(server: BotAPIServer, token: str | None = None) -> Bot:
    return Bot(
        token or server.token,
        base_url=f"{server.base_url}/bot",
        base_file_url=f"{server.base_url}/file/bot",
    )


@pytest.fixture
async def bot(server):
    async with make_bot(server) as b:
        yield b


@pytest.fixture
def chat(server):
    return server.private_chat(server.user(42, "Alice", "alice_user"))


# --------------------------------------------------------------------------- HTML parsing


def test_html_to_entities_offsets_in_utf16():
    text, entities = html_to_entities("<b>😀 bold</b> and <i>ital</i>")
    assert text == "😀 bold and ital"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 7},
        {"type": "italic", "offset": 12, "length": 4},
    ]


def test_html_to_entities_tags_and_html_entities():
    html = (
        '<u>u</u><s>s</s><code>c</code> <a href="https://example.com">link</a>\n'
        "<tg-spoiler>sp</tg-spoiler> <blockquote>q</blockquote>"
        '<pre><code class="language-python">x = 1</code></pre>'
        " &lt;&gt;&amp;&quot;&#20013;&#x1F600; &nbsp;"
    )
    text, entities = html_to_entities(html)
    assert text == 'usc link\nsp qx = 1 <>&"中😀 &nbsp;'
    assert entities == [
        {"type": "underline", "offset": 0, "length": 1},
        {"type": "strikethrough", "offset": 1, "length": 1},
        {"type": "code", "offset": 2, "length": 1},
        {"type": "text_link", "offset": 4, "length": 4, "url": "https://example.com/"},
        {"type": "spoiler", "offset": 9, "length": 2},
        {"type": "blockquote", "offset": 12, "length": 1},
        {"type": "pre", "offset": 13, "length": 5, "language": "python"},
    ]


def test_html_to_entities_normalises_like_telegram():
    # surrounding whitespace is trimmed, entities do not start with whitespace,
    # adjacent entities of one type are merged, formatting inside code is dropped
    bold = {"type": "bold", "offset": 0, "length": 2}
    assert html_to_entities("  <b> hi </b>  \n") == ("hi", [bold])
    assert html_to_entities("<b>a</b><b>b</b>")[1] == [bold]
    code = {"type": "code", "offset": 0, "length": 1}
    assert html_to_entities("<code><b>x</b></code>")[1] == [code]
    assert html_to_entities("<b></b>") == ("", [])
    # automatically detected entities
    text, entities = html_to_entities("/start@quote_test_bot hi @someone #tag https://x.org/a).")
    assert [(e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in entities] == [
        ("bot_command", "/start@quote_test_bot"),
        ("mention", "@someone"),
        ("hashtag", "#tag"),
        ("url", "https://x.org/a"),
    ]
    assert html_to_entities("@someone", detect_entities=False) == ("@someone", [])


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<", "Unclosed start tag at byte offset 0"),
        ('<a href="x"', "Unclosed start tag at byte offset 0"),
        ("<a href=http://x>y</a>", "Unexpected end of name token at byte offset 8"),
    ],
)
def test_html_to_entities_rejects_malformed_html(html, message):
    with pytest.raises(HTMLParseError) as info:
        html_to_entities(html)
    assert str(info.value) == message


# --------------------------------------------------------------------------- Bot API methods


async def test_get_me(bot, server):
    me = await bot.get_me()
    assert me.is_bot is True
    assert me.id == server.bot_id
    assert me.username == "quote_test_bot"
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is True
    assert server.calls[0][0] == "getMe"


async def test_wrong_token_is_unauthorized(server):
    wrong = make_bot(server, token="654321:WRONG")
    try:
        with pytest.raises(InvalidToken):
            await wrong.initialize()
    finally:
        await wrong.shutdown()
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{server.base_url}/bot654321:WRONG/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert server.calls == []


async def test_send_message_html(bot, server, chat):
    html = "<b>😀 bold</b> and <i>ital</i>"
    message = await bot.send_message(chat["id"], html, parse_mode="HTML")
    assert message.text == "😀 bold and ital"
    assert message.from_user.is_bot and message.from_user.id == server.bot_id
    assert message.chat.id == 42
    assert abs(message.date.timestamp() - time.time()) < 5
    assert message.entities == (
        MessageEntity(MessageEntity.BOLD, 0, 7),
        MessageEntity(MessageEntity.ITALIC, 12, 4),
    )
    assert list(message.parse_entities().values()) == ["😀 bold", "ital"]
    second = await bot.send_message(chat["id"], "plain")
    assert second.message_id == message.message_id + 1
    assert second.entities == ()
    stored = server.bot_messages(42)
    assert [m["text"] for m in stored] == ["😀 bold and ital", "plain"]
    assert stored[0]["entities"][0] == {"type": "bold", "offset": 0, "length": 7}
    assert server.calls[-1] == ("sendMessage", {"chat_id": 42, "text": "plain"})


async def test_send_message_errors(bot, server, chat):
    with pytest.raises(BadRequest, match="Can't parse entities: unsupported start tag \"br\""):
        await bot.send_message(chat["id"], "a<br>b", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Can't parse entities: can't find end tag"):
        await bot.send_message(chat["id"], "<b>open", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(chat["id"], "x" * 4097)
    # the limit applies after entity parsing
    long_html = "<b>" + "x" * 4096 + "</b>"
    assert len((await bot.send_message(chat["id"], long_html, parse_mode="HTML")).text) == 4096
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(chat["id"], "")
    with pytest.raises(BadRequest, match="Message must be non-empty"):
        await bot.send_message(chat["id"], "<b> </b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(777, "hi")
    with pytest.raises(BadRequest, match="Too many entities"):
        await bot.send_message(chat["id"], "<b>x</b> " * 101, parse_mode="HTML")
    assert len(server.bot_messages(42)) == 1


async def test_inline_keyboard_callback_data_limit(bot, server, chat):
    ok = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("ok", callback_data="x" * 64)],
            [InlineKeyboardButton("site", url="https://example.com")],
        ]
    )
    message = await bot.send_message(chat["id"], "pick", reply_markup=ok)
    assert message.reply_markup == ok
    assert server.bot_messages(42)[0]["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "ok",
        "callback_data": "x" * 64,
    }
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="é" * 32 + "x")]])
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(chat["id"], "pick", reply_markup=too_long)
    assert len(server.bot_messages(42)) == 1


async def test_edit_message_text_and_markup(bot, server, chat):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("more", callback_data="more")]])
    message = await bot.send_message(
        chat["id"], "<b>one</b>", parse_mode="HTML", reply_markup=markup
    )
    edited = await bot.edit_message_text(
        "<i>two</i>",
        chat_id=chat["id"],
        message_id=message.message_id,
        parse_mode="HTML",
        reply_markup=markup,
    )
    assert edited.text == "two"
    assert edited.message_id == message.message_id
    assert edited.entities == (MessageEntity(MessageEntity.ITALIC, 0, 3),)
    assert edited.edit_date is not None
    assert edited.reply_markup == markup
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<i>two</i>",
            chat_id=chat["id"],
            message_id=message.message_id,
            parse_mode="HTML",
            reply_markup=markup,
        )
    # like Telegram, editing the text without reply_markup removes the keyboard
    edited = await bot.edit_message_text(
        "<i>two</i>", chat["id"], message.message_id, parse_mode="HTML"
    )
    assert edited.reply_markup is None
    assert "reply_markup" not in server.bot_messages(42)[0]
    edited = await bot.edit_message_reply_markup(
        chat["id"], message.message_id, reply_markup=markup
    )
    assert edited.reply_markup == markup
    assert server.bot_messages(42)[0]["reply_markup"] == markup.to_dict()
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=chat["id"], message_id=999)


async def test_reply_parameters(bot, server, chat):
    user = server.user(42, "Alice", "alice_user")
    incoming = server.send_text(chat, user, "/quote 人民")
    assert incoming["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    reply = await bot.send_message(
        chat["id"], "answer", reply_parameters=ReplyParameters(incoming["message_id"])
    )
    assert reply.reply_to_message.message_id == incoming["message_id"]
    assert reply.reply_to_message.text == "/quote 人民"
    legacy = await bot.send_message(chat["id"], "again", reply_to_message_id=incoming["message_id"])
    assert legacy.reply_to_message.message_id == incoming["message_id"]
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(chat["id"], "x", reply_parameters=ReplyParameters(999))
    lenient = await bot.send_message(
        chat["id"], "x", reply_parameters=ReplyParameters(999, allow_sending_without_reply=True)
    )
    assert lenient.reply_to_message is None
    assert server.bot_messages(42)[0]["reply_to_message"]["message_id"] == incoming["message_id"]


async def test_get_updates_offset_limit_and_long_poll(bot, server, chat):
    user = server.user(42, "Alice")
    server.send_text(chat, user, "/start")
    server.send_text(chat, user, "hello @someone_else")
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates] == ["/start", "hello @someone_else"]
    assert updates[1].update_id == updates[0].update_id + 1
    assert updates[1].message.entities == (MessageEntity(MessageEntity.MENTION, 6, 13),)
    assert updates[0].message.from_user.id == 42
    # without a new offset the same updates are returned again
    assert len(await bot.get_updates(timeout=0)) == 2
    assert len(await bot.get_updates(limit=1, timeout=0)) == 1
    last = updates[-1].update_id
    assert await bot.get_updates(offset=last + 1, timeout=0) == ()
    assert server.pending_updates() == []

    # long polling returns as soon as an update arrives ...
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(offset=last + 1, timeout=5))
    await asyncio.sleep(0.2)
    server.send_text(chat, user, "late")
    updates = await poll
    assert [u.message.text for u in updates] == ["late"]
    assert time.monotonic() - started < 2
    # ... and returns an empty list after the timeout otherwise
    started = time.monotonic()
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_send_document_multipart(bot, server, chat):
    content = "引文\n".encode() * 100
    message = await bot.send_document(
        chat["id"],
        document=content,
        filename="quotes.txt",
        caption="<b>Quotes</b> file",
        parse_mode="HTML",
    )
    assert message.document.file_name == "quotes.txt"
    assert message.document.file_size == len(content)
    assert message.document.mime_type == "text/plain"
    assert message.caption == "Quotes file"
    assert message.caption_entities == (MessageEntity(MessageEntity.BOLD, 0, 6),)
    assert server.file_bytes(message.document.file_id) == content
    stored = server.bot_messages(42)[0]
    assert stored["document"]["file_name"] == "quotes.txt"
    assert server.calls[-1][1]["document"] == {
        "filename": "quotes.txt",
        "mime_type": "text/plain",
        "size": len(content),
    }
    # the bot can download what it uploaded
    file = await bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content


async def test_get_file_and_download_user_document(bot, server, chat):
    user = server.user(42, "Alice")
    sent = server.send_user_document(chat, user, "speech.docx", b"PK\x03\x04 docx bytes")
    (update,) = await bot.get_updates(timeout=0)
    document = update.message.document
    assert document.file_id == sent["document"]["file_id"]
    assert document.file_name == "speech.docx"
    file = await bot.get_file(document.file_id)
    assert file.file_path.startswith(f"{server.base_url}/file/bot{server.token}/")
    buffer = io.BytesIO()
    await file.download_to_memory(buffer)
    assert buffer.getvalue() == b"PK\x03\x04 docx bytes"
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")


async def test_callback_and_inline_answers(bot, server, chat):
    user = server.user(42, "Alice")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("next", callback_data="page:2")]])
    message = await bot.send_message(chat["id"], "page 1", reply_markup=markup)
    query_id = server.press_button(chat, user, message.to_dict(), "page:2")
    with pytest.raises(AssertionError):
        server.press_button(chat, user, message.to_dict(), "page:3")
    (update,) = await bot.get_updates(timeout=0)
    assert update.callback_query.id == query_id
    assert update.callback_query.data == "page:2"
    assert update.callback_query.message.message_id == message.message_id
    assert await update.callback_query.answer("done") is True
    assert server.callback_answers()[query_id]["text"] == "done"
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)

    inline_id = server.inline_query(user, "人民")
    updates = await bot.get_updates(offset=update.update_id + 1, timeout=0)
    assert updates[0].inline_query.query == "人民"
    results = [
        InlineQueryResultArticle(
            str(i), f"title {i}", InputTextMessageContent(f"<b>{i}</b>", parse_mode="HTML")
        )
        for i in range(51)
    ]
    with pytest.raises(BadRequest, match="(?i)results_too_much"):
        await bot.answer_inline_query(inline_id, results)
    bad_html = [
        InlineQueryResultArticle("1", "t", InputTextMessageContent("<x>", parse_mode="HTML"))
    ]
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.answer_inline_query(inline_id, bad_html)
    # a raw JSON request (PTB cannot build an article without a title)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{server.base_url}/bot{server.token}/answerInlineQuery",
            json={
                "inline_query_id": inline_id,
                "results": [
                    {"type": "article", "id": "1", "input_message_content": {"message_text": "x"}}
                ],
            },
        )
    assert response.status_code == 400
    assert response.json()["description"] == (
        'Bad Request: can\'t parse inline query result: Can\'t find field "title"'
    )
    assert await bot.answer_inline_query(inline_id, results[:50], cache_time=0) is True
    answer = server.inline_answers()[inline_id]
    assert len(answer["results"]) == 50
    assert answer["results"][0]["input_message_content"]["message_text"] == "<b>0</b>"
    server.choose_inline_result(user, "3", "人民")
    updates = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert updates[0].chosen_inline_result.result_id == "3"


async def test_commands_chat_member_and_chat_action(bot, server, chat):
    commands = [BotCommand("quote", "Find a quote"), BotCommand("help", "Help")]
    assert await bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats()) is True
    assert server.commands() == [
        {
            "commands": [c.to_dict() for c in commands],
            "scope": {"type": "all_private_chats"},
            "language_code": "",
        }
    ]
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == tuple(commands)
    assert await bot.delete_my_commands(scope=BotCommandScopeAllPrivateChats()) is True
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Command", "x")])

    group = server.group_chat(-100500, "Readers")
    member = await bot.get_chat_member(group["id"], 42)
    assert isinstance(member, ChatMemberMember)
    server.set_chat_member_status(group["id"], 42, "administrator")
    assert isinstance(await bot.get_chat_member(group["id"], 42), ChatMemberAdministrator)
    assert await bot.send_chat_action(chat["id"], "typing") is True
    assert server.unknown_calls == []


async def test_unknown_method_is_recorded(bot, server, chat):
    with pytest.raises(InvalidToken, match="not implemented by the test server"):
        await bot.send_poll(chat["id"], "Q?", ["a", "b"])
    assert server.unknown_calls == ["sendPoll"]
    assert server.calls[-1][0] == "sendPoll"


async def test_wait_for_reports_recent_calls(server, bot):
    await bot.get_me()
    with pytest.raises(AssertionError, match="getMe"):
        await server.wait_for(lambda: False, timeout=0.05)
    assert await server.wait_for(lambda: 7, timeout=0.05) == 7


# --------------------------------------------------------------------------- end to end


async def test_application_polling_end_to_end(server):
    async def start(update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("again", callback_data="again")]])
        await update.message.reply_html("<b>Welcome</b>", reply_markup=keyboard)

    async def echo(update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(update.message.text, do_quote=True)

    async def button(update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("<i>Again</i>", parse_mode="HTML")

    app = (
        ApplicationBuilder()
        .token(server.token)
        .base_url(f"{server.base_url}/bot")
        .base_file_url(f"{server.base_url}/file/bot")
        .rate_limiter(AIORateLimiter())
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))

    user = server.user(42, "Alice")
    chat = server.private_chat(user)
    group = server.group_chat()
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        server.send_text(chat, user, "/start")
        (welcome,) = await server.wait_for_bot_messages(chat["id"], 1, timeout=5)
        assert welcome["text"] == "Welcome"
        assert welcome["entities"] == [{"type": "bold", "offset": 0, "length": 7}]

        incoming = server.send_text(chat, user, "你好 😀")
        messages = await server.wait_for_bot_messages(chat["id"], 2, timeout=5)
        assert messages[1]["text"] == "你好 😀"
        assert messages[1]["reply_to_message"]["message_id"] == incoming["message_id"]

        query_id = server.press_button(chat, user, welcome, "again")
        await server.wait_for(
            lambda: server.bot_messages(chat["id"])[0]["text"] == "Again", timeout=5
        )
        assert query_id in server.callback_answers()

        # privacy mode: plain group messages are not delivered, commands for the bot are
        server.send_text(group, user, "chatter")
        server.send_text(group, user, "/start@quote_test_bot")
        (group_welcome,) = await server.wait_for_bot_messages(group["id"], 1, timeout=5)
        assert group_welcome["text"] == "Welcome"
        assert [u["message"]["text"] for u in server.suppressed_updates] == ["chatter"]
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert server.pending_updates() == []  # the updater confirmed everything on shutdown
    assert server.unknown_calls == []
    assert server.internal_errors == []
    assert isinstance(welcome["date"], int)
    assert welcome["date"] <= dtm.datetime.now().timestamp() + 1
