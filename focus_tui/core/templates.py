"""Placeholders in a template's text: the one place they are filled.

`{client}`, `{today}`, `{me}` and `{lead}` (and `{valid_until}` in a
proposal's outline) are replaced by what the caller knows; a placeholder it
does not know yet stays as typed, so the form can show it and the save can
fill it later (a new Sales Lead's `{client}` is its own title, known only
once the user has typed it). Nothing else in braces is touched: a title
like "Price {EUR}" keeps its braces.
"""

from __future__ import annotations

import re

PLACEHOLDERS = ("client", "today", "me", "lead", "valid_until")

_PATTERN = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """`text` with each known placeholder replaced by its value (one pass:
    a value that itself reads "{me}" is not filled again)."""
    if "{" not in text:
        return text
    return _PATTERN.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def placeholders_in(text: str) -> set[str]:
    """The placeholders `text` still holds."""
    return set(_PATTERN.findall(text))
