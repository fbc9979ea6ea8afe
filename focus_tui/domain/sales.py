"""The sales process: proposal → send → revise → sold → delivered → billed.

Each step is one transaction, logs one history event carrying the state it
changed (so `undo.undo` can put it back), and leaves the database in a state
the board, the reports and the feeds read directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..core.dates import When
from ..core.errors import UserError
from ..core.record_types import (
    CLIENT_RELATIONSHIP,
    ORDER,
    SALES_LEAD,
    SALES_PROPOSAL,
    type_of,
    with_article,
)
from ..models import Record, Sale
from ..models.copies import sync_actors
from .access import get_record
from .history import log_event
from .phases import lineage
from .records import create_record, move_record
from .session import Session
from .tracker import stop_if_focused
from .undo import snapshot

DRAFT, SENT, LOST = "draft", "sent", "lost"
ORDERED, DELIVERED, BILLED = "ordered", "delivered", "billed"
STAGES = (DRAFT, SENT, ORDERED, DELIVERED, BILLED, LOST)
STAGE_NAMES = {
    DRAFT: "Draft",
    SENT: "Sent",
    ORDERED: "Ordered",
    DELIVERED: "Delivered",
    BILLED: "Billed",
    LOST: "Lost",
}

DEFAULT_TASKS = ("Pack and deliver", "Activate the service")
MAX_CENTS = 10**14  # 10^12 in whole units


@dataclass(frozen=True)
class Terms:
    """What a proposal or order is worth (None = not given / unchanged)."""

    one_time: Decimal | None = None
    monthly: Decimal | None = None
    currency: str | None = None


def to_cents(amount: Decimal | None) -> int | None:
    if amount is None:
        return None
    if amount < 0:
        raise UserError("A sum cannot be negative.")
    cents = int((amount * 100).to_integral_value())
    if cents > MAX_CENTS:
        raise UserError("That sum is too large (more than 10^12).")
    return cents


def from_cents(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def sale_of(record: Record) -> Sale:
    sale = Sale.get_or_none(Sale.record == record.id)
    if sale is None:
        raise UserError(
            f"#{record.id} is {with_article(type_of(record.type))}, not a sale."
        )
    return sale


def _proposal(session: Session, record_id: int) -> tuple[Record, Sale]:
    record = get_record(session, record_id)
    if record.type != SALES_PROPOSAL.key:
        raise UserError(
            f"#{record.id} is {with_article(type_of(record.type))}, not a Sales Proposal."
        )
    return record, sale_of(record)


def _order(session: Session, record_id: int) -> tuple[Record, Sale]:
    record = get_record(session, record_id)
    if record.type != ORDER.key:
        raise UserError(
            f"#{record.id} is {with_article(type_of(record.type))}, not an Order."
        )
    return record, sale_of(record)


def deal_of(record: Record) -> Record | None:
    """The Sales Lead or Client Relationship above a record (its deal)."""
    for node in lineage(record)[1:]:
        if node.type in (SALES_LEAD.key, CLIENT_RELATIONSHIP.key):
            return node
    return None


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


def _update_sale(sale: Sale, **values) -> None:
    Sale.update(**values).where(Sale.record == sale.record_id).execute()


def _touch(session: Session, record_id: int, **values) -> None:
    values["updated_at"] = session.clock.now_utc_naive()
    Record.update(**values).where(Record.id == record_id).execute()
    sync_actors(record_id)


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


def _sums_text(sale_values: dict) -> dict:
    return {
        "one_time": _str(from_cents(sale_values.get("one_time_cents"))),
        "monthly": _str(from_cents(sale_values.get("monthly_cents"))),
        "currency": sale_values.get("currency"),
    }


def _str(value) -> str | None:
    return None if value is None else str(value)


# -- creating -----------------------------------------------------------------


def create_proposal(
    session: Session,
    parent_id: int | None,
    title: str,
    *,
    terms: Terms | None = None,
    when: When | None = None,
    body: str = "",
) -> Record:
    """A draft Sales Proposal (usually in a Sales Lead's feed)."""
    with session.transaction():
        record = create_record(
            session, SALES_PROPOSAL, title, body=body, when=when, parent_id=parent_id
        )
        values = _terms_values(terms)
        if values:
            _update_sale(Sale.get_by_id(record.id), **values)
    return record


def set_terms(
    session: Session, record_id: int, terms: Terms, *, log: bool = True
) -> Sale:
    """Change the sums (e.g. to the ordered value), keeping the revision.

    `log=False` when the record was created in the same transaction.
    """
    record = get_record(session, record_id)
    sale = sale_of(record)
    values = {k: v for k, v in _terms_values(terms).items() if getattr(sale, k) != v}
    if not values:
        return sale  # nothing changed: nothing to log
    with session.transaction():
        state = snapshot(record.id)
        before = _sums_text(_sale_values(sale))
        _update_sale(sale, **values)
        after = _sums_text(_sale_values(Sale.get_by_id(record.id)))
        if log:
            log_event(session, record.id, "terms", before=state, old=before, new=after)
    return Sale.get_by_id(record.id)


def _sale_values(sale: Sale) -> dict:
    return {
        "one_time_cents": sale.one_time_cents,
        "monthly_cents": sale.monthly_cents,
        "currency": sale.currency,
    }


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
    record, sale = _proposal(session, record_id)
    if sale.stage == LOST:
        raise UserError(f"#{record.id} was lost; undo that first (u).")
    if sale.stage == SENT:
        raise UserError(
            f"#{record.id} was already sent on {sale.sent_date}; revise it instead."
        )
    sent_date = _check_day(
        session, sent_date or session.clock.today(), "sent", None, ""
    )
    lead = deal_of(record)
    with session.transaction():
        state = snapshot(record.id, lead.id if lead else None)
        _update_sale(sale, stage=SENT, sent_date=sent_date)
        if follow_up is not None:
            move_record(session, record.id, follow_up, log=False)
        _touch(session, record.id)
        finished_lead = False
        if (
            finish_lead
            and lead is not None
            and lead.type == SALES_LEAD.key
            and lead.finished_at is None
        ):
            _touch(session, lead.id, finished_at=session.clock.now_utc_naive())
            log_event(session, lead.id, "finished", reason="proposal sent")
            finished_lead = True
        log_event(
            session,
            record.id,
            "sent",
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
    record, sale = _proposal(session, record_id)
    if sale.stage != SENT:
        raise UserError(
            f"#{record.id} is {STAGE_NAMES[sale.stage].lower()}; only a sent "
            "proposal is revised (send it first)."
        )
    sent_date = _check_day(
        session,
        sent_date or session.clock.today(),
        "sent",
        sale.sent_date,
        "previous revision's sent",
    )
    with session.transaction():
        state = snapshot(record.id)
        old = {
            **_sums_text(_sale_values(sale)),
            "revision": sale.revision,
            "sent_date": sale.sent_date.isoformat() if sale.sent_date else None,
        }
        _update_sale(
            sale,
            revision=sale.revision + 1,
            sent_date=sent_date,
            **_terms_values(terms),
        )
        if follow_up is not None:
            move_record(session, record.id, follow_up, log=False)
        _touch(session, record.id)
        new_sale = Sale.get_by_id(record.id)
        log_event(
            session,
            record.id,
            "revised",
            before=state,
            old=old,
            new={
                **_sums_text(_sale_values(new_sale)),
                "revision": new_sale.revision,
                "sent_date": sent_date.isoformat(),
            },
        )
    return Sale.get_by_id(record.id)


def mark_lost(session: Session, record_id: int, reason: str = "") -> Record:
    """Turned down: the proposal is finished as lost."""
    record, sale = _proposal(session, record_id)
    if sale.stage == LOST:
        raise UserError(f"#{record.id} is already lost.")
    reason = " ".join((reason or "").split())[:500]
    with session.transaction():
        state = snapshot(record.id)
        _update_sale(sale, stage=LOST, lost_reason=reason)
        _touch(session, record.id, finished_at=session.clock.now_utc_naive())
        stop_if_focused(session, record.id)
        log_event(session, record.id, "lost", before=state, reason=reason)
    return get_record(session, record.id)


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
    tasks: list[str] | tuple[str, ...] = (),
    check_when: When | None = None,
) -> Sold:
    """The proposal becomes an Order; its Sales Lead a Client Relationship.

    Same record, same history: only the type changes. A lead that already is
    a Client Relationship (a repeat sale) is left as it is, apart from the
    optional move to `relationship_when`. Fulfilment `tasks` are created
    under the order, which moves to `check_when`.
    """
    record, sale = _proposal(session, record_id)
    if sale.stage == LOST:
        raise UserError(f"#{record.id} was lost; undo that first (u).")
    sold_date = _check_day(
        session, sold_date or session.clock.today(), "sold", sale.sent_date, "sent"
    )
    lead = deal_of(record)
    with session.transaction():
        state = snapshot(record.id, lead.id if lead else None)
        _update_sale(sale, stage=ORDERED, sold_date=sold_date, **_terms_values(terms))
        _touch(session, record.id, type=ORDER.key, finished_at=None)
        became = False
        if lead is not None and lead.type == SALES_LEAD.key:
            _touch(session, lead.id, type=CLIENT_RELATIONSHIP.key, finished_at=None)
            log_event(session, lead.id, "became_client", order=record.id)
            became = True
        if lead is not None and relationship_when is not None:
            move_record(session, lead.id, relationship_when, log=False)
        if check_when is not None:
            move_record(session, record.id, check_when, log=False)
        created = [
            create_record(session, "task", title, parent_id=record.id)
            for title in tasks
            if title.strip()
        ]
        log_event(
            session,
            record.id,
            "sold",
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
    record, sale = _order(session, record_id)
    if sale.stage != ORDERED:
        raise UserError(f"#{record.id} is already {STAGE_NAMES[sale.stage].lower()}.")
    delivered_date = _check_day(
        session,
        delivered_date or session.clock.today(),
        "delivered",
        sale.sold_date,
        "sold",
    )
    with session.transaction():
        state = snapshot(record.id)
        _update_sale(sale, stage=DELIVERED, delivered_date=delivered_date)
        _touch(session, record.id, date=session.clock.today(), due_at=None)
        log_event(
            session,
            record.id,
            "delivered",
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
    record, sale = _order(session, record_id)
    if sale.stage == BILLED and not sale.monthly_billing:
        raise UserError(f"#{record.id} is already billed ({sale.billed_date}).")
    # Monthly billing may be billed again: the latest billing date is kept,
    # and a bill without --monthly ends it (the order is finished).
    billed_date = _check_day(
        session,
        billed_date or session.clock.today(),
        "billed",
        sale.billed_date or sale.delivered_date or sale.sold_date,
        "previous billing" if sale.billed_date else "delivered or sold",
    )
    with session.transaction():
        state = snapshot(record.id)
        _update_sale(
            sale, stage=BILLED, billed_date=billed_date, monthly_billing=monthly
        )
        if not monthly:
            _touch(session, record.id, finished_at=session.clock.now_utc_naive())
            stop_if_focused(session, record.id)
        else:
            _touch(session, record.id)
        log_event(
            session,
            record.id,
            "billed",
            before=state,
            billed_date=billed_date.isoformat(),
            monthly=monthly,
        )
    return get_record(session, record.id)
