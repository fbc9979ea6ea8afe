"""Showing user text safely.

Titles and notes come from people and pasted files. They are never parsed as
markup (callers build rich Text/Segments directly, never from markup strings)
and control bytes such as ESC are shown as visible symbols, so a title can
never restyle or take over the terminal.
"""

from __future__ import annotations

_CONTROL_PICTURES = {i: chr(0x2400 + i) for i in range(32)}
_CONTROL_PICTURES[0x7F] = "\u2421"  # DEL


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with control characters replaced by their visible symbols."""
    table = dict(_CONTROL_PICTURES)
    if keep_newlines:
        table.pop(ord("\n"))
    # C1 controls (0x80-0x9f) can also start terminal sequences.
    out = text.translate(table)
    if any("\x80" <= ch <= "\x9f" for ch in out):
        out = "".join("\ufffd" if "\x80" <= ch <= "\x9f" else ch for ch in out)
    return out


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


def format_clock(seconds: int | float) -> str:
    """A ticking timer: '0:04:09'."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"
