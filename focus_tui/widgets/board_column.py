"""One column of the Sales Process board: a header and the cards of a stage.

Drawn with the Line API like `RecordList`: only the lines on screen are
rendered, cards are fetched a page at a time from the domain and a few pages
are cached, and drawn lines are cached per width (the cursor's highlight is
laid over a cached line, so moving it redraws two cards, not the column).
The column scrolls itself card by card instead of being a ScrollView: at
16 cells wide a scrollbar would cost a tenth of the room, so the header
shows where you are instead. `Board` holds the columns and the keys.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import date

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, on
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from .. import config
from ..core.clock import Clock
from ..core.money import Rates, format_compact, from_cents
from ..core.text import one_line
from ..views.board import Card, ColumnTotals

# Name and count; three lines of sums, one per currency (more when the
# column is wide); the rule. At 80×24 a taller header costs no whole card.
HEADER_LINES = 5
SUM_LINES = HEADER_LINES - 2
CARD_LINES = 4  # title; client; sums and date; gap

Fetch = Callable[[int, int], list[Card]]

_MONTHS = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]
# Titles often repeat the type the column already shows ("Proposal: X").
_TYPE_PREFIXES = ("proposal:", "sales proposal:", "offer:", "order:")


class CardPages:
    """The cards of a column, fetched `PAGE` at a time, a few pages cached.

    A new column starts with a `seed`: just the cards around the cursor,
    enough to draw the screen. Whole pages are read when the cursor moves.
    """

    # A page costs about what sorting the column costs, whatever its size
    # (~5-15 ms with 5,000 cards): big pages mean few of them.
    PAGE = 200
    CACHED_PAGES = 8
    SEED = 40  # cards read when the board opens, around the cursor

    def __init__(self, total: int, fetch: Fetch) -> None:
        self.total = total
        self._fetch = fetch
        self._pages: OrderedDict[int, list[Card]] = OrderedDict()
        self._seed: dict[int, Card] = {}

    def __len__(self) -> int:
        return self.total

    @classmethod
    def seed_start(cls, index: int) -> int:
        """Where the seed for a cursor on card `index` starts."""
        return max(0, index - cls.SEED // 2)

    def seed(self, offset: int, cards: list[Card]) -> None:
        """Pre-fill the cache with `cards`, the cards from `offset` on."""
        self._seed = {offset + i: card for i, card in enumerate(cards)}

    def card(self, index: int) -> Card | None:
        if not 0 <= index < self.total:
            return None
        page_no, within = divmod(index, self.PAGE)
        page = self._pages.get(page_no)
        if page is None:
            seeded = self._seed.get(index)
            if seeded is not None:
                return seeded
            page = self._fetch(page_no * self.PAGE, self.PAGE)
            self._pages[page_no] = page
            while len(self._pages) > self.CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[within] if within < len(page) else None

    def cached_index(self, card_id: int) -> int | None:
        """The index of a card among the cached pages (no query)."""
        for page_no, page in self._pages.items():
            for within, card in enumerate(page):
                if card.id == card_id:
                    return page_no * self.PAGE + within
        for index, card in self._seed.items():
            if card.id == card_id:
                return index
        return None

    def prefetch(self, first: int, last: int) -> None:
        first, last = max(0, first), min(self.total - 1, last)
        for page_no in range(first // self.PAGE, last // self.PAGE + 1):
            if page_no not in self._pages:
                self.card(page_no * self.PAGE)


class BoardColumn(Widget):
    """The cards of one stage under a header with their count and sums.

    Not focusable itself: the `Board` around the columns has the focus and
    tells one column it is `active`. Switching columns then redraws a few
    lines; moving the focus would restyle the screen and rebuild the footer
    (~50 ms a key press).
    """

    DEFAULT_CSS = """
    BoardColumn {
        width: 1fr;
        height: 1fr;
        background: $surface;
    }
    """

    class Clicked(Message):
        """A click on a card (`chain` 2 for a double click)."""

        def __init__(self, column: BoardColumn, index: int, chain: int) -> None:
            super().__init__()
            self.column = column
            self.index = index
            self.chain = chain

    def __init__(
        self,
        stage: str,
        name: str,
        clock: Clock,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.stage = stage
        self.stage_name = name
        self.clock = clock
        self.totals: ColumnTotals | None = None
        self.cards = CardPages(0, lambda offset, limit: [])
        self.loaded = False
        self.active = False
        self.cursor = 0  # index of the highlighted card
        self.top = 0  # index of the first card on screen
        self._today: date = clock.today()
        self._styles: dict[str, Style] = {}
        self._edge: Strip | None = None
        # Drawn card lines by (line number in the column, width).
        self._strips: OrderedDict[tuple[int, int], Strip] = OrderedDict()
        # The header's lines of sums, for the width they were laid out in.
        self._sums: tuple[int, list[str]] | None = None
        self.rates: Rates | None = None  # settings.toml's, read with the cards

    # -- data -------------------------------------------------------------

    def set_cards(
        self, totals: ColumnTotals, cards: CardPages, cursor: int = 0
    ) -> None:
        """Show new data with the cursor on card `cursor` (clamped)."""
        self.totals = totals
        self.cards = cards
        self.rates = config.rates()
        self.loaded = True
        self._today = self.clock.today()
        self._strips.clear()
        self._sums = None
        self.cursor = max(0, min(cursor, len(cards) - 1))
        self.top = min(self.top, self.cursor)
        self._scroll_to_cursor()
        self.refresh()

    @property
    def current(self) -> Card | None:
        return self.cards.card(self.cursor)

    @property
    def current_id(self) -> int | None:
        card = self.current
        return card.id if card else None

    @property
    def visible_cards(self) -> int:
        """How many whole cards fit under the header."""
        return max(1, (self.size.height - HEADER_LINES + 1) // CARD_LINES)

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            # Only the header and the cursor's card look different.
            self._refresh_lines(0, HEADER_LINES)
            self._refresh_card(self.cursor)

    # -- cursor -------------------------------------------------------------

    def move_cursor(self, index: int) -> None:
        index = max(0, min(index, len(self.cards) - 1))
        if index == self.cursor or not len(self.cards):
            return
        old, old_top = self.cursor, self.top
        self.cursor = index
        self._scroll_to_cursor()
        if self.top == old_top:
            self._refresh_card(old)
            self._refresh_card(index)
            self._refresh_lines(HEADER_LINES - 1, 1)  # the position in the rule
        else:
            self.refresh()
        # Load the pages around the cursor after this frame is drawn, so the
        # next key presses find them cached.
        self.call_after_refresh(self._prefetch)

    def _scroll_to_cursor(self) -> None:
        shown = self.visible_cards
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + shown:
            self.top = self.cursor - shown + 1
        self.top = max(0, min(self.top, max(0, len(self.cards) - shown)))

    def _refresh_card(self, index: int) -> None:
        y = HEADER_LINES + (index - self.top) * CARD_LINES
        if HEADER_LINES <= y < self.size.height:
            self._refresh_lines(y, CARD_LINES - 1)

    def _refresh_lines(self, y: int, count: int) -> None:
        self.refresh(Region(0, y, self.size.width, count))

    def _prefetch(self) -> None:
        # Half a page ahead: the next page is read between key presses, long
        # before the cursor gets there.
        reach = max(self.visible_cards * 3, CardPages.PAGE // 2)
        self.cards.prefetch(self.cursor - reach, self.cursor + reach)

    def on_click(self, event: events.Click) -> None:
        if event.y >= HEADER_LINES:
            index = self.top + (event.y - HEADER_LINES) // CARD_LINES
            if 0 <= index < len(self.cards):
                self.post_message(self.Clicked(self, index, event.chain))
                return
        self.post_message(self.Clicked(self, self.cursor, 1))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.scroll_cards(1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.scroll_cards(-1)

    def scroll_cards(self, cards: int) -> None:
        limit = max(0, len(self.cards) - self.visible_cards)
        top = max(0, min(self.top + cards, limit))
        if top != self.top:
            self.top = top
            # The cursor stays on screen, as with the keys.
            self.cursor = max(top, min(self.cursor, top + self.visible_cards - 1))
            self.refresh()

    def on_resize(self) -> None:
        self._strips.clear()
        self._sums = None
        self._scroll_to_cursor()

    # -- drawing -------------------------------------------------------------

    def _style(self, name: str = "") -> Style:
        """The column's style plus a component class of the Board's, cached
        until the theme changes (computing one costs more than a line)."""
        style = self._styles.get(name)
        if style is None:
            base = self._styles.get("")
            if base is None:
                base = self._styles[""] = self.rich_style
            style = base
            board = self.parent
            if name and isinstance(board, Board):
                style = base + board.get_component_rich_style(name)
            self._styles[name] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.forget_styles()

    def forget_styles(self) -> None:
        """Styles changed (theme, CSS): draw everything again."""
        self._styles.clear()
        self._strips.clear()
        self._edge = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        # The edge between columns is drawn here, not as a CSS border: a
        # border makes Textual compose every line again on each refresh.
        width = max(0, self.size.width - 1)
        edge = self._edge
        if edge is None:
            edge = self._edge = Strip([Segment("▕", self._style("board--edge"))], 1)
        return Strip.join([self._content_line(y, width), edge])

    def _content_line(self, y: int, width: int) -> Strip:
        if y < HEADER_LINES:
            return self._header_line(y, width)
        if not self.loaded:
            return Strip.blank(width, self._style())
        offset = y - HEADER_LINES
        index = self.top + offset // CARD_LINES
        row = offset % CARD_LINES
        if not len(self.cards):
            if offset == 1:
                empty = self._style("board--dim")
                return self._line(
                    [Segment(" " + _fit("No cards", width - 1), empty)], width
                )
            return Strip.blank(width, self._style())
        if index >= len(self.cards) or row == CARD_LINES - 1:
            return Strip.blank(width, self._style())
        key = (index * CARD_LINES + row, width)
        strip = self._strips.get(key)
        if strip is None:
            card = self.cards.card(index)
            strip = self._line(self._card_segments(card, row, width), width)
            self._strips[key] = strip
            if len(self._strips) > 300:
                self._strips.popitem(last=False)
        if index == self.cursor:
            # Over the segments' own colours (apply_style would go under them).
            cursor = self._style(
                "board--cursor-active" if self.active else "board--cursor"
            )
            strip = Strip(Segment.apply_style(strip, post_style=cursor), width)
        return strip

    def _line(self, segments: list[Segment], width: int) -> Strip:
        return Strip(segments).adjust_cell_length(width, self._style())

    def _header_line(self, y: int, width: int) -> Strip:
        totals = self.totals
        if y == 0:
            count = f"{totals.count:,}".replace(",", " ") if totals else ""
            suffix = "-active" if self.active else ""
            name_style = self._style("board--name" + suffix)
            # " Name  123 ": a space between name and count, however narrow.
            room = max(1, width - cell_len(count) - 2)
            name = set_cell_size(" " + _fit(self.stage_name, room - 2), room)
            return self._line(
                [
                    Segment(name, name_style),
                    Segment(
                        count + " ",
                        self._style(
                            "board--name-active" if self.active else "board--dim"
                        ),
                    ),
                    Segment(" ", name_style),
                ],
                width,
            )
        if y == HEADER_LINES - 1:
            return self._line(
                [Segment(self._rule(width), self._style("board--rule"))], width
            )
        lines = self._sum_lines(width - 1)
        text = lines[y - 1] if y - 1 < len(lines) else ""
        style = "board--dim" if text.startswith("≈") else "board--sums"
        return self._line(
            [Segment(" " + _fit(text, width - 1), self._style(style))], width
        )

    def _sum_lines(self, width: int) -> list[str]:
        """The column's sums, one per currency, as many as fit ("+2 more")."""
        cached = self._sums
        if cached is not None and cached[0] == width:
            return cached[1]
        totals = self.totals
        lines = []
        if totals is not None:
            lines = totals.one_time.compact_lines(
                width, SUM_LINES, monthly=totals.monthly
            )
            # The converted total ("≈ 330k EUR") only where a line is free
            # and it fits whole.
            converted = (
                self.rates.worth_showing(totals.one_time) if self.rates else None
            )
            if converted is not None and len(lines) < SUM_LINES:
                text = converted.format(compact=True)
                if cell_len(text) <= width:
                    lines = [*lines, text]
        self._sums = (width, lines)
        return lines

    def _rule(self, width: int) -> str:
        """A line under the header; where you are when the column scrolls."""
        total = len(self.cards)
        if total > self.visible_cards and self.active:
            where = f" {self.cursor + 1}/{total} "
            if cell_len(where) + 2 <= width:
                return "─" + where + "─" * (width - 1 - cell_len(where))
        return "─" * width

    def _card_segments(self, card: Card | None, row: int, width: int) -> list[Segment]:
        if card is None:
            return []
        room = width - 1
        if row < 2:
            title = card_title(card.title)
            client = one_line(card.client)
            style = self._style("board--dim" if card.finished else "board--title")
            if not client or client.casefold() == title.casefold():
                # Named after its deal (or no deal): the title gets both lines.
                first, rest = wrap_two(title, room)
                return [Segment(" " + (first if row == 0 else rest), style)]
            if row == 0:
                return [Segment(" " + _fit(title, room), style)]
            client_style = self._style("board--dim")
            return [Segment(" " + _fit(client, room), client_style)]
        when = short_date(card.date, self._today)
        if card.overdue and when:
            when = "!" + when
        date_style = self._style("board--overdue" if card.overdue else "board--dim")
        money = card_sums(card, room - cell_len(when) - 1)
        gap = max(1, room - cell_len(money) - cell_len(when))
        return [
            Segment(" " + money, self._style("board--money")),
            Segment(" " * gap, self._style()),
            Segment(when, date_style),
        ]


class Board(Horizontal, can_focus=True):
    """Columns side by side. Holds the focus; one column is active.

    Arrows (and j/k) move the active column's cursor and switch columns;
    enter (or a double click) posts `Selected` with the card.
    """

    BINDINGS = [
        Binding("left", "column(-1)", "Column left", show=False, id="column_left"),
        Binding("right", "column(1)", "Column right", show=False, id="column_right"),
        Binding("up,k", "cursor(-1)", "Up", show=False, id="card_up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="card_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="card_page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="card_page_down"),
        Binding("home", "first", "First card", show=False, id="card_first"),
        Binding("end", "last", "Last card", show=False, id="card_last"),
        # Shown in help, not in the footer: there is no room at 80 columns.
        Binding("enter", "select", "Open", id="open", show=False),
    ]

    # The columns' parts. Declared once here, not on each column: Textual
    # styles every component class of every node when a screen opens.
    COMPONENT_CLASSES = {
        "board--name",
        "board--name-active",
        "board--dim",
        "board--sums",
        "board--rule",
        "board--title",
        "board--money",
        "board--overdue",
        "board--cursor",
        "board--cursor-active",
        "board--edge",
    }

    DEFAULT_CSS = """
    Board {
        height: 1fr;
    }
    Board > .board--name { text-style: bold; color: $text-primary; }
    Board > .board--name-active {
        color: $text; background: $primary; text-style: bold;
    }
    Board > .board--dim { color: $text-muted; }
    Board > .board--sums { color: $text-secondary; }
    Board > .board--rule { color: $panel-lighten-2; }
    Board > .board--title { text-style: bold; }
    Board > .board--money { color: $text-success; }
    Board > .board--overdue { color: $text-error; text-style: bold; }
    Board > .board--cursor { background: $foreground 10%; }
    Board > .board--cursor-active { background: $accent 70%; }
    Board > .board--edge { color: $panel-lighten-1; }
    """

    class Selected(Message):
        """Enter (or a double click) on a card."""

        def __init__(self, board: Board, card: Card) -> None:
            super().__init__()
            self.board = board
            self.card = card

    def __init__(self, *columns: BoardColumn, id: str | None = None) -> None:
        super().__init__(*columns, id=id)
        self._active: BoardColumn | None = None

    def on_mount(self) -> None:
        # Bad [rates] entries: the headers have no room to say so.
        note = config.rates().note
        if note:
            self.notify(note, severity="warning", markup=False, timeout=10)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        for column in self.query_children(BoardColumn):
            column.forget_styles()

    @property
    def columns(self) -> list[BoardColumn]:
        """The columns on screen, left to right."""
        return [c for c in self.query_children(BoardColumn) if c.display]

    @property
    def active(self) -> BoardColumn | None:
        active = self._active
        if active is None or not active.display:
            shown = self.columns
            active = shown[0] if shown else None
            self.activate(active)
        return active

    def activate(self, column: BoardColumn | None) -> None:
        if column is self._active:
            return
        if self._active is not None:
            self._active.set_active(False)
        self._active = column
        if column is not None:
            column.set_active(True)

    def show_column(self, column: BoardColumn, shown: bool) -> None:
        """Show or hide a column; a hidden active one passes it on leftwards."""
        if not shown and column is self._active:
            shown_now = self.columns
            at = shown_now.index(column)
            self.activate(shown_now[at - 1] if at else None)
        column.display = shown

    # -- keys ---------------------------------------------------------------

    def action_column(self, step: int) -> None:
        shown = self.columns
        active = self.active
        if active is None:
            return
        at = max(0, min(shown.index(active) + step, len(shown) - 1))
        self.activate(shown[at])

    def action_cursor(self, step: int) -> None:
        if (column := self.active) is not None:
            column.move_cursor(column.cursor + step)

    def action_page(self, direction: int) -> None:
        if (column := self.active) is not None:
            column.move_cursor(column.cursor + direction * column.visible_cards)

    def action_first(self) -> None:
        if (column := self.active) is not None:
            column.move_cursor(0)

    def action_last(self) -> None:
        if (column := self.active) is not None:
            column.move_cursor(len(column.cards) - 1)

    def action_select(self) -> None:
        column = self.active
        card = column.current if column is not None else None
        if card is not None:
            self.post_message(self.Selected(self, card))

    @on(BoardColumn.Clicked)
    def _clicked(self, event: BoardColumn.Clicked) -> None:
        event.stop()
        self.activate(event.column)
        event.column.move_cursor(event.index)
        if event.chain >= 2:
            self.action_select()


# -- text of a card ---------------------------------------------------------------


def card_title(title: str) -> str:
    """The title without a leading "Proposal:" / "Order:" (the column says it)."""
    text = one_line(title)
    lowered = text.lower()
    for prefix in _TYPE_PREFIXES:
        if lowered.startswith(prefix) and len(text) > len(prefix) + 1:
            return text[len(prefix) :].lstrip()
    return text


def card_sums(card: Card, room: int) -> str:
    """The richest "12.5k+300/mo EUR" form that fits `room` cells.

    A monthly-only order shows "990/mo EUR"; the one-time sum comes first
    when the room runs out.
    """
    monthly = ""
    if card.monthly_cents:
        monthly = f"{format_compact(from_cents(card.monthly_cents))}/mo"
    if not card.one_time_cents:
        if not monthly:
            return "" if card.one_time_cents is None else f"0 {card.currency}"
        forms = (f"{monthly} {card.currency}", monthly)
    else:
        once = format_compact(from_cents(card.one_time_cents))
        forms = (
            f"{once}+{monthly} {card.currency}" if monthly else "",
            f"{once}+{monthly}" if monthly else "",
            f"{once} {card.currency}",
            once,
        )
    for text in forms:
        if text and cell_len(text) <= room:
            return text
    return _fit(forms[-1], max(1, room))


def wrap_two(text: str, width: int) -> tuple[str, str]:
    """`text` over two lines of `width` cells, broken at a space if it can
    be; the second line ends with "…" if the rest does not fit."""
    if cell_len(text) <= width:
        return text, ""
    # The longest start that fits (wide characters take two cells).
    kept = 0
    used = 0
    for char in text:
        used += cell_len(char)
        if used > width:
            break
        kept += 1
    space = text.rfind(" ", 0, kept + 1)
    if space > width // 3:
        first, rest = text[:space], text[space + 1 :]
    else:
        first, rest = text[:kept], text[kept:]
    return first, _fit(rest.lstrip(), width)


def short_date(day: date | None, today: date) -> str:
    """ "Today", "4 Dec", "4 Dec 27": the next date in few cells."""
    if day is None:
        return ""
    if day == today:
        return "Today"
    text = f"{day.day} {_MONTHS[day.month - 1]}"
    return text if day.year == today.year else f"{text} {day.year % 100:02d}"


def _fit(text: str, width: int) -> str:
    """Cut `text` to `width` cells (wide characters count twice)."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1).rstrip() + "…"


__all__ = [
    "Board",
    "BoardColumn",
    "CardPages",
    "card_sums",
    "card_title",
    "short_date",
    "wrap_two",
]
