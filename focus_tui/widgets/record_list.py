"""A list that draws only the lines on screen, fetching rows a page at a time.

Built on the Line API (`ScrollView.render_line`): a list of a million rows
costs what its visible lines cost. The data comes from a `PagedLines`, which
asks the domain for pages of items and keeps a few in an LRU cache.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..core.clock import Clock
from ..core.dates import day_label
from ..core.process import type_of
from ..core.text import format_duration, one_line
from ..domain.attachments import FileInfo
from ..views.listing import HistoryItem, PersonRow, RecordRow


@dataclass(frozen=True)
class GroupLine:
    """A heading inside the list ("Today  4")."""

    label: str
    count: int
    key: str = ""


@dataclass(frozen=True)
class SelfLine:
    """The feed's own record, shown first so the keys can act on it."""

    row: RecordRow


Line = GroupLine | SelfLine | RecordRow | PersonRow | HistoryItem | FileInfo
Fetch = Callable[[int, int], list]


class PagedLines:
    """Items fetched by page, with fixed lines (headings) between them.

    `fixed` maps an item offset to the lines shown just before that item.
    """

    PAGE = 100
    CACHED_PAGES = 32

    def __init__(
        self, total_items: int, fetch: Fetch, fixed: list[tuple[int, Line]] = ()
    ) -> None:
        self.total_items = total_items
        self._fetch = fetch
        self._fixed = sorted(fixed, key=lambda pair: pair[0])
        # Line index of each fixed line, in order.
        self._fixed_at = [offset + i for i, (offset, _) in enumerate(self._fixed)]
        self._pages: OrderedDict[int, list] = OrderedDict()

    def __len__(self) -> int:
        return self.total_items + len(self._fixed)

    def seed(self, offset: int, items: list) -> None:
        """Pre-fill the cache (e.g. the first page, loaded by a worker)."""
        if offset % self.PAGE == 0:
            self._pages[offset // self.PAGE] = items[: self.PAGE]

    def line(self, index: int) -> Line | None:
        if index < 0 or index >= len(self):
            return None
        pos = bisect_right(self._fixed_at, index)
        if pos and self._fixed_at[pos - 1] == index:
            return self._fixed[pos - 1][1]
        return self._item(index - pos)

    def _item(self, offset: int):
        page_no, within = divmod(offset, self.PAGE)
        page = self._pages.get(page_no)
        if page is None:
            page = self._fetch(page_no * self.PAGE, self.PAGE)
            self._pages[page_no] = page
            while len(self._pages) > self.CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[within] if within < len(page) else None

    def replace(self, row: RecordRow) -> bool:
        """Swap a cached row for a newer version of it (same id)."""
        for page in self._pages.values():
            for i, item in enumerate(page):
                if isinstance(item, RecordRow) and item.id == row.id:
                    page[i] = row
                    return True
        for i, (offset, line) in enumerate(self._fixed):
            if isinstance(line, SelfLine) and line.row.id == row.id:
                self._fixed[i] = (offset, SelfLine(row))
                return True
        return False

    def prefetch(self, first: int, last: int) -> None:
        """Load the pages holding lines [first, last] if they are not cached."""
        first = max(0, first - len(self._fixed))
        last = min(self.total_items - 1, last)
        for page_no in range(first // self.PAGE, last // self.PAGE + 1):
            if page_no not in self._pages:
                self._item(page_no * self.PAGE)

    def index_of(self, record_id: int, limit: int = 2000) -> int | None:
        """Line index of a record among the cached lines (cheap; may miss)."""
        for index in range(min(len(self), limit)):
            if index >= len(self):
                break
            line = self._cached_line(index)
            if isinstance(line, RecordRow) and line.id == record_id:
                return index
            if isinstance(line, SelfLine) and line.row.id == record_id:
                return index
            if isinstance(line, PersonRow) and line.id == record_id:
                return index
        return None

    def _cached_line(self, index: int):
        pos = bisect_right(self._fixed_at, index)
        if pos and self._fixed_at[pos - 1] == index:
            return self._fixed[pos - 1][1]
        page_no, within = divmod(index - pos, self.PAGE)
        page = self._pages.get(page_no)
        return page[within] if page and within < len(page) else None


def selectable(line: Line | None) -> bool:
    # A history line too: `v` / `enter` on it shows the whole of it.
    # A file line too: keys save, open or read it.
    return isinstance(line, RecordRow | PersonRow | SelfLine | HistoryItem | FileInfo)


class RecordList(ScrollView, can_focus=True):
    """A cursor over `PagedLines`; posts Highlighted / Selected messages."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="cursor_up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="cursor_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="page_down"),
        Binding("home", "first", "First", show=False, id="first"),
        Binding("end", "last", "Last", show=False, id="last"),
        Binding("enter", "select", "Open", id="open"),
    ]

    COMPONENT_CLASSES = {
        "record-list--cursor",
        "record-list--group",
        "record-list--overdue",
        "record-list--dim",
        "record-list--focused",
        "record-list--self",
        "record-list--empty",
    }

    DEFAULT_CSS = """
    RecordList {
        background: $surface;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    RecordList > .record-list--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: bold;
    }
    RecordList:focus > .record-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    RecordList > .record-list--group { color: $text-primary; text-style: bold; }
    RecordList > .record-list--overdue { color: $text-error; text-style: bold; }
    RecordList > .record-list--dim { color: $text-muted; }
    RecordList > .record-list--focused { color: $text-success; text-style: bold; }
    RecordList > .record-list--self { text-style: bold; }
    RecordList > .record-list--empty { color: $text-muted; text-style: italic; }
    """

    class Highlighted(Message):
        def __init__(self, record_list: RecordList, line: Line | None) -> None:
            super().__init__()
            self.record_list = record_list
            self.line = line

    class Selected(Message):
        def __init__(self, record_list: RecordList, line: Line) -> None:
            super().__init__()
            self.record_list = record_list
            self.line = line

    def __init__(
        self,
        clock: Clock,
        *,
        empty_text: str = "Nothing here.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.clock = clock
        self.lines = PagedLines(0, lambda offset, limit: [])
        self.cursor = 0
        self.focus_record_id: int | None = None
        self.empty_text = empty_text
        self._today: date = clock.today()
        self._style_cache: dict[str, Style] = {}
        # Drawn lines by (index, width): a scroll draws one new line, not all.
        self._strips: OrderedDict[tuple[int, int], Strip] = OrderedDict()

    def on_mount(self) -> None:
        # The ● mark follows the app's running focus, wherever it changes.
        if hasattr(self.app, "running_focus"):
            self.watch(
                self.app,
                "running_focus",
                lambda focus: self.set_focus_record(focus.record_id if focus else None),
            )

    # -- data ---------------------------------------------------------------

    def set_lines(self, lines: PagedLines, keep_record: int | None = None) -> None:
        """Show new data, keeping the cursor on `keep_record` if it is there."""
        old_cursor = self.cursor
        self.lines = lines
        self._strips.clear()
        self._today = self.clock.today()
        self.virtual_size = Size(self.scrollable_content_region.width, len(lines))
        target = lines.index_of(keep_record) if keep_record is not None else None
        if target is None:
            target = min(old_cursor, max(0, len(lines) - 1))
        self.cursor = self._nearest_selectable(target, 1)
        self.refresh()
        self._scroll_cursor_visible()
        self.post_message(self.Highlighted(self, self.current))

    @property
    def current(self) -> Line | None:
        line = self.lines.line(self.cursor)
        return line if selectable(line) else None

    def set_focus_record(self, record_id: int | None) -> None:
        if record_id != self.focus_record_id:
            self.focus_record_id = record_id
            self._strips.clear()
            self.refresh()

    # -- cursor ---------------------------------------------------------------

    def _nearest_selectable(self, index: int, step: int) -> int:
        total = len(self.lines)
        if total == 0:
            return 0
        index = max(0, min(index, total - 1))
        for direction in (step, -step):
            probe = index
            # Headings are few; a short walk always finds an item.
            for _ in range(16):
                if 0 <= probe < total and selectable(self.lines.line(probe)):
                    return probe
                probe += direction
        return index

    def move_cursor(self, index: int, step: int = 1) -> None:
        new = self._nearest_selectable(index, step)
        if new == self.cursor:
            return
        old = self.cursor
        self.cursor = new
        self._refresh_index(old)
        self._refresh_index(new)
        self._scroll_cursor_visible()
        self.post_message(self.Highlighted(self, self.current))
        # Load the pages around the cursor after this frame is drawn, so the
        # next key presses find them cached.
        self.call_after_refresh(self._prefetch)

    def _prefetch(self) -> None:
        reach = max(1, self.size.height) * 2
        self.lines.prefetch(self.cursor - reach, self.cursor + reach)

    def _refresh_index(self, index: int) -> None:
        y = index - int(self.scroll_y)
        if 0 <= y < self.size.height:
            self.refresh_line(y)

    def _scroll_cursor_visible(self) -> None:
        if self.size.height == 0:  # not laid out yet: after the first layout
            self.call_after_refresh(self._scroll_cursor_visible)
            return
        top = self.cursor
        # Keep the group heading above the cursor in view with it.
        if top > 0 and isinstance(self.lines.line(top - 1), GroupLine):
            top -= 1
        self.scroll_to_region(
            Region(0, top, 1, self.cursor - top + 1),
            animate=False,
            force=True,
            immediate=True,
        )

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor + step, step)

    def action_page(self, direction: int) -> None:
        height = max(1, self.size.height - 1)
        self.move_cursor(self.cursor + direction * height, direction)

    def action_first(self) -> None:
        self.move_cursor(0, 1)

    def action_last(self) -> None:
        self.move_cursor(len(self.lines) - 1, -1)

    def action_select(self) -> None:
        line = self.current
        if line is not None:
            self.post_message(self.Selected(self, line))

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_y)
        if selectable(self.lines.line(index)):
            if index == self.cursor and event.chain >= 2:
                self.action_select()
            self.move_cursor(index)

    def row_changed(self, row: RecordRow) -> None:
        """Show a newer version of a row (e.g. just finished) in place."""
        if self.lines.replace(row):
            self._strips.clear()
            self.refresh()

    def on_resize(self) -> None:
        self._strips.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.lines))

    # -- drawing -------------------------------------------------------------

    def _style(self, name: str = "") -> Style:
        """The widget's style, plus a component class's; cached per theme.

        Computing styles from CSS costs more than drawing a line, and a
        scroll redraws every visible line.
        """
        style = self._style_cache.get(name)
        if style is None:
            style = self.rich_style
            if name:
                style = style + self.get_component_rich_style(name)
            self._style_cache[name] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_drawing()

    def on_focus(self, event: events.Focus) -> None:
        self._forget_drawing()

    def on_blur(self, event: events.Blur) -> None:
        self._forget_drawing()

    def _forget_drawing(self) -> None:
        self._style_cache.clear()
        self._strips.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_y)
        width = self.scrollable_content_region.width
        if len(self.lines) == 0:
            if y == 1:
                return Strip(
                    [Segment(f"  {self.empty_text}", self._style("record-list--empty"))]
                ).adjust_cell_length(width, self._style())
            return Strip.blank(width, self._style())
        key = (index, width)
        strip = self._strips.get(key)
        line = self.lines.line(index)
        if strip is None:
            strip = Strip(self._segments(line, width)).adjust_cell_length(
                width, self._style()
            )
            self._strips[key] = strip
            if len(self._strips) > 400:
                self._strips.popitem(last=False)
        if index == self.cursor and selectable(line):
            # post_style: the cursor's background must win over the line's.
            cursor = self.get_component_rich_style("record-list--cursor", partial=True)
            strip = Strip(
                Segment.apply_style(list(strip), post_style=cursor), strip.cell_length
            )
        return strip

    def _segments(self, line: Line | None, width: int) -> list[Segment]:
        if line is None:
            return []
        if isinstance(line, GroupLine):
            cls = (
                "record-list--overdue"
                if line.key == "overdue"
                else "record-list--group"
            )
            return [
                Segment(f" {line.label} ", self._style(cls)),
                Segment(f"{line.count}", self._style("record-list--dim")),
            ]
        if isinstance(line, HistoryItem):
            dim = self._style("record-list--dim")
            when = self.clock.to_local(line.at)
            stamp = f"{day_label(when.date(), self._today)} {when:%H:%M}"
            who = f" — {one_line(line.user)}" if line.user else ""
            text = f"   · {stamp:<16} {one_line(line.text)}{who}"
            return [Segment(_fit(text, width), dim)]
        if isinstance(line, PersonRow):
            return self._person_segments(line, width)
        if isinstance(line, FileInfo):
            return self._file_segments(line, width)
        is_self = isinstance(line, SelfLine)
        row = line.row if is_self else line
        return self._record_segments(row, width, is_self)

    def _record_segments(
        self, row: RecordRow, width: int, is_self: bool
    ) -> list[Segment]:
        base = self._style()
        dim = self._style("record-list--dim")
        focused = row.id == self.focus_record_id
        mark = "●" if focused else ("✓" if row.finished else " ")
        mark_style = self._style("record-list--focused") if focused else dim
        kind = type_of(row.type).short
        due = None
        if row.due_at is not None:
            due = self.clock.to_local(row.due_at).time()
        when = day_label(row.date, self._today, due) if row.date else ""
        spent = format_duration(row.focused) if row.focused >= 60 else ""
        right = f" {when:>16} {spent:>7} "
        title_width = max(4, width - 3 - 9 - len(right))
        title = set_cell_size(_fit(one_line(row.title), title_width), title_width)
        title_style = base
        if is_self:
            title_style = self._style("record-list--self")
        elif row.finished:
            title_style = dim
        overdue = row.date is not None and row.date < self._today and not row.finished
        when_style = self._style("record-list--overdue") if overdue else dim
        return [
            Segment(f" {mark} ", mark_style),
            Segment(f"{kind:<8} ", dim),
            Segment(title, title_style),
            Segment(right, when_style),
        ]

    def _person_segments(self, row: PersonRow, width: int) -> list[Segment]:
        """A Contact Person: name, organisation, and when last in contact."""
        dim = self._style("record-list--dim")
        last = day_label(row.last_contact, self._today) if row.last_contact else "—"
        right = f" {last:>16} "
        room = max(8, width - 3 - 9 - cell_len(right))
        # Names in one column, organisations in the next (the name's column
        # is as wide as a typical full name, 22 cells at 80 columns).
        name_width = max(4, min(28, room * 2 // 5))
        name = set_cell_size(_fit(one_line(row.title), name_width), name_width)
        rest = room - name_width
        organisation = _fit(" " + one_line(row.organisation), rest)
        return [
            Segment("   ", dim),
            Segment(f"{type_of(row.type).short:<8} ", dim),
            Segment(name, self._style()),
            Segment(set_cell_size(organisation, rest), dim),
            Segment(right, dim),
        ]

    def _file_segments(self, info: FileInfo, width: int) -> list[Segment]:
        """An attachment: its kind, name, size (a picture's pixels), who
        added it and when (`v` shows the rest)."""
        dim = self._style("record-list--dim")
        added = self.clock.to_local(info.added_at).date()
        who = set_cell_size(_fit(one_line(info.added_by), 10), 10)
        right = f" {info.size_text:>17} {who} {day_label(added, self._today):>11} "
        room = max(4, width - 3 - 9 - cell_len(right))
        name = set_cell_size(_fit(one_line(info.name), room), room)
        return [
            Segment("   ", dim),
            Segment(f"{file_kind(info.media_type):<8} ", dim),
            Segment(name, self._style()),
            Segment(right, dim),
        ]


# What a file is, in a word that fits the kind column.
_FILE_KINDS = {"message/rfc822": "e-mail", "application/pdf": "PDF"}


def file_kind(media_type: str) -> str:
    """'picture', 'e-mail', 'text', 'PDF', else the media subtype, short."""
    if media_type in _FILE_KINDS:
        return _FILE_KINDS[media_type]
    major, _, minor = media_type.partition("/")
    if major == "image":
        return "picture"
    if major == "text":
        return "text"
    return one_line(minor.removeprefix("x-"))[:8] or "file"


def _fit(text: str, width: int) -> str:
    """Cut `text` to `width` terminal cells (wide characters count twice)."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(0, width - 1)) + "…"


__all__ = ["GroupLine", "Line", "PagedLines", "RecordList", "SelfLine", "Style"]
