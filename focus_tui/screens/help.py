"""`?`: every key of the screen underneath, generated from its bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
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


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close help", id="close_help"),
    ]

    def __init__(self, for_screen: Screen, title: str) -> None:
        super().__init__()
        self.rows = key_rows(for_screen)
        self.screen_title = title

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for keys, description in self.rows:
            table.add_row(Text(keys), Text(description))
        with VerticalScroll(id="dialog", classes="dialog help"):
            yield Label(Text(f"Keys — {self.screen_title}"), classes="dialog-title")
            yield Static(table)
            yield Static(Text("esc or ? closes"), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
