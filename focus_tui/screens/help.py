"""`?`: every key of the screen underneath, generated from its bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static


def key_rows(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) for every binding active on `screen`."""
    by_action: dict[str, tuple[list[str], str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        # Our bindings all carry an id; the rest are Textual's scrolling and
        # clipboard plumbing, which only clutters this list.
        if not binding.description or binding.id is None:
            continue
        display = screen.app.get_key_display(binding)
        keys, _ = by_action.setdefault(binding.description, ([], binding.description))
        if display not in keys:
            keys.append(display)
    rows = [(" / ".join(keys), desc) for keys, desc in by_action.values()]
    if screen.app.ENABLE_COMMAND_PALETTE:
        rows.append((screen.app.COMMAND_PALETTE_BINDING, "Command palette"))
    return rows


# Rows the dialog itself takes: its border (2), padding, title, hint.
_FRAME_ROWS = 6
_COLUMN_GAP = 3


def layout(rows: list[tuple[str, str]], width: int, height: int) -> list[list]:
    """The rows split into as many side-by-side columns as it takes to fit
    `height` lines, if they fit `width`; else one column (it scrolls)."""
    fit = max(1, height - _FRAME_ROWS)
    if not rows:
        return [[]]
    key_w = max(len(k) for k, _ in rows)
    desc_w = max(len(d) for _, d in rows)
    column_w = key_w + 2 + desc_w
    columns = -(-len(rows) // fit)
    room = width - 4  # border and padding
    while columns > 1 and columns * column_w + (columns - 1) * _COLUMN_GAP > room:
        columns -= 1
    per = -(-len(rows) // columns)
    return [rows[i : i + per] for i in range(0, len(rows), per)]


class HelpScreen(ModalScreen[None]):
    """Every key of the screen underneath, in columns so that it fits the
    terminal (80x24 too); what does not fit scrolls, and the last line says
    so and how to close, always in sight."""

    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close help", id="close_help"),
        Binding("down,j", "scroll(1)", "Scroll down", id="help_down", show=False),
        Binding("up,k", "scroll(-1)", "Scroll up", id="help_up", show=False),
        Binding(
            "pagedown,space", "scroll(10)", "Page down", id="help_page", show=False
        ),
        Binding("pageup", "scroll(-10)", "Page up", id="help_page_up", show=False),
    ]

    DEFAULT_CSS = """
    HelpScreen #help-keys { height: auto; }
    """

    def __init__(self, for_screen: Screen, title: str) -> None:
        super().__init__()
        self.rows = key_rows(for_screen)
        self.screen_title = title

    def compose(self) -> ComposeResult:
        width, height = self.app.size
        columns = layout(self.rows, width, height)
        table = Table.grid(padding=(0, 2))
        for i, _ in enumerate(columns):
            table.add_column(style="bold", no_wrap=True)
            table.add_column(no_wrap=True)
            if i < len(columns) - 1:
                table.add_column(width=_COLUMN_GAP - 2)
        for line in range(max(len(c) for c in columns)):
            cells: list[Text] = []
            for i, column in enumerate(columns):
                keys, description = column[line] if line < len(column) else ("", "")
                cells += [Text(keys), Text(description)]
                if i < len(columns) - 1:
                    cells.append(Text(""))
            table.add_row(*cells)
        self.scrolls = len(max(columns, key=len)) > max(1, height - _FRAME_ROWS)
        hint = "↓ ↑ scroll · esc or ? closes" if self.scrolls else "esc or ? closes"
        with Vertical(id="dialog", classes="dialog help"):
            yield Label(Text(f"Keys — {self.screen_title}"), classes="dialog-title")
            with VerticalScroll(id="help-keys", can_focus=True):
                yield Static(table)
            yield Static(Text(hint), classes="hint help-hint")

    def on_mount(self) -> None:
        # As wide as the columns need (60 for one, the terminal for more).
        width, height = self.app.size
        columns = layout(self.rows, width, height)
        keys = self.query_one("#help-keys")
        keys.styles.max_height = max(1, height - _FRAME_ROWS)
        if len(columns) > 1:
            self.query_one("#dialog").styles.width = "100%"
        keys.focus()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-keys", VerticalScroll).scroll_relative(
            y=lines, animate=False
        )

    def action_close(self) -> None:
        self.dismiss(None)
