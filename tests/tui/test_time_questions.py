"""Time that was not work: the app asks, and each answer leaves the right
entries; nothing changes without an answer.

The clock stands at Friday 27 Nov 2026, 11:00 in Helsinki; tests move the
session's clock to stand for time passing with no key pressed.
"""

from __future__ import annotations

from datetime import timedelta

from conftest import FIXED_NOW, ZONE
from pilot_helpers import settle

from focus_tui.app import FocusApp
from focus_tui.core.clock import Clock
from focus_tui.core.dates import When, parse_moment
from focus_tui.domain import records, tracker
from focus_tui.domain.access import get_record
from focus_tui.domain.session import open_session
from focus_tui.screens.time_question import TimeQuestion
from focus_tui.views.time_log import entry_rows

SIZE = (80, 24)


def _session(db_path):
    return open_session(db_path, "tester", Clock(zone=ZONE, fixed=FIXED_NOW))


def _later(session, **delta) -> None:
    session.clock = Clock(zone=ZONE, fixed=session.clock.now() + timedelta(**delta))


def _spans(session) -> list[tuple[int, str, str]]:
    out = []
    for row in reversed(entry_rows(session, user_id=session.user_id)):
        start = session.clock.to_local(row.started_at).strftime("%H:%M")
        end = row.ended_at and session.clock.to_local(row.ended_at).strftime("%H:%M")
        out.append((row.record_id, start, end or "running"))
    return out


async def _idle_app(db_path, pilot_keys):
    """Focused at 11:00, a key at 11:10, then nobody until 12:00."""
    session = _session(db_path)
    call = records.create_record(session, "task", "Call Acme", when=When(None))
    admin = records.create_record(session, "task", "Admin", when=When(None))
    tracker.focus(session, call.id)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _later(session, minutes=10)
        await pilot.press("down")
        await settle(pilot)
        assert not isinstance(app.screen, TimeQuestion)  # 10 min: not idle
        _later(session, minutes=50)
        await pilot.press("x")  # would finish the activity: swallowed
        await settle(pilot)
        assert isinstance(app.screen, TimeQuestion)
        await pilot_keys(pilot, admin.id)
        await settle(pilot)
        assert not isinstance(app.screen, TimeQuestion)
    return session, call, admin


async def test_discarding_the_idle_part_keeps_the_focus_going(db_path):
    async def keys(pilot, _admin):
        await pilot.press("d")

    session, call, _ = await _idle_app(db_path, keys)
    assert _spans(session) == [
        (call.id, "11:00", "11:10"),
        (call.id, "12:00", "running"),
    ]
    assert tracker.current_focus(session).record_id == call.id
    assert get_record(session, call.id).finished_at is None  # the x was swallowed


async def test_keeping_the_idle_time_changes_nothing(db_path):
    async def keys(pilot, _admin):
        await pilot.press("k")

    session, call, _ = await _idle_app(db_path, keys)
    assert _spans(session) == [(call.id, "11:00", "running")]


async def test_giving_the_idle_time_to_another_activity(db_path):
    async def keys(pilot, admin_id):
        await pilot.press("g")
        await pilot.press(*str(admin_id), "enter")

    session, call, admin = await _idle_app(db_path, keys)
    assert _spans(session) == [
        (call.id, "11:00", "11:10"),
        (admin.id, "11:10", "12:00"),
        (call.id, "12:00", "running"),
    ]


async def test_a_focus_past_the_limit_is_asked_about_and_can_end_when_you_stopped(
    db_path,
):
    session = _session(db_path)
    call = records.create_record(session, "task", "Call Acme", when=When(None))
    tracker.focus(session, call.id)
    _later(session, hours=9)  # 20:00, past the 8 h limit
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._poll_focus()
        await settle(pilot)
        assert isinstance(app.screen, TimeQuestion)
        assert "running 9 h" in app.screen.message
        await pilot.press("s")
        await pilot.press(*"17:30", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, TimeQuestion)
    assert tracker.current_focus(session) is None
    assert _spans(session) == [(call.id, "11:00", "17:30")]
    stop = parse_moment("17:30", session.clock.today(), ZONE)
    assert entry_rows(session, record_id=call.id)[0].ended_at == stop


async def test_keeping_a_long_focus_asks_no_more(db_path):
    session = _session(db_path)
    call = records.create_record(session, "task", "Call Acme", when=When(None))
    tracker.focus(session, call.id)
    _later(session, hours=9)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._poll_focus()
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        app._poll_focus()
        await settle(pilot)
        assert not isinstance(app.screen, TimeQuestion)
    assert _spans(session) == [(call.id, "11:00", "running")]
