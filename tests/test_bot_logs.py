"""bot.logsafe: jieba's start-up lines appear once at DEBUG and not at all at INFO."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import logging, sys
from bot.logsafe import configure_logging
configure_logging(sys.argv[1])
import jieba
jieba.Tokenizer().initialize()
"""


@pytest.mark.parametrize("level, expected", [("INFO", 0), ("DEBUG", 1)])
def test_jieba_lines_appear_once_at_debug_and_never_at_info(level, expected):
    command = [sys.executable, "-c", SCRIPT, level]
    run = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    assert run.stderr.count("Prefix dict has been built") == expected, run.stderr
