"""The sales-process keys, shared by the main view and feeds.

Each step asks only what it needs (StepDialog), then calls the same domain
function the CLI calls (`focus_tui.domain.sales`).
"""

from __future__ import annotations

from textual.binding import Binding

from ..core.dates import describe_when
from ..core.money import format_amount, from_cents
from ..core.process import (
    ORDER,
    SALES_LEAD,
    SALES_PROPOSAL,
    step_verb,
    with_article,
)
from ..core.text import one_line
from ..domain import sales, undo
from ..domain.access import get_record, sale_of
from ..domain.deals import deal_of
from ..views.listing import RecordRow
from .step_dialog import (
    DAY,
    FLAG,
    LINES,
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


class SalesActions:
    """Mixin for a DataScreen with `target()` and `reload(keep=...)`."""

    _sales_kind: str | None = None
    _footer_timer = None

    def sales_keys_follow(self, row: RecordRow | None) -> None:
        """Show the step keys that apply to the highlighted row.

        Rebuilding the footer costs ~40 ms, too much for a key press: it is
        done once the cursor has rested for a moment, and only when the
        kind of row (proposal, order, other) changed.
        """
        kind = row.type if row and row.type in STEP_TYPES.values() else None
        if kind == self._sales_kind:
            return
        self._sales_kind = kind
        if self._footer_timer is not None:
            self._footer_timer.stop()
        self._footer_timer = self.set_timer(0.25, self.refresh_bindings)

    def check_action(self, action: str, parameters) -> bool | None:
        """Offer the sales keys only where they apply (footer, help, palette)."""
        if action in STEP_TYPES:
            row = self.target()
            return row is not None and row.type == STEP_TYPES[action]
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
        self.changed(row.id)
        self.app.refresh_focus()  # lost / billed end a focus on the record
        self.say(message)
        self.reload(keep=row.id)

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
        form = StepForm(
            f"Lost: {row.title}",
            [Field("reason", "Reason", TEXT, hint="optional, e.g. price")],
        )
        self._ask(
            form,
            lambda v: self.run_db(
                lambda: sales.mark_lost(self.session, row.id, v["reason"]),
                lambda rec: self._after_step(row, "Marked lost (u undoes)."),
            ),
        )

    # -- sold ------------------------------------------------------------------

    def action_sold(self) -> None:
        row = self._sales_target("sold")
        if row is None:
            return

        def load():
            record = get_record(self.session, row.id)
            return sale_of(self.session, row.id), deal_of(self.session, record)

        self.run_db(load, lambda result: self._sold(row, *result))

    def _sold(self, row: RecordRow, sale, deal) -> None:
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
        fields += [
            Field("tasks", "Tasks", LINES, list(sales.DEFAULT_TASKS)),
            Field("check", "Check on", WHEN, "+2w", hint="when to check the order"),
        ]
        form = StepForm(
            f"Sold: {row.title}",
            fields,
            note=note + f" Ordered sums (in {sale.currency} unless you name another):",
            terms=("one_time", "monthly"),
        )

        def go(v: dict) -> None:
            self.run_db(
                lambda: sales.mark_sold(
                    self.session,
                    row.id,
                    terms=v["terms"],
                    relationship_when=v.get("relationship"),
                    tasks=v["tasks"],
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


def _amount(cents: int | None) -> str:
    return format_amount(from_cents(cents)) if cents is not None else ""
