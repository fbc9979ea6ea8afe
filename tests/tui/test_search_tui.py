"""Search (`/`), the People list (`P`) and record types as places (`g`), by
keys at 80×24: typed text finds a contact, enter opens their feed."""

from __future__ import annotations

from pilot_helpers import screen_text, settle
from textual.pilot import Pilot
from textual.widgets import Input

from focus_tui.app import FocusApp
from focus_tui.domain.records import ContactFields, create_record
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.places import TypeListScreen
from focus_tui.screens.search import DEBOUNCE_S, SearchScreen
from focus_tui.views.people import PersonRow
from focus_tui.widgets.record_list import RecordList

SIZE = (80, 24)


async def typed(pilot: Pilot, text: str) -> None:
    """Type into the search box and wait for the answer to be shown."""
    await pilot.press(*text)
    await pilot.pause(DEBOUNCE_S * 2)
    await settle(pilot)


def people(session):
    anna = create_record(
        session,
        "contact_person",
        "Anna Järvenpää",
        contact=ContactFields("Kesko Oyj", "anna@kesko.example", "+358 40 123 4567"),
    )
    create_record(session, "contact_person", "Bert [bold]Bold[/]")
    create_record(session, "sales_lead", "Kesko fleet deal", body="met Anna")
    create_record(session, "contact_note", "Call", participant_ids=[anna.id])
    return anna


async def test_slash_finds_a_contact_and_enter_opens_their_feed(session):
    anna = people(session)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert isinstance(app.focused, Input)  # typing goes to the box at once
        await typed(pilot, "jarvenpaa")
        text = screen_text(app)
        assert "1 found" in text and "Contact Persons 1" in text
        assert "Anna Järvenpää" in text and "Kesko Oyj" in text
        await pilot.press("enter")  # from the box: the first result
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen) and app.screen.record_id == anna.id
        await pilot.press("escape")
        await settle(pilot)
        # Back in the search, results kept; a new word narrows them down.
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*["backspace"] * 9)
        await typed(pilot, "kesko")
        text = screen_text(app)
        assert "Contact Persons 1" in text and "Sales Leads 1" in text
        await pilot.press("down")  # into the results
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)
        assert app.screen.record_id != anna.id  # the lead, second line


async def test_nothing_found_says_so_and_markup_is_shown_as_typed(session):
    people(session)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await typed(pilot, "zzz")
        assert "Nothing found." in screen_text(app)
        await pilot.press("backspace", "backspace", "backspace")
        await typed(pilot, "bert")
        assert "Bert [bold]Bold[/]" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SearchScreen)


async def test_a_search_follows_a_change_made_elsewhere(session):
    people(session)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await typed(pilot, "fleet")
        assert "1 found" in screen_text(app)
        create_record(session, "task", "Fleet follow-up")
        app.records_changed(None)
        await settle(pilot)
        assert "2 found" in screen_text(app)


async def test_people_and_record_types_by_keys(session):
    people(session)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, TypeListScreen)
        text = screen_text(app)
        assert "Contact Persons · by name" in text
        lines = [line for line in text.splitlines() if "Person " in line]
        assert "Anna Järvenpää" in lines[0] and "Kesko Oyj" in lines[0]
        assert "Today" in lines[0] and "—" in lines[1]  # last contact, none
        row = app.screen.query_one(RecordList).current
        assert isinstance(row, PersonRow)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen) and app.screen.record_id == row.id
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert "Sales Leads" in screen_text(app)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, TypeListScreen)
        text = screen_text(app)
        assert "Sales Leads · newest" in text and "Kesko fleet deal" in text
        assert "Anna" not in text
        await pilot.press("o")
        await settle(pilot)
        assert "Sales Leads · by title" in screen_text(app)
