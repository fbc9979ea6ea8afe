"""Which phase of the sales process an activity is in.

A time entry keeps the phase its activity had when focus started, so reports
can say how long each phase takes. This is the one place that decides it;
the phases and the phase of each sales stage are in `core.process`.
"""

from __future__ import annotations

from ..core.process import (
    CLIENT_RELATIONSHIP,
    FIRST_STAGE,
    OFFERED_STAGES,
    PROCESS,
    SALE_KEYS,
    SALES_LEAD,
    SALES_PROPOSAL,
    Phase,
)
from ..models import Record, Sale
from .deals import deal_tree_cte, lineage
from .session import Session


def phase_of(session: Session, record: Record) -> Phase:
    """The phase of `record` now, decided by the nearest deal record above it.

    - a proposal or order: the phase of its sales stage (draft: proposal;
      sent or lost: follow-up; ordered: fulfilment; delivered: billing;
      billed: client care)
    - a Sales Lead: lead, or follow-up once a proposal of its deal was sent
    - a Client Relationship: client care; anything else: other
    Work under a record (notes, tasks) is in that record's phase.
    """
    for node in lineage(session, record):
        if node.type in SALE_KEYS:
            sale = Sale.get_or_none(Sale.record == node.id)
            stage = sale.stage if sale else FIRST_STAGE[node.type]
            return PROCESS[stage].phase
        if node.type == SALES_LEAD.key:
            return Phase.FOLLOW_UP if _has_offer(session, node.id) else Phase.LEAD
        if node.type == CLIENT_RELATIONSHIP.key:
            return Phase.CLIENT_CARE
    return Phase.OTHER


def _has_offer(session: Session, lead_id: int) -> bool:
    """Has a proposal of this lead's deal gone out to the client?"""
    stages = ",".join(f"'{stage}'" for stage in OFFERED_STAGES)
    sql = (
        f"WITH RECURSIVE {deal_tree_cte(session, lead_id)} "
        f'SELECT 1 FROM deal_tree JOIN "sale" AS s ON s.record_id = deal_tree.rid '
        f"WHERE deal_tree.rtype = '{SALES_PROPOSAL.key}' AND s.stage IN ({stages}) "
        "LIMIT 1"
    )
    return session.db.execute_sql(sql).fetchone() is not None


__all__ = ["Phase", "phase_of"]
