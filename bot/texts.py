"""What the bot says in words (Chinese), apart from search results: help, hints, refusals, reports.

All functions return Telegram HTML with every interpolated value escaped.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone

from typing import TYPE_CHECKING

from index import BuildReport, Document, IndexInfo
from index.errors import UNREADABLE_MESSAGES, QueryError, unreadable_code
from index.filters import FILTERS
from index.query import MAX_QUERY_CHARS
from index.sources import source_line, title_of

from .render import meta_lines, shorten

if TYPE_CHECKING:
    from index.trend import Trend

    from .admin import Plan

EXAMPLE = "岳阳2021年目标"
TREND_EXAMPLE = "高质量发展"

PUBLIC_COMMANDS = (
    ("ask", "提问：/ask 问题"),
    ("trend", "词语的年度分布图：/trend 词语"),
    ("subscribe", "订阅新讲话提醒：/subscribe 词语"),
    ("subscriptions", "查看我的订阅"),
    ("unsubscribe", "取消订阅：/unsubscribe 编号"),
    ("sources", "查看收录的讲话"),
    ("help", "用法和筛选语法"),
    ("whoami", "查看我的用户 ID 和聊天 ID"),
    ("start", "开始"),
)
ADMIN_COMMANDS = (
    ("reindex", "重建索引（管理员）"),
    ("stats", "索引统计（管理员）"),
)


def _e(value: object) -> str:
    return html.escape(str(value), quote=False)


def help_text(bot_username: str | None) -> str:
    at = f"@{bot_username}" if bot_username else "@机器人"
    return "\n".join(
        [
            "<b>讲话原文检索</b>",
            "直接发给我一个问题，我会逐字引用讲话原文中最相关的段落，"
            "并注明出处：《标题》 讲话人 · 地点 · 日期 · 第几段。",
            "",
            "<b>怎么问</b>",
            f"• 用几个关键词，例如：{_e(EXAMPLE)}",
            "• 简体、繁体都可以",
            "• 结果下方的按钮：下一页、上下文（前后段落）、全文（整段或原文文件）、"
            "引用（GB/T 7714 参考文献格式）",
            "• 资料库里没有确切答案时，我会先说明缺少什么，再给出标为“最接近”的段落",
            "",
            "<b>筛选</b>（写在问题里，冒号可以是全角或半角）",
            *(f"• {_e(f.help_example)}（也可写 {_e(' '.join(k + ':' for k in f.keys[1:]))}）" for f in FILTERS),
            "例如：<code>经济 目标 地点:岳阳 年份:2021</code>",
            "",
            "<b>精确查找</b>：用引号括住词句，只找原文中一字不差的段落，例如 "
            "<code>“高质量发展是新时代的硬道理”</code>（“”、\"\"、「」都可以，繁简通用）；"
            "词前加减号排除含有它的段落，例如 <code>县域经济 -乡村</code>。",
            "",
            "<b>在群组里</b>：发送 /ask 问题，或 " + _e(at) + " 问题，或直接回复我的消息。",
            "<b>在任意聊天中</b>：输入 " + _e(at) + " 问题，选一条引用发送。",
            "",
            "<b>年度分布</b>：/trend 词语，例如 /trend " + _e(TREND_EXAMPLE) + "，"
            "画出每年有多少段落、多少篇讲话提到它，并引用最早的一段。",
            "",
            "<b>订阅</b>（私聊）：/subscribe 词语 ——以后收录的新讲话里有段落包含这些词时通知你；"
            "/subscriptions 查看，/unsubscribe 编号 取消。",
            "",
            "/sources 查看收录的讲话",
        ]
    )


def start_text(first_name: str | None, bot_username: str | None) -> str:
    """A short welcome; /help has the whole story."""
    greeting = f"你好，{_e(first_name)}！" if first_name else "你好！"
    return "\n".join(
        [
            greeting,
            "把问题直接发给我，我会逐字引用讲话原文并注明出处。",
            f"例如：{_e(EXAMPLE)}",
            "",
            "/help 用法和筛选　/sources 收录的讲话",
        ]
    )


def whoami(user_id: int | None, chat_id: int, chat_type: str, is_admin: bool) -> str:
    lines = [f"你的用户 ID：<code>{user_id}</code>" if user_id else "无法识别你的用户 ID。"]
    if chat_type != "private":
        lines.append(f"这个聊天的 ID：<code>{chat_id}</code>")
    lines.append("你是管理员。" if is_admin else "管理员把用户 ID 填进 BOT_ADMIN_IDS 即可授权。")
    return "\n".join(lines)


UNKNOWN_COMMAND = "没有这个命令。"
NO_MORE_RESULTS = "没有更多结果了。"
INLINE_HELP_BUTTON = "没有结果？查看用法"
INLINE_HELP_TITLE = "输入问题，逐字引用讲话原文"
INLINE_HELP_DESCRIPTION = f"例如：{EXAMPLE}；可加筛选 地点:岳阳 年份:2021"
ASK_USAGE = f"请在 /ask 后面写上问题，例如：/ask {_e(EXAMPLE)}"
NON_TEXT_HINT = f"我只能回答文字问题。请用文字发送，例如：{_e(EXAMPLE)}\n发送 /help 查看用法。"
APOLOGY = "抱歉，处理这条消息时出了点问题，请稍后再试。"
INDEX_MISSING = "索引暂时不可用，请稍后再试。"
EXPIRED = "这次搜索已过期，请重新提问。"
EXPIRED_LINK = "这个链接已过期，请直接把问题发给我。"
NOT_ADMIN = "抱歉，这个命令只有管理员可以使用。"
UPLOAD_NOT_ADMIN = "抱歉，只有管理员可以上传讲话稿。请直接用文字提问。"
REINDEX_STARTED = "⏳ 正在重建索引……"
REINDEX_BUSY = "索引正在重建中，请等它完成后再试。"
UPLOAD_BUSY = "索引正在重建中，请稍后再上传。文件没有保存。"
PASSAGE_GONE = "这一段已不在当前索引中，请重新提问。"
INDEX_CHANGED = "索引已经更新，这个按钮失效了，请重新提问。"
FILE_GONE = "原文文件已不在资料库中。"


def rate_limited(seconds: float) -> str:
    return f"提问太频繁了，请 {max(1, round(seconds))} 秒后再试。"


def query_error(code: str) -> str:
    """Why a question cannot be searched (a QueryError's code), in Chinese."""
    return ERROR_MESSAGES[code] if code in QueryError.CODES else ERROR_MESSAGES["empty"]


def no_answer(query: str) -> str:
    shown = query if len(query) <= 60 else query[:59] + "…"
    return "\n".join(
        [
            f"资料库中没有找到与「{_e(shown)}」相关的段落。可以试试：",
            "• 用更少、更关键的词，例如：岳阳 目标",
            "• 换个说法，用讲话里可能出现的词",
            "• 去掉或改用筛选条件，例如：年份:2021、地点:岳阳",
            "发送 /sources 查看收录了哪些讲话。",
        ]
    )


TREND_USAGE = f"请在 /trend 后面写上要统计的词，例如：/trend {TREND_EXAMPLE}"
CAPTION_LIMIT = 1024  # Telegram's limit for a photo caption


SUBSCRIBE_EXAMPLE = "数字经济"
SUBSCRIBE_USAGE = (
    f"请在 /subscribe 后面写上要订阅的词，例如：/subscribe {SUBSCRIBE_EXAMPLE}\n"
    "以后收录的新讲话里有段落包含这些词时，我会发消息告诉你。"
)
SUBSCRIBE_PRIVATE_ONLY = "订阅只能在和我的私聊中使用。"


def subscribed(number: int, query: str) -> str:
    return (
        f"✅ 已订阅（第 {number} 条）：「{_e(query)}」\n"
        "收录新讲话后，如有段落包含这些词，我会发消息告诉你（每次最多 3 段）。\n"
        "发送 /subscriptions 查看订阅，/unsubscribe 编号 取消。"
    )


def too_many_subscriptions(limit: int) -> str:
    return f"最多可以订阅 {limit} 条。请先用 /unsubscribe 编号 取消一些。"


def subscription_list(queries: list[str]) -> str:
    if not queries:
        return "你还没有订阅。发送 /subscribe 词语 订阅，例如：/subscribe " + SUBSCRIBE_EXAMPLE
    lines = ["<b>你的订阅</b>"]
    lines += [f"{n}. {_e(q)}" for n, q in enumerate(queries, start=1)]
    lines.append("取消订阅：/unsubscribe 编号，例如 /unsubscribe 1")
    return "\n".join(lines)


def unsubscribe_usage(queries: list[str]) -> str:
    if not queries:
        return "你还没有订阅，没有可以取消的。"
    return "请写上要取消的订阅编号，例如 /unsubscribe 1\n\n" + subscription_list(queries)


def unsubscribed(query: str) -> str:
    return f"已取消订阅：「{_e(query)}」"


def trend_nothing(words: tuple[str, ...]) -> str:
    shown = "”“".join(shorten(w, 30) for w in words)
    return f"资料库中没有段落包含“{_e(shown)}”。可以换个更短或更常见的说法再试。"


def trend_caption(data: Trend) -> str:
    """📈 what was counted, the totals and years, and the first passage that says it."""
    years = [y for y in data.years if y.isdigit()]
    span = f"（{years[0]}–{years[-1]}年）" if len(years) > 1 else (f"（{years[0]}年）" if years else "")
    first = data.first
    head = [
        f"📈 「{_e(shorten(data.query, 40))}」：{data.passages} 段，{data.documents} 篇{span}",
        f"最早：{_e(source_line(first.document, first.paragraph))}",
    ]
    room = CAPTION_LIMIT - sum(len(line) + 1 for line in head) - 8
    return "\n".join([*head, f"“{_e(shorten(data.first_quote(), max(20, room)))}”"])


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def human_age(built_at: str, now: datetime | None = None) -> str:
    try:
        built = datetime.fromisoformat(built_at.replace("Z", "+00:00"))
    except ValueError:
        return "未知"
    if built.tzinfo is None:
        built = built.replace(tzinfo=timezone.utc)
    seconds = ((now or datetime.now(timezone.utc)) - built).total_seconds()
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{int(seconds // 60)} 分钟前"
    if seconds < 86400:
        return f"{int(seconds // 3600)} 小时前"
    return f"{int(seconds // 86400)} 天前"


def stats(
    info: IndexInfo, answered: int, median_ms: float | None, now: datetime | None = None
) -> str:
    median = f"{median_ms:.0f} 毫秒" if median_ms is not None else "暂无"
    return "\n".join(
        [
            "<b>索引统计</b>",
            f"讲话：{info.documents} 篇",
            f"段落：{info.passages} 段",
            f"索引大小：{human_bytes(info.db_bytes)}",
            f"构建时间：{_e(info.built_at)}（{human_age(info.built_at, now)}）",
            f"已回答问题：{answered}",
            f"回答时间中位数：{median}",
        ]
    )


STAGES = {
    "scan": "扫描文件",
    "scanning": "扫描文件",
    "read": "读取文件",
    "reading": "读取文件",
    "parse": "解析文件",
    "parsing": "解析文件",
    "tokenize": "分词",
    "tokenizing": "分词",
    "index": "建立索引",
    "indexing": "建立索引",
    "write": "写入数据库",
    "writing": "写入数据库",
    "done": "完成",
    "loading": "加载新索引",
}


def progress(stage: str, done: int, total: int, elapsed: float) -> str:
    label = f"阶段：{_e(STAGES.get(stage.lower(), stage))}"
    if total:
        label += f"　进度：{done}/{total}"
    elif done:
        label += f"　进度：{done}"
    return f"{REINDEX_STARTED}\n{label}\n已用时 {elapsed:.0f} 秒"


def build_report(report: BuildReport, max_skipped: int = 10) -> str:
    lines = [
        f"✅ 索引重建完成，用时 {report.seconds:.1f} 秒",
        f"讲话 {report.documents} 篇，段落 {report.passages} 段",
        f"新增 {len(report.added)} · 修改 {len(report.changed)} · "
        f"删除 {len(report.removed)} · 未变 {report.unchanged}",
    ]
    for label, paths in (
        ("新增", report.added),
        ("修改", report.changed),
        ("删除", report.removed),
    ):
        if paths and len(paths) <= max_skipped:
            lines.append(f"{label}：" + "、".join(_e(p) for p in paths))
    if report.skipped:
        lines.append(f"跳过 {len(report.skipped)} 个文件：")
        for skipped in report.skipped[:max_skipped]:
            lines.append(f"• {_e(skipped.path)}：{reason(skipped.reason)}")
        if len(report.skipped) > max_skipped:
            lines.append(f"……另有 {len(report.skipped) - max_skipped} 个")
    else:
        lines.append("没有跳过的文件。")
    return "\n".join(lines)


def rebuild_would_lose(plan: Plan, for_upload: bool, max_shown: int = 10) -> str:
    """Why a rebuild was not started: it would drop many documents of the current index."""
    share = plan.lost / plan.documents if plan.documents else 1.0
    lines = [f"⚠️ 没有重建索引：重建会删掉 {plan.lost} 篇讲话（现有 {plan.documents} 篇的 {share:.0%}）。"]
    problems = [f"• 来源文件夹不存在：{_e(f)}（{n} 篇）" for f, n in plan.missing.items()]
    problems += [f"• {_e(f)} 里少了 {n} 个文件" for f, n in plan.shrunk.items()]
    lines += problems[:max_shown]
    if len(problems) > max_shown:
        lines.append(f"……另有 {len(problems) - max_shown} 处")
    if for_upload:
        lines.append("上传的文件没有保存。请先恢复这些文件夹，或由管理员发送 /reindex 确认 后再上传。")
    else:
        lines.append("请先恢复这些文件夹；如果确实要删掉这些讲话，发送 /reindex 确认")
    return "\n".join(lines)


def build_failed(reason: str) -> str:
    return f"❌ 重建索引失败：{_e(reason)}\n旧索引继续使用。"


def unsupported_upload(suffix: str, supported: tuple[str, ...]) -> str:
    shown = suffix or "（无扩展名）"
    return f"不支持 {_e(shown)} 文件。可以上传：{_e(' '.join(sorted(supported)))}。文件没有保存。"


# Every error code of the search core (index.errors), said in Chinese.
ERROR_MESSAGES = {
    "empty": f"请告诉我要查什么，例如：{_e(EXAMPLE)}\n发送 /help 查看用法。",
    "usage": f"请告诉我要查什么，例如：{_e(EXAMPLE)}\n发送 /help 查看用法。",
    "too_long": f"问题太长了，请精简到几个关键词（{MAX_QUERY_CHARS} 字以内）再问。",
    "no_terms": (
        "这条消息里没有可以检索的词（只有标点、符号或常用虚词）。"
        f"请换几个关键词，例如：{_e(EXAMPLE)}"
    ),
    "index_missing": INDEX_MISSING,
    "index_damaged": INDEX_MISSING,
    "index_outdated": INDEX_MISSING,
    "build_locked": REINDEX_BUSY,
    "source_missing": "找不到讲话资料库的文件夹",
    "db_is_directory": "索引文件的位置是一个文件夹，无法写入索引",
    "db_not_writable": "无法写入索引所在的文件夹（只读或没有权限），原来的索引没有改动",
    "disk_full": "磁盘已满或写入出错，无法写入新索引，原来的索引没有改动",
    **UNREADABLE_MESSAGES,
}


def reason(text: str) -> str:
    """Why a file could not be read (a reader's English reason) in Chinese, the original kept in brackets."""
    code = unreadable_code(text)
    if code is not None:
        return f"{ERROR_MESSAGES[code]}（{_e(text)}）"
    return _e(text)


def unreadable_upload(why: str) -> str:
    return f"无法读取这个文件：{reason(why)}\n文件没有保存，资料库没有改动。"


def upload_too_big(limit_mb: int) -> str:
    return f"文件太大了（机器人最多能下载 {limit_mb} MB）。文件没有保存。"


def duplicate_upload(existing: str) -> str:
    return f"资料库里已经有内容完全相同的文件：{_e(existing)}，没有重复保存。"


def upload_saved(saved_as: str) -> str:
    return f"已保存为 {_e(saved_as)}，正在建立索引……"


def upload_indexed(document: Document, saved_as: str, renamed_from: str | None) -> str:
    lines = [f"✅ 已收录：《{_e(title_of(document))}》"]
    lines += meta_lines(document.meta)
    lines.append(f"段落：{document.passages} 段")
    lines.append(f"文件：{_e(saved_as)}")
    if renamed_from:
        lines.append(f"（已有同名文件 {_e(renamed_from)}，没有覆盖，另存为上面的文件名）")
    return "\n".join(lines)


def upload_skipped(saved_as: str, why: str) -> str:
    return f"索引没有收录这个文件：{reason(why)}\n已撤回上传的 {_e(saved_as)}，资料库没有改动。"
