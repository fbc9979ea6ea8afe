"""Time on one record: its entries (everybody's, newest first), fixed by keys.

Opened with `T` from a record's feed. `n` adds a forgotten entry, `e`
changes the highlighted one (start, end, the record it is on), `d` deletes
it, `u` undoes the last step on the record. The rules — no overlap, your
own time only, nothing in the future — are the domain's
(`domain.time_edits`); an overlap is offered as "trim the others?", any
other refusal is a notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from ..core.clock import Clock
from ..core.dates import parse_moment
from ..core.errors import UserError
from ..core.process import phase_label, step_name
from ..core.text import format_clock, format_duration, one_line
from ..domain import time_edits, undo
from ..views.time_log import EntryRow, entry_rows
from ..widgets.timer_bar import TimerBar
from ..widgets.title_bar import TitleBar
from .base import DataScreen, key_footer

# How the domain words a refused overlap (time_edits._overlap_error).


# -- dialogs --------------------------------------------------------------------


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: y or enter says yes, n or escape no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm_yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm_no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(Text(self.question), classes="dialog-title")
            if self.detail:
                yield Static(Text(self.detail))
            yield Static(Text("y / enter yes · n / esc no"), classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


@dataclass(frozen=True)
class EntryAnswer:
    """What the entry dialog was told: moments as naive UTC (end None: keep
    the running focus running), a record to move to, and the words typed
    (to show them again when the domain refuses)."""

    started_at: datetime
    ended_at: datetime | None
    record_id: int | None
    typed: tuple[str, str, str]


class EntryDialog(ModalScreen[EntryAnswer | None]):
    """From and To (and, when editing, the record) of one entry; each is
    read as it is typed, and a bad one keeps the dialog open saying why."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="entry_save", priority=True),
        Binding("escape", "cancel", "Cancel", id="entry_cancel"),
    ]

    DEFAULT_CSS = """
    EntryDialog .field-label { width: 8; }
    EntryDialog .preview { margin-left: 8; }
    EntryDialog #entry-error { margin-left: 0; }
    """

    def __init__(
        self,
        title: str,
        clock: Clock,
        typed: tuple[str, str, str],
        *,
        editing: bool = False,
        running: bool = False,
        error: str = "",
    ) -> None:
        super().__init__()
        self.heading = title
        self.clock = clock
        self.typed = typed
        self.editing = editing
        self.running = running
        self.error = error

    def compose(self) -> ComposeResult:
        start, end, record = self.typed
        with Vertical(id="dialog", classes="dialog form"):
            yield Label(Text(one_line(self.heading)), classes="dialog-title")
            with Horizontal(classes="field"):
                yield Label("From", classes="field-label")
                yield Input(
                    start,
                    id="from",
                    compact=True,
                    placeholder="9:00",
                    select_on_focus=False,
                )
            yield Static("", id="from-check", classes="preview")
            with Horizontal(classes="field"):
                yield Label("To", classes="field-label")
                yield Input(
                    end,
                    id="to",
                    compact=True,
                    placeholder="running: unfocus ends it" if self.running else "10:30",
                    disabled=self.running,
                    select_on_focus=False,
                )
            yield Static("", id="to-check", classes="preview")
            if self.editing:
                with Horizontal(classes="field"):
                    yield Label("Record", classes="field-label")
                    yield Input(
                        record,
                        id="record",
                        compact=True,
                        placeholder="record id",
                        select_on_focus=False,
                    )
            yield Static(Text(self.error), id="entry-error", classes="preview -error")
            yield Static(
                Text("e.g. 9:00 · yesterday 17:30 · 2026-12-01 9:30"), classes="hint"
            )
            yield Static(
                Text("enter or ctrl+s save · tab next · esc cancel"), classes="hint"
            )

    def on_mount(self) -> None:
        for check in self.query(".preview"):
            check.display = bool(self.error) and check.id == "entry-error"
        self.query_one("#from", Input).focus()

    def _moment(self, name: str, what: str, quiet: bool = False) -> datetime | None:
        """The field read as a moment, its reading or the reason shown under
        it (`quiet`: no reason yet for the text the dialog opened with)."""
        check = self.query_one(f"#{name}-check", Static)
        text = self.query_one(f"#{name}", Input).value.strip()
        try:
            moment = parse_moment(text, self.clock.today(), self.clock.zone, what=what)
        except UserError as exc:
            if quiet:
                check.display = False
                return None
            check.update(Text("✗ " + str(exc)))
            check.set_class(True, "-error")
            check.display = True
            return None
        local = self.clock.to_local(moment)
        check.update(Text("→ " + local.strftime("%a %Y-%m-%d %H:%M")))
        check.set_class(False, "-error")
        check.display = True
        return moment

    @on(Input.Changed, "#from")
    def _from_changed(self, event: Input.Changed) -> None:
        self._moment("from", "start", quiet=event.value == self.typed[0])

    @on(Input.Changed, "#to")
    def _to_changed(self, event: Input.Changed) -> None:
        if not self.running:
            self._moment("to", "end", quiet=event.value == self.typed[1])

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        start = self._moment("from", "start")
        end = None if self.running else self._moment("to", "end")
        if start is None or (end is None and not self.running):
            self.query_one("#from" if start is None else "#to", Input).focus()
            self.app.bell()
            return
        record_text = ""
        record_id = None
        if self.editing:
            record_text = self.query_one("#record", Input).value.strip()
            number = record_text.removeprefix("#")
            if not number.isdigit():
                error = self.query_one("#entry-error", Static)
                error.update(Text("✗ The record is a number, like 12 or #12."))
                error.display = True
                self.query_one("#record", Input).focus()
                self.app.bell()
                return
            record_id = int(number)
        typed = (
            self.query_one("#from", Input).value,
            self.query_one("#to", Input).value,
            record_text,
        )
        self.dismiss(EntryAnswer(start, end, record_id, typed))

    def action_cancel(self) -> None:
        self.dismiss(None)


# -- the screen -----------------------------------------------------------------------


class TimeScreen(DataScreen):
    """The record's entries in a table; the cursor stays on its entry."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="time_back"),
        Binding("n", "add", "Add time", id="time_add"),
        Binding("e", "edit", "Edit", id="time_edit"),
        Binding("d,delete", "delete", "Delete", id="time_delete"),
        Binding("u", "undo", "Undo", id="time_undo"),
    ]

    DEFAULT_CSS = """
    TimeScreen DataTable { height: 1fr; }
    TimeScreen #time-total { padding: 0 1; color: $text-muted; }
    """

    help_title = "Time"

    def __init__(self, record_id: int, title: str) -> None:
        super().__init__()
        self.record_id = record_id
        self.record_title = title
        self.rows: list[EntryRow] = []

    def compose(self) -> ComposeResult:
        yield TitleBar(f"Time on #{self.record_id} {one_line(self.record_title)}")
        yield TimerBar()
        yield Static("", id="time-total")
        table = DataTable(id="entries", cursor_type="row", zebra_stripes=False)
        table.add_column("Entry", key="id")
        table.add_column("Day", key="day")
        table.add_column("Start–end", key="span")
        table.add_column("H:MM:SS", key="length")
        table.add_column("Who", key="who")
        table.add_column("Phase", key="phase")
        yield table
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.reload()
        self.set_interval(1, self._tick)

    # -- data -------------------------------------------------------------

    def reload(self, keep: int | None = None, *, keep_new: bool = False) -> None:
        """Read the entries again; the cursor stays on `keep` (`keep_new`: on
        an entry that was not there, e.g. one an undo brought back)."""
        session, record_id = self.session, self.record_id
        self.read_now(
            lambda: entry_rows(session, record_id=record_id),
            lambda rows: self._show(rows, keep, keep_new),
        )

    def _show(self, rows: list[EntryRow], keep: int | None, keep_new=False) -> None:
        table = self.query_one(DataTable)
        at = table.cursor_row
        if keep_new:
            had = {row.id for row in self.rows}
            keep = next((row.id for row in rows if row.id not in had), keep)
        self.rows = rows
        table.clear()
        now = self.session.clock.now_utc_naive()
        for row in rows:
            table.add_row(*self._cells(row, now), key=str(row.id))
        index = next((i for i, r in enumerate(rows) if r.id == keep), None)
        if index is None:
            index = min(at, len(rows) - 1)
        if rows:
            table.move_cursor(row=max(0, index), animate=False)
        self._total(now)

    def _cells(self, row: EntryRow, now: datetime) -> list[Text]:
        clock = self.session.clock
        start = clock.to_local(row.started_at)
        if row.ended_at is None:
            span = f"{start:%H:%M}–running"
        else:
            end = clock.to_local(row.ended_at)
            span = f"{start:%H:%M}–{end:%H:%M}"
            if end.date() != start.date():
                span += f" {end:%a}"
        return [
            Text(str(row.id), style="dim"),
            Text(f"{start:%a %Y-%m-%d}"),
            Text(span, style="bold" if row.running else ""),
            Text(format_clock(row.duration(now)), justify="right"),
            Text(one_line(row.user_name)),
            Text(phase_label(row.phase)),
        ]

    def _total(self, now: datetime) -> None:
        total = sum(row.duration(now) for row in self.rows)
        if not self.rows:
            text = "No time on this record yet. Press n to add a forgotten entry."
        else:
            count = len(self.rows)
            text = (
                f"{count} {'entry' if count == 1 else 'entries'} · "
                f"{format_duration(total)} in all"
            )
        self.query_one("#time-total", Static).update(Text(text))

    def _tick(self) -> None:
        """A running focus's length goes on counting."""
        running = [row for row in self.rows if row.running]
        if not running:
            return
        now = self.session.clock.now_utc_naive()
        table = self.query_one(DataTable)
        for row in running:
            table.update_cell(
                str(row.id),
                "length",
                Text(format_clock(row.duration(now)), justify="right"),
            )
        self._total(now)

    def current(self) -> EntryRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def current_id(self) -> int | None:
        row = self.current()
        return row.id if row else None

    def _need_row(self) -> EntryRow | None:
        row = self.current()
        if row is None:
            self.notify("No entry selected.", markup=False, timeout=2)
        return row

    # -- changing ------------------------------------------------------------

    def _write(self, work, done, *, on_overlap=None, on_refused=None) -> None:
        """Run a time edit; an overlap asks to trim (`on_overlap`), another
        refusal is the app's notice (then `on_refused(message)`)."""

        def failed(error: BaseException | None) -> bool:
            if not isinstance(error, UserError):
                return False
            if on_overlap is not None and isinstance(error, time_edits.Overlap):
                self.app.push_screen(
                    ConfirmDialog("Trim the overlapped entries?", str(error)),
                    lambda yes: on_overlap() if yes else None,
                )
                return True
            if on_refused is not None:
                self.call_later(on_refused, str(error))
            return False  # the app shows it (severity error)

        self.app.run_db(work, done, owner=self, failed=failed)

    def _changed(self, change: time_edits.TimeChange, verb: str) -> None:
        ids = {self.record_id, change.record_id}
        self.changed(*ids)
        self.app.refresh_focus()
        span = time_edits.span_text(self.session, change.started_at, change.ended_at)
        where = "" if change.record_id == self.record_id else f" on #{change.record_id}"
        lines = [f"{verb} entry {change.entry_id}: {span}{where} (u undoes)."]
        lines += [f"  {line}" for line in change.trimmed]
        self.say("\n".join(lines))
        self.reload(keep=change.entry_id)

    def action_add(self, typed: tuple[str, str, str] | None = None, error="") -> None:
        today = f"{self.session.clock.today():%Y-%m-%d} "
        self.app.push_screen(
            EntryDialog(
                f"Add time on #{self.record_id} {one_line(self.record_title)}",
                self.session.clock,
                typed or (today, today, ""),
                error=error,
            ),
            self._add,
        )

    def _add(self, answer: EntryAnswer | None, trim: bool = False) -> None:
        if answer is None:
            return
        session, record_id = self.session, self.record_id
        self._write(
            lambda: time_edits.add_entry(
                session, record_id, answer.started_at, answer.ended_at, trim=trim
            ),
            lambda change: self._changed(change, "Added"),
            on_overlap=None if trim else lambda: self._add(answer, trim=True),
            on_refused=lambda message: self.action_add(answer.typed, message),
        )

    def action_edit(self) -> None:
        row = self._need_row()
        if row is None:
            return
        self._open_edit(row, self._as_typed(row))

    def _as_typed(self, row: EntryRow) -> tuple[str, str, str]:
        """The entry as the edit dialog opens with it (local, to the minute)."""
        clock = self.session.clock
        fmt = "%Y-%m-%d %H:%M"
        end = "" if row.ended_at is None else clock.to_local(row.ended_at)
        return (
            clock.to_local(row.started_at).strftime(fmt),
            end.strftime(fmt) if end else "",
            str(row.record_id),
        )

    def _open_edit(self, row: EntryRow, typed, error: str = "") -> None:
        self.app.push_screen(
            EntryDialog(
                f"Edit entry {row.id} on #{row.record_id} {one_line(row.title)}",
                self.session.clock,
                typed,
                editing=True,
                running=row.running,
                error=error,
            ),
            lambda answer: self._edit(row, answer),
        )

    def _edit(self, row: EntryRow, answer: EntryAnswer | None, trim=False) -> None:
        if answer is None:
            return
        session = self.session
        moved = answer.record_id if answer.record_id != row.record_id else None
        # A moment left as it opened keeps its seconds (the dialog shows minutes).
        shown = self._as_typed(row)
        start = answer.started_at if answer.typed[0] != shown[0] else None
        end = answer.ended_at if answer.typed[1] != shown[1] else None
        if start is None and end is None and moved is None:
            self.say("Nothing changed.")
            return
        self._write(
            lambda: time_edits.edit_entry(
                session,
                row.id,
                started_at=start,
                ended_at=end,
                record_id=moved,
                trim=trim,
            ),
            lambda change: self._changed(change, "Changed"),
            on_overlap=None if trim else lambda: self._edit(row, answer, trim=True),
            on_refused=lambda message: self._edit_refused(row, answer, message),
        )

    def _edit_refused(self, row: EntryRow, answer: EntryAnswer, message: str) -> None:
        # Someone else's entry or one gone: the notice says it, nothing to retype.
        if row.user_name == self.session.user.name and not message.startswith(
            "There is no time entry"
        ):
            self._open_edit(row, answer.typed, message)

    def action_delete(self) -> None:
        row = self._need_row()
        if row is None:
            return
        span = time_edits.span_text(self.session, row.started_at, row.ended_at)
        length = format_clock(row.duration(self.session.clock.now_utc_naive()))

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            session = self.session
            self._write(
                lambda: time_edits.delete_entry(session, row.id),
                lambda change: self._deleted(change),
            )

        self.app.push_screen(
            ConfirmDialog(
                f"Remove entry {row.id}?",
                f"{span} ({length}), {one_line(row.user_name)}. u undoes it.",
            ),
            answered,
        )

    def _deleted(self, change: time_edits.TimeChange) -> None:
        self.changed(change.record_id)
        self.app.refresh_focus()
        span = time_edits.span_text(self.session, change.started_at, change.ended_at)
        self.say(f"Deleted entry {change.entry_id}: {span} (u undoes).")
        self.reload(keep=self.current_id())

    def action_undo(self) -> None:
        session, record_id, keep = self.session, self.record_id, self.current_id()

        def undone(step) -> None:
            self.changed(record_id)
            self.app.refresh_focus()
            self.say(f"Undid {step_name(step)}.")
            self.reload(keep=keep, keep_new=True)

        self._write(lambda: undo.undo(session, record_id), undone)

    def action_back(self) -> None:
        self.app.pop_screen()
