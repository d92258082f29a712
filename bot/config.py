"""The bot's configuration: every setting described once, read from the environment.

The table of settings below is the single source of truth: `Settings.from_env` reads it,
and the README table and `.env.example` are generated from it (tests keep them in sync).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

CLI_HINT = 'python -m index search "岳阳2021年目标"'
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
# Without a secret, anyone who can reach the webhook port can post updates "from" an admin.
WEBHOOK_SECRET_MISSING = (
    "BOT_WEBHOOK_SECRET is required when BOT_WEBHOOK_URL is set, or anyone who reaches the "
    "webhook can forge updates (admin commands included); make one with: "
    "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
)


class ConfigError(Exception):
    """A setting is missing or malformed; str(error) is one line fit to show the operator."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str  # as written in the environment; "" means unset
    help: str
    example: str = ""  # value shown in .env.example instead of the default
    shown_default: str = ""  # what the docs show as default when `default` is computed
    active: bool = False  # written uncommented in .env.example


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "TELEGRAM_BOT_TOKEN",
        "",
        "Bot token from @BotFather (required).",
        example="123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0",
        active=True,
    ),
    Setting(
        "BOT_ADMIN_IDS",
        "",
        "Comma-separated Telegram user ids allowed to use /reindex, /stats and uploads.",
        example="11111111,22222222",
        active=True,
    ),
    Setting(
        "TELEGRAM_API_URL",
        "https://api.telegram.org",
        "Root of the Bot API server; `/bot<token>` and `/file/bot<token>` are appended "
        "(e.g. `http://127.0.0.1:8081` for a local Bot API server).",
    ),
    Setting(
        "SPEECHES_DB",
        "",
        "Path of the search index database.",
        shown_default="data/speeches.sqlite",
    ),
    Setting(
        "SPEECHES_DIR",
        "",
        "Folder of the speech collection; admin uploads are saved here.",
        shown_default="seeds/",
    ),
    Setting(
        "BOT_STATE_DB",
        "",
        "SQLite file where the bot keeps asked questions for paging across restarts.",
        shown_default="bot-state.sqlite next to SPEECHES_DB",
    ),
    Setting(
        "BOT_RATE_LIMIT",
        "10/60",
        "Questions per user: N/S allows at most N questions in S seconds; 0 disables the limit.",
    ),
    Setting(
        "BOT_PROGRESS_SECONDS",
        "3",
        "Minimum seconds between two edits of the /reindex progress message.",
    ),
    Setting(
        "BOT_WEBHOOK_URL",
        "",
        "Public HTTPS URL for webhook mode; unset means long polling. "
        "Needs `python-telegram-bot[webhooks]`.",
        example="https://bot.example.org/telegram",
    ),
    Setting(
        "BOT_WEBHOOK_LISTEN",
        "127.0.0.1",
        "Address the webhook server listens on: loopback, behind a reverse proxy that "
        "terminates HTTPS; `0.0.0.0` to accept connections from anywhere (e.g. in a container).",
    ),
    Setting("BOT_WEBHOOK_PORT", "8443", "Port the webhook server listens on."),
    Setting(
        "BOT_WEBHOOK_SECRET",
        "",
        "Secret token Telegram sends with each webhook request (1-256 of `A-Z a-z 0-9 _ -`); "
        "required in webhook mode, requests without it are refused. "
        "Make one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`.",
    ),
    Setting("BOT_LOG_LEVEL", "INFO", "Logging level: DEBUG, INFO, WARNING or ERROR."),
)


@dataclass(frozen=True)
class Settings:
    """Everything the bot needs to run, already parsed and validated."""

    token: str
    db_path: Path
    source_dir: Path
    admin_ids: frozenset[int] = frozenset()
    api_url: str = "https://api.telegram.org"
    rate_limit: tuple[int, float] = (10, 60.0)  # (questions, seconds); 0 questions = no limit
    progress_seconds: float = 3.0
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str = ""
    log_level: str = "INFO"
    state_path: Path | None = None  # None: bot-state.sqlite next to the index

    @property
    def state_file(self) -> Path:
        return self.state_path or self.db_path.parent / "bot-state.sqlite"

    @property
    def base_url(self) -> str:
        return f"{self.api_url.rstrip('/')}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_url.rstrip('/')}/file/bot"

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Read and validate all settings; raise ConfigError naming the first bad one."""
        from index import default_db_path, default_source_dir

        def get(name: str) -> str:
            default = next(s.default for s in SETTINGS if s.name == name)
            return (environ.get(name) or default).strip()

        token = validate_token(environ.get("TELEGRAM_BOT_TOKEN", ""))
        settings = cls(
            token=token,
            admin_ids=parse_admin_ids(get("BOT_ADMIN_IDS")),
            api_url=parse_url("TELEGRAM_API_URL", get("TELEGRAM_API_URL")),
            db_path=Path(get("SPEECHES_DB")) if get("SPEECHES_DB") else Path(default_db_path()),
            source_dir=(
                Path(get("SPEECHES_DIR")) if get("SPEECHES_DIR") else Path(default_source_dir())
            ),
            rate_limit=parse_rate_limit(get("BOT_RATE_LIMIT")),
            progress_seconds=parse_number("BOT_PROGRESS_SECONDS", get("BOT_PROGRESS_SECONDS")),
            webhook_url=(
                parse_url("BOT_WEBHOOK_URL", get("BOT_WEBHOOK_URL"))
                if get("BOT_WEBHOOK_URL")
                else ""
            ),
            webhook_listen=get("BOT_WEBHOOK_LISTEN"),
            webhook_port=int(parse_number("BOT_WEBHOOK_PORT", get("BOT_WEBHOOK_PORT"))),
            webhook_secret=parse_secret(get("BOT_WEBHOOK_SECRET")),
            log_level=parse_log_level(get("BOT_LOG_LEVEL")),
            state_path=Path(get("BOT_STATE_DB")) if get("BOT_STATE_DB") else None,
        )
        if settings.webhook_url and not settings.webhook_secret:
            raise ConfigError(WEBHOOK_SECRET_MISSING)
        return settings


def validate_token(raw: str) -> str:
    """Return the token if it looks like a bot token, else raise ConfigError (never echoing it)."""
    token = raw.strip()
    if not token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export it "
            f"(see .env.example), or ask questions from the command line: {CLI_HINT}"
        )
    if not TOKEN_PATTERN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is malformed (expected digits, a colon and 30+ letters, "
            f"digits, _ or -, like 123456789:AAH...); or ask from the command line: {CLI_HINT}"
        )
    return token


def parse_admin_ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not re.fullmatch(r"-?\d+", part):
            raise ConfigError(
                f"BOT_ADMIN_IDS must be comma-separated numeric user ids, got {part!r}"
            )
        ids.add(int(part))
    return frozenset(ids)


def parse_url(name: str, raw: str) -> str:
    if not re.match(r"^https?://[^/\s]+", raw):
        raise ConfigError(f"{name} must be an http(s) URL such as https://host[:port], got {raw!r}")
    return raw.rstrip("/")


def parse_rate_limit(raw: str) -> tuple[int, float]:
    if raw in ("0", ""):
        return (0, 60.0)
    match = re.fullmatch(r"(\d+)\s*/\s*(\d+(?:\.\d+)?)", raw)
    if not match or float(match.group(2)) <= 0:
        raise ConfigError(f"BOT_RATE_LIMIT must look like 10/60 (questions/seconds), got {raw!r}")
    return (int(match.group(1)), float(match.group(2)))


def parse_number(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {raw!r}")
    return value


def parse_secret(raw: str) -> str:
    if raw and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", raw):
        raise ConfigError("BOT_WEBHOOK_SECRET may only use A-Z a-z 0-9 _ - (1-256 characters)")
    return raw


def parse_log_level(raw: str) -> str:
    level = raw.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"BOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {raw!r}")
    return level


def settings_markdown() -> str:
    """The README table of settings."""
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = s.shown_default or s.default
        shown = f"`{default}`" if default else "(empty)"
        lines.append(f"| `{s.name}` | {shown} | {s.help} |")
    return "\n".join(lines) + "\n"


def env_example() -> str:
    """The contents of .env.example."""
    lines = ["# Settings of the Telegram bot (python -m bot); see README, section Telegram bot."]
    for s in SETTINGS:
        lines.append("")
        lines.append(f"# {s.help}")
        value = s.example or s.shown_default or s.default
        lines.append(f"{s.name}={value}" if s.active else f"# {s.name}={value}")
    return "\n".join(lines) + "\n"
