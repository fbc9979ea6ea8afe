"""Keys, palette, help and reading the whole of anything (issue 11), by keys
at 80×24: findings 2, 9 and 10, the `#` / `@` filters and the keymap."""

from __future__ import annotations

from pilot_helpers import settle

from focus_tui.app import FocusApp
from focus_tui.domain import records
from focus_tui.screens.board import BoardScreen
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.main_view import MainScreen
from focus_tui.screens.reports import ReportsScreen

SIZE = (80, 24)


# -- 2. 1 / 2 / 3 reach the mode's first screen at once ------------------------------


async def test_one_two_three_reach_each_first_screen_at_once(session):
    lead = records.create_record(session, "sales_lead", "Harbour cranes")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # a feed on the main view's stack
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        app.push_screen(FeedScreen(lead.id))  # a feed on the board's stack
        await settle(pilot)
        await pilot.press("1")  # one press: the main view, not the feed
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("3")
        await settle(pilot)
        app.push_screen(FeedScreen(lead.id))
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
