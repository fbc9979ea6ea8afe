"""The verbs both the main view and a feed offer on the highlighted activity.

Kept in one mixin so `m`, `x`, `f`, `e` behave the same everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from ..core.dates import When, describe_when
from ..core.money import format_amount, from_cents
from ..core.process import SALES_PROPOSAL, EventKind, type_of
from ..core.text import one_line
from ..domain import records, sales, tracker
from ..views.listing import RecordRow
from .sales_actions import ask_lost

if TYPE_CHECKING:
    from .record_form import FormResult, FormStart

# The dialogs (and the feed's read) are imported when first opened: the form's
# TextArea and its themes are a tenth of the start-up beyond Textual's own.

RECORD_BINDINGS = [
    Binding("n", "new", "New", id="new"),
    Binding("e", "edit", "Edit", id="edit"),
    Binding("m", "move", "Move", id="move"),
    Binding("x", "finish", "Finish", id="finish"),
    Binding("f", "focus_record", "Focus", id="focus"),
    Binding("plus", "quick_add", "Quick add", id="quick_add", show=False),
]


class RecordActions:
    """Mixin for a DataScreen with a RecordList; subclasses define `target()`."""

    def target(self) -> RecordRow | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def reload(self, keep: int | None = None) -> None:  # pragma: no cover
        raise NotImplementedError

    def _need_target(self, activity: bool = True) -> RecordRow | None:
        row = self.target()
        if row is None:
            self.notify("Nothing selected.", markup=False, timeout=2)
            return None
        if activity and not type_of(row.type).is_activity:
            self.notify(
                f"A {type_of(row.type).name} has no date, state or timer.",
                markup=False,
                timeout=3,
            )
            return None
        return row

    # -- move -----------------------------------------------------------------

    def action_move(self) -> None:
        from .move_dialog import MoveDialog

        row = self._need_target()
        if row is None:
            return

        def moved(when: When | None) -> None:
            if when is None:
                return
            self.run_db(
                lambda: records.move_record(self.session, row.id, when),
                lambda _: self._after_move(row, when),
            )

        self.app.push_screen(MoveDialog(row.title, self.session.clock), moved)

    def _after_move(self, row: RecordRow, when: When) -> None:
        self.changed(row.id)
        self.say(f"Moved to {describe_when(when, self.session.clock.today())}.")
        self.reload(keep=row.id)

    # -- finish ---------------------------------------------------------------

    def action_finish(self) -> None:
        row = self._need_target()
        if row is None:
            return
        if row.type == SALES_PROPOSAL.key and not row.finished:
            # The domain decides whether it may simply be finished: a sent
            # proposal that was turned down is finished as lost.
            self.read_now(
                lambda: sales.open_steps(self.session, row.id),
                lambda steps: self._finish_proposal(row, steps),
            )
            return
        self._toggle_finished(row)

    def _finish_proposal(self, row: RecordRow, steps) -> None:
        if EventKind.FINISHED not in steps and EventKind.LOST in steps:
            ask_lost(
                self,
                row,
                question="Lost?",
                note="It was sent: finished, it counts as lost (Lost column, "
                "statistics). esc keeps it open.",
            )
        else:
            self._toggle_finished(row)

    def _toggle_finished(self, row: RecordRow) -> None:
        self.run_db(
            lambda: records.toggle_finished(self.session, row.id),
            self._after_finish,
        )

    def _after_finish(self, record) -> None:
        self.changed(record.id)
        done = record.finished_at is not None
        self.say(
            f"Finished “{one_line(record.title)}” (x again undoes)."
            if done
            else f"“{one_line(record.title)}” is open again."
        )
        self.remember_finished(record.id, done)
        self.reload(keep=record.id)

    def remember_finished(self, record_id: int, finished: bool) -> None:
        """Hook: the main view keeps just-finished rows visible."""

    # -- focus ---------------------------------------------------------------

    def action_focus_record(self) -> None:
        row = self._need_target()
        if row is None:
            return
        # The toggle is decided inside one transaction; with `exclusive`, only
        # the newest press's answer updates the screen.
        self.run_db(
            lambda: tracker.toggle_focus(self.session, row.id),
            lambda running: self._after_focus(row, running),
            group="focus",
            exclusive=True,
        )

    def _after_focus(self, row: RecordRow, running) -> None:
        self.changed(row.id)
        self.app.running_focus = running
        if running is None:
            self.say(f"Stopped focusing on “{one_line(row.title)}”.")
        else:
            self.say(f"Focusing on “{one_line(row.title)}”.")
        self.reload(keep=row.id)

    # -- new / edit ---------------------------------------------------------------

    def open_new_form(
        self, start: FormStart, parent_id: int | None, cloud: str | None = None
    ) -> None:
        """The new-record form; the record goes under `parent_id`, else into
        `cloud` (a cloud feed's), else into the user's private cloud."""
        from .record_form import RecordForm

        def created(result: FormResult | None) -> None:
            if result is None:
                return
            if start.template_id is not None:
                from ..domain.templates import create_from_template

                job = lambda: create_from_template(  # noqa: E731
                    self.session,
                    start.template_id,
                    title=result.title,
                    body=result.body,
                    when=result.when,
                    parent_id=parent_id,
                    cloud=cloud,
                    terms=result.terms,
                    contact=result.contact,
                    participant_ids=result.participant_ids,
                    new_people=result.new_people,
                )
            elif result.terms is not None:
                job = lambda: sales.create_proposal(  # noqa: E731
                    self.session,
                    parent_id,
                    result.title,
                    terms=result.terms,
                    when=result.when,
                    body=result.body,
                    cloud=cloud,
                )
            else:
                job = lambda: records.create_record(  # noqa: E731
                    self.session,
                    result.type,
                    result.title,
                    body=result.body,
                    when=result.when,
                    parent_id=parent_id,
                    contact=result.contact,
                    participant_ids=result.participant_ids,
                    new_people=result.new_people,
                    cloud=cloud,
                )
            self.run_db(job, self._after_create)

        self.app.push_screen(
            RecordForm(start, self.session.clock, self.session), created
        )

    def quick_context(self) -> tuple[int | None, str]:
        """The record in view, which quick add's notes and tasks go under
        (its id and title); none on the main view."""
        return None, ""

    def action_quick_add(self) -> None:
        """+: one line creates a record (`screens.quick_add`)."""
        from .quick_add import QuickAddDialog

        context_id, title = self.quick_context()

        def created(record) -> None:
            if record is not None:
                self._after_create(record)

        self.app.push_screen(QuickAddDialog(self.session, context_id, title), created)

    def _after_create(self, record) -> None:
        self.changed(record.id)
        self.say(f"Created {type_of(record.type).name} “{one_line(record.title)}”.")
        self.reload(keep=record.id)

    def action_edit(self) -> None:
        row = self._need_target(activity=False)
        if row is None:
            return
        from ..views.feed import feed_header

        self.run_db(lambda: feed_header(self.session, row.id), self._open_edit_form)

    def _open_edit_form(self, header) -> None:
        from .record_form import FormStart, RecordForm

        record = header.record
        sale = header.sale
        start = FormStart(
            type=type_of(record.type),
            title=record.title,
            body=record.body,
            contact=header.contact,
            people=[(p.id, p.title) for p in header.participants],
            editing=True,
        )
        if sale is not None:
            start.one_time = _amount(sale.one_time_cents)
            start.monthly = _amount(sale.monthly_cents)
            start.currency = sale.currency

        def edited(result: FormResult | None) -> None:
            if result is None:
                return

            def save():
                with self.session.transaction():
                    saved = records.edit_record(
                        self.session,
                        record.id,
                        title=result.title,
                        body=result.body,
                        contact=result.contact,
                        participant_ids=result.participant_ids,
                        new_people=result.new_people,
                    )
                    if result.terms is not None:
                        sales.set_terms(self.session, record.id, result.terms)
                return saved

            def saved(record) -> None:
                self.changed(record.id)
                self.say("Saved.")
                self.reload(keep=record.id)

            self.run_db(save, saved)

        self.app.push_screen(
            RecordForm(start, self.session.clock, self.session), edited
        )


def _amount(cents: int | None) -> str:
    return format_amount(from_cents(cents)) if cents is not None else ""
