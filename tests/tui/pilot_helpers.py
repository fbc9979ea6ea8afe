"""Helpers for the Pilot tests: let work finish, read the screen, move."""

from __future__ import annotations

import io

from rich.console import Console
from textual.pilot import Pilot
from textual.worker import WorkerFailed

from focus_tui.app import FocusApp
from focus_tui.models.db import is_transient
from focus_tui.views.listing import RecordRow
from focus_tui.widgets.record_list import RecordList, SelfLine


async def settle(pilot: Pilot) -> None:
    """Let database workers finish and their results reach the screen."""
    for _ in range(2):
        for worker in list(pilot.app.workers):
            try:
                await worker.wait()
            except WorkerFailed as failed:
                # A worker that failed on a busy database is the app's to
                # retry (report_failure); it may still be listed for a moment
                # after it ended. Any other failure fails the test.
                if not is_transient(failed.error):
                    raise
        await pilot.pause()


def screen_text(app: FocusApp) -> str:
    """The whole terminal as plain text (what export_screenshot draws)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(
            full=True, screen_stack=app._background_screens
        )
    )
    return console.export_text()


def current_id(app: FocusApp) -> int | None:
    line = app.screen.query_one(RecordList).current
    if isinstance(line, SelfLine):
        return line.row.id
    return line.id if isinstance(line, RecordRow) else None


async def cursor_to(pilot: Pilot, record_id: int) -> None:
    """Walk the list cursor down (keys only) until it is on `record_id`."""
    for _ in range(50):
        if current_id(pilot.app) == record_id:
            return
        await pilot.press("down")
    raise AssertionError(f"record #{record_id} not reachable in the list")


async def open_feed(pilot: Pilot, record_id: int) -> None:
    """From a list: the cursor to the record, enter, and its feed is shown."""
    from focus_tui.screens.feed import FeedScreen

    await cursor_to(pilot, record_id)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FeedScreen)
