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
