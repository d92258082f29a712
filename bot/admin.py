"""Admin-only handlers: rebuild the index in the background, take uploaded speeches, show stats.

Admins are the user ids in BOT_ADMIN_IDS, never group roles. Everyone else gets a polite
refusal and nothing happens. Only one build (a /reindex or an upload) runs at a time; while
it runs, questions keep being answered from the old index, which is swapped out at the end.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from telegram import Message, Update
from telegram.constants import FileSizeLimit
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from index import (
    SUPPORTED_SUFFIXES,
    BuildReport,
    Searcher,
    UnreadableSource,
    build_index,
    read_bytes,
)

from index.metadata import METADATA_FILE

from . import texts
from .state import BotState, bot_state

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


async def is_admin(update: Update, context: Context, refusal: str = texts.NOT_ADMIN) -> bool:
    """True for configured admins; everyone else is told so, and nothing else happens."""
    user = update.effective_user
    if bot_state(context).settings.is_admin(user.id if user else None):
        return True
    await update.effective_message.reply_text(refusal)
    return False


# --- /reindex ----------------------------------------------------------------------------


CONFIRM_WORDS = ("确认", "force", "confirm")
MAX_SILENT_LOSS = 0.02  # a rebuild may drop up to this share of the documents unasked


@dataclass(frozen=True)
class Plan:
    """What a rebuild will read, and what it would lose compared with the current index."""

    folders: tuple[Path, ...]  # existing folders to build from
    missing: dict[str, int]  # folder the index was built from that is gone -> its documents
    shrunk: dict[str, int]  # folder with fewer files than indexed documents -> how many fewer
    documents: int  # in the current index

    @property
    def lost(self) -> int:
        return sum(self.missing.values()) + sum(self.shrunk.values())

    @property
    def needs_confirmation(self) -> bool:
        return self.lost > MAX_SILENT_LOSS * self.documents


def plan_rebuild(indexed: dict[str, int], upload_dir: Path) -> Plan:
    """Build from every folder the index was built from, plus the upload folder.

    `indexed` maps each source folder of the current index to its number of documents.
    Slow-ish (it counts files), so run it in a thread.
    """
    folders: dict[str, Path] = {}
    missing: dict[str, int] = {}
    shrunk: dict[str, int] = {}
    for name, count in indexed.items():
        folder = Path(name)
        if not folder.is_dir():
            missing[name] = count
            continue
        folders[str(folder.resolve())] = folder
        fewer = count - count_files(folder)
        if fewer > 0:
            shrunk[name] = fewer
    upload_dir.mkdir(parents=True, exist_ok=True)
    folders.setdefault(str(upload_dir.resolve()), upload_dir)
    return Plan(tuple(folders.values()), missing, shrunk, sum(indexed.values()))


def count_files(folder: Path) -> int:
    """Files a build would try to read (hidden files, metadata.csv and READMEs left out)."""
    count = 0
    for _, subfolders, names in os.walk(folder):
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        count += sum(
            1
            for name in names
            if not name.startswith(".")
            and name != METADATA_FILE
            and name.lower().rsplit(".", 1)[0] != "readme"
        )
    return count


async def current_plan(state: BotState) -> Plan:
    indexed = await state.search.sources()
    return await asyncio.to_thread(plan_rebuild, indexed, state.settings.source_dir)


async def reindex(update: Update, context: Context) -> None:
    """/reindex rebuilds from all source folders; /reindex 确认 also when that loses documents."""
    if not await is_admin(update, context):
        return
    state = bot_state(context)
    message = update.effective_message
    if state.indexing.locked():
        await message.reply_text(texts.REINDEX_BUSY)
        return
    plan = await current_plan(state)
    confirmed = bool(context.args) and context.args[0].lower() in CONFIRM_WORDS
    if plan.needs_confirmation and not confirmed:
        await message.reply_text(texts.rebuild_would_lose(plan, for_upload=False))
        return
    if state.indexing.locked():
        await message.reply_text(texts.REINDEX_BUSY)
        return
    await state.indexing.acquire()  # an unlocked lock is taken without yielding: no race
    try:
        status = await message.reply_text(texts.REINDEX_STARTED)
    except BaseException:
        state.indexing.release()
        raise
    context.application.create_task(report_rebuild(state, status, plan.folders), update=update)


class Progress:
    """The latest (stage, done, total) of a build: written by the building thread, read here."""

    def __init__(self) -> None:
        self.latest: tuple[str, int, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.latest = (stage, done, total)  # one atomic assignment; no lock needed


async def report_rebuild(state: BotState, status: Message, folders: Sequence[Path]) -> None:
    """Rebuild while editing `status` at most every BOT_PROGRESS_SECONDS, then summarise."""
    progress = Progress()
    started = time.monotonic()
    try:
        build = asyncio.ensure_future(rebuild(state, folders, progress))
        shown = None
        while not build.done():
            await asyncio.wait({build}, timeout=max(0.05, state.settings.progress_seconds))
            if not build.done() and progress.latest not in (None, shown):
                shown = progress.latest
                await edit(status, texts.progress(*shown, time.monotonic() - started))
        try:
            report = build.result()
        except Exception as error:  # the admin sees why; the old index stays in use
            logger.exception("Rebuilding the index failed")
            await edit(status, texts.build_failed(str(error) or type(error).__name__))
            return
        logger.info("Index rebuilt: %s documents, %s passages", report.documents, report.passages)
        await edit(status, texts.build_report(report))
    finally:
        state.indexing.release()


async def rebuild(
    state: BotState, folders: Sequence[Path], progress: Progress | None = None
) -> BuildReport:
    """Build the index from `folders` in a thread, then answer from the new one.

    The caller holds state.indexing.
    """
    settings = state.settings
    report = await asyncio.to_thread(
        build_index, sources=list(folders), db_path=settings.db_path, progress=progress
    )
    if progress is not None:
        progress("loading", 0, 0)
    searcher = await asyncio.to_thread(Searcher.open, settings.db_path)
    state.search.swap(searcher)
    return report


async def edit(message: Message, text: str) -> None:
    try:
        await message.edit_text(text)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            logger.warning("Could not edit the progress message: %s", error)
    except TelegramError as error:
        logger.warning("Could not edit the progress message: %s", error)


# --- /stats ------------------------------------------------------------------------------


async def stats(update: Update, context: Context) -> None:
    if not await is_admin(update, context):
        return
    service = bot_state(context).search
    info = await service.info()
    await update.effective_message.reply_text(
        texts.stats(info, service.answered, service.median_ms)
    )


# --- uploads -----------------------------------------------------------------------------


async def upload(update: Update, context: Context) -> None:
    """A document sent by an admin in private chat joins the collection and the index."""
    if not await is_admin(update, context, texts.UPLOAD_NOT_ADMIN):
        return
    state = bot_state(context)
    message = update.effective_message
    document = message.document
    name = document.file_name or "upload"
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        await message.reply_text(texts.unsupported_upload(suffix, tuple(SUPPORTED_SUFFIXES)))
        return
    if document.file_size and document.file_size > FileSizeLimit.FILESIZE_DOWNLOAD:
        await message.reply_text(texts.upload_too_big(FileSizeLimit.FILESIZE_DOWNLOAD // 2**20))
        return
    if state.indexing.locked():
        await message.reply_text(texts.UPLOAD_BUSY)
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    try:
        await asyncio.to_thread(read_bytes, data, suffix)
    except UnreadableSource as error:
        await message.reply_text(texts.unreadable_upload(str(error)))
        return
    folder = state.settings.source_dir
    same = await asyncio.to_thread(find_same_content, folder, data)
    if same is not None:
        await message.reply_text(texts.duplicate_upload(same.relative_to(folder).as_posix()))
        return
    plan = await current_plan(state)
    if plan.needs_confirmation:
        await message.reply_text(texts.rebuild_would_lose(plan, for_upload=True))
        return
    if state.indexing.locked():
        await message.reply_text(texts.UPLOAD_BUSY)
        return
    async with state.indexing:
        await index_upload(state, message, folder, safe_filename(name, suffix), data, plan)


async def index_upload(
    state: BotState, message: Message, folder: Path, name: str, data: bytes, plan: Plan
) -> None:
    path = await asyncio.to_thread(save_new, folder, name, data)
    relative = path.relative_to(folder).as_posix()
    status = await message.reply_text(texts.upload_saved(relative))
    try:
        report = await rebuild(state, plan.folders)
    except Exception as error:
        logger.exception("Indexing the upload %s failed", relative)
        path.unlink(missing_ok=True)
        await edit(status, texts.build_failed(str(error) or type(error).__name__))
        return
    skipped = next((s for s in report.skipped if s.path in (relative, str(path))), None)
    source = str(folder.resolve())
    indexed = next(
        (
            d
            for d in await state.search.documents()
            if d.path == relative and d.source == source
        ),
        None,
    )
    if skipped is not None or indexed is None:
        path.unlink(missing_ok=True)
        reason = skipped.reason if skipped else "没有找到可以收录的段落"
        await edit(status, texts.upload_skipped(relative, reason))
        return
    renamed_from = name if relative != name else None
    await edit(status, texts.upload_indexed(indexed, relative, renamed_from))


def safe_filename(name: str, suffix: str) -> str:
    """A plain file name (no folders, no control or reserved characters) keeping `suffix`."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base[: -len(suffix)] if base.lower().endswith(suffix) else base
    stem = re.sub(r'[\x00-\x1f\x7f<>:"/\\|?*]', "_", stem).strip(" .")
    # File systems limit a name to 255 bytes, not characters: a Chinese character takes 3.
    # 200 bytes leave room for the suffix and a "-999" that save_new may add.
    stem = stem[:100].encode("utf-8", "surrogatepass")[:200].decode("utf-8", "ignore").strip(" .")
    return (stem or "upload") + suffix


def save_new(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` under `name`, or name-2, name-3… if taken; never replace a file."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(name).stem, Path(name).suffix
    for number in range(1, 1000):
        path = folder / (name if number == 1 else f"{stem}-{number}{suffix}")
        try:
            with path.open("xb") as file:  # "x" fails if the file exists
                file.write(data)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free file name for {name} in {folder}")


def find_same_content(folder: Path, data: bytes) -> Path | None:
    """A file of the collection with exactly these bytes, if there is one."""
    digest = hashlib.sha256(data).digest()
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        same_size = path.is_file() and path.stat().st_size == len(data)
        if same_size and hashlib.sha256(path.read_bytes()).digest() == digest:
            return path
    return None
