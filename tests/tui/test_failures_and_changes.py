"""Worker failures are handled in one place; changes reach every screen.

- a transient "database is locked" in the focus poll (or any job) is a
  short notice and a retry, never a crash;
- any other failure of database work is a notice, and the app goes on;
- a change made elsewhere (another process on the same file) reaches the
  screen that shows it with no key press, as a `RecordsChanged` message.
"""

from __future__ import annotations

from datetime import timedelta

import peewee
from conftest import FIXED_NOW, ZONE
from pilot_helpers import screen_text, settle

from focus_tui import app as app_module
from focus_tui.app import FocusApp
from focus_tui.core.clock import Clock
from focus_tui.core.dates import When
from focus_tui.domain import records, tracker
from focus_tui.domain.session import Session, open_session
from focus_tui.models import Record
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.main_view import MainScreen
from focus_tui.screens.messages import RecordsChanged

SIZE = (80, 24)


def _session(db_path, user="tester"):
    return open_session(db_path, user, Clock(zone=ZONE, fixed=FIXED_NOW))


def _notices(app: FocusApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_locked_database_in_the_focus_poll_is_a_notice_and_a_retry(
    db_path, monkeypatch
):
    session = _session(db_path)
    task = records.create_record(session, "task", "Call Anna", when=When(None))
    app = FocusApp(session)
    failures = []
    real = app_module.current_focus

    def flaky(s, user_id=None):
        if len(failures) < 2:  # locked twice, then free again
            failures.append(1)
            raise peewee.OperationalError("database is locked")
        return real(s, user_id)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tracker.focus(_session(db_path), task.id)  # started in another terminal
        monkeypatch.setattr(app_module, "current_focus", flaky)
        monkeypatch.setattr(app_module, "RETRY_DELAYS", (0.01, 0.01, 0.01))
        app._poll_focus()
        for _ in range(5):
            await pilot.pause(0.05)
            await settle(pilot)
        assert app.is_running  # no WorkerFailed
        assert len(failures) == 2
        assert any("busy" in n for n in _notices(app))
        # The retry read the focus started elsewhere.
        assert app.running_focus is not None
        assert app.running_focus.record_id == task.id
        assert "Call Anna" in screen_text(app)


async def test_a_database_that_stays_locked_is_reported_once_and_the_app_goes_on(
    db_path, monkeypatch
):
    session = _session(db_path)
    app = FocusApp(session)

    def locked(*_args, **_kwargs):
        raise peewee.OperationalError("database is locked")

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app_module, "current_focus", locked)
        monkeypatch.setattr(app_module, "RETRY_DELAYS", (0.01, 0.01))
        app._poll_focus()
        for _ in range(6):
            await pilot.pause(0.05)
            await settle(pilot)
        notices = _notices(app)
        assert app.is_running
        assert sum("busy" in n for n in notices) == 1
        assert any("database is locked" in n for n in notices)
        await pilot.press("n")  # still answers keys
        await settle(pilot)
        assert "New record" in screen_text(app)


async def test_an_unexpected_failure_of_a_job_is_a_notice(db_path):
    session = _session(db_path)
    app = FocusApp(session)

    def broken():
        raise RuntimeError("disk on fire")

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # (Not `settle`: waiting on a failed worker re-raises its error.)
        app.run_db(broken, owner=app.screen)
        for _ in range(20):
            await pilot.pause(0.02)
            if _notices(app):
                break
        assert app.is_running
        assert any("disk on fire" in n for n in _notices(app))


async def test_a_transient_failure_of_a_step_is_retried_and_the_step_happens_once(
    db_path, monkeypatch
):
    session = _session(db_path)
    task = records.create_record(session, "task", "Send the contract")
    app = FocusApp(session)
    calls = []
    real = records.toggle_finished

    def flaky(s, record_id):
        calls.append(record_id)
        if len(calls) == 1:
            raise peewee.OperationalError("database is locked")
        return real(s, record_id)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(records, "toggle_finished", flaky)
        monkeypatch.setattr(app_module, "RETRY_DELAYS", (0.01, 0.01, 0.01))
        await pilot.press("x")
        for _ in range(4):
            await pilot.pause(0.05)
            await settle(pilot)
        assert calls == [task.id, task.id]
        from focus_tui.models import Event, Record

        assert Record.get_by_id(task.id).finished_at is not None
        finished = Event.select().where(
            (Event.record == task.id) & (Event.kind == "finished")
        )
        assert finished.count() == 1


async def test_a_change_made_in_another_process_reaches_the_main_view(db_path):
    session = _session(db_path)
    records.create_record(session, "task", "Already here", when=When(None))
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._poll_changes()  # the watcher takes its starting point
        await settle(pilot)
        assert "Colleague's task" not in screen_text(app)
        # Another process (here: another connection) writes to the file.
        other = _session(db_path)
        records.create_record(other, "task", "Colleague's task", when=When(None))
        app._poll_changes()
        await settle(pilot)
        assert "Colleague's task" in screen_text(app)


async def test_a_change_on_one_screen_reloads_the_screens_below_once_shown(db_path):
    session = _session(db_path)
    lead = records.create_record(session, "sales_lead", "Acme", when=When(None))
    app = FocusApp(session)
    seen: list[RecordsChanged] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        original = main._records_changed

        def spy(message):
            seen.append(message)
            original(message)

        main._records_changed = spy  # type: ignore[method-assign]
        await pilot.press("enter")  # the lead's feed
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)
        await pilot.press("x")  # finish the lead from its feed
        await settle(pilot)
        assert main._stale  # told, and waiting to be shown
        await pilot.press("escape")
        await settle(pilot)
        assert not main._stale
        assert "Acme" not in screen_text(app)  # finished: off the main view
        assert lead.id  # the record itself is still there


async def test_the_watcher_does_not_echo_this_apps_own_changes(db_path):
    """x keeps the finished row visible (ticked) so x can undo it; the
    change watcher must not reload it away as if someone else had changed it."""
    session = _session(db_path)
    records.create_record(session, "task", "Tick me", when=When(None))
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._poll_changes()
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        app._poll_changes()
        await settle(pilot)
        assert "✓ Task" in screen_text(app) and "Tick me" in screen_text(app)
        # A change by someone else to the same record still comes through.
        other = _session(db_path, "tester")
        task = next(r for r in records_of(other) if r.title == "Tick me")
        records.set_finished(other, task.id, False)
        app._poll_changes()
        await settle(pilot)
        assert "✓ Task" not in screen_text(app) and "Tick me" in screen_text(app)


def records_of(session):
    from focus_tui.views.listing import list_records

    return [row for row, _sale in list_records(session, include_finished=True)]


async def test_a_colleagues_focus_shows_on_every_screen_only_in_shared_clouds(db_path):
    from focus_tui.domain import clouds

    alice = _session(db_path, "alice")
    clouds.create_cloud(alice, "East")
    clouds.add_member(alice, "East", "bob")
    shared = records.create_record(alice, "task", "Shared call", cloud="East")
    clouds.add_actor(alice, shared.id, "bob")
    private = records.create_record(alice, "task", "Alice alone")
    app = FocusApp(_session(db_path, "bob"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "alice #" not in screen_text(app)
        tracker.focus(_session(db_path, "alice"), shared.id)
        app._poll_focus()
        await settle(pilot)
        assert f"alice #{shared.id} Shared call 0m" in screen_text(app)
        await pilot.press("enter")  # the shared task's feed
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)
        assert "now: alice 0m" in screen_text(app)
        tracker.focus(_session(db_path, "alice"), private.id)  # her own work
        app._poll_focus()
        await settle(pilot)
        text = screen_text(app)
        assert "alice #" not in text and "now: alice" not in text
        assert "Alice alone" not in text


async def test_a_member_removed_from_a_cloud_stops_seeing_it_in_a_running_app(db_path):
    from focus_tui.domain import clouds

    alice = _session(db_path, "alice")
    clouds.create_cloud(alice, "East")
    clouds.add_member(alice, "East", "bob")
    task = records.create_record(alice, "task", "Team call", cloud="East")
    clouds.add_actor(alice, task.id, "bob")
    app = FocusApp(_session(db_path, "bob"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._poll_changes()  # the watcher takes its starting point
        await settle(pilot)
        assert "Team call" in screen_text(app)
        clouds.remove_member(_session(db_path, "alice"), "East", "bob")
        app._poll_changes()
        await settle(pilot)
        assert "Team call" not in screen_text(app)


async def test_c_shows_one_cloud_at_a_time_in_the_main_view(db_path):
    from focus_tui.domain import clouds

    alice = _session(db_path, "alice")
    clouds.create_cloud(alice, "East")
    records.create_record(alice, "task", "Team call", cloud="East", when=When(None))
    records.create_record(alice, "task", "Own errand", when=When(None))
    app = FocusApp(_session(db_path, "alice"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = []
        for _ in range(3):
            text = screen_text(app)
            seen.append(("Team call" in text, "Own errand" in text))
            await pilot.press("number_sign")
            await settle(pilot)
        assert seen == [(True, True), (True, False), (False, True)]
        assert "My activities" in screen_text(app)


async def test_a_clouds_feed_lists_it_newest_first_and_adds_into_it(db_path):
    from focus_tui.domain import clouds
    from focus_tui.domain.access import records as visible_records
    from focus_tui.screens.cloud_feed import CloudFeedScreen

    alice = _session(db_path, "alice")
    clouds.create_cloud(alice, "East")
    records.create_record(alice, "sales_lead", "Acme lead", cloud="East")
    later = Clock(zone=ZONE, fixed=FIXED_NOW + timedelta(minutes=5))
    records.create_record(
        Session(db=alice.db, user=alice.user, clock=later),
        "task",
        "Call Acme",
        cloud="East",
    )
    records.create_record(alice, "task", "Own errand")
    app = FocusApp(_session(db_path, "alice"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, CloudFeedScreen)
        text = screen_text(app)
        assert "Cloud · East" in text and "Own errand" not in text
        assert text.index("Call Acme") < text.index("Acme lead")  # newest first
        await pilot.press("t")  # the first type: tasks only
        await settle(pilot)
        text = screen_text(app)
        assert "Call Acme" in text and "Acme lead" not in text
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"New in East")
        await pilot.press("enter")
        await settle(pilot)
        assert "New in East" in screen_text(app)
    made = visible_records(alice).where(Record.title == "New in East").first()
    assert made is not None and made.cloud.name == "East"


async def test_a_colleagues_new_rows_above_keep_my_cursor_on_its_row(db_path):
    from pilot_helpers import cursor_to

    from focus_tui.domain import clouds
    from focus_tui.widgets.record_list import RecordList

    alice = _session(db_path, "alice")
    clouds.create_cloud(alice, "East")
    clouds.add_member(alice, "East", "bob")
    bob = _session(db_path, "bob")
    day = FIXED_NOW.date()
    mine = [
        records.create_record(
            bob, "task", f"Bob task {i}", when=When(day + timedelta(i))
        )
        for i in range(1, 6)
    ]
    app = FocusApp(_session(db_path, "bob"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._poll_changes()  # the watcher's starting point
        await settle(pilot)
        await cursor_to(pilot, mine[3].id)
        other = _session(db_path, "alice")  # another connection, as another process
        for i in range(3):  # alice gives bob earlier work: rows come above
            task = records.create_record(
                other, "task", f"From alice {i}", cloud="East", when=When(day)
            )
            clouds.add_actor(other, task.id, "bob")
        app._poll_changes()
        await settle(pilot)
        text = screen_text(app)
        assert "From alice 2" in text
        current = app.screen.query_one(RecordList).current
        assert current is not None and current.id == mine[3].id


async def test_an_owner_manages_members_from_the_clouds_feed(db_path):
    from focus_tui.domain import clouds
    from focus_tui.screens.members import MembersScreen

    alice = _session(db_path, "alice")
    clouds.create_cloud(alice, "East")
    clouds.add_member(alice, "East", "bob")
    app = FocusApp(_session(db_path, "alice"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C", "M")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        await pilot.press("a", *"carol", "enter")
        await settle(pilot)
        assert "carol (carol)  member" in screen_text(app)
        await pilot.press("down", "down", "o")  # carol, the last, an owner
        await settle(pilot)
        assert "carol (carol)  owner" in screen_text(app)
        await pilot.press("home", "d")  # alice leaves: carol still owns it
        await settle(pilot)
        assert not isinstance(app.screen, MembersScreen)
    roles = {
        m.name: m.role for m in clouds.cloud_members(_session(db_path, "carol"), "East")
    }
    assert roles == {"carol": "owner", "bob": "member"}
