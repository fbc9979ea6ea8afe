"""The Focus TUI application: modes, global keys, styles. Screens do the rest."""

from __future__ import annotations

import gc
import shutil
import tempfile
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive

from .domain.session import Session, open_session
from .domain.tracker import Focus, current_focus

FOCUS_POLL_SECONDS = 5


class FocusApp(App):
    CSS_PATH = "focus.tcss"
    TITLE = "Focus"
    ENABLE_COMMAND_PALETTE = True

    # Each mode keeps its own stack of screens (a feed opened from the board
    # stays on the board's stack).
    MODES = {
        "main": lambda: _screen("main_view", "MainScreen"),
        "board": lambda: _screen("board", "BoardScreen"),
        "reports": lambda: _screen("reports", "ReportsScreen"),
    }

    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Keys", id="help"),
        Binding("F", "stop_focus", "Stop focus", id="stop_focus", show=False),
        Binding("1", "to_mode('main')", "Main view", id="main_view", show=False),
        Binding("2", "to_mode('board')", "Board", id="board", show=False),
        Binding("3", "to_mode('reports')", "Reports", id="reports", show=False),
    ]

    running_focus: reactive[Focus | None] = reactive(None, always_update=True)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def on_mount(self) -> None:
        # The focus lives in the database: a focus started before a quit or
        # a crash is still running now.
        self.running_focus = current_focus(self.session)
        self.switch_mode("main")
        self.set_interval(FOCUS_POLL_SECONDS, self._poll_focus)
        # Everything built so far lives as long as the app: keep it out of
        # the garbage collector's full passes, which otherwise pause a key
        # press for tens of milliseconds now and then.
        self.call_after_refresh(gc.freeze)

    def refresh_focus(self) -> None:
        """Re-read the running focus (a step may have ended it)."""
        self.running_focus = current_focus(self.session)

    def _poll_focus(self) -> None:
        """Pick up a focus started or stopped elsewhere (CLI, another terminal)."""
        self.run_worker(
            self._read_focus, thread=True, exclusive=True, group="focus-poll"
        )

    def _read_focus(self) -> None:
        focus = current_focus(self.session)
        if focus != self.running_focus:
            self.call_from_thread(setattr, self, "running_focus", focus)

    def get_system_commands(self, screen) -> Iterable[SystemCommand]:
        """The palette offers every keyed action of the screen, like `?` does."""
        builtin = list(super().get_system_commands(screen))
        yield from builtin
        seen: set[str] = set()
        titles = {command.title.lower() for command in builtin}
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.id is None or not binding.description or binding.id in seen:
                continue
            if binding.description.lower() in titles or binding.id in ("quit", "help"):
                continue  # Textual's own Quit / Keys entries already say it
            seen.add(binding.id)
            yield SystemCommand(
                binding.description,
                f"key: {self.get_key_display(binding)}",
                partial(self.call_later, self.run_action, binding.action, active.node),
            )

    def action_stop_focus(self) -> None:
        """F: stop the running focus, whatever is on screen."""
        from .domain.tracker import unfocus

        def stop() -> None:
            entry = unfocus(self.session)
            self.call_from_thread(self._focus_stopped, entry)

        self.run_worker(stop, thread=True, group="focus", exit_on_error=False)

    def _focus_stopped(self, entry) -> None:
        self.running_focus = None
        if entry is None:
            self.notify("Nothing is focused.", markup=False, timeout=2)
        else:
            self.notify("Focus stopped.", markup=False, timeout=2)

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        screen = self.screen
        title = getattr(
            screen, "help_title", type(screen).__name__.replace("Screen", "")
        )
        self.push_screen(HelpScreen(screen, title))

    def action_to_mode(self, mode: str) -> None:
        """1/2/3: go to a mode; pressed again, back to that mode's first screen."""
        from textual.screen import ModalScreen

        if isinstance(self.screen, ModalScreen):
            return  # a dialog is answered or cancelled, not abandoned
        if self.current_mode != mode:
            self.switch_mode(mode)
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()


def _screen(module: str, name: str):
    """A mode's first screen, imported when the mode is first opened."""
    from importlib import import_module

    return getattr(import_module(f"focus_tui.screens.{module}"), name)()


def run_app(db: str | None, user: str, *, create_folder: bool = False) -> int:
    """Open the TUI on `db`, or on a throw-away demo database when None."""
    demo_dir: Path | None = None
    try:
        if db is None:
            demo_dir = Path(tempfile.mkdtemp(prefix="focus-tui-demo-"))
            db = str(demo_dir / "demo.db")
            session = open_session(db, user)
            from .demo.fill import fill_demo

            fill_demo(session.db, records=3000, user_name=user, clock=session.clock)
        else:
            session = open_session(db, user, create_folder=create_folder)
        FocusApp(session).run()
        return 0
    finally:
        if demo_dir is not None:
            shutil.rmtree(demo_dir, ignore_errors=True)
