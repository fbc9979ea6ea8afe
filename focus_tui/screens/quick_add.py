"""Quick add (`+`): one line creates a record, previewed as you type.

The grammar is `core.quick_add`'s; the preview line asks the domain
(`preview_quick`) so an unknown cloud or colleague shows before enter, and
enter creates through `quick_add`, which refuses (nothing created) when the
names are wrong: the dialog stays open with the reason under the line.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ..core.errors import UserError
from ..core.quick_add import EXAMPLE, HELP, MAX_LINE
from ..core.text import one_line
from ..domain.quick_add import preview_quick, quick_add


class QuickAddDialog(ModalScreen):
    """Returns the new record, or None (esc)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="quick_cancel")]

    def __init__(
        self, session, context_id: int | None, context_title: str = ""
    ) -> None:
        super().__init__()
        self.session = session
        self.context_id = context_id
        self.context_title = context_title
        self._creating = False

    def compose(self) -> ComposeResult:
        heading = "Quick add"
        if self.context_title:
            heading += f" in #{self.context_id} {one_line(self.context_title)}"
        with Vertical(id="dialog", classes="dialog quick"):
            yield Label(Text(heading), classes="dialog-title")
            yield Input(
                placeholder=EXAMPLE, id="quick", compact=True, max_length=MAX_LINE
            )
            yield Static("", id="quick-preview", classes="preview")
            yield Static(Text(HELP), classes="hint")
            yield Static(Text("enter create · esc cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#quick", Input).focus()

    @on(Input.Changed, "#quick")
    def _changed(self, event: Input.Changed) -> None:
        self._preview(event.value)

    def _preview(self, text: str) -> None:
        # A few one-row reads (the cloud, the colleagues named): on the loop,
        # as the screens' page reads are.
        preview = self.query_one("#quick-preview", Static)
        if not text.strip():
            preview.update("")
            preview.set_class(False, "-error")
            return
        try:
            shown = preview_quick(self.session, text, context_id=self.context_id)
        except UserError as error:
            self._say_error(str(error))
        except Exception as error:  # the database: reported as everywhere
            self.app.report_failure(error)
        else:
            preview.update(Text("→ " + shown))
            preview.set_class(False, "-error")

    def _say_error(self, message: str) -> None:
        preview = self.query_one("#quick-preview", Static)
        preview.update(Text("✗ " + message))
        preview.set_class(True, "-error")

    @on(Input.Submitted, "#quick")
    def _submit(self, event: Input.Submitted) -> None:
        if self._creating:
            return  # one enter, one record
        if not event.value.strip():
            self._say_error(f"Type what to create, e.g. {EXAMPLE}.")
            self.app.bell()
            return
        self._creating = True
        session, text, context = self.session, event.value, self.context_id
        self.app.run_db(
            lambda: quick_add(session, text, context_id=context),
            self.dismiss,
            owner=self,
            group="quick-add",
            failed=self._failed,
        )

    def _failed(self, error: BaseException | None) -> bool:
        self._creating = False
        if isinstance(error, UserError):
            self._say_error(str(error))  # nothing was created; fix and retry
            self.app.bell()
            return True
        return False

    def action_cancel(self) -> None:
        self.dismiss(None)
