"""End to end: subscriptions, and the alert a subscriber gets when a matching speech arrives."""

from __future__ import annotations

import pytest
from bot_fixtures import (  # noqa: F401  (bot, collection and no_unknown_calls are fixtures)
    ADMIN_ID,
    bot,
    collection,
    no_unknown_calls,
    running_bot,
    text_of,
)

from bot.state import SubscriptionStore

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(90)]

SPEECH = """在全市数字经济发展大会上的讲话
株洲市委书记 张明远
2023年5月8日

同志们：
今天我们召开全市数字经济发展大会，主要任务是部署今后一个时期的数字经济工作。

今年要建成量子计算产业园，引进算力企业二十家，数字经济核心产业增加值增长百分之十五。

要把量子计算作为未来产业的头号工程，建设量子计算公共服务平台。

要办好量子计算产业博览会。

要支持算力企业上市融资。

各级各部门要提高认识，压实责任，确保各项任务落到实处。
"""
OTHER = SPEECH.replace("数字经济", "海洋经济").replace("量子计算", "深海养殖").replace("算力", "渔业")
OTHER = OTHER.replace("株洲", "北海")


async def upload(bot, name: str, content: str) -> None:
    admin, chat = bot.private("Admin", user_id=ADMIN_ID)
    before = len(bot.messages(chat))
    bot.server.send_user_document(chat, admin, name, content.encode())
    await bot.server.wait_for(
        lambda: len(bot.messages(chat)) > before and "已收录" in text_of(bot.messages(chat)[-1]),
        timeout=30,
    )


async def test_subscribe_list_and_unsubscribe(bot):
    user, chat = bot.private("Gus")
    usage = await bot.say(chat, user, "/subscribe")
    assert "请在 /subscribe 后面写上要订阅的词" in text_of(usage)
    first = await bot.say(chat, user, "/subscribe 量子计算")
    assert text_of(first).startswith("✅ 已订阅（第 1 条）：「量子计算」")
    again = await bot.say(chat, user, "/subscribe 量子计算")
    assert "第 1 条" in text_of(again)  # the same query is not kept twice
    await bot.say(chat, user, "/subscribe 数字经济 地点:株洲")
    listing = await bot.say(chat, user, "/subscriptions")
    assert text_of(listing).split("\n")[:3] == ["你的订阅", "1. 量子计算", "2. 数字经济 地点:株洲"]
    wrong = await bot.say(chat, user, "/unsubscribe 9")
    assert "请写上要取消的订阅编号" in text_of(wrong)
    gone = await bot.say(chat, user, "/unsubscribe 1")
    assert text_of(gone) == "已取消订阅：「量子计算」"
    assert [s.query for s in bot.state.subscriptions.of(user["id"])] == ["数字经济 地点:株洲"]
    bad = await bot.say(chat, user, "/subscribe ！！！")
    assert "没有可以检索的词" in text_of(bad)
    bot.state.subscriptions.remove(user["id"], 1)


async def test_subscriptions_are_private_only(bot):
    group = bot.group()
    bob, _ = bot.private("Bob")
    reply = await bot.say(group, bob, "/subscribe 量子计算")
    assert text_of(reply) == "订阅只能在和我的私聊中使用。"
    assert bot.state.subscriptions.of(bob["id"]) == []


async def test_a_matching_upload_alerts_the_subscriber_and_no_one_else(bot):
    hana, hana_chat = bot.private("Hana")
    ivan, ivan_chat = bot.private("Ivan")
    await bot.say(hana_chat, hana, "/subscribe 量子计算")
    await bot.say(hana_chat, hana, "/subscribe 算力企业")
    await bot.say(ivan_chat, ivan, "/subscribe 乡村振兴")
    hana_before, ivan_before = len(bot.messages(hana_chat)), len(bot.messages(ivan_chat))

    await upload(bot, "数字经济大会讲话.txt", SPEECH)
    (alert,) = (await bot.server.wait_for_bot_messages(hana_chat["id"], hana_before + 1))[hana_before:]
    text = text_of(alert)
    assert text.startswith("🔔 新收录的讲话中有你订阅的内容：")
    # four passages match, three are shown, one message
    assert text.count("《在全市数字经济发展大会上的讲话》") == 3
    assert "「量子计算」" in text and "另有 1 段相符" in text
    assert "量子计算产业园" in text and "讲话人 张明远" in text
    await bot.quiet(0.5)
    assert len(bot.messages(hana_chat)) == hana_before + 1
    assert len(bot.messages(ivan_chat)) == ivan_before  # 乡村振兴 is not in it

    # a speech that matches nobody's subscription sends nothing
    await upload(bot, "海洋经济大会讲话.txt", OTHER)
    await bot.quiet(0.5)
    assert len(bot.messages(hana_chat)) == hana_before + 1
    assert len(bot.messages(ivan_chat)) == ivan_before


async def test_subscriptions_survive_a_restart(collection, tmp_path):
    state_file = tmp_path / "state.sqlite"
    async with running_bot(collection, state_path=state_file) as harness:
        user, chat = harness.private("Jo")
        await harness.say(chat, user, "/subscribe 量子计算")
    store = SubscriptionStore(state_file)
    assert [s.query for s in store.of(user["id"])] == ["量子计算"]
    store.close()
    async with running_bot(collection, state_path=state_file) as harness:
        listing = await harness.say(chat, user, "/subscriptions")
        assert "1. 量子计算" in text_of(listing)
