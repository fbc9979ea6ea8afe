"""The Sales Process board's data: totals, pages, filters, permissions, steps
back; and the demo's sale rows (every proposal and order has a consistent one).
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from conftest import FIXED_NOW, ZONE

from focus_tui.core.clock import Clock
from focus_tui.core.dates import When
from focus_tui.core.errors import UserError
from focus_tui.core.money import MoneyTotals
from focus_tui.core.process import MAIN_STAGES, PROCESS, STAGES
from focus_tui.demo.fill import fill_demo
from focus_tui.domain import records, sales, undo
from focus_tui.domain.session import Session, ensure_user, open_session, private_cloud
from focus_tui.models import (
    Cloud,
    CloudMember,
    Record,
    RecordActor,
    Sale,
    database,
    open_database,
)
from focus_tui.views import board

TODAY = date(2026, 11, 27)  # FIXED_NOW in Helsinki


def on(day: int, month: int = 11, year: int = 2026) -> When:
    return When(date(year, month, day))


def terms(one_time: str, monthly: str | None = None, currency: str = "EUR"):
    return sales.Terms(
        Decimal(one_time), Decimal(monthly) if monthly else None, currency
    )


@dataclass
class Pipeline:
    me: Session
    mallory: Session
    team: int  # cloud both are in
    nordic: int  # cloud only mallory is in
    lead: int
    by_title: dict[str, int]


@pytest.fixture
def pipeline(session, clock) -> Pipeline:
    """Proposals at every stage in three clouds, two of them mine."""
    # Same connection: two connections in one process would lock each other.
    mallory = Session(db=session.db, user=ensure_user("mallory", clock), clock=clock)
    now = clock.now_utc_naive()
    team = Cloud.create(name="Team", kind="team", created_at=now)
    nordic = Cloud.create(name="Nordic", kind="team", created_at=now)
    for cloud, user in (
        (team, session.user),
        (team, mallory.user),
        (nordic, mallory.user),
    ):
        CloudMember.create(cloud=cloud, user=user)
    ids: dict[str, int] = {}

    def proposal(who, parent, title, sums, when=None):
        record = sales.create_proposal(who, parent, title, terms=sums, when=when)
        ids[title] = record.id
        return record.id

    lead = records.create_record(session, "sales_lead", "Acme renewal").id
    proposal(session, lead, "Draft A", terms("1200", "50"), on(30))
    proposal(session, lead, "Draft B", terms("10000", None, "SEK"))
    proposal(session, lead, "Draft C", terms("300.50"), on(20))  # overdue
    done = proposal(session, lead, "Draft finished", terms("999"))
    records.set_finished(session, done, True)  # not lost: leaves the board
    sales.send(session, proposal(session, lead, "Sent A", terms("5000", "100")))
    sold = proposal(session, lead, "Sold A", terms("7000"))
    sales.mark_sold(session, sold)
    delivered = proposal(session, lead, "Delivered A", terms("8000", "20"))
    sales.mark_sold(session, delivered)
    sales.mark_delivered(session, delivered)
    billed = proposal(session, lead, "Billed A", terms("9000"))
    sales.mark_sold(session, billed)
    sales.mark_billed(session, billed)
    monthly = proposal(session, lead, "Billed monthly", terms("100", "300"))
    sales.mark_sold(session, monthly)
    sales.mark_billed(session, monthly, monthly=True)
    lost = proposal(session, lead, "Lost A", terms("400"))
    sales.mark_lost(session, lost, "Price")
    # No deal above it: no client.
    task = records.create_record(session, "task", "Loose task").id
    proposal(session, task, "Under a task", terms("1"))
    # Mallory's, in the shared cloud (I am not an actor) and in hers alone.
    team_lead = records.create_record(
        mallory, "sales_lead", "Team deal", cloud="Team"
    ).id
    proposal(mallory, team_lead, "Team draft", terms("2000", "10"), on(1, 12))
    sales.send(mallory, proposal(mallory, team_lead, "Team sent", terms("3000")))
    secret = records.create_record(mallory, "sales_lead", "Secret", cloud="Nordic").id
    proposal(mallory, secret, "Secret draft", terms("123456"))
    sales.send(mallory, proposal(mallory, secret, "Secret sent", terms("654321")))
    mine = private_cloud(mallory.user).id
    private = records.create_record(mallory, "sales_lead", "Hers").id
    assert Record.get_by_id(private).cloud_id == mine
    proposal(mallory, private, "Hers draft", terms("777"))
    return Pipeline(session, mallory, team.id, nordic.id, lead, ids)


def direct_totals(session: Session, cloud_id=None, mine=False) -> dict:
    """Count and sums per stage and currency straight from SQL, as the board
    defines them: {stage: (count, {currency: one-time}, {currency: monthly})}."""
    sql = (
        "SELECT s.stage, s.currency, COUNT(*), COALESCE(SUM(s.one_time_cents), 0), "
        "COALESCE(SUM(s.monthly_cents), 0) FROM sale s "
        "JOIN record r ON r.id = s.record_id "
        "WHERE s.cloud_id IN (SELECT cloud_id FROM cloud_member WHERE user_id = ?) "
        "AND (s.stage IN ('billed', 'lost') OR r.finished_at IS NULL)"
    )
    params: list = [session.user_id]
    if cloud_id is not None:
        sql += " AND s.cloud_id = ?"
        params.append(cloud_id)
    if mine:
        sql += (
            " AND EXISTS (SELECT 1 FROM record_actor a "
            "WHERE a.record_id = s.record_id AND a.user_id = ?)"
        )
        params.append(session.user_id)
    sql = sql.replace("?", session.db.param)  # %s on PostgreSQL
    rows = database.execute_sql(sql + " GROUP BY s.stage, s.currency", params)
    found = {stage: (0, {}, {}) for stage in board.STAGES}
    for stage, currency, count, once, monthly in rows.fetchall():
        total, once_by, monthly_by = found[stage]
        once_by[currency] = once
        if monthly:
            monthly_by[currency] = monthly
        found[stage] = (total + count, once_by, monthly_by)
    return found


def as_tuples(totals: dict) -> dict:
    return {
        stage: (
            t.count,
            {s.currency: s.cents for s in t.one_time},
            {s.currency: s.cents for s in t.monthly if s.cents},
        )
        for stage, t in totals.items()
    }


def titles(cards) -> list[str]:
    return [card.title for card in cards]


def whole_column(session, stage, **filters) -> list[board.Card]:
    return board.column_page(session, stage, 0, 1000, **filters)


def test_the_board_domain_imports_no_textual():
    code = (
        "import sys, focus_tui.views.board\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# -- totals -------------------------------------------------------------------


def test_totals_equal_a_direct_sql_sum(pipeline):
    me = pipeline.me
    private = private_cloud(me.user).id
    for filters in (
        {},
        {"mine": True},
        {"cloud_id": pipeline.team},
        {"cloud_id": pipeline.team, "mine": True},
        {"cloud_id": private},
    ):
        totals = board.column_totals(me, **filters)
        assert set(totals) == set(board.STAGES)
        assert as_tuples(totals) == direct_totals(me, **filters), filters
        for stage, column in totals.items():
            assert column.count == len(whole_column(me, stage, **filters))
    # Only the columns on screen are counted (Lost is hidden by default).
    shown = as_tuples(board.column_totals(me, stages=board.MAIN_STAGES))
    assert shown == {**direct_totals(me), "lost": (0, {}, {})}
    everyone = as_tuples(board.column_totals(me))
    assert everyone == {
        "draft": (
            5,
            {"EUR": 120000 + 30050 + 100 + 200000, "SEK": 1000000},
            {"EUR": 5000 + 1000},
        ),
        "sent": (2, {"EUR": 500000 + 300000}, {"EUR": 10000}),
        "ordered": (1, {"EUR": 700000}, {}),
        "delivered": (1, {"EUR": 800000}, {"EUR": 2000}),
        "billed": (2, {"EUR": 900000 + 10000}, {"EUR": 30000}),
        "lost": (1, {"EUR": 40000}, {}),
    }


def test_totals_keep_each_currency_apart(pipeline):
    draft = board.column_totals(pipeline.me)["draft"]
    # Most cards first: 4 EUR cards (3 501.50) before 1 SEK card (10 000).
    assert [(c.currency, c.count, c.cents) for c in draft.one_time] == [
        ("EUR", 4, 120000 + 30050 + 100 + 200000),
        ("SEK", 1, 1000000),
    ]
    assert [(c.currency, c.count, c.cents) for c in draft.monthly] == [
        ("EUR", 2, 5000 + 1000)
    ]
    assert draft.count == 5 == draft.one_time.count
    # Nothing in the totals is EUR and SEK added together.
    assert not hasattr(draft, "one_time_cents")
    lost = board.column_totals(pipeline.me, cloud_id=pipeline.team)["lost"]
    assert (lost.count, lost.one_time, lost.monthly) == (
        0,
        MoneyTotals(),
        MoneyTotals(),
    )


def test_filters_narrow_to_a_cloud_and_to_me_as_actor(pipeline):
    me, ids = pipeline.me, pipeline.by_title
    drafts = titles(whole_column(me, "draft"))
    assert set(drafts) == {
        "Draft A",
        "Draft B",
        "Draft C",
        "Under a task",
        "Team draft",
    }
    assert titles(whole_column(me, "draft", mine=True)) == [
        "Draft C",
        "Draft A",
        "Draft B",
        "Under a task",
    ]
    assert titles(whole_column(me, "draft", cloud_id=pipeline.team)) == ["Team draft"]
    assert whole_column(me, "draft", cloud_id=pipeline.team, mine=True) == []
    # A second actor makes it mine too.
    RecordActor.create(record=ids["Team draft"], user=me.user_id)
    assert "Team draft" in titles(whole_column(me, "draft", mine=True))


def test_clouds_i_am_not_in_never_show(pipeline):
    me, ids = pipeline.me, pipeline.by_title
    hidden = {ids["Secret draft"], ids["Secret sent"], ids["Hers draft"]}
    hers = private_cloud(pipeline.mallory.user).id
    for filters in ({}, {"cloud_id": pipeline.nordic}, {"cloud_id": hers}):
        for stage in board.STAGES:
            assert not hidden & {c.id for c in whole_column(me, stage, **filters)}
    assert as_tuples(board.column_totals(me, cloud_id=pipeline.nordic)) == {
        stage: (0, {}, {}) for stage in board.STAGES
    }
    for record_id in hidden:
        assert board.card_position(me, "draft", record_id) is None
        with pytest.raises(UserError):
            board.stage_of(me, record_id)
        with pytest.raises(UserError):
            undo.step_back(me, record_id, "sent")
    # Mallory sees them, of course.
    assert {"Secret draft", "Hers draft"} <= set(
        titles(whole_column(pipeline.mallory, "draft"))
    )


# -- pages ----------------------------------------------------------------------


def test_cards_carry_what_a_card_shows(pipeline):
    me = pipeline.me
    cards = {c.title: c for s in board.STAGES for c in whole_column(me, s)}
    draft = cards["Draft A"]
    assert (draft.stage, draft.client, draft.currency) == (
        "draft",
        "Acme renewal",
        "EUR",
    )
    assert (draft.one_time_cents, draft.monthly_cents) == (120000, 5000)
    assert draft.date == date(2026, 11, 30) and not draft.overdue
    assert cards["Draft C"].overdue and not cards["Draft C"].finished
    assert cards["Draft B"].date is None and cards["Draft B"].currency == "SEK"
    assert cards["Under a task"].client == ""
    assert cards["Team draft"].client == "Team deal"
    # Sold turned the lead into a Client Relationship: still the client.
    assert cards["Sold A"].client == "Acme renewal"
    assert cards["Billed A"].finished and not cards["Billed monthly"].finished
    assert cards["Lost A"].finished and cards["Lost A"].stage == "lost"
    assert "Draft finished" not in cards


def test_pages_follow_the_column_order(session, clock):
    lead = records.create_record(session, "sales_lead", "Big deal").id
    days = [None, 3, 1, None, 2, 1, 5, None, 4, 1, 2, 3, None, 5, 1, 2, 4]
    made = []
    for n, day in enumerate(days):
        when = on(day, 12) if day else None
        made.append(
            sales.create_proposal(
                session, lead, f"P{n}", terms=terms("10"), when=when
            ).id
        )
    whole = whole_column(session, "draft")
    assert len(whole) == len(days)
    keys = [(c.date is None, c.date or date.min, c.id) for c in whole]
    assert keys == sorted(keys)  # by date, undated last, then id
    for size in (1, 4, 7):
        for total in (None, len(days)):  # with the total, late pages run backwards
            pages = [
                board.column_page(session, "draft", offset, size, total=total)
                for offset in range(0, len(days) + size, size)
            ]
            assert list(itertools.chain(*pages)) == whole, (size, total)
    for index, card in enumerate(whole):
        assert board.card_position(session, "draft", card.id) == index
    assert board.column_page(session, "draft", len(days), 10) == []
    assert board.card_position(session, "sent", made[0]) is None


def test_billed_runs_by_billed_date_and_lost_by_date_newest_first(session):
    lead = records.create_record(session, "sales_lead", "Old customer").id
    days = [3, None, 9, 1, 9]
    for n, day in enumerate(days):
        order = sales.create_proposal(session, lead, f"O{n}", terms=terms("1")).id
        sales.mark_sold(session, order, sold_date=date(2026, 9, 30))
        sales.mark_billed(session, order, billed_date=date(2026, 10, day or 1))
        if day is None:  # e.g. a row from before billed dates were kept
            Sale.update(billed_date=None).where(Sale.record == order).execute()
        # The next date of the order does not count here.
        Record.update(date=date(2026, 12, 10 - (day or 0))).where(
            Record.id == order
        ).execute()
        lost = sales.create_proposal(
            session, lead, f"L{n}", terms=terms("1"), when=on(day, 10) if day else None
        ).id
        sales.mark_lost(session, lost)
    newest_first = ["4", "2", "0", "3", "1"]  # 9 (later id first), 9, 3, 1, none
    for stage, prefix in (("billed", "O"), ("lost", "L")):
        whole = whole_column(session, stage)
        assert [c.title for c in whole] == [prefix + n for n in newest_first]
        for index, card in enumerate(whole):
            assert board.card_position(session, stage, card.id) == index
        for total in (None, 5):
            pages = [
                board.column_page(session, stage, o, 2, total=total) for o in (0, 2, 4)
            ]
            assert list(itertools.chain(*pages)) == whole


def test_unknown_stage_is_refused(session):
    with pytest.raises(UserError, match="no stage"):
        board.column_page(session, "won", 0, 10)


# -- moving cards -----------------------------------------------------------------


def test_next_stage_is_the_sales_process(pipeline):
    assert [PROCESS[s].next for s in STAGES] == [
        "sent",
        "ordered",
        "delivered",
        "billed",
        None,
        None,
    ]
    assert MAIN_STAGES == ("draft", "sent", "ordered", "delivered", "billed")


def test_step_back_undoes_only_the_step_into_the_column(pipeline):
    me, ids = pipeline.me, pipeline.by_title
    draft = ids["Draft A"]
    with pytest.raises(UserError, match="A draft is where a proposal starts"):
        undo.step_back(me, draft, "draft")
    sales.send(me, draft)
    with pytest.raises(UserError, match="is Sent now, not Draft"):
        undo.step_back(me, draft, "draft")  # stale board: nothing happens
    assert undo.step_back(me, draft, "sent") == ("sent", "draft")
    assert Sale.get_by_id(draft).sent_date is None
    sales.send(me, draft)
    sales.revise(me, draft, terms("1300"))
    with pytest.raises(UserError, match="was a revision, not “Send”"):
        undo.step_back(me, draft, "sent")
    assert Sale.get_by_id(draft).stage == "sent"
    for stage, step in (
        ("ordered", "sold"),
        ("delivered", "delivered"),
        ("billed", "billed"),
        ("lost", "lost"),
    ):
        record = sales.create_proposal(
            me, pipeline.lead, f"Back {stage}", terms=terms("1")
        )
        sales.send(me, record.id)
        if stage == "lost":
            sales.mark_lost(me, record.id)
        else:
            sales.mark_sold(me, record.id)
        if stage in ("delivered", "billed"):
            sales.mark_delivered(me, record.id)
        if stage == "billed":
            sales.mark_billed(me, record.id)
        before = Record.get_by_id(record.id).finished_at
        back_to = {"ordered": "sent", "delivered": "ordered", "billed": "delivered"}
        assert undo.step_back(me, record.id, stage) == (
            step,
            back_to.get(stage, "sent"),
        )
        if stage in ("billed", "lost"):
            assert before is not None
            assert Record.get_by_id(record.id).finished_at is None


def test_a_moved_card_is_not_stepped_back_past_the_move(pipeline):
    me, ids = pipeline.me, pipeline.by_title
    sent = ids["Sent A"]
    records.move_record(me, sent, on(10, 12))
    with pytest.raises(UserError, match="was a move"):
        undo.step_back(me, sent, "sent")


# -- the demo's sale rows -----------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("board-demo") / "demo.db")
    clock = Clock(zone=ZONE, fixed=FIXED_NOW)
    fill_demo(db, records=3000, user_name="tester", clock=clock)
    yield db
    db.close()


@pytest.fixture
def demo(demo_db):
    database.initialize(demo_db)
    return demo_db


def test_every_demo_proposal_and_order_has_a_consistent_sale_row(demo):
    rows = demo.execute_sql(
        "SELECT r.id, r.type, r.cloud_id, r.finished_at, s.stage, s.cloud_id, "
        "s.revision, s.currency, s.one_time_cents, s.monthly_cents, s.sent_date, "
        "s.sold_date, s.delivered_date, s.billed_date, s.monthly_billing, "
        "s.lost_reason, r.created_at "
        "FROM record r LEFT JOIN sale s ON s.record_id = r.id "
        "WHERE r.type IN ('sales_proposal', 'order')"
    ).fetchall()
    assert len(rows) > 100
    assert Sale.select().count() == len(rows)
    stages = set()
    for (
        rid,
        rtype,
        cloud,
        finished_at,
        stage,
        sale_cloud,
        revision,
        currency,
        once,
        monthly,
        sent,
        sold,
        delivered,
        billed,
        monthly_billing,
        reason,
        created,
    ) in rows:
        assert stage is not None, f"#{rid} has no sale row"
        stages.add(stage)
        assert sale_cloud == cloud
        finished = finished_at is not None
        if rtype == "sales_proposal":
            assert stage in ("draft", "sent", "lost")
            assert finished == (stage == "lost"), rid
            assert sold is None and delivered is None and billed is None
        else:
            assert stage in ("ordered", "delivered", "billed")
            assert sent and sold
            assert finished == (stage == "billed" and not monthly_billing), rid
        if stage == "draft":
            assert revision == 1 and sent is None
        else:
            assert 1 <= revision <= 4 and sent is not None
        assert (stage in ("delivered", "billed")) == (delivered is not None)
        assert (stage == "billed") == (billed is not None)
        assert not monthly_billing or (stage == "billed" and monthly)
        assert reason == "" or stage == "lost"
        assert currency in ("EUR", "SEK", "CZK", "GBP", "PLN", "NOK", "DKK", "CHF")
        assert once > 0 and (monthly is None or monthly > 0)
        if currency == "EUR":
            assert 2_000_00 <= once <= 250_000_00
            assert monthly is None or monthly <= 5_000_00
        dates = [d for d in (sent, sold, delivered, billed) if d is not None]
        assert dates == sorted(dates), rid
        assert all(d <= "2026-11-27" for d in dates), rid
        assert not dates or dates[0] >= created[:10], rid
        if billed and finished:
            # Billed the day it was finished (in working hours UTC and local
            # time fall on the same day).
            assert billed == finished_at[:10], rid
    assert stages == set(board.STAGES)
    reasons = {r for (r,) in demo.execute_sql("SELECT lost_reason FROM sale")}
    assert len(reasons) > 3


def test_the_demo_board_has_cards_in_every_column(demo):
    me = open_session(demo.database, "tester", Clock(zone=ZONE, fixed=FIXED_NOW))
    totals = board.column_totals(me)
    assert all(totals[stage].count > 0 for stage in board.STAGES), as_tuples(totals)
    assert as_tuples(totals) == direct_totals(me)
    mine = board.column_totals(me, mine=True)
    assert sum(t.count for t in mine.values()) < sum(t.count for t in totals.values())
    currencies = {c for t in totals.values() for c in t.one_time.currencies}
    assert "EUR" in currencies and len(currencies) > 2
    first = board.column_page(me, "sent", 0, 5)
    assert first and all(card.client for card in first)
