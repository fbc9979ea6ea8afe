"""`t` from template, and save as template (main view and a record's feed).

`t` opens a picker of the templates that fit here (typing narrows it,
`enter` picks), then the new-record form filled from the template: the
user changes whatever they like and saves; the template's children come
along (`domain.templates.create_from_template`). `ctrl+t` saves the
highlighted record (in a feed, the feed's record) with its children as a
new template, asking for its name.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..core.process import type_of
from ..core.text import one_line

# The templates' domain and views are imported when `t` is first pressed:
# the main view imports this module, and start-up is measured.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..views.templates import TemplateRow

TEMPLATE_BINDINGS = [
    Binding("t", "from_template", "From template", id="from_template", show=False),
    Binding(
        "ctrl+t", "save_template", "Save as template", id="save_template", show=False
    ),
]


def _line(row: TemplateRow) -> str:
    children = f" · {row.children} under it" if row.children else ""
    return f"{row.name} · {type_of(row.type).short} · {row.cloud}{children}"


class TemplatePicker(ModalScreen["TemplateRow | None"]):
    """Pick a template; None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="template_cancel"),
        Binding("up", "move(-1)", "Up", id="template_up", show=False),
        Binding("down", "move(1)", "Down", id="template_down", show=False),
    ]

    DEFAULT_CSS = """
    TemplatePicker OptionList { height: auto; max-height: 14; }
    """

    def __init__(self, rows: list[TemplateRow], title: str = "From template") -> None:
        super().__init__()
        self.rows = rows
        self.title_text = title
        self.shown: list[TemplateRow] = list(rows)

    def compose(self) -> ComposeResult:
        with Vertical(id="template-dialog", classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Input(placeholder="type to narrow", id="template-find", compact=True)
            yield OptionList(id="templates", compact=True, markup=False)
            yield Static(Text("↑ ↓ choose · enter use · esc cancel"), classes="hint")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, text: str) -> None:
        wanted = text.strip().casefold()
        self.shown = [r for r in self.rows if wanted in _line(r).casefold()]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(Text(one_line(_line(r)))) for r in self.shown)
        if self.shown:
            options.highlighted = 0

    @on(Input.Changed, "#template-find")
    def _narrow(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self.shown:
            at = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, at + step))

    @on(Input.Submitted, "#template-find")
    def _submitted(self) -> None:
        at = self.query_one(OptionList).highlighted
        if at is None or at >= len(self.shown):
            self.app.bell()
            return
        self.dismiss(self.shown[at])

    @on(OptionList.OptionSelected, "#templates")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class TemplateActions:
    """Mixin for the main view and a feed (with RecordActions).

    `template_parent()` says which record a new one goes under (None on the
    main view); `template_source()` which record `ctrl+t` saves."""

    def template_parent(self) -> tuple[int | None, str, str | None]:
        """(parent id, its title, its type key) for new records."""
        return None, "", None

    def template_source(self):  # a RecordRow-like with id and title
        return self.target()

    def action_from_template(self) -> None:
        from ..domain import templates
        from ..views.templates import fitting_types, template_rows, template_start

        parent_id, parent_title, parent_type = self.template_parent()
        session = self.session

        def load() -> list[TemplateRow]:
            templates.ensure_builtins(session)
            return template_rows(session, fitting_types(parent_type))

        def show(rows: list[TemplateRow]) -> None:
            if not rows:
                self.say("No templates fit here: ctrl+t saves a record as one.")
                return
            self.app.push_screen(TemplatePicker(rows), picked)

        def picked(row: TemplateRow | None) -> None:
            if row is None:
                return
            self.read_now(
                lambda: template_start(session, row.id, parent_id),
                lambda start: self._open_from_template(start, parent_id, parent_title),
            )

        self.run_db(load, show)

    def _open_from_template(self, start, parent_id, parent_title: str) -> None:
        from .record_form import FormStart

        form = FormStart(
            type=start.type,
            title=start.title,
            body=start.body,
            contact=start.contact,
            parent_title=parent_title,
            one_time=start.one_time,
            monthly=start.monthly,
            date=start.date,
            template_id=start.template_id,
            template_name=start.name,
            template_children=start.children,
        )
        if start.currency:
            form.currency = start.currency
        self.open_new_form(form, parent_id=parent_id, cloud=self.template_cloud())

    def template_cloud(self) -> str | None:
        return None

    def action_save_template(self) -> None:
        from ..domain import templates
        from .step_dialog import FLAG, TEXT, Field, StepDialog, StepForm

        row = self.template_source()
        if row is None:
            self.notify("Nothing selected.", markup=False, timeout=2)
            return
        form = StepForm(
            f"Save as template: {row.title}",
            [
                Field("name", "Name", TEXT, one_line(row.title)[:60], required=True),
                Field("replace", "Replace a template of that name", FLAG, False),
            ],
            note=(
                "The record and everything under it; dates as days from its "
                "date (an order's: from its sold day)."
            ),
        )

        def answered(values: dict | None) -> None:
            if not values:
                return
            name, replace = values["name"], values["replace"]
            self.run_db(
                lambda: templates.save_template(
                    self.session, row.id, name, replace=replace
                ),
                lambda made: self.say(
                    f"Saved as template “{one_line(name)}” ({_used_by(made)})."
                ),
            )

        self.app.push_screen(StepDialog(form, self.session.clock), answered)


def _used_by(template) -> str:
    """Where a new template is offered: an Order's in the Sold step (its
    tasks), every other type's under `t`."""
    from ..core.process import ORDER

    if template.type == ORDER.key:
        return "Sold offers it for the fulfilment tasks"
    return "t uses it"
