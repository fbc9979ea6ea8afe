"""Findings of the keyboard trial (issue 11), each driven by keys at 80×24.

3. enter in the People field saves once the people are tagged;
4. x on a sent proposal asks "lost?" and marks it lost;
5. an unchecked checkbox reads differently from a checked one;
7. a billed order offers neither d nor b;
8. the record type is one key away, and the Type field shows its focus;
12. the Sold dialog's tasks get dates; the export goes to Downloads.
"""

from __future__ import annotations

from datetime import date

from pilot_helpers import cursor_to, screen_text, settle
from test_tui import widget_text
from textual.widgets import Input, Select

from focus_tui.app import FocusApp
from focus_tui.domain import records, sales
from focus_tui.models import Participant, Record, Sale
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.main_view import MainScreen
from focus_tui.screens.record_form import RecordForm
from focus_tui.screens.step_dialog import StepCheckbox, StepDialog

SIZE = (80, 24)
TODAY = date(2026, 11, 27)  # the fixed clock's day in Helsinki


def _sent(session, title="Offer: 40 trackers"):
    lead = records.create_record(session, "sales_lead", "Fleet tracking")
    proposal = sales.create_proposal(session, lead.id, title)
    sales.send(session, proposal.id)
    return lead, proposal


async def _rest(pilot) -> None:
    """Let the cursor rest, so the footer follows the row under it."""
    await pilot.pause(0.4)
    await settle(pilot)


def footer(app) -> str:
    return screen_text(app).rstrip("\n").splitlines()[-1]


# -- 3. enter saves from the People field ------------------------------------------


async def test_enter_in_the_people_field_tags_then_saves(session):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("alt+n", *"Called Anna", "tab", "tab")  # to People
        await pilot.press(*"Anna Virtanen")
        await settle(pilot)
        await pilot.press("enter")  # tags the highlighted suggestion (new)
        await settle(pilot)
        assert isinstance(app.screen, RecordForm)
        assert "Tagged: Anna Virtanen (new)" in screen_text(app)
        await pilot.press("enter")  # the field is empty: saves
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    note = Record.get(Record.title == "Called Anna")
    assert note.type == "contact_note"
    tagged = Participant.select().where(Participant.record == note.id)
    assert [Record.get_by_id(p.person_id).title for p in tagged] == ["Anna Virtanen"]


# -- 4. x on a sent proposal is Lost ------------------------------------------------


async def test_x_on_a_sent_proposal_asks_lost_and_marks_it_lost(session):
    _lead, proposal = _sent(session)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, proposal.id)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        assert "Lost? Offer: 40 trackers" in screen_text(app)
        await pilot.press("escape")  # keeps it open and sent
        await settle(pilot)
        assert Record.get_by_id(proposal.id).finished_at is None
        assert Sale.get_by_id(proposal.id).stage == "sent"
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"price", "enter")
        await settle(pilot)
    sale = Sale.get_by_id(proposal.id)
    assert sale.stage == "lost" and sale.lost_reason == "price"
    assert Record.get_by_id(proposal.id).finished_at is not None


async def test_x_still_finishes_a_draft_proposal(session):
    lead = records.create_record(session, "sales_lead", "Fleet tracking")
    draft = sales.create_proposal(session, lead.id, "Draft offer")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, draft.id)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert Record.get_by_id(draft.id).finished_at is not None
    assert Sale.get_by_id(draft.id).stage == "draft"


# -- 5. checkboxes read [x] and [ ] -------------------------------------------------


async def test_unchecked_and_checked_boxes_read_differently(session):
    _lead, proposal = _sent(session)
    sales.mark_sold(session, proposal.id)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, proposal.id)
        await pilot.press("b")
        await settle(pilot)
        box = app.screen.query_one(StepCheckbox)
        assert widget_text(box).startswith("[ ] Monthly billing")
        await pilot.press("tab", "space")
        assert widget_text(box).startswith("[x] Monthly billing")
        await pilot.press("space")
        assert widget_text(box).startswith("[ ] Monthly billing")


# -- 7. only the steps that apply ---------------------------------------------------


async def test_a_billed_order_offers_neither_delivered_nor_billed(session):
    lead, proposal = _sent(session)
    sales.mark_sold(session, proposal.id)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(FeedScreen(lead.id))
        await settle(pilot)
        await cursor_to(pilot, proposal.id)
        await _rest(pilot)
        screen = app.screen
        assert screen.check_action("delivered", ()) and screen.check_action(
            "billed", ()
        )
        assert "d Delivered" in footer(app)
        await pilot.press("d", "enter")  # delivered today
        await settle(pilot)
        await _rest(pilot)
        assert "d Delivered" not in footer(app) and "b Billed" in footer(app)
        await pilot.press("b", "enter")  # billed today, finished
        await settle(pilot)
        await _rest(pilot)
        assert Sale.get_by_id(proposal.id).stage == "billed"
        assert "Delivered" not in footer(app) and "Billed" not in footer(app)
        assert not screen.check_action("delivered", ())
        assert not screen.check_action("billed", ())
        for key in ("d", "b"):  # no dialog that ends in "already billed"
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen
        # Undo brings the step back, and its key with it.
        await pilot.press("u")
        await settle(pilot)
        await _rest(pilot)
        assert "b Billed" in footer(app)


async def test_a_sent_proposal_offers_revise_not_send(session):
    _lead, proposal = _sent(session)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, proposal.id)
        await _rest(pilot)
        screen = app.screen
        assert screen.check_action("revise", ()) and screen.check_action("sold", ())
        assert not screen.check_action("send", ())
        assert "s Sold" in footer(app) and "S Send" not in footer(app)
        await pilot.press("S")
        await settle(pilot)
        assert app.screen is screen  # no dialog for a step already done


# -- 8. the type in one key ---------------------------------------------------------


async def test_alt_letter_picks_the_type_wherever_the_cursor_is(session):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        text = screen_text(app)
        assert "alt+ t Task  l Lead  n Note  p Proposal  c Person" in text
        await pilot.press(*"Acme Oy", "alt+l")  # typed first, type after
        await settle(pilot)
        form = app.screen
        assert form.query_one("#type", Select).value == "sales_lead"
        assert form.query_one("#title", Input).value == "Acme Oy"
        assert form.focused is form.query_one("#title", Input)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert Record.get(Record.title == "Acme Oy").type == "sales_lead"


async def test_a_letter_picks_the_type_when_the_type_field_has_focus(session):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        select = form.query_one("#type", Select)
        current = select.query_one("SelectCurrent")
        blurred = (current.styles.background, current.styles.text_style)
        await pilot.press("shift+tab")
        await settle(pilot)
        assert form.focused is select
        # It shows its focus: the text fields' focus colour, and bold.
        assert (current.styles.background, current.styles.text_style) != blurred
        assert current.styles.text_style.bold
        assert "t Task  l Lead" in screen_text(app)
        await pilot.press("c")  # Contact Person, and on to its name
        await settle(pilot)
        assert select.value == "contact_person"
        assert form.focused is form.query_one("#title", Input)
        await pilot.press(*"Anna Virtanen", "ctrl+s")
        await settle(pilot)
    assert Record.get(Record.title == "Anna Virtanen").type == "contact_person"


async def test_editing_keeps_the_type(session):
    task = records.create_record(session, "task", "Call Anna")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, task.id)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm)
        await pilot.press("alt+l")  # no type to change: nothing happens
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert Record.get_by_id(task.id).type == "task"


# -- 12. dated fulfilment tasks; the export's folder ---------------------------------


async def test_sold_tasks_get_the_dates_shown(session):
    _lead, proposal = _sent(session)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, proposal.id)
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StepDialog)
        text = screen_text(app)
        assert "Pack and deliver | +1w" in text
        assert "→ Pack and deliver Fri 4 Dec · Activate the service Fri 4 Dec" in text
        await pilot.press("tab", "tab", "tab")  # one-time, monthly, client on
        await pilot.press("down", "down", "end", "enter", *"Kickoff call | blah")
        await settle(pilot)
        assert "✗ Line 3: Could not read 'blah' as a date" in screen_text(app)
        await pilot.press("ctrl+s")  # refused: nothing is sold
        await settle(pilot)
        assert app.screen is dialog
        assert Sale.get_by_id(proposal.id).stage == "sent"
        await pilot.press(*["backspace"] * 4, *"tue")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    tasks = {
        t.title: t.date
        for t in Record.select().where(
            (Record.parent == proposal.id) & (Record.type == "task")
        )
    }
    assert tasks == {
        "Pack and deliver": date(2026, 12, 4),
        "Activate the service": date(2026, 12, 4),
        "Kickoff call": date(2026, 12, 1),
    }


async def test_the_export_dialog_offers_the_downloads_folder(
    session, tmp_path, monkeypatch
):
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    monkeypatch.delenv("FOCUS_TUI_EXPORT_DIR")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(tmp_path)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        path = app.screen.query_one("#path", Input).value
        assert path == str(home / "Downloads" / "focus-report-2026-11-27.xlsx")
        await pilot.press("escape")
        await settle(pilot)
    assert not list(tmp_path.rglob("*.xlsx"))  # nothing written anywhere
