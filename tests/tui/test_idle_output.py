"""An idle app writes nothing to the terminal.

What the app would send to the terminal is caught where Textual hands a
screen update to the driver (`App._display`): with nothing changing, the
timer bar's tick, the focus poll and the change watcher produce no update
at all; a running timer repaints only the cells of its clock when the
second it shows changes, a colleague's figure only when their minute does.
(benchmarks/bench_idle.py measures the same on a real pseudo-terminal.)
"""

from __future__ import annotations

from conftest import FIXED_NOW, ZONE, advance
from pilot_helpers import settle
from textual.geometry import Region

from focus_tui.app import FocusApp
from focus_tui.core.clock import Clock
from focus_tui.core.dates import When
from focus_tui.domain import clouds, records, tracker
from focus_tui.domain.session import open_session
from focus_tui.widgets.timer_bar import TimerBar

SIZE = (80, 24)


def _session(db_path, user="tester"):
    return open_session(db_path, user, Clock(zone=ZONE, fixed=FIXED_NOW))


class Terminal:
    """The bytes each screen update would write (the driver's input)."""

    def __init__(self, app: FocusApp) -> None:
        self.updates: list[str] = []
        original = app._display

        def display(screen, renderable) -> None:
            if renderable is not None:
                self.updates.append(renderable.render_segments(app.console))
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]


async def _idle(pilot, app: FocusApp) -> None:
    """What a few idle seconds do: the bar's ticks and both watchers."""
    timer = app.screen.query_one(TimerBar)
    for _ in range(3):
        timer._tick()
        app._poll_focus()
        app._poll_changes()
        await settle(pilot)


async def test_nothing_focused_and_nothing_changing_writes_nothing(db_path):
    session = _session(db_path)
    records.create_record(session, "task", "Call Acme", when=When(None))
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._poll_changes()  # the watcher's starting point
        await settle(pilot)
        terminal = Terminal(app)
        await _idle(pilot, app)
        assert terminal.updates == []
        advance(session, minutes=5)  # time passes, nothing shown depends on it
        await _idle(pilot, app)
        assert terminal.updates == []


async def test_a_running_timer_repaints_only_its_clock_when_the_second_changes(
    db_path,
):
    session = _session(db_path)
    task = records.create_record(
        session, "task", "Write the proposal for Acme", when=When(None)
    )
    tracker.focus(session, task.id)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._poll_changes()
        await settle(pilot)
        timer = app.screen.query_one(TimerBar)
        terminal = Terminal(app)
        await _idle(pilot, app)  # the clock stands still: nothing to draw
        assert terminal.updates == []
        advance(session, seconds=1)
        timer._tick()
        await pilot.pause()
        assert len(terminal.updates) == 1
        update = terminal.updates[0]
        assert "0:00:01" in update
        # The digits, not the title or the rest of the line.
        assert "Write the proposal" not in update
        assert len(update.encode()) < 60
        timer._tick()  # the same second again
        await pilot.pause()
        assert len(terminal.updates) == 1


async def test_a_colleagues_focus_repaints_once_a_minute(db_path):
    alice = _session(db_path, "alice")
    clouds.create_cloud(alice, "East")
    clouds.add_member(alice, "East", "bob")
    shared = records.create_record(alice, "task", "Shared call", cloud="East")
    tracker.focus(alice, shared.id)
    bob = _session(db_path, "bob")
    app = FocusApp(bob)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._poll_focus()
        app._poll_changes()
        await settle(pilot)
        timer = app.screen.query_one(TimerBar)
        terminal = Terminal(app)
        advance(bob, seconds=59)  # still the same minute of hers
        await _idle(pilot, app)
        assert terminal.updates == []
        advance(bob, seconds=1)
        timer._tick()
        await pilot.pause()
        assert len(terminal.updates) == 1
        assert "1" in terminal.updates[0] and "Shared call" in terminal.updates[0]
        assert "Shared call 1m" in widget_line(timer)


def widget_line(widget) -> str:
    strips = widget.render_lines(Region(0, 0, widget.size.width, 1))
    return strips[0].text
