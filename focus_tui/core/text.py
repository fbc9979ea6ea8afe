"""Showing user text safely.

Titles and notes come from people and pasted files. They are never parsed as
markup (callers build rich Text/Segments directly, never from markup strings)
and control bytes such as ESC are shown as visible symbols, so a title can
never restyle or take over the terminal.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal

from .errors import UserError

_CONTROL_PICTURES = {i: chr(0x2400 + i) for i in range(32)}
_CONTROL_PICTURES[0x7F] = "\u2421"  # DEL


_CONTROL_PICTURES_KEEP_NEWLINES = dict(_CONTROL_PICTURES)
del _CONTROL_PICTURES_KEEP_NEWLINES[ord("\n")]
# C0, DEL and C1: anything a terminal may read as the start of a sequence.
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with control characters replaced by their visible symbols."""
    if _ANY_CONTROL.search(text) is None:
        return text  # nearly every title: one scan, no copy
    out = text.translate(
        _CONTROL_PICTURES_KEEP_NEWLINES if keep_newlines else _CONTROL_PICTURES
    )
    # C1 controls (0x80-0x9f) can also start terminal sequences.
    if any("\x80" <= ch <= "\x9f" for ch in out):
        out = "".join("\ufffd" if "\x80" <= ch <= "\x9f" else ch for ch in out)
    return out


def strip_controls(text: str) -> str:
    """`text` without control characters (C0 but newlines, DEL, C1): for
    text read from other programs' files (e-mail), where they are noise."""
    if _ANY_CONTROL.search(text) is None:
        return text
    return _CONTROLS_BUT_NEWLINE.sub("", text)


_CONTROLS_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def one_line(text: str) -> str:
    return visible(" ".join(text.split()))


def format_duration(seconds: int | float) -> str:
    """Compact: '<1m', '25m', '1h 05m', '12h 00m' ('0m' for nothing)."""
    seconds = max(0, int(seconds))
    if 0 < seconds < 60:
        return "<1m"
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


def format_size(size: int) -> str:
    """A file's size as people read it: '512 B', '14 KB', '3.2 MB'."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 2**20:.1f} MB"


def format_clock(seconds: int | float) -> str:
    """A ticking timer: '0:04:09'."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def format_h_mm(seconds: int) -> str:
    """Hours and minutes for a timesheet: '275:54' (to the nearest minute)."""
    minutes = (max(0, int(seconds)) + 30) // 60
    return f"{minutes // 60}:{minutes % 60:02d}"


def hours_of(seconds: int) -> Decimal:
    """Whole seconds as hours to the hundredth, half up: 993240 -> 275.90.
    Round only for display: totals add seconds, then round."""
    return (Decimal(int(seconds)) / 3600).quantize(Decimal("0.01"), ROUND_HALF_UP)


def is_text(text: str) -> bool:
    """False when `text` holds lone surrogates: bytes that were not UTF-8
    (Python keeps them as U+DC80..U+DCFF) or half of a pair. No database,
    terminal or file can store them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(text: str) -> str:
    """User input to repeat in a message: undecodable bytes as \\xNN, other
    lone surrogates as \\uNNNN, control characters as visible symbols."""
    if not is_text(text):
        text = "".join(_escaped(ch) for ch in text)
    return visible(text)


def _escaped(ch: str) -> str:
    if "\udc80" <= ch <= "\udcff":  # a byte that was not UTF-8
        return f"\\x{ord(ch) - 0xDC00:02x}"
    if "\ud800" <= ch <= "\udfff":
        return f"\\u{ord(ch):04x}"
    return ch


def checked_text(text: str, what: str) -> str:
    """`text` itself, or a UserError naming `what` if it cannot be stored."""
    if not is_text(text):
        raise UserError(
            f"The {what} holds bytes that are not text (not UTF-8): {shown(text)}"
        )
    return text


def checked_path(path: object, what: str = "file name") -> str:
    """`path` as text, or a UserError if no file can have it: a NUL byte
    (the CLI cannot pass one, but an input box can). Bytes that are not
    UTF-8 are fine: a Linux file name may hold them."""
    text = str(path)
    if "\x00" in text:
        raise UserError(f"The {what} {shown(text)} holds a NUL character.")
    return text


def one_line_field(text: str, what: str, limit: int, missing: str) -> str:
    """A one-line field as stored (titles, names): storable text, whitespace
    runs made one space; `missing` when nothing is left, refused when longer
    than `limit`. (Newlines would break every list.)"""
    line = " ".join(checked_text(text or "", what).split())
    if not line:
        raise UserError(missing)
    if len(line) > limit:
        raise UserError(f"The {what} is too long ({len(line)} > {limit} characters).")
    return line


_RAW_IN_JSON = re.compile("[\x7f-\x9f]")


def json_text(value: object, **options) -> str:
    """JSON for output, with every control character escaped: json.dumps
    escapes C0 but leaves DEL and the C1 controls (which can start terminal
    sequences) raw. They only occur inside strings, where \\u escapes mean
    the same."""
    text = json.dumps(value, ensure_ascii=False, **options)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# -- search: case and accents do not matter ------------------------------------


def _fold_table() -> tuple[str, str]:
    """Latin letters with diacritics (both cases) and the plain lower-case
    letter each folds to: "Ä" and "ä" -> "a". The letters SQLite's FTS5
    tokenizer (unicode61, remove_diacritics 2) folds the same way; PostgreSQL
    folds with this table through translate(), so no server extension is
    needed and both backends agree."""
    import unicodedata

    plain, folded = [], []
    for code in range(0xC0, 0x250):
        ch = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        ).lower()
        if len(base) == 1 and base.isascii() and base.isalpha() and base != ch:
            plain.append(ch)
            folded.append(base)
    return "".join(plain), "".join(folded)


FOLD_FROM, FOLD_TO = _fold_table()
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)
# What counts as a word: letters and digits (as FTS5's unicode61 splits text).
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """`text` lower-cased with its accents dropped ("Järvenpää" -> "jarvenpaa")."""
    return text.lower().translate(_FOLD)


def search_words(text: str, limit: int = 8) -> list[str]:
    """The folded words of a search as typed (at most `limit`): each one is
    matched as the start of a word, so "jarv oy" finds "Järvenpää Oy"."""
    return _WORD.findall(fold(text))[:limit]
