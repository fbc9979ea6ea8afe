"""Demo data: exact size, permissions, a lively main view, clean time entries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import peewee
import pytest
from dateutil import tz

from focus_tui.core.clock import Clock
from focus_tui.core.dates import Bucket, bucket_of
from focus_tui.core.errors import UserError
from focus_tui.core.process import ACTIVITY_KEYS
from focus_tui.demo.fill import fill_demo
from focus_tui.domain import tracker
from focus_tui.domain.session import Session, ensure_user
from focus_tui.models import (
    Cloud,
    CloudMember,
    ContactDetails,
    Event,
    Participant,
    Record,
    RecordActor,
    TimeEntry,
    User,
    database,
    open_database,
)
from focus_tui.views import agenda

ZONE = tz.gettz("Europe/Helsinki")
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # Friday, 11:00 in Helsinki
CLOCK = Clock(zone=ZONE, fixed=NOW)
NOW_UTC = NOW.replace(tzinfo=None)
RECORDS = 1200
USER = "tester"


def fill(path, records=RECORDS, seed=7):
    db = open_database(path)
    return db, fill_demo(db, records=records, user_name=USER, clock=CLOCK, seed=seed)


@pytest.fixture(scope="module")
def _built(tmp_path_factory):
    db, summary = fill(tmp_path_factory.mktemp("demo") / "t.db")
    yield db, summary
    db.close()


@pytest.fixture
def demo(_built):
    """The shared demo database (read-only), bound to the models."""
    db, summary = _built
    database.initialize(db)
    return summary


@pytest.fixture
def me(demo) -> User:
    return User.get(User.name == USER)


def count(sql: str, *params) -> int:
    return database.execute_sql(sql, params).fetchone()[0]


def test_exact_size_and_summary(demo):
    assert Record.select().count() == RECORDS
    assert demo.records == RECORDS
    assert demo.time_entries == TimeEntry.select().count()
    assert demo.users[0] == USER
    assert len(demo.users) == 5
    assert {"anna.virtanen", "lars.berg", "sofia.rossi", "jan.novak"} <= set(demo.users)
    assert {"Sales Team", "Key Accounts", "Nordic Partners"} <= set(demo.clouds)
    types = Counter(r.type for r in Record.select(Record.type))
    for key in (
        "task",
        "sales_lead",
        "contact_note",
        "sales_proposal",
        "order",
        "client_relationship",
        "contact_person",
    ):
        assert types[key] > 0, key


def test_records_live_in_clouds_of_their_creator_and_parent(demo):
    assert not count(
        "SELECT COUNT(*) FROM record r WHERE NOT EXISTS (SELECT 1 FROM "
        "cloud_member m WHERE m.cloud_id = r.cloud_id AND m.user_id = r.creator_id)"
    )
    assert not count(
        "SELECT COUNT(*) FROM record_actor a JOIN record r ON r.id = a.record_id "
        "WHERE NOT EXISTS (SELECT 1 FROM cloud_member m "
        "WHERE m.cloud_id = r.cloud_id AND m.user_id = a.user_id)"
    )
    assert not count(
        "SELECT COUNT(*) FROM record c JOIN record p ON p.id = c.parent_id "
        "WHERE c.cloud_id != p.cloud_id OR c.created_at < p.created_at"
    )
    # Tagged people are Contact Persons the note's readers can see.
    assert not count(
        "SELECT COUNT(*) FROM participant x JOIN record n ON n.id = x.record_id "
        "JOIN record p ON p.id = x.person_id "
        "WHERE p.type != 'contact_person' OR p.cloud_id != n.cloud_id"
    )
    assert (
        Participant.select().count()
        >= Record.select().where(Record.type == "contact_note").count()
    )


def test_nordic_partners_is_not_mine_but_has_records(demo, me):
    nordic = Cloud.get(Cloud.name == "Nordic Partners")
    assert nordic.kind == "team"
    members = {
        m.user_id for m in CloudMember.select().where(CloudMember.cloud == nordic)
    }
    assert me.id not in members
    assert len(members) >= 2
    assert Record.select().where(Record.cloud == nordic).count() > 0
    key = Cloud.get(Cloud.name == "Key Accounts")
    assert CloudMember.select().where(CloudMember.cloud == key).count() == 3
    team = Cloud.get(Cloud.name == "Sales Team")
    assert CloudMember.select().where(CloudMember.cloud == team).count() == 5


def test_main_view_has_every_group(demo, me):
    session = Session(db=database.obj, user=me, clock=CLOCK)
    counts = dict(agenda.bucket_counts(session))
    # Friday: "this week" is Sunday only, but still there.
    assert all(counts[bucket] > 0 for bucket in Bucket), counts
    assert sum(counts.values()) >= 40
    # The same from the records themselves, not the agenda copy on actors.
    today = CLOCK.today()
    mine = (
        Record.select(Record.date)
        .join(RecordActor, on=(RecordActor.record == Record.id))
        .where(
            (RecordActor.user == me.id)
            & Record.finished_at.is_null()
            & Record.type.in_(ACTIVITY_KEYS)
        )
    )
    assert Counter(bucket_of(r.date, today) for r in mine) == counts


def test_open_and_finished_activities(demo):
    activities = Record.select().where(Record.type.in_(ACTIVITY_KEYS))
    total = activities.count()
    open_ = activities.where(Record.finished_at.is_null())
    assert 0.02 * total <= open_.count() <= 0.08 * total
    today = CLOCK.today()
    for record in open_:
        if record.date is not None:
            assert today - timedelta(days=21) <= record.date <= today + timedelta(60)
        if record.due_at is not None:
            assert CLOCK.to_local(record.due_at).date() == record.date
    undated = open_.where(Record.date.is_null()).count()
    assert 0 < undated < open_.count() / 2
    finished = activities.where(Record.finished_at.is_null(False))
    assert not finished.where(Record.finished_at > NOW_UTC).count()
    assert not finished.where(Record.finished_at < Record.created_at).count()
    assert not Record.select().where(Record.created_at > NOW_UTC).count()
    assert not Record.select().where(Record.updated_at < Record.created_at).count()


def test_contact_people(demo):
    people = Record.select().where(Record.type == "contact_person")
    assert people.count() > 0
    assert not people.where(
        Record.date.is_null(False) | Record.finished_at.is_null(False)
    ).count()
    ids = [p.id for p in people]
    assert not RecordActor.select().where(RecordActor.record.in_(ids)).count()
    assert ContactDetails.select().count() == len(ids)
    for details in ContactDetails.select().limit(50):
        assert details.organisation.endswith(
            ("Oy", "AB", "GmbH", "S.r.l.", "s.r.o.", "B.V.")
        )
        assert "@" in details.email and details.email.isascii()
        assert details.phone.startswith("+")


def test_exactly_one_running_focus(demo, me):
    running = list(TimeEntry.select().where(TimeEntry.ended_at.is_null()))
    assert len(running) == 1
    entry = running[0]
    assert entry.user_id == me.id and entry.seconds is None
    assert entry.started_at == NOW_UTC - timedelta(minutes=12)
    record = Record.get_by_id(entry.record_id)
    assert record.type == "sales_lead" and record.finished_at is None
    assert entry.phase == "lead"
    session = Session(db=database.obj, user=me, clock=CLOCK)
    focus = tracker.current_focus(session)
    assert focus is not None and focus.record_id == record.id


def test_time_entries_are_clean(demo):
    entries = list(
        TimeEntry.select()
        .where(TimeEntry.ended_at.is_null(False))
        .order_by(TimeEntry.user, TimeEntry.started_at)
    )
    activities = Record.select().where(Record.type.in_(ACTIVITY_KEYS)).count()
    assert 1.5 * activities <= len(entries) + 1 <= 2.5 * activities
    last_end: dict[int, datetime] = {}
    for e in entries:
        assert e.seconds == (e.ended_at - e.started_at).total_seconds()
        assert 5 * 60 <= e.seconds <= 90 * 60
        assert e.started_at >= last_end.get(e.user_id, e.started_at), e.id
        last_end[e.user_id] = e.ended_at
        start, end = CLOCK.to_local(e.started_at), CLOCK.to_local(e.ended_at)
        assert start.weekday() < 5 and start.date() == end.date()
        assert f"{start:%H:%M}" >= "08:00" and f"{end:%H:%M}" <= "17:30"
        assert e.ended_at <= NOW_UTC - timedelta(minutes=12)
    # No entry of mine overlaps the running focus either (checked above via
    # its start), and entries lie in the life of their record.
    assert not count(
        "SELECT COUNT(*) FROM time_entry t JOIN record r ON r.id = t.record_id "
        "WHERE t.started_at < r.created_at OR t.ended_at > r.finished_at"
    )


def test_phases_follow_the_deal(demo):
    """Every entry has a known phase; deals show lead and client-care time."""
    from focus_tui.core.process import PHASES

    seen = Counter(phase for (phase,) in TimeEntry.select(TimeEntry.phase).tuples())
    assert set(seen) <= set(PHASES)
    # Every phase of the sales process shows up in the reports.
    assert all(seen[phase] for phase in PHASES), seen
    # Time on a plain, parentless task is never sales time.
    loose = (
        TimeEntry.select(TimeEntry.phase)
        .join(Record)
        .where(Record.parent.is_null() & (Record.type == "task"))
        .tuples()
    )
    assert {phase for (phase,) in loose} <= {"other"}


def test_history_events(demo):
    kinds = Counter(k for (k,) in Event.select(Event.kind).tuples())
    assert kinds["created"] == RECORDS
    finished = Record.select().where(Record.finished_at.is_null(False)).count()
    assert kinds["finished"] == finished
    ended = TimeEntry.select().where(TimeEntry.ended_at.is_null(False)).count()
    assert kinds["focused"] == ended
    assert kinds["moved"] > 0
    notes = Record.select().where(Record.type == "contact_note").count()
    assert kinds["participants"] == notes
    record = Record.select().where(Record.type == "sales_lead").first()
    created = Event.get((Event.record == record.id) & (Event.kind == "created"))
    assert created.data == json.dumps({"type": "sales_lead"}, sort_keys=True)
    assert created.at == record.created_at and created.user_id == record.creator_id
    for event in Event.select().where(Event.kind.in_(["moved", "focused"])).limit(200):
        data = json.loads(event.data)
        if event.kind == "focused":
            assert isinstance(data["seconds"], int)
        else:
            assert data["from"] < data["to"]
            assert event.at <= NOW_UTC


def dump(path) -> list[tuple]:
    db = open_database(path)
    try:
        rows = []
        for model in (Record, RecordActor, TimeEntry, Event, Participant):
            rows.extend(
                model.select().order_by(*model._meta.get_primary_keys()).tuples()
            )
        return rows
    finally:
        db.close()


def test_same_seed_same_data(tmp_path):
    for name in ("a.db", "b.db", "c.db"):
        db, _summary = fill(tmp_path / name, records=300, seed=11 if name < "c" else 12)
        db.close()
    first = dump(tmp_path / "a.db")
    assert first == dump(tmp_path / "b.db")
    assert first != dump(tmp_path / "c.db")


def test_smallest_demo_is_still_lively(tmp_path):
    db, summary = fill(tmp_path / "t.db", records=50)
    try:
        assert Record.select().count() == summary.records == 50
        me = User.get(User.name == USER)
        counts = dict(agenda.bucket_counts(Session(db=db, user=me, clock=CLOCK)))
        assert all(counts[bucket] > 0 for bucket in Bucket), counts
        assert TimeEntry.select().where(TimeEntry.ended_at.is_null()).count() == 1
        nordic = Cloud.get(Cloud.name == "Nordic Partners")
        assert Record.select().where(Record.cloud == nordic).count() > 0
    finally:
        db.close()


def test_refuses_a_database_with_records(tmp_path):
    db, _summary = fill(tmp_path / "t.db", records=60)
    try:
        with pytest.raises(UserError, match="already holds records"):
            fill_demo(db, records=60, user_name=USER, clock=CLOCK)
        assert Record.select().count() == 60
    finally:
        db.close()


@pytest.mark.parametrize("records", [0, 49, 5_000_001])
def test_refuses_sizes_out_of_range(tmp_path, records):
    db = open_database(tmp_path / "t.db")
    try:
        with pytest.raises(UserError, match="between 50 and 5,000,000"):
            fill_demo(db, records=records, user_name=USER, clock=CLOCK)
        assert not Record.select().exists()
    finally:
        db.close()


def test_sqlite_settings_are_restored(tmp_path):
    db, _summary = fill(tmp_path / "t.db", records=50)
    try:
        assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        names = {r[0] for r in db.execute_sql("SELECT name FROM sqlite_master")}
        assert {"record_open_by_date", "event_record_at", "sqlite_stat1"} <= names
        assert not db.execute_sql("PRAGMA foreign_key_check").fetchall()
    finally:
        db.close()


def test_user_name_may_be_a_colleagues_name(tmp_path):
    db = open_database(tmp_path / "t.db")
    try:
        summary = fill_demo(db, records=80, user_name="lars.berg", clock=CLOCK)
        assert summary.users[0] == "lars.berg"
        assert len(set(summary.users)) == 5
        me = User.get(User.name == "lars.berg")
        nordic = Cloud.get(Cloud.name == "Nordic Partners")
        assert (
            not CloudMember.select()
            .where((CloudMember.cloud == nordic) & (CloudMember.user == me.id))
            .exists()
        )
    finally:
        db.close()


def test_people_already_in_the_database_are_left_alone(tmp_path):
    db = open_database(tmp_path / "t.db")
    try:
        bob = ensure_user("bob", CLOCK)
        team = Cloud.create(name="Sales Team", kind="team", created_at=NOW_UTC)
        CloudMember.create(cloud=team, user=bob)
        summary = fill_demo(db, records=200, user_name=USER, clock=CLOCK)
        assert "bob" not in summary.users
        assert Record.select().count() == 200
        assert not Record.select().where(Record.creator == bob.id).count()
        assert not TimeEntry.select().where(TimeEntry.user == bob.id).count()
        assert Cloud.select().where(Cloud.name == "Sales Team").count() == 1
    finally:
        db.close()


def test_peewee_sees_valid_values(demo):
    # Stored texts read back as real dates and datetimes.
    record = Record.select().where(Record.finished_at.is_null(False)).first()
    assert isinstance(record.created_at, datetime)
    assert isinstance(record.finished_at, datetime)


def test_actor_rows_carry_their_records_agenda_state(demo):
    """The main view reads actor rows only: they must match their records."""
    from focus_tui.core.process import ACTIVITY_KEYS

    activities = ", ".join(f"'{k}'" for k in ACTIVITY_KEYS)
    assert count("SELECT COUNT(*) FROM record_actor") > 0
    assert (
        count(
            "SELECT COUNT(*) FROM record_actor a JOIN record r ON r.id = a.record_id "
            f"WHERE a.is_open != (r.finished_at IS NULL AND r.type IN ({activities})) "
            "OR a.date IS NOT r.date OR a.due_at IS NOT r.due_at "
            "OR a.cloud_id != r.cloud_id"
        )
        == 0
    )


# Another user writing while `focus-tui demo` fills the same file, from the
# moment both start until the demo has finished: each round one small write
# (a new user with a private cloud; once the demo's records exist, a record
# or a focus started or stopped, alternately), timed, and a look that
# every index is there.
WRITER = textwrap.dedent(
    """
    import json, sqlite3, sys, time
    from focus_tui.core.clock import Clock
    from focus_tui.domain import records, tracker
    from focus_tui.domain.session import ensure_user, open_session
    path, flag, wanted = sys.argv[1], sys.argv[2], set(json.loads(sys.argv[3]))
    look = sqlite3.connect(path)
    start = time.perf_counter()
    s = open_session(path, "bob")  # a write too: bob is a new user
    waits, missing, failed, seen = [time.perf_counter() - start], [], [], set()
    task = None
    i = 0
    while True:
        done = open(flag).read().strip() == "done"
        names = {n for (n,) in look.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        if wanted - names:
            missing.append(sorted(wanted - names))
        count = look.execute("SELECT COUNT(*) FROM record").fetchone()[0]
        seen.add(count)
        start = time.perf_counter()
        try:
            if not count or i % 2:
                ensure_user(f"visitor{i}", Clock())
            elif task is None:
                task = records.create_record(s, "task", "bob's focus")
            elif i % 4 == 0:
                tracker.focus(s, task.id)
            elif i % 8 == 2:
                tracker.unfocus(s)
            else:
                records.create_record(s, "task", f"bob {i}")
        except Exception as exc:
            failed.append(f"{type(exc).__name__}: {exc}")
        waits.append(time.perf_counter() - start)
        i += 1
        if done:
            break
        time.sleep(0.02)
    print(json.dumps({"waits": waits, "missing": missing, "failed": failed,
                      "seen": sorted(seen)}))
    """
)


def test_other_writers_wait_briefly_while_the_demo_fills(tmp_path):
    """A fill of several seconds commits in chunks: another process's writes
    each wait well under 2 s (before, one transaction held the database for
    the whole fill and they waited for all of it, or gave up with "database
    is locked"), none fails, and every index, the one that allows one
    running focus per user included, is there at every moment."""
    records = 60_000
    path = tmp_path / "shared.db"
    db = open_database(path)
    wanted = sorted(
        n
        for (n,) in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index'"
        ).fetchall()
    )
    db.close()
    assert "time_entry_one_running" in wanted
    flag = tmp_path / "demo-state"
    flag.write_text("running")
    env = dict(os.environ, FOCUS_TUI_USER=USER)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(flag), json.dumps(wanted)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    started = time.monotonic()
    demo = subprocess.run(
        [sys.executable, "-m", "focus_tui", "--db", str(path), "demo"]
        + ["--records", str(records)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    fill_seconds = time.monotonic() - started
    flag.write_text("done")
    out, err = writer.communicate(timeout=60)
    assert demo.returncode == 0, demo.stderr
    assert writer.returncode == 0, err
    report = json.loads(out)
    waits = report["waits"]
    # One transaction for the fill would make a write wait for all of it.
    # 2 s on a quiet machine; on a loaded one the chunks (and the fill) take
    # longer, so a quarter of the fill's own time is the bound there.
    assert max(waits) < max(2.0, fill_seconds / 4), (sorted(waits)[-5:], fill_seconds)
    assert not report["failed"]
    assert not report["missing"]
    assert len(waits) >= 20, waits  # it really wrote during the fill
    # It saw the fill half done: other processes read committed chunks.
    assert any(0 < n < records for n in report["seen"]), report["seen"]

    # The demo is whole, and bob's records came after its ids.
    db = open_database(path)
    try:
        bob = User.get(User.name == "bob")
        assert Record.select().where(Record.creator == bob.id).count() >= 5
        demo_records = Record.select().where(Record.creator != bob.id)
        assert demo_records.count() == records
        assert (
            Record.select(peewee.fn.MAX(Record.id)).where(Record.creator != bob.id)
        ).scalar() == records
        assert (
            not Record.select()
            .where((Record.creator == bob.id) & (Record.id <= records))
            .exists()
        )
        assert Event.select().where(Event.kind == "created").count() == (
            Record.select().count()
        )
        assert not db.execute_sql("PRAGMA foreign_key_check").fetchall()
        running = TimeEntry.select().where(TimeEntry.ended_at.is_null())
        assert {e.user_id for e in running} <= {bob.id, User.get(User.name == USER).id}
        assert running.where(TimeEntry.user != bob.id).count() == 1
    finally:
        db.close()
