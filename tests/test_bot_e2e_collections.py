"""End to end, collections: rebuilds keep every source folder, buttons outlive a rebuild,
/sources pages a big collection in one message, and searches survive a restart."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import pytest_asyncio
from bot_fixtures import (  # noqa: F401  (no_unknown_calls is a fixture)
    ADMIN_ID,
    ROOT,
    Collection,
    buttons,
    make_collection,
    no_unknown_calls,
    running_bot,
    snapshot,
    text_of,
)

from bot.render import MAX_TEXT, utf16_len
from index import Searcher, build_index

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

DATA = ROOT / "tests" / "data" / "retrieval"
QUOTE = "地区生产总值增长8%左右"
NEW_SPEECH = """在全市海洋经济发展大会上的讲话
北海市委书记 李海峰
2023年5月8日

同志们：
今天我们召开全市海洋经济发展大会，部署今后一个时期的海洋经济工作。

今年要建成深海养殖基地，引进海工企业二十家。
"""


def three_folders(root: Path) -> Collection:
    """Speeches, reports and news in three folders, one index; uploads go to a fourth."""
    shutil.copytree(ROOT / "seeds", root / "speeches")
    shutil.copytree(DATA / "cn-national-reports" / "npc_resolutions", root / "reports")
    (root / "news").mkdir()
    for name in ("20220617_01.txt", "20220617_02.txt", "20220617_03.txt"):
        shutil.copy(DATA / "xwlb-2022-2026" / "2022" / name, root / "news" / name)
    db_path = root / "db" / "speeches.sqlite"
    build_index([root / "speeches", root / "reports", root / "news"], db_path)
    return Collection(source_dir=root / "uploads", db_path=db_path)


def indexed(db_path: Path) -> dict[str, int]:
    searcher = Searcher.open(db_path)
    try:
        return {Path(folder).name: count for folder, count in searcher.sources().items()}
    finally:
        searcher.close()


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> Collection:
    return three_folders(tmp_path_factory.mktemp("three"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(folders):
    async with running_bot(folders) as harness:
        yield harness


async def wait_for_text(bot, chat: dict, fragment: str, timeout: float = 20) -> dict:
    def found():
        return next((m for m in bot.messages(chat) if fragment in text_of(m)), None)

    return await bot.server.wait_for(found, timeout=timeout)


async def test_upload_and_reindex_keep_every_source_folder(bot, folders):
    assert indexed(folders.db_path) == {"news": 3, "reports": 5, "speeches": 5}
    boss, chat = bot.private("Admin", user_id=ADMIN_ID)
    carol, carol_chat = bot.private("Carol")
    before = await bot.say(carol_chat, carol, "岳阳2021年目标")
    assert QUOTE in text_of(before)

    bot.server.send_user_document(chat, boss, "海洋经济.txt", NEW_SPEECH.encode())
    done = await wait_for_text(bot, chat, "已收录")
    assert "讲话人：李海峰" in text_of(done)
    assert (folders.source_dir / "海洋经济.txt").read_text(encoding="utf-8") == NEW_SPEECH
    assert indexed(folders.db_path) == {"news": 3, "reports": 5, "speeches": 5, "uploads": 1}

    bot.server.send_text(chat, boss, "/reindex")
    summary = await wait_for_text(bot, chat, "索引重建完成")
    assert "讲话 14 篇" in text_of(summary)
    assert "新增 0 · 修改 0 · 删除 0 · 未变 14" in text_of(summary)
    assert indexed(folders.db_path) == {"news": 3, "reports": 5, "speeches": 5, "uploads": 1}

    # the answer given before the upload and the rebuild still has working buttons
    count = len(bot.messages(carol_chat))
    await bot.press(carol_chat, carol, before, buttons(before)["全文 ①"])
    (*_, full) = await bot.server.wait_for_bot_messages(carol_chat["id"], count + 1)
    assert QUOTE in text_of(full) and "跳起来能摘到桃子" in text_of(full)
    await bot.press(carol_chat, carol, before, buttons(before)["上下文 ①"])
    (*_, context) = await bot.server.wait_for_bot_messages(carol_chat["id"], count + 2)
    assert "▶ 第" in text_of(context) and QUOTE in text_of(context)
    await bot.press(carol_chat, carol, full, buttons(full)["📄 原文文件"])
    (*_, sent) = await bot.server.wait_for_bot_messages(carol_chat["id"], count + 3)
    assert sent["document"]["file_name"] == "000_a2d7d4499d0d62ff.txt"


async def test_a_rebuild_that_would_lose_a_folder_asks_first(bot, folders):
    boss, chat = bot.private("Admin", user_id=ADMIN_ID)
    news = folders.source_dir.parent / "news"
    news.rename(news.with_name("news-moved"))
    try:
        refusal = await bot.say(chat, boss, "/reindex")
        text = text_of(refusal)
        assert "没有重建索引" in text and "删掉 3 篇讲话" in text
        assert f"来源文件夹不存在：{news}" in text and "/reindex 确认" in text
        uploads = snapshot(folders.source_dir)
        other = NEW_SPEECH.replace("北海", "钦州").encode()
        bot.server.send_user_document(chat, boss, "另一篇.txt", other)
        refused = await wait_for_text(bot, chat, "上传的文件没有保存")
        assert "删掉 3 篇讲话" in text_of(refused)
        assert snapshot(folders.source_dir) == uploads
        assert indexed(folders.db_path)["news"] == 3  # nothing was rebuilt
    finally:
        news.with_name("news-moved").rename(news)


async def test_reindex_confirmed_drops_a_missing_folder(bot, folders):
    boss, chat = bot.private("Admin", user_id=ADMIN_ID)
    news = folders.source_dir.parent / "news"
    shutil.rmtree(news)
    bot.server.send_text(chat, boss, "/reindex 确认")
    summary = await wait_for_text(bot, chat, "讲话 11 篇")
    assert "删除 3" in text_of(summary)
    assert indexed(folders.db_path) == {"reports": 5, "speeches": 5, "uploads": 1}


# --- a restart ---------------------------------------------------------------------------


async def test_searches_survive_a_restart(tmp_path):
    collection = make_collection(tmp_path)
    async with running_bot(collection) as first:
        user, chat = first.private("Dora", user_id=4242)
        reply = await first.say(chat, user, "岳阳2021年目标")
        qid = buttons(reply)["下一页 ▶"].split(":")[1]
    assert (collection.db_path.parent / "bot-state.sqlite").is_file()
    async with running_bot(collection) as second:
        user, chat = second.private("Dora", user_id=4242)
        again = await second.say(chat, user, f"/start q{qid}")
        assert QUOTE in text_of(again)
        # the button of the answer given before the restart turns the page
        answer = await second.press(chat, user, again, f"p:{qid}:1", strict=False)
        assert "过期" not in (answer.get("text") or "")
        await second.server.wait_for(lambda: "第 2 页" in text_of(second.messages(chat)[-1]))
        old = await second.say(chat, user, "/start qzzzzzzzz")
        assert text_of(old) == "这个链接已过期，请直接把问题发给我。"


# --- a big collection --------------------------------------------------------------------


def many_documents(root: Path, count: int) -> Collection:
    """`count` tiny speeches in two folders, one with a 5,000-character title."""
    for folder, share in (("city", count // 3), ("county", count - count // 3)):
        (root / folder).mkdir()
        for number in range(share):
            (root / folder / f"{number:05d}.txt").write_text(
                f"第{number}号会议讲话\n\n{folder}第{number}次会议部署工作。\n", encoding="utf-8"
            )
    (root / "city" / "metadata.csv").write_text(
        "file,title\n00000.txt," + "很长的标题" * 1000 + "\n", encoding="utf-8"
    )
    db_path = root / "db" / "speeches.sqlite"
    build_index([root / "city", root / "county"], db_path)
    return Collection(source_dir=root / "county", db_path=db_path)


async def test_sources_is_one_message_paged_by_buttons(tmp_path):
    started = time.perf_counter()
    collection = many_documents(tmp_path, 3000)
    assert time.perf_counter() - started < 15
    async with running_bot(collection) as bot:
        user, chat = bot.private("Erin")
        first = await bot.say(chat, user, "/sources")
        await bot.quiet(0.2)
        assert len(bot.messages(chat)) == 1
        text = text_of(first)
        assert text.startswith("收录讲话 3000 篇（第 1/150 页）")
        assert "📁 city（1000 篇）" in text and "1. 《很长的标题" in text
        assert utf16_len(text) <= MAX_TEXT
        labels = buttons(first)
        assert labels["下一页 ▶"] == "s:1" and labels["最后一页 ⏭"] == "s:149"
        assert labels["📁 county"] == "s:50"  # 1000 city documents make 50 pages

        await bot.press(chat, user, first, "s:149")
        await bot.server.wait_for(lambda: "第 150/150 页" in text_of(bot.messages(chat)[0]))
        last = bot.messages(chat)[0]
        assert "3000. 《第1999号会议讲话》" in text_of(last) and "📁 county" in text_of(last)
        assert "下一页 ▶" not in buttons(last) and buttons(last)["◀ 上一页"] == "s:148"
        await bot.press(chat, user, last, "s:50")
        await bot.server.wait_for(lambda: "第 51/150 页" in text_of(bot.messages(chat)[0]))
        assert "1001. 《第0号会议讲话》" in text_of(bot.messages(chat)[0])
        assert len(bot.messages(chat)) == 1  # edited in place, never a new message
