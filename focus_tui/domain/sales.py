"""The sales process: proposal → send → revise → sold → delivered → billed.

Each step is one transaction that reads the record and its sale row afresh
inside it and checks the stage there (two people doing the same step at
once: the second is told it already happened, and nothing changes); it
logs one history event carrying the state it changed (so `undo.undo` can
put it back). The stages, their steps and names are `core.process`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..core.dates import When
from ..core.errors import UserError
from ..core.money import Terms, from_cents, to_cents
from ..core.process import (
    CLIENT_RELATIONSHIP,
    ORDER,
    SALE_KEYS,
    SALES_LEAD,
    SALES_PROPOSAL,
    STAGE_NAMES,
    TASK,
    EventKind,
    Stage,
    type_of,
    with_article,
)
from ..core.text import checked_text
from ..models import Record, Sale
from . import write
from .access import get_record
from .deals import deal_of
from .records import create_record, finish_refusal, move_record
from .session import Session
from .tracker import stop_if_focused
from .undo import snapshot

DEFAULT_TASKS = ("Pack and deliver", "Activate the service")

__all__ = [
    "DEFAULT_TASKS",
    "STEPS",
    "Sold",
    "Terms",
    "create_proposal",
    "from_cents",
    "mark_billed",
    "mark_delivered",
    "mark_lost",
    "mark_sold",
    "open_steps",
    "revise",
    "send",
    "set_terms",
    "step_refusal",
    "to_cents",
]

# The steps of the sales process, in the order they come.
STEPS: tuple[EventKind, ...] = (
    EventKind.SENT,
    EventKind.REVISED,
    EventKind.LOST,
    EventKind.SOLD,
    EventKind.DELIVERED,
    EventKind.BILLED,
)
_PROPOSAL_STEPS = (EventKind.SENT, EventKind.REVISED, EventKind.LOST, EventKind.SOLD)


def _sale(record: Record) -> Sale:
    sale = Sale.get_or_none(Sale.record == record.id)
    if sale is None:
        raise UserError(_not_a_sale(record))
    return sale


def _not_a_sale(record: Record) -> str:
    return f"#{record.id} is {with_article(record.type)}, not a sale."


def step_refusal(record: Record, sale: Sale | None, step: EventKind) -> str | None:
    """Why `step` cannot be done on `record` (with its sale row) now; None: it can.

    The one home of the steps' stage rules: each step raises this inside its
    transaction, and `open_steps` tells the screens which keys to offer.
    """
    rid = record.id
    if step in _PROPOSAL_STEPS:
        if record.type == ORDER.key:
            if sale is None:
                return _not_a_sale(record)
            return f"#{rid} is already an Order (sold on {sale.sold_date})."
        if record.type != SALES_PROPOSAL.key:
            return f"#{rid} is {with_article(record.type)}, not a Sales Proposal."
    elif record.type != ORDER.key:
        return f"#{rid} is {with_article(record.type)}, not an Order."
    if sale is None:
        return _not_a_sale(record)
    stage = sale.stage
    if step in (EventKind.SENT, EventKind.SOLD) and stage == Stage.LOST:
        return f"#{rid} was lost; undo that first (u)."
    if step == EventKind.SENT and stage == Stage.SENT:
        return f"#{rid} was already sent on {sale.sent_date}; revise it instead."
    if step == EventKind.REVISED and stage != Stage.SENT:
        return (
            f"#{rid} is {STAGE_NAMES[stage].lower()}; only a sent "
            "proposal is revised (send it first)."
        )
    if step == EventKind.LOST and stage == Stage.LOST:
        return f"#{rid} is already lost."
    if step == EventKind.DELIVERED and stage != Stage.ORDERED:
        return f"#{rid} is already {STAGE_NAMES[stage].lower()}."
    # Monthly billing may be billed again; a bill without it ends it.
    if step == EventKind.BILLED and stage == Stage.BILLED and not sale.monthly_billing:
        return f"#{rid} is already billed ({sale.billed_date})."
    return None


def _step_target(
    session: Session, record_id: int, step: EventKind
) -> tuple[Record, Sale]:
    """The record and its sale row, read and locked inside the step, and
    checked: UserError (nothing changed) if the step does not apply now."""
    record = get_record(session, record_id, lock=True)
    sale = Sale.get_or_none(Sale.record == record.id)
    refusal = step_refusal(record, sale, step)
    if refusal is not None:
        raise UserError(refusal)
    assert sale is not None  # step_refusal says why there is none
    return record, sale


def open_steps(session: Session, record_id: int) -> frozenset[EventKind]:
    """What the keys may offer on the record now: the sales steps that
    apply (`step_refusal`), plus FINISHED if it may simply be finished
    (`records.finish_refusal`: a sent proposal is marked lost instead)."""
    record = get_record(session, record_id)
    found: set[EventKind] = set()
    sale = None
    if record.type in SALE_KEYS:
        sale = Sale.get_or_none(Sale.record == record.id)
        found.update(s for s in STEPS if step_refusal(record, sale, s) is None)
    if (
        type_of(record.type).is_activity
        and record.finished_at is None
        and finish_refusal(record, sale) is None
    ):
        found.add(EventKind.FINISHED)
    return frozenset(found)


def _check_day(
    session: Session, day: date, what: str, after: date | None, after_what: str
) -> date:
    """A step's date: not in the future, not before the step it follows."""
    if day > session.clock.today():
        raise UserError(f"The {what} date {day} is in the future.")
    if after is not None and day < after:
        raise UserError(
            f"The {what} date {day} is before the {after_what} date {after}."
        )
    return day


def _terms_values(terms: Terms | None) -> dict:
    if terms is None:
        return {}
    values = {}
    if terms.one_time is not None:
        values["one_time_cents"] = to_cents(terms.one_time)
    if terms.monthly is not None:
        values["monthly_cents"] = to_cents(terms.monthly)
    if terms.currency:
        values["currency"] = terms.currency.upper()
    return values


def _sums_text(sale: Sale) -> dict:
    return {
        "one_time": _str(from_cents(sale.one_time_cents)),
        "monthly": _str(from_cents(sale.monthly_cents)),
        "currency": sale.currency,
    }


def _str(value) -> str | None:
    return None if value is None else str(value)


def _fresh(record_id: int) -> Sale:
    return Sale.get_by_id(record_id)


# -- creating -----------------------------------------------------------------


def create_proposal(
    session: Session,
    parent_id: int | None,
    title: str,
    *,
    terms: Terms | None = None,
    when: When | None = None,
    body: str = "",
    cloud: str | None = None,
) -> Record:
    """A draft Sales Proposal (usually in a Sales Lead's feed; without a
    parent, in `cloud` or the user's private cloud)."""
    values = _terms_values(terms)  # checked before anything is written
    with session.transaction():
        record = create_record(
            session,
            SALES_PROPOSAL,
            title,
            body=body,
            when=when,
            parent_id=parent_id,
            cloud=cloud,
        )
        write.change_sale(session, record.id, **values)
    return record


def set_terms(
    session: Session, record_id: int, terms: Terms, *, log: bool = True
) -> Sale:
    """Change the sums (e.g. to the ordered value), keeping the revision.

    `log=False` when the record was created in the same transaction.
    """
    wanted = _terms_values(terms)
    with session.transaction():
        record = get_record(session, record_id, lock=True)
        sale = _sale(record)
        values = {k: v for k, v in wanted.items() if getattr(sale, k) != v}
        if not values:
            return sale  # nothing changed: nothing to log
        state = snapshot(record.id)
        before = _sums_text(sale)
        write.change_sale(session, record.id, **values)
        after = _sums_text(_fresh(record.id))
        if log:
            write.log_event(
                session,
                record.id,
                EventKind.TERMS,
                before=state,
                old=before,
                new=after,
            )
    return _fresh(record.id)


# -- the steps -------------------------------------------------------------------


def send(
    session: Session,
    record_id: int,
    *,
    sent_date: date | None = None,
    follow_up: When | None = None,
    finish_lead: bool = True,
) -> Record:
    """The proposal went out: sent date, lead handled for now, follow-up date."""
    with session.transaction():
        record, sale = _step_target(session, record_id, EventKind.SENT)
        sent_date = _check_day(
            session, sent_date or session.clock.today(), "sent", None, ""
        )
        lead = deal_of(session, record)
        state = snapshot(record.id, lead.id if lead else None)
        write.change_sale(session, record.id, stage=Stage.SENT, sent_date=sent_date)
        if follow_up is not None:
            move_record(session, record.id, follow_up, log=False)
        write.change_record(session, record.id)
        finished_lead = False
        if (
            finish_lead
            and lead is not None
            and lead.type == SALES_LEAD.key
            and lead.finished_at is None
        ):
            write.change_record(
                session, lead.id, finished_at=session.clock.now_utc_naive()
            )
            write.log_event(
                session, lead.id, EventKind.FINISHED, reason="proposal sent"
            )
            finished_lead = True
        write.log_event(
            session,
            record.id,
            EventKind.SENT,
            before=state,
            sent_date=sent_date.isoformat(),
            revision=sale.revision,
            follow_up=follow_up.date.isoformat()
            if follow_up and follow_up.date
            else None,
            lead_finished=finished_lead,
        )
    return get_record(session, record.id)


def revise(
    session: Session,
    record_id: int,
    terms: Terms,
    *,
    sent_date: date | None = None,
    follow_up: When | None = None,
) -> Sale:
    """A new revision of a sent offer: revision + 1, new sums, new sent date."""
    values = _terms_values(terms)
    with session.transaction():
        record, sale = _step_target(session, record_id, EventKind.REVISED)
        sent_date = _check_day(
            session,
            sent_date or session.clock.today(),
            "sent",
            sale.sent_date,
            "previous revision's sent",
        )
        state = snapshot(record.id)
        old = {
            **_sums_text(sale),
            "revision": sale.revision,
            "sent_date": sale.sent_date.isoformat() if sale.sent_date else None,
        }
        write.change_sale(
            session,
            record.id,
            revision=sale.revision + 1,
            sent_date=sent_date,
            **values,
        )
        if follow_up is not None:
            move_record(session, record.id, follow_up, log=False)
        write.change_record(session, record.id)
        new_sale = _fresh(record.id)
        write.log_event(
            session,
            record.id,
            EventKind.REVISED,
            before=state,
            old=old,
            new={
                **_sums_text(new_sale),
                "revision": new_sale.revision,
                "sent_date": sent_date.isoformat(),
            },
        )
        # Read before the commit: read after it, another process's revision
        # could already be there, and both would be told "revision 3".
        return _fresh(record.id)


def mark_lost(session: Session, record_id: int, reason: str = "") -> Record:
    """Turned down: the proposal is finished as lost."""
    reason = " ".join(checked_text(reason or "", "reason").split())[:500]
    with session.transaction():
        record, sale = _step_target(session, record_id, EventKind.LOST)
        state = snapshot(record.id)
        write.change_sale(session, record.id, stage=Stage.LOST, lost_reason=reason)
        write.change_record(
            session, record.id, finished_at=session.clock.now_utc_naive()
        )
        stop_if_focused(session, record.id)
        write.log_event(session, record.id, EventKind.LOST, before=state, reason=reason)
    return get_record(session, record.id)


# A fulfilment task as given: a title, (title, when), or (title, when, notes).
TaskLine = str | tuple[str, When | None] | tuple[str, When | None, str]


def _task_line(task: TaskLine) -> tuple[str, When | None, str]:
    if isinstance(task, str):
        return task, None, ""
    title, when, *notes = task
    return title, when, notes[0] if notes else ""


@dataclass(frozen=True)
class Sold:
    order: Record
    relationship: Record | None
    became_relationship: bool  # False: a repeat sale, or no lead at all
    tasks: list[Record]


def mark_sold(
    session: Session,
    record_id: int,
    *,
    sold_date: date | None = None,
    terms: Terms | None = None,
    relationship_when: When | None = None,
    tasks: Sequence[TaskLine] = (),
    check_when: When | None = None,
) -> Sold:
    """The proposal becomes an Order; its Sales Lead a Client Relationship.

    Same record, same history: only the type changes. A lead that already is
    a Client Relationship (a repeat sale) is left as it is, apart from the
    optional move to `relationship_when`. Fulfilment `tasks` (titles, or
    (title, when) or (title, when, notes)) are created under the order, which moves to
    `check_when`.
    """
    values = _terms_values(terms)
    with session.transaction():
        record, sale = _step_target(session, record_id, EventKind.SOLD)
        sold_date = _check_day(
            session, sold_date or session.clock.today(), "sold", sale.sent_date, "sent"
        )
        lead = deal_of(session, record)
        if lead is not None:
            lead = get_record(session, lead.id, lock=True)
        state = snapshot(record.id, lead.id if lead else None)
        write.change_sale(
            session, record.id, stage=Stage.ORDERED, sold_date=sold_date, **values
        )
        write.change_record(session, record.id, type=ORDER.key, finished_at=None)
        became = False
        if lead is not None and lead.type == SALES_LEAD.key:
            write.change_record(
                session, lead.id, type=CLIENT_RELATIONSHIP.key, finished_at=None
            )
            write.log_event(session, lead.id, EventKind.BECAME_CLIENT, order=record.id)
            became = True
        if lead is not None and relationship_when is not None:
            move_record(session, lead.id, relationship_when, log=False)
        if check_when is not None:
            move_record(session, record.id, check_when, log=False)
        created = [
            create_record(
                session, TASK, title, body=body, parent_id=record.id, when=when
            )
            for title, when, body in map(_task_line, tasks)
            if title.strip()
        ]
        write.log_event(
            session,
            record.id,
            EventKind.SOLD,
            before=state,
            sold_date=sold_date.isoformat(),
            relationship=lead.id if lead else None,
            became_relationship=became,
            tasks=[t.id for t in created],  # undo closes them
        )
    return Sold(
        order=get_record(session, record.id),
        relationship=get_record(session, lead.id) if lead else None,
        became_relationship=became,
        tasks=created,
    )


def mark_delivered(
    session: Session, record_id: int, *, delivered_date: date | None = None
) -> Record:
    """Delivered: the order moves to today with its delivered date set."""
    with session.transaction():
        record, sale = _step_target(session, record_id, EventKind.DELIVERED)
        delivered_date = _check_day(
            session,
            delivered_date or session.clock.today(),
            "delivered",
            sale.sold_date,
            "sold",
        )
        state = snapshot(record.id)
        write.change_sale(
            session, record.id, stage=Stage.DELIVERED, delivered_date=delivered_date
        )
        write.change_record(session, record.id, date=session.clock.today(), due_at=None)
        write.log_event(
            session,
            record.id,
            EventKind.DELIVERED,
            before=state,
            delivered_date=delivered_date.isoformat(),
        )
    return get_record(session, record.id)


def mark_billed(
    session: Session,
    record_id: int,
    *,
    billed_date: date | None = None,
    monthly: bool = False,
) -> Record:
    """Billed: the order is finished; with monthly billing it stays open."""
    with session.transaction():
        record, sale = _step_target(session, record_id, EventKind.BILLED)
        # Monthly billing may be billed again: the latest billing date is kept,
        # and a bill without --monthly ends it (the order is finished).
        billed_date = _check_day(
            session,
            billed_date or session.clock.today(),
            "billed",
            sale.billed_date or sale.delivered_date or sale.sold_date,
            "previous billing" if sale.billed_date else "delivered or sold",
        )
        state = snapshot(record.id)
        write.change_sale(
            session,
            record.id,
            stage=Stage.BILLED,
            billed_date=billed_date,
            monthly_billing=monthly,
        )
        if not monthly:
            write.change_record(
                session, record.id, finished_at=session.clock.now_utc_naive()
            )
            stop_if_focused(session, record.id)
        else:
            write.change_record(session, record.id)
        write.log_event(
            session,
            record.id,
            EventKind.BILLED,
            before=state,
            billed_date=billed_date.isoformat(),
            monthly=monthly,
        )
    return get_record(session, record.id)
