"""Which phase of the sales process an activity is in.

A time entry keeps the phase its activity had when focus started, so reports
can say how long each phase takes. This is the one place that decides it.
"""

from __future__ import annotations

from .models import Record

LEAD = "lead"
PROPOSAL = "proposal"
FOLLOW_UP = "follow_up"
FULFILMENT = "fulfilment"
BILLING = "billing"
CLIENT_CARE = "client_care"
OTHER = "other"

PHASES = (LEAD, PROPOSAL, FOLLOW_UP, FULFILMENT, BILLING, CLIENT_CARE, OTHER)

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
    """The phase of `record` now: decided by the nearest deal record above it."""
    for node in lineage(record):
        if node.type == "sales_lead":
            return LEAD
        if node.type == "client_relationship":
            return CLIENT_CARE
    return OTHER
