"""The sales-process keys, shared by the main view, feeds and the board.

Each step asks only what it needs (StepDialog), then calls the same domain
function the CLI calls (`focus_tui.domain.sales`). A key is offered only
where its step applies to the record under the cursor, as the domain
decides it (`sales.open_steps`): a billed order offers neither `d` nor `b`.
"""

from __future__ import annotations

import time

from textual.binding import Binding

from ..core.dates import describe_when
from ..core.money import format_amount, from_cents
from ..core.process import (
    ORDER,
    SALES_LEAD,
    SALES_PROPOSAL,
    EventKind,
    step_verb,
    with_article,
)
from ..core.text import one_line
from ..domain import sales, undo
from ..domain.access import get_record, sale_of
from ..domain.deals import deal_of
from ..views.listing import RecordRow
from .step_dialog import (
    CHOICE,
    DATE_MARK,
    DATED_LINES,
    DAY,
    FLAG,
    MONEY,
    TEXT,
    WHEN,
    Field,
    StepDialog,
    StepForm,
)

SALES_BINDINGS = [
    Binding("S", "send", "Send", id="send"),
    Binding("R", "revise", "Revise", id="revise", show=False),
    Binding("L", "lost", "Lost", id="lost", show=False),
    Binding("s", "sold", "Sold", id="sold"),
    Binding("d", "delivered", "Delivered", id="delivered"),
    Binding("b", "billed", "Billed", id="billed"),
    Binding("u", "undo", "Undo", id="undo", show=False),
]

# Which record type each step's key applies to.
PROPOSAL_ACTIONS = {"send", "revise", "lost", "sold"}
ORDER_ACTIONS = {"delivered", "billed"}
STEP_TYPES = {
    **dict.fromkeys(PROPOSAL_ACTIONS, SALES_PROPOSAL.key),
    **dict.fromkeys(ORDER_ACTIONS, ORDER.key),
}
# The step each key performs (what `sales.open_steps` answers in).
ACTION_STEPS = {
    "send": EventKind.SENT,
    "revise": EventKind.REVISED,
    "lost": EventKind.LOST,
    "sold": EventKind.SOLD,
    "delivered": EventKind.DELIVERED,
    "billed": EventKind.BILLED,
}
# The Sold dialog's fulfilment tasks: due before the order's check (+2w).
TASK_WHEN = "+1w"
# Seconds a reading of a row's open steps serves an equal row (see below).
STEPS_FRESH = 0.2


class SalesActions:
    """Mixin for a DataScreen with `target()` and `reload(keep=...)`."""

    # What the footer was last built for: (row type, steps open) or None.
    _sales_kind: tuple | None = None
    _footer_timer = None
    # The steps open on one row: (row, steps, when read). A reload makes new
    # row objects, so a step (here or by anyone) is not answered from an old
    # reading; the board makes a row per call, so an equal row read a moment
    # ago counts too (one read for the footer's seven keys, not seven).
    _steps_seen: tuple[RecordRow, frozenset[EventKind] | None, float] | None = None

    def sales_keys_follow(self, row: RecordRow | None) -> None:
        """Show the step keys that apply to the highlighted row.

        Rebuilding the footer costs ~40 ms, too much for a key press: it is
        done once the cursor has rested for a moment, and only when what
        the row allows (its type, its open steps) changed.
        """
        if self._sales_kind is None and not self._is_sale(row):
            return  # from one row without steps to another: nothing to do
        if self._footer_timer is not None:
            self._footer_timer.stop()
        self._footer_timer = self.set_timer(0.25, self._follow_now)

    def _follow_now(self) -> None:
        row = self.target()
        kind = (row.type, self._open_steps(row)) if self._is_sale(row) else None
        if kind != self._sales_kind:
            self._sales_kind = kind
            self.refresh_bindings()

    @staticmethod
    def _is_sale(row: RecordRow | None) -> bool:
        return row is not None and row.type in STEP_TYPES.values()

    def _open_steps(self, row: RecordRow) -> frozenset[EventKind] | None:
        """The steps the domain allows on `row` now; None if that could not
        be read (the key is then offered, and the step itself will say)."""
        seen, now = self._steps_seen, time.monotonic()
        if seen is not None and (
            seen[0] is row or (seen[0] == row and now - seen[2] < STEPS_FRESH)
        ):
            return seen[1]
        try:
            steps = sales.open_steps(self.session, row.id)
        except Exception:  # gone, or the database away: the step reports it
            steps = None
        self._steps_seen = (row, steps, now)
        return steps

    def check_action(self, action: str, parameters) -> bool | None:
        """Offer the sales keys only where they apply (footer, help, palette)."""
        if action in STEP_TYPES:
            row = self.target()
            if row is None or row.type != STEP_TYPES[action]:
                return False
            steps = self._open_steps(row)
            return steps is None or ACTION_STEPS[action] in steps
        return super().check_action(action, parameters)

    def _sales_target(self, action: str) -> RecordRow | None:
        row = self.target()
        wanted = STEP_TYPES[action]
        if row is None or row.type != wanted:
            self.notify(
                f"Select {with_article(wanted)} first.", markup=False, timeout=3
            )
            return None
        return row

    def _after_step(self, row: RecordRow, message: str) -> None:
        after_step(self, row, message)

    def _ask(self, form: StepForm, then) -> None:
        def answered(values: dict | None) -> None:
            if values is not None:
                then(values)

        self.app.push_screen(StepDialog(form, self.session.clock), answered)

    # -- send / revise / lost ------------------------------------------------

    def action_send(self) -> None:
        row = self._sales_target("send")
        if row is None:
            return
        form = StepForm(
            f"Send: {row.title}",
            [
                Field("sent_date", "Sent on", DAY, "today", required=True),
                Field("follow_up", "Follow up", WHEN, "+1w", hint="when to follow up"),
                Field(
                    "finish_lead", "Finish the Sales Lead (handled for now)", FLAG, True
                ),
            ],
        )

        def go(v: dict) -> None:
            self.run_db(
                lambda: sales.send(
                    self.session,
                    row.id,
                    sent_date=v["sent_date"],
                    follow_up=v["follow_up"],
                    finish_lead=v["finish_lead"],
                ),
                lambda rec: self._after_step(
                    row,
                    "Sent."
                    + (
                        f" Follow up {describe_when(v['follow_up'], self.session.clock.today())}."
                        if v["follow_up"] and v["follow_up"].date
                        else ""
                    ),
                ),
            )

        self._ask(form, go)

    def action_revise(self) -> None:
        row = self._sales_target("revise")
        if row is None:
            return
        self.run_db(
            lambda: sale_of(self.session, row.id), lambda sale: self._revise(row, sale)
        )

    def _revise(self, row: RecordRow, sale) -> None:
        form = StepForm(
            f"Revise: {row.title} (now revision {sale.revision})",
            [
                Field("one_time", "One-time", MONEY, _amount(sale.one_time_cents)),
                Field("monthly", "Monthly", MONEY, _amount(sale.monthly_cents)),
                Field("sent_date", "Sent on", DAY, "today", required=True),
                Field("follow_up", "Follow up", WHEN, "+1w"),
            ],
            note=f"Sums in {sale.currency}. The history keeps this revision's sums.",
            terms=("one_time", "monthly"),
        )

        def go(v: dict) -> None:
            self.run_db(
                lambda: sales.revise(
                    self.session,
                    row.id,
                    v["terms"],
                    sent_date=v["sent_date"],
                    follow_up=v["follow_up"],
                ),
                lambda s: self._after_step(row, f"Revision {s.revision} sent."),
            )

        self._ask(form, go)

    def action_lost(self) -> None:
        row = self._sales_target("lost")
        if row is None:
            return
        ask_lost(self, row)

    # -- sold ------------------------------------------------------------------

    def action_sold(self) -> None:
        row = self._sales_target("sold")
        if row is None:
            return

        def load():
            record = get_record(self.session, row.id)
            sale, deal = sale_of(self.session, row.id), deal_of(self.session, record)
            return sale, deal, _order_templates(self.session, row.id)

        self.run_db(load, lambda result: self._sold(row, *result))

    def _sold(self, row: RecordRow, sale, deal, order_templates=()) -> None:
        if deal is None:
            note = "No Sales Lead above it: no Client Relationship will be made."
        elif deal.type == SALES_LEAD.key:
            note = f"“{one_line(deal.title)}” becomes a Client Relationship."
        else:
            note = (
                f"“{one_line(deal.title)}” stays the Client Relationship (repeat sale)."
            )
        fields = [
            Field("one_time", "One-time", MONEY, _amount(sale.one_time_cents)),
            Field("monthly", "Monthly", MONEY, _amount(sale.monthly_cents)),
        ]
        if deal is not None:
            fields.append(Field("relationship", "Client on", WHEN, "+1 month"))
        typed = [f"{task} {DATE_MARK} {TASK_WHEN}" for task in sales.DEFAULT_TASKS]
        fields.append(Field("tasks", "Tasks", DATED_LINES, typed))
        if order_templates:
            # An Order template's tasks, dated today (the sold day) + offset,
            # into the Tasks above (after them: tab reaches the tasks first).
            fields.append(
                Field(
                    "template",
                    "Template",
                    CHOICE,
                    0,
                    options=(("none: the tasks above", 0),)
                    + tuple((name, tid) for tid, name, _ in order_templates),
                    fills={0: {"tasks": typed}}
                    | {
                        tid: {"tasks": [_task_text(t) for t in tasks]}
                        for tid, _, tasks in order_templates
                    },
                )
            )
        fields += [
            Field("check", "Check on", WHEN, "+2w", hint="when to check the order"),
        ]
        form = StepForm(
            f"Sold: {row.title}",
            fields,
            note=note + f" Ordered sums (in {sale.currency} unless you name another):",
            terms=("one_time", "monthly"),
        )

        chosen = {tid: tasks for tid, _, tasks in order_templates}

        def go(v: dict) -> None:
            tasks = v["tasks"]
            template = chosen.get(v.get("template") or 0)
            if template is not None and [(t, w) for t, w, _ in template] == tasks:
                tasks = template  # as the template has them, notes too
            self.run_db(
                lambda: sales.mark_sold(
                    self.session,
                    row.id,
                    terms=v["terms"],
                    relationship_when=v.get("relationship"),
                    tasks=tasks,
                    check_when=v["check"],
                ),
                lambda sold: self._after_step(
                    row,
                    f"Sold: #{sold.order.id} is an Order"
                    + (f", {len(sold.tasks)} fulfilment tasks." if sold.tasks else "."),
                ),
            )

        self._ask(form, go)

    # -- delivered / billed / undo -------------------------------------------

    def action_delivered(self) -> None:
        row = self._sales_target("delivered")
        if row is None:
            return
        form = StepForm(
            f"Delivered: {row.title}",
            [Field("date", "Delivered", DAY, "today", required=True)],
            note="The order moves to today.",
        )
        self._ask(
            form,
            lambda v: self.run_db(
                lambda: sales.mark_delivered(
                    self.session, row.id, delivered_date=v["date"]
                ),
                lambda rec: self._after_step(row, "Delivered."),
            ),
        )

    def action_billed(self) -> None:
        row = self._sales_target("billed")
        if row is None:
            return
        form = StepForm(
            f"Billed: {row.title}",
            [
                Field("date", "Billed on", DAY, "today", required=True),
                Field("monthly", "Monthly billing (the order stays open)", FLAG, False),
            ],
        )
        self._ask(
            form,
            lambda v: self.run_db(
                lambda: sales.mark_billed(
                    self.session, row.id, billed_date=v["date"], monthly=v["monthly"]
                ),
                lambda rec: self._after_step(
                    row,
                    "Monthly billing set up."
                    if v["monthly"]
                    else "Billed and finished.",
                ),
            ),
        )

    def action_undo(self) -> None:
        row = self.target()
        if row is None:
            self.notify("Nothing selected.", markup=False, timeout=2)
            return
        self.run_db(
            lambda: undo.undo(self.session, row.id),
            lambda step: self._after_step(row, f"Undid {step_verb(step)}."),
        )


def after_step(screen, row: RecordRow, message: str) -> None:
    """A step is done: every screen hears of it, this one shows it."""
    screen.changed(row.id)
    screen.app.refresh_focus()  # lost / billed end a focus on the record
    screen.say(message)
    screen.reload(keep=row.id)


def ask_lost(screen, row: RecordRow, question: str = "Lost:", note: str = "") -> None:
    """The Lost step: its dialog (an optional reason), then `sales.mark_lost`.

    `L` opens it, and so does `x` on a sent proposal (`RecordActions`):
    turned down, a sent offer is finished as lost, and stays counted.
    """
    form = StepForm(
        f"{question} {row.title}",
        [Field("reason", "Reason", TEXT, hint="optional, e.g. price")],
        note=note,
    )

    def answered(values: dict | None) -> None:
        if values is not None:
            screen.run_db(
                lambda: sales.mark_lost(screen.session, row.id, values["reason"]),
                lambda record: after_step(screen, row, "Marked lost (u undoes)."),
            )

    screen.app.push_screen(StepDialog(form, screen.session.clock), answered)


def _amount(cents: int | None) -> str:
    return format_amount(from_cents(cents)) if cents is not None else ""


def _order_templates(session, record_id: int) -> list[tuple[int, str, list]]:
    """(id, name, tasks) of each Order template the user may use, its tasks
    dated from today (the Sold dialog's sold day)."""
    from ..core.process import ORDER
    from ..domain import templates
    from ..views.templates import template_rows

    templates.ensure_builtins(session)
    return [
        (t.id, t.name, templates.fulfilment_tasks(session, t.id, record_id))
        for t in template_rows(session, (ORDER.key,))
    ]


def _task_text(task) -> str:
    title, when, _notes = task
    day = when.date.isoformat() if when is not None and when.date else ""
    return f"{title} {DATE_MARK} {day}" if day else title
