"""/trend 词语: a chart of how often the collection states a phrase, year by year.

Counting runs in a thread on the current index (index.trend); drawing the chart imports
matplotlib on first use and runs in a thread too, never on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from index import QueryError
from index.trend import render_png

from . import texts
from .handlers import is_group, strip_mentions, user_id
from .state import bot_state

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


async def trend_command(update: Update, context: Context) -> None:
    """/trend 词语 (also /trend@botname 词语): the chart as a photo and a short caption."""
    state = bot_state(context)
    message = update.effective_message
    group = is_group(update)
    command = message.entities[0] if message.entities else None
    rest = message.text[command.offset + command.length :] if command else ""
    query = strip_mentions(rest, context.bot.username)
    if not query:
        await message.reply_text(texts.TREND_USAGE, do_quote=group)
        return
    wait = state.limiter.check(user_id(update), time.monotonic())
    if wait:
        if state.limiter.should_warn(user_id(update), time.monotonic()):
            await message.reply_text(texts.rate_limited(wait), do_quote=group)
        return
    try:
        data = await state.search.trend(query)
    except QueryError as error:
        await message.reply_text(texts.query_error(error.code), do_quote=group)
        return
    if not data.passages:
        await message.reply_text(texts.trend_nothing(data.words), do_quote=group)
        return
    chart = await asyncio.to_thread(render_png, data)
    await message.reply_photo(
        InputFile(chart, filename="trend.png"), caption=texts.trend_caption(data), do_quote=group
    )
