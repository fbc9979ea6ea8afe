"""Snapshot tests: each screen at 80×24 with fixed data and a fixed clock.

The clock is pinned in the session (Fri 27 Nov 2026 11:00 Helsinki), so dates,
history times and the running timer draw the same on every run. Update with
`pytest tests/test_snapshots.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from conftest import FIXED_NOW, ZONE
from pilot_helpers import cursor_to, settle
from textual.pilot import Pilot
from textual.widgets import Input

from focus_tui.app import FocusApp
from focus_tui.core.clock import Clock
from focus_tui.core.dates import When
from focus_tui.domain import records, tracker
from focus_tui.domain.records import ContactFields, create_record
from focus_tui.domain.session import Session

SIZE = (80, 24)


@dataclass
class Data:
    lead: int
    overdue: int
    focused: int


def at(session: Session, **before_now) -> None:
    """Set the session's fixed clock to FIXED_NOW minus `before_now`."""
    session.clock = Clock(zone=ZONE, fixed=FIXED_NOW - timedelta(**before_now))


def d(day: int, month: int = 11, year: int = 2026) -> When:
    return When(date(year, month, day))


@pytest.fixture
def data(session) -> Data:
    """~10 records over every group, with history, children and a focus."""
    at(session, days=3)
    anna = create_record(
        session,
        "contact_person",
        "Anna Virtanen",
        contact=ContactFields("Acme Oy", "anna@acme.example", "+358 40 123 4567"),
    )
    lead = create_record(session, "sales_lead", "Acme renewal 2027", when=d(25))
    overdue = create_record(session, "task", "Send invoice to Acme", when=d(24))
    at(session, days=2)
    create_record(
        session,
        "contact_note",
        "Kick-off call",
        parent_id=lead.id,
        body="Budget approved.",
        participant_ids=[anna.id],
        new_people=["Bob Builder"],
    )
    records.move_record(session, lead.id, When(date(2026, 11, 27), time(14, 0)))
    at(session, days=1)
    create_record(session, "task", "Send proposal draft", parent_id=lead.id, when=d(28))
    create_record(session, "task", "Weekly report", when=d(29))
    create_record(session, "sales_lead", "Globex pilot", when=d(3, 12))
    create_record(session, "task", "Plan Q1 kick-off", when=d(15, 1, 2027))
    create_record(session, "task", "Read the CRM docs")
    done = create_record(session, "task", "Old chore", when=d(26))
    records.set_finished(session, done.id, True)
    prepare = create_record(session, "task", "Prepare demo", when=d(27))
    # The lead from 9:00 to 10:15 this morning, then the demo until now.
    at(session, hours=2)
    tracker.focus(session, lead.id)
    at(session, minutes=45)
    tracker.focus(session, prepare.id)
    session.clock = Clock(zone=ZONE, fixed=FIXED_NOW)
    return Data(lead=lead.id, overdue=overdue.id, focused=prepare.id)


def steady_cursors(pilot: Pilot) -> None:
    """A blinking cursor would make the picture depend on timing."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def test_main_view(snap_compare, session, data):
    assert snap_compare(FocusApp(session), terminal_size=SIZE, run_before=settle)


def test_feed_of_a_lead(snap_compare, session, data):
    async def open_feed(pilot: Pilot) -> None:
        await settle(pilot)
        await cursor_to(pilot, data.lead)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(FocusApp(session), terminal_size=SIZE, run_before=open_feed)


def test_new_record_form(snap_compare, session, data):
    async def fill_form(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        steady_cursors(pilot)
        await pilot.press(*"Call Anna", "tab", *"tomorrow 10:00")
        await settle(pilot)

    assert snap_compare(FocusApp(session), terminal_size=SIZE, run_before=fill_form)


def test_move_dialog_with_preview(snap_compare, session, data):
    async def move(pilot: Pilot) -> None:
        await settle(pilot)
        await cursor_to(pilot, data.overdue)
        await pilot.press("m")
        await settle(pilot)
        steady_cursors(pilot)
        await pilot.press(*"fri 14:00")
        await settle(pilot)

    assert snap_compare(FocusApp(session), terminal_size=SIZE, run_before=move)


def test_search_as_you_type(snap_compare, session, data):
    async def search(pilot: Pilot) -> None:
        from focus_tui.screens.search import DEBOUNCE_S

        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        steady_cursors(pilot)
        await pilot.press(*"acme")
        await pilot.pause(DEBOUNCE_S * 2)
        await settle(pilot)

    assert snap_compare(FocusApp(session), terminal_size=SIZE, run_before=search)
