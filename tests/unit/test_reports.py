"""Reports on hand-made data with known answers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from conftest import advance

from focus_tui.core.clock import Clock
from focus_tui.domain import records, sales, tracker
from focus_tui.views import reports
from focus_tui.views.reports import Filters


def focus_for(session, record_id, minutes):
    tracker.focus(session, record_id)
    advance(session, minutes=minutes)
    tracker.unfocus(session)


def test_phase_totals_by_phase_person_and_deal(session):
    lead = records.create_record(session, "sales_lead", "Nordlicht")
    note = records.create_record(session, "contact_note", "Call", parent_id=lead.id)
    loose = records.create_record(session, "task", "Admin")
    focus_for(session, lead.id, 30)
    focus_for(session, note.id, 15)
    focus_for(session, loose.id, 10)
    proposal = sales.create_proposal(session, lead.id, "Offer")
    focus_for(session, proposal.id, 60)
    sales.send(session, proposal.id)
    focus_for(session, proposal.id, 20)

    by_phase = {r.phase: r.seconds for r in reports.phase_totals(session)}
    assert by_phase == {
        "lead": 45 * 60,
        "proposal": 60 * 60,
        "follow_up": 20 * 60,
        "other": 10 * 60,
    }
    by_deal = {
        (r.key, r.phase): r.seconds for r in reports.phase_totals(session, by="deal")
    }
    assert by_deal == {
        ("Nordlicht", "lead"): 2700,
        ("Nordlicht", "proposal"): 3600,
        ("Nordlicht", "follow_up"): 1200,
    }
    by_person = reports.phase_totals(session, by="person")
    assert {r.key for r in by_person} == {"tester"}
    assert sum(r.seconds for r in by_person) == 135 * 60


def test_period_filter_uses_local_days(session):
    task = records.create_record(session, "task", "Night work")
    # 23:30 local on 26 Nov (Helsinki, UTC+2) = 21:30 UTC.
    session.clock = Clock(
        zone=session.clock.zone, fixed=datetime(2026, 11, 26, 21, 30, tzinfo=UTC)
    )
    focus_for(session, task.id, 60)
    on_26 = reports.phase_totals(
        session, Filters(date(2026, 11, 26), date(2026, 11, 26))
    )
    on_27 = reports.phase_totals(
        session, Filters(date(2026, 11, 27), date(2026, 11, 27))
    )
    assert [r.seconds for r in on_26] == [3600] and on_27 == []


def test_dst_week_hours(session):
    task = records.create_record(session, "task", "DST")
    # Helsinki falls back on 25 Oct 2026 at 04:00: 02:00-05:00 local is 4 h.
    session.clock = Clock(
        zone=session.clock.zone, fixed=datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    )
    focus_for(session, task.id, 240)
    week = reports.phase_totals(
        session, Filters(date(2026, 10, 19), date(2026, 10, 25))
    )
    assert [r.seconds for r in week] == [4 * 3600]


def test_monthly_conversion_and_spans(session):
    def deal(
        title, sent_on, sold_on=None, delivered_on=None, billed_on=None, cents=100000
    ):
        lead = records.create_record(session, "sales_lead", title)
        p = sales.create_proposal(
            session, lead.id, f"Offer {title}", terms=sales.Terms(Decimal(cents) / 100)
        )
        sales.send(session, p.id, sent_date=sent_on)
        if sold_on:
            sales.mark_sold(session, p.id, sold_date=sold_on)
            if delivered_on:
                sales.mark_delivered(session, p.id, delivered_date=delivered_on)
            if billed_on:
                sales.mark_billed(session, p.id, billed_date=billed_on)
        return p

    deal(
        "A", date(2026, 9, 1), date(2026, 9, 11), date(2026, 9, 21), date(2026, 10, 11)
    )
    deal("B", date(2026, 9, 5), date(2026, 10, 5), None, None, cents=250000)
    lost = deal("C", date(2026, 10, 2))
    sales.mark_lost(session, lost.id, "price")
    deal("D", date(2026, 11, 2))

    months = {m.month: m for m in reports.monthly(session)}
    assert len(months) == 12
    sep, octo, nov = (
        months[date(2026, 9, 1)],
        months[date(2026, 10, 1)],
        months[date(2026, 11, 1)],
    )
    assert (sep.offers, sep.offers_value.format(), sep.orders) == (2, "3 500 EUR", 1)
    assert sep.orders_value.format() == "1 000 EUR"
    assert (octo.offers, octo.orders, octo.lost) == (1, 1, 1)
    assert octo.orders_value.format() == "2 500 EUR"
    assert (nov.offers, nov.orders) == (1, 0)
    assert months[date(2025, 12, 1)].offers == 0

    assert reports.conversion(session) == (2, 4)
    spans = {s.key: s for s in reports.spans(session)}
    assert (spans["offer_to_order"].count, spans["offer_to_order"].mean_days) == (
        2,
        20.0,
    )
    assert spans["offer_to_order"].median_days == 20.0
    assert (spans["order_to_delivery"].count, spans["order_to_delivery"].mean_days) == (
        1,
        10.0,
    )
    assert (spans["order_to_billing"].count, spans["order_to_billing"].median_days) == (
        1,
        30.0,
    )
    assert reports.lost_reasons(session) == [("price", 1)]


def test_won_and_lost_averages(session):
    won_lead = records.create_record(session, "sales_lead", "Won")
    lost_lead = records.create_record(session, "sales_lead", "Lost")
    focus_for(session, won_lead.id, 60)
    focus_for(session, lost_lead.id, 30)
    w = sales.create_proposal(session, won_lead.id, "W")
    lo = sales.create_proposal(session, lost_lead.id, "L")
    sales.mark_sold(session, w.id)
    sales.mark_lost(session, lo.id)
    averages = reports.outcome_averages(session)
    assert (averages.won_deals, averages.lost_deals) == (1, 1)
    assert averages.won == {"lead": 3600.0} and averages.lost == {"lead": 1800.0}


def test_empty_period_has_no_rows_and_no_crash(session):
    nothing = Filters(date(2020, 1, 1), date(2020, 1, 31))
    assert reports.phase_totals(session, nothing) == []
    assert reports.phase_totals(session, nothing, by="deal") == []
    assert all(m.offers == 0 for m in reports.monthly(session, nothing))
    assert reports.conversion(session, nothing) == (0, 0)
    assert all(
        s.count == 0 and s.mean_days is None for s in reports.spans(session, nothing)
    )
    assert reports.outcome_averages(session, nothing).won == {}


def test_other_clouds_do_not_count(session, db_path, clock):
    from focus_tui.domain.session import open_session

    task = records.create_record(session, "task", "Mine")
    focus_for(session, task.id, 30)
    other = open_session(db_path, "mallory", clock)
    assert reports.phase_totals(other) == []


def test_monthly_values_keep_each_currency_apart(session):
    """Offers in EUR and SEK in one month: two sums, never their total."""
    lead = records.create_record(session, "sales_lead", "Nordic deals")
    for title, amount, currency, sold in [
        ("A", "12000", "EUR", True),
        ("B", "3000", "EUR", False),
        ("C", "4500", "SEK", True),
    ]:
        p = sales.create_proposal(
            session, lead.id, title, terms=sales.Terms(Decimal(amount), None, currency)
        )
        sales.send(session, p.id, sent_date=date(2026, 11, 2))
        if sold:
            sales.mark_sold(session, p.id, sold_date=date(2026, 11, 20))
    november = {m.month: m for m in reports.monthly(session)}[date(2026, 11, 1)]
    assert november.offers == 3 and november.orders == 2
    assert [(s.currency, s.cents, s.count) for s in november.offers_value] == [
        ("EUR", 1_500_000, 2),
        ("SEK", 450_000, 1),
    ]
    assert november.orders_value.format() == "12 000 EUR + 4 500 SEK"
