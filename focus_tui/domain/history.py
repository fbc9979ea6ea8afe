"""The history of a record: events written with every change, read in feeds."""

from __future__ import annotations

import json
from typing import Any

from ..core.clock import Clock
from ..models import Event
from .session import Session


def log_event(session: Session, record_id: int, kind: str, **data: Any) -> Event:
    """Append one history event (call inside the change's transaction)."""
    return Event.create(
        record=record_id,
        user=session.user_id,
        kind=kind,
        at=session.clock.now_utc_naive(),
        data=json.dumps(data, default=str, sort_keys=True),
    )


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


def _sums(values: dict) -> str:
    from decimal import Decimal

    from ..core.money import format_amount

    parts = []
    if values.get("one_time") is not None:
        parts.append(format_amount(Decimal(values["one_time"])))
    if values.get("monthly") is not None:
        parts.append(format_amount(Decimal(values["monthly"])) + "/month")
    currency = values.get("currency") or ""
    return (" + ".join(parts) + (f" {currency}" if currency else "")) or "none"


def describe_event(kind: str, data_json: str, clock: Clock) -> str:
    """One plain-text line for an event in a feed."""
    try:
        data = json.loads(data_json or "{}")
    except ValueError:
        data = {}
    if kind == "created":
        return "created"
    if kind == "moved":
        before = data.get("from") or "no date"
        after = data.get("to") or "no date"
        return f"moved {before} → {after}"
    if kind == "finished":
        return "finished"
    if kind == "unfinished":
        return "unfinished (back on the list)"
    if kind == "focused":
        return f"focused {format_duration(data.get('seconds', 0))}"
    if kind == "edited":
        fields = ", ".join(data.get("fields", [])) or "details"
        return f"edited {fields}"
    if kind == "sent":
        text = f"sent (revision {data.get('revision', 1)})"
        if data.get("follow_up"):
            text += f", follow up {data['follow_up']}"
        if data.get("lead_finished"):
            text += "; lead handled for now"
        return text
    if kind in ("revised", "terms"):
        old, new = data.get("old", {}), data.get("new", {})
        label = f"revision {new.get('revision')}" if kind == "revised" else "sums"
        return f"{label}: {_sums(old)} → {_sums(new)}"
    if kind == "lost":
        reason = data.get("reason")
        return f"lost: {reason}" if reason else "lost"
    if kind == "sold":
        text = f"sold on {data.get('sold_date')} → Order"
        if data.get("became_relationship"):
            text += "; the lead became a Client Relationship"
        return text
    if kind == "became_client":
        return f"became a Client Relationship (order #{data.get('order')})"
    if kind == "delivered":
        return f"delivered on {data.get('delivered_date')}"
    if kind == "billed":
        monthly = " (monthly billing)" if data.get("monthly") else ""
        return f"billed on {data.get('billed_date')}{monthly}"
    if kind == "undone":
        return f"undid {str(data.get('step', 'a step')).replace('_', ' ')}"
    if kind == "participants":
        added = ", ".join(data.get("added", []))
        removed = ", ".join(data.get("removed", []))
        if added:
            return f"tagged {added}"
        return f"untagged {removed}" if removed else "participants changed"
    return kind.replace("_", " ")
