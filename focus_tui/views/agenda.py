"""The main view's data: my unfinished activities by date, loaded in pages.

The list is never loaded whole: the screen asks for the group counts once and
then for the page of rows it is about to draw. Both read the user's actor
rows (which carry each activity's open state and date, see
`RecordActor`), so the cost follows the user's own open activities, not the
size of the database or the team.
"""

from __future__ import annotations

import peewee as pw

from ..core.dates import Bucket, bucket_of
from ..domain.access import agenda_rows
from ..domain.session import Session
from ..models import Record, RecordActor
from .listing import LIST_COLUMNS, RecordRow, to_rows


def _mine_open(session: Session, *columns, cloud_id: int | None = None) -> pw.Select:
    """My open activities, as actor rows of my clouds (the access path);
    with `cloud_id`, of that one cloud only (one of mine, or nothing)."""
    query = agenda_rows(session, *columns).where(
        RecordActor.is_open == True  # noqa: E712 - SQL, not Python truth
    )
    if cloud_id is not None:
        query = query.where(RecordActor.cloud_id == cloud_id)
    return query


def _base(session: Session, *columns, cloud_id: int | None = None) -> pw.Select:
    return _mine_open(session, *columns, cloud_id=cloud_id).join(
        Record, on=(Record.id == RecordActor.record)
    )


def bucket_counts(
    session: Session, cloud_id: int | None = None
) -> list[tuple[Bucket, int]]:
    """How many of my open activities fall in each group, in screen order.

    One pass over the user's entries in the agenda index, a count per day;
    the days are put in their groups here, by `core.dates.bucket_of`. (A
    SUM(CASE ...) per group over every entry took 20-40 ms at 1M records,
    a tenth of the start-up beyond Textual's; this takes 6-11 ms.)
    """
    today = session.clock.today()
    counts = dict.fromkeys(Bucket, 0)
    per_day = (
        _mine_open(session, RecordActor.date, pw.fn.COUNT(1), cloud_id=cloud_id)
        .group_by(RecordActor.date)
        .tuples()
    )
    for day, count in per_day:
        counts[bucket_of(day, today)] += int(count)
    return list(counts.items())


def fetch_page(
    session: Session,
    offset: int,
    limit: int,
    dated_count: int,
    cloud_id: int | None = None,
) -> list[RecordRow]:
    """Rows [offset, offset+limit) of the main view's order.

    Dated rows come first (by date, time, id — the order of the agenda
    index), then undated ones; `dated_count` says where the switch is.
    """
    rows: list[RecordRow] = []
    if offset < dated_count:
        query = (
            _base(session, *LIST_COLUMNS, cloud_id=cloud_id)
            .where(RecordActor.date.is_null(False))
            # Untimed before timed on a day, on PostgreSQL as on SQLite (whose
            # ascending order puts NULL first anyway, so its index still serves).
            .order_by(
                RecordActor.date,
                RecordActor.due_at.asc(nulls="first"),
                RecordActor.record,
            )
            .limit(min(limit, dated_count - offset))
            .offset(offset)
        )
        rows.extend(to_rows(session, query))
    remaining = limit - len(rows)
    if remaining > 0:
        query = (
            _base(session, *LIST_COLUMNS, cloud_id=cloud_id)
            .where(RecordActor.date.is_null())
            .order_by(RecordActor.record)
            .limit(remaining)
            .offset(max(0, offset - dated_count))
        )
        rows.extend(to_rows(session, query))
    return rows
