"""Assemble the Telegram application: the routing table, defaults, start-up and shut-down."""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from index import Searcher, build_index

from . import admin, alerts, handlers, texts, timeline
from .config import Settings
from .retry import RetryingRequest
from .service import SearchService
from .state import STATE, BotState, QueryStore, RateLimiter, SubscriptionStore

logger = logging.getLogger(__name__)

PASSAGE_KEY = r"[0-9a-f]{12}\.\d{1,6}"  # see bot.service.passage_key

NON_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.LOCATION
    | filters.CONTACT
)


def build_application(settings: Settings) -> Application:
    """The bot, ready for run_polling/run_webhook; the index is loaded in post_init."""
    application = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        # PTB's own default for this pool is 256 connections; getUpdates keeps its default
        # request: the polling loop retries by itself.
        .request(RetryingRequest(connection_pool_size=256))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.bot_data[STATE] = BotState(
        settings=settings,
        queries=QueryStore(settings.state_file),
        limiter=RateLimiter(*settings.rate_limit),
        subscriptions=SubscriptionStore(settings.state_file),
    )
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    application.add_handler(TypeHandler(Update, handlers.ignore_own_and_edits), group=-1)
    application.add_handlers(
        [
            CommandHandler("start", handlers.start),
            CommandHandler("help", handlers.help_command),
            CommandHandler("sources", handlers.sources),
            CommandHandler("whoami", handlers.whoami),
            CommandHandler("ask", handlers.ask),
            CommandHandler("trend", timeline.trend_command),
            CommandHandler("subscribe", alerts.subscribe),
            CommandHandler("subscriptions", alerts.subscriptions),
            CommandHandler("unsubscribe", alerts.unsubscribe),
            CommandHandler("reindex", admin.reindex),
            CommandHandler("stats", admin.stats),
            MessageHandler(private & filters.COMMAND, handlers.unknown_command),
            MessageHandler(private & filters.TEXT, handlers.private_question),
            MessageHandler(groups & filters.TEXT, handlers.group_message),
            MessageHandler(private & filters.Document.ALL, admin.upload),
            MessageHandler(private & NON_TEXT, handlers.non_text_hint),
            CallbackQueryHandler(handlers.page_button, pattern=r"^p:[\w-]+:\d{1,4}$"),
            CallbackQueryHandler(handlers.context_button, pattern=rf"^c:{PASSAGE_KEY}$"),
            CallbackQueryHandler(handlers.full_button, pattern=rf"^f:[\w-]+:{PASSAGE_KEY}$"),
            CallbackQueryHandler(handlers.cite_button, pattern=rf"^r:{PASSAGE_KEY}$"),
            CallbackQueryHandler(handlers.file_button, pattern=r"^d:[0-9a-f]{12}$"),
            CallbackQueryHandler(handlers.sources_button, pattern=r"^s:\d{1,6}$"),
            CallbackQueryHandler(handlers.stale_button),
            InlineQueryHandler(handlers.inline_query),
        ]
    )
    application.add_error_handler(handlers.on_error)


async def post_init(application: Application) -> None:
    """Load the index (and jieba) once, before the first update, and publish the commands."""
    state: BotState = application.bot_data[STATE]
    searcher = await asyncio.to_thread(open_index, state.settings)
    state.service = SearchService(searcher)
    alerts.install(application)
    await register_commands(application, state.settings)
    logger.info("Ready as @%s", application.bot.username)


async def post_shutdown(application: Application) -> None:
    state: BotState = application.bot_data[STATE]
    if state.service is not None:
        state.service.close()
    state.queries.close()
    state.subscriptions.close()


def open_index(settings: Settings) -> Searcher:
    """Open the index; on a first run with no database yet, build it from the collection."""
    if not settings.db_path.exists() and settings.source_dir.is_dir():
        logger.info(
            "No index at %s yet: building it from %s", settings.db_path, settings.source_dir
        )
        settings.db_path.parent.mkdir(parents=True, exist_ok=True)
        build_index(sources=[settings.source_dir], db_path=settings.db_path)
    return Searcher.open(settings.db_path)


async def register_commands(application: Application, settings: Settings) -> None:
    """Everyone sees the public commands; each admin's private chat also lists admin ones."""
    public = [BotCommand(name, text) for name, text in texts.PUBLIC_COMMANDS]
    private = public + [BotCommand(name, text) for name, text in texts.ADMIN_COMMANDS]
    await application.bot.set_my_commands(public, scope=BotCommandScopeDefault())
    for admin_id in sorted(settings.admin_ids):
        try:
            await application.bot.set_my_commands(private, scope=BotCommandScopeChat(admin_id))
        except TelegramError as error:  # e.g. the admin has not started a chat with the bot yet
            logger.warning("Could not set admin commands for %s: %s", admin_id, error)
