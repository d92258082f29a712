"""Admin-only handlers: rebuild the index in the background, take uploaded speeches, show stats.

Admins are the user ids in BOT_ADMIN_IDS, never group roles. Everyone else gets a polite
refusal and nothing happens. Only one build (a /reindex or an upload) runs at a time; while
it runs, questions keep being answered from the old index, which is swapped out at the end.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
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


async def reindex(update: Update, context: Context) -> None:
    if not await is_admin(update, context):
        return
    state = bot_state(context)
    if state.indexing.locked():
        await update.effective_message.reply_text(texts.REINDEX_BUSY)
        return
    await state.indexing.acquire()  # an unlocked lock is taken without yielding: no race
    try:
        status = await update.effective_message.reply_text(texts.REINDEX_STARTED)
    except BaseException:
        state.indexing.release()
        raise
    context.application.create_task(report_rebuild(state, status), update=update)


class Progress:
    """The latest (stage, done, total) of a build: written by the building thread, read here."""

    def __init__(self) -> None:
        self.latest: tuple[str, int, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.latest = (stage, done, total)  # one atomic assignment; no lock needed


async def report_rebuild(state: BotState, status: Message) -> None:
    """Rebuild while editing `status` at most every BOT_PROGRESS_SECONDS, then summarise."""
    progress = Progress()
    started = time.monotonic()
    try:
        build = asyncio.ensure_future(rebuild(state, progress))
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


async def rebuild(state: BotState, progress: Progress | None = None) -> BuildReport:
    """Build the index from the collection in a thread, then answer from the new one.

    The caller holds state.indexing.
    """
    settings = state.settings
    report = await asyncio.to_thread(
        build_index, sources=[settings.source_dir], db_path=settings.db_path, progress=progress
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
    if state.indexing.locked():
        await message.reply_text(texts.UPLOAD_BUSY)
        return
    async with state.indexing:
        await index_upload(state, message, folder, safe_filename(name, suffix), data)


async def index_upload(
    state: BotState, message: Message, folder: Path, name: str, data: bytes
) -> None:
    path = await asyncio.to_thread(save_new, folder, name, data)
    relative = path.relative_to(folder).as_posix()
    status = await message.reply_text(texts.upload_saved(relative))
    try:
        report = await rebuild(state)
    except Exception as error:
        logger.exception("Indexing the upload %s failed", relative)
        path.unlink(missing_ok=True)
        await edit(status, texts.build_failed(str(error) or type(error).__name__))
        return
    skipped = next((s for s in report.skipped if s.path in (relative, str(path))), None)
    indexed = next((d for d in await state.search.documents() if d.path == relative), None)
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
    return (stem[:100] or "upload") + suffix


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
