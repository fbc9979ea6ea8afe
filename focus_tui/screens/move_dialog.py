"""Move: one short answer gives an activity a new date, previewed as you type."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ..core.clock import Clock
from ..core.dates import DateError, When, describe_when, parse_when
from ..core.text import one_line

EXAMPLES = "tomorrow · fri · +3d · in 2 weeks · 3.12. · dec 3 14:00 · none"


class MoveDialog(ModalScreen[When | None]):
    """Asks for a date expression; returns the parsed When, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, title: str, clock: Clock) -> None:
        super().__init__()
        self.record_title = title
        self.clock = clock
        self._when: When | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(
                Text("Move: " + one_line(self.record_title)), classes="dialog-title"
            )
            yield Input(placeholder="when?", id="when", compact=True)
            yield Static("", id="preview", classes="preview")
            yield Static(Text(EXAMPLES), classes="hint")
            yield Static(Text("enter move · esc cancel"), classes="hint")

    @on(Input.Changed, "#when")
    def _preview(self, event: Input.Changed) -> None:
        preview = self.query_one("#preview", Static)
        text = event.value.strip()
        if not text:
            self._when = None
            preview.update("")
            preview.set_class(False, "-error")
            return
        try:
            self._when = parse_when(text, self.clock.today())
        except DateError as exc:
            self._when = None
            preview.update(Text("✗ " + str(exc)))
            preview.set_class(True, "-error")
        else:
            preview.update(Text("→ " + describe_when(self._when, self.clock.today())))
            preview.set_class(False, "-error")

    @on(Input.Submitted, "#when")
    def _submit(self) -> None:
        if self._when is not None:
            self.dismiss(self._when)
        else:
            preview = self.query_one("#preview", Static)
            if not str(preview.render()).strip():
                preview.update(Text("✗ Type when, e.g. " + EXAMPLES))
                preview.set_class(True, "-error")
            self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)
