"""Horizontal bar charts drawn with block characters.

Readable in 16 colours and over SSH: each bar is text (█ and the eighth
blocks), so it survives any palette; labels and values are plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float, maximum: float, width: int) -> str:
    """A bar of `width` cells at most, with eighth-cell resolution."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = round(value / maximum * width * 8)
    full, rest = divmod(max(1, eighths), 8)
    return "█" * full + (EIGHTHS[rest] if rest else "")


@dataclass(frozen=True)
class Series:
    name: str
    style: str  # a Rich style, e.g. "blue"


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[float, ...]  # one per series
    texts: tuple[str, ...]  # what to print after each bar


class BarChart(Widget):
    """Rows of grouped bars: `label  ███ 12  ██ 7`."""

    DEFAULT_CSS = """
    BarChart {
        height: auto;
    }
    """

    def __init__(self, series: list[Series], **kwargs) -> None:
        super().__init__(**kwargs)
        self.series = series
        self.rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.rows = rows
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self.rows) + 1)

    def render(self) -> Text:
        text = Text()
        legend = Text("  ")
        for s in self.series:
            legend.append("█ ", style=s.style)
            legend.append(f"{s.name}   ")
        text.append_text(legend)
        if not self.rows:
            text.append("\n  No data for this selection.", style="italic")
            return text
        label_width = max(len(r.label) for r in self.rows)
        text_width = max((len(t) for r in self.rows for t in r.texts), default=0)
        room = self.size.width - label_width - 2 - len(self.series) * (text_width + 2)
        per_bar = max(1, room // max(1, len(self.series)))
        # One scale for all series, so offers and orders compare by length.
        top = max((v for r in self.rows for v in r.values), default=0)
        for r in self.rows:
            text.append("\n")
            text.append(r.label.ljust(label_width) + "  ")
            for i, s in enumerate(self.series):
                drawn = bar(r.values[i], top, per_bar)
                text.append(drawn.ljust(per_bar), style=s.style)
                text.append(" " + r.texts[i].rjust(text_width) + " ")
        return text
