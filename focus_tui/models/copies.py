"""The copied columns, and their one writer.

The main view and the board are fast because some of a record's state is
copied beside the rows they read: `RecordActor.is_open/date/due_at/cloud_id`
(the agenda index) and `Sale.cloud_id` (the board's filter). Nothing else
writes these columns: every change to a record's type, date, finished state
or cloud calls `sync_copies` inside its own transaction.
"""

from __future__ import annotations

from ..core.record_types import ACTIVITY_KEYS
from .schema import Record, RecordActor


def sync_actors(record_id: int) -> None:
    """Copy the record's open state and date onto its actor rows.

    Call inside the transaction of every change to a record's date, finished
    state or type.
    """
    record = Record.get_by_id(record_id)
    RecordActor.update(
        is_open=record.finished_at is None and record.type in ACTIVITY_KEYS,
        date=record.date,
        due_at=record.due_at,
        cloud_id=record.cloud_id,
    ).where(RecordActor.record == record_id).execute()
