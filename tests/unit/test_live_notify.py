"""On PostgreSQL the server tells a running app that something changed.

Migration 8's triggers send NOTIFY at commit; `views.changes.ChangeListener`
waits for it on a connection of its own and says which reads to run again
(the change feed, the running focus). A notice names no record: what
changed is read through the access path, as the poll reads it. SQLite has
no LISTEN/NOTIFY: there the app polls (tests/tui/test_failures_and_changes).
"""

from __future__ import annotations

import queue

import pytest
from conftest import PG_ADMIN

from focus_tui.core.dates import When
from focus_tui.domain import clouds, records, tracker
from focus_tui.domain.session import open_session
from focus_tui.models import db as db_module
from focus_tui.views.changes import CHANGES, FOCUS, listen_for_changes

on_postgres = pytest.mark.skipif(
    not PG_ADMIN,
    reason="LISTEN/NOTIFY is PostgreSQL's; set FOCUS_TUI_TEST_PG to run these "
    "(on SQLite the app polls, tested in tests/tui)",
)


class Heard:
    """What a listener said, in order, as the app would receive it."""

    def __init__(self) -> None:
        self.reads: queue.Queue[frozenset[str]] = queue.Queue()

    def __call__(self, reads: frozenset[str]) -> None:
        self.reads.put(reads)

    def next(self, timeout: float = 3.0) -> frozenset[str]:
        return self.reads.get(timeout=timeout)

    def nothing_within(self, seconds: float) -> bool:
        try:
            self.reads.get(timeout=seconds)
        except queue.Empty:
            return True
        return False


def _started(session, heard: Heard):
    listener = listen_for_changes(session.db, heard)
    assert listener is not None
    # Once listening it asks for everything (what came before LISTEN).
    assert heard.next() == {CHANGES, FOCUS}
    assert listener.live
    return listener


def _other(db_path, user: str = "tester"):
    """Another connection (another process would be the same to the server)."""
    return open_session(db_path, user)


@pytest.mark.skipif(bool(PG_ADMIN), reason="the SQLite case")
def test_on_sqlite_there_is_no_listener_and_the_app_polls(session):
    assert listen_for_changes(session.db, Heard()) is None


@on_postgres
def test_a_committed_write_is_heard_and_a_rolled_back_one_is_not(session, db_path):
    heard = Heard()
    listener = _started(session, heard)
    try:
        other = _other(db_path)
        records.create_record(other, "task", "Call Acme", when=When(None))
        assert CHANGES in heard.next()
        assert heard.nothing_within(0.3)  # one transaction, one notice

        class Undone(Exception):
            pass

        with pytest.raises(Undone), other.transaction():
            records.create_record(other, "task", "Never was", when=When(None))
            raise Undone
        assert heard.nothing_within(1.0)
    finally:
        listener.close()


@on_postgres
def test_a_focus_and_a_member_change_are_heard(session, db_path):
    heard = Heard()
    other = _other(db_path, "alice")
    task = records.create_record(other, "task", "Shared call", when=When(None))
    listener = _started(session, heard)
    try:
        tracker.focus(other, task.id)
        assert FOCUS in heard.next()
        while not heard.nothing_within(0.3):
            pass  # the focus's history event, if any
        clouds.create_cloud(other, "East")
        assert CHANGES in heard.next()
        while not heard.nothing_within(0.3):
            pass
        clouds.add_member(other, "East", "tester")  # what tester may see
        assert CHANGES in heard.next()
    finally:
        listener.close()


@on_postgres
def test_a_bulk_write_sends_one_notice_not_one_per_row(session, db_path):
    heard = Heard()
    listener = _started(session, heard)
    try:
        other = _other(db_path)
        with other.transaction():
            for n in range(50):
                records.create_record(other, "task", f"Task {n}", when=When(None))
        assert heard.next() == {CHANGES}
        assert heard.nothing_within(0.5)
    finally:
        listener.close()


@on_postgres
def test_a_lost_listener_says_so_and_listens_again(session, db_path, monkeypatch):
    from focus_tui.views.changes import ChangeListener

    monkeypatch.setattr(ChangeListener, "RETRY_SECONDS", 0.2)
    heard = Heard()
    listener = _started(session, heard)
    try:
        # The server ends the listener's connection (a restart, a network cut).
        import psycopg  # the postgres extra: only where these tests run

        with psycopg.connect(str(db_path), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query = %s AND datname = current_database()",
                (f"LISTEN {db_module.CHANGES_CHANNEL}",),
            )
        # Lost: read everything (the app polls meanwhile) ...
        assert heard.next() == {CHANGES, FOCUS}
        # ... and once connected again, everything once more, then live.
        assert heard.next() == {CHANGES, FOCUS}
        assert listener.live
        records.create_record(_other(db_path), "task", "After", when=When(None))
        assert CHANGES in heard.next()
    finally:
        listener.close()


@on_postgres
def test_closing_the_listener_closes_its_connection(session, db_path):
    listener = _started(session, Heard())
    listener.close()
    assert not listener.live
    import psycopg

    with psycopg.connect(str(db_path), autocommit=True) as admin:
        listening = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query = %s "
            "AND datname = current_database()",
            (f"LISTEN {db_module.CHANGES_CHANNEL}",),
        ).fetchone()[0]
    assert listening == 0
