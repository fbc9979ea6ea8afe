"""A record's history as people read it: one plain line per event.

An event may name other things — the people tagged on a note, the order a
lead became a client by. A reader sees only what they may see: a name or id
of a record outside their clouds is left out of the line (a person of
alice's private cloud tagged on a team's note is not named to the team).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from decimal import Decimal

from ..core.money import format_amount
from ..core.process import EventKind, step_verb
from ..core.text import format_duration, format_size

__all__ = ["describe_event", "mentioned_ids"]


def _load(data_json: str) -> dict:
    try:
        data = json.loads(data_json or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _tags(values) -> list[tuple[int | None, str]]:
    """(id, name) of tagged people; events before ids were kept hold names."""
    found = []
    for value in values or ():
        if isinstance(value, dict):
            pid = value.get("id")
            found.append(
                (pid if isinstance(pid, int) else None, str(value.get("name", "")))
            )
        else:
            found.append((None, str(value)))
    return found


def mentioned_ids(kind: str, data_json: str) -> set[int]:
    """Ids of records an event names (to check which of them a reader may see)."""
    data = _load(data_json)
    ids: set[int] = set()
    if kind == EventKind.PARTICIPANTS:
        for key in ("added", "removed"):
            ids.update(pid for pid, _ in _tags(data.get(key)) if pid is not None)
    elif kind == EventKind.BECAME_CLIENT and isinstance(data.get("order"), int):
        ids.add(data["order"])
    return ids


def _sums(values: dict) -> str:
    parts = []
    if values.get("one_time") is not None:
        parts.append(format_amount(Decimal(values["one_time"])))
    if values.get("monthly") is not None:
        parts.append(format_amount(Decimal(values["monthly"])) + "/month")
    currency = values.get("currency") or ""
    return (" + ".join(parts) + (f" {currency}" if currency else "")) or "none"


def _names(tags, may_see: Callable[[int | None], bool]) -> str:
    return ", ".join(name for pid, name in tags if may_see(pid))


_TIME_WORDS = {
    EventKind.TIME_ADDED: "time added",
    EventKind.TIME_CHANGED: "time changed",
    EventKind.TIME_DELETED: "time deleted",
}


def describe_event(
    kind: str,
    data_json: str,
    may_see: Callable[[int | None], bool] = lambda _id: True,
) -> str:
    """One plain-text line for an event in a feed.

    `may_see(id)` says whether the reader may see a record the event names
    (None: a name kept without its id, from before ids were kept — shown
    only when `may_see(None)` allows it).
    """
    data = _load(data_json)
    if kind == EventKind.CREATED:
        return "created"
    if kind == EventKind.MOVED:
        before = data.get("from") or "no date"
        after = data.get("to") or "no date"
        return f"moved {before} → {after}"
    if kind == EventKind.FINISHED:
        return "finished"
    if kind == EventKind.UNFINISHED:
        return "unfinished (back on the list)"
    if kind == EventKind.FOCUSED:
        return f"focused {format_duration(data.get('seconds', 0))}"
    if kind == EventKind.EDITED:
        fields = ", ".join(data.get("fields", [])) or "details"
        return f"edited {fields}"
    if kind == EventKind.SENT:
        text = f"sent (revision {data.get('revision', 1)})"
        if data.get("follow_up"):
            text += f", follow up {data['follow_up']}"
        if data.get("lead_finished"):
            text += "; lead handled for now"
        return text
    if kind in (EventKind.REVISED, EventKind.TERMS):
        old, new = data.get("old", {}), data.get("new", {})
        label = (
            f"revision {new.get('revision')}" if kind == EventKind.REVISED else "sums"
        )
        return f"{label}: {_sums(old)} → {_sums(new)}"
    if kind == EventKind.LOST:
        reason = data.get("reason")
        return f"lost: {reason}" if reason else "lost"
    if kind == EventKind.SOLD:
        text = f"sold on {data.get('sold_date')} → Order"
        if data.get("became_relationship"):
            text += "; the lead became a Client Relationship"
        return text
    if kind == EventKind.BECAME_CLIENT:
        order = data.get("order")
        if isinstance(order, int) and may_see(order):
            return f"became a Client Relationship (order #{order})"
        return "became a Client Relationship"
    if kind == EventKind.DELIVERED:
        return f"delivered on {data.get('delivered_date')}"
    if kind == EventKind.BILLED:
        monthly = " (monthly billing)" if data.get("monthly") else ""
        return f"billed on {data.get('billed_date')}{monthly}"
    if kind == EventKind.UNDONE:
        return f"undid {step_verb(data.get('step', 'a step'))}"
    if kind in (EventKind.ATTACHED, EventKind.DETACHED):
        verb = "attached" if kind == EventKind.ATTACHED else "removed file"
        size = data.get("size")
        size_text = f" ({format_size(size)})" if isinstance(size, int) else ""
        return f"{verb} {data.get('name', 'a file')}{size_text}"
    if kind == EventKind.CLOUD_CHANGED:
        moved = data.get("records", 1)
        below = (
            f" with {moved - 1} below it"
            if isinstance(moved, int) and moved > 1
            else ""
        )
        return f"moved to the cloud {data.get('to', '?')}{below}"
    if kind == EventKind.ACTOR_ADDED:
        return f"{data.get('name', 'someone')} became an actor"
    if kind == EventKind.ACTOR_REMOVED:
        return f"{data.get('name', 'someone')} is no longer an actor"
    if kind in _TIME_WORDS:
        text = f"{_TIME_WORDS[kind]} {data.get('span', '')}".rstrip()
        trimmed = len(data.get("trimmed") or [])
        if trimmed:
            text += (
                f"; {trimmed} other {'entry' if trimmed == 1 else 'entries'} trimmed"
            )
        return text
    if kind == EventKind.PARTICIPANTS:
        added = _names(_tags(data.get("added")), may_see)
        removed = _names(_tags(data.get("removed")), may_see)
        if added:
            return f"tagged {added}"
        return f"untagged {removed}" if removed else "participants changed"
    return str(kind).replace("_", " ")


def ids_in(events: Iterable[tuple[str, str]]) -> set[int]:
    """Every id the given (kind, data) events name."""
    found: set[int] = set()
    for kind, data in events:
        found |= mentioned_ids(kind, data)
    return found
