"""What changed since a moment: the feed the app's change watcher reads.

Every write logs a history event in its own transaction, so the event ids
form a change feed: the screens of a running app ask, every few seconds,
which visible records have events newer than the last id they saw. The
cursor is a position in that feed, not data.
"""

from __future__ import annotations

import peewee as pw

from ..domain.access import cloud_ids, records
from ..domain.session import Session
from ..models import Event, Record

MAX_IDS = 2000  # more changes than this at once: "anything may have changed"


def change_cursor(session: Session) -> int:
    """Where the change feed stands now (the newest event id)."""
    return Event.select(pw.fn.MAX(Event.id)).scalar() or 0


def changes_since(session: Session, cursor: int) -> tuple[int, frozenset[int] | None]:
    """(the new cursor, ids of visible records changed elsewhere after `cursor`).

    Changes this session made itself are left out (its screens already
    show them). None for the ids when there are too many to list: reload
    everything.
    """
    newest = change_cursor(session)
    if newest <= cursor:
        return cursor, frozenset()
    # Read from the few new events (an id range) to their records.
    changed = (
        records(session, Record.id, Event.id)
        .join(Event, on=(Event.record == Record.id))
        .where((Event.id > cursor) & (Event.id <= newest))
        .limit(MAX_IDS * 4)
        .tuples()
    )
    own = session.own_events
    ids = frozenset(rid for rid, event_id in changed if event_id not in own)
    # Forget what is now behind the cursor.
    session.own_events.difference_update({e for e in list(own) if e <= newest})
    return newest, (None if len(ids) > MAX_IDS else ids)


def my_clouds_now(session: Session) -> frozenset[int]:
    """The clouds the user sees right now. Joining or leaving one (or one
    archived) changes what every screen may show, without any record's
    history saying so: the watcher compares this set too."""
    return frozenset(cloud for (cloud,) in cloud_ids(session).tuples())
