"""Undo of sales-process steps: every step stores the state it changed.

A step's history event carries `before`: the rows it touched, as they were.
Undo puts them back and logs an `undone` event; nothing is deleted, so the
history shows both the step and its undo.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from ..core.errors import UserError
from ..models import Event, Record, Sale
from ..models.copies import sync_actors
from .access import get_record
from .history import log_event
from .session import Session

RECORD_STATE = ("type", "date", "due_at", "finished_at")
SALE_STATE = (
    "stage",
    "revision",
    "currency",
    "one_time_cents",
    "monthly_cents",
    "sent_date",
    "sold_date",
    "delivered_date",
    "billed_date",
    "monthly_billing",
    "lost_reason",
)

# Events that can be undone, newest first.
UNDOABLE = (
    "moved",
    "finished",
    "unfinished",
    "sent",
    "revised",
    "terms",
    "lost",
    "sold",
    "delivered",
    "billed",
)


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _dump(model_row, columns) -> dict:
    return {c: _jsonable(getattr(model_row, c)) for c in columns}


def snapshot(*record_ids: int) -> dict:
    """The undoable state of these records (and their Sale rows)."""
    records = {}
    sales = {}
    for rid in dict.fromkeys(r for r in record_ids if r is not None):
        record = Record.get_by_id(rid)
        records[str(rid)] = _dump(record, RECORD_STATE)
        sale = Sale.get_or_none(Sale.record == rid)
        if sale is not None:
            sales[str(rid)] = _dump(sale, SALE_STATE)
    return {"records": records, "sales": sales}


def restore(session: Session, snap: dict) -> None:
    now = session.clock.now_utc_naive()
    for rid, cols in snap.get("records", {}).items():
        values = {
            Record._meta.fields[c]: Record._meta.fields[c].python_value(v)
            for c, v in cols.items()
        }
        values[Record.updated_at] = now
        Record.update(values).where(Record.id == int(rid)).execute()
        sync_actors(int(rid))
    for rid, cols in snap.get("sales", {}).items():
        values = {
            Sale._meta.fields[c]: Sale._meta.fields[c].python_value(v)
            for c, v in cols.items()
        }
        Sale.update(values).where(Sale.record == int(rid)).execute()


def last_step(record_id: int) -> Event | None:
    """The newest undoable step on the record that has not been undone."""
    undone = set()
    for event in (
        Event.select()
        .where((Event.record == record_id) & (Event.kind == "undone"))
        .order_by(Event.id.desc())
    ):
        undone.add(json.loads(event.data).get("event"))
    for event in (
        Event.select()
        .where((Event.record == record_id) & Event.kind.in_(UNDOABLE))
        .order_by(Event.id.desc())
    ):
        if event.id in undone:
            continue
        data = json.loads(event.data)
        if "before" in data:
            return event
    return None


def undo(session: Session, record_id: int) -> str:
    """Undo the last step on the record; return what was undone ("sold"...)."""
    record = get_record(session, record_id)
    with session.transaction():
        event = last_step(record.id)
        if event is None:
            raise UserError(f"Nothing to undo on #{record.id}.")
        data = json.loads(event.data)
        before = data["before"]
        others = [
            int(rid) for rid in before.get("records", {}) if int(rid) != record.id
        ]
        for rid in others:
            get_record(session, rid)  # may the user still see it?
        restore(session, before)
        log_event(session, record.id, "undone", event=event.id, step=event.kind)
        for rid in others:  # e.g. the lead a sale had made a client
            log_event(session, rid, "undone", event=event.id, step=event.kind)
        # Work the step created (fulfilment tasks of a sale) is closed, not
        # deleted: its history stays.
        now = session.clock.now_utc_naive()
        for task_id in data.get("tasks", []):
            task = Record.get_or_none(Record.id == task_id)
            if task is not None and task.finished_at is None:
                Record.update(finished_at=now, updated_at=now).where(
                    Record.id == task_id
                ).execute()
                sync_actors(task_id)
                log_event(session, task_id, "finished", reason=f"{event.kind} undone")
    return event.kind
