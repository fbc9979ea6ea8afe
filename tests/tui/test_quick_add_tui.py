"""Quick add (`+`) and the type in one key, driven by keys at 80×24."""

from __future__ import annotations

from datetime import date

from pilot_helpers import screen_text, settle
from test_tui import list_lines, widget_text
from textual.widgets import Input, Select

from focus_tui.app import FocusApp
from focus_tui.domain import clouds, records
from focus_tui.domain.session import ensure_user
from focus_tui.models import Record, RecordActor, Sale
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.main_view import MainScreen
from focus_tui.screens.quick_add import QuickAddDialog

SIZE = (80, 24)
FRI = date(2026, 12, 4)  # the next Friday after the fixed clock's day


def preview(app) -> str:
    """The preview line(s) under the input, joined as one line."""
    text = widget_text(app.screen.query_one("#quick-preview"))
    return " ".join(text.split())


def _team(session):
    ensure_user("bob", session.clock)
    clouds.create_cloud(session, "Nordic Partners")
    clouds.add_member(session, "Nordic Partners", "bob")


async def test_plus_previews_and_creates_a_lead(session):
    _team(session)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("plus")
        await settle(pilot)
        assert isinstance(app.screen, QuickAddDialog)
        await pilot.press(*"lead Acme Oy fri 10:00 #nordic @bob")
        await settle(pilot)
        assert preview(app) == (
            "→ Sales Lead “Acme Oy” · Fri 4 Dec 2026, 10:00 — in 7 days · "
            "#Nordic Partners · @bob"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("Acme Oy" in line for line in list_lines(app))
    lead = Record.get(Record.title == "Acme Oy")
    assert (lead.type, lead.date, lead.cloud.name) == (
        "sales_lead",
        FRI,
        "Nordic Partners",
    )
    actors = RecordActor.select().where(RecordActor.record == lead.id)
    assert {a.user.name for a in actors} == {"tester", "bob"}


async def test_an_unknown_name_is_said_and_nothing_created(session):
    _team(session)
    before = Record.select().count()
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("plus", *"lead Acme #nordic @zed")
        await settle(pilot)
        assert preview(app).startswith("✗ Nobody called 'zed' is a member of cloud")
        await pilot.press("enter")  # refused: the dialog stays, with why
        await settle(pilot)
        assert isinstance(app.screen, QuickAddDialog)
        assert preview(app).endswith("nothing was created.")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert Record.select().count() == before


async def test_in_a_feed_notes_and_offers_go_under_the_lead(session):
    lead = records.create_record(session, "sales_lead", "Fleet tracking")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(FeedScreen(lead.id))
        await settle(pilot)
        await pilot.press("plus", *"note talked about prices", "enter")
        await settle(pilot)
        await pilot.press("plus", *"offer 12 000 EUR")
        await settle(pilot)
        assert f"under #{lead.id} Fleet tracking · 12 000 EUR" in preview(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)
        text = screen_text(app)
        assert "talked about prices" in text and "Proposal Fleet tracking" in text
    note = Record.get(Record.title == "talked about prices")
    offer = Record.get(Record.type == "sales_proposal")
    assert note.parent_id == offer.parent_id == lead.id
    assert Sale.get_by_id(offer.id).one_time_cents == 1_200_000


async def test_a_letter_picks_the_type_in_the_open_list_too(session):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        select = form.query_one("#type", Select)
        assert "Sales Lead  l" in "\n".join(str(o[0]) for o in select._options)
        await pilot.press("shift+tab", "enter")  # the list of types opens
        await settle(pilot)
        assert select.expanded
        await pilot.press("l")
        await settle(pilot)
        assert select.value == "sales_lead" and not select.expanded
        assert form.focused is form.query_one("#title", Input)
        await pilot.press(*"Acme Oy", "ctrl+s")
        await settle(pilot)
    assert Record.get(Record.title == "Acme Oy").type == "sales_lead"
