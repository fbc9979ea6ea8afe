"""Record types as places: every Sales Lead, Client Relationship, Proposal,
Order, Contact Person… of my clouds, paged like the main view (`g` picks the
type; `P` goes straight to People), with the `#` cloud and `@` person
filters and `o` to sort by date or title."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ..core.process import (
    CLIENT_RELATIONSHIP,
    CONTACT_NOTE,
    CONTACT_PERSON,
    ORDER,
    SALES_LEAD,
    SALES_PROPOSAL,
    TASK,
    RecordType,
    plural_name,
)
from ..core.text import one_line
from ..views.listing import RecordRow
from ..views.people import PersonRow
from ..views.places import count_of_type, type_page
from ..widgets.record_list import PagedLines, RecordList
from ..widgets.timer_bar import TimerBar
from ..widgets.title_bar import TitleBar
from .attach import ATTACH_BINDING, AttachActions, Target
from .base import DataScreen, key_footer
from .person_filter import PERSON_BINDING, PersonFilter, cloud_binding

# The picker's keys: one letter each, shown beside the type.
PLACES: tuple[tuple[str, RecordType], ...] = (
    ("l", SALES_LEAD),
    ("c", CLIENT_RELATIONSHIP),
    ("p", SALES_PROPOSAL),
    ("o", ORDER),
    ("k", CONTACT_PERSON),
    ("n", CONTACT_NOTE),
    ("t", TASK),
)


class TypePicker(ModalScreen[str | None]):
    """`g`: which record type to go to, one key."""

    BINDINGS = [
        Binding("escape,g", "pick(None)", "Cancel", id="places_cancel"),
        *(
            Binding(key, f"pick('{rtype.key}')", plural_name(rtype), show=False)
            for key, rtype in PLACES
        ),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(Text("Go to every record of a type"), classes="dialog-title")
            for key, rtype in PLACES:
                yield Static(Text(f" {key}  {plural_name(rtype)}"))
            yield Static(Text("a key · esc cancel"), classes="hint")

    def action_pick(self, type_key: str | None) -> None:
        self.dismiss(type_key)


class TypeListScreen(AttachActions, PersonFilter, DataScreen):
    """Every record of one type in my clouds, by date (newest first) or by
    title; `enter` opens the feed."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="places_back"),
        Binding("o", "toggle_order", "Sort", id="places_order"),
        cloud_binding("cycle_cloud"),
        replace(PERSON_BINDING, show=True),
        replace(ATTACH_BINDING, show=False),
    ]

    def __init__(self, type_key: str, order: str | None = None) -> None:
        super().__init__()
        from ..core.process import type_of

        self.rtype = type_of(type_key)
        # People by name; the others newest first.
        self.order = order or ("title" if self.rtype is CONTACT_PERSON else "date")
        self.cloud_id: int | None = None
        self.cloud_name = "all my clouds"
        self.help_title = plural_name(self.rtype)

    def compose(self) -> ComposeResult:
        yield TitleBar(self._title())
        yield TimerBar()
        yield RecordList(
            self.session.clock, empty_text="None in your clouds.", id="places-list"
        )
        yield key_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(RecordList).focus()
        self.reload()

    def _title(self) -> str:
        people = self.rtype is CONTACT_PERSON
        order = {"title": "by name" if people else "by title", "date": "newest"}
        if people and self.order == "date":
            order["date"] = "by name"  # people have no date of their own
        where = "" if self.cloud_id is None else f" · {self.cloud_name}"
        if not self.person.everyone:
            where += f" · {self.person.as_actor()}"
        return f"{plural_name(self.rtype)} · {order[self.order]}{where}"

    def current_id(self) -> int | None:
        line = self.query_one(RecordList).current
        return line.id if isinstance(line, RecordRow | PersonRow) else None

    def attach_target(self) -> Target | None:
        line = self.query_one(RecordList).current
        if isinstance(line, RecordRow | PersonRow):
            return Target(line.id, line.title, "highlighted")
        return None

    def reload(self, keep: int | None = None) -> None:
        session, key, order = self.session, self.rtype.key, self.order
        cloud_id, actor_id = self.cloud_id, self.person.user_id

        def load():
            total = count_of_type(session, key, cloud_id, actor_id)
            first = type_page(
                session, key, 0, PagedLines.PAGE, order, cloud_id, actor_id
            )
            return total, first

        def show(result) -> None:
            total, first = result
            lines = PagedLines(
                total,
                lambda start, limit: type_page(
                    session, key, start, limit, order, cloud_id, actor_id
                ),
            )
            lines.seed(0, first)
            self.query_one(RecordList).set_lines(lines, keep_record=keep)
            self.query_one(TitleBar).title = self._title()
            self.sub_title = f"{total}"

        # A count over a type of a million records takes ~0.1 s: a worker.
        self.run_db(load, show, group="places", exclusive=True)

    def action_toggle_order(self) -> None:
        if self.rtype is CONTACT_PERSON:
            self.notify("People are listed by name.", timeout=2)
            return
        self.order = "title" if self.order == "date" else "date"
        self.reload()
        self.notify(f"Sorted {self._title().split(' · ')[1]}.", timeout=2)

    def action_cycle_cloud(self) -> None:
        from ..domain.access import my_clouds

        def show(clouds: list[tuple[int, str]]) -> None:
            ids = [None, *(cid for cid, _ in clouds)]
            names = ["all my clouds", *(one_line(name) for _, name in clouds)]
            at = ids.index(self.cloud_id) if self.cloud_id in ids else 0
            at = (at + 1) % len(ids)
            self.cloud_id, self.cloud_name = ids[at], names[at]
            self.reload()
            self.notify(f"Showing {self.cloud_name}.", markup=False, timeout=2)

        self.read_now(lambda: [(c.id, c.name) for c in my_clouds(self.session)], show)

    def person_changed(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(RecordList.Selected)
    def _selected(self, event: RecordList.Selected) -> None:
        from .feed import FeedScreen

        if isinstance(event.line, RecordRow | PersonRow):
            self.app.push_screen(FeedScreen(event.line.id))
