"""The Reports screen's Timesheet view: a week of your time, deal × day."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import FIXED_NOW, ZONE, advance
from pilot_helpers import screen_text, settle

from focus_tui.app import FocusApp
from focus_tui.core.clock import Clock
from focus_tui.domain import records, tracker
from focus_tui.domain.session import Session, ensure_user
from focus_tui.models import Cloud, CloudMember
from focus_tui.screens.reports import ReportsScreen
from focus_tui.screens.step_dialog import StepDialog

SIZE = (80, 24)
LONG = "Predictive maintenance for Vesuvio Tecnologie S.r.l."


def focus_at(session: Session, record_id: int, start: datetime, seconds: int):
    session.clock = Clock(zone=ZONE, fixed=start)
    tracker.focus(session, record_id)
    advance(session, seconds=seconds)
    tracker.unfocus(session)
    session.clock = Clock(zone=ZONE, fixed=FIXED_NOW)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=ZONE)


@pytest.fixture
def week(session):
    """Time this week (Mon 23 – Sun 29 Nov 2026, today Friday) and the last."""
    lead = records.create_record(session, "sales_lead", LONG)
    odd = records.create_record(session, "sales_lead", "[bold red]Acme[/] Oy")
    task = records.create_record(session, "task", "Chores")
    focus_at(session, lead.id, local(2026, 11, 23, 9), 5_400)  # Mon 1:30
    focus_at(session, lead.id, local(2026, 11, 24, 9), 2_730)  # Tue 0:45 (30 s)
    focus_at(session, odd.id, local(2026, 11, 26, 23, 30), 3_600)  # Thu → Fri
    focus_at(session, task.id, local(2026, 11, 27, 8), 600)  # Fri 0:10
    focus_at(session, task.id, local(2026, 11, 17, 8), 4_500)  # last week
    # A teammate's time on a shared deal: not in my timesheet.
    bob = ensure_user("bob", session.clock)
    team = Cloud.create(name="Team", kind="team", created_at=datetime(2026, 1, 1))
    CloudMember.create(cloud=team, user=session.user)
    CloudMember.create(cloud=team, user=bob)
    theirs = Session(db=session.db, user=bob, clock=session.clock)
    shared = records.create_record(theirs, "sales_lead", "Team deal", cloud="Team")
    focus_at(theirs, shared.id, local(2026, 11, 25, 10), 1_200)
    return session


async def open_timesheet(pilot) -> ReportsScreen:
    await pilot.press("3")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    await pilot.press("v", "v", "v")
    await settle(pilot)
    assert screen.view == "timesheet"
    return screen


def line_of(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


async def test_a_week_of_my_time_deal_by_day(week):
    app = FocusApp(week)
    async with app.run_test(size=SIZE) as pilot:
        await open_timesheet(pilot)
        text = screen_text(app)
        assert "Reports · Timesheet" in text
        assert "Week 2026-W48: 23.11. – 29.11.2026" in text
        head = line_of(text, " Deal · phase")
        assert head.split()[-8:] == [
            "Mon",
            "Tue",
            "Wed",
            "Thu",
            "Fri",
            "Sat",
            "Sun",
            "Total",
        ]
        assert "23.11 24.11 25.11 26.11 27.11 28.11 29.11" in text
        # The markup-like title as typed; its entry split at midnight.
        odd = line_of(text, " [bold red]Acme[/] Oy · Lead")
        assert odd.split()[-3:] == ["0:30", "0:30", "1:00"]
        # The long title cut with an ellipsis, the phase kept, 80 columns.
        long = line_of(text, " Predictive")
        assert "…" in long and "· Lead" in long
        assert long.split()[-3:] == ["1:30", "0:46", "2:16"]
        assert long.index("1:30") == head.index("Mon") - 1
        assert line_of(text, " (not in a deal) · Other").split()[-2:] == [
            "0:10",
            "0:10",
        ]
        total = line_of(text, " Total ")
        assert total.split()[1:] == ["1:30", "0:46", "0:30", "0:40", "3:26"]
        assert "Team deal" not in text
        footer = text.splitlines()[-1]
        assert "[ ] Week" in footer
        assert "Settings" not in footer and "@ Person" in footer


async def test_brackets_step_weeks_and_p_picks_one(week):
    app = FocusApp(week)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_timesheet(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        text = screen_text(app)
        assert "Week 2026-W47: 16.11. – 22.11.2026" in text
        assert line_of(text, " (not in a deal)").split()[-2:] == ["1:15", "1:15"]
        assert "Predictive" not in text
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "No focused time this week." in screen_text(app)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert "Week 2026-W48" in screen_text(app)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        await pilot.press("ctrl+u", *"2026-11-18", "ctrl+s")
        await settle(pilot)
        assert screen.week.isoformat() == "2026-11-16"
        assert "Week 2026-W47" in screen_text(app)


async def test_other_views_keep_their_keys(week):
    app = FocusApp(week)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_timesheet(pilot)
        await pilot.press("o")  # means nothing here: no types to set
        await settle(pilot)
        assert screen.filters.user_id is None and screen.view == "timesheet"
        await pilot.press("v")  # back to the statistics
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Settings" in footer and "Week" not in footer
        await pilot.press("left_square_bracket")  # not here
        await settle(pilot)
        assert screen.week.isoformat() == "2026-11-23"


def test_timesheet_snapshot(week, snap_compare):
    async def run_before(pilot):
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("v", "v", "v")
        for _ in range(3):
            await settle(pilot)

    assert snap_compare(FocusApp(week), terminal_size=SIZE, run_before=run_before)
