"""Templates by keys only at 80×24: `t` makes a lead from a template (its
checklist in the notes), the Sold dialog takes an Order template's tasks,
`ctrl+t` saves a record as a template."""

from __future__ import annotations

from datetime import timedelta

from pilot_helpers import current_id, cursor_to, open_feed, screen_text, settle
from test_tui import type_text

from focus_tui.app import FocusApp
from focus_tui.domain import records, sales, templates
from focus_tui.models import Record
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.main_view import MainScreen
from focus_tui.screens.record_form import RecordForm
from focus_tui.screens.step_dialog import StepDialog
from focus_tui.screens.templates import TemplatePicker
from focus_tui.views.templates import template_rows

SIZE = (80, 24)


async def test_a_lead_from_a_template_by_keys(session):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TemplatePicker)
        text = screen_text(app)
        assert "Sales Lead · Lead · tester (private)" in text
        assert "Order ·" not in text  # the Sold step offers those
        await type_text(pilot, "lead")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        text = screen_text(app)
        assert "New Sales Lead from “Sales Lead”" in text
        assert "Background questions" in text and "→ Today" in text
        await type_text(pilot, "Acme Oy")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        lead = Record.get((Record.title == "Acme Oy") & (Record.is_template == False))  # noqa: E712
        assert lead.type == "sales_lead" and current_id(app) == lead.id
        assert lead.date == session.clock.today()
        assert "- Company: who is Acme Oy, what do they do" in lead.body
        for question in ("Need", "Decision maker", "Budget", "Timeline", "Competitors"):
            assert f"- {question}:" in lead.body
        # The templates themselves never show in the main view.
        assert "Background" not in screen_text(app)
        assert "Proposal for" not in screen_text(app)


async def test_sold_with_an_order_template_by_keys(session):
    lead = records.create_record(session, "sales_lead", "Fleet tracking")
    offer = sales.create_proposal(session, lead.id, "Trackers")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, offer.id)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        assert "none: the tasks above" in screen_text(app)
        # one-time, monthly, client on, tasks: then the Template choice
        await pilot.press("tab", "tab", "tab", "tab")
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        text = screen_text(app)
        today = session.clock.today()
        assert f"Send the bill | {today + timedelta(14)}" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    tasks = {
        t.title: t.date
        for t in Record.select().where(
            (Record.parent == offer.id) & (Record.type == "task")
        )
    }
    assert tasks == {
        "Pack and deliver": today + timedelta(2),
        "Activate the service": today + timedelta(7),
        "Send the bill": today + timedelta(14),
    }
    assert Record.get_by_id(offer.id).type == "order"


async def test_save_a_feed_as_a_template_by_keys(session):
    lead = records.create_record(session, "sales_lead", "Fair lead")
    records.create_record(session, "task", "Send brochure", parent_id=lead.id)
    templates.ensure_builtins(session)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_feed(pilot, lead.id)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        assert "Save as template: Fair lead" in screen_text(app)
        await pilot.press("ctrl+u", *"Trade fair", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)
    rows = {r.name: r for r in template_rows(session)}
    assert rows["Trade fair"].type == "sales_lead" and rows["Trade fair"].children == 1


async def test_an_order_saved_as_a_template_says_sold_offers_it(session):
    lead = records.create_record(session, "sales_lead", "Fleet tracking")
    offer = sales.create_proposal(session, lead.id, "Trackers")
    sales.mark_sold(session, offer.id, tasks=["Pack and deliver"])
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_feed(pilot, offer.id)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("ctrl+u", *"Tracker order", "enter")
        await settle(pilot)
        said = [n.message for n in app._notifications]
    # `t` does not list Order templates: the notice says where it is offered.
    assert any("Sold offers it for the fulfilment tasks" in m for m in said), said
    rows = {r.name: r for r in template_rows(session)}
    assert rows["Tracker order"].type == "order"
