"""The whole sales process of DESIGN §2, driven by keys only, at 80×24."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conftest import advance
from pilot_helpers import current_id, cursor_to, settle
from test_tui import choose_type, open_form, type_text

from focus_tui.app import FocusApp
from focus_tui.domain.sales import from_cents
from focus_tui.models import Record, Sale
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.main_view import MainScreen
from focus_tui.screens.step_dialog import StepDialog

SIZE = (80, 24)


async def press_step(pilot, key: str, *typing: str) -> None:
    """Press a step key, answer its dialog (fields in order), confirm."""
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, StepDialog), f"{key} opened no dialog"
    for keys in typing:
        await pilot.press(*keys)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_lead_to_billed_by_keys_only(session):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # 1. A Sales Lead, dated today.
        await open_form(pilot)
        await choose_type(pilot, downs=1)
        await type_text(pilot, "Fleet tracking for Nordlicht")
        await pilot.press("tab")
        await type_text(pilot, "today")
        await pilot.press("ctrl+s")
        await settle(pilot)
        lead = Record.get(Record.title == "Fleet tracking for Nordlicht")
        assert lead.type == "sales_lead" and current_id(app) == lead.id

        # 2. Its feed: a Contact Note, then a Sales Proposal with sums.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)
        await open_form(pilot)  # a Contact Note by default under a lead
        await type_text(pilot, "Called Anna: wants 40 trackers")
        await pilot.press("ctrl+s")
        await settle(pilot)
        note = Record.get(Record.type == "contact_note")
        assert note.parent_id == lead.id

        await open_form(pilot)
        await choose_type(pilot, downs=1)  # Contact Note -> Sales Proposal
        await type_text(pilot, "Offer: 40 trackers")
        await pilot.press("tab", "tab")  # date stays empty
        await type_text(pilot, "12 000")
        await pilot.press("tab")
        await type_text(pilot, "450,50")
        await pilot.press("ctrl+s")
        await settle(pilot)
        proposal = Record.get(Record.type == "sales_proposal")
        sale = Sale.get_by_id(proposal.id)
        assert proposal.parent_id == lead.id
        assert (from_cents(sale.one_time_cents), from_cents(sale.monthly_cents)) == (
            Decimal("12000.00"),
            Decimal("450.50"),
        )

        # 3. Send: today, follow up in a week, the lead handled for now.
        await cursor_to(pilot, proposal.id)
        await press_step(pilot, "S")
        assert Sale.get_by_id(proposal.id).stage == "sent"
        assert Record.get_by_id(lead.id).finished_at is not None
        assert Record.get_by_id(proposal.id).date == date(2026, 12, 4)

        # 4. Revise a week later with new sums.
        advance(session, days=7)
        await cursor_to(pilot, proposal.id)
        await press_step(
            pilot,
            "R",
            ["ctrl+u", *"11 000"],  # one-time (cleared, retyped)
            ["tab", "ctrl+u", *"400"],  # monthly
        )
        sale = Sale.get_by_id(proposal.id)
        assert sale.revision == 2 and sale.sent_date == date(2026, 12, 4)
        assert from_cents(sale.one_time_cents) == Decimal("11000.00")

        # 5. Sold, with the default fulfilment tasks and dates.
        advance(session, days=3)
        await cursor_to(pilot, proposal.id)
        await press_step(pilot, "s")
        order = Record.get_by_id(proposal.id)
        assert order.type == "order"
        assert Sale.get_by_id(order.id).sold_date == date(2026, 12, 7)
        client = Record.get_by_id(lead.id)
        assert client.type == "client_relationship" and client.finished_at is None
        assert client.date == date(2027, 1, 7)  # a month ahead
        tasks = list(Record.select().where(Record.parent == order.id))
        assert {t.title for t in tasks} == {"Pack and deliver", "Activate the service"}

        # 6. Delivered (the order moves to today), 7. billed (and finished).
        advance(session, days=10)
        await cursor_to(pilot, order.id)
        await press_step(pilot, "d")
        order = Record.get_by_id(order.id)
        assert Sale.get_by_id(order.id).delivered_date == date(2026, 12, 17)
        assert order.date == date(2026, 12, 17)
        await cursor_to(pilot, order.id)
        await press_step(pilot, "b")
        order = Record.get_by_id(order.id)
        sale = Sale.get_by_id(order.id)
        assert sale.billed_date == date(2026, 12, 17) and sale.stage == "billed"
        assert order.finished_at is not None

        # 8. Undo (u) brings back the unbilled, open order.
        await cursor_to(pilot, order.id)
        await pilot.press("u")
        await settle(pilot)
        assert Record.get_by_id(order.id).finished_at is None
        assert Sale.get_by_id(order.id).billed_date is None
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)

        # The end state: an Order with every date, finished; an open Client
        # Relationship a month ahead.
        sale = Sale.get_by_id(order.id)
        assert None not in (sale.sent_date, sale.sold_date, sale.delivered_date)
        assert sale.billed_date is not None
        assert Record.get_by_id(order.id).finished_at is not None
        client = Record.get_by_id(lead.id)
        assert client.type == "client_relationship" and client.finished_at is None
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_step_keys_only_where_they_apply(session):
    from focus_tui.domain.records import create_record

    create_record(session, "task", "Just a task")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")  # sold on a task: not offered, nothing happens
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert Record.get(Record.title == "Just a task").type == "task"
        active = {b.binding.id for b in app.screen.active_bindings.values()}
        assert "sold" not in active or not app.screen.check_action("sold", ())


async def test_enter_on_a_checkbox_confirms_and_space_toggles(session):
    from focus_tui.screens.step_dialog import DAY, FLAG, Field, StepForm

    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        answers: list = []
        form = StepForm(
            "Billed",
            [Field("d", "Billed on", DAY, "today"), Field("m", "Monthly", FLAG, False)],
        )
        app.push_screen(StepDialog(form, session.clock), answers.append)
        await settle(pilot)
        await pilot.press("tab", "space", "enter")
        await settle(pilot)
        assert answers == [{"d": date(2026, 11, 27), "m": True}]
