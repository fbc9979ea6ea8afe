"""Search (`/`): one box, results as you type, grouped by type, `enter` opens
the feed of the record under the cursor."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from ..views.listing import RecordRow
from ..views.people import PersonRow
from ..views.search import Found, search
from ..widgets.record_list import GroupLine, PagedLines, RecordList
from ..widgets.timer_bar import TimerBar
from ..widgets.title_bar import TitleBar
from .base import DataScreen, key_footer

# A query runs this long after the last key press (typing "jarvenpaa"
# reads once or twice, not nine times).
DEBOUNCE_S = 0.12
HINT = "Type a name, company, e-mail, phone or any words · ↓ to the results"


class SearchScreen(DataScreen):
    """Every record I may see, found by the start of its words."""

    help_title = "Search"
    BINDINGS = [
        Binding("escape", "back", "Back", id="search_back"),
        Binding("down", "to_results", "Results", id="search_results", show=False),
        Binding("slash", "to_box", "Search box", id="search_box", show=False),
    ]

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._text = text
        self._timer = None
        self._shown: str | None = None  # the text whose results are on screen

    def compose(self) -> ComposeResult:
        yield TitleBar("Search")
        yield TimerBar()
        yield Input(
            value=self._text, placeholder="search", id="search-box", compact=True
        )
        yield Static(Text(HINT), id="search-status", classes="hint")
        yield RecordList(self.session.clock, empty_text="", id="search-results")
        yield key_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(Input).focus()
        if self._text:
            self._run(self._text)

    # -- typing ------------------------------------------------------------

    @on(Input.Changed, "#search-box")
    def _typed(self, event: Input.Changed) -> None:
        self._text = event.value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_S, lambda: self._run(self._text))

    @on(Input.Submitted, "#search-box")
    def _submitted(self) -> None:
        """enter in the box: open the first result (the best one)."""
        if self._shown != self._text:  # typed faster than the last read
            self._run(self._text, then_open=True)
            return
        self._open_current()

    def _run(self, text: str, *, then_open: bool = False) -> None:
        session = self.session
        self.run_db(
            lambda: (text, search(session, text)),
            lambda result: self._show(*result, then_open=then_open),
            group="search",
            exclusive=True,  # a newer key press drops the older answer
        )

    def reload(self, keep: int | None = None) -> None:
        # Someone changed records: the same search again, cursor kept.
        if self._shown:
            session, text = self.session, self._shown
            self.run_db(
                lambda: (text, search(session, text)),
                lambda result: self._show(*result, keep=keep),
                group="search",
                exclusive=True,
            )

    def current_id(self) -> int | None:
        line = self.query_one(RecordList).current
        return line.id if isinstance(line, RecordRow | PersonRow) else None

    def _show(
        self, text: str, found: Found, *, keep=None, then_open: bool = False
    ) -> None:
        if text != self._text:
            return  # an answer to what was typed before
        self._shown = text
        fixed, offset, items = [], 0, []
        for rtype, rows in found.groups:
            fixed.append((offset, GroupLine(f"{rtype.name}s", len(rows), rtype.key)))
            offset += len(rows)
            items += rows
        lines = PagedLines(
            len(items), lambda start, limit: items[start : start + limit], fixed
        )
        lines.seed(0, items)
        self.query_one(RecordList).set_lines(lines, keep_record=keep)
        status = self.query_one("#search-status", Static)
        if not text.strip():
            status.update(Text(HINT))
        elif not items:
            status.update(Text("Nothing found. Fewer or shorter words find more."))
        else:
            more = " (the newest; add a word to narrow)" if found.more else ""
            status.update(
                Text(f"{found.count} found{more} · ↓ results · enter opens the feed")
            )
        if then_open:
            self._open_current()

    # -- moving and opening --------------------------------------------------

    def action_to_results(self) -> None:
        results = self.query_one(RecordList)
        if results.current is not None:
            results.focus()

    def action_to_box(self) -> None:
        self.query_one(Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(RecordList.Selected)
    def _selected(self, event: RecordList.Selected) -> None:
        self._open(event.line)

    def _open_current(self) -> None:
        line = self.query_one(RecordList).current
        if line is None:
            self.app.bell()
            return
        self._open(line)

    def _open(self, line) -> None:
        from .feed import FeedScreen

        if isinstance(line, RecordRow | PersonRow):
            self.app.push_screen(FeedScreen(line.id))
