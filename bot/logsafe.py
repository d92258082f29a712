"""Logging for the bot's entry point: the token never reaches a log line.

The Bot API puts the token in every URL (`/bot<token>/sendMessage`), and python-telegram-bot,
httpx and exceptions repeat those URLs (PTB's `InvalidToken` message even quotes the token).
`configure_logging` installs `TokenFilter` on the root logger's handlers, so every record
that reaches them, whichever logger it came from, is masked: message, arguments, traceback.
"""

from __future__ import annotations

import logging
import re

# A bot token anywhere in a text: `<bot id>:<secret>`, with or without the `bot` of a URL.
TOKEN_IN_TEXT = re.compile(r"(?<![A-Za-z0-9_-])(bot)?(\d{3,}):[A-Za-z0-9_-]{30,}")
MASK = "***"

# Libraries that log every request (httpx: the URL with the token) or every socket event.
CHATTY_LOGGERS = ("httpx", "httpcore", "telegram", "apscheduler", "tornado.access", "jieba")

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def mask_token(text: str, token: str = "") -> str:
    """`text` with `token`, and anything shaped like a bot token, replaced by `<id>:***`."""
    if token:
        text = text.replace(token, f"{token.partition(':')[0]}:{MASK}")
    return TOKEN_IN_TEXT.sub(lambda m: f"{m.group(1) or ''}{m.group(2)}:{MASK}", text)


class TokenFilter(logging.Filter):
    """Masks bot tokens in a record's message, arguments and exception text; drops nothing."""

    def __init__(self, token: str = "") -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_token(message, self.token)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_token(record.exc_text, self.token)
        if record.stack_info:
            record.stack_info = mask_token(record.stack_info, self.token)
        return True


class StartupAbortFilter(logging.Filter):
    """Drops PTB's traceback when start-up gives up: the entry point reports it in one line.

    Only the bootstrap loops (initialize, deleteWebhook, setWebhook) are concerned: their
    failure ends `run_polling`/`run_webhook`, while the polling loop's own errors still log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("Network Retry Loop (Bootstrap" in message and "Abort" in message)


def configure_logging(level: str, token: str = "") -> None:
    """Log to stderr at `level` with tokens masked; chatty libraries only log warnings unless
    `level` is DEBUG."""
    logging.basicConfig(format=FORMAT, level=level)
    _drop_jieba_handler()
    token_filter = TokenFilter(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(token_filter)
    if level != "DEBUG":
        for name in CHATTY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
    # PTB's bootstrap retry loop logs under "telegram.ext" (see telegram/ext/_utils/networkloop)
    logging.getLogger("telegram.ext").addFilter(StartupAbortFilter())


def _drop_jieba_handler() -> None:
    """jieba adds its own stderr handler at import, so each of its lines came out twice (once
    there, once through the root handler, unmasked by ours): that handler goes."""
    import jieba  # noqa: F401 - imported here so its handler exists to remove

    logger = logging.getLogger("jieba")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
