"""The time tracker: one focus per user, kept in the database.

A running focus is a time entry with no end. Because it lives in the database
(not in the process), quitting or a crash loses no time, and the CLI and the
TUI see the same focus.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import peewee as pw

from ..core.errors import UserError
from ..core.record_types import type_of
from ..models import Record, TimeEntry
from .access import get_record
from .history import log_event
from .phases import phase_of
from .session import Session


@dataclass(frozen=True)
class Focus:
    """The running focus of a user."""

    entry_id: int
    record_id: int
    record_type: str
    title: str
    started_at: datetime  # naive UTC
    phase: str

    def elapsed(self, now_utc_naive: datetime) -> float:
        return max(0.0, (now_utc_naive - self.started_at).total_seconds())


def current_focus(session: Session, user_id: int | None = None) -> Focus | None:
    user_id = user_id or session.user_id
    row = (
        TimeEntry.select(
            TimeEntry.id,
            TimeEntry.record,
            Record.type,
            Record.title,
            TimeEntry.started_at,
            TimeEntry.phase,
        )
        .join(Record)
        .where((TimeEntry.user == user_id) & TimeEntry.ended_at.is_null())
        .tuples()
        .first()
    )
    if row is None:
        return None
    return Focus(*row)


def _end_running(session: Session, now: datetime) -> TimeEntry | None:
    entry = (
        TimeEntry.select()
        .where((TimeEntry.user == session.user_id) & TimeEntry.ended_at.is_null())
        .first()
    )
    if entry is None:
        return None
    seconds = max(0, int((now - entry.started_at).total_seconds()))
    TimeEntry.update(ended_at=now, seconds=seconds).where(
        TimeEntry.id == entry.id
    ).execute()
    log_event(session, entry.record_id, "focused", seconds=seconds)
    entry.ended_at, entry.seconds = now, seconds
    return entry


def stop_if_focused(session: Session, record_id: int) -> None:
    """A finished activity is not worked on: end the user's focus on it."""
    running = current_focus(session)
    if running is not None and running.record_id == record_id:
        _end_running(session, session.clock.now_utc_naive())


def focus(session: Session, record_id: int) -> Focus:
    """Start focusing on an activity; a running focus on another one ends."""
    record = get_record(session, record_id)
    if not type_of(record.type).is_activity:
        raise UserError(f"Only activities can be focused; #{record.id} is a person.")
    with session.transaction():
        # Read inside the (IMMEDIATE) transaction: another process cannot
        # start or stop this user's focus between the read and the write.
        running = current_focus(session)
        if running is not None and running.record_id == record.id:
            return running
        now = session.clock.now_utc_naive()
        _end_running(session, now)
        TimeEntry.create(
            user=session.user_id,
            record=record.id,
            started_at=now,
            phase=phase_of(record),
        )
    focus_now = current_focus(session)
    assert focus_now is not None
    return focus_now


def unfocus(session: Session) -> TimeEntry | None:
    """Stop the running focus; returns the ended entry, or None if none ran."""
    with session.transaction():
        return _end_running(session, session.clock.now_utc_naive())


def toggle_focus(session: Session, record_id: int) -> Focus | None:
    """`f` in the TUI: focus this activity, or unfocus it if it is focused.

    Decided inside one transaction, so two quick presses (or two processes)
    always alternate instead of both starting a focus.
    """
    with session.transaction():
        running = current_focus(session)
        if running is not None and running.record_id == int(record_id):
            _end_running(session, session.clock.now_utc_naive())
            return None
        return focus(session, record_id)


def focused_seconds(session: Session, record_ids: Iterable[int]) -> dict[int, float]:
    """Total focused time per record, a running focus included."""
    ids = list(record_ids)
    if not ids:
        return {}
    totals: dict[int, float] = dict.fromkeys(ids, 0.0)
    rows = (
        TimeEntry.select(
            TimeEntry.record, pw.fn.COALESCE(pw.fn.SUM(TimeEntry.seconds), 0)
        )
        .where(TimeEntry.record.in_(ids))
        .group_by(TimeEntry.record)
        .tuples()
    )
    for rid, total in rows:
        totals[rid] = float(total or 0)
    now = session.clock.now_utc_naive()
    running = TimeEntry.select(TimeEntry.record, TimeEntry.started_at).where(
        TimeEntry.record.in_(ids) & TimeEntry.ended_at.is_null()
    )
    for entry in running:
        totals[entry.record_id] += max(0.0, (now - entry.started_at).total_seconds())
    return totals
