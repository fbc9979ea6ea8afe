"""A progress bar while an export runs; escape cancels it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, Static


class Cancelled(Exception):
    """Raised from the progress callback to stop the export."""


class ExportProgress(ModalScreen[None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel export", id="cancel_export")]

    def __init__(self) -> None:
        super().__init__()
        self.worker = None
        self.cancelled = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(Text("Exporting to Excel…"), classes="dialog-title")
            yield ProgressBar(total=None, show_eta=False, id="export-bar")
            yield Static(Text("esc cancels (nothing is left behind)"), classes="hint")

    def update_progress(self, done: int, total: int) -> None:
        if self.cancelled:
            raise Cancelled  # the export stops; its temporary file is removed
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)

    def action_cancel(self) -> None:
        self.cancelled = True
        if self.worker is not None:
            self.worker.cancel()
        self.dismiss()
