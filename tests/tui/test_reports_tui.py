"""The Reports screen (3): views, filters and export, keyboard only."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import advance
from pilot_helpers import screen_text, settle

from focus_tui import config
from focus_tui.app import FocusApp
from focus_tui.domain import records, sales, tracker
from focus_tui.screens.reports import ReportsScreen
from focus_tui.screens.step_dialog import StepDialog
from focus_tui.widgets.report_table import ReportTable

SIZE = (80, 24)


@pytest.fixture
def deals(session):
    """Two deals: one sold in October, one lost in November, with focus time."""
    for title, sent, sold in [
        ("Nordlicht fleet", date(2026, 10, 1), date(2026, 10, 21)),
        ("Halla sensors", date(2026, 11, 2), None),
    ]:
        lead = records.create_record(session, "sales_lead", title)
        tracker.focus(session, lead.id)
        advance(session, minutes=90)
        tracker.unfocus(session)
        p = sales.create_proposal(
            session, lead.id, f"Offer {title}", terms=sales.Terms(Decimal(12000))
        )
        sales.send(session, p.id, sent_date=sent)
        if sold:
            sales.mark_sold(session, p.id, sold_date=sold)
        else:
            sales.mark_lost(session, p.id, "price")
    records.create_record(session, "task", "Unrelated task")
    return session


async def open_reports(pilot) -> ReportsScreen:
    await pilot.press("3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReportsScreen)
    return pilot.app.screen


async def test_statistics_show_the_numbers(deals):
    app = FocusApp(deals)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot)
        text = screen_text(app)
        assert "Offers vs orders per month" in text
        assert "Conversion (orders / sent)" in text and "50 %" in text
        # Oct: one offer and one order (12k each); Nov: one offer.
        assert "Oct 26" in text and "Nov 26" in text
        await pilot.press("pagedown")
        await settle(pilot)
        text = screen_text(app)
        assert "Lead" in text or "lead" in text.lower()


async def test_statistics_show_each_currency_apart(deals):
    lead = records.create_record(deals, "sales_lead", "Stockholm deal")
    offer = sales.create_proposal(
        deals, lead.id, "Offer SEK", terms=sales.Terms(Decimal(4500), None, "SEK")
    )
    sales.send(deals, offer.id, sent_date=date(2026, 11, 3))
    app = FocusApp(deals)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#month-values").scroll_visible(animate=False)
        await settle(pilot)
        lines = screen_text(app).splitlines()
        heading = next(i for i, line in enumerate(lines) if "Value by month" in line)
        lines = lines[heading:]
        november = next(line for line in lines if line.startswith("Nov 26"))
        assert "12k EUR · 4.5k SEK" in november
        assert "16.5k" not in "\n".join(lines)  # EUR and SEK added: never
        total = next(line for line in lines if line.startswith("Total"))
        assert "24k EUR · 4.5k SEK" in total and "12k EUR" in total


async def test_statistics_convert_with_rates_and_say_so(deals):
    folder = Path(os.environ["FOCUS_TUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text("[rates]\ndate = 2026-11-30\nSEK = 0.1\n")
    config.settings.cache_clear()
    lead = records.create_record(deals, "sales_lead", "Stockholm deal")
    offer = sales.create_proposal(
        deals, lead.id, "Offer SEK", terms=sales.Terms(Decimal(45000), None, "SEK")
    )
    sales.send(deals, offer.id, sent_date=date(2026, 11, 3))
    app = FocusApp(deals)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#month-values").scroll_visible(animate=False)
        await settle(pilot)
        lines = screen_text(app).splitlines()
        lines = lines[next(i for i, t in enumerate(lines) if "Value by month" in t) :]
        november = lines.index(next(t for t in lines if t.startswith("Nov 26")))
        assert "45k SEK · 12k EUR" in lines[november]  # tie: the larger first
        # 12 000 EUR + 45 000 SEK × 0.1, under the sums and marked.
        assert "≈ 16.5k EUR" in lines[november + 1]
        # October's orders were in EUR only: nothing to convert there.
        october = lines.index(next(t for t in lines if t.startswith("Oct 26")))
        assert "≈" not in lines[october] + lines[october + 1]
        assert any(
            "≈ converted to EUR, rates of 2026-11-30 (settings.toml [rates])" in t
            for t in lines
        )


async def test_switch_views_and_open_a_feed(deals):
    app = FocusApp(deals)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("v")  # Sales Process
        await settle(pilot)
        table = screen.query_one("#sales", ReportTable)
        assert len(table) == 2
        assert {table.row(i).state for i in range(2)} == {"Ordered", "Lost"}
        await pilot.press("v")  # Report Export
        await settle(pilot)
        table = screen.query_one("#records", ReportTable)
        everything = len(table)
        assert everything >= 5
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "FeedScreen"
        await pilot.press("escape")
        await settle(pilot)
        # Settings: only tasks.
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        await pilot.press(*"task")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(table) == 1 and table.row(0).title == "Unrelated task"
        # A nonsense type is refused and changes nothing.
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("ctrl+u", *"spaceship", "ctrl+s")
        await settle(pilot)
        assert len(table) == 1


async def test_filters_change_the_numbers(deals):
    app = FocusApp(deals)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(
            "ctrl+u", *"2026-11-01", "tab", "ctrl+u", *"2026-11-30", "ctrl+s"
        )
        await settle(pilot)
        assert screen.filters.start == date(2026, 11, 1)
        assert "2026-11-01 – 2026-11-30" in screen_text(app)
        assert "0/1" in screen_text(app)  # November: one sent, none sold
        await pilot.press("at", *"me", "enter")  # @: me only
        await settle(pilot)
        assert screen.filters.user_id == deals.user_id
        await pilot.press("number_sign")  # #: the next cloud
        await settle(pilot)
        assert screen.filters.cloud_id is not None


async def test_export_from_the_reports_screen(deals, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = FocusApp(deals)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot)
        await pilot.press("v", "v")
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        await pilot.press("enter")  # the default path
        for _ in range(5):
            await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
    files = list(tmp_path.glob("focus-report-*.xlsx"))
    assert len(files) == 1
    book = openpyxl.load_workbook(files[0])
    assert book.sheetnames == [
        "Records",
        "Sales Process",
        "Time by phase",
        "Timesheet",
        "Statistics",
    ]


def test_statistics_snapshot(deals, snap_compare):
    async def run_before(pilot):
        await pilot.press("3")
        for _ in range(3):
            await settle(pilot)

    assert snap_compare(FocusApp(deals), terminal_size=SIZE, run_before=run_before)
