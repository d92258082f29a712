"""Logging for the bot's entry point: third-party libraries speak up only when asked."""

from __future__ import annotations

import logging

# Libraries whose DEBUG and INFO chatter is noise at the bot's default level.
CHATTY = ("jieba", "httpx", "httpcore", "apscheduler")


def quiet_third_party(level: str) -> None:
    """Keep third-party loggers to warnings unless the bot runs at DEBUG.

    jieba adds its own stderr handler at import, so each of its lines came out twice
    (once there, once through the root handler); that handler goes, the root one stays.
    httpx stays at WARNING always: it logs every URL, the bot token included.
    """
    import jieba  # noqa: F401, PLC0415 - imported here so its handler exists to remove

    debug = level.upper() == "DEBUG"
    for name in CHATTY:
        logger = logging.getLogger(name)
        if name == "jieba":
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
        verbose = debug and name not in ("httpx", "httpcore")
        logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
