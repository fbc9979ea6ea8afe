"""Where things live and who the user is, from the environment.

Tests point FOCUS_TUI_DB (or FOCUS_TUI_DATA_DIR) at a temporary folder so
they never touch the user's real files.
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from functools import cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

APP_NAME = "focus-tui"

# Where the XDG rule applies, platformdirs gives exactly it; reading it here
# spares every short command platformdirs' import (about 12 ms).
_XDG = sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))
_XDG_HOMES = {
    "data": ("XDG_DATA_HOME", "~/.local/share"),
    "config": ("XDG_CONFIG_HOME", "~/.config"),
}


def user_folder(kind: str) -> str:
    """The user's "data" or "config" folder of the app, as a path string:
    $FOCUS_TUI_DATA_DIR / $FOCUS_TUI_CONFIG_DIR, else the platform's place."""
    override = os.environ.get(f"FOCUS_TUI_{kind.upper()}_DIR")
    if override:
        return os.path.expanduser(override)
    if _XDG:
        variable, fallback = _XDG_HOMES[kind]
        base = os.environ.get(variable, "").strip() or os.path.expanduser(fallback)
        return os.path.join(base, APP_NAME)
    import platformdirs

    if kind == "data":
        return platformdirs.user_data_dir(APP_NAME, appauthor=False)
    return platformdirs.user_config_dir(APP_NAME, appauthor=False)


def data_dir() -> Path:
    from pathlib import Path

    return Path(user_folder("data"))


def default_database() -> str:
    """$FOCUS_TUI_DB, else focus.db in the user data directory."""
    return os.environ.get("FOCUS_TUI_DB") or os.path.join(
        user_folder("data"), "focus.db"
    )


def default_user() -> str:
    """$FOCUS_TUI_USER, else the login name."""
    env = os.environ.get("FOCUS_TUI_USER")
    if env:
        return env
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "me"


def config_dir() -> Path:
    from pathlib import Path

    return Path(user_folder("config"))


def export_folder() -> Path:
    """Where an export goes unless the user names another place:
    $FOCUS_TUI_EXPORT_DIR, else the first of the user's Downloads and
    Documents folders (as the desktop names them) that exists, else home.
    Never the current directory, which is wherever the app was started."""
    from pathlib import Path

    override = os.environ.get("FOCUS_TUI_EXPORT_DIR")
    if override:
        return Path(os.path.expanduser(override))
    import platformdirs

    for folder in (
        platformdirs.user_downloads_dir(),
        platformdirs.user_documents_dir(),
    ):
        if os.path.isdir(folder):
            return Path(folder)
    return Path.home()


def opener() -> list[str]:
    """The command that opens a file in the system's viewer, the file's
    path to go after it: $FOCUS_TUI_OPENER (split into words as a shell
    would), else `open` on macOS, `xdg-open` elsewhere. Whether it is
    installed is the caller's to check (and to say)."""
    import shlex

    custom = os.environ.get("FOCUS_TUI_OPENER", "").strip()
    if custom:
        try:
            return shlex.split(custom) or [custom]
        except ValueError:  # an unclosed quote: the whole text is the command
            return [custom]
    return ["open" if sys.platform == "darwin" else "xdg-open"]


@cache
def _read_settings() -> tuple[dict, str]:
    """(settings.toml's tables, "" or why the file could not be read).

    The reason is for notes under converted totals (`rates`); everything
    else keeps to the built-in defaults without a word, as before.
    """
    import tomllib
    from decimal import Decimal

    path = os.path.join(user_folder("config"), "settings.toml")
    try:
        with open(path, "rb") as handle:
            # Decimal, not float: rates are money (DESIGN §1).
            return tomllib.load(handle, parse_float=Decimal), ""
    except FileNotFoundError:
        return {}, ""
    except OSError as exc:
        return {}, f"the file could not be read ({exc.strerror or 'error'})"
    except tomllib.TOMLDecodeError as exc:
        return {}, f"the file is not valid TOML ({exc}), so none of it is used"
    except UnicodeDecodeError:
        return {}, "the file is not UTF-8 text, so none of it is used"
    except RecursionError:  # thousands of nested arrays
        return {}, "the file nests too deep to read, so none of it is used"


def _table(name: str) -> dict:
    """One [table] of settings.toml; anything else there (`defaults = "SEK"`)
    counts as missing."""
    table = settings().get(name)
    return table if isinstance(table, dict) else {}


def settings() -> dict:
    """settings.toml in the config directory, e.g.

        [defaults]
        currency = "SEK"

        [rates]            # optional: converted totals, marked as such
        date = 2026-11-30
        SEK = 0.087        # 1 SEK = 0.087 of the default currency

    A missing or unreadable file means the built-in defaults. Numbers with
    a decimal point are Decimals.
    """
    return _read_settings()[0]


settings.cache_clear = _read_settings.cache_clear  # type: ignore[attr-defined]


def default_currency() -> str:
    """$FOCUS_TUI_CURRENCY, else settings [defaults] currency, else EUR."""
    from .core.money import CURRENCIES, DEFAULT_CURRENCY

    code = os.environ.get("FOCUS_TUI_CURRENCY") or _table("defaults").get(
        "currency", ""
    )
    code = str(code).strip().upper()
    return code if code in CURRENCIES else DEFAULT_CURRENCY


def rates():
    """The [rates] of settings.toml, to the default currency (`core.money.Rates`).

    Bad entries are left out and listed in the result's `note`; so is a
    file that could not be read. Never raises for what the file says.
    """
    from dataclasses import replace

    from .core.money import parse_rates

    tables, problem = _read_settings()
    result = parse_rates(tables.get("rates"), default_currency())
    if problem:
        result = replace(result, problems=(problem, *result.problems))
    return result


def time_limits() -> tuple[float, float]:
    """(hours a focus may run, minutes without a key press) before the app
    asks whether that time was work: settings.toml

        [time]
        focus_limit_hours = 8
        idle_minutes = 15      # 0: never ask about idle time

    Defaults 8 h and 15 min; a value that is not a number in range (1-48 h,
    0-600 min) keeps its default."""
    table = _table("time")

    def number(key: str, default: float, low: float, high: float) -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            return default
        return float(value) if low <= value <= high else default

    return (
        number("focus_limit_hours", 8.0, 1, 48),
        number("idle_minutes", 15.0, 0, 600),
    )


def attachment_limit() -> int:
    """The biggest file that may be attached, in bytes: settings.toml

        [attachments]
        max_mb = 25

    Default 25 MB; a value that is not a number from 1 to 1024 keeps it."""
    value = _table("attachments").get("max_mb", 25)
    number = not isinstance(value, bool) and isinstance(value, int | float | Decimal)
    if not number or not 1 <= value <= 1024:
        value = 25
    return int(Decimal(value) * 2**20)


def user_keys() -> tuple[dict, list[str], str]:
    """The user's keys: (action id -> what the file says, problems, where).

    `keys.toml` in the config directory, else a `[keys]` table of
    settings.toml:

        # keys.toml
        finish = "space"          # an action id (ctrl+p shows each one's)
        new = ["n", "ctrl+n"]     # more than one key

    What the entries mean is checked where the keys are (screens.keymap);
    here a file that cannot be read is one problem and no keys.
    """
    folder = user_folder("config")
    path = os.path.join(folder, "keys.toml")
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        # Nobody's start-up pays for TOML when neither file is there.
        if not os.path.exists(os.path.join(folder, "settings.toml")):
            return {}, [], "settings.toml [keys]"
        return dict(_table("keys")), [], "settings.toml [keys]"
    except OSError as exc:
        return {}, [f"it could not be read ({exc.strerror or 'error'})"], "keys.toml"
    import tomllib

    try:
        table = tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"it is not valid TOML ({exc}), so none of it is used"], "keys.toml"
    except (UnicodeDecodeError, RecursionError):
        return {}, ["it is not readable TOML text, so none of it is used"], "keys.toml"
    if set(table) == {"keys"} and isinstance(table["keys"], dict):
        table = table["keys"]  # a [keys] table in keys.toml means the same
    return table, [], "keys.toml"


def theme() -> str:
    """The theme chosen last (the palette's "Theme"), remembered in
    settings.toml:

        [display]
        theme = "nord"

    "" for Textual's default. Whether the name is a theme is the app's to say.
    """
    value = _table("display").get("theme", "")
    return value.strip() if isinstance(value, str) else ""


def remember_theme(name: str) -> str:
    """Write `theme = "name"` into [display] of settings.toml, keeping the
    rest of the file as it is. "" when done, else why not (a file that is
    not valid TOML is left alone)."""
    import re
    import tomllib

    path = os.path.join(user_folder("config"), "settings.toml")
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        return f"settings.toml could not be read ({exc})"
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return "settings.toml is not valid TOML, so the theme was not saved"
    line = f"theme = {_toml_string(name)}"
    table = re.search(r"(?m)^\[display\][ \t]*(#.*)?$", text)
    if table is None:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + (
            f"[display]\n{line}\n"
        )
    else:
        end = re.search(r"(?m)^\[", text[table.end() :])
        stop = table.end() + end.start() if end else len(text)
        body = text[table.end() : stop]
        old = re.search(r"(?m)^[ \t]*theme[ \t]*=.*$", body)
        if old is not None:
            body = body[: old.start()] + line + body[old.end() :]
        else:
            body = "\n" + line + body
        text = text[: table.end()] + body + text[stop:]
    try:
        if tomllib.loads(text).get("display", {}).get("theme") != name:
            return "settings.toml could not take the theme"
    except tomllib.TOMLDecodeError:
        return "settings.toml could not take the theme"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = path + ".new"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        return f"settings.toml could not be written ({exc.strerror or 'error'})"
    _read_settings.cache_clear()
    return ""


def _toml_string(value: str) -> str:
    import json

    return json.dumps(value)  # a JSON string is a TOML basic string
