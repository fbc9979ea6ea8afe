"""One definition of a deal: its Python and SQL forms agree on every shape."""

from __future__ import annotations

import pytest

from focus_tui.core.process import DEAL_KEYS
from focus_tui.domain import records, sales
from focus_tui.domain.deals import MAX_DEPTH, deal_ids, deal_of, deal_record_ids
from focus_tui.domain.session import Session, ensure_user
from focus_tui.models import Cloud, CloudMember, Record


def _forms(session: Session) -> dict[int, tuple]:
    """{record: (Python upwards, SQL upwards, SQL downwards)} for every record."""
    every = list(Record.select())
    python = {}
    for record in every:
        found = deal_of(session, record)
        python[record.id] = found.id if found else None
    upwards = deal_ids(session, [r.id for r in every])
    downwards: dict[int, int | None] = dict.fromkeys(python)
    for record in every:
        if record.type in DEAL_KEYS:
            for member in deal_record_ids(session, record.id):
                assert downwards[member] is None, "a record is in two deals"
                downwards[member] = record.id
    return {rid: (python[rid], upwards[rid], downwards[rid]) for rid in python}


def _agree(session: Session) -> dict[int, int | None]:
    forms = _forms(session)
    disagree = {rid: f for rid, f in forms.items() if len(set(f)) != 1}
    assert disagree == {}
    return {rid: f[0] for rid, f in forms.items()}


def _task(session, title, parent):
    return records.create_record(session, "task", title, parent_id=parent)


def test_every_shape_of_tree(session):
    lead = records.create_record(session, "sales_lead", "Lead")
    direct = sales.create_proposal(session, lead.id, "Direct offer")
    note = records.create_record(session, "contact_note", "Call", parent_id=lead.id)
    under_note = sales.create_proposal(session, note.id, "Offer under a note")
    deep_task = _task(session, "Prep", note.id)
    deep = sales.create_proposal(session, deep_task.id, "Offer under a task")
    # A client relationship with an order and a repeat sale.
    client = records.create_record(session, "client_relationship", "Client")
    order = sales.create_proposal(session, client.id, "First order")
    sales.mark_sold(session, order.id)
    repeat = sales.create_proposal(session, client.id, "Repeat offer")
    fulfil = _task(session, "Deliver", order.id)
    # A lead sold: it becomes the relationship, its tasks stay in the deal.
    sold_lead = records.create_record(session, "sales_lead", "Won lead")
    won = sales.create_proposal(session, sold_lead.id, "Won offer")
    sales.mark_sold(session, won.id, tasks=["Pack"])
    # No deal at all; a lead inside a lead is its own deal.
    loose = _task(session, "Loose task", None)
    orphan = sales.create_proposal(session, None, "Orphan offer")
    inner = records.create_record(
        session, "sales_lead", "Inner lead", parent_id=note.id
    )
    inner_offer = sales.create_proposal(session, inner.id, "Inner offer")

    deals = _agree(session)
    for record in (lead, direct, note, under_note, deep_task, deep):
        assert deals[record.id] == lead.id
    for record in (client, order, repeat, fulfil):
        assert deals[record.id] == client.id
    assert deals[won.id] == sold_lead.id
    assert deals[loose.id] is None and deals[orphan.id] is None
    assert deals[inner.id] == inner.id and deals[inner_offer.id] == inner.id


def test_the_depth_bound_is_the_same_for_every_form(session):
    lead = records.create_record(session, "sales_lead", "Lead")
    parent, chain = lead.id, []
    for level in range(MAX_DEPTH + 3):
        parent = _task(session, f"Level {level + 1}", parent).id
        chain.append(parent)
    deals = _agree(session)
    # A record MAX_DEPTH steps below the lead still belongs to it.
    assert deals[chain[MAX_DEPTH - 1]] == lead.id
    assert deals[chain[MAX_DEPTH]] is None


def test_a_parent_in_a_cloud_the_user_is_not_in_ends_the_walk(session):
    other = ensure_user("other", session.clock)
    secret = Cloud.create(name="Other team", created_at=session.clock.now_utc_naive())
    CloudMember.create(cloud=secret, user=other)
    lead = records.create_record(session, "sales_lead", "Lead")
    note = records.create_record(session, "contact_note", "Call", parent_id=lead.id)
    offer = sales.create_proposal(session, note.id, "Offer")
    # The note moved to a cloud this user is not in (as moving a subtree
    # to another cloud may leave it): the offer's deal cannot be seen.
    Record.update(cloud=secret.id).where(Record.id == note.id).execute()
    # A lead of that cloud with a visible proposal under it: neither form
    # names the hidden lead as the proposal's deal, nor lists its tree.
    hidden_lead = records.create_record(session, "sales_lead", "Hidden lead")
    visible_offer = sales.create_proposal(session, hidden_lead.id, "Visible offer")
    Record.update(cloud=secret.id).where(Record.id == hidden_lead.id).execute()
    deals = _agree(session)
    assert deals[offer.id] is None
    assert note.id not in deals or deals[note.id] is None
    assert deals[visible_offer.id] is None
    assert deal_record_ids(session, hidden_lead.id) == set()
    assert deals[lead.id] == lead.id


@pytest.mark.parametrize("length", [2, 3])
def test_a_cycle_in_a_damaged_database_ends(session, length):
    tasks = [_task(session, f"T{i}", None) for i in range(length)]
    for child, parent in zip(tasks, tasks[1:] + tasks[:1], strict=True):
        Record.update(parent=parent.id).where(Record.id == child.id).execute()
    deals = _agree(session)
    assert all(deals[t.id] is None for t in tasks)
