"""One small dialog for every sales-process step: only the fields it needs.

A step lists its fields (a date, a follow-up expression, sums, a reason, a
yes/no, a list of tasks, each with an optional date); each is checked as it
is typed and the dialog returns the parsed values, or None when cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.style import Style
from textual.widgets import Checkbox, Input, Label, Select, Static

from ..core.clock import Clock
from ..core.dates import When, day_label, describe_when, parse_day, parse_when
from ..core.errors import UserError
from ..core.money import parse_money, parse_terms
from ..core.text import one_line

# Field kinds
DAY = "day"  # a day that was (a step's date, a report period) -> date
WHEN = "when"  # when to do something next -> When (may be "none")
MONEY = "money"  # a sum -> Money | None
TEXT = "text"  # free text, one line
FLAG = "flag"  # yes/no
LINES = "lines"  # one item per line -> list[str]
DATED_LINES = "dated_lines"  # "title | when" per line -> list[(str, When | None)]
CHOICE = "choice"  # one of `options` -> its value; may fill other fields

# Between a line's title and its date in a DATED_LINES field.
DATE_MARK = "|"


@dataclass
class Field:
    name: str
    label: str
    kind: str
    default: Any = ""
    required: bool = False
    hint: str = ""
    # CHOICE: (label, value) pairs, and what each value writes into other
    # fields ({value: {field name: lines}}), e.g. a template's tasks.
    options: tuple = ()
    fills: dict = field(default_factory=dict)


@dataclass
class StepForm:
    title: str
    fields: list[Field]
    note: str = ""
    confirm: str = "enter or ctrl+s"
    extra: dict = field(default_factory=dict)
    # Names of the one-time and monthly MONEY fields: the answer then holds
    # "terms", both sums read together with their one currency (parse_terms).
    terms: tuple[str, str] | None = None


class StepCheckbox(Checkbox, inherit_bindings=False):
    """A checkbox that space toggles and enter leaves to the dialog (confirm).

    It reads `[x]` when on and `[ ]` when off: Textual's `▐X▌` differs only
    in colour, and a user took an unchecked one for checked.
    """

    BINDINGS = [Binding("space", "toggle_button", "Toggle", show=False)]

    @property
    def _button(self) -> Content:
        if not self.value:
            return Content("[ ]")
        # The mark in the button's "on" colour, on the dialog's background.
        colour = self.get_visual_style("toggle--button").foreground
        return Content.assemble("[", ("x", Style(foreground=colour, bold=True)), "]")


# Fields whose reading is shown (or why not) under them as they are typed.
CHECKED = (DAY, WHEN, MONEY, DATED_LINES)


class StepDialog(ModalScreen[dict | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="step_save", priority=True),
        Binding("enter", "save", "Confirm", id="step_confirm", show=False),
        Binding("escape", "cancel", "Cancel", id="step_cancel"),
    ]

    def __init__(self, form: StepForm, clock: Clock) -> None:
        super().__init__()
        self.form = form
        self.clock = clock

    def compose(self) -> ComposeResult:
        # Imported here: the sales keys bring this module in with the main
        # view, and the TextArea is a tenth of the start-up beyond Textual's.
        from textual.widgets import TextArea

        with VerticalScroll(id="dialog", classes="dialog form step"):
            yield Label(Text(one_line(self.form.title)), classes="dialog-title")
            if self.form.note:
                yield Static(Text(self.form.note), classes="hint")
            for f in self.form.fields:
                if f.kind == FLAG:
                    yield StepCheckbox(
                        f.label, value=bool(f.default), id=f.name, compact=True
                    )
                    continue
                if f.kind == CHOICE:
                    with Horizontal(classes="field"):
                        yield Label(f.label, classes="field-label")
                        yield Select(
                            [(Text(label), value) for label, value in f.options],
                            value=f.default,
                            allow_blank=False,
                            id=f.name,
                            compact=True,
                        )
                    continue
                lines = f.kind in (LINES, DATED_LINES)
                with Horizontal(classes="field notes" if lines else "field"):
                    yield Label(f.label, classes="field-label")
                    if lines:
                        yield TextArea(
                            "\n".join(f.default or ()),
                            id=f.name,
                            compact=True,
                            tab_behavior="focus",
                        )
                    else:
                        yield Input(
                            str(f.default or ""),
                            id=f.name,
                            placeholder=f.hint,
                            compact=True,
                        )
                if f.kind in CHECKED:
                    yield Static("", id=f"{f.name}-check", classes="preview")
            yield Static("", id="step-error", classes="preview -error")
            yield Static(
                Text(f"{self.form.confirm} confirm · tab next · esc cancel"),
                classes="hint",
            )

    def on_mount(self) -> None:
        for f in self.form.fields:
            if f.kind in CHECKED:
                self._safe_check(f)
        self.query_one("#step-error").display = False
        fields = self.query("Input, Checkbox, TextArea")
        if fields:
            fields.first().focus()

    def on_descendant_focus(self, event) -> None:
        # Tab into a list of lines (the Sold dialog's tasks) lands after the
        # last line, where one more is added with enter.
        from textual.widgets import TextArea

        area = event.widget
        if isinstance(area, TextArea) and area.selection.is_empty:
            area.move_cursor(area.document.end)

    def _field(self, name: str) -> Field:
        return next(f for f in self.form.fields if f.name == name)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input.id:
            f = self._field(event.input.id)
            if f.kind in CHECKED:
                self._safe_check(f)

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        f = self._field(event.select.id or "")
        for name, lines in f.fills.get(event.value, {}).items():
            self.query_one(f"#{name}").text = "\n".join(lines)

    def on_text_area_changed(self, event) -> None:  # TextArea.Changed
        f = self._field(event.text_area.id or "")
        if f.kind == DATED_LINES:
            self._safe_check(f)

    def _check(self, f: Field) -> Any:
        """Parse one field; show the result or the reason under it."""
        check = self.query_one(f"#{f.name}-check", Static)
        if f.kind == DATED_LINES:
            text = self.query_one(f"#{f.name}").text
        else:
            text = self.query_one(f"#{f.name}", Input).value.strip()
        try:
            value = self._parse(f, text)
        except UserError as exc:
            check.update(Text("✗ " + str(exc)))
            check.set_class(True, "-error")
            check.display = True
            raise
        check.set_class(False, "-error")
        if f.kind in (DAY, WHEN) and value is not None:
            when = value if isinstance(value, When) else When(value)
            check.update(Text("→ " + describe_when(when, self.clock.today())))
            check.display = True
        elif f.kind == DATED_LINES and value:
            check.update(Text("→ " + self._dated_summary(value)))
            check.display = True
        else:
            check.update("")
            check.display = False
        return value

    def _parse(self, f: Field, text: str) -> Any:
        if f.kind == DAY:
            if not text:
                if f.required:
                    raise UserError(f"{f.label}: a date is needed.")
                return None
            return parse_day(text, self.clock.today(), what=f.label)
        if f.kind == WHEN:
            if not text:
                return None
            return parse_when(text, self.clock.today())
        if f.kind == MONEY:
            return parse_money(text, required=f.required)
        if f.kind == DATED_LINES:
            return self._parse_dated(text)
        return text

    def _parse_dated(self, text: str) -> list[tuple[str, When | None]]:
        """Each line "title | when" (the date optional), read with the
        dates everyone else reads (`parse_when`)."""
        items = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            title, mark, when_text = line.rpartition(DATE_MARK)
            if not mark:
                title, when_text = line, ""
            title = " ".join(title.split())
            if not title:
                raise UserError(f"Line {number}: a title is needed before the |.")
            try:
                when = (
                    parse_when(when_text, self.clock.today())
                    if when_text.strip()
                    else None
                )
            except UserError as exc:
                raise UserError(f"Line {number}: {exc}") from None
            items.append((title, when))
        return items

    def _dated_summary(self, items: list[tuple[str, When | None]]) -> str:
        today = self.clock.today()
        return " · ".join(
            f"{one_line(title)} "
            + (
                day_label(when.date, today, when.time)
                if when and when.date
                else "no date"
            )
            for title, when in items
        )

    def _safe_check(self, f: Field) -> tuple[bool, Any]:
        try:
            return True, self._check(f)
        except UserError as exc:
            return False, exc

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        values: dict[str, Any] = {}
        for f in self.form.fields:
            if f.kind == FLAG:
                values[f.name] = self.query_one(f"#{f.name}", Checkbox).value
            elif f.kind == CHOICE:
                values[f.name] = self.query_one(f"#{f.name}", Select).value
            elif f.kind == DATED_LINES:
                ok, value = self._safe_check(f)
                if not ok:
                    self.query_one(f"#{f.name}").focus()
                    self.app.bell()
                    return
                values[f.name] = value
            elif f.kind == LINES:
                text = self.query_one(f"#{f.name}").text
                values[f.name] = [
                    line.strip() for line in text.splitlines() if line.strip()
                ]
            elif f.kind == TEXT:
                values[f.name] = " ".join(
                    self.query_one(f"#{f.name}", Input).value.split()
                )
            else:
                ok, value = self._safe_check(f)
                if not ok:
                    # The reason is already shown under the field itself.
                    self.query_one(f"#{f.name}", Input).focus()
                    self.app.bell()
                    return
                values[f.name] = value
        if self.form.terms is not None:
            one_time, monthly = self.form.terms
            try:
                values["terms"] = parse_terms(
                    self.query_one(f"#{one_time}", Input).value,
                    self.query_one(f"#{monthly}", Input).value,
                )
            except UserError as exc:
                error = self.query_one("#step-error", Static)
                error.update(Text("✗ " + str(exc)))
                error.display = True
                self.query_one(f"#{one_time}", Input).focus()
                self.app.bell()
                return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
