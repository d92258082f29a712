"""Alerts: /subscribe 词语, /subscriptions, /unsubscribe N in private chats, and the messages
sent when a rebuild (a /reindex or an upload) brings in speeches that state a subscription.

After each swap of the index, SearchService reports the documents whose content is new to
it (added or changed files). Every subscription is searched once on the new index; a hit
counts when the answer is high-confidence, its document is one of the new ones and its
passage contains every word of the subscription (index.trend.states). Each user then gets
at most one message, with at most MAX_QUOTES quotes; users are served one after another,
PAUSE seconds apart, below Telegram's flood limits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from index import Document, Hit, QueryError
from index.trend import query_words, states

from . import texts
from .handlers import is_group, user_id
from .render import render_alert
from .service import SearchService
from .state import STATE, BotState, Subscription, bot_state

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
MAX_QUOTES = 3  # per user and rebuild
CANDIDATES = 50  # hits looked at per subscription
PAUSE = 0.05  # seconds between two users' alerts


def install(application: Application) -> None:
    """Send alerts after every swap of the index (call once the service exists)."""
    state: BotState = application.bot_data[STATE]

    def new_documents(documents: list[Document]) -> None:
        application.create_task(notify(application, documents), name="subscription alerts")

    state.search.on_new_documents = new_documents


# --- commands ----------------------------------------------------------------------------


def command_text(update: Update) -> str:
    """What follows the command (and its @botname) in the message."""
    message = update.effective_message
    command = message.entities[0] if message.entities else None
    return (message.text[command.offset + command.length :] if command else "").strip()


async def private_only(update: Update) -> bool:
    if is_group(update):
        await update.effective_message.reply_text(texts.SUBSCRIBE_PRIVATE_ONLY, do_quote=True)
        return False
    return True


async def subscribe(update: Update, context: Context) -> None:
    """/subscribe 词语: remember the query; alerts come after the next rebuilds."""
    if not await private_only(update):
        return
    message = update.effective_message
    query = command_text(update)
    if not query:
        await message.reply_text(texts.SUBSCRIBE_USAGE)
        return
    state = bot_state(context)
    try:
        await state.search.search(query, top=1)  # the same checks as a question
    except QueryError as error:
        await message.reply_text(texts.query_error(error.code))
        return
    if not query_words(query):
        await message.reply_text(texts.SUBSCRIBE_USAGE)
        return
    number = state.subscriptions.add(user_id(update), update.effective_chat.id, query)
    if number is None:
        await message.reply_text(texts.too_many_subscriptions(state.subscriptions.per_user))
        return
    await message.reply_text(texts.subscribed(number, query))


async def subscriptions(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    mine = bot_state(context).subscriptions.of(user_id(update))
    await update.effective_message.reply_text(texts.subscription_list([s.query for s in mine]))


async def unsubscribe(update: Update, context: Context) -> None:
    """/unsubscribe N: drop the N-th subscription of /subscriptions."""
    if not await private_only(update):
        return
    message = update.effective_message
    argument = command_text(update)
    store = bot_state(context).subscriptions
    gone = store.remove(user_id(update), int(argument)) if argument.isdigit() else None
    if gone is None:
        mine = store.of(user_id(update))
        await message.reply_text(texts.unsubscribe_usage([s.query for s in mine]))
        return
    await message.reply_text(texts.unsubscribed(gone.query))


# --- alerts ------------------------------------------------------------------------------


async def notify(application: Application, documents: Sequence[Document]) -> None:
    """Tell each subscriber about the new quotes that match their subscriptions."""
    state: BotState = application.bot_data[STATE]
    fresh = {document.sha256 for document in documents}
    by_user: dict[tuple[int, int], list[Subscription]] = {}
    for subscription in state.subscriptions.everyone():
        by_user.setdefault((subscription.user_id, subscription.chat_id), []).append(subscription)
    sent = 0
    for (user, chat), theirs in by_user.items():
        found = await matches(state.search, theirs, fresh)
        if not found:
            continue
        reply = render_alert(found[:MAX_QUOTES], max(0, len(found) - MAX_QUOTES))
        try:
            await application.bot.send_message(chat_id=chat, text=reply.text)
            sent += 1
        except TelegramError as error:  # e.g. the user blocked the bot; the others still get theirs
            logger.warning("Could not send an alert to user %s: %s", user, error)
        await asyncio.sleep(PAUSE)
    logger.info("Alerts: %s new documents, %s users told", len(fresh), sent)


async def matches(
    service: SearchService, subscriptions: Sequence[Subscription], fresh: set[str]
) -> list[tuple[str, Hit]]:
    """(subscription query, hit) for the new passages that state each subscription, each
    passage once, in subscription order then rank."""
    found: list[tuple[str, Hit]] = []
    seen: set[int] = set()
    for subscription in subscriptions:
        try:
            result = await service.search(subscription.query, top=CANDIDATES)
        except QueryError:
            continue
        if result.confidence != "high":
            continue
        words = query_words(subscription.query)
        for hit in result.hits:
            new = hit.document.sha256 in fresh and hit.passage_id not in seen
            if new and states(hit.text, words):
                seen.add(hit.passage_id)
                found.append((subscription.query, hit))
    return found
