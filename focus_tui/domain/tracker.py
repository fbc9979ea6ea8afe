"""The time tracker: one focus per user, kept in the database.

A running focus is a time entry with no end. Because it lives in the database
(not in the process), quitting or a crash loses no time, and the CLI and the
TUI see the same focus. The database itself allows one running entry per
user (a partial unique index); the commands decide inside their transaction.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable
from datetime import datetime

import peewee as pw

from ..core.errors import UserError
from ..core.process import EventKind, type_of
from ..models import Record, TimeEntry, User
from . import write
from .access import get_record, time_entries
from .phases import phase_of
from .session import Session


class Focus(
    namedtuple("Focus", "entry_id record_id record_type title started_at phase")
):
    """The running focus of a user (`started_at`: naive UTC)."""

    __slots__ = ()

    def elapsed(self, now_utc_naive: datetime) -> float:
        return max(0.0, (now_utc_naive - self.started_at).total_seconds())


class Stopped(namedtuple("Stopped", "record_id title started_at ended_at seconds")):
    """A focus that was just ended (times naive UTC, whole seconds)."""

    __slots__ = ()


# What a Focus is read from, in its fields' order.
_FOCUS_COLUMNS = (
    TimeEntry.id,
    TimeEntry.record,
    Record.type,
    Record.title,
    TimeEntry.started_at,
    TimeEntry.phase,
)


def current_focus(session: Session, user_id: int | None = None) -> Focus | None:
    """The user's running focus (or a teammate's, on a record I may see)."""
    user_id = user_id or session.user_id
    row = (
        time_entries(session, *_FOCUS_COLUMNS)
        .where((TimeEntry.user == user_id) & TimeEntry.ended_at.is_null())
        .tuples()
        .first()
    )
    if row is None:
        return None
    return Focus(*row)


class TeamFocus(
    namedtuple(
        "TeamFocus",
        "user_name display_name record_id record_type title started_at",
    )
):
    """Someone of my clouds focused on a record I may see, right now
    (`started_at`: naive UTC)."""

    __slots__ = ()

    def elapsed(self, now_utc_naive: datetime) -> float:
        return max(0.0, (now_utc_naive - self.started_at).total_seconds())


def team_focus(session: Session, record_id: int | None = None) -> list[TeamFocus]:
    """Who is focused on what now, longest first: every running focus on a
    record the user may see (so only ever in the user's clouds); with
    `record_id`, only those on that record. The user's own is among them."""
    query = (
        time_entries(
            session,
            User.name,
            User.display_name,
            TimeEntry.record,
            Record.type,
            Record.title,
            TimeEntry.started_at,
        )
        .join(User, on=(User.id == TimeEntry.user))
        .where(TimeEntry.ended_at.is_null())
        .order_by(TimeEntry.started_at, User.name)
    )
    if record_id is not None:
        query = query.where(TimeEntry.record == record_id)
    return [TeamFocus(*row) for row in query.tuples()]


def _running_entry(session: Session) -> Focus | None:
    """My running entry, whatever its record's cloud: a focus on a record I
    can no longer see still has to end."""
    row = (
        TimeEntry.select(*_FOCUS_COLUMNS)
        .join(Record, on=(Record.id == TimeEntry.record))
        .where((TimeEntry.user == session.user_id) & TimeEntry.ended_at.is_null())
        .tuples()
        .first()
    )
    return None if row is None else Focus(*row)


def _end_running(session: Session, now: datetime) -> Stopped | None:
    running = _running_entry(session)
    return None if running is None else _end(session, running, now)


def _end(session: Session, running: Focus, now: datetime) -> Stopped:
    seconds = write.end_time_entry(session, running.entry_id, now)
    write.log_event(session, running.record_id, EventKind.FOCUSED, seconds=seconds)
    return Stopped(running.record_id, running.title, running.started_at, now, seconds)


def stop_if_focused(session: Session, record_id: int) -> None:
    """A finished activity is not worked on: end the user's focus on it."""
    running = _running_entry(session)
    if running is not None and running.record_id == record_id:
        _end_running(session, session.clock.now_utc_naive())


def focus(session: Session, record_id: int, at: datetime | None = None) -> Focus:
    """Start focusing on an activity; a running focus on another one ends.

    `at` (naive UTC, not in the future): "I started at 9" — the running focus
    ends then, and the new one starts then. Refused when that time is already
    taken by a finished entry of mine, or before the running focus began.
    """
    with session.transaction():
        # Read inside the (IMMEDIATE) transaction: another process cannot
        # start or stop this user's focus between the read and the write.
        record = get_record(session, record_id, lock=True)
        if not type_of(record.type).is_activity:
            raise UserError(
                f"Only activities can be focused; #{record.id} is a person."
            )
        now = session.clock.now_utc_naive()
        start = now if at is None else at
        if start > now:
            raise UserError("A focus cannot start in the future.")
        # Mine, whatever its record's cloud (one I left still ends here).
        running = _running_entry(session)
        if running is not None and running.record_id == record.id:
            if at is None or at == running.started_at:
                return running
            _refuse_taken(session, start, now, running.entry_id)
            write.change_time_entry(session, running.entry_id, started_at=start)
            return running._replace(started_at=start)
        if running is not None and start < running.started_at:
            raise UserError(
                f"Your focus on #{running.record_id} began at "
                f"{_local_hm(session, running.started_at)}, after that: "
                "give a later time, or change that entry (time edit)."
            )
        # The running focus ends at `start`: its own time is not "taken".
        _refuse_taken(session, start, now, running and running.entry_id)
        if running is not None:
            _end(session, running, start)
        phase = phase_of(session, record)
        # What was written, in this transaction: after the commit another
        # process may already have focused something else.
        entry = write.start_time_entry(session, record.id, start, phase)
        return Focus(entry.id, record.id, record.type, record.title, start, phase)


def _local_hm(session: Session, utc_naive: datetime) -> str:
    return session.clock.to_local(utc_naive).strftime("%H:%M")


def _refuse_taken(
    session: Session, start: datetime, now: datetime, running_id: int | None
) -> None:
    """A focus from `start` until now must not overlap finished time (nor
    other running time than `running_id`'s, which ends at `start` or is
    this focus)."""
    if start >= now:
        return
    # Here, not at the top: a plain `focus ID` (or `status`) never needs
    # the time edits, and importing them is a tenth of its own start-up.
    from .time_edits import overlapping, span_text

    exclude = {running_id} if running_id else set()
    taken = overlapping(session, start, now, exclude=exclude)
    if taken:
        first = taken[0]
        raise UserError(
            f"From {_local_hm(session, start)} you already have time on "
            f"#{first.record_id} ({span_text(session, first.started_at, first.ended_at)}"
            "): give a later time, or change that entry (time edit)."
        )


def unfocus(session: Session, at: datetime | None = None) -> Stopped | None:
    """Stop the running focus (at `at`, naive UTC: "I stopped at 17:00");
    what was stopped, or None if nothing ran."""
    with session.transaction():
        now = session.clock.now_utc_naive()
        if at is None:
            return _end_running(session, now)
        running = _running_entry(session)
        if running is None:
            return None
        if at > now:
            raise UserError("A focus cannot end in the future.")
        if at < running.started_at:
            raise UserError(
                "That is before the focus began "
                f"({_local_hm(session, running.started_at)})."
            )
        return _end(session, running, at)


def toggle_focus(session: Session, record_id: int) -> Focus | None:
    """`f` in the TUI: focus this activity, or unfocus it if it is focused.

    Decided inside one transaction, so two quick presses (or two processes)
    always alternate instead of both starting a focus.
    """
    with session.transaction():
        record = get_record(session, record_id, lock=True)
        running = current_focus(session)
        if running is not None and running.record_id == record.id:
            _end_running(session, session.clock.now_utc_naive())
            return None
        return focus(session, record.id)


def focused_seconds(session: Session, record_ids: Iterable[int]) -> dict[int, float]:
    """Total focused time per record (of records I may see), a running focus
    included."""
    ids = list(record_ids)
    if not ids:
        return {}
    totals: dict[int, float] = dict.fromkeys(ids, 0.0)
    rows = (
        time_entries(
            session, TimeEntry.record, pw.fn.COALESCE(pw.fn.SUM(TimeEntry.seconds), 0)
        )
        .where(TimeEntry.record.in_(ids))
        .group_by(TimeEntry.record)
        .tuples()
    )
    for rid, total in rows:
        totals[rid] = float(total or 0)
    now = session.clock.now_utc_naive()
    running = (
        time_entries(session, TimeEntry.record, TimeEntry.started_at)
        .where(TimeEntry.record.in_(ids) & TimeEntry.ended_at.is_null())
        .tuples()
    )
    for rid, started_at in running:
        totals[rid] += max(0.0, (now - started_at).total_seconds())
    return totals
