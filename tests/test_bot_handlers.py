"""The handlers' building blocks: routing, state, rate limits, upload file handling, texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from telegram import Chat, Message, MessageEntity, User
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import texts
from bot.admin import find_same_content, safe_filename, save_new
from bot.app import build_application
from bot.config import Settings
from bot.handlers import mentions, strip_mentions
from bot.render import visible_text
from bot.state import STATE, QueryStore, RateLimiter

TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


@pytest.fixture
def application(tmp_path):
    settings = Settings(token=TOKEN, db_path=tmp_path / "db.sqlite", source_dir=tmp_path)
    return build_application(settings)


# --- routing -----------------------------------------------------------------------------


def commands_of(application) -> set[str]:
    return {
        command
        for handlers in application.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


def test_every_command_is_in_a_menu_and_every_menu_entry_has_a_handler(application):
    menu = {name for name, _ in texts.PUBLIC_COMMANDS + texts.ADMIN_COMMANDS}
    assert commands_of(application) == menu


def test_public_commands_are_explained_in_help():
    help_text = visible_text(texts.help_text("quote_test_bot"))
    for name in ("ask", "sources"):
        assert f"/{name}" in help_text
    for fragment in (
        "地点:岳阳",
        "年份:2021",
        "讲话人:王一鸥",
        "标题:",
        "@quote_test_bot 问题",
        "岳阳2021年目标",
    ):
        assert fragment in help_text


def test_every_button_the_renderer_makes_has_a_handler(application):
    patterns = [
        h.pattern
        for handlers in application.handlers.values()
        for h in handlers
        if isinstance(h, CallbackQueryHandler) and h.pattern is not None
    ]
    valid = (
        "p:abcd-_EF:0",
        "p:abcdEFGH:12",
        "c:0123456789ab.0",
        "f:abcdEFGH:0123456789ab.33",
        "d:0123456789ab",
        "s:12",
    )
    for data in valid:
        assert sum(bool(p.match(data)) for p in patterns) == 1, data
    for data in ("p:abcdEFGH:-1", "c:33", "c:beef:0", "c:0123456789ab.x", "d:beef:0", "s:x", "zzz"):
        assert not any(p.match(data) for p in patterns), data


def test_settings_and_state_live_in_bot_data(application, tmp_path):
    state = application.bot_data[STATE]
    assert state.settings.db_path == tmp_path / "db.sqlite"
    assert state.service is None  # loaded in post_init, not at build time
    with pytest.raises(RuntimeError):
        _ = state.search


# --- mentions ----------------------------------------------------------------------------


def message_with(text: str) -> Message:
    entities = [
        MessageEntity(MessageEntity.MENTION, m.start(), m.end() - m.start())
        for m in re.finditer(r"@\w+", text)
    ]
    return Message(
        1,
        date=None,
        chat=Chat(-1, "group"),
        text=text,
        entities=entities,
        from_user=User(5, "U", False),
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("@quote_test_bot 岳阳目标", True),
        ("请问 @Quote_Test_Bot 岳阳目标", True),
        ("@other_bot 岳阳目标", False),
        ("@quote_test_botx 岳阳目标", False),
        ("quote_test_bot 岳阳目标", False),
    ],
)
def test_mentions(text, expected):
    assert mentions(message_with(text), "quote_test_bot") is expected


def test_strip_mentions_keeps_the_question():
    assert strip_mentions("  @quote_test_bot 岳阳2021年目标 ", "quote_test_bot") == "岳阳2021年目标"
    assert strip_mentions("岳阳@QUOTE_TEST_BOT目标", "quote_test_bot") == "岳阳 目标"
    assert strip_mentions("@quote_test_botx 目标", "quote_test_bot") == "@quote_test_botx 目标"


# --- state -------------------------------------------------------------------------------


def test_query_store_ids_are_short_and_old_entries_go_first():
    store = QueryStore(capacity=3)
    ids = []
    for i in range(1000):  # the oldest are forgotten every 1000 additions
        ids.append(store.add(f"q{i}", user_id=1, chat_id=1))
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{8}", qid) for qid in ids)
    assert len(store) == 3
    assert store.get(ids[0], 1, 1) is None
    assert store.get(ids[-1], 1, 1).query == "q999"


def test_query_store_answers_only_who_asked_or_where(tmp_path):
    store = QueryStore(tmp_path / "state.sqlite")
    private = store.add("岳阳 目标", user_id=1, chat_id=1)
    group = store.add("湘潭", user_id=2, chat_id=-100, shared=True)
    store.remember_spans(private, {"0123456789ab.3": ((0, 2), (5, 7))})
    assert store.get(private, 1, 1).query == "岳阳 目标"
    assert store.get(private, 3, 3) is None  # another user who learned the id
    assert store.get(private, 3, 3, link=True) is None
    assert store.get(group, 4, -100).query == "湘潭"  # anyone in that group
    assert store.get(group, 4, 4) is None  # a button pressed elsewhere
    assert store.get(group, 4, 4, link=True).query == "湘潭"  # the link posted in the group
    store.close()
    reopened = QueryStore(tmp_path / "state.sqlite")  # a restart
    assert reopened.get(private, 1, 1).query == "岳阳 目标"
    assert reopened.spans(private, "0123456789ab.3") == ((0, 2), (5, 7))
    assert reopened.spans(private, "0123456789ab.4") == ()


def test_rate_limiter_sliding_window():
    limiter = RateLimiter(limit=2, window=10)
    assert limiter.check(1, now=0) == 0
    assert limiter.check(1, now=1) == 0
    assert limiter.check(1, now=2) == pytest.approx(8)
    assert limiter.check(2, now=2) == 0  # per user
    assert limiter.check(1, now=10.5) == 0  # the first question left the window
    assert limiter.should_warn(1, now=3) and not limiter.should_warn(1, now=4)
    assert limiter.should_warn(1, now=14)


def test_rate_limiter_zero_means_no_limit():
    limiter = RateLimiter(limit=0, window=60)
    assert all(limiter.check(1, now=0) == 0 for _ in range(100))


# --- uploads -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, suffix, expected",
    [
        ("讲话.txt", ".txt", "讲话.txt"),
        ("../../etc/passwd.txt", ".txt", "passwd.txt"),
        ("C:\\Users\\a\\报告.DOCX", ".docx", "报告.docx"),
        ('a<b>:"c|?*.md', ".md", "a_b___c___.md"),
        ("...txt", ".txt", "upload.txt"),
        (".hidden.pdf", ".pdf", "hidden.pdf"),
    ],
)
def test_safe_filename(name, suffix, expected):
    assert safe_filename(name, suffix) == expected


def test_save_new_never_overwrites(tmp_path: Path):
    first = save_new(tmp_path, "讲话.txt", b"one")
    second = save_new(tmp_path, "讲话.txt", b"two")
    third = save_new(tmp_path, "讲话.txt", b"three")
    assert [p.name for p in (first, second, third)] == ["讲话.txt", "讲话-2.txt", "讲话-3.txt"]
    assert first.read_bytes() == b"one" and second.read_bytes() == b"two"


def test_find_same_content(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_bytes("内容".encode())
    (tmp_path / "b.txt").write_bytes("另一个".encode())
    assert find_same_content(tmp_path, "内容".encode()) == tmp_path / "sub" / "a.txt"
    assert find_same_content(tmp_path, "内容!".encode()) is None
    assert find_same_content(tmp_path / "missing", b"x") is None


# --- texts -------------------------------------------------------------------------------


def test_no_answer_suggests_what_to_try_and_escapes_the_question():
    text = texts.no_answer("<script>&")
    assert "&lt;script&gt;&amp;" in text
    shown = visible_text(text)
    assert "繁体" not in shown  # both scripts work: no point suggesting to switch
    for hint in ("更少", "筛选", "年份:2021"):
        assert hint in shown


@pytest.mark.parametrize("code", ["empty", "too_long", "no_terms", "anything-else"])
def test_query_errors_are_explained_in_chinese(code):
    text = visible_text(texts.query_error(code))
    assert text and re.search(r"[\u4e00-\u9fff]", text)


def test_human_sizes_and_ages():
    from datetime import datetime, timezone

    assert texts.human_bytes(512) == "512 B"
    assert texts.human_bytes(978944) == "956.0 KB"
    now = datetime(2026, 1, 2, 12, 0, tzinfo=timezone.utc)
    assert texts.human_age("2026-01-02T11:00:00+00:00", now) == "1 小时前"
    assert texts.human_age("2026-01-01T11:00:00Z", now) == "1 天前"
    assert texts.human_age("garbage", now) == "未知"


def test_progress_and_build_report_texts():
    from index import BuildReport, SkippedFile

    assert texts.progress("tokenizing", 5, 177, 2.4) == (
        "⏳ 正在重建索引……\n阶段：分词　进度：5/177\n已用时 2 秒"
    )
    assert texts.progress("loading", 0, 0, 3) == "⏳ 正在重建索引……\n阶段：加载新索引\n已用时 3 秒"
    assert "阶段：new&lt;stage&gt;" in texts.progress("new<stage>", 1, 0, 0)
    report = BuildReport(
        db_path="/x.sqlite", documents=6, passages=200, added=("a.txt",), changed=(),
        removed=("b.txt",), unchanged=4,
        skipped=tuple(SkippedFile(f"bad{i}.txt", "binary file") for i in range(12)),
        seconds=1.25,
    )  # fmt: skip
    text = texts.build_report(report)
    assert "用时 1.2 秒" in text or "用时 1.3 秒" in text
    assert "讲话 6 篇，段落 200 段" in text
    assert "新增 1 · 修改 0 · 删除 1 · 未变 4" in text
    assert "新增：a.txt" in text and "删除：b.txt" in text
    assert (
        "跳过 12 个文件：" in text and "• bad0.txt：这是二进制文件，不是文字（binary file）" in text
    )
    assert "……另有 2 个" in text


# --- rebuild plans -----------------------------------------------------------------------


def test_a_rebuild_plan_reads_every_folder_and_counts_what_it_would_lose(tmp_path):
    from bot.admin import plan_rebuild

    kept, emptied, gone, uploads = (tmp_path / n for n in ("kept", "emptied", "gone", "uploads"))
    for folder, files in ((kept, 100), (emptied, 3)):
        folder.mkdir()
        for number in range(files):
            (folder / f"{number}.txt").write_text("讲话", encoding="utf-8")
    (kept / "metadata.csv").write_text("file,title\n", encoding="utf-8")  # not a speech
    plan = plan_rebuild({str(kept): 100}, uploads)
    assert plan.folders == (kept, uploads) and uploads.is_dir()
    assert plan.lost == 0 and not plan.needs_confirmation

    (kept / "0.txt").unlink()  # one of 100 gone: within the 2% a rebuild may drop unasked
    assert plan_rebuild({str(kept): 100}, uploads).lost == 1
    assert not plan_rebuild({str(kept): 100}, uploads).needs_confirmation

    plan = plan_rebuild({str(kept): 100, str(emptied): 10, str(gone): 24_177}, kept)
    assert plan.folders == (kept, emptied)  # the upload folder is one of them: once
    assert plan.missing == {str(gone): 24_177} and plan.shrunk == {str(kept): 1, str(emptied): 7}
    assert plan.needs_confirmation
    text = visible_text(texts.rebuild_would_lose(plan, for_upload=False))
    assert "重建会删掉 24185 篇讲话" in text and f"来源文件夹不存在：{gone}（24177 篇）" in text
    assert text.endswith("发送 /reindex 确认")
