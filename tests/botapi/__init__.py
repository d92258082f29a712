"""A small fake Telegram Bot API server for end-to-end tests of the bot.

See :mod:`tests.botapi.server` for the details.
"""

from .server import APIError, BotAPIServer, HTMLParseError, html_to_entities

__all__ = ["APIError", "BotAPIServer", "HTMLParseError", "html_to_entities"]
