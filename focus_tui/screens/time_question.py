"""Was that time work? Asked when a focus ran on while nobody was there.

Two cases, one dialog: the terminal sat idle while focused (keep the time,
discard the idle part, or give it to another activity), or a focus ran past
the limit or across midnight (keep it, or say when you stopped). Nothing
changes until the user answers; escape leaves everything as it is and asks
no more about this focus.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


@dataclass(frozen=True)
class Answer:
    choice: str  # "keep", "discard", "give" (idle) / "keep", "stop" (ran on)
    text: str = ""  # the activity's id (give) or the time stopped (stop)


class TimeQuestion(ModalScreen[Answer]):
    """`idle=True`: the idle question; else the ran-past-the-limit one."""

    AUTO_FOCUS = None  # the letters are the answers (the input comes later)

    BINDINGS = [
        Binding("k", "answer('keep')", "Keep", id="keep"),
        Binding("d", "answer('discard')", "Discard idle", id="discard"),
        Binding("g", "ask('give')", "Give to…", id="give"),
        Binding("s", "ask('stop')", "Stopped at…", id="stop"),
        Binding("escape", "answer('keep')", "Keep", id="cancel", show=False),
    ]

    def __init__(self, message: str, *, idle: bool) -> None:
        super().__init__()
        self.message = message
        self.idle = idle
        self._asking: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(Text("Was that time work?"), classes="dialog-title")
            yield Static(Text(self.message))
            yield Static("", id="problem", classes="preview")
            keys = (
                "k keep it all · d discard the idle part · g give it to… (an id)"
                if self.idle
                else "k keep it all · s I stopped at… (a time)"
            )
            yield Static(Text(keys), classes="hint")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self._asking is not None and action in ("answer", "ask"):
            return parameters == ("keep",) or None  # typing: letters are text
        wanted = parameters[0] if parameters else ""
        if wanted in ("discard", "give"):
            return self.idle
        if wanted == "stop":
            return not self.idle
        return True

    def action_answer(self, choice: str) -> None:
        if self._asking is not None and choice == "keep":
            self._asking = None  # escape while typing: back to the choices
            self.query_one(Input).remove()
            self.query_one("#problem", Static).update("")
            self.refresh_bindings()
            return
        self.dismiss(Answer(choice))

    def action_ask(self, choice: str) -> None:
        self._asking = choice
        hint = "activity id, like 42" if choice == "give" else "like 17:30"
        # Mounted only now: while it exists, letters are typed, not answers.
        field = Input(placeholder=hint, id="answer", compact=True)
        self.query_one("#dialog").mount(field, before=self.query_one("#problem"))
        field.focus()
        self.refresh_bindings()

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one("#problem", Static).update(Text("✗ Type an answer first."))
            return
        assert self._asking is not None
        self.dismiss(Answer(self._asking, text))
