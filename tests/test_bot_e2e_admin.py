"""End to end, admins and limits: /reindex while others ask, uploads, /stats, rate limit."""

from __future__ import annotations

import asyncio
import re

import pytest
from bot_fixtures import (  # noqa: F401  (bot, collection and no_unknown_calls are fixtures)
    ADMIN_ID,
    bot,
    buttons,
    collection,
    no_unknown_calls,
    snapshot,
    text_of,
)

from bot.state import RateLimiter

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

QUOTE = "地区生产总值增长8%左右"
NEW_SPEECH = """在全市数字经济发展大会上的讲话
株洲市委书记 张明远
2023年5月8日

同志们：
今天我们召开全市数字经济发展大会，主要任务是部署今后一个时期的数字经济工作。

今年要建成量子计算产业园，引进算力企业二十家，数字经济核心产业增加值增长百分之十五。

各级各部门要提高认识，压实责任，确保各项任务落到实处。
"""


@pytest.fixture
def admin(bot):
    return bot.private("Admin", user_id=ADMIN_ID)


@pytest.fixture
def user(bot):
    return bot.private("Carol")


def edits_of(bot, message: dict) -> list[str]:
    return [
        params["text"]
        for method, params in bot.server.calls
        if method == "editMessageText" and params.get("message_id") == message["message_id"]
    ]


async def test_non_admins_are_refused_and_nothing_happens(bot, user):
    carol, chat = user
    calls = len(bot.server.calls)
    for command in ("/reindex", "/stats"):
        reply = await bot.say(chat, carol, command)
        assert text_of(reply) == "抱歉，这个命令只有管理员可以使用。"
    before = snapshot(bot.settings.source_dir)
    bot.server.send_user_document(chat, carol, "讲话.txt", NEW_SPEECH.encode())
    (*_, refusal) = await bot.server.wait_for_bot_messages(chat["id"], 3)
    assert "只有管理员可以上传" in text_of(refusal)
    assert snapshot(bot.settings.source_dir) == before
    assert not bot.state.indexing.locked()
    sent = [m for m, _ in bot.server.calls[calls:] if m not in ("getUpdates", "sendMessage")]
    assert sent == []  # no edits, no downloads: nothing happened


async def test_reindex_in_background_while_others_keep_asking(bot, admin, user):
    boss, boss_chat = admin
    carol, chat = user
    old_searcher = bot.state.search._searcher
    before = await bot.say(chat, carol, "岳阳2021年目标")
    # a speech placed straight into the collection folder joins on /reindex
    (bot.settings.source_dir / "zz_new.txt").write_text(NEW_SPEECH, encoding="utf-8")
    status = await bot.say(boss_chat, boss, "/reindex")
    assert "正在重建索引" in text_of(status)
    refused = await bot.say(boss_chat, boss, "/reindex")
    assert text_of(refused) == "索引正在重建中，请等它完成后再试。"

    answered_during_build = 0
    for _ in range(50):  # ask until the build is over
        building = bot.state.indexing.locked()
        reply = await asyncio.wait_for(bot.say(chat, carol, "岳阳2021年目标"), timeout=2)
        assert QUOTE in text_of(reply)
        answered_during_build += building
        if not building:
            break
    assert answered_during_build >= 1  # the old index answered while the new one was built

    def finished():
        return "索引重建完成" in text_of(bot.messages(boss_chat)[0])

    await bot.server.wait_for(finished, timeout=20)
    summary = text_of(bot.messages(boss_chat)[0])
    assert "讲话 6 篇" in summary and re.search(r"段落 \d+ 段", summary)
    assert "新增 1 · 修改 0 · 删除 0 · 未变 5" in summary and "zz_new.txt" in summary
    assert "没有跳过的文件" in summary and re.search(r"用时 [\d.]+ 秒", summary)
    assert any("阶段" in text for text in edits_of(bot, status))  # progress was shown
    assert len(bot.messages(boss_chat)) == 2  # one status message, edited; one refusal

    # swapped without a restart: the new speech is found, the old searcher is closed
    assert bot.state.search._searcher is not old_searcher
    reply = await bot.say(chat, carol, "量子计算产业园")
    assert "量子计算产业园" in text_of(reply) and "张明远" in text_of(reply)
    assert not bot.state.indexing.locked()
    # buttons name passages by their document's content, so they outlive the rebuild
    count = len(bot.messages(chat))
    pressed = await bot.press(chat, carol, before, buttons(before)["上下文 ①"])
    assert "索引已经更新" not in (pressed.get("text") or "")
    (*_, shown) = await bot.server.wait_for_bot_messages(chat["id"], count + 1)
    assert "上下文" in text_of(shown) and QUOTE in text_of(shown)
    # paging goes on: it keeps the question, not passage ids
    await bot.press(chat, carol, before, buttons(before)["下一页 ▶"])
    await bot.server.wait_for(lambda: "第 2 页" in text_of(bot.messages(chat)[0]))


async def test_upload_adds_a_speech_that_questions_then_find(bot, admin):
    boss, chat = admin
    speech = NEW_SPEECH.replace("数字经济", "海洋经济").replace("量子计算产业园", "深海养殖基地")
    speech = speech.replace("张明远", "李海峰").replace("株洲", "北海")
    bot.server.send_user_document(chat, boss, "海洋经济大会讲话.txt", speech.encode("gb18030"))
    await bot.server.wait_for(lambda: "已收录" in text_of(bot.messages(chat)[-1]), timeout=20)
    confirmation = text_of(bot.messages(chat)[-1])
    assert "《在全市海洋经济发展大会上的讲话》" in confirmation
    assert "讲话人：李海峰" in confirmation and "文件：海洋经济大会讲话.txt" in confirmation
    saved = bot.settings.source_dir / "海洋经济大会讲话.txt"
    assert saved.read_bytes() == speech.encode("gb18030")
    reply = await bot.say(chat, boss, "深海养殖基地")
    assert "深海养殖基地" in text_of(reply) and "李海峰" in text_of(reply)

    # the same name again with other content: saved beside it, never overwriting
    other = speech.replace("深海养殖基地", "远洋捕捞船队")
    bot.server.send_user_document(chat, boss, "海洋经济大会讲话.txt", other.encode())
    await bot.server.wait_for(lambda: "已收录" in text_of(bot.messages(chat)[-1]), timeout=20)
    assert "海洋经济大会讲话-2.txt" in text_of(bot.messages(chat)[-1])
    assert saved.read_bytes() == speech.encode("gb18030")

    # the very same content again: not stored twice
    before = snapshot(bot.settings.source_dir)
    reply = await bot.say_document(chat, boss, "副本.txt", other.encode())
    assert "内容完全相同" in text_of(reply)
    assert snapshot(bot.settings.source_dir) == before


@pytest.mark.parametrize(
    "filename, content, expected",
    [
        ("图片.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "二进制文件"),
        ("空.txt", b"", "文件是空的"),
        ("乱码.txt", "Café résumé naïve déjà vu".encode("latin-1") * 10, "无法识别文字编码"),
        ("坏.docx", b"PK\x03\x04garbage", "docx 文件已损坏"),
        ("坏.pdf", b"%PDF-1.4 garbage", "pdf 文件已损坏"),
        ("程序.exe", b"MZ\x90\x00", "不支持 .exe 文件"),
    ],
)
async def test_malformed_uploads_are_explained_and_the_collection_untouched(
    bot, admin, filename, content, expected
):
    boss, chat = admin
    before = snapshot(bot.settings.source_dir)
    reply = await bot.say_document(chat, boss, filename, content)
    assert expected in text_of(reply)
    assert "没有保存" in text_of(reply)
    assert snapshot(bot.settings.source_dir) == before


async def test_stats(bot, admin):
    boss, chat = admin
    await bot.say(chat, boss, "岳阳2021年目标")
    text = text_of(await bot.say(chat, boss, "/stats"))
    assert re.search(r"讲话：\d+ 篇", text) and re.search(r"段落：\d+ 段", text)
    assert re.search(r"索引大小：[\d.]+ (KB|MB)", text)
    assert "构建时间：" in text and ("刚刚" in text or "分钟前" in text)
    answered = int(re.search(r"已回答问题：(\d+)", text).group(1))
    assert answered >= 1 and re.search(r"回答时间中位数：\d+ 毫秒", text)


async def test_rate_limit_is_friendly_and_per_user(bot, user, monkeypatch):
    carol, chat = user
    monkeypatch.setattr(bot.state, "limiter", RateLimiter(limit=3, window=60))
    for _ in range(5):
        bot.server.send_text(chat, carol, "岳阳2021年目标")
    await bot.server.wait_for_bot_messages(chat["id"], 4)
    await bot.quiet()
    texts = [text_of(m) for m in bot.messages(chat)]
    assert sum(QUOTE in t for t in texts) == 3
    (warning,) = [t for t in texts if "提问太频繁" in t]
    assert re.search(r"请 \d+ 秒后再试", warning)
    dave, dave_chat = bot.private("Dave")  # others are not affected
    assert QUOTE in text_of(await bot.say(dave_chat, dave, "岳阳2021年目标"))
