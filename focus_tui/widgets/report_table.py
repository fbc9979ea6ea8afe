"""A table of report rows drawn with the Line API, a page at a time.

Used by the Sales Process and Report Export views: one header line, then
only the visible rows, read from a `ViewIndex` in pages of 100.
"""

from __future__ import annotations

from collections import OrderedDict

from rich.cells import set_cell_size
from rich.segment import Segment
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..core.money import format_compact
from ..core.text import one_line
from ..views.report_view import ReportRow, ViewIndex

PAGE = 100

# (title, width or 0 for the flexible column, how to show a row's value)
RIGHT = {"One-time", "Monthly", "Hours"}
COLUMNS = (
    ("Title", 0, lambda r: one_line(r.title)),
    (
        "Type",
        9,
        lambda r: r.type.replace("Sales ", "").replace("Client Relationship", "Client"),
    ),
    ("Date", 10, lambda r: r.date.isoformat() if r.date else ""),
    (
        "One-time",
        8,
        lambda r: format_compact(r.one_time) if r.one_time is not None else "",
    ),
    (
        "Monthly",
        7,
        lambda r: format_compact(r.monthly) if r.monthly is not None else "",
    ),
    ("State", 9, lambda r: r.state),
    ("Hours", 6, lambda r: f"{r.focused_hours:.1f}" if r.focused_hours else ""),
)


class ReportTable(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="table_up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="table_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="table_page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="table_page_down"),
        Binding("home", "jump(0)", "First", show=False, id="table_first"),
        Binding("end", "jump(-1)", "Last", show=False, id="table_last"),
        Binding("enter", "select", "Open", id="table_open"),
    ]

    COMPONENT_CLASSES = {"report-table--header", "report-table--cursor"}

    DEFAULT_CSS = """
    ReportTable {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    ReportTable > .report-table--header { text-style: bold; color: $text-primary; }
    ReportTable > .report-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    ReportTable:focus > .report-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """

    class Selected(Message):
        def __init__(self, row: ReportRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.index: ViewIndex | None = None
        self.cursor = 0
        self._pages: OrderedDict[int, list[ReportRow]] = OrderedDict()

    def set_index(self, index: ViewIndex) -> None:
        self.index = index
        self._pages.clear()
        self.cursor = min(self.cursor, max(0, len(index) - 1))
        self.virtual_size = Size(self.scrollable_content_region.width, len(index) + 1)
        self.refresh()

    def __len__(self) -> int:
        return len(self.index) if self.index is not None else 0

    def row(self, i: int) -> ReportRow | None:
        if self.index is None or not 0 <= i < len(self.index):
            return None
        page_no, within = divmod(i, PAGE)
        page = self._pages.get(page_no)
        if page is None:
            page = self.index.page(page_no * PAGE, PAGE)
            self._pages[page_no] = page
            while len(self._pages) > 16:
                self._pages.popitem(last=False)
        return page[within] if within < len(page) else None

    # -- drawing ----------------------------------------------------------------

    def _cells(self, values: list[str], width: int) -> str:
        fixed = sum(w + 1 for _, w, _ in COLUMNS if w)
        flex = max(6, width - fixed - 1)
        parts = []
        for (_, w, _), value in zip(COLUMNS, values, strict=True):
            size = w or flex
            cell = value if len(value) <= size else value[: size - 1] + "…"
            parts.append(
                set_cell_size(cell, size)
                if not w
                else cell.rjust(size)
                if w < 9 or value[:1].isdigit()
                else cell.ljust(size)
            )
        return " " + " ".join(parts)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            text = self._cells([title for title, _, _ in COLUMNS], width)
            style = base + self.get_component_rich_style("report-table--header")
            return Strip([Segment(text, style)]).adjust_cell_length(width, base)
        index = y - 1 + int(self.scroll_y)
        row = self.row(index)
        if row is None:
            if index == 0 and len(self) == 0:
                return Strip(
                    [Segment("  No records for these settings.", base)]
                ).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        text = self._cells([show(row) for _, _, show in COLUMNS], width)
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("report-table--cursor")
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)

    # -- cursor -------------------------------------------------------------------

    def _move(self, target: int) -> None:
        if not len(self):
            return
        target = max(0, min(len(self) - 1, target))
        self.cursor = target
        self.scroll_to_region(
            Region(0, target, 1, 2), animate=False, force=True, immediate=True
        )
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self._move(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self._move(self.cursor + direction * max(1, self.size.height - 2))

    def action_jump(self, where: int) -> None:
        self._move(0 if where == 0 else len(self) - 1)

    def action_select(self) -> None:
        row = self.row(self.cursor)
        if row is not None:
            self.post_message(self.Selected(row))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self) + 1)
