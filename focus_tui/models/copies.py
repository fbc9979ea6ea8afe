"""The copied columns, and their one writer.

The main view and the board are fast because some of a record's state is
copied beside the rows they read: `RecordActor.is_open/date/due_at/cloud_id`
(the agenda index) and `Sale.cloud_id` (the board's filter). Nothing but
`sync_copies` writes them, and the domain's write path (`domain.write`)
calls it inside the transaction of every change to a record's type, date,
finished state or cloud, and for every new actor or sale row. (Shipped
migrations keep their own frozen copy of this logic: they must go on doing
what they did for the schema of their day.)
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.process import ACTIVITY_KEYS
from .schema import Record, RecordActor, Sale

# Record columns that are copied elsewhere: a change to one needs a sync.
COPIED = frozenset({"type", "date", "due_at", "finished_at", "cloud", "cloud_id"})

_CHUNK = 500


def sync_copies(record_ids: Iterable[int]) -> None:
    """Copy each record's open state, date and cloud onto its actor rows and
    its cloud onto its sale row. Call inside the change's transaction."""
    ids = sorted({int(i) for i in record_ids})
    for start in range(0, len(ids), _CHUNK):
        rows = (
            Record.select(
                Record.id,
                Record.type,
                Record.date,
                Record.due_at,
                Record.finished_at,
                Record.cloud,
            )
            .where(Record.id.in_(ids[start : start + _CHUNK]))
            .tuples()
        )
        for rid, rtype, day, due_at, finished_at, cloud_id in rows:
            RecordActor.update(
                is_open=finished_at is None and rtype in ACTIVITY_KEYS,
                date=day,
                due_at=due_at,
                cloud_id=cloud_id,
            ).where(RecordActor.record == rid).execute()
            Sale.update(cloud_id=cloud_id).where(
                (Sale.record == rid) & (Sale.cloud_id != cloud_id)
            ).execute()
