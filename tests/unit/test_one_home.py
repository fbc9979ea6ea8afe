"""The four rules whose copies disagreed, each now answered in one place.

1. who may see a record — a history line does not name a person of a cloud
   the reader is not in;
2. what a deal is — a proposal under a Contact Note under a Sales Lead has
   that lead as its client on the board and counts in won / lost figures;
3. what a typed day means — the CLI and the dialogs read "1.11." alike;
4. what a sum with a currency means — the CLI, the record form and the step
   dialogs share one parser.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from focus_tui import cli
from focus_tui.core.clock import Clock
from focus_tui.core.dates import PAST, parse_day
from focus_tui.core.errors import UserError
from focus_tui.core.money import Terms, parse_terms
from focus_tui.domain import records, sales, tracker
from focus_tui.domain.session import Session, ensure_user
from focus_tui.models import Cloud, CloudMember
from focus_tui.views import board, feed, reports


def _member(session: Session, name: str) -> Session:
    user = ensure_user(name, session.clock)
    return Session(db=session.db, user=user, clock=session.clock)


# -- 1. history names only what the reader may see -------------------------------


def test_a_private_person_tagged_on_a_team_note_is_not_named_to_the_team(session):
    alice, bob = _member(session, "alice"), _member(session, "bob")
    team = Cloud.create(
        name="Team", kind="team", created_at=session.clock.now_utc_naive()
    )
    for member in (alice, bob):
        CloudMember.create(cloud=team, user=member.user)
    private = records.create_record(alice, "contact_person", "Priya Private")
    shared = records.create_record(alice, "contact_person", "Sam Shared", cloud="Team")
    lead = records.create_record(alice, "sales_lead", "Team lead", cloud="Team")
    note = records.create_record(
        alice,
        "contact_note",
        "Call",
        parent_id=lead.id,
        participant_ids=[private.id, shared.id],
    )

    def history(reader: Session) -> str:
        return " | ".join(
            item.text
            for item in feed.feed_page(reader, note.id, 0, 50)
            if isinstance(item, feed.HistoryItem)
        )

    assert "Priya Private" in history(alice) and "Sam Shared" in history(alice)
    assert "Sam Shared" in history(bob)
    assert "Priya" not in history(bob)
    header = feed.feed_header(bob, note.id)
    assert [p.title for p in header.participants] == ["Sam Shared"]
    # Untagging her later does not name her to bob either.
    records.edit_record(alice, note.id, participant_ids=[shared.id])
    assert "Priya" not in history(bob)
    assert "untagged Priya Private" in history(alice)


def test_an_old_history_line_without_ids_names_nobody(session):
    """Lines logged before ids were kept: a name that no tag or person of the
    record's cloud explains is shown to nobody."""
    from focus_tui.views.history_text import describe_event

    line = describe_event("participants", '{"added": ["Old Name"]}', lambda _id: False)
    assert "Old Name" not in line


# -- 2. one definition of a deal ---------------------------------------------------


def test_a_proposal_under_a_note_has_its_lead_as_client(session):
    lead = records.create_record(session, "sales_lead", "Acme deal")
    note = records.create_record(session, "contact_note", "Call", parent_id=lead.id)
    proposal = sales.create_proposal(
        session, note.id, "Offer", terms=Terms(Decimal(10))
    )
    cards = board.column_page(session, "draft", 0, 10)
    assert [(c.id, c.client) for c in cards] == [(proposal.id, "Acme deal")]
    # Sold: the lead becomes the client relationship; focused time on it is
    # counted for a won deal.
    tracker.focus(session, note.id)
    from conftest import advance

    advance(session, minutes=30)
    tracker.unfocus(session)
    sales.send(session, proposal.id)
    sales.mark_sold(session, proposal.id)
    outcomes = reports.outcome_averages(session)
    assert (outcomes.won_deals, outcomes.lost_deals) == (1, 0)
    assert board.column_page(session, "ordered", 0, 10)[0].client == "Acme deal"


def test_a_deal_whose_deep_proposals_were_all_lost_counts_as_lost(session):
    lead = records.create_record(session, "sales_lead", "Lost deal")
    note = records.create_record(session, "contact_note", "Call", parent_id=lead.id)
    proposal = sales.create_proposal(session, note.id, "Offer")
    tracker.focus(session, lead.id)
    from conftest import advance

    advance(session, minutes=5)
    tracker.unfocus(session)
    sales.send(session, proposal.id)
    sales.mark_lost(session, proposal.id, "price")
    outcomes = reports.outcome_averages(session)
    assert (outcomes.won_deals, outcomes.lost_deals) == (0, 1)


# -- 3. one reading of a typed day ---------------------------------------------------


def _on(session: Session, day: date) -> Session:
    return Session(
        db=session.db,
        user=session.user,
        clock=Clock(
            zone=session.clock.zone,
            fixed=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
        ),
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.11.", date(2026, 11, 1)),  # not next year: a report looks back
        ("nov 1", date(2026, 11, 1)),
        ("30.11.", date(2026, 11, 30)),
        ("1.12.", date(2026, 12, 1)),  # today
        ("24.12.", date(2025, 12, 24)),  # the last one
        ("2027-01-05", date(2027, 1, 5)),  # a year given stays
        ("mon", date(2026, 11, 30)),  # the last Monday
        ("-30d", date(2026, 11, 1)),
    ],
)
def test_the_cli_and_the_dialogs_read_a_day_alike(session, text, expected):
    from focus_tui.screens.step_dialog import DAY, Field, StepDialog, StepForm

    december = _on(session, date(2026, 12, 1))  # a Tuesday
    assert parse_day(text, december.clock.today(), reading=PAST) == expected
    assert cli._date(december, text) == expected
    dialog = StepDialog(StepForm("Period", []), december.clock)
    assert dialog._parse(Field("start", "From", DAY), text) == expected


def test_export_from_a_day_without_year_exports_that_period(session, tmp_path):
    """`export --from 1.11.` on 1 December: November's records (it used to
    mean 1 November next year and export nothing)."""
    from openpyxl import load_workbook

    from focus_tui.core.dates import When
    from focus_tui.export.xlsx import export_xlsx
    from focus_tui.views.report_view import ViewSettings

    december = _on(session, date(2026, 12, 1))
    records.create_record(
        december, "task", "In November", when=When(date(2026, 11, 15))
    )
    records.create_record(december, "task", "In October", when=When(date(2026, 10, 15)))
    start = cli._date(december, "1.11.", "--from")
    result = export_xlsx(
        december, tmp_path / "nov.xlsx", ViewSettings(types=("task",), start=start)
    )
    assert result.rows == 1
    sheet = load_workbook(result.path, read_only=True)["Records"]
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["In November"]


# -- 4. one parser of sums with a currency --------------------------------------------


def _cli_terms(one_time=None, monthly=None, currency=None):
    class Args:
        pass

    args = Args()
    args.one_time, args.monthly, args.currency = one_time, monthly, currency
    return cli._terms(args)


@pytest.mark.parametrize(
    "one_time, monthly, expected",
    [
        ("1200 SEK", "", Terms(Decimal(1200), None, "SEK")),
        ("€1 200,50", "50", Terms(Decimal("1200.50"), Decimal(50), "EUR")),
        ("1200", "50 SEK", Terms(Decimal(1200), Decimal(50), "SEK")),
        ("1200", "", Terms(Decimal(1200), None, None)),
    ],
)
def test_the_cli_and_the_dialogs_read_sums_alike(one_time, monthly, expected):
    assert parse_terms(one_time, monthly) == expected
    assert _cli_terms(one_time, monthly or None) == expected


def test_two_currencies_are_refused_everywhere():
    with pytest.raises(UserError, match="different currencies"):
        parse_terms("1200 EUR", "50 SEK")
    with pytest.raises(UserError, match="different currencies"):
        _cli_terms("1200 EUR", "50 SEK")
    with pytest.raises(UserError, match="different currencies"):
        _cli_terms("1200 EUR", None, "SEK")
