"""The new / edit form: type, title, date, notes, people, contact details.

The type is one key away wherever the cursor is: alt+letter (shown under
the Type field), or the letter alone while the Type field has focus. Plain
letters must stay text in the Title, People and Notes fields, and ctrl+c /
ctrl+p are taken (copy, the palette), so alt it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from ..config import default_currency
from ..core.clock import Clock
from ..core.dates import DateError, When, describe_when, parse_when
from ..core.errors import UserError
from ..core.money import Terms, parse_terms
from ..core.process import (
    CONTACT_NOTE,
    CONTACT_PERSON,
    CREATABLE,
    SALE_KEYS,
    RecordType,
    type_of,
)
from ..core.text import one_line
from ..domain.records import MAX_TITLE, ContactFields
from ..views.people import find_people


@dataclass
class FormResult:
    type: RecordType
    title: str
    body: str
    when: When | None
    contact: ContactFields | None
    participant_ids: list[int] = field(default_factory=list)
    new_people: list[str] = field(default_factory=list)
    terms: Terms | None = None


@dataclass
class FormStart:
    """What the form opens with (empty for new, the record's values for edit)."""

    type: RecordType
    title: str = ""
    body: str = ""
    contact: ContactFields | None = None
    people: list[tuple[int, str]] = field(default_factory=list)
    editing: bool = False
    parent_title: str = ""
    one_time: str = ""
    monthly: str = ""
    currency: str = field(default_factory=default_currency)
    date: str = ""  # the Date field as it opens (a template's day)
    # From a template (`t`): its id, name and how many records it brings.
    template_id: int | None = None
    template_name: str = ""
    template_children: int = 0

    @property
    def fixed_type(self) -> bool:
        """An edit keeps the record's type, a template's form the template's."""
        return self.editing or self.template_id is not None


NEW_PERSON = -1
SALE_TYPES = SALE_KEYS


def _type_letters() -> dict[str, RecordType]:
    """One letter per type the form offers, from its names: the short
    name's first letter, else a word's first letter of its name (Contact
    Person: c, as p is Proposal's), else any free letter of it."""
    letters: dict[str, RecordType] = {}
    for rtype in CREATABLE:
        initials = [word[0] for word in rtype.name.split()]
        for letter in (rtype.short[0], *initials, *rtype.name):
            letter = letter.lower()
            if letter.isalpha() and letter not in letters:
                letters[letter] = rtype
                break
    return letters


TYPE_LETTERS = _type_letters()
LETTER_OF = {rtype.key: letter for letter, rtype in TYPE_LETTERS.items()}


def _type_label(rtype: RecordType) -> Text:
    """'Sales Lead  l': the letter that picks it, in the field and its list."""
    label = Text(rtype.name)
    label.append("  ")
    label.append(LETTER_OF[rtype.key], style="bold underline")
    return label


TYPE_BINDINGS = [
    Binding(
        f"alt+{letter}",
        f"pick_type('{rtype.key}')",
        f"Type: {rtype.name}",
        id=f"pick_{rtype.key}",
        show=False,
        priority=True,  # before the text fields take the letter
    )
    for letter, rtype in TYPE_LETTERS.items()
]


class RecordForm(ModalScreen[FormResult | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
        *TYPE_BINDINGS,
    ]

    def __init__(self, start: FormStart, clock: Clock, session) -> None:
        super().__init__()
        self.start = start
        self.clock = clock
        self.session = session
        self.people: list[tuple[int, str]] = list(start.people)
        self.new_people: list[str] = []
        self._when: When | None = None
        self._date_error: str | None = None

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        start = self.start
        heading = f"Edit {start.type.name}" if start.editing else "New record"
        if start.template_id is not None:
            heading = f"New {start.type.name} from “{one_line(start.template_name)}”"
        if start.parent_title:
            heading += " in " + one_line(start.parent_title)
        with VerticalScroll(id="dialog", classes="dialog form"):
            yield Label(Text(heading), classes="dialog-title")
            if start.template_children:
                count = start.template_children
                yield Static(
                    Text(
                        f"With the {count} record{'s' if count > 1 else ''} under it."
                    ),
                    classes="hint",
                )
            if not start.fixed_type:
                with Horizontal(classes="field", id="type-row"):
                    yield Label("Type", classes="field-label")
                    yield Select(
                        [(_type_label(t), t.key) for t in CREATABLE],
                        value=start.type.key,
                        allow_blank=False,
                        id="type",
                        compact=True,
                        # The letters pick a type (on_key), in the open list too.
                        type_to_search=False,
                    )
                yield Static(self._type_keys(alt=True), id="type-keys")
            with Horizontal(classes="field"):
                yield Label("Title", classes="field-label", id="title-label")
                yield Input(
                    start.title, id="title", placeholder="what is it?", compact=True
                )
            with Horizontal(classes="field", id="date-row"):
                yield Label("Date", classes="field-label")
                yield Input(
                    start.date,
                    id="date",
                    placeholder="today, fri, +3d, 3.12. (empty: none)",
                    compact=True,
                )
            yield Static("", id="date-preview", classes="preview")
            with Horizontal(classes="field person-only"):
                yield Label("Company", classes="field-label")
                yield Input(
                    self._contact("organisation"), id="organisation", compact=True
                )
            with Horizontal(classes="field person-only"):
                yield Label("E-mail", classes="field-label")
                yield Input(self._contact("email"), id="email", compact=True)
            with Horizontal(classes="field person-only"):
                yield Label("Phone", classes="field-label")
                yield Input(self._contact("phone"), id="phone", compact=True)
            with Horizontal(classes="field sale-only"):
                yield Label("One-time", classes="field-label")
                yield Input(
                    start.one_time,
                    id="one_time",
                    placeholder="e.g. 12 000",
                    compact=True,
                )
            with Horizontal(classes="field sale-only"):
                yield Label("Monthly", classes="field-label")
                yield Input(
                    start.monthly, id="monthly", placeholder="e.g. 450", compact=True
                )
            with Horizontal(classes="field sale-only"):
                yield Label("Currency", classes="field-label")
                yield Input(start.currency, id="currency", max_length=3, compact=True)
            with Horizontal(classes="field not-person not-sale"):
                yield Label("People", classes="field-label")
                yield Input(
                    id="people",
                    placeholder="type part of a name, enter tags",
                    compact=True,
                )
            suggestions = OptionList(id="suggestions", classes="not-person not-sale")
            suggestions.can_focus = False
            yield suggestions
            yield Static("", id="tagged", classes="not-person not-sale tagged")
            with Horizontal(classes="field notes"):
                yield Label("Notes", classes="field-label")
                yield TextArea(
                    start.body,
                    id="body",
                    soft_wrap=True,
                    tab_behavior="focus",
                    compact=True,
                )
            yield Static("", id="form-error", classes="preview -error")
            yield Static(
                Text("enter or ctrl+s save · tab / shift+tab fields · esc cancel"),
                classes="hint",
            )

    @staticmethod
    def _type_keys(alt: bool) -> Text:
        """'alt+ t Task  l Lead  n Note  p Proposal  c Person'."""
        text = Text("alt+ " if alt else "     ")
        for letter, rtype in TYPE_LETTERS.items():
            text.append(letter, style="bold underline")
            text.append(f" {rtype.short}  ")
        text.rstrip()
        return text

    def _contact(self, name: str) -> str:
        return getattr(self.start.contact, name) if self.start.contact else ""

    def on_mount(self) -> None:
        self._apply_type(self.start.type)
        if self.start.editing:
            self.query_one("#date-row").display = False
        self.query_one("#title", Input).focus()

    @property
    def chosen_type(self) -> RecordType:
        if self.start.fixed_type:
            return self.start.type
        value = self.query_one("#type", Select).value
        return type_of(value) if isinstance(value, str) else self.start.type

    @on(Select.Changed, "#type")
    def _type_changed(self) -> None:
        self._apply_type(self.chosen_type)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "pick_type":
            return not self.start.fixed_type  # an edit keeps the record's type
        return super().check_action(action, parameters)

    def action_pick_type(self, key: str) -> None:
        """alt+letter: that type, wherever the cursor is."""
        select = self.query_one("#type", Select)
        on_type = self._on_type_field()  # the field, or its open list
        if select.expanded:
            select.expanded = False
        select.value = key
        if on_type:
            self.query_one("#title", Input).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # With the Type field focused, the letters alone pick a type.
        if not self.start.fixed_type:
            on_type = self._on_type_field()
            self.query_one("#type-keys", Static).update(self._type_keys(not on_type))

    def _apply_type(self, rtype: RecordType) -> None:
        is_person = rtype is CONTACT_PERSON
        self.query_one("#title-label", Label).update("Name" if is_person else "Title")
        self.query_one("#title", Input).placeholder = (
            "first and last name" if is_person else "what is it?"
        )
        is_sale = rtype.key in SALE_TYPES
        for widget in self.query(".person-only"):
            widget.display = is_person
        for widget in self.query(".sale-only"):
            widget.display = is_sale
        for widget in self.query(".not-person"):
            widget.display = not is_person and not (
                is_sale and widget.has_class("not-sale")
            )
        if not self.start.editing:
            self.query_one("#date-row").display = rtype.is_activity
        self.query_one("#date-preview").display = False
        if not self.start.editing:
            self._preview_date(self.query_one("#date", Input).value)
        self.query_one("#suggestions").display = False
        self.query_one("#form-error").display = False
        self._show_tagged()

    # -- date ------------------------------------------------------------------

    @on(Input.Changed, "#date")
    def _date_changed(self, event: Input.Changed) -> None:
        self._preview_date(event.value)

    def _preview_date(self, value: str) -> None:
        preview = self.query_one("#date-preview", Static)
        text = value.strip()
        self._when, self._date_error = None, None
        preview.display = bool(text) or self.chosen_type is CONTACT_NOTE
        if not text:
            if self.chosen_type is CONTACT_NOTE:
                preview.update(Text("No date: saved as a logged contact (done)."))
                preview.set_class(False, "-error")
            return
        try:
            self._when = parse_when(text, self.clock.today())
        except DateError as exc:
            self._date_error = str(exc)
            preview.update(Text("✗ " + str(exc)))
            preview.set_class(True, "-error")
        else:
            preview.update(Text("→ " + describe_when(self._when, self.clock.today())))
            preview.set_class(False, "-error")

    # -- people ------------------------------------------------------------------

    @on(Input.Changed, "#people")
    def _people_changed(self, event: Input.Changed) -> None:
        self._search_people(event.value)

    def _search_people(self, text: str) -> None:
        session, context = self.session, self.start.parent_title
        self.app.run_db(
            lambda: find_people(session, text, context=context) if text.strip() else [],
            lambda found: self._show_suggestions(text, found),
            owner=self,
            group="people",
            exclusive=True,
        )

    _suggested_for: str | None = None

    def _show_suggestions(self, text: str, found) -> None:
        if self.query_one("#people", Input).value != text:
            return  # the user typed on; a newer search is coming
        self._suggested_for = text
        options = self.query_one("#suggestions", OptionList)
        options.clear_options()
        taken = {pid for pid, _ in self.people}
        for record, organisation in found:
            if record.id in taken:
                continue
            label = Text(one_line(record.title))
            if organisation:
                label.append(f"  {one_line(organisation)}", style="dim")
            options.add_option(Option(label, id=str(record.id)))
        if text.strip():
            options.add_option(
                Option(Text(f"+ New person “{one_line(text.strip())}”"), id="new")
            )
        options.display = options.option_count > 0
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#people")
    def _people_submitted(self, event: Input.Submitted) -> None:
        # Enter with a name typed tags the highlighted suggestion (and stays
        # for the next person); enter on the empty field saves, as the hint
        # says of every field.
        if not event.value.strip():
            self.action_save()
            return
        options = self.query_one("#suggestions", OptionList)
        if self._suggested_for != event.value:
            # Enter before the search came back: ask now (one small query).
            try:
                found = find_people(
                    self.session, event.value, context=self.start.parent_title
                )
            except Exception as error:  # reported like any database failure
                self.app.report_failure(error)
                return
            self._show_suggestions(event.value, found)
        if options.option_count:
            self._pick(options.get_option_at_index(options.highlighted or 0))

    def _on_type_field(self) -> bool:
        """The Type field, or its open list of types, has focus."""
        widget = self.focused
        while widget is not None and widget is not self:
            if isinstance(widget, Select):
                return True
            widget = widget.parent
        return False

    def on_key(self, event) -> None:
        # Up/down in the people field move through the suggestions; focus
        # stays in the field, so typing always goes where it is seen.
        if (
            not self.start.fixed_type
            and self._on_type_field()
            and event.character in TYPE_LETTERS
        ):
            self.action_pick_type(TYPE_LETTERS[event.character].key)
            event.stop()
            event.prevent_default()
            return
        people = self.query_one("#people", Input)
        options = self.query_one("#suggestions", OptionList)
        if self.focused is not people:
            return
        if event.key in ("down", "up") and options.display and options.option_count:
            step = 1 if event.key == "down" else -1
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))
            event.stop()
            event.prevent_default()
        elif event.key == "backspace" and not people.value:
            self._untag_last()
            event.stop()

    @on(OptionList.OptionSelected, "#suggestions")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option)

    def _pick(self, option: Option) -> None:
        people = self.query_one("#people", Input)
        if option.id == "new":
            name = " ".join(people.value.split())
            if name and name not in self.new_people:
                self.new_people.append(name)
        else:
            pid = int(option.id)
            if pid not in {p for p, _ in self.people}:
                self.people.append((pid, str(option.prompt).split("  ")[0]))
        people.value = ""
        self.query_one("#suggestions", OptionList).display = False
        self._show_tagged()
        people.focus()

    def _untag_last(self) -> None:
        if self.new_people:
            self.new_people.pop()
        elif self.people:
            self.people.pop()
        self._show_tagged()

    def _show_tagged(self) -> None:
        names = [one_line(n) for _, n in self.people] + [
            one_line(n) + " (new)" for n in self.new_people
        ]
        tagged = self.query_one("#tagged", Static)
        tagged.update(Text("Tagged: " + ", ".join(names)) if names else "")
        tagged.display = (
            bool(names)
            and self.chosen_type is not CONTACT_PERSON
            and self.chosen_type.key not in SALE_TYPES
        )

    # -- save ------------------------------------------------------------------

    @on(
        Input.Submitted,
        "#title,#date,#organisation,#email,#phone,#one_time,#monthly,#currency",
    )
    def _field_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        error = self.query_one("#form-error", Static)
        error.display = True
        title = " ".join(self.query_one("#title", Input).value.split())
        rtype = self.chosen_type
        if not title:
            error.update(Text("✗ A title is needed."))
            self.query_one("#title", Input).focus()
            return
        if len(title) > MAX_TITLE:
            error.update(
                Text(
                    f"✗ The title is too long ({len(title)} > {MAX_TITLE} characters)."
                )
            )
            self.query_one("#title", Input).focus()
            return
        pending = self.query_one("#people", Input).value.strip()
        if pending and rtype is not CONTACT_PERSON:
            error.update(
                Text(f"✗ Press enter to tag “{one_line(pending)}”, or clear the field.")
            )
            self.query_one("#people", Input).focus()
            return
        if rtype.is_activity and self._date_error and not self.start.editing:
            error.update(Text("✗ " + self._date_error))
            self.query_one("#date", Input).focus()
            return
        terms = None
        if rtype.key in SALE_TYPES:
            try:
                terms = self._terms()
            except UserError as exc:
                error.update(Text("✗ " + str(exc)))
                return
        contact = None
        if rtype is CONTACT_PERSON:
            contact = ContactFields(
                organisation=self.query_one("#organisation", Input).value,
                email=self.query_one("#email", Input).value,
                phone=self.query_one("#phone", Input).value,
            )
        is_person = rtype is CONTACT_PERSON
        self.dismiss(
            FormResult(
                type=rtype,
                title=title,
                body=self.query_one("#body", TextArea).text,
                when=self._when if rtype.is_activity else None,
                contact=contact,
                participant_ids=[] if is_person else [p for p, _ in self.people],
                new_people=[] if is_person else list(self.new_people),
                terms=terms,
            )
        )

    def _terms(self) -> Terms:
        # The Currency field names the currency; a sum may name it too, but
        # not another one (parse_terms refuses that).
        code = self.query_one("#currency", Input).value.strip() or default_currency()
        terms = parse_terms(
            self.query_one("#one_time", Input).value,
            self.query_one("#monthly", Input).value,
            code,
        )
        assert terms is not None  # the currency is always given
        return terms

    def action_cancel(self) -> None:
        self.dismiss(None)
