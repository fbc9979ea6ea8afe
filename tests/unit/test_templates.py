"""Templates (domain/templates.py, views/templates.py, the CLI): built-ins at
first use, an Order's fulfilment tasks dated from the sold day, a user's
template round-trip, placeholders, who sees which template, and templates
kept out of every view of work."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from test_cli import run

from focus_tui.core.dates import When
from focus_tui.core.errors import NotFound, UserError
from focus_tui.core.money import Terms
from focus_tui.core.process import ORDER, SALES_LEAD, TASK
from focus_tui.core.templates import fill_placeholders
from focus_tui.domain import clouds, records, sales, templates
from focus_tui.domain.access import records as visible_records
from focus_tui.domain.records import ContactFields
from focus_tui.domain.session import Session, ensure_user, private_cloud
from focus_tui.models import Record, Sale
from focus_tui.views import agenda, board
from focus_tui.views.feed import CloudFeedSettings, cloud_feed, cloud_feed_count
from focus_tui.views.listing import list_records
from focus_tui.views.people import count_people
from focus_tui.views.places import count_of_type, type_page
from focus_tui.views.report_view import ViewSettings, count_rows
from focus_tui.views.search import search
from focus_tui.views.templates import template_rows, template_start


def other(session: Session, name: str) -> Session:
    return Session(
        db=session.db, user=ensure_user(name, session.clock), clock=session.clock
    )


def tree(session: Session, root_id: int) -> list[tuple]:
    """(depth, type, title, body, days from the root's date) of a record
    and everything under it, as a user sees it."""
    root = visible_records(session).where(Record.id == root_id).get()
    out, level, depth = [], [root], 0
    while level:
        for r in level:
            days = (r.date - root.date).days if r.date and root.date else None
            out.append((depth, r.type, r.title, r.body, days))
        level = list(
            visible_records(session)
            .where(Record.parent.in_([r.id for r in level]))
            .order_by(Record.id)
        )
        depth += 1
    return out


def test_the_built_ins_are_there_at_first_use_once(session):
    assert templates.ensure_builtins(session) is True
    rows = {(r.name, r.type, r.children) for r in template_rows(session)}
    assert rows == {
        ("Sales Lead", "sales_lead", 0),
        ("Sales Proposal", "sales_proposal", 0),
        ("Order", "order", 3),
        ("Contact Note", "contact_note", 0),
    }
    assert {r.cloud for r in template_rows(session)} == {"tester (private)"}
    # Once: a second use makes none, and a deleted built-in stays deleted.
    assert templates.ensure_builtins(session) is False
    templates.delete_template(session, "Contact Note")
    assert templates.ensure_builtins(session) is False
    assert "Contact Note" not in {r.name for r in template_rows(session)}
    lead = templates.find_template(session, "sales lead")
    body = templates.template_tree(session, lead.id)[0].record.body
    for question in (
        "Company",
        "Need",
        "Decision maker",
        "Budget",
        "Timeline",
        "Competitors",
    ):
        assert f"- {question}:" in body
    proposal = template_start(
        session, templates.find_template(session, "Sales Proposal").id
    )
    assert proposal.currency == "EUR" and "Outline" in proposal.body
    assert "Valid until 2026-12-27" in proposal.body  # 30 days from today
    note = templates.template_tree(
        session, templates.find_template(session, "#" + str(lead.id)).id
    )
    assert note[0].record.title == "{client}"


def test_an_order_from_the_template_has_its_tasks_dated_from_the_sold_day(session):
    templates.ensure_builtins(session)
    lead = records.create_record(session, SALES_LEAD, "Fleet tracking for Nordlicht")
    offer = sales.create_proposal(
        session, lead.id, "Trackers", terms=Terms(Decimal(900))
    )
    sold_day = date(2026, 11, 20)
    sold = templates.sold_from_template(session, offer.id, "Order", sold_date=sold_day)
    assert sold.order.type == ORDER.key and sold.became_relationship
    assert [(t.title, t.date, t.parent_id) for t in sold.tasks] == [
        ("Pack and deliver", sold_day + timedelta(2), offer.id),
        ("Activate the service", sold_day + timedelta(7), offer.id),
        ("Send the bill", sold_day + timedelta(14), offer.id),
    ]
    assert all(t.finished_at is None and t.type == TASK.key for t in sold.tasks)
    # They are work: in the main view, and the Sold step's undo closes them.
    shown = {row.title for row in agenda.fetch_page(session, 0, 50, 50)}
    assert {"Pack and deliver", "Send the bill"} <= shown


def test_an_order_saved_as_a_template_dates_its_tasks_from_the_next_sold_day(
    session,
):
    lead = records.create_record(session, SALES_LEAD, "Fleet tracking for Nordlicht")
    offer = sales.create_proposal(
        session, lead.id, "Trackers", terms=Terms(Decimal(900))
    )
    sold_day = date(2026, 11, 20)
    # Checked two weeks after the sale (the order's own date); tasks at +3, +10.
    sold = sales.mark_sold(
        session,
        offer.id,
        sold_date=sold_day,
        check_when=When(sold_day + timedelta(14)),
        tasks=[
            ("Pack the trackers", When(sold_day + timedelta(3)), ""),
            ("Install them", When(sold_day + timedelta(10)), ""),
        ],
    )
    assert sold.order.date == sold_day + timedelta(14)
    templates.save_template(session, sold.order.id, "Tracker order")

    lead2 = records.create_record(session, SALES_LEAD, "Fleet tracking for Kaleva")
    offer2 = sales.create_proposal(
        session, lead2.id, "Trackers", terms=Terms(Decimal(900))
    )
    later = date(2026, 11, 27)
    tasks = templates.fulfilment_tasks(session, "Tracker order", offer2.id, later)
    assert [(title, when.date) for title, when, _notes in tasks] == [
        ("Pack the trackers", later + timedelta(3)),
        ("Install them", later + timedelta(10)),
    ]


def test_sold_refuses_a_template_of_another_type_and_changes_nothing(session):
    templates.ensure_builtins(session)
    offer = sales.create_proposal(session, None, "Trackers")
    for name, said in (("Sales Lead", "not an Order"), ("nope", "No template")):
        with pytest.raises(UserError, match=said):
            templates.sold_from_template(session, offer.id, name)
    assert Sale.get_by_id(offer.id).stage == "draft"
    assert visible_records(session).count() == 1


def test_a_users_template_round_trips(session):
    lead = records.create_record(
        session,
        SALES_LEAD,
        "Acme Oy",
        body="Met at the fair",
        when=When(date(2026, 11, 30)),
    )
    records.create_record(
        session, "contact_note", "First call", parent_id=lead.id, body="Who: Anna"
    )
    offer = sales.create_proposal(
        session,
        lead.id,
        "Pilot",
        terms=Terms(Decimal("1200"), Decimal("45"), "SEK"),
        when=When(date(2026, 12, 4)),
    )
    records.create_record(
        session,
        TASK,
        "Send the pilot",
        parent_id=offer.id,
        when=When(date(2026, 12, 7)),
    )
    saved = templates.save_template(session, lead.id, "Fair lead")
    assert templates.find_template(session, "FAIR LEAD").id == saved.id
    made = templates.create_from_template(
        session, "Fair lead", type_="sales_lead", title="Acme Oy"
    )
    assert made.id != lead.id and made.date == session.clock.today()
    assert tree(session, made.id)[0][1:4] == tree(session, lead.id)[0][1:4]
    # Same tree; dates as the same days from the new lead's date.
    assert tree(session, made.id)[1:] == tree(session, lead.id)[1:]
    copy = (
        visible_records(session)
        .where((Record.parent == made.id) & (Record.title == "Pilot"))
        .get()
    )
    sale = Sale.get_by_id(copy.id)
    assert (sale.one_time_cents, sale.monthly_cents, sale.currency) == (
        120000,
        4500,
        "SEK",
    )
    assert sale.stage == "draft"


def test_the_cli_saves_lists_uses_renames_and_deletes(db_path):
    lead = run(db_path, "add", "lead", "Acme Oy", "--date", "2026-12-03").stdout.strip()
    run(db_path, "add", "task", "Call Anna", "--parent", lead, "--date", "2026-12-05")
    made = run(db_path, "template", "save", lead, "Fair lead").stdout.strip()
    rows = json.loads(run(db_path, "templates", "--format", "json").stdout)
    assert {
        "id": int(made),
        "name": "Fair lead",
        "type": "sales_lead",
        "cloud": "tester (private)",
        "children": 1,
    } in rows
    assert {r["name"] for r in rows} >= {"Sales Lead", "Order", "Contact Note"}
    new = run(
        db_path,
        "add",
        "lead",
        "Beta Ab",
        "--template",
        "fair lead",
        "--date",
        "2027-01-10",
    ).stdout.strip()
    listed = json.loads(run(db_path, "list", "--format", "json").stdout)
    by_title = {r["title"]: r for r in listed}
    assert by_title["Beta Ab"]["date"] == "2027-01-10"
    call = [
        r for r in listed if r["title"] == "Call Anna" and r["parent_id"] == int(new)
    ]
    assert call and call[0]["date"] == "2027-01-12"  # two days after, as saved
    run(db_path, "template", "rename", "Fair lead", "Trade fair lead")
    gone = run(db_path, "template", "delete", "trade fair lead").stdout
    assert "2 records" in gone
    names = {
        r["name"]
        for r in json.loads(run(db_path, "templates", "--format", "json").stdout)
    }
    assert "Trade fair lead" not in names and "Fair lead" not in names


@pytest.mark.parametrize(
    "args, said",
    [
        (("add", "task", "X", "--template", "Nope"), "No template called 'Nope'"),
        (
            ("add", "task", "X", "--template", "Sales Lead"),
            "makes a Sales Lead, not a Task",
        ),
        (("template", "delete", "Nope"), "No template called"),
        (("template", "rename", "Order", "Sales Lead"), "already"),
        (("template", "save", "999", "X"), "no record #999"),
    ],
)
def test_the_cli_refuses_a_wrong_template_clearly_and_creates_nothing(
    db_path, args, said
):
    run(db_path, "templates")
    before = run(db_path, "list", "--all", "--format", "json").stdout
    names = run(db_path, "templates", "--format", "json").stdout
    proc = run(db_path, *args, check=False)
    assert proc.returncode == 2
    assert said in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert run(db_path, "list", "--all", "--format", "json").stdout == before
    assert run(db_path, "templates", "--format", "json").stdout == names


def test_the_cli_sold_with_an_order_template(db_path):
    lead = run(db_path, "add", "lead", "Acme Oy").stdout.strip()
    offer = run(db_path, "add", "proposal", "Pilot", "--parent", lead).stdout.strip()
    said = run(
        db_path, "sold", offer, "--template", "Order", "--date", "2026-11-25"
    ).stdout
    assert "3 fulfilment tasks" in said
    rows = json.loads(run(db_path, "list", "--type", "task", "--format", "json").stdout)
    assert sorted((r["title"], r["date"]) for r in rows) == [
        ("Activate the service", "2026-12-02"),
        ("Pack and deliver", "2026-11-27"),
        ("Send the bill", "2026-12-09"),
    ]


def test_placeholders_are_filled(session):
    assert fill_placeholders("{me} on {today}, {x} {client}", {"me": "Mia"}) == (
        "Mia on {today}, {x} {client}"
    )
    session.user.display_name = "Mia Koski"
    lead = records.create_record(session, SALES_LEAD, "Fleet tracking")
    anna = records.create_record(
        session, "contact_person", "Anna", contact=ContactFields("Nordlicht GmbH")
    )
    records.add_participants(session, lead.id, [anna.id])
    templates.ensure_builtins(session)
    saved = templates.save_template(
        session,
        records.create_record(
            session,
            "contact_note",
            "Call {client} about {lead}",
            body="{me}, {today}: {client} / {lead} {unknown}",
        ).id,
        "Call",
    )
    note = templates.create_from_template(session, saved.id, parent_id=lead.id)
    assert note.title == "Call Nordlicht GmbH about Fleet tracking"
    assert (
        note.body == "Mia Koski, 2026-11-27: Nordlicht GmbH / Fleet tracking {unknown}"
    )
    # A new lead is its own client and lead: its title fills them.
    made = templates.create_from_template(session, "Sales Lead", title="Acme Oy")
    assert "who is Acme Oy," in made.body and "{" not in made.body
    # ...unless a person tagged on it has an organisation: that is the client.
    tagged = templates.create_from_template(
        session, "Sales Lead", title="Fleet app", participant_ids=[anna.id]
    )
    assert "who is Nordlicht GmbH," in tagged.body
    # Nothing to fill them from: they go, no brace is left behind.
    bare = templates.create_from_template(session, "Contact Note")
    assert bare.title == "Call with" and "{" not in bare.body
    # The form shows what is known, and leaves the title to the user.
    start = template_start(session, templates.find_template(session, "Sales Lead").id)
    assert start.title == "" and "{client}" in start.body
    start = template_start(session, saved.id, parent_id=lead.id)
    assert start.title == "Call Nordlicht GmbH about Fleet tracking"


def test_an_outsider_does_not_see_a_private_template_but_a_team_shares_one(session):
    bob = other(session, "bob")
    task = records.create_record(session, TASK, "Quarterly check")
    mine = templates.save_template(session, task.id, "My check")
    clouds.create_cloud(session, "Nordic")
    clouds.add_member(session, "Nordic", "bob")
    shared = records.create_record(session, TASK, "Team check", cloud="Nordic")
    team = templates.save_template(session, shared.id, "Team check")
    names = {r.name for r in template_rows(bob)}
    assert "My check" not in names and "Team check" in names
    for name in ("My check", f"#{mine.id}"):
        with pytest.raises(UserError):
            templates.create_from_template(bob, name)
        with pytest.raises(UserError):
            templates.delete_template(bob, name)
    with pytest.raises(NotFound):
        template_start(bob, mine.id)
    made = templates.create_from_template(bob, "team check")
    assert made.cloud_id == team.cloud_id and made.creator_id == bob.user_id
    assert templates.find_template(session, "My check").id == mine.id


def test_a_name_is_one_per_cloud_and_the_private_one_wins(session):
    task = records.create_record(session, TASK, "Check")
    templates.save_template(session, task.id, "Check")
    with pytest.raises(UserError, match="already"):
        templates.save_template(session, task.id, " check ")
    clouds.create_cloud(session, "Nordic")
    team = templates.save_template(session, task.id, "Check", cloud="Nordic")
    assert templates.find_template(session, "check").cloud_id != team.cloud_id
    with pytest.raises(UserError, match="needs a name"):
        templates.save_template(session, task.id, "  ")
    # Any case, in any script (SQLite's LOWER folds only ASCII).
    made = templates.save_template(session, task.id, "ÄÄNI Översikt")
    assert templates.find_template(session, "ääni  översikt").id == made.id
    with pytest.raises(UserError, match="already"):
        templates.rename_template(session, "Check", "ääni översikt")


def test_templates_stay_out_of_every_view_of_work(session):
    templates.ensure_builtins(session)
    lead = records.create_record(
        session, SALES_LEAD, "Zebra works", when=When(session.clock.today())
    )
    offer = sales.create_proposal(
        session, lead.id, "Zebra offer", terms=Terms(Decimal(5))
    )
    templates.save_template(session, lead.id, "Zebra template")
    work = {lead.id, offer.id}
    # Main view, its counts; board; record-type lists and their counts.
    rows = agenda.fetch_page(session, 0, 100, 100)
    assert {r.id for r in rows} == work
    assert sum(c for _, c in agenda.bucket_counts(session)) == 2
    assert board.column_totals(session)["draft"].count == 1
    for rtype in ("sales_lead", "sales_proposal", "order", "task", "contact_note"):
        assert count_of_type(session, rtype) == (
            1 if rtype in ("sales_lead", "sales_proposal") else 0
        )
        assert {r.id for r in type_page(session, rtype, 0, 50)} <= work
    assert count_people(session) == 0
    # Search: the template's title and notes are not found.
    assert {r.id for r in search(session, "zebra").rows()} == work
    assert search(session, "decision maker").rows() == []
    # Reports, the list, a cloud's feed.
    assert count_rows(session, ViewSettings()) == 2
    assert {
        row.id for row, _ in list_records(session, (), include_finished=True)
    } == work
    own = private_cloud(session.user).id
    assert cloud_feed_count(session, own, CloudFeedSettings()) == 2
    assert {r.id for r in cloud_feed(session, own, CloudFeedSettings(), 0, 50)} == work


def test_created_from_a_template_is_found_by_search_and_has_history(session):
    templates.ensure_builtins(session)
    made = templates.create_from_template(session, "Sales Lead", title="Quokka Oy")
    assert [r.id for r in search(session, "quokka").rows()] == [made.id]
    assert [r.id for r in search(session, "competitors").rows()] == [made.id]


@pytest.mark.sqlite_file
def test_an_older_database_gets_templates_and_keeps_its_records(db_path):
    """Migration 12 on a database of version 1: the old records are work (in
    the lists), the built-ins come at first use, the list indexes carry the
    flag."""
    from datetime import UTC, datetime

    from test_database import _version_1_database

    from focus_tui.core.clock import Clock
    from focus_tui.domain.session import open_session

    _version_1_database(db_path)
    clock = Clock(fixed=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    session = open_session(db_path, "tester", clock)
    assert count_of_type(session, "task") == 2
    assert count_of_type(session, "sales_lead") == 1
    assert templates.ensure_builtins(session)
    assert len(template_rows(session)) == 4
    assert count_of_type(session, "sales_lead") == 1
    for index in ("record_cloud", "record_type_date", "record_type_title_cloud"):
        columns = [
            row[2] for row in session.db.execute_sql(f"PRAGMA index_info({index})")
        ]
        assert columns[-1] == "is_template", index


def test_a_template_is_edited_by_saving_over_it(session):
    task = records.create_record(session, TASK, "Quarterly check", body="old steps")
    first = templates.save_template(session, task.id, "Check")
    made = templates.create_from_template(session, "Check")
    records.edit_record(session, made.id, body="new steps")
    records.create_record(session, TASK, "Call the bank", parent_id=made.id)
    with pytest.raises(UserError, match="already"):
        templates.save_template(session, made.id, "check")
    again = templates.save_template(session, made.id, "check", replace=True)
    rows = [r for r in template_rows(session) if r.name.lower() == "check"]
    assert [(r.id, r.children) for r in rows] == [(again.id, 1)]
    assert templates.template_tree(session, again.id)[0].record.body == "new steps"
    with pytest.raises(NotFound):
        templates.template_tree(session, first.id)
