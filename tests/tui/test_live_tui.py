"""A running app on PostgreSQL shows a colleague's change at the server's
word (LISTEN/NOTIFY), long before its next poll, and a write that was
rolled back makes it read nothing.

The polls are made an hour long here, so only the notice can bring the
change in time. On SQLite the app polls every 2 s (the change watcher's own
tests, tests/tui/test_failures_and_changes.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from conftest import FIXED_NOW, PG_ADMIN, ZONE
from pilot_helpers import screen_text, settle

from focus_tui import app as app_module
from focus_tui.app import FocusApp
from focus_tui.core.clock import Clock
from focus_tui.core.dates import When
from focus_tui.domain import records, tracker
from focus_tui.domain.session import open_session

pytestmark = pytest.mark.skipif(
    not PG_ADMIN,
    reason="LISTEN/NOTIFY is PostgreSQL's; set FOCUS_TUI_TEST_PG to run these "
    "(on SQLite the app polls every 2 s)",
)

SIZE = (80, 24)

ROLLED_BACK = """
import sys
from focus_tui.core.dates import When
from focus_tui.domain import records
from focus_tui.domain.session import open_session

session = open_session(sys.argv[1], "tester")
class Undone(Exception):
    pass
try:
    with session.transaction():
        records.create_record(session, "task", "Never was", when=When(None))
        raise Undone
except Undone:
    print("rolled back")
"""


@pytest.fixture
def slow_polls(monkeypatch):
    for name in ("FOCUS_POLL_SECONDS", "CHANGES_POLL_SECONDS"):
        monkeypatch.setattr(app_module, name, 3600)
    monkeypatch.setattr(app_module, "LISTENING_POLL_SECONDS", 3600)


def _session(db_path, user="tester"):
    return open_session(db_path, user, Clock(zone=ZONE, fixed=FIXED_NOW))


def _focus_tui(db_path, *args: str) -> str:
    """Another process, as a colleague's terminal would be."""
    env = dict(os.environ, FOCUS_TUI_DB=str(db_path))
    return subprocess.run(
        [sys.executable, "-m", "focus_tui", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


async def _until(pilot, condition, seconds: float) -> float:
    """Seconds until `condition()` held (pausing, never sleeping blind)."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > seconds:
            raise AssertionError(f"not within {seconds} s")
        await pilot.pause(0.02)
    return time.monotonic() - start


async def _listening(pilot, app: FocusApp) -> None:
    await _until(pilot, lambda: app._listening(), 5)
    await settle(pilot)


async def test_a_record_added_by_another_process_shows_well_within_2_s(
    db_path, slow_polls
):
    records.create_record(_session(db_path), "task", "Already here", when=When(None))
    app = FocusApp(_session(db_path))
    async with app.run_test(size=SIZE) as pilot:
        await _listening(pilot, app)
        assert "Already here" in screen_text(app)
        _focus_tui(db_path, "add", "task", "Colleague's call")
        took = await _until(pilot, lambda: "Colleague's call" in screen_text(app), 2)
        assert took < 1.0


async def test_a_focus_started_elsewhere_shows_at_once(db_path, slow_polls):
    task = records.create_record(
        _session(db_path), "task", "Shared call", when=When(None)
    )
    app = FocusApp(_session(db_path))
    async with app.run_test(size=SIZE) as pilot:
        await _listening(pilot, app)
        tracker.focus(_session(db_path), task.id)  # the CLI, another terminal
        await _until(pilot, lambda: app.running_focus is not None, 1.0)


async def test_a_rolled_back_write_makes_the_app_read_nothing(db_path, slow_polls):
    app = FocusApp(_session(db_path))
    reads: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await _listening(pilot, app)
        original = app._poll_changes

        def counted() -> None:
            reads.append("changes")
            original()

        app._poll_changes = counted  # type: ignore[method-assign]
        said = _focus_tui_python(db_path, ROLLED_BACK)
        assert "rolled back" in said
        await pilot.pause(1.0)
        assert reads == []
        assert "Never was" not in screen_text(app)
        # The same write committed is read at once: the test is not blind.
        _focus_tui(db_path, "add", "task", "Was after all")
        await _until(pilot, lambda: "Was after all" in screen_text(app), 2)
        assert reads


def _focus_tui_python(db_path, code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code, str(db_path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
