"""The always-visible focus line: what you are working on and for how long."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Region
from textual.widget import Widget

from ..core.process import PHASES, type_of
from ..core.text import format_clock, one_line
from ..domain.tracker import Focus, TeamFocus

PHASE_NAMES = {p: p.replace("_", "-") for p in PHASES}


class TimerBar(Widget):
    """Shows the app's running focus; its clock ticks every second."""

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

    # The line as last drawn: a tick repaints only when the text it would
    # draw now differs (an idle screen sends nothing to the terminal), and
    # then only the cells that changed (a ticking clock: a few bytes).
    _shown: Text | None = None

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        self.watch(self.app, "running_focus", self._on_focus_changed)
        self.watch(self.app, "team_focus", lambda _team: self.refresh(), init=False)

    def _tick(self) -> None:
        shown = self._shown
        if shown is None:
            return  # not drawn yet: the first paint draws it all
        line = self._line()
        if line == shown:
            return
        changed = _changed_cells(shown, line)
        if changed is None:
            self.refresh()
        else:
            self.refresh(Region(changed[0], 0, changed[1], 1))

    def _on_focus_changed(self, focus: Focus | None) -> None:
        self.set_class(focus is not None, "-running")
        self.refresh()

    def render(self) -> Text:
        self._shown = self._line()
        return self._shown

    def _line(self) -> Text:
        """The whole line as it reads now."""
        focus: Focus | None = getattr(self.app, "running_focus", None)
        team: tuple[TeamFocus, ...] = getattr(self.app, "team_focus", ())
        width = max(1, self.size.width)
        now = self.app.session.clock.now_utc_naive()
        others = self._team_text(team, now)
        if focus is None:
            hint = " — f on an activity starts the timer, F stops it"
            text = Text(" ○ Not focused" + ("" if others else hint))
        else:
            elapsed = format_clock(focus.elapsed(now))
            kind = type_of(focus.record_type).name
            text = Text()
            text.append(f" ● {elapsed} ", style="bold")
            text.append(one_line(focus.title))  # plain text: never markup
            text.append(f"  ({kind}, {PHASE_NAMES.get(focus.phase, focus.phase)})")
        if others.plain:
            # Colleagues get the right part of the line, at least a third.
            room = max(width // 3, width - text.cell_len - 1)
            others.truncate(room, overflow="ellipsis")
            text.truncate(max(1, width - others.cell_len - 1), overflow="ellipsis")
            text.append(" " * max(1, width - text.cell_len - others.cell_len))
            text.append_text(others)
        text.truncate(width, overflow="ellipsis")
        return text

    @staticmethod
    def _team_text(team: tuple[TeamFocus, ...], now) -> Text:
        """ "Anna #12 Acme 25m · +2": who else is focused, longest first."""
        text = Text(style="italic")
        if not team:
            return text
        first = team[0]
        minutes = int(first.elapsed(now) // 60)
        took = f"{minutes // 60}h{minutes % 60:02d}" if minutes >= 60 else f"{minutes}m"
        name = one_line(first.display_name.split()[0] if first.display_name else "")
        text.append(f"{name} #{first.record_id} {one_line(first.title)} {took}")
        if len(team) > 1:
            text.append(f" · +{len(team) - 1} (w)")
        return text


def _changed_cells(old: Text, new: Text) -> tuple[int, int] | None:
    """(first cell, cell count) of the one stretch where `new` differs from
    `old` when the rest of the line stays put and keeps its styles (the
    clock's digits, a colleague's minutes); None when more changed."""
    a, b = old.plain, new.plain
    if len(a) != len(b) or old.spans != new.spans or old.style != new.style:
        return None
    start = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
    end = len(a) - next(
        i for i, (x, y) in enumerate(zip(a[::-1], b[::-1], strict=True)) if x != y
    )
    if cell_len(a[start:end]) != cell_len(b[start:end]):
        return None  # the rest of the line would move
    return cell_len(b[:start]), cell_len(b[start:end])
