"""Issue 11, findings 1, 6 and 11 at 80×24, keyboard only.

1: every footer fits 80 columns, no key cut; `?` lists what it leaves out.
6: the Statistics header names the period its figures cover.
11: `>` on a colleague's Draft card asks before sending it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pilot_helpers import screen_text, settle
from test_board_tui import active, cursor_to, deals, open_board  # noqa: F401
from textual.pilot import Pilot

from focus_tui.app import FocusApp
from focus_tui.domain import records, sales
from focus_tui.models import Sale
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.help import HelpScreen
from focus_tui.screens.reports import ReportsScreen
from focus_tui.screens.step_dialog import StepDialog
from focus_tui.screens.time_entries import ConfirmDialog
from focus_tui.widgets.key_footer import KeyFooter

SIZE = (80, 24)


async def footer_fits(pilot: Pilot) -> str:
    """The footer line, after checking that every key in it is whole."""
    await pilot.pause(0.4)  # the sales keys follow the cursor after 0.25 s
    await settle(pilot)
    app = pilot.app
    footer = app.screen.query_one(KeyFooter)
    keys = footer.shown_keys()
    assert keys, "an empty footer"
    line = screen_text(app).splitlines()[SIZE[1] - 1].rstrip()
    for key in keys:
        assert key.end <= SIZE[0], f"{key.description!r} is cut: {line}"
        assert key.label in line, (key.label, line)
    assert line.endswith("? Keys"), line
    return line


async def test_every_footer_fits_80_columns(session, deals):  # noqa: F811
    order = deals.support  # ordered: `d Delivered b Billed`, the widest keys
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = [await footer_fits(pilot)]
        for _ in range(12):  # every kind of row of the main view
            await pilot.press("down")
            seen.append(await footer_fits(pilot))
        assert "^p" not in "".join(seen)

        app.push_screen(FeedScreen(order))
        await settle(pilot)
        line = await footer_fits(pilot)
        assert "d Delivered" in line and "esc Back" in line
        await pilot.press("escape")

        await open_board(pilot)
        line = await footer_fits(pilot)
        assert "> Next step" in line
        for key in ("right", "right", "right"):
            await pilot.press(key)
            await footer_fits(pilot)

        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        for _ in range(4):  # Statistics, Sales Process, Report Export, Timesheet
            await footer_fits(pilot)
            await pilot.press("v")
            await settle(pilot)

        # What the footers leave out is in `?`, the palette too.
        await pilot.press("1")
        await settle(pilot)
        app.push_screen(FeedScreen(deals.sensors))  # sent: R and L apply
        await settle(pilot)
        await footer_fits(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.rows)
        for key, description in [("R", "Revise"), ("L", "Lost"), ("u", "Undo")]:
            assert keys.get(key) == description
        assert "Command palette" in keys.values()


def offer_sent_on(session, day: date, title: str) -> int:
    lead = records.create_record(session, "sales_lead", f"Lead {title}")
    proposal = sales.create_proposal(
        session, lead.id, title, terms=sales.Terms(Decimal(1000))
    )
    sales.send(session, proposal.id, sent_date=day)
    return proposal.id


async def test_statistics_say_the_period_their_figures_cover(session):
    # Today is 27 Nov 2026: the last 12 months start on 1 Dec 2025.
    sales.mark_sold(session, offer_sent_on(session, date(2026, 10, 1), "Recent"))
    offer_sent_on(session, date(2024, 5, 2), "Old")  # sent, never sold
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        text = screen_text(app)
        assert "Period: 2025-12-01 – 2026-11-27 · Cloud" in text
        # The 2024 offer is outside the period: 1 of 1, not 1 of 2.
        assert "Conversion (orders / sent)  100 %     1/1" in text
        assert "1/2" not in text


async def test_next_step_on_a_colleagues_draft_asks_first(session, deals):  # noqa: F811
    card = deals.team_draft  # Anna's
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot)
        await cursor_to(pilot, card)

        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "Send anna's proposal “Team proposal”?" in text
        await pilot.press("n")
        await settle(pilot)
        assert Sale.get_by_id(card).stage == "draft"
        assert current_id_on_board(app) == card

        await pilot.press("greater_than_sign")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        assert "Send" in app.screen.form.title
        await pilot.press("enter")
        await settle(pilot)
        assert Sale.get_by_id(card).stage == "sent"


async def test_next_step_on_my_own_draft_asks_nothing_more(session, deals):  # noqa: F811
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot)
        await cursor_to(pilot, deals.fleet)
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)


def current_id_on_board(app: FocusApp) -> int | None:
    return active(app).current_id


async def test_a_click_on_a_footer_key_presses_it(session):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        keys = {key.label: key for key in footer.shown_keys()}
        help_key = keys["? Keys"]
        await pilot.click(KeyFooter, offset=(help_key.start + 2, 0))
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
