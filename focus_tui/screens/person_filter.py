"""The person filter of the board, the reports and the feeds: everyone, me,
or one colleague.

`@` opens a small picker — everyone, me, then each person who shares a
cloud with me by display name (the access path's `display_names`, the same
teammates the CLI's `--person` and `--actor` accept). Typing narrows the
list, `enter` picks, `esc` keeps the filter as it was. A picker rather than
a key that goes round: a team of eight would be nine presses to go round,
and nobody can see who comes next; the picker shows them all at once and
reaches anyone in two or three keys (`@` `↓` `enter` is "me"). `a` is
left for attach (DESIGN §4); `#` is the cloud filter beside it.

What the filter means is each screen's: actor of a card (board), actor of a
record (a cloud's feed), actor of a deal and whose time (reports), actor of
a child record and author of a history line (a record's feed).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..core.text import one_line
from ..domain.access import display_names
from ..domain.session import Session


@dataclass(frozen=True)
class PersonChoice:
    """One setting of the filter: nobody in particular, or one user."""

    user_id: int | None  # None: everyone
    label: str  # "everyone", "me", or the person's display name
    is_me: bool = False  # (a colleague may well be called "me")
    own_name: str = ""  # mine, for the picker: "me (Mia Koski)"

    @property
    def shown(self) -> str:
        """The picker's line (what typing narrows by)."""
        return f"me ({self.own_name})" if self.is_me and self.own_name else self.label

    @property
    def everyone(self) -> bool:
        return self.user_id is None

    def as_actor(self) -> str:
        """'everyone', 'me as actor', '@Anna Virtanen' (the `@` of the key
        and of quick add: a title has no room for "as actor" after a name)."""
        if self.everyone:
            return "everyone"
        return "me as actor" if self.is_me else f"@{self.label}"


EVERYONE = PersonChoice(None, "everyone")


def me(session: Session) -> PersonChoice:
    name = one_line(session.user.display_name)
    return PersonChoice(session.user_id, "me", is_me=True, own_name=name)


def person_choices(session: Session) -> list[PersonChoice]:
    """Everyone, me, then the people who share a (not archived) cloud with
    me, by display name."""
    others = sorted(
        (
            (one_line(name), user_id)
            for user_id, name in display_names(session).items()
            if user_id != session.user_id
        ),
        key=lambda item: (item[0].casefold(), item[1]),
    )
    return [EVERYONE, me(session), *(PersonChoice(uid, name) for name, uid in others)]


class PersonPicker(ModalScreen[PersonChoice | None]):
    """Pick whose records a screen shows; None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="person_cancel"),
        Binding("up", "move(-1)", "Up", id="person_up", show=False),
        Binding("down", "move(1)", "Down", id="person_down", show=False),
    ]

    DEFAULT_CSS = """
    PersonPicker OptionList { height: auto; max-height: 14; }
    """

    def __init__(self, choices: list[PersonChoice], current: PersonChoice) -> None:
        super().__init__()
        self.choices = choices
        self.current = current
        self.shown: list[PersonChoice] = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="person-dialog", classes="dialog"):
            yield Label(Text("Show whose"), classes="dialog-title")
            yield Input(placeholder="type to narrow", id="person-find", compact=True)
            yield OptionList(id="people", compact=True, markup=False)
            yield Static(Text("↑ ↓ choose · enter show · esc cancel"), classes="hint")

    def on_mount(self) -> None:
        # Narrower than the app's dialogs (their width is the app's CSS,
        # which outranks a widget's own): names are short.
        self.query_one("#person-dialog").styles.width = 44
        self._fill("")
        at = next(
            (i for i, c in enumerate(self.shown) if c.user_id == self.current.user_id),
            0,
        )
        self.query_one(OptionList).highlighted = at
        self.query_one(Input).focus()

    def _fill(self, text: str) -> None:
        wanted = text.strip().casefold()
        self.shown = [c for c in self.choices if wanted in c.shown.casefold()]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(Text(c.shown)) for c in self.shown)
        if self.shown:
            options.highlighted = 0

    @on(Input.Changed, "#person-find")
    def _narrow(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self.shown:
            at = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, at + step))

    @on(Input.Submitted, "#person-find")
    def _submitted(self) -> None:
        at = self.query_one(OptionList).highlighted
        if at is None or at >= len(self.shown):
            self.app.bell()
            return
        self.dismiss(self.shown[at])

    @on(OptionList.OptionSelected, "#people")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


# `@` as in DESIGN §4 and quick add's `@bob` (`a` is attach's).
PERSON_BINDING = Binding(
    "at",
    "pick_person",
    "Person",
    id="pick_person",
    key_display="@",
    show=False,
    tooltip="Person filter: everyone, me or a colleague",
)


def cloud_binding(action: str, *, show: bool = True) -> Binding:
    """`#` (DESIGN §4, quick add's `#nordic`): the next of my clouds. One id
    on every screen, so a keymap moves it everywhere at once."""
    return Binding(
        "number_sign",
        action,
        "Cloud",
        id="cloud_filter",
        key_display="#",
        show=show,
        tooltip="Cloud filter: all my clouds, then each in turn",
    )


class PersonFilter:
    """Mixin for a DataScreen: `self.person` and the keys that set it.

    The screen implements `person_changed()` (apply the filter, reload).
    """

    person: PersonChoice = EVERYONE

    def action_pick_person(self) -> None:
        """@: everyone, me or a colleague, from a picker."""

        def chosen(choice: PersonChoice | None) -> None:
            if choice is not None and choice != self.person:
                self._set_person(choice)

        self.read_now(
            lambda: person_choices(self.session),
            lambda choices: self.app.push_screen(
                PersonPicker(choices, self.person), chosen
            ),
        )

    def _set_person(self, choice: PersonChoice) -> None:
        self.person = choice
        self.person_changed()
        self.say(f"Showing {self.person_said()}.")

    def person_said(self) -> str:
        """How the notice names the setting; screens may word it their way."""
        return self.person.as_actor()

    def person_changed(self) -> None:  # pragma: no cover - each screen's
        raise NotImplementedError
