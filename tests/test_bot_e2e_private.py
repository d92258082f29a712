"""End to end, private chat: the real python-telegram-bot stack over HTTP, fake server."""

from __future__ import annotations

import re

import pytest
from bot_fixtures import (  # noqa: F401  (bot, collection and no_unknown_calls are fixtures)
    ADMIN_ID,
    BOT_USERNAME,
    bold_words,
    bot,
    buttons,
    collection,
    no_unknown_calls,
    text_of,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

SOURCE = re.compile(r"《[^》]+》 讲话人 王一鸥（市委书记） · 岳阳 · 2021-01-16 · 第\d+段")


@pytest.fixture
def alice(bot):
    return bot.private("Alice")


async def test_question_gets_quote_with_source_and_buttons(bot, alice):
    user, chat = alice
    reply = await bot.say(chat, user, "岳阳2021年目标")
    text = text_of(reply)
    assert "地区生产总值增长8%左右" in text
    assert SOURCE.search(text), text
    assert "岳阳" in bold_words(reply) or "目标" in bold_words(reply)
    assert any(e["type"] == "blockquote" for e in reply["entities"])
    labels = buttons(reply)
    assert {"上下文 ①", "全文 ①", "下一页 ▶"} <= set(labels)
    assert all(len(data.encode()) <= 64 for data in labels.values())
    # the first quote is word for word the passage text the search core returned
    (hit,) = (await bot.state.search.search("岳阳2021年目标", top=1)).hits
    assert hit.quote.text in text


async def test_paging_edits_the_answer_in_place(bot, alice):
    user, chat = alice
    reply = await bot.say(chat, user, "岳阳2021年目标")
    first_page = text_of(reply)
    answer = await bot.press(chat, user, reply, buttons(reply)["下一页 ▶"])
    assert answer.get("text") is None  # answered silently
    await bot.server.wait_for(lambda: text_of(bot.messages(chat)[0]) != first_page)
    (edited,) = bot.messages(chat)
    assert edited["message_id"] == reply["message_id"]
    assert "第 2 页" in text_of(edited) and "④" in text_of(edited)
    assert "◀ 上一页" in buttons(edited)
    await bot.press(chat, user, edited, buttons(edited)["◀ 上一页"])
    await bot.server.wait_for(lambda: text_of(bot.messages(chat)[0]) == first_page)


async def test_context_button_sends_neighbouring_passages(bot, alice):
    user, chat = alice
    reply = await bot.say(chat, user, "岳阳2021年目标")
    await bot.press(chat, user, reply, buttons(reply)["上下文 ①"])
    (_, context) = await bot.server.wait_for_bot_messages(chat["id"], 2)
    text = text_of(context)
    assert "上下文" in text
    marked = re.search(r"▶ 第(\d+)段", text)
    assert marked and "地区生产总值增长8%左右" in text
    number = int(marked.group(1))
    assert f"第{number - 1}段" in text and f"第{number + 1}段" in text


async def test_full_button_sends_passage_and_then_the_file(bot, alice):
    user, chat = alice
    reply = await bot.say(chat, user, "岳阳2021年目标")
    await bot.press(chat, user, reply, buttons(reply)["全文 ①"])
    (_, full) = await bot.server.wait_for_bot_messages(chat["id"], 2)
    assert "地区生产总值增长8%左右" in text_of(full)
    assert "跳起来能摘到桃子" in text_of(full)  # beyond the quote: the whole passage
    assert SOURCE.search(text_of(full))
    await bot.press(chat, user, full, buttons(full)["📄 原文文件"])
    (*_, sent) = await bot.server.wait_for_bot_messages(chat["id"], 3)
    document = sent["document"]
    assert document["file_name"] == "000_a2d7d4499d0d62ff.txt"
    original = (bot.settings.source_dir / "000_a2d7d4499d0d62ff.txt").read_bytes()
    assert bot.server.file_bytes(document["file_id"]) == original


async def test_start_help_and_sources(bot, alice):
    user, chat = alice
    start = text_of(await bot.say(chat, user, "/start"))
    assert "你好，Alice" in start and "岳阳2021年目标" in start and "/help" in start
    help_text = text_of(await bot.say(chat, user, "/help"))
    for fragment in ("年份:2021", "讲话人:王一鸥", "/ask", f"@{BOT_USERNAME}"):
        assert fragment in help_text
        assert fragment not in start  # /start is short; /help has it all
    sources = await bot.say(chat, user, "/sources")
    assert "收录讲话 5 篇" in text_of(sources) and buttons(sources) == {}  # one page
    assert "王一鸥 · 岳阳 · 2021-01-16" in text_of(sources)


async def test_whoami_tells_the_ids_an_admin_needs(bot, alice):
    user, chat = alice
    reply = text_of(await bot.say(chat, user, "/whoami"))
    assert f"你的用户 ID：{user['id']}" in reply and "BOT_ADMIN_IDS" in reply
    group = bot.group()
    bot.server.send_text(group, user, f"/whoami@{BOT_USERNAME}")
    (answer,) = await bot.server.wait_for_bot_messages(group["id"], 1)
    assert f"这个聊天的 ID：{group['id']}" in text_of(answer)


async def test_another_user_cannot_page_through_someone_elses_search(bot, alice):
    user, chat = alice
    reply = await bot.say(chat, user, "岳阳2021年目标")
    qid = buttons(reply)["下一页 ▶"].split(":")[1]
    mallory, other = bot.private("Mallory")
    own = await bot.say(other, mallory, "湘潭")
    query_id = bot.server.press_button(other, mallory, own, f"p:{qid}:1", strict=False)
    answer = await bot.server.wait_for(lambda: bot.server.callback_answers().get(query_id))
    assert "过期" in answer["text"]
    deep = await bot.say(other, mallory, f"/start q{qid}")
    assert "过期" in text_of(deep)


async def test_commands_are_registered_with_admin_ones_only_for_admins(bot):
    calls = bot.server.commands()
    default = next(c for c in calls if c["scope"] == {"type": "default"})
    admin = next(c for c in calls if c["scope"] == {"type": "chat", "chat_id": ADMIN_ID})
    public = {c["command"] for c in default["commands"]}
    assert public == {"start", "help", "sources", "ask", "whoami", "trend", "subscribe", "subscriptions", "unsubscribe"}
    assert {c["command"] for c in admin["commands"]} == public | {"reindex", "stats"}
    assert len(calls) == 2


async def test_no_answer_says_so_and_suggests_what_to_try(bot, alice):
    user, chat = alice
    text = text_of(await bot.say(chat, user, "足球比赛"))
    assert "没有找到与「足球比赛」相关的段落" in text
    assert "更少" in text and "繁体" not in text and "年份:2021" in text
    filtered = text_of(await bot.say(chat, user, "岳阳 年份:1999"))
    assert "没有找到" in filtered and "筛选" in filtered


@pytest.mark.parametrize(
    "message, expected",
    [
        ("！？。，", "没有可以检索的词"),
        ("😀😀😀", "没有可以检索的词"),
        ("经济" * 5000, "问题太长了"),
        ("<b>经济</b> & <i>", None),
        ("'; DROP TABLE passages; --", None),
        ("   .   ", "没有可以检索的词"),
    ],
)
async def test_bad_inputs_get_a_clear_reply(bot, alice, message, expected):
    user, chat = alice
    reply = await bot.say(chat, user, message)
    text = text_of(reply)
    assert "Traceback" not in text and "抱歉" not in text
    if expected:
        assert expected in text
    else:  # answered or "not found", with the question shown escaped, never as markup
        assert "没有找到" in text or "🔎" in text
        assert not any(e["type"] == "italic" for e in reply.get("entities", []))


async def test_stickers_and_photos_get_a_hint(bot, alice):
    user, chat = alice
    bot.server.send_sticker(chat, user)
    bot.server.send_photo(chat, user)
    hints = await bot.server.wait_for_bot_messages(chat["id"], 2)
    assert all("只能回答文字问题" in text_of(m) for m in hints)


async def test_expired_button_and_deep_link(bot, alice):
    user, chat = alice
    reply = await bot.say(chat, user, "岳阳2021年目标")
    query_id = bot.server.press_button(chat, user, reply, "p:zzzzzzzz:1", strict=False)
    answer = await bot.server.wait_for(lambda: bot.server.callback_answers().get(query_id))
    assert "过期" in answer["text"] and answer.get("show_alert") is True
    qid = buttons(reply)["下一页 ▶"].split(":")[1]
    deep = await bot.say(chat, user, f"/start q{qid}")
    assert "地区生产总值增长8%左右" in text_of(deep)
    expired = await bot.say(chat, user, "/start qnotthere")
    assert "过期" in text_of(expired)


async def test_errors_are_logged_and_answered_with_an_apology(bot, alice, monkeypatch, caplog):
    user, chat = alice

    async def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bot.state.search, "search", broken)
    reply = await bot.say(chat, user, "岳阳2021年目标")
    assert text_of(reply) == "抱歉，处理这条消息时出了点问题，请稍后再试。"
    assert "disk on fire" in caplog.text
    monkeypatch.undo()
    reply = await bot.say(chat, user, "岳阳2021年目标")  # and the bot carries on
    assert "地区生产总值增长8%左右" in text_of(reply)


async def test_a_quoted_phrase_finds_only_passages_that_have_it(bot, alice):
    user, chat = alice
    reply = await bot.say(chat, user, "“三高四新” -十四五")
    header, body = text_of(reply).split("\n", 1)  # the header repeats the question
    assert "三高四新" in body and "十四五" not in body, body
    (hit, *_) = (await bot.state.search.search("“三高四新” -十四五", top=3)).hits
    assert "三高四新" in hit.text
