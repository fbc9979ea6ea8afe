"""Which phase of the sales process an activity is in.

A time entry keeps the phase its activity had when focus started, so reports
can say how long each phase takes. This is the one place that decides it.
"""

from __future__ import annotations

from ..models import Record, Sale

LEAD = "lead"
PROPOSAL = "proposal"
FOLLOW_UP = "follow_up"
FULFILMENT = "fulfilment"
BILLING = "billing"
CLIENT_CARE = "client_care"
OTHER = "other"

PHASES = (LEAD, PROPOSAL, FOLLOW_UP, FULFILMENT, BILLING, CLIENT_CARE, OTHER)
PHASE_LABELS = {
    LEAD: "Lead",
    PROPOSAL: "Proposal",
    FOLLOW_UP: "Follow-up",
    FULFILMENT: "Fulfilment",
    BILLING: "Billing",
    CLIENT_CARE: "Client care",
    OTHER: "Other",
}

_MAX_DEPTH = 64  # parents form a tree; the bound guards against a bad cycle


def lineage(record: Record) -> list[Record]:
    """The record and its ancestors, nearest first."""
    chain = [record]
    seen = {record.id}
    parent_id = record.parent_id
    while parent_id is not None and len(chain) < _MAX_DEPTH and parent_id not in seen:
        parent = Record.get_or_none(Record.id == parent_id)
        if parent is None:
            break
        chain.append(parent)
        seen.add(parent.id)
        parent_id = parent.parent_id
    return chain


def phase_of(record: Record) -> str:
    """The phase of `record` now, decided by the nearest deal record above it.

    - a draft proposal: proposal; a sent (or lost) one: follow_up
    - an order not yet delivered: fulfilment; delivered, unbilled: billing;
      billed: client_care
    - a Sales Lead: lead, or follow_up once one of its proposals was sent
    - a Client Relationship: client_care; anything else: other
    Work under a record (notes, tasks) is in that record's phase.
    """
    for node in lineage(record):
        if node.type == "sales_proposal":
            stage = _stage(node.id)
            return PROPOSAL if stage in (None, "draft") else FOLLOW_UP
        if node.type == "order":
            stage = _stage(node.id)
            if stage == "delivered":
                return BILLING
            if stage == "billed":
                return CLIENT_CARE
            return FULFILMENT
        if node.type == "sales_lead":
            return FOLLOW_UP if _has_sent_proposal(node.id) else LEAD
        if node.type == "client_relationship":
            return CLIENT_CARE
    return OTHER


def _stage(record_id: int) -> str | None:
    sale = Sale.get_or_none(Sale.record == record_id)
    return sale.stage if sale else None


def _has_sent_proposal(lead_id: int) -> bool:
    return (
        Sale.select()
        .join(Record, on=(Record.id == Sale.record))
        .where(
            (Record.parent == lead_id)
            & (Record.type == "sales_proposal")
            & (Sale.stage.in_(("sent", "lost")))
        )
        .exists()
    )
