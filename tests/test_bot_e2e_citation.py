"""End to end: the 引用 button under each hit sends its GB/T 7714-2015 citation."""

from __future__ import annotations

import pytest
from bot_fixtures import (  # noqa: F401  (bot, collection and no_unknown_calls are fixtures)
    bot,
    buttons,
    collection,
    no_unknown_calls,
    text_of,
)

from index.citation import gbt7714

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

QUESTION = "岳阳2021年目标"


async def test_cite_button_sends_the_citation_of_that_hit(bot):
    user, chat = bot.private("Erin")
    reply = await bot.say(chat, user, QUESTION)
    labels = buttons(reply)
    assert {"引用 ①", "引用 ②", "引用 ③"} <= set(labels)
    hits = (await bot.state.search.search(QUESTION, top=3)).hits
    for number, hit in zip("①②", hits, strict=False):
        before = len(bot.messages(chat))
        answer = await bot.press(chat, user, reply, labels[f"引用 {number}"])
        assert answer.get("text") is None
        (cited,) = (await bot.server.wait_for_bot_messages(chat["id"], before + 1))[before:]
        assert text_of(cited) == f"引用格式（GB/T 7714-2015）：\n{gbt7714(hit)}"
        assert [e["type"] for e in cited["entities"]] == ["code"]
    assert text_of(cited).endswith(f"[R]. 岳阳, 2021-01-16: 第{hits[1].paragraph}段.")


async def test_group_answer_has_a_cite_button_and_old_keys_are_refused(bot):
    group = bot.group()
    bob, _ = bot.private("Bob")
    reply = await bot.say(group, bob, f"/ask {QUESTION}")
    data = buttons(reply)["引用"]
    before = len(bot.messages(group))
    await bot.press(group, bob, reply, data)
    (cited,) = (await bot.server.wait_for_bot_messages(group["id"], before + 1))[before:]
    assert "王一鸥. " in text_of(cited) and "[R]" in text_of(cited)
    gone = await bot.press(group, bob, reply, "r:000000000000.1", strict=False)
    assert "索引已经更新" in gone["text"] and gone.get("show_alert") is True
