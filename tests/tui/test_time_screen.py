"""The Time screen (T on a feed): a record's entries, fixed by keys, at 80×24."""

from __future__ import annotations

from datetime import datetime

import pytest
from pilot_helpers import cursor_to, screen_text, settle

from focus_tui.app import FocusApp
from focus_tui.domain import records, time_edits
from focus_tui.domain.session import Session, ensure_user
from focus_tui.models import Cloud, CloudMember
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.help import key_rows
from focus_tui.screens.time_entries import ConfirmDialog, EntryDialog, TimeScreen
from focus_tui.views.time_log import entry_rows

SIZE = (80, 24)
UTC_OF = {  # Helsinki is UTC+2 in November
    "08:00": datetime(2026, 11, 27, 6, 0),
    "09:00": datetime(2026, 11, 27, 7, 0),
    "09:30": datetime(2026, 11, 27, 7, 30),
    "10:00": datetime(2026, 11, 27, 8, 0),
    "10:30": datetime(2026, 11, 27, 8, 30),
}


@pytest.fixture
def task(session):
    return records.create_record(session, "task", "[bold red]Write[/] the offer")


def spans(session, record_id: int) -> list[tuple[datetime, datetime | None]]:
    return [
        (row.started_at, row.ended_at)
        for row in entry_rows(session, record_id=record_id)
    ]


def messages(app: FocusApp, severity: str | None = None) -> str:
    return "\n".join(
        n.message
        for n in app._notifications
        if severity is None or n.severity == severity
    )


async def open_time(pilot, record_id: int, *, listed: bool = True) -> TimeScreen:
    """The record's feed (from the main view when it is listed there), T."""
    await settle(pilot)
    if listed:
        await cursor_to(pilot, record_id)
        await pilot.press("enter")
    else:  # a colleague's activity, not in my main view
        await pilot.app.push_screen(FeedScreen(record_id))
    await settle(pilot)
    feed = pilot.app.screen
    assert isinstance(feed, FeedScreen)
    # Not in the footer (it is full at 80 columns): in `?` and the palette.
    assert ("T", "Time entries") in key_rows(feed)
    palette = [c.title for c in pilot.app.get_system_commands(feed)]
    assert "Time entries" in palette
    await pilot.press("T")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TimeScreen)
    return screen


async def add_by_keys(pilot, start: str, end: str) -> None:
    """n, then the times after the date the dialog starts with, enter."""
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, EntryDialog)
    await pilot.press(*start, "tab", *end, "enter")
    await settle(pilot)


async def test_add_a_forgotten_entry_by_keys(session, task):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_time(pilot, task.id)
        text = screen_text(app)
        assert f"Time on #{task.id} [bold red]Write[/] the offer" in text
        assert "No time on this record yet" in text

        await add_by_keys(pilot, "9:00", "9:30")
        assert app.screen is screen
        assert spans(session, task.id) == [(UTC_OF["09:00"], UTC_OF["09:30"])]
        text = screen_text(app)
        assert "Fri 2026-11-27  09:00–09:30  0:30:00  tester" in text
        assert "1 entry · 30m in all" in text
        assert screen.current_id() == entry_rows(session, record_id=task.id)[0].id

        # Back in the feed, its total focused time says so.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)
        assert "focused 30m" in screen_text(app)


async def test_an_overlap_is_refused_then_trimmed_after_confirming(session, task):
    before = time_edits.add_entry(session, task.id, UTC_OF["09:00"], UTC_OF["10:00"])
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_time(pilot, task.id)
        await add_by_keys(pilot, "9:30", "10:30")
        assert isinstance(app.screen, ConfirmDialog)
        assert f"That overlaps entry {before.entry_id}" in screen_text(app)
        assert len(spans(session, task.id)) == 1  # nothing yet

        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert isinstance(app.screen, TimeScreen)
        assert spans(session, task.id) == [(UTC_OF["09:00"], UTC_OF["10:00"])]

        await add_by_keys(pilot, "9:30", "10:30")
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TimeScreen)
        assert spans(session, task.id) == [
            (UTC_OF["09:30"], UTC_OF["10:30"]),
            (UTC_OF["09:00"], UTC_OF["09:30"]),
        ]
        assert "now ends at the start" in messages(app)


async def test_delete_then_undo_brings_it_back(session, task):
    time_edits.add_entry(session, task.id, UTC_OF["08:00"], UTC_OF["09:00"])
    kept = time_edits.add_entry(session, task.id, UTC_OF["09:30"], UTC_OF["10:00"])
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_time(pilot, task.id)
        assert screen.current_id() == kept.entry_id  # newest first
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert spans(session, task.id) == [(UTC_OF["08:00"], UTC_OF["09:00"])]
        assert "09:30–10:00" not in screen_text(app)

        await pilot.press("u")
        await settle(pilot)
        assert len(spans(session, task.id)) == 2
        assert "09:30–10:00" in screen_text(app)
        assert screen.current_id() == kept.entry_id
        assert "Undid deleting time." in messages(app)


async def test_edit_moves_the_end_and_keeps_the_cursor(session, task):
    older = time_edits.add_entry(session, task.id, UTC_OF["08:00"], UTC_OF["09:00"])
    time_edits.add_entry(session, task.id, UTC_OF["09:30"], UTC_OF["10:00"])
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_time(pilot, task.id)
        await pilot.press("down", "e")
        await settle(pilot)
        assert isinstance(app.screen, EntryDialog)
        assert "2026-11-27 08:00" in screen_text(app)
        await pilot.press("tab", *["backspace"] * 5, *"09:15", "enter")
        await settle(pilot)
        quarter_past = datetime(2026, 11, 27, 7, 15)
        assert spans(session, task.id)[1] == (UTC_OF["08:00"], quarter_past)
        assert screen.current_id() == older.entry_id


async def test_bad_input_is_said_in_the_dialog_and_adds_nothing(session, task):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_time(pilot, task.id)
        await add_by_keys(pilot, "25:00", "9:30")
        assert isinstance(app.screen, EntryDialog)  # still open
        assert "✗ '25:00' is not a time" in screen_text(app)
        assert spans(session, task.id) == []
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TimeScreen)
        assert spans(session, task.id) == []

        # The domain's refusal: said, and the dialog is back with the typing.
        await add_by_keys(pilot, "10:00", "9:00")
        assert "The end must be after the start." in messages(app, "error")
        assert isinstance(app.screen, EntryDialog)
        text = screen_text(app)
        assert "2026-11-27 10:00" in text and "after the start" in text
        assert spans(session, task.id) == []


async def test_a_colleagues_entry_is_theirs(session):
    bob = ensure_user("bob", session.clock)
    team = Cloud.create(name="Team", kind="team", created_at=datetime(2026, 1, 1))
    CloudMember.create(cloud=team, user=session.user)
    CloudMember.create(cloud=team, user=bob)
    theirs = Session(db=session.db, user=bob, clock=session.clock)
    shared = records.create_record(theirs, "task", "Team chores", cloud="Team")
    time_edits.add_entry(theirs, shared.id, UTC_OF["09:00"], UTC_OF["10:00"])
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_time(pilot, shared.id, listed=False)
        assert "bob" in screen_text(app)
        await pilot.press("d", "y")
        await settle(pilot)
        assert isinstance(app.screen, TimeScreen)
        assert "bob's time: only they can change it" in messages(app, "error")
        assert spans(session, shared.id) == [(UTC_OF["09:00"], UTC_OF["10:00"])]
