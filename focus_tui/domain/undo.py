"""Undo of sales-process steps: every step stores the state it changed.

A step's history event carries `before`: the rows it touched, as they were.
Undo puts them back and logs an `undone` event; nothing is deleted, so the
history shows both the step and its undo.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from ..core.errors import UserError
from ..core.process import STAGE_NAMES, UNDOABLE, EventKind, step_name
from ..models import Event, Record, Sale
from . import write
from .access import get_record, history, records
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


def jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _dump(model_row, columns) -> dict:
    return {c: jsonable(getattr(model_row, c)) for c in columns}


def snapshot(*record_ids: int) -> dict:
    """The undoable state of these records (and their Sale rows).

    Call inside the step's transaction, before it writes."""
    records_ = {}
    sales = {}
    for rid in dict.fromkeys(r for r in record_ids if r is not None):
        record = Record.get_by_id(rid)
        records_[str(rid)] = _dump(record, RECORD_STATE)
        sale = Sale.get_or_none(Sale.record == rid)
        if sale is not None:
            sales[str(rid)] = _dump(sale, SALE_STATE)
    return {"records": records_, "sales": sales}


def column_values(model, cols: dict) -> dict:
    """Saved (JSON) column values as the model's Python values."""
    return {c: model._meta.fields[c].python_value(v) for c, v in cols.items()}


def _restore(session: Session, snap: dict) -> None:
    for rid, cols in snap.get("records", {}).items():
        write.change_record(session, int(rid), **column_values(Record, cols))
    for rid, cols in snap.get("sales", {}).items():
        write.change_sale(session, int(rid), **column_values(Sale, cols))
    if "time" in snap:
        from .time_edits import restore_entries

        restore_entries(session, snap["time"])


def last_step(session: Session, record_id: int) -> Event | None:
    """The newest undoable step on a (visible) record that was not undone."""
    events = history(session, record_id)
    undone = set()
    for event in events.where(Event.kind == EventKind.UNDONE).order_by(Event.id.desc()):
        undone.add(json.loads(event.data).get("event"))
    for event in events.where(Event.kind.in_(UNDOABLE)).order_by(Event.id.desc()):
        if event.id in undone:
            continue
        data = json.loads(event.data)
        if "before" in data:
            return event
    return None


def undo(session: Session, record_id: int, *, expect: EventKind | None = None) -> str:
    """Undo the last step on the record; return what was undone ("sold"...).

    With `expect`, only when that is the last step: two people pressing undo
    at once undo one step, not two.
    """
    with session.transaction():
        record = get_record(session, record_id, lock=True)
        event = last_step(session, record.id)
        if event is None:
            raise UserError(f"Nothing to undo on #{record.id}.")
        if expect is not None and event.kind != expect:
            raise UserError(
                f"The last step on #{record.id} was {step_name(event.kind)}, not "
                f"{step_name(expect)}: undo that in its feed first (enter)."
            )
        data = json.loads(event.data)
        before = data["before"]
        others = [
            int(rid) for rid in before.get("records", {}) if int(rid) != record.id
        ]
        for rid in others:
            get_record(session, rid, lock=True)  # may the user still see it?
        _restore(session, before)
        write.log_event(
            session, record.id, EventKind.UNDONE, event=event.id, step=event.kind
        )
        for rid in others:  # e.g. the lead a sale had made a client
            write.log_event(
                session, rid, EventKind.UNDONE, event=event.id, step=event.kind
            )
        # Work the step created (fulfilment tasks of a sale) is closed, not
        # deleted: its history stays.
        now = session.clock.now_utc_naive()
        for task_id in data.get("tasks", []):
            task = records(session).where(Record.id == task_id).first()
            if task is not None and task.finished_at is None:
                write.change_record(session, task.id, finished_at=now)
                write.log_event(
                    session,
                    task.id,
                    EventKind.FINISHED,
                    reason=f"{event.kind} undone",
                )
    return event.kind


def step_back(session: Session, record_id: int, stage: str) -> tuple[str, str]:
    """The board's `<`: undo the step that brought the card into `stage`.

    Only when that step is the last undoable one on the record: undoing
    anything else (a revision, a move) from the board would surprise.
    Returns (the step undone, the stage the card is in now).
    """
    from ..core.process import PROCESS
    from .access import sale_of

    with session.transaction():
        now = sale_of(session, record_id).stage
        if now != stage:
            raise UserError(
                f"#{record_id} is {STAGE_NAMES[now]} now, not {STAGE_NAMES[stage]}; "
                "the board shows it again as it is."
            )
        wanted = PROCESS[stage].step_into
        if wanted is None:
            raise UserError(
                "A draft is where a proposal starts: there is no step to undo."
            )
        done = undo(session, record_id, expect=wanted)
        return done, sale_of(session, record_id).stage
