"""A week's timesheet as a grid: a line per deal and phase, a column per day.

Cells are hours and minutes (`format_h_mm`), five cells wide, so a week
and its total fit 80 columns beside a deal's title, which is cut with an
ellipsis where it must be (the phase stays visible). All text is built as
rich Text: a title is never read as markup.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.widget import Widget

from ..core.process import PHASE_LABELS
from ..core.text import format_h_mm, one_line
from ..views.reports import WEEKDAYS, WeekLine

DAY_WIDTH = 5  # "10:45"; a day holds 25 hours at most
TOTAL_WIDTH = 6  # "168:00"
LABEL_MIN = 12


class WeekGrid(Widget):
    """Monday..Sunday and the week's total for each line, a total line under."""

    DEFAULT_CSS = """
    WeekGrid {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.monday: date | None = None
        self.today: date | None = None
        self.lines: list[WeekLine] = []

    def set_week(self, monday: date, lines: list[WeekLine], today: date) -> None:
        self.monday, self.lines, self.today = monday, lines, today
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        # Two header lines, the lines (or a word saying there are none), a
        # total.
        return 2 + max(1, len(self.lines)) + 1

    def render(self) -> Text:
        width = max(self.size.width, LABEL_MIN + 7 * (DAY_WIDTH + 1) + TOTAL_WIDTH)
        label_width = width - 7 * (DAY_WIDTH + 1) - TOTAL_WIDTH - 1
        text = Text(no_wrap=True, overflow="crop")
        if self.monday is None:
            return text
        days = [self.monday + timedelta(days=i) for i in range(7)]
        text.append_text(self._cut(Text("Deal · phase", "bold"), label_width))
        for i, day in enumerate(days):
            text.append(" " + WEEKDAYS[i].rjust(DAY_WIDTH), style=self._day_style(day))
        text.append(" " + "Total".rjust(TOTAL_WIDTH), style="bold")
        text.append("\n" + " " * label_width)
        for day in days:
            text.append(
                " " + f"{day:%d.%m}".rjust(DAY_WIDTH),
                style=self._day_style(day) + " dim",
            )
        if not self.lines:
            text.append("\n")
            text.append_text(
                self._cut(Text("No focused time this week.", "italic"), width)
            )
        for line in self.lines:
            text.append("\n")
            phase = PHASE_LABELS.get(line.phase, line.phase)
            title = Text(one_line(line.deal))
            # Cut the title, not the phase: the phase tells two lines apart.
            title.truncate(max(1, label_width - len(phase) - 3), overflow="ellipsis")
            label = Text.assemble(title, (" · ", "dim"), (phase, "dim"))
            text.append_text(self._cut(label, label_width))
            for i, seconds in enumerate(line.days):
                text.append(
                    " " + self._cell(seconds, DAY_WIDTH),
                    style="dim" if i >= 5 else "",
                )
            text.append(" " + self._cell(line.seconds, TOTAL_WIDTH), style="bold")
        # Each day's total is the sum of its lines' seconds, rounded once.
        text.append("\n")
        text.append_text(self._cut(Text("Total", "bold"), label_width))
        for i in range(7):
            seconds = sum(line.days[i] for line in self.lines)
            text.append(" " + self._cell(seconds, DAY_WIDTH), style="bold")
        week = sum(line.seconds for line in self.lines)
        text.append(" " + self._cell(week, TOTAL_WIDTH), style="bold")
        return text

    def _day_style(self, day: date) -> str:
        if day == self.today:
            return "bold reverse"
        return "bold dim" if day.weekday() >= 5 else "bold"

    @staticmethod
    def _cell(seconds: int, width: int) -> str:
        return (format_h_mm(seconds) if seconds else "").rjust(width)

    @staticmethod
    def _cut(text: Text, width: int) -> Text:
        """`text` exactly `width` cells wide: cut with an ellipsis, or padded."""
        text = text.copy()
        text.truncate(max(1, width), overflow="ellipsis", pad=True)
        return text
