"""End to end, group chats and inline mode."""

from __future__ import annotations

import pytest
from bot_fixtures import (  # noqa: F401  (bot, collection and no_unknown_calls are fixtures)
    BOT_ID,
    BOT_USERNAME,
    bot,
    buttons,
    collection,
    no_unknown_calls,
    text_of,
    visible_text,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

QUOTE = "地区生产总值增长8%左右"


@pytest.fixture
def members(bot):
    bob, _ = bot.private("Bob")
    return bot.group(), bob


async def test_ask_command_replies_to_the_question_compactly(bot, members):
    group, bob = members
    question = bot.server.send_text(group, bob, f"/ask@{BOT_USERNAME} 岳阳2021年目标")
    (reply,) = await bot.server.wait_for_bot_messages(group["id"], 1)
    assert reply["reply_to_message"]["message_id"] == question["message_id"]
    text = text_of(reply)
    assert QUOTE in text and "王一鸥" in text
    assert "②" not in text  # only the top hit
    labels = buttons(reply)
    more = next(label for label in labels if label.startswith("更多结果"))
    assert labels["私聊查看 ↗"].startswith(f"https://t.me/{BOT_USERNAME}?start=q")
    # "more" expands the answer in place to a full page
    await bot.press(group, bob, reply, labels[more])
    await bot.server.wait_for(lambda: "②" in text_of(bot.messages(group)[0]))
    assert QUOTE in text_of(bot.messages(group)[0])


async def test_plain_ask_and_empty_ask(bot, members):
    group, bob = members
    reply = await bot.say(group, bob, "/ask 岳阳2021年目标")
    assert QUOTE in text_of(reply)
    usage = await bot.say(group, bob, "/ask")
    assert "请在 /ask 后面写上问题" in text_of(usage)
    assert "/ask" in text_of(usage)


async def test_commands_for_other_bots_are_ignored(bot, members):
    group, bob = members
    bot.server.send_text(group, bob, "/ask@other_bot 岳阳2021年目标")
    await bot.quiet()
    assert bot.messages(group) == []


async def test_mentions_and_replies_get_answers_other_chatter_none(bot, members):
    group, bob = members
    bot.server.privacy_mode = False  # deliver everything: the bot itself must stay quiet
    try:
        bot.server.send_text(group, bob, "今天天气不错，岳阳2021年目标是什么来着？")
        bot.server.send_text(group, bob, "@someone_else 岳阳2021年目标")
        await bot.quiet()
        assert bot.messages(group) == []

        mention = bot.server.send_text(group, bob, f"@{BOT_USERNAME} 岳阳2021年目标")
        (answer,) = await bot.server.wait_for_bot_messages(group["id"], 1)
        assert answer["reply_to_message"]["message_id"] == mention["message_id"]
        assert QUOTE in text_of(answer)

        follow_up = bot.server.send_text(group, bob, "解放思想大讨论", reply_to=answer)
        (_, second) = await bot.server.wait_for_bot_messages(group["id"], 2)
        assert second["reply_to_message"]["message_id"] == follow_up["message_id"]
        assert "解放思想" in text_of(second)

        # replying to someone else's message, or sending a sticker, is chatter
        bot.server.send_text(group, bob, "同意", reply_to=follow_up)
        bot.server.send_sticker(group, bob)
        await bot.quiet()
        assert len(bot.messages(group)) == 2
    finally:
        bot.server.privacy_mode = True


async def test_the_bot_never_answers_its_own_messages(bot, members):
    group, _ = members
    bot.server.privacy_mode = False
    try:
        me = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Quote Test Bot",
            "username": BOT_USERNAME,
        }
        own = [
            bot.server.send_text(group, me, f"/ask@{BOT_USERNAME} 岳阳2021年目标"),
            bot.server.send_text(group, me, f"@{BOT_USERNAME} 岳阳"),
        ]
        await bot.quiet()
        # the fake server lists the injected messages as the bot's own; nothing else came
        assert [m["message_id"] for m in bot.messages(group)] == [m["message_id"] for m in own]
    finally:
        bot.server.privacy_mode = True


async def test_deep_link_from_a_group_continues_in_private(bot, members):
    group, bob = members
    reply = await bot.say(group, bob, "/ask 岳阳2021年目标")
    payload = buttons(reply)["私聊查看 ↗"].rsplit("start=", 1)[1]
    private = bot.server.private_chat(bob)
    answer = await bot.say(private, bob, f"/start {payload}")
    assert QUOTE in text_of(answer) and "下一页 ▶" in buttons(answer)


async def test_group_is_silent_on_stickers_and_photos(bot, members):
    group, bob = members
    bot.server.privacy_mode = False
    try:
        bot.server.send_sticker(group, bob)
        bot.server.send_photo(group, bob)
        await bot.quiet()
        assert bot.messages(group) == []
    finally:
        bot.server.privacy_mode = True


# --- inline mode -------------------------------------------------------------------------


async def inline(bot, user, query):
    query_id = bot.server.inline_query(user, query)
    return await bot.server.wait_for(lambda: bot.server.inline_answers().get(query_id))


async def test_inline_query_offers_top_hits_as_articles(bot, members):
    _, bob = members
    answer = await inline(bot, bob, "岳阳2021年目标")
    results = answer["results"]
    assert 1 <= len(results) <= 10
    assert len({r["id"] for r in results}) == len(results)
    first = results[0]
    assert first["type"] == "article"
    assert first["title"].startswith("《") and "第" in first["title"]
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML"
    posted = visible_text(content["message_text"])
    assert QUOTE in posted and "王一鸥（市委书记） · 岳阳 · 2021-01-16 · 第" in posted
    assert answer.get("next_offset") == "10"
    # choosing a result is only reported to the bot; it must not break anything
    bot.server.choose_inline_result(bob, first["id"], "岳阳2021年目标")
    await bot.quiet(0.1)


async def test_inline_next_page_and_empty_query(bot, members):
    _, bob = members
    query_id = bot.server.inline_query(bob, "岳阳2021年目标")
    bot.server._inline_queries[query_id]["offset"] = "10"
    first = await bot.server.wait_for(lambda: bot.server.inline_answers().get(query_id))
    assert first["results"]
    help_answer = await inline(bot, bob, "")
    (entry,) = help_answer["results"]
    assert entry["id"] == "help" and "例如" in entry["description"]
    assert "地点:岳阳" in visible_text(entry["input_message_content"]["message_text"])


async def test_inline_query_without_answers_offers_help_button(bot, members):
    _, bob = members
    for query in ("足球比赛", "！！！"):
        answer = await inline(bot, bob, query)
        assert answer["results"] == []
        assert answer["button"]["start_parameter"] == "help"
