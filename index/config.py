"""Default locations, overridable by environment variables."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "SPEECHES_DB"
SOURCE_ENV = "SPEECHES_DIR"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_db_path() -> Path:
    """$SPEECHES_DB, else data/speeches.sqlite in the project."""
    return Path(os.environ.get(DB_ENV) or PROJECT_ROOT / "data" / "speeches.sqlite")


def default_source_dir() -> Path:
    """$SPEECHES_DIR, else the bundled seeds/ collection."""
    return Path(os.environ.get(SOURCE_ENV) or PROJECT_ROOT / "seeds")
