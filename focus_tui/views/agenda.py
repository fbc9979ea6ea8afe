"""The main view's data: my unfinished activities by date, loaded in pages.

The list is never loaded whole: the screen asks for the group counts once and
then for the page of rows it is about to draw. Both read the user's actor
rows (which carry each activity's open state and date, see
`RecordActor`), so the cost follows the user's own open activities, not the
size of the database or the team.
"""

from __future__ import annotations

import peewee as pw

from ..core.dates import Bucket, bucket_bounds
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

    One pass over the user's entries in the agenda index; no record is read.
    """
    bounds = bucket_bounds(session.clock.today())
    columns = []
    for bucket in Bucket:
        if bucket is Bucket.NO_DATE:
            condition = RecordActor.date.is_null()
        else:
            start, end = bounds[bucket]
            if start is not None and end is not None and start >= end:
                condition = pw.SQL("1 = 0")  # e.g. "this week" on a Sunday
            else:
                condition = RecordActor.date.is_null(False)
                if start is not None:
                    condition &= RecordActor.date >= start
                if end is not None:
                    condition &= RecordActor.date < end
        columns.append(pw.fn.SUM(pw.Case(None, [(condition, 1)], 0)))
    row = _mine_open(session, *columns, cloud_id=cloud_id).tuples().first()
    return [(b, int(n or 0)) for b, n in zip(Bucket, row or (), strict=False)] or [
        (b, 0) for b in Bucket
    ]


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
