"""The always-visible focus line: what you are working on and for how long."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from ..core.process import PHASES, type_of
from ..core.text import format_clock, one_line
from ..domain.tracker import Focus

PHASE_NAMES = {p: p.replace("_", "-") for p in PHASES}


class TimerBar(Widget):
    """Shows the app's running focus and ticks every second."""

    DEFAULT_CSS = """
    TimerBar {
        height: 1;
        background: $panel;
        color: $text-muted;
    }
    TimerBar.-running {
        background: $success-muted;
        color: $text;
    }
    """

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        self.watch(self.app, "running_focus", self._on_focus_changed)

    def _tick(self) -> None:
        # Only a running timer changes: an idle screen sends nothing.
        if getattr(self.app, "running_focus", None) is not None:
            self.refresh()

    def _on_focus_changed(self, focus: Focus | None) -> None:
        self.set_class(focus is not None, "-running")
        self.refresh()

    def render(self) -> Text:
        focus: Focus | None = getattr(self.app, "running_focus", None)
        if focus is None:
            return Text(
                " ○ Not focused — f on an activity starts the timer, F stops it"
            )
        clock = self.app.session.clock
        elapsed = format_clock(focus.elapsed(clock.now_utc_naive()))
        kind = type_of(focus.record_type).name
        text = Text()
        text.append(f" ● {elapsed} ", style="bold")
        text.append(one_line(focus.title))  # plain text: never markup
        text.append(f"  ({kind}, {PHASE_NAMES.get(focus.phase, focus.phase)})")
        text.truncate(max(1, self.size.width), overflow="ellipsis")
        return text
