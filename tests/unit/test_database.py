"""Database set-up: migrations, pragmas, crash safety, two writers."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import peewee
import pytest
from conftest import PG_ADMIN, count_rows

from focus_tui.core.errors import DatabaseUnavailable
from focus_tui.models import Meta, open_database
from focus_tui.models.migrations import LATEST, schema_version


@pytest.mark.sqlite_file
def test_new_database_is_at_latest_schema_with_pragmas(db_path):
    db = open_database(db_path)
    assert schema_version(db) == LATEST
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    db.close()
    # Opening again runs nothing twice and keeps the version.
    db = open_database(db_path)
    assert schema_version(db) == LATEST
    db.close()


def test_database_from_a_newer_version_is_refused(db_path):
    db = open_database(db_path)
    Meta.update(value=str(LATEST + 1)).where(Meta.key == "schema_version").execute()
    db.close()
    with pytest.raises(DatabaseUnavailable, match="newer"):
        open_database(db_path)


def test_corrupt_file_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(DatabaseUnavailable, match="not a Focus TUI database"):
        open_database(path)


CHILD = textwrap.dedent(
    """
    import sys
    from focus_tui.domain.session import open_session
    from focus_tui.domain import records, tracker
    s = open_session(sys.argv[1], "tester")
    focused = records.create_record(s, "task", "Keep me running")
    tracker.focus(s, focused.id)
    print("focus", focused.id, flush=True)
    i = 0
    while True:  # write until killed
        r = records.create_record(s, "task", f"record {i}")
        print("committed", r.id, flush=True)
        i += 1
    """
)


def test_kill_9_loses_no_committed_record_and_keeps_the_focus(db_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    committed: list[int] = []
    focused = None
    for line in proc.stdout:
        kind, value = line.split()
        if kind == "focus":
            focused = int(value)
        else:
            committed.append(int(value))
        if len(committed) >= 200:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    if not PG_ADMIN:
        conn = sqlite3.connect(db_path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    from focus_tui.domain import tracker
    from focus_tui.domain.session import open_session
    from focus_tui.models import Record

    session = open_session(db_path, "tester")
    present = {r.id for r in Record.select(Record.id)}
    assert set(committed) <= present
    running = tracker.current_focus(session)
    assert running is not None and running.record_id == focused


WRITER = textwrap.dedent(
    """
    import sys
    from focus_tui.domain.session import open_session
    from focus_tui.domain import records
    s = open_session(sys.argv[1], sys.argv[2])
    for i in range(150):
        records.create_record(s, "task", f"{sys.argv[2]} {i}")
    print("done")
    """
)


def test_two_processes_writing_at_once_lose_nothing(db_path):
    open_database(db_path).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("anna", "bob")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err
    assert count_rows(db_path, "record") == 300


def test_peewee_is_the_orm():
    assert peewee.__version__


def _version_1_database(db_path) -> None:
    """The schema exactly as version 1 left it, with a user and three records."""
    from focus_tui.models import database, schema
    from focus_tui.models.db import make_database
    from focus_tui.models.migrations import MIGRATIONS

    db = make_database(db_path)
    database.initialize(db)
    db.connect()
    with db.atomic():
        db.create_tables([schema.Meta])
        MIGRATIONS[0](db)
        Meta.create(key="schema_version", value="1")
        now = "2026-11-20 08:00:00"
        db.execute_sql(
            "INSERT INTO user (id, name, display_name, created_at) "
            f"VALUES (1, 'tester', 'Tester', '{now}')"
        )
        db.execute_sql(
            "INSERT INTO cloud (id, name, kind, owner_id, created_at) "
            f"VALUES (1, 'tester (private)', 'private', 1, '{now}')"
        )
        db.execute_sql("INSERT INTO cloud_member VALUES (1, 1, 'owner')")
        for rid, kind, date, finished in [
            (1, "task", "2026-11-27", None),
            (2, "sales_lead", None, None),
            (3, "task", "2026-11-20", now),
        ]:
            db.execute_sql(
                "INSERT INTO record (id, type, title, body, cloud_id, creator_id, "
                "date, finished_at, created_at, updated_at) VALUES "
                "(?, ?, ?, '', 1, 1, ?, ?, ?, ?)",
                (rid, kind, f"old {rid}", date, finished, now, now),
            )
            db.execute_sql("INSERT INTO record_actor VALUES (?, 1)", (rid,))
    db.close()


@pytest.mark.sqlite_file
def test_a_version_1_database_opens_in_this_version_with_nothing_lost(db_path):
    """Build the schema exactly as version 1 left it, with data, then upgrade."""
    from focus_tui.domain.session import open_session
    from focus_tui.views import agenda

    _version_1_database(db_path)

    from datetime import UTC, datetime

    from focus_tui.core.clock import Clock

    clock = Clock(fixed=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    session = open_session(db_path, "tester", clock)
    assert schema_version(session.db) == LATEST
    counts = {b.value: n for b, n in agenda.bucket_counts(session)}
    assert counts["today"] == 1 and counts["no_date"] == 1
    assert sum(counts.values()) == 2  # the finished one is not on the list
    titles = [r.title for r in agenda.fetch_page(session, 0, 10, dated_count=1)]
    assert titles == ["old 1", "old 2"]


def test_old_participant_lines_get_the_ids_of_the_people_they_name(db_path):
    """Migration 4: a history line logged with names only gets each person's
    id, so readers who may not see that person are not shown the name."""
    import json

    from focus_tui.domain import records
    from focus_tui.domain.session import open_session
    from focus_tui.models import Event, database
    from focus_tui.models.migrations import MIGRATIONS

    session = open_session(db_path, "tester")
    anna = records.create_record(session, "contact_person", "Anna")
    gone = records.create_record(session, "contact_person", "Gone Person")
    note = records.create_record(
        session, "contact_note", "Call", participant_ids=[anna.id]
    )
    # As version 3 logged them: names, no ids.
    Event.update(data=json.dumps({"added": ["Anna"]})).where(
        (Event.record == note.id) & (Event.kind == "participants")
    ).execute()
    Event.create(
        record=note.id,
        user=session.user_id,
        kind="participants",
        at=session.clock.now_utc_naive(),
        data=json.dumps({"removed": ["Gone Person", "Nobody Known"]}),
    )
    participant_ids = MIGRATIONS[3]
    assert participant_ids.__name__ == "_m004_participant_ids"
    with database.obj.atomic():
        participant_ids(database.obj)
    lines = [
        json.loads(e.data)
        for e in Event.select()
        .where((Event.record == note.id) & (Event.kind == "participants"))
        .order_by(Event.id)
    ]
    assert lines == [
        {"added": [{"id": anna.id, "name": "Anna"}]},
        {"removed": [{"id": gone.id, "name": "Gone Person"}, {"name": "Nobody Known"}]},
    ]


# Opens one database per round, all processes together: each writes a file
# "ready-<round>-<me>" and waits until every process has, so the opens
# really overlap (starting processes alone spreads them over ~100 ms).
OPENER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from focus_tui.domain.session import open_session
    from focus_tui.models.migrations import schema_version
    folder, me, procs, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    for r in range(rounds):
        (folder / f"ready-{r}-{me}").touch()
        while len(list(folder.glob(f"ready-{r}-*"))) < procs:
            time.sleep(0.0005)
        try:
            s = open_session(folder / f"round{r}.db", "tester")
            result = ["ok", schema_version(s.db)]
            s.db.close()
        except Exception as exc:
            result = ["fail", f"{type(exc).__name__}: {exc}"]
        print(json.dumps([r, *result]), flush=True)
    """
)


def _open_together(folder, procs: int, rounds: int) -> list[list]:
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                OPENER,
                str(folder),
                str(i),
                str(procs),
                str(rounds),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(procs)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results += [json.loads(line) for line in out.splitlines()]
    return results


def _schema_of(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        return conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("start", ["new file", "version 1"])
def test_processes_opening_a_database_at_once_all_succeed(tmp_path, start):
    """Four processes open the same database at the same moment, 12 rounds:
    every one of them gets a usable, fully migrated database, each migration
    ran once, and the user they all are exists once.

    Before, 1-3 of the 4 failed in half of the rounds: "index
    record_parent_created already exists" / "duplicate column name: is_open"
    (two processes ran the same migration) and "database is locked" (SQLite
    does not wait while two connections switch a new file to WAL).
    """
    procs, rounds = 4, 12
    if start == "version 1":
        for r in range(rounds):
            _version_1_database(tmp_path / f"round{r}.db")
    reference = tmp_path / "reference.db"
    if start == "version 1":
        _version_1_database(reference)
    open_database(reference).close()
    results = _open_together(tmp_path, procs, rounds)
    assert len(results) == procs * rounds
    failures = [r for r in results if r[1] != "ok"]
    assert not failures
    assert {r[2] for r in results} == {LATEST}
    expected = _schema_of(reference)
    for r in range(rounds):
        path = tmp_path / f"round{r}.db"
        assert _schema_of(path) == expected
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT COUNT(*) FROM user").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM cloud").fetchone()[0] == 1
        conn.close()


def test_migration_5_archives_and_makes_each_clouds_maker_its_owner(db_path):
    """A version-4 database (demo team clouds: their maker a plain member)."""
    from focus_tui.domain import clouds
    from focus_tui.domain.session import ensure_user, open_session
    from focus_tui.models import Cloud, CloudMember, database
    from focus_tui.models.migrations import MIGRATIONS

    session = open_session(db_path, "tester")
    anna = ensure_user("anna", session.clock)
    team = Cloud.create(
        name="Old Team",
        kind="team",
        owner=anna,
        created_at=session.clock.now_utc_naive(),
    )
    CloudMember.insert_many(
        [
            {"cloud": team.id, "user": anna.id, "role": "member"},
            {"cloud": team.id, "user": session.user_id, "role": "member"},
        ]
    ).execute()
    db = database.obj
    db.execute_sql("ALTER TABLE cloud DROP COLUMN archived_at")
    archive_and_owners = MIGRATIONS[4]
    assert archive_and_owners.__name__ == "_m005_cloud_archive_and_owners"
    with db.atomic():
        archive_and_owners(db)
    roles = dict(
        CloudMember.select(CloudMember.user, CloudMember.role)
        .where(CloudMember.cloud == team.id)
        .tuples()
    )
    assert roles == {anna.id: "owner", session.user_id: "member"}
    assert Cloud.get_by_id(team.id).archived_at is None
    anna_session = open_session(db_path, "anna")
    clouds.archive_cloud(anna_session, "Old Team")  # she may, as its owner
    assert Cloud.get_by_id(team.id).archived_at is not None


@pytest.mark.sqlite_file
def test_migration_7_keeps_time_and_never_hands_a_deleted_entrys_id_out_again(
    db_path,
):
    """Entries can be deleted (and the delete undone): the rebuilt table
    keeps every entry and gives a new one a new id, not the deleted one's."""
    import sqlite3
    from datetime import UTC, datetime

    from focus_tui.core.clock import Clock
    from focus_tui.domain import time_edits, undo
    from focus_tui.domain.session import open_session

    _version_1_database(db_path)
    conn = sqlite3.connect(db_path)
    with conn:
        for eid, start, end in [
            (1, "2026-11-26 06:00:00", "2026-11-26 07:00:00"),
            (2, "2026-11-26 07:00:00", "2026-11-26 07:30:00"),
        ]:
            conn.execute(
                "INSERT INTO time_entry (id, user_id, record_id, started_at, "
                "ended_at, seconds, phase) VALUES (?, 1, 1, ?, ?, ?, 'other')",
                (eid, start, end, 3600 if eid == 1 else 1800),
            )
    conn.close()
    clock = Clock(fixed=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    session = open_session(db_path, "tester", clock)
    assert schema_version(session.db) == LATEST
    rows = session.db.execute_sql(
        "SELECT id, seconds, source FROM time_entry ORDER BY id"
    ).fetchall()
    assert rows == [(1, 3600, None), (2, 1800, None)]
    time_edits.delete_entry(session, 2)
    change = time_edits.add_entry(
        session, 1, datetime(2026, 11, 26, 8, 0), datetime(2026, 11, 26, 8, 30)
    )
    assert change.entry_id == 3  # not 2 again
    undo.undo(session, 1)  # the add
    undo.undo(session, 1)  # the delete: entry 2 is back as it was
    rows = session.db.execute_sql(
        "SELECT id, seconds FROM time_entry ORDER BY id"
    ).fetchall()
    assert rows == [(1, 3600), (2, 1800)]
