"""Where things live and who the user is, from the environment.

Tests point FOCUS_TUI_DB (or FOCUS_TUI_DATA_DIR) at a temporary folder so
they never touch the user's real files.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

APP_NAME = "focus-tui"


def data_dir() -> Path:
    override = os.environ.get("FOCUS_TUI_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_database() -> str:
    """$FOCUS_TUI_DB, else focus.db in the user data directory."""
    return os.environ.get("FOCUS_TUI_DB") or str(data_dir() / "focus.db")


def default_user() -> str:
    """$FOCUS_TUI_USER, else the login name."""
    env = os.environ.get("FOCUS_TUI_USER")
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "me"
