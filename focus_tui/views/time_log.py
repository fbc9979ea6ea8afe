"""The time log: entries one by one (a record's, or a person's over days),
for `focus-tui time list` and the app's Time screen, where they are fixed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..domain.access import get_record, time_entries
from ..domain.session import Session
from ..models import Record, TimeEntry, User
from .reports import Filters, utc_bounds


@dataclass(frozen=True)
class EntryRow:
    id: int
    user_name: str
    record_id: int
    record_type: str
    title: str
    started_at: datetime  # naive UTC
    ended_at: datetime | None  # None: running
    seconds: int | None
    phase: str
    source: str | None

    @property
    def running(self) -> bool:
        return self.ended_at is None

    def duration(self, now_utc_naive: datetime) -> int:
        if self.ended_at is None:
            return max(0, int((now_utc_naive - self.started_at).total_seconds()))
        return int(self.seconds or 0)


def entry_rows(
    session: Session,
    *,
    record_id: int | None = None,
    user_id: int | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    limit: int | None = None,
) -> list[EntryRow]:
    """Entries the user may see, newest first: on one record (anybody's), or
    of one person; `first_day`/`last_day` local days, inclusive, by start
    time."""
    query = (
        time_entries(
            session,
            TimeEntry.id,
            User.name,
            TimeEntry.record,
            Record.type,
            Record.title,
            TimeEntry.started_at,
            TimeEntry.ended_at,
            TimeEntry.seconds,
            TimeEntry.phase,
            TimeEntry.source,
        )
        .join_from(TimeEntry, User, on=(User.id == TimeEntry.user))
        .order_by(TimeEntry.started_at.desc(), TimeEntry.id.desc())
    )
    if record_id is not None:
        query = query.where(TimeEntry.record == get_record(session, record_id).id)
    if user_id is not None:
        query = query.where(TimeEntry.user == user_id)
    low, high = utc_bounds(session, Filters(start=first_day, end=last_day))
    if low is not None:
        query = query.where(TimeEntry.started_at >= low)
    if high is not None:
        query = query.where(TimeEntry.started_at < high)
    if limit is not None:
        query = query.limit(limit)
    return [EntryRow(*row) for row in query.tuples()]
