"""Where things live and who the user is, from the environment.

Tests point FOCUS_TUI_DB (or FOCUS_TUI_DATA_DIR) at a temporary folder so
they never touch the user's real files.
"""

from __future__ import annotations

import getpass
import os
from functools import cache
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


def config_dir() -> Path:
    override = os.environ.get("FOCUS_TUI_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


@cache
def settings() -> dict:
    """settings.toml in the config directory, e.g.

        [defaults]
        currency = "SEK"

    A missing or unreadable file means the built-in defaults.
    """
    import tomllib

    path = config_dir() / "settings.toml"
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def default_currency() -> str:
    """$FOCUS_TUI_CURRENCY, else settings [defaults] currency, else EUR."""
    from .core.money import CURRENCIES, DEFAULT_CURRENCY

    code = os.environ.get("FOCUS_TUI_CURRENCY") or settings().get("defaults", {}).get(
        "currency", ""
    )
    code = str(code).strip().upper()
    return code if code in CURRENCIES else DEFAULT_CURRENCY
