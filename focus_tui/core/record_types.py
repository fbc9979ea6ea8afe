"""The kinds of record and their names.

Keys (`task`, `sales_lead`, ...) are what the CLI, JSON and code use; display
names ("Sales Lead") are what people read. Both are accepted as input.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UserError


@dataclass(frozen=True)
class RecordType:
    key: str
    name: str
    short: str  # fits a narrow list column
    is_activity: bool


TASK = RecordType("task", "Task", "Task", True)
SALES_LEAD = RecordType("sales_lead", "Sales Lead", "Lead", True)
CONTACT_NOTE = RecordType("contact_note", "Contact Note", "Note", True)
SALES_PROPOSAL = RecordType("sales_proposal", "Sales Proposal", "Proposal", True)
ORDER = RecordType("order", "Order", "Order", True)
CLIENT_RELATIONSHIP = RecordType(
    "client_relationship", "Client Relationship", "Client", True
)
CONTACT_PERSON = RecordType("contact_person", "Contact Person", "Person", False)

ALL_TYPES: tuple[RecordType, ...] = (
    TASK,
    SALES_LEAD,
    CONTACT_NOTE,
    SALES_PROPOSAL,
    ORDER,
    CLIENT_RELATIONSHIP,
    CONTACT_PERSON,
)
BY_KEY = {t.key: t for t in ALL_TYPES}
ACTIVITY_KEYS = tuple(t.key for t in ALL_TYPES if t.is_activity)

# What the "new record" form offers; orders and client relationships are made
# by the Sold step, not typed in from scratch.
CREATABLE: tuple[RecordType, ...] = (
    TASK,
    SALES_LEAD,
    CONTACT_NOTE,
    SALES_PROPOSAL,
    CONTACT_PERSON,
)


def _normalise(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


_LOOKUP = {}
for _t in ALL_TYPES:
    _LOOKUP[_normalise(_t.key)] = _t
    _LOOKUP[_normalise(_t.name)] = _t
    _LOOKUP[_normalise(_t.short)] = _t


def parse_type(text: str) -> RecordType:
    """A type from its key, display name or short name (any case)."""
    found = _LOOKUP.get(_normalise(text))
    if found is None:
        keys = ", ".join(t.key for t in ALL_TYPES)
        raise UserError(f"Unknown record type {text!r}. Use one of: {keys}.")
    return found


def type_of(key: str) -> RecordType:
    return BY_KEY[key]


def with_article(rtype: RecordType) -> str:
    """'a Task', 'an Order'."""
    return ("an " if rtype.name[0] in "AEIOU" else "a ") + rtype.name
