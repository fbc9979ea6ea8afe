"""What changed since a moment: the feed the app's change watcher reads.

Every write logs a history event in its own transaction, so the event ids
form a change feed: the screens of a running app ask, every few seconds,
which visible records have events newer than the last id they saw. The
cursor is a position in that feed, not data. On PostgreSQL they ask at the
server's word instead (`ChangeListener`: LISTEN/NOTIFY), and poll rarely.
"""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Callable

import peewee as pw

from ..domain.access import cloud_ids, records
from ..domain.session import Session
from ..models import Event, Record
from ..models import db as db_module

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


# -- on PostgreSQL the server says when something changed -----------------------

# What a notice asks the app to read again: the change feed (records, and
# the clouds one may see) or the running focus (yours and your colleagues').
CHANGES = "changes"
FOCUS = "focus"
_READS = {
    db_module.NOTIFY_RECORDS: CHANGES,
    db_module.NOTIFY_CLOUDS: CHANGES,
    db_module.NOTIFY_FOCUS: FOCUS,
}


class ChangeListener:
    """Waits in a thread of its own for the server's word that something
    changed (LISTEN/NOTIFY: the triggers of migration 8 notify at commit) and
    calls `heard(reads)` from that thread with what to read again.

    A notice carries no data: what changed is read, as before, through the
    access path (`changes_since`). While connected (`live`) the app's poll
    is only a safety net; when the connection is lost the listener says so
    (`heard` with everything, so nothing written meanwhile is missed), the
    app polls as on SQLite, and the listener connects again after a pause.
    A plain daemon thread, not a Textual worker: it runs as long as the app,
    and waiting for workers to finish (as tests do) must not wait for it.
    """

    # A quiet connection is checked this often (a network that went away
    # says nothing); a lost one is tried again after this pause.
    CHECK_SECONDS = 60.0
    RETRY_SECONDS = 30.0

    def __init__(self, db: pw.Database, heard: Callable[[frozenset[str]], None]):
        self._db = db
        self._heard = heard
        self._wake_r, self._wake_w = os.pipe()
        self._closed = threading.Event()
        self.live = False
        self._thread = threading.Thread(
            target=self._run, name="focus-change-listener", daemon=True
        )

    def start(self) -> ChangeListener:
        self._thread.start()
        return self

    def close(self, wait: float = 2.0) -> None:
        """Stop waiting and close the connection (from any thread but the
        listener's own)."""
        if self._closed.is_set():
            return
        self._closed.set()
        os.write(self._wake_w, b"x")
        if self._thread.is_alive():
            self._thread.join(wait)
        if not self._thread.is_alive():
            # Only now: a pipe closed while the thread could still wait on
            # it might be some other file's number by then.
            os.close(self._wake_r)
            os.close(self._wake_w)

    def _run(self) -> None:
        while not self._closed.is_set():
            # Any failure (the driver's own errors too) means "not
            # listening": never a traceback on the terminal from this thread.
            try:
                notices = db_module.ChangeNotices(self._db)
            except Exception:
                self._pause(self.RETRY_SECONDS)
                continue
            try:
                self._listen(notices)
            except Exception:
                pass  # lost: the app polls meanwhile; connect again
            finally:
                self.live = False
                notices.close()
            if not self._closed.is_set():
                self._heard(frozenset((CHANGES, FOCUS)))
                self._pause(self.RETRY_SECONDS)

    def _listen(self, notices: db_module.ChangeNotices) -> None:
        if self._closed.is_set():
            return  # closed while connecting
        self.live = True
        # What was written before LISTEN took effect is read now.
        self._heard(frozenset((CHANGES, FOCUS)))
        while not self._closed.is_set():
            ready, _, _ = select.select(
                [notices.fileno(), self._wake_r], [], [], self.CHECK_SECONDS
            )
            if self._wake_r in ready:
                return
            if not ready:
                notices.check()
                continue
            reads = frozenset(_READS[p] for p in notices.take() if p in _READS)
            if reads:
                self._heard(reads)

    def _pause(self, seconds: float) -> None:
        select.select([self._wake_r], [], [], seconds)


def listen_for_changes(
    db: pw.Database, heard: Callable[[frozenset[str]], None]
) -> ChangeListener | None:
    """A started listener on PostgreSQL; None on SQLite (its apps poll)."""
    if not db_module.can_listen(db):
        return None
    return ChangeListener(db, heard).start()
