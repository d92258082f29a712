"""python -m bot: run the Telegram bot (long polling, or a webhook when BOT_WEBHOOK_URL is set)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from urllib.parse import urlparse

from telegram import Update
from telegram.error import InvalidToken

from index import IndexUnavailable

from .app import build_application
from .config import CLI_HINT, ConfigError, Settings, env_example, settings_markdown
from .logs import quiet_third_party


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--env-example", action="store_true", help="print .env.example and exit")
    parser.add_argument(
        "--settings-markdown",
        action="store_true",
        help="print the README table of settings and exit",
    )
    args = parser.parse_args(argv)
    if args.env_example:
        sys.stdout.write(env_example())
        return 0
    if args.settings_markdown:
        sys.stdout.write(settings_markdown())
        return 0

    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=settings.log_level
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs every URL, token included
    quiet_third_party(settings.log_level)

    application = build_application(settings)
    try:
        if settings.webhook_url:
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlparse(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret or None,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print(
            "error: Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather, "
            f"or ask questions from the command line: {CLI_HINT}",
            file=sys.stderr,
        )
        return 2
    except IndexUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
