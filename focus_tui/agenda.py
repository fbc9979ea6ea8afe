"""The main view's data: my unfinished activities by date, loaded in pages.

The list is never loaded whole: the screen asks for the group counts once and
then for the page of rows it is about to draw.
"""

from __future__ import annotations

import peewee as pw

from .dates import Bucket, bucket_bounds
from .listing import LIST_COLUMNS, RecordRow, to_rows
from .models import Record, RecordActor
from .permissions import visible
from .record_types import ACTIVITY_KEYS
from .session import Session


def _mine_open(session: Session) -> pw.Expression:
    is_actor = pw.fn.EXISTS(
        RecordActor.select(pw.SQL("1")).where(
            (RecordActor.record == Record.id) & (RecordActor.user == session.user_id)
        )
    )
    return (
        Record.finished_at.is_null()
        & Record.type.in_(ACTIVITY_KEYS)
        & is_actor
        & visible(session)
    )


def bucket_counts(session: Session) -> list[tuple[Bucket, int]]:
    """How many of my open activities fall in each group, in screen order."""
    bounds = bucket_bounds(session.clock.today())
    columns = []
    for bucket in Bucket:
        if bucket is Bucket.NO_DATE:
            condition = Record.date.is_null()
        else:
            start, end = bounds[bucket]
            condition = Record.date.is_null(False)
            if start is not None:
                condition &= Record.date >= start
            if end is not None:
                condition &= Record.date < end
            if start is not None and end is not None and start >= end:
                condition = pw.SQL("1 = 0")
        columns.append(pw.fn.COALESCE(pw.fn.SUM(pw.Case(None, [(condition, 1)], 0)), 0))
    row = Record.select(*columns).where(_mine_open(session)).tuples().first()
    counts = row or (0,) * len(columns)
    return [(b, int(c)) for b, c in zip(Bucket, counts, strict=True)]


def fetch_page(
    session: Session, offset: int, limit: int, dated_count: int
) -> list[RecordRow]:
    """Rows [offset, offset+limit) of the main view's order.

    Dated rows come first (by date, time, id — the order of the partial
    index), then undated ones; `dated_count` says where the switch is.
    """
    rows: list[RecordRow] = []
    base = Record.select(*LIST_COLUMNS).where(_mine_open(session))
    if offset < dated_count:
        query = (
            base.where(Record.date.is_null(False))
            .order_by(Record.date, Record.due_at, Record.id)
            .limit(min(limit, dated_count - offset))
            .offset(offset)
        )
        rows.extend(to_rows(session, query))
    remaining = limit - len(rows)
    if remaining > 0:
        undated_offset = max(0, offset - dated_count)
        query = (
            base.where(Record.date.is_null())
            .order_by(Record.id)
            .limit(remaining)
            .offset(undated_offset)
        )
        rows.extend(to_rows(session, query))
    return rows
