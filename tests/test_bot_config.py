"""bot.config: settings read from the environment, one clear line per mistake, docs in sync."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import (
    SETTINGS,
    ConfigError,
    Settings,
    env_example,
    settings_markdown,
    validate_token,
)

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


def test_defaults(monkeypatch):
    monkeypatch.delenv("SPEECHES_DB", raising=False)
    monkeypatch.delenv("SPEECHES_DIR", raising=False)
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings.token == TOKEN
    assert settings.admin_ids == frozenset()
    assert settings.api_url == "https://api.telegram.org"
    assert settings.base_url == "https://api.telegram.org/bot"
    assert settings.base_file_url == "https://api.telegram.org/file/bot"
    assert settings.db_path == ROOT / "data" / "speeches.sqlite"
    assert settings.source_dir == ROOT / "seeds"
    assert settings.rate_limit == (10, 60.0)
    assert settings.webhook_url == ""


def test_every_setting_is_read():
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": f"  {TOKEN}\n",
            "BOT_ADMIN_IDS": " 42, 7 ,,",
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
            "SPEECHES_DB": "/tmp/x.sqlite",
            "SPEECHES_DIR": "/tmp/speeches",
            "BOT_RATE_LIMIT": "3/10",
            "BOT_PROGRESS_SECONDS": "0.5",
            "BOT_WEBHOOK_URL": "https://bot.example.org/hook",
            "BOT_WEBHOOK_LISTEN": "127.0.0.1",
            "BOT_WEBHOOK_PORT": "8080",
            "BOT_WEBHOOK_SECRET": "s3cr_et-",
            "BOT_LOG_LEVEL": "debug",
        }
    )
    assert settings.admin_ids == {42, 7}
    assert settings.is_admin(42) and not settings.is_admin(8) and not settings.is_admin(None)
    assert settings.base_url == "http://127.0.0.1:8081/bot"
    assert settings.base_file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.db_path == Path("/tmp/x.sqlite")
    assert settings.source_dir == Path("/tmp/speeches")
    assert settings.rate_limit == (3, 10.0)
    assert settings.progress_seconds == 0.5
    assert settings.webhook_url == "https://bot.example.org/hook"
    assert (settings.webhook_listen, settings.webhook_port) == ("127.0.0.1", 8080)
    assert settings.webhook_secret == "s3cr_et-"
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    "token",
    [
        "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0",
        "7000000000:AAE-_abcdefghijklmnopqrstuvwxyz0123",
    ],
)
def test_good_tokens(token):
    assert validate_token(token) == token


@pytest.mark.parametrize(
    "token",
    [
        "abc",
        "123456",
        "123456:short",
        ":AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0",
        "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDs aw0",
        "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PAL/saw0",
    ],
)
def test_malformed_token_is_one_clear_line_without_the_token(token):
    with pytest.raises(ConfigError) as caught:
        validate_token(token)
    message = str(caught.value)
    assert "\n" not in message
    assert "TELEGRAM_BOT_TOKEN is malformed" in message
    assert 'python -m index search "岳阳2021年目标"' in message
    assert len(token) < 12 or token not in message  # short ones may occur in the example


def test_missing_token():
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        Settings.from_env({})


@pytest.mark.parametrize(
    "name, value, fragment",
    [
        ("BOT_ADMIN_IDS", "42,alice", "numeric user ids"),
        ("TELEGRAM_API_URL", "api.telegram.org", "http(s) URL"),
        ("BOT_RATE_LIMIT", "ten", "10/60"),
        ("BOT_RATE_LIMIT", "5/0", "10/60"),
        ("BOT_PROGRESS_SECONDS", "-1", "negative"),
        ("BOT_WEBHOOK_PORT", "http", "number"),
        ("BOT_WEBHOOK_SECRET", "has space", "A-Z"),
        ("BOT_LOG_LEVEL", "LOUD", "DEBUG"),
    ],
)
def test_bad_settings_are_named(name, value, fragment):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, name: value})
    assert name in str(caught.value) and fragment in str(caught.value)


def test_rate_limit_zero_disables():
    assert (
        Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "BOT_RATE_LIMIT": "0"}).rate_limit[0] == 0
    )


def test_readme_and_env_example_come_from_the_settings_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings_markdown() in readme
    assert (ROOT / ".env.example").read_text(encoding="utf-8") == env_example()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme
        assert f"{setting.name}=" in env_example()


def test_env_example_is_a_valid_configuration(monkeypatch):
    values = {}
    for line in env_example().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    assert set(values) == {"TELEGRAM_BOT_TOKEN", "BOT_ADMIN_IDS"}  # nothing else switched on
    Settings.from_env(values)


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "nonsense"}, "TELEGRAM_BOT_TOKEN is malformed"),
    ],
)
def test_python_m_bot_without_a_good_token_stops_with_one_line(env, expected):
    environ = {"PATH": "/usr/bin:/bin", **env}
    run = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert expected in lines[0]
    assert 'python -m index search "岳阳2021年目标"' in lines[0]


class RecordingApplication:
    def __init__(self):
        self.calls = []

    def run_polling(self, **kwargs):
        self.calls.append(("polling", kwargs))

    def run_webhook(self, **kwargs):
        self.calls.append(("webhook", kwargs))


@pytest.mark.parametrize(
    "extra, mode",
    [
        ({}, "polling"),
        (
            {
                "BOT_WEBHOOK_URL": "https://bot.example.org/telegram/hook",
                "BOT_WEBHOOK_PORT": "8080",
                "BOT_WEBHOOK_SECRET": "s3cret",
            },
            "webhook",
        ),
    ],
)
def test_main_runs_long_polling_or_a_webhook(monkeypatch, extra, mode):
    import bot.__main__ as entry

    application = RecordingApplication()
    monkeypatch.setattr(entry, "build_application", lambda settings: application)
    monkeypatch.setattr(entry, "configure_logging", lambda *args: None)
    for name, value in {"TELEGRAM_BOT_TOKEN": TOKEN, **extra}.items():
        monkeypatch.setenv(name, value)
    assert entry.main([]) == 0
    ((called, kwargs),) = application.calls
    assert called == mode
    assert kwargs["allowed_updates"]  # every update type, inline queries and buttons included
    if mode == "webhook":
        assert kwargs["webhook_url"] == "https://bot.example.org/telegram/hook"
        assert kwargs["url_path"] == "telegram/hook"
        assert (kwargs["listen"], kwargs["port"]) == ("127.0.0.1", 8080)  # behind a proxy
        assert kwargs["secret_token"] == "s3cret"


def test_main_prints_the_docs(capsys):
    import bot.__main__ as entry

    assert entry.main(["--env-example"]) == 0
    assert capsys.readouterr().out == env_example()
    assert entry.main(["--settings-markdown"]) == 0
    assert capsys.readouterr().out == settings_markdown()
