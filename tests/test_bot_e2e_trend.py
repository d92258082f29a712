"""End to end: /trend answers with a chart (a real PNG) and a short caption."""

from __future__ import annotations

import struct

import pytest
from bot_fixtures import (  # noqa: F401  (bot, collection and no_unknown_calls are fixtures)
    BOT_USERNAME,
    bot,
    collection,
    no_unknown_calls,
    text_of,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]


async def test_trend_sends_the_chart_and_a_caption(bot):
    user, chat = bot.private("Fay")
    reply = await bot.say(chat, user, "/trend 高质量发展")
    (photo,) = reply["photo"]
    png = bot.server.file_content(photo["file_id"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (photo["width"], photo["height"]) == (990, 528)
    caption = reply["caption"].split("\n")
    data = await bot.state.search.trend("高质量发展")
    assert caption[0] == f"📈 「高质量发展」：{data.passages} 段，{data.documents} 篇（2021–2023年）"
    assert caption[1].startswith("最早：《在市委七届十一次全体(扩大) 暨市委经济工作会议上的讲话 (摘要)》")
    assert caption[2] == f"“{data.first_quote()}”"
    assert len(reply["caption"]) <= 1024


async def test_trend_in_a_group_and_its_refusals(bot):
    group = bot.group()
    bob, _ = bot.private("Bob")
    reply = await bot.say(group, bob, f"/trend@{BOT_USERNAME} 解放思想")
    assert reply["photo"] and reply["caption"].startswith("📈 「解放思想」：")
    assert "reply_to_message" in reply
    usage = await bot.say(group, bob, "/trend")
    assert "请在 /trend 后面写上要统计的词" in text_of(usage)
    nothing = await bot.say(group, bob, "/trend 足球联赛")
    assert text_of(nothing).startswith("资料库中没有段落包含“足球联赛”")
    bad = await bot.say(group, bob, "/trend ！！！")
    assert "没有可以检索的词" in text_of(bad)

