"""Handlers for everyone: questions in private and group chats, buttons, inline mode, help.

Each handler reads the update, asks the search service, and sends what bot.render made.
"""

from __future__ import annotations

import html
import logging
import re
import time
from pathlib import Path

from telegram import (
    CallbackQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from index import Document, Passage, QueryError, SearchResult
from index.citation import gbt7714_of
from index.sources import title_of

from . import texts
from .render import (
    PAGE_SIZE,
    SOURCES_PAGE,
    Reply,
    pages_of,
    render_answer,
    render_citation,
    render_context,
    render_group_answer,
    render_inline,
    render_passage,
    render_sources,

)
from .service import document_key
from .state import BotState, bot_state

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
INLINE_PAGE = 10
INLINE_MAX = 50


# --- guards ------------------------------------------------------------------------------


async def ignore_own_and_edits(update: Update, context: Context) -> None:
    """Runs first: drop edits, channel posts and anything the bot itself sent."""
    if update.edited_message or update.edited_channel_post or update.channel_post:
        raise ApplicationHandlerStop
    message = update.message
    if message is None:
        return
    me = context.bot.id
    if (message.from_user and message.from_user.id == me) or (
        message.via_bot and message.via_bot.id == me
    ):
        raise ApplicationHandlerStop


# --- commands ----------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    message = update.effective_message
    payload = context.args[0] if context.args else ""
    if payload.startswith("q") and update.effective_chat.type == ChatType.PRIVATE:
        asked = bot_state(context).queries.get(
            payload[1:], user_id(update), update.effective_chat.id, link=True
        )
        if asked is None:
            await message.reply_text(texts.EXPIRED_LINK)
        else:
            await answer(update, context, asked.query)
        return
    if payload == "help":  # from the inline mode's "no results? see how" button
        await message.reply_text(texts.help_text(context.bot.username))
        return
    user = update.effective_user
    await message.reply_text(
        texts.start_text(user.first_name if user else None, context.bot.username)
    )


async def help_command(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(texts.help_text(context.bot.username))


async def sources(update: Update, context: Context) -> None:
    """/sources: one message, the first page of the collection; buttons turn the pages."""
    reply = await sources_page(context, 0)
    await update.effective_message.reply_text(reply.text, reply_markup=reply.keyboard)


async def sources_button(update: Update, context: Context) -> None:
    """s:<page> — another page of /sources, in place."""
    callback = update.callback_query
    reply = await sources_page(context, int(callback.data.split(":")[1]))
    await callback.answer()
    await edit_in_place(callback, reply)


async def sources_page(context: Context, page: int) -> Reply:
    service = bot_state(context).search
    folders = await service.sources()
    pages = pages_of(sum(folders.values()), SOURCES_PAGE)
    page = min(max(0, page), pages - 1)
    documents = await service.documents(page * SOURCES_PAGE, SOURCES_PAGE)
    return render_sources(documents, folders, page)


async def whoami(update: Update, context: Context) -> None:
    """/whoami (or /id): the numeric ids an admin needs for BOT_ADMIN_IDS."""
    user = update.effective_user
    chat = update.effective_chat
    is_admin = bot_state(context).settings.is_admin(user.id if user else None)
    await update.effective_message.reply_text(
        texts.whoami(user.id if user else None, chat.id, chat.type, is_admin),
        do_quote=is_group(update),
    )


async def ask(update: Update, context: Context) -> None:
    """/ask 问题 (also /ask@botname 问题): the question is whatever follows the command."""
    message = update.effective_message
    command = message.entities[0] if message.entities else None
    rest = message.text[command.offset + command.length :] if command else ""
    question = strip_mentions(rest, context.bot.username)
    if not question:
        await message.reply_text(texts.ASK_USAGE, do_quote=is_group(update))
        return
    await answer(update, context, question)


async def unknown_command(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(
        texts.UNKNOWN_COMMAND + "\n\n" + texts.help_text(context.bot.username)
    )


# --- questions ---------------------------------------------------------------------------


async def private_question(update: Update, context: Context) -> None:
    await answer(
        update, context, strip_mentions(update.effective_message.text, context.bot.username)
    )


async def group_message(update: Update, context: Context) -> None:
    """A group message that mentions the bot or replies to it; all other chatter is ignored."""
    message = update.effective_message
    username = context.bot.username
    replied = message.reply_to_message
    to_bot = bool(replied and replied.from_user and replied.from_user.id == context.bot.id)
    if not (to_bot or mentions(message, username)):
        return
    question = strip_mentions(message.text, username)
    if not question:
        await message.reply_text(texts.ASK_USAGE, do_quote=True)
        return
    await answer(update, context, question)


async def answer(update: Update, context: Context, question: str) -> None:
    """Search for `question` and reply: a page of hits in private, the top hit in groups."""
    state = bot_state(context)
    message = update.effective_message
    group = is_group(update)
    started = time.perf_counter()
    asker = user_id(update)
    wait = state.limiter.check(asker, time.monotonic())
    if wait:
        if state.limiter.should_warn(asker, time.monotonic()):
            await message.reply_text(texts.rate_limited(wait), do_quote=group)
        return
    try:
        result = await state.search.search(question, top=PAGE_SIZE)
    except QueryError as error:
        await message.reply_text(texts.query_error(error.code), do_quote=group)
        return
    if not result.hits:
        await message.reply_text(texts.no_answer(question), do_quote=group)
        state.search.record_answer(started)
        return
    qid = state.queries.add(question, asker, update.effective_chat.id, shared=group)
    keys = await remember_spans(state, qid, result)
    if group:
        reply = render_group_answer(result, qid, context.bot.username, keys)
    else:
        reply = render_answer(result, qid, 0, keys)
    await message.reply_text(reply.text, reply_markup=reply.keyboard, do_quote=group)
    state.search.record_answer(started)


async def remember_spans(state: BotState, qid: str, result: SearchResult) -> dict[int, str]:
    """Keep the matched words of each hit (to bold the full passage); return the hits' keys."""
    keys = await state.search.passage_keys(result.hits)
    state.queries.remember_spans(qid, {keys[hit.passage_id]: hit.spans for hit in result.hits})
    return keys


# --- buttons -----------------------------------------------------------------------------


async def page_button(update: Update, context: Context) -> None:
    """p:<qid>:<page> — show another page of results in place (also expands a group answer)."""
    state = bot_state(context)
    callback = update.callback_query
    if await _without_chat(callback):
        return
    _, qid, page_text = callback.data.split(":")
    page = int(page_text)
    asked = state.queries.get(qid, user_id(update), update.effective_chat.id)
    if asked is None:
        await callback.answer(texts.EXPIRED, show_alert=True)
        return
    try:
        result = await state.search.page(asked.query, page * PAGE_SIZE, PAGE_SIZE)
    except QueryError:
        result = None
    if result is None or not result.hits:
        await callback.answer(texts.NO_MORE_RESULTS)
        return
    keys = await remember_spans(state, qid, result)
    reply = render_answer(result, qid, page, keys)
    await callback.answer()
    await edit_in_place(callback, reply)


async def _without_chat(callback: CallbackQuery) -> bool:
    """A button on an inline message (sent via @bot in another chat) has no chat to answer in."""
    if callback.message is not None:
        return False
    await callback.answer(texts.EXPIRED, show_alert=True)
    return True


async def edit_in_place(callback: CallbackQuery, reply: Reply) -> None:
    try:
        await callback.edit_message_text(reply.text, reply_markup=reply.keyboard)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def context_button(update: Update, context: Context) -> None:
    """c:<passage key> — the passages before and after a hit."""
    callback = update.callback_query
    if await _without_chat(callback):
        return
    service = bot_state(context).search
    found = await service.resolve(callback.data.split(":")[1])
    if found is None:
        await callback.answer(texts.INDEX_CHANGED, show_alert=True)
        return
    passage_id = found[1]
    passages = await service.context(passage_id, before=1, after=1)
    focus = next((p for p in passages if p.id == passage_id), None)
    document = await document_of(context, focus) if focus else None
    if focus is None or document is None:
        await callback.answer(texts.PASSAGE_GONE, show_alert=True)
        return
    await callback.answer()
    for reply in render_context(passages, document, passage_id):
        await send(update, context, reply)


async def full_button(update: Update, context: Context) -> None:
    """f:<qid>:<passage key> — the whole passage, matched words in bold."""
    callback = update.callback_query
    if await _without_chat(callback):
        return
    _, qid, key = callback.data.split(":")
    state = bot_state(context)
    found = await state.search.resolve(key)
    if found is None:
        await callback.answer(texts.INDEX_CHANGED, show_alert=True)
        return
    passage = await state.search.passage(found[1])
    document = await document_of(context, passage) if passage else None
    if passage is None or document is None:
        await callback.answer(texts.PASSAGE_GONE, show_alert=True)
        return
    asked = state.queries.get(qid, user_id(update), update.effective_chat.id)
    spans = state.queries.spans(qid, key) if asked else ()
    await callback.answer()
    for reply in render_passage(passage, document, document_key(document), spans):
        await send(update, context, reply)


async def cite_button(update: Update, context: Context) -> None:
    """r:<passage key> — the GB/T 7714-2015 citation of a hit, as a message to copy."""
    callback = update.callback_query
    service = bot_state(context).search
    found = await service.resolve(callback.data.split(":")[1])
    passage = await service.passage(found[1]) if found else None
    if found is None or passage is None:
        await callback.answer(texts.INDEX_CHANGED, show_alert=True)
        return
    await callback.answer()
    await send(update, context, render_citation(gbt7714_of(found[0], passage.paragraph)))


async def file_button(update: Update, context: Context) -> None:
    """d:<document key> — the original file of a speech."""
    callback = update.callback_query
    if await _without_chat(callback):
        return
    document = await bot_state(context).search.document_by_key(callback.data.split(":")[1])
    path = Path(document.file_path) if document else None
    if path is None or not path.is_file():
        await callback.answer(texts.FILE_GONE, show_alert=True)
        return
    await callback.answer()
    await context.bot.send_document(
        chat_id=update.effective_chat.id,
        document=path,
        filename=path.name,
        caption=html.escape(f"《{title_of(document)}》", quote=False),
    )


async def stale_button(update: Update, context: Context) -> None:
    await update.callback_query.answer(texts.EXPIRED, show_alert=True)


# --- inline mode -------------------------------------------------------------------------


async def inline_query(update: Update, context: Context) -> None:
    """@botname 问题 in any chat: the top hits as articles; an empty query gets a help entry."""
    query = update.inline_query
    text = query.query.strip()
    if not text:
        await query.answer([help_article(context.bot.username)], cache_time=300)
        return
    offset = int(query.offset) if query.offset.isdigit() else 0
    help_button = InlineQueryResultsButton(text=texts.INLINE_HELP_BUTTON, start_parameter="help")
    try:
        result = await bot_state(context).search.page(text, offset, INLINE_PAGE)
    except QueryError:
        await query.answer([], cache_time=5, button=help_button)
        return
    articles = []
    for hit in result.hits:
        article = render_inline(hit, result)
        articles.append(
            InlineQueryResultArticle(
                id=article.id,
                title=article.title,
                description=article.description,
                input_message_content=InputTextMessageContent(article.message),
            )
        )
    shown = offset + len(result.hits)
    next_offset = str(shown) if result.hits and shown < min(result.total, INLINE_MAX) else ""
    await query.answer(
        articles,
        cache_time=30,
        next_offset=next_offset,
        button=help_button if not articles and offset == 0 else None,
    )


def help_article(bot_username: str | None) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id="help",
        title=texts.INLINE_HELP_TITLE,
        description=texts.INLINE_HELP_DESCRIPTION,
        input_message_content=InputTextMessageContent(texts.help_text(bot_username)),
    )


# --- everything else ---------------------------------------------------------------------


async def non_text_hint(update: Update, context: Context) -> None:
    """Stickers, photos, voice… in private chat: say what the bot understands."""
    await update.effective_message.reply_text(texts.NON_TEXT_HINT)


async def on_error(update: object, context: Context) -> None:
    """Log first, then apologise briefly; never show a traceback, never raise."""
    logger.error("Error while handling %s", describe(update), exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query:
            await update.callback_query.answer(texts.APOLOGY, show_alert=True)
        elif update.inline_query:
            await update.inline_query.answer([], cache_time=5)
        elif update.effective_message:
            await update.effective_message.reply_text(texts.APOLOGY)
    except TelegramError:
        logger.warning("Could not send the apology for %s", describe(update), exc_info=True)


# --- helpers -----------------------------------------------------------------------------


def user_id(update: Update) -> int:
    return update.effective_user.id if update.effective_user else 0


def is_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def mentions(message: Message, username: str | None) -> bool:
    if not username:
        return False
    wanted = f"@{username}".lower()
    return any(
        entity.type == MessageEntity.MENTION and mention.lower() == wanted
        for entity, mention in message.parse_entities([MessageEntity.MENTION]).items()
    )


def strip_mentions(text: str, username: str | None) -> str:
    """The question without @botname mentions and surrounding whitespace."""
    if username:
        text = re.sub(rf"@{re.escape(username)}(?![A-Za-z0-9_])", " ", text, flags=re.IGNORECASE)
    return text.strip()


async def document_of(context: Context, passage: Passage) -> Document | None:
    document = passage.document
    if isinstance(document, Document):
        return document
    return await bot_state(context).search.document(int(document))


async def send(update: Update, context: Context, reply: Reply) -> None:
    await context.bot.send_message(
        chat_id=update.effective_chat.id, text=reply.text, reply_markup=reply.keyboard
    )


def describe(update: object) -> str:
    if isinstance(update, Update):
        chat = update.effective_chat
        return f"update {update.update_id} (chat {chat.id if chat else '-'})"
    return repr(update)[:200]
