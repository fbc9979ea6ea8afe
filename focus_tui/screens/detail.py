"""`v`: the whole of what a line cuts at 80 columns — a record's full title,
its notes, sums and people, a history line's full text, a board column's
name and every sum — wrapped to the terminal's width and scrolled by keys.

It only shows: everything here was read by the screen that opened it
(the feed's read model), so opening it costs no query of its own.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ..core.clock import Clock
from ..core.dates import day_label
from ..core.process import STAGE_NAMES, type_of
from ..core.text import format_duration, one_line, visible

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..views.feed import FeedHeader, HistoryItem


class DetailScreen(ModalScreen[None]):
    """A title and a text in full; ↑ ↓ PgUp PgDn Home End scroll it."""

    BINDINGS = [
        Binding("escape,v,q", "close", "Close", id="detail_close"),
        Binding("down,j", "scroll(1)", "Scroll down", id="detail_down", show=False),
        Binding("up,k", "scroll(-1)", "Scroll up", id="detail_up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", id="detail_page", show=False),
        Binding("pageup", "page(-1)", "Page up", id="detail_page_up", show=False),
        Binding("home", "jump(0)", "Top", id="detail_top", show=False),
        Binding("end", "jump(1)", "Bottom", id="detail_end", show=False),
    ]

    DEFAULT_CSS = """
    DetailScreen #detail-text { height: auto; }
    """

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self.detail_title = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(id="detail", classes="dialog"):
            yield Label(Text(self.detail_title), classes="dialog-title")
            with VerticalScroll(id="detail-text", can_focus=True):
                yield Static(self.body, id="detail-body")
            yield Static(Text("↑ ↓ PgUp PgDn scroll · esc or v closes"), classes="hint")

    def on_mount(self) -> None:
        # The width of the terminal (80 columns wraps at 76), and no taller:
        # the text scrolls under a title and a hint that stay in sight.
        self.query_one("#detail").styles.width = "100%"
        text = self.query_one("#detail-text")
        text.styles.max_height = max(1, self.app.size.height - 6)
        text.focus()

    def _scroller(self) -> VerticalScroll:
        return self.query_one("#detail-text", VerticalScroll)

    def action_scroll(self, lines: int) -> None:
        self._scroller().scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        scroller = self._scroller()
        scroller.scroll_relative(
            y=pages * max(1, scroller.size.height - 1), animate=False
        )

    def action_jump(self, end: int) -> None:
        scroller = self._scroller()
        if end:
            scroller.scroll_end(animate=False)
        else:
            scroller.scroll_home(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)


# -- what it shows ----------------------------------------------------------------


def _line(text: Text, label: str, value: str) -> None:
    if value:
        text.append(f"\n{label}: ", style="bold")
        text.append(value)


def record_text(header: FeedHeader, clock: Clock, sale_text: str = "") -> Text:
    """A record in full: title, state and date, cloud, people, sums, notes."""
    record = header.record
    rtype = type_of(record.type)
    text = Text()
    text.append(visible(" ".join(record.title.split())), style="bold")
    text.append(f"\n{rtype.name} #{record.id}", style="dim")
    if rtype.is_activity:
        if record.finished_at:
            done = clock.to_local(record.finished_at).date()
            state = f"finished {day_label(done, clock.today())}"
        else:
            state = "open"
        if record.date:
            due = clock.to_local(record.due_at).time() if record.due_at else None
            state += f" · {day_label(record.date, clock.today(), due)}"
            state += f" ({record.date.isoformat()})"
        else:
            state += " · no date"
        _line(text, "State", state)
        _line(text, "Focused", format_duration(header.focused))
    _line(text, "Cloud", one_line(header.cloud))
    if header.parent is not None:
        parent_type = type_of(header.parent.type).name
        _line(
            text,
            f"In {parent_type} #{header.parent.id}",
            one_line(header.parent.title),
        )
    _line(text, "Actors", ", ".join(one_line(a) for a in header.actors))
    if header.contact is not None:
        contact = header.contact
        for label, value in (
            ("Organisation", contact.organisation),
            ("E-mail", contact.email),
            ("Phone", contact.phone),
        ):
            _line(text, label, one_line(value or ""))
    _line(text, "With", ", ".join(one_line(p.title) for p in header.participants))
    _line(text, "Sums", sale_text)
    body = record.body.strip()
    if body:
        text.append("\n\nNotes\n", style="bold")
        text.append(visible(body, keep_newlines=True))
    return text


def history_text(item: HistoryItem, record_title: str, clock: Clock) -> Text:
    """A history line in full: when, who, what, on which record."""
    when = clock.to_local(item.at)
    text = Text()
    text.append(visible(" ".join(item.text.split())), style="bold")
    _line(text, "When", f"{when:%a %-d %b %Y %H:%M}")
    _line(text, "Who", one_line(item.user))
    _line(text, "Record", one_line(record_title))
    return text


def column_text(stage: str, totals, rates=None) -> Text:
    """A board column's header in full: its name, count and every sum."""
    text = Text()
    text.append(STAGE_NAMES.get(stage, stage), style="bold")
    if totals is None:
        return text
    _line(text, "Cards", f"{totals.count:,}".replace(",", " "))
    one_time = [item.format() for item in totals.one_time if item.cents]
    monthly = [f"{item.format()} / month" for item in totals.monthly if item.cents]
    _line(text, "One-time", " + ".join(one_time) or "none")
    if monthly:
        _line(text, "Monthly", " + ".join(monthly))
    converted = rates.worth_showing(totals.one_time) if rates else None
    if converted is not None:
        _line(text, "Converted", converted.format())
    return text


# `v` (view in full) on every screen that cuts lines; not in the footer
# (full at 80 columns), in `?` and the palette.
DETAIL_BINDING = Binding(
    "v", "read_in_full", "Read in full", id="read_in_full", show=False
)


def show_record(screen, record_id: int, before: Text | None = None) -> None:
    """Read a record's feed header (one page-sized read) and show it all;
    `before`: what to show above it (a board column's header)."""
    from ..views.feed import feed_header
    from .feed import sale_line

    session = screen.session

    def shown(header: FeedHeader) -> None:
        text = Text()
        if before is not None:
            text.append_text(before)
            text.append("\n\n")
        sale = sale_line(header.sale) if header.sale is not None else ""
        text.append_text(record_text(header, session.clock, sale))
        kind = type_of(header.record.type).name
        screen.app.push_screen(DetailScreen(f"{kind} #{record_id} in full", text))

    screen.read_now(lambda: feed_header(session, record_id), shown)


def show_history(screen, item: HistoryItem, record_title: str) -> None:
    text = history_text(item, record_title, screen.session.clock)
    screen.app.push_screen(DetailScreen("History line in full", text))
