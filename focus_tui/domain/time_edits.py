"""Fixing the time log: add a forgotten entry, change one, delete one.

A person's time never overlaps itself: an edit that would make two of the
user's entries share a second is refused, or — when the user asks to trim —
the neighbours give way (cut short, moved, split around the new entry, or
dropped when wholly covered). Every edit is one transaction and keeps the
entries it touched as they were in its history event (`before["time"]`), so
`undo` on the record puts them back. Only the user's own entries can be
changed: a timesheet is one person's account of their day.
"""

from __future__ import annotations

from collections import namedtuple
from datetime import datetime, timedelta

import peewee as pw

from ..core.errors import NotFound, UserError
from ..core.process import EventKind, type_of
from ..core.text import format_duration
from ..models import Record, TimeEntry, User
from . import write
from .access import get_record, parse_id, time_entries
from .phases import phase_of
from .session import Session
from .undo import column_values, jsonable

# The columns an undo puts back (the id is the key).
ENTRY_STATE = ("user", "record", "started_at", "ended_at", "seconds", "phase", "source")


class Span(namedtuple("Span", "id record_id title started_at ended_at phase")):
    """One of the user's entries as an edit sees it (naive UTC; `ended_at`
    None: the running focus)."""

    __slots__ = ()


class TimeChange(
    namedtuple(
        "TimeChange",
        "entry_id record_id started_at ended_at trimmed",
        defaults=((),),
    )
):
    """What an edit did: the entry as it is now (None: deleted; naive UTC)
    and, in `trimmed`, one line per neighbour it trimmed."""

    __slots__ = ()


def _lock_user(session: Session) -> None:
    """Serialise the user's time edits. SQLite's IMMEDIATE transaction holds
    the write lock already; on PostgreSQL two edits by one user in two
    terminals would each see no overlap and both land."""
    if not isinstance(session.db, pw.SqliteDatabase):
        User.select(User.id).where(User.id == session.user_id).for_update().execute()


def _span_of(row) -> Span:
    return Span(*row)


def _spans():
    return TimeEntry.select(
        TimeEntry.id,
        TimeEntry.record,
        Record.title,
        TimeEntry.started_at,
        TimeEntry.ended_at,
        TimeEntry.phase,
    ).join(Record, on=(Record.id == TimeEntry.record))


def overlapping(
    session: Session,
    started_at: datetime,
    ended_at: datetime,
    *,
    exclude: set[int] | None = None,
) -> list[Span]:
    """The user's entries sharing time with [started_at, ended_at), oldest first; the
    running one counts up to now. Whatever cloud they are in: my time is
    mine even on a record I can no longer see."""
    now = session.clock.now_utc_naive()
    query = (
        _spans()
        .where(
            (TimeEntry.user == session.user_id)
            & (TimeEntry.started_at < ended_at)
            & (
                (TimeEntry.ended_at > started_at)
                | (TimeEntry.ended_at.is_null() & (started_at < now))
            )
        )
        .order_by(TimeEntry.started_at, TimeEntry.id)
    )
    if exclude:
        query = query.where(TimeEntry.id.not_in(sorted(exclude)))
    return [_span_of(row) for row in query.tuples()]


def span_text(session: Session, started_at: datetime, ended_at: datetime | None) -> str:
    """'2026-12-01 09:00–10:30' in local time ('… 09:00–now' when running;
    the second day is written when the span crosses midnight)."""
    local_start = session.clock.to_local(started_at)
    head = local_start.strftime("%Y-%m-%d %H:%M")
    if ended_at is None:
        return f"{head}–now"
    local_end = session.clock.to_local(ended_at)
    fmt = "%H:%M" if local_end.date() == local_start.date() else "%Y-%m-%d %H:%M"
    return f"{head}–{local_end.strftime(fmt)}"


class Overlap(UserError):
    """The time asked for is taken by another entry of the user's; with
    `trim=True` the same call makes room (the app asks first)."""


def _overlap_error(session: Session, span: Span) -> Overlap:
    from ..core.text import one_line

    return Overlap(
        f"That overlaps entry {span.id} ({span_text(session, span.started_at, span.ended_at)}"
        f" on #{span.record_id} {one_line(span.title)}); change that one first, "
        "or let the neighbours give way (--trim; in the app: confirm trimming)."
    )


def _check_span(session: Session, start: datetime, end: datetime | None) -> None:
    now = session.clock.now_utc_naive()
    if start > now:
        raise UserError("Time cannot start in the future.")
    if end is not None:
        if end <= start:
            raise UserError("The end must be after the start.")
        if end > now:
            raise UserError("Time cannot end in the future.")


def _snapshot(entry_ids) -> dict[str, dict | None]:
    """The entries as they are (None for an id that does not exist yet)."""
    out: dict[str, dict | None] = {}
    for entry_id in entry_ids:
        row = (
            TimeEntry.select(*(TimeEntry._meta.fields[c] for c in ENTRY_STATE))
            .where(TimeEntry.id == entry_id)
            .dicts()
            .first()
        )
        out[str(entry_id)] = (
            None if row is None else {c: jsonable(row[c]) for c in ENTRY_STATE}
        )
    return out


def _make_room(
    session: Session, start: datetime, end: datetime, exclude: set[int], trim: bool
) -> tuple[dict[str, dict | None], list[str], list[int]]:
    """Refuse an overlap, or (trim) make the neighbours give way. Returns the
    neighbours as they were (for undo), what was done to each, and the ids of
    entries made by splitting one."""
    neighbours = overlapping(session, start, end, exclude=exclude)
    if not neighbours:
        return {}, [], []
    if not trim:
        raise _overlap_error(session, neighbours[0])
    before = _snapshot(n.id for n in neighbours)
    done: list[str] = []
    made: list[int] = []
    now = session.clock.now_utc_naive()
    for n in neighbours:
        n_end = n.ended_at
        was = span_text(session, n.started_at, n_end)
        if n.started_at >= start and n_end is not None and n_end <= end:
            write.delete_time_entry(session, n.id)
            done.append(f"entry {n.id} ({was}) removed: wholly covered")
        elif n.started_at < start and (n_end is None or n_end > end):
            # The new time falls inside this one: it goes on after it.
            write.change_time_entry(session, n.id, ended_at=start)
            phase = n.phase
            if n_end is None:
                rest = write.start_time_entry(session, n.record_id, end, phase)
            else:
                rest = write.add_time_entry(session, n.record_id, end, n_end, phase)
            made.append(rest.id)
            done.append(f"entry {n.id} ({was}) split around it (new entry {rest.id})")
        elif n.started_at < start:
            write.change_time_entry(session, n.id, ended_at=start)
            done.append(f"entry {n.id} ({was}) now ends at the start")
        else:
            if n_end is None and end > now:
                raise UserError("Time cannot end in the future.")
            write.change_time_entry(session, n.id, started_at=end)
            done.append(f"entry {n.id} ({was}) now starts at the end")
    return before, done, made


def _own_entry(session: Session, entry_id: object) -> TimeEntry:
    """One of the user's entries, on a record they may see (others' entries
    and hidden ones read as "no such entry" / "not yours")."""
    number = parse_id(entry_id)
    entry = time_entries(session, TimeEntry).where(TimeEntry.id == number).first()
    if entry is None:
        raise NotFound(f"There is no time entry {number} that you can see.")
    if entry.user_id != session.user_id:
        name = User.get_by_id(entry.user_id).name
        raise UserError(f"Entry {number} is {name}'s time: only they can change it.")
    return entry


def _activity(session: Session, record_id: object) -> Record:
    record = get_record(session, record_id, lock=True)
    if not type_of(record.type).is_activity:
        raise UserError(f"Time is kept on activities; #{record.id} is a person.")
    return record


def _log(
    session: Session,
    record_id: int,
    kind: EventKind,
    entry_id: int,
    before: dict[str, dict | None],
    text: str,
    trimmed: list[str],
) -> None:
    write.log_event(
        session,
        record_id,
        kind,
        entry=entry_id,
        span=text,
        trimmed=trimmed,
        before={"time": before},
    )


def add_entry(
    session: Session,
    record_id: object,
    started_at: datetime,
    ended_at: datetime,
    *,
    trim: bool = False,
) -> TimeChange:
    """A forgotten entry: worked on this from `started_at` to `ended_at`
    (naive UTC). Its phase is the activity's phase now."""
    with session.transaction():
        _lock_user(session)
        record = _activity(session, record_id)
        _check_span(session, started_at, ended_at)
        before, trimmed, made = _make_room(session, started_at, ended_at, set(), trim)
        entry = write.add_time_entry(
            session, record.id, started_at, ended_at, phase_of(session, record)
        )
        before.update(dict.fromkeys(map(str, [entry.id, *made])))
        text = span_text(session, started_at, ended_at)
        seconds = int((ended_at - started_at).total_seconds())
        _log(
            session,
            record.id,
            EventKind.TIME_ADDED,
            entry.id,
            before,
            f"{text} ({format_duration(seconds)})",
            trimmed,
        )
    return TimeChange(entry.id, record.id, started_at, ended_at, tuple(trimmed))


def edit_entry(
    session: Session,
    entry_id: object,
    *,
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
    record_id: object = None,
    trim: bool = False,
) -> TimeChange:
    """Change an entry's start, end or activity. Moved to another activity,
    it takes that activity's phase. The running focus may get an earlier
    start or another activity; its end is `unfocus`'s."""
    with session.transaction():
        _lock_user(session)
        entry = _own_entry(session, entry_id)
        if ended_at is not None and entry.ended_at is None:
            raise UserError(
                f"Entry {entry.id} is the running focus: `unfocus --at WHEN` ends it."
            )
        old_record = get_record(session, entry.record_id, lock=True)
        record = _activity(session, record_id) if record_id is not None else old_record
        start = started_at or entry.started_at
        end = ended_at or entry.ended_at
        _check_span(session, start, end)
        span_end = end or session.clock.now_utc_naive()
        before, trimmed, made = _make_room(session, start, span_end, {entry.id}, trim)
        before.update(_snapshot([entry.id]))
        before.update(dict.fromkeys(map(str, made)))
        values: dict = {"started_at": start}
        if end is not None:
            values["ended_at"] = end
        if record.id != old_record.id:
            values["record"] = record.id
            values["phase"] = phase_of(session, record)
        write.change_time_entry(session, entry.id, **values)
        was = span_text(session, entry.started_at, entry.ended_at)
        now_text = span_text(session, start, end)
        text = was if was == now_text else f"{was} → {now_text}"
        if record.id != old_record.id:
            text += f", from #{old_record.id}"
        _log(
            session, record.id, EventKind.TIME_CHANGED, entry.id, before, text, trimmed
        )
    return TimeChange(entry.id, record.id, start, end, tuple(trimmed))


def delete_entry(session: Session, entry_id: object) -> TimeChange:
    """Remove a finished entry of the user's (undo brings it back)."""
    with session.transaction():
        _lock_user(session)
        entry = _own_entry(session, entry_id)
        if entry.ended_at is None:
            raise UserError(
                f"Entry {entry.id} is the running focus: unfocus first "
                "(`unfocus --at WHEN` if it ran too long)."
            )
        get_record(session, entry.record_id, lock=True)
        before = _snapshot([entry.id])
        write.delete_time_entry(session, entry.id)
        text = span_text(session, entry.started_at, entry.ended_at)
        _log(
            session,
            entry.record_id,
            EventKind.TIME_DELETED,
            entry.id,
            before,
            f"{text} ({format_duration(entry.seconds or 0)})",
            [],
        )
    return TimeChange(entry.id, entry.record_id, entry.started_at, entry.ended_at)


def cut_out(
    session: Session, started_at: datetime, ended_at: datetime
) -> TimeChange | None:
    """Take [started_at, ended_at) out of the user's time: it was not work
    (the terminal sat idle). The running focus goes on from `ended_at`.
    Undoable on the record whose time it was; None when nothing was there."""
    with session.transaction():
        _lock_user(session)
        _check_span(session, started_at, ended_at)
        neighbours = overlapping(session, started_at, ended_at)
        if not neighbours:
            return None
        record_id = neighbours[-1].record_id
        get_record(session, record_id, lock=True)
        before, trimmed, made = _make_room(session, started_at, ended_at, set(), True)
        before.update(dict.fromkeys(map(str, made)))
        text = span_text(session, started_at, ended_at) + " not worked"
        first = neighbours[-1].id
        _log(session, record_id, EventKind.TIME_CHANGED, first, before, text, trimmed)
    return TimeChange(first, record_id, started_at, ended_at, tuple(trimmed))


def restore_entries(session: Session, saved: dict[str, dict | None]) -> None:
    """Undo's half: put the user's entries back as `saved` says (None: the
    entry did not exist then). Refused when what was put back would overlap
    time tracked since."""
    for key, row in saved.items():
        entry_id = int(key)
        exists = TimeEntry.get_or_none(TimeEntry.id == entry_id) is not None
        if row is None:
            if exists:
                write.delete_time_entry(session, entry_id)
            continue
        values = column_values(TimeEntry, row)
        if exists:
            write.change_time_entry(session, entry_id, **values)
        else:
            write.restore_time_entry(session, {"id": entry_id, **values})
    restored = [int(k) for k, row in saved.items() if row is not None]
    for entry_id in restored:
        entry = TimeEntry.get_by_id(entry_id)
        end = entry.ended_at or session.clock.now_utc_naive()
        clash = overlapping(
            session, entry.started_at, end, exclude={entry_id, *restored}
        )
        if entry.user_id == session.user_id and clash:
            raise UserError(
                f"Undoing would make entry {entry_id} overlap entry {clash[0].id}, "
                "tracked since; change or delete that one first."
            )


def focus_limit() -> timedelta:
    """How long a focus may run before it is suspect (settings.toml)."""
    from ..config import time_limits

    return timedelta(hours=time_limits()[0])


class Suspect(namedtuple("Suspect", "reason text")):
    """Why a running focus may not all be work: it ran past the limit, or
    across local midnight (`reason` "limit" or "midnight"; `text` e.g.
    "running 14 h — since yesterday 17:02")."""

    __slots__ = ()


def suspect(session: Session, started_at: datetime) -> Suspect | None:
    """Whether a focus running since `started_at` (naive UTC) looks like one
    left on (the app asks; `status` says so)."""
    now = session.clock.now_utc_naive()
    ran = now - started_at
    local_start = session.clock.to_local(started_at)
    today = session.clock.today()
    if local_start.date() == today:
        since = local_start.strftime("%H:%M")
    elif local_start.date() == today - timedelta(days=1):
        since = f"yesterday {local_start.strftime('%H:%M')}"
    else:
        since = local_start.strftime("%a %Y-%m-%d %H:%M")
    hours = int(ran.total_seconds() // 3600)
    text = f"running {hours} h — since {since}" if hours else f"since {since}"
    if ran > focus_limit():
        return Suspect("limit", text)
    if local_start.date() != today:
        return Suspect("midnight", f"{text}, across midnight")
    return None
