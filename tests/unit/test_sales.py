"""The sales process of DESIGN §2, step by step, and undo of every step."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from conftest import advance

from focus_tui.core.dates import parse_when
from focus_tui.core.errors import UserError
from focus_tui.domain import records, sales, undo
from focus_tui.models import Event, Record, Sale

D = Decimal


def when(session, text):
    return parse_when(text, session.clock.today())


def full_state(*ids):
    """Every column of the records and their sale rows (for exact compares)."""
    rows = []
    for rid in ids:
        rows.append(Record.select().where(Record.id == rid).dicts().get())
        sale = Sale.select().where(Sale.record == rid).dicts().first()
        rows.append(sale)
    for row in rows:
        if row:
            row.pop("updated_at", None)
    return rows


@pytest.fixture
def deal(session):
    lead = records.create_record(session, "sales_lead", "Fleet tracking for Nordlicht")
    note = records.create_record(session, "contact_note", "Call", parent_id=lead.id)
    proposal = sales.create_proposal(
        session,
        lead.id,
        "Proposal: fleet tracking",
        terms=sales.Terms(D("12000"), D("450.50"), "EUR"),
    )
    return lead, note, proposal


def test_whole_process(session, deal):
    lead, _note, proposal = deal
    sale = Sale.get_by_id(proposal.id)
    assert (sale.stage, sale.revision, sale.currency) == ("draft", 1, "EUR")
    assert sales.from_cents(sale.one_time_cents) == D("12000.00")

    sales.send(session, proposal.id, follow_up=when(session, "+1w"))
    assert Record.get_by_id(lead.id).finished_at is not None  # handled for now
    p = Record.get_by_id(proposal.id)
    assert p.finished_at is None and p.date == date(2026, 12, 4)
    assert Sale.get_by_id(proposal.id).sent_date == date(2026, 11, 27)

    advance(session, days=7)
    sales.revise(session, proposal.id, sales.Terms(D("11000"), D("400")))
    sale = Sale.get_by_id(proposal.id)
    assert (sale.revision, sale.sent_date) == (2, date(2026, 12, 4))
    revised = Event.get((Event.record == proposal.id) & (Event.kind == "revised"))
    old = json.loads(revised.data)["old"]
    assert (old["one_time"], old["monthly"], old["revision"]) == (
        "12000.00",
        "450.50",
        1,
    )

    advance(session, days=3)
    sold = sales.mark_sold(
        session,
        proposal.id,
        terms=sales.Terms(D("10500"), D("400")),
        relationship_when=when(session, "+1 month"),
        tasks=list(sales.DEFAULT_TASKS),
        check_when=when(session, "+2w"),
    )
    order = Record.get_by_id(proposal.id)
    assert order.type == "order" and order.finished_at is None
    assert Sale.get_by_id(order.id).sold_date == date(2026, 12, 7)
    client = Record.get_by_id(lead.id)
    assert client.type == "client_relationship"
    assert client.finished_at is None and client.date == date(2027, 1, 7)
    assert sold.became_relationship
    tasks = Record.select().where((Record.parent == order.id) & (Record.type == "task"))
    assert sorted(t.title for t in tasks) == sorted(sales.DEFAULT_TASKS)
    assert order.date == date(2026, 12, 21)

    advance(session, days=10)
    sales.mark_delivered(session, order.id)
    order = Record.get_by_id(order.id)
    assert order.date == date(2026, 12, 17)  # moved to "today"
    assert Sale.get_by_id(order.id).delivered_date == date(2026, 12, 17)

    advance(session, days=2)
    sales.mark_billed(session, order.id)
    order = Record.get_by_id(order.id)
    sale = Sale.get_by_id(order.id)
    assert sale.billed_date == date(2026, 12, 19) and sale.stage == "billed"
    assert order.finished_at is not None
    # The relationship stays open as long as the contract runs.
    assert Record.get_by_id(lead.id).finished_at is None
    # History kept: the same record carries every step.
    kinds = [
        e.kind
        for e in Event.select().where(Event.record == order.id).order_by(Event.id)
    ]
    assert kinds[:1] == ["created"]
    assert [k for k in kinds if k in undo.UNDOABLE] == [
        "sent",
        "revised",
        "sold",
        "delivered",
        "billed",
    ]


def test_undo_after_each_step_restores_the_exact_previous_state(session, deal):
    lead, _note, proposal = deal
    steps = [
        lambda: sales.send(session, proposal.id, follow_up=when(session, "+1w")),
        lambda: sales.revise(session, proposal.id, sales.Terms(D("9000"), D("1"))),
        lambda: sales.mark_sold(
            session, proposal.id, relationship_when=when(session, "+1 month")
        ),
        lambda: records.move_record(session, proposal.id, when(session, "+3d")),
        lambda: sales.mark_delivered(session, proposal.id),
        lambda: sales.mark_billed(session, proposal.id),
        lambda: records.set_finished(session, lead.id, True),
    ]
    for step in steps:
        advance(session, days=1)
        before = full_state(proposal.id, lead.id)
        step()
        after = full_state(proposal.id, lead.id)
        assert after != before
        target = lead.id if step is steps[-1] else proposal.id
        undo.undo(session, target)
        assert full_state(proposal.id, lead.id) == before
        step()  # and on to the next step
    undone = {
        json.loads(e.data)["event"]
        for e in Event.select().where(Event.kind == "undone")
    }
    assert len(undone) == len(steps)


def test_undo_walks_back_step_by_step(session, deal):
    lead, _note, proposal = deal
    sales.send(session, proposal.id)
    sales.mark_sold(session, proposal.id)
    assert undo.undo(session, proposal.id) == "sold"
    assert Record.get_by_id(proposal.id).type == "sales_proposal"
    assert Record.get_by_id(lead.id).type == "sales_lead"
    assert undo.undo(session, proposal.id) == "sent"
    assert Sale.get_by_id(proposal.id).stage == "draft"
    assert Record.get_by_id(lead.id).finished_at is None
    with pytest.raises(UserError, match="Nothing to undo"):
        undo.undo(session, proposal.id)


def test_lost_with_reason_and_undo(session, deal):
    _lead, _note, proposal = deal
    sales.send(session, proposal.id)
    sales.mark_lost(session, proposal.id, "Went with a competitor")
    sale = Sale.get_by_id(proposal.id)
    assert (sale.stage, sale.lost_reason) == ("lost", "Went with a competitor")
    assert Record.get_by_id(proposal.id).finished_at is not None
    with pytest.raises(UserError, match="lost"):
        sales.mark_sold(session, proposal.id)
    undo.undo(session, proposal.id)
    assert Sale.get_by_id(proposal.id).stage == "sent"


def test_repeat_sale_keeps_the_relationship_as_it_is(session):
    client = records.create_record(
        session, "client_relationship", "Nordlicht", when=when(session, "+5d")
    )
    first = sales.create_proposal(session, client.id, "Extension")
    before = full_state(client.id)
    sold = sales.mark_sold(session, first.id)
    assert not sold.became_relationship
    assert full_state(client.id) == before


def test_proposal_without_a_lead(session):
    loose = sales.create_proposal(session, None, "Walk-in offer")
    sold = sales.mark_sold(session, loose.id)
    assert sold.relationship is None and not sold.became_relationship
    assert Record.get_by_id(loose.id).type == "order"


def test_monthly_billing_keeps_the_order_open(session, deal):
    _lead, _note, proposal = deal
    sales.mark_sold(session, proposal.id)
    sales.mark_billed(session, proposal.id, monthly=True)
    sale = Sale.get_by_id(proposal.id)
    assert sale.monthly_billing and sale.billed_date == date(2026, 11, 27)
    assert Record.get_by_id(proposal.id).finished_at is None


@pytest.mark.parametrize(
    "step, message",
    [
        (lambda s, p: sales.revise(s, p, sales.Terms(D(1))), "only a sent"),
        (lambda s, p: sales.mark_delivered(s, p), "not an Order"),
        (lambda s, p: sales.mark_billed(s, p), "not an Order"),
    ],
)
def test_steps_out_of_order_are_refused_and_change_nothing(
    session, deal, step, message
):
    lead, _note, proposal = deal
    before = full_state(proposal.id, lead.id)
    with pytest.raises(UserError, match=message):
        step(session, proposal.id)
    assert full_state(proposal.id, lead.id) == before


def test_steps_on_non_sales_records_are_refused(session, deal):
    lead, note, _proposal = deal
    for step in (sales.send, sales.mark_sold, sales.mark_lost):
        with pytest.raises(UserError, match="not a Sales Proposal"):
            step(session, note.id)


def test_sending_twice_and_billing_twice_are_refused(session, deal):
    _lead, _note, proposal = deal
    sales.send(session, proposal.id)
    with pytest.raises(UserError, match="already sent"):
        sales.send(session, proposal.id)
    sales.mark_sold(session, proposal.id)
    sales.mark_delivered(session, proposal.id)
    with pytest.raises(UserError, match="already delivered"):
        sales.mark_delivered(session, proposal.id)
    sales.mark_billed(session, proposal.id)
    with pytest.raises(UserError, match="already billed"):
        sales.mark_billed(session, proposal.id)


def test_set_terms_logs_old_and_new_and_is_undoable(session, deal):
    _lead, _note, proposal = deal
    sales.set_terms(
        session, proposal.id, sales.Terms(D("1 000".replace(" ", "")), None)
    )
    assert Sale.get_by_id(proposal.id).one_time_cents == 100000
    undo.undo(session, proposal.id)
    assert Sale.get_by_id(proposal.id).one_time_cents == 1200000


def test_cli_added_proposal_has_a_sale_row(session):
    p = records.create_record(session, "sales_proposal", "Typed in")
    assert Sale.get_by_id(p.id).stage == "draft"
    o = records.create_record(session, "order", "Typed order")
    assert Sale.get_by_id(o.id).stage == "ordered"


def test_default_currency_comes_from_settings(session, tmp_path):
    from focus_tui import config

    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.toml").write_text('[defaults]\ncurrency = "sek"\n')
    config.settings.cache_clear()
    proposal = sales.create_proposal(session, None, "Offer", terms=sales.Terms(D(5)))
    assert Sale.get_by_id(proposal.id).currency == "SEK"
    # A bad file or an unknown code falls back to EUR.
    (tmp_path / "config" / "settings.toml").write_text("currency = [")
    config.settings.cache_clear()
    assert config.default_currency() == "EUR"


def test_step_dates_must_follow_each_other(session, deal):
    _lead, _note, proposal = deal
    with pytest.raises(UserError, match="in the future"):
        sales.send(session, proposal.id, sent_date=date(2026, 12, 1))
    sales.send(session, proposal.id, sent_date=date(2026, 11, 20))
    with pytest.raises(UserError, match="before the sent date"):
        sales.mark_sold(session, proposal.id, sold_date=date(2026, 11, 1))
    sales.mark_sold(session, proposal.id, sold_date=date(2026, 11, 21))
    with pytest.raises(UserError, match="before the sold date"):
        sales.mark_delivered(session, proposal.id, delivered_date=date(2026, 11, 10))


def test_monthly_billing_bills_again_and_ends_with_a_final_bill(session, deal):
    _lead, _note, proposal = deal
    sales.mark_sold(session, proposal.id)
    sales.mark_billed(session, proposal.id, monthly=True)
    advance(session, days=30)
    sales.mark_billed(session, proposal.id, monthly=True)
    assert Sale.get_by_id(proposal.id).billed_date == date(2026, 12, 27)
    assert Record.get_by_id(proposal.id).finished_at is None
    advance(session, days=31)
    sales.mark_billed(session, proposal.id)
    assert Record.get_by_id(proposal.id).finished_at is not None
    with pytest.raises(UserError, match="already billed"):
        sales.mark_billed(session, proposal.id)


def test_undoing_a_sale_closes_its_fulfilment_tasks(session, deal):
    lead, _note, proposal = deal
    sold = sales.mark_sold(session, proposal.id, tasks=["Pack and deliver"])
    undo.undo(session, proposal.id)
    task = Record.get_by_id(sold.tasks[0].id)
    assert task.finished_at is not None  # closed, not deleted
    lead_events = [e.kind for e in Event.select().where(Event.record == lead.id)]
    assert "undone" in lead_events


def test_a_huge_id_is_not_found(session):
    from focus_tui.core.errors import NotFound

    with pytest.raises(NotFound):
        undo.undo(session, 10**20)
