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
from .db import database
from .schema import RecordActor

# Record columns that are copied elsewhere: a change to one needs a sync.
COPIED = frozenset({"type", "date", "due_at", "finished_at", "cloud", "cloud_id"})

_CHUNK = 500


def sync_copies(record_ids: Iterable[int]) -> None:
    """Copy each record's open state, date and cloud onto its actor rows and
    its cloud onto its sale row. Call inside the change's transaction."""
    ids = sorted({int(i) for i in record_ids})
    db = database.obj
    mark = db.param
    # SQL text, not Peewee queries: every new record passes here, and Peewee
    # took about a millisecond to build each of these three statements.
    actor = (
        f'UPDATE record_actor SET is_open = {mark}, "date" = {mark}, '
        f"due_at = {mark}, cloud_id = {mark} WHERE record_id = {mark}"
    )
    sale = (
        f"UPDATE sale SET cloud_id = {mark} "
        f"WHERE record_id = {mark} AND cloud_id <> {mark}"
    )
    is_open = RecordActor.is_open.db_value
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ", ".join([mark] * len(chunk))
        rows = db.execute_sql(
            'SELECT id, "type", "date", due_at, finished_at, cloud_id FROM record '
            f"WHERE id IN ({marks})",
            chunk,
        ).fetchall()
        # The stored date and times are written back as the database gave
        # them: the same column types on both sides.
        for rid, rtype, day, due_at, finished_at, cloud_id in rows:
            opened = is_open(finished_at is None and rtype in ACTIVITY_KEYS)
            db.execute_sql(actor, (opened, day, due_at, cloud_id, rid))
            db.execute_sql(sale, (cloud_id, rid, cloud_id))
