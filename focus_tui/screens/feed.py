"""One record's feed: header, its children and its history, newest first.

`@` narrows it to one person (a picker: everyone, me, a colleague): the
children they are an actor of and the history lines they wrote — what
"their part" of the record is. The record's own line and header stay.
"""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ..core.dates import day_label
from ..core.process import (
    CLIENT_RELATIONSHIP,
    CONTACT_NOTE,
    CONTACT_PERSON,
    SALES_LEAD,
    TASK,
    type_of,
)
from ..core.text import format_duration, one_line, visible
from ..domain.attachments import FileInfo
from ..views import feed
from ..views.feed import HistoryItem
from ..views.listing import RecordRow
from ..widgets.record_list import GroupLine, PagedLines, RecordList, SelfLine
from ..widgets.timer_bar import TimerBar
from ..widgets.title_bar import TitleBar
from .actions import RECORD_BINDINGS, RecordActions
from .attach import ATTACH_BINDING, FILE_BINDINGS, AttachActions, FileActions
from .base import DataScreen, key_footer
from .detail import DETAIL_BINDING, show_history, show_record
from .person_filter import PERSON_BINDING, PersonFilter
from .sales_actions import SALES_BINDINGS, SalesActions
from .templates import TEMPLATE_BINDINGS, TemplateActions
from .time_entries import TimeScreen

# What a new child most likely is, by the parent's type.
DEFAULT_CHILD = {
    SALES_LEAD.key: CONTACT_NOTE,
    CLIENT_RELATIONSHIP.key: CONTACT_NOTE,
    CONTACT_PERSON.key: CONTACT_NOTE,
}

NOTES_LINES = 3


class FeedScreen(
    TemplateActions,
    FileActions,
    AttachActions,
    PersonFilter,
    SalesActions,
    RecordActions,
    DataScreen,
):
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        # `esc Back` takes the room of `m Move` in the footer at 80 columns
        # (an order's `d Delivered b Billed` left no more); ? lists it.
        *(
            dataclasses.replace(b, show=False) if b.id == "move" else b
            for b in RECORD_BINDINGS
        ),
        *SALES_BINDINGS,
        *TEMPLATE_BINDINGS,
        Binding("p", "parent", "Parent", id="parent", show=False),
        Binding("T", "time", "Time entries", id="time_entries", show=False),
        PERSON_BINDING,
        dataclasses.replace(DETAIL_BINDING, description="Read in full (a file too)"),
        dataclasses.replace(ATTACH_BINDING, show=False),
        *FILE_BINDINGS,
    ]

    def __init__(self, record_id: int) -> None:
        super().__init__()
        self.record_id = record_id
        self.header: feed.FeedHeader | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar("Feed")
        yield TimerBar()
        yield Static("", id="feed-header")
        yield RecordList(self.session.clock, empty_text="Loading…", id="feed")
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one(RecordList).focus()
        self.reload()

    def current_id(self) -> int | None:
        row = self.target()
        return row.id if row else None

    # -- data -------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        session, record_id, user_id = self.session, self.record_id, self.person.user_id

        def load():
            header = feed.feed_header(session, record_id)
            own = feed.own_row(session, record_id)
            count = feed.feed_count(session, record_id, user_id)
            files = feed.file_count(session, record_id, user_id)
            first = feed.feed_and_files(
                session, record_id, 0, PagedLines.PAGE, files, user_id
            )
            return header, own, count, files, first

        self.read_now(load, lambda result: self._show(*result, keep=keep))

    def _show(self, header, own: RecordRow, count: int, files: int, first, keep):
        self.header = header
        session, record_id, user_id = self.session, self.record_id, self.person.user_id
        fixed = [(0, SelfLine(own))]
        if files:
            fixed.append((0, GroupLine(self._files_heading(), files)))
        fixed.append((files, GroupLine("Feed" + self._whose(), count)))
        lines = PagedLines(
            files + count,
            lambda start, limit: feed.feed_and_files(
                session, record_id, start, limit, files, user_id
            ),
            fixed,
        )
        lines.seed(0, first)
        title = f"{type_of(own.type).name} #{own.id}{self._whose()}"
        self.query_one(TitleBar).title = title
        self.query_one("#feed-header", Static).update(self._header_text(header))
        record_list = self.query_one(RecordList)
        record_list.empty_text = "Nothing here yet. Press n to add."
        focus = self.app.running_focus
        record_list.set_focus_record(focus.record_id if focus else None)
        record_list.set_lines(lines, keep_record=keep)

    def _header_text(self, header: feed.FeedHeader) -> Text:
        record = header.record
        rtype = type_of(record.type)
        clock = self.session.clock
        text = Text()
        text.append(f"{rtype.name} ", style="bold")
        text.append(one_line(record.title), style="bold")
        facts = []
        if rtype.is_activity:
            if record.finished_at:
                done = clock.to_local(record.finished_at).date()
                facts.append(f"Finished {day_label(done, clock.today())}")
            else:
                facts.append("Open")
            if record.date:
                due = clock.to_local(record.due_at).time() if record.due_at else None
                facts.append(day_label(record.date, clock.today(), due))
            else:
                facts.append("No date")
            facts.append(f"focused {format_duration(header.focused)}")
        facts.append(header.cloud)
        if header.actors:
            facts.append("actors: " + ", ".join(header.actors))
        if header.focused_now:
            now = clock.now_utc_naive()
            facts.append(
                "now: "
                + ", ".join(
                    f"{f.display_name} {int(f.elapsed(now) // 60)}m"
                    for f in header.focused_now
                )
            )
        text.append("\n" + one_line(" · ".join(facts)), style="dim")
        if header.sale is not None:
            text.append("\n" + sale_line(header.sale))
        if header.parent is not None:
            parent_type = type_of(header.parent.type).name
            text.append(
                f"\nIn {parent_type}: " + one_line(header.parent.title), style="dim"
            )
        if header.contact is not None:
            contact = header.contact
            bits = [
                b for b in (contact.organisation, contact.email, contact.phone) if b
            ]
            if bits:
                text.append("\n" + one_line(" · ".join(bits)))
        if header.participants:
            names = ", ".join(one_line(p.title) for p in header.participants)
            text.append("\nWith: " + names)
        if record.body.strip():
            lines = visible(record.body.strip(), keep_newlines=True).splitlines()
            shown = lines[:NOTES_LINES]
            if len(lines) > NOTES_LINES:
                shown[-1] += " …"
            text.append("\n" + "\n".join(shown), style="italic")
        return text

    def _files_heading(self) -> str:
        """'Files (v read · o open · D save)', with the user's keys."""
        app = self.app
        keys = {b.id: b for b in self.BINDINGS if isinstance(b, Binding)}

        def key(binding_id: str) -> str:
            binding = keys[binding_id]
            mine = app._keymap.get(binding_id)
            return app.get_key_display(
                binding if mine is None else binding.with_key(mine, None)
            )

        return (
            f"Files ({key('read_in_full')} read · {key('file_open')} open · "
            f"{key('file_save')} save)"
        )

    def attach_target(self):
        """The record under the cursor; on a file or history line, the
        feed's own."""
        from .attach import Target

        row = self.target()
        if row is not None:
            return Target(row.id, row.title, "highlighted")
        if self.header is not None:
            record = self.header.record
            return Target(record.id, record.title, "in view")
        return None

    @on(RecordList.Highlighted)
    def _highlighted(self) -> None:
        self.sales_keys_follow(self.target())

    def target(self) -> RecordRow | None:
        line = self.query_one(RecordList).current
        if isinstance(line, SelfLine):
            return line.row
        if isinstance(line, RecordRow):
            return line
        return None

    # -- actions ----------------------------------------------------------

    def _whose(self) -> str:
        return "" if self.person.everyone else f" · by {self.person.label}"

    def person_changed(self) -> None:
        self.reload(keep=self.current_id())

    def person_said(self) -> str:
        if self.person.everyone:
            return "everyone's part"
        if self.person.user_id == self.session.user_id:
            return "your part: what you are an actor of, what you did"
        return f"{self.person.label}'s part: what they are an actor of, what they did"

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new(self) -> None:
        from .record_form import FormStart

        if self.header is None:
            return
        parent = self.header.record
        start = FormStart(
            type=DEFAULT_CHILD.get(parent.type, TASK), parent_title=parent.title
        )
        self.open_new_form(start, parent_id=parent.id)

    def template_parent(self) -> tuple[int | None, str, str | None]:
        if self.header is None:
            return self.record_id, "", None
        record = self.header.record
        return record.id, record.title, record.type

    def template_source(self):
        return self.header.record if self.header is not None else None

    def quick_context(self) -> tuple[int | None, str]:
        if self.header is None:
            return self.record_id, ""
        return self.header.record.id, self.header.record.title

    def action_time(self) -> None:
        """The record's time entries, to add a forgotten one or fix one."""
        if self.header is None:
            return
        record = self.header.record
        if not type_of(record.type).is_activity:
            self.notify(
                f"A {type_of(record.type).name} has no time entries.",
                markup=False,
                timeout=3,
            )
            return
        self.app.push_screen(TimeScreen(record.id, record.title))

    @on(RecordList.Selected)
    def _open_child(self, event: RecordList.Selected) -> None:
        if isinstance(event.line, RecordRow):
            self.app.push_screen(FeedScreen(event.line.id))
        elif isinstance(event.line, HistoryItem | FileInfo):
            self.action_read_in_full()  # a history or file line opens nothing else

    def action_read_in_full(self) -> None:
        """v: the highlighted line in full (a history line, a child, the
        record itself)."""
        line = self.query_one(RecordList).current
        if isinstance(line, FileInfo):
            self.read_file(line)
        elif isinstance(line, HistoryItem) and self.header is not None:
            show_history(self, line, self.header.record.title)
        elif (row := self.target()) is not None:
            show_record(self, row.id)

    def action_parent(self) -> None:
        """Open the parent's feed (or go back to it if that is where we came from)."""
        parent = self.header.parent if self.header else None
        if parent is None:
            self.notify("This record has no parent.", markup=False, timeout=2)
            return
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        if isinstance(below, FeedScreen) and below.record_id == parent.id:
            self.app.pop_screen()
        else:
            self.app.push_screen(FeedScreen(parent.id))

    def _after_finish(self, record) -> None:
        self.changed(record.id)
        self.app.refresh_focus()
        self.remember_finished(record.id, record.finished_at is not None)
        title = one_line(record.title)
        self.say(
            f"Finished “{title}” (x again undoes)."
            if record.finished_at
            else f"“{title}” is open again."
        )
        self.reload(keep=record.id)


__all__ = ["FeedScreen", "dataclasses", "sale_line"]


def sale_line(sale) -> str:
    """'Sent · rev. 2 · 12 000 + 450/month EUR · sent 2026-11-27'."""
    from ..core.money import format_amount, from_cents
    from ..core.process import STAGE_NAMES

    parts = [STAGE_NAMES.get(sale.stage, sale.stage)]
    if sale.revision > 1:
        parts.append(f"rev. {sale.revision}")
    sums = []
    if sale.one_time_cents is not None:
        sums.append(format_amount(from_cents(sale.one_time_cents)))
    if sale.monthly_cents is not None:
        sums.append(format_amount(from_cents(sale.monthly_cents)) + "/month")
    if sums:
        parts.append(" + ".join(sums) + f" {sale.currency}")
    for label, day in (
        ("sent", sale.sent_date),
        ("sold", sale.sold_date),
        ("delivered", sale.delivered_date),
        ("billed", sale.billed_date),
    ):
        if day:
            parts.append(f"{label} {day}")
    if sale.monthly_billing:
        parts.append("monthly billing")
    if sale.lost_reason:
        parts.append(f"lost: {one_line(sale.lost_reason)}")
    return " · ".join(parts)
