"""Quick add: the one-line grammar (30 lines it reads, 20 it refuses), and
the domain command that turns a line into a record or creates nothing."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from focus_tui.core.errors import UserError
from focus_tui.core.quick_add import describe_quick, parse_quick
from focus_tui.domain import clouds, records
from focus_tui.domain.access import get_record, participants
from focus_tui.domain.quick_add import plan_quick, preview_quick, quick_add
from focus_tui.domain.session import Session, ensure_user
from focus_tui.models import Record, RecordActor, Sale

TODAY = date(2026, 11, 27)  # a Friday, as the test clock's
FRI = date(2026, 12, 4)
D = Decimal

# line -> (type key, title, date, time, one-time, monthly, currency, cloud, actors)
GOOD = [
    (
        "lead Acme Oy fri 10:00 #nordic @bob",
        ("sales_lead", "Acme Oy", FRI, time(10), None, None, None, "nordic", ("bob",)),
    ),
    ("task call Matti +2d", ("task", "call Matti", date(2026, 11, 29))),
    ("note talked about prices", ("contact_note", "talked about prices", None)),
    ("offer 12 000 EUR", ("sales_proposal", "", None, None, D(12000), None, "EUR")),
    ("task call Matti", ("task", "call Matti", None)),
    ("Task Call Matti tomorrow", ("task", "Call Matti", date(2026, 11, 28))),
    (
        "task call Matti tomorrow 9:30",
        ("task", "call Matti", date(2026, 11, 28), time(9, 30)),
    ),
    ("task tomorrow call Matti", ("task", "call Matti", date(2026, 11, 28))),
    (
        "task review contract in 2 weeks",
        ("task", "review contract", date(2026, 12, 11)),
    ),
    ("task send invoice next fri", ("task", "send invoice", FRI)),
    ("task demo at 14", ("task", "demo", TODAY, time(14))),
    ("task demo 2pm", ("task", "demo", TODAY, time(14))),
    ("task renewal 3.12.", ("task", "renewal", date(2026, 12, 3))),
    ("task renewal 2027-01-15", ("task", "renewal", date(2027, 1, 15))),
    ("task renewal dec 3 14:00", ("task", "renewal", date(2026, 12, 3), time(14))),
    ("task - call back", ("task", "- call back", None)),
    ('task "call fri" tomorrow', ("task", "call fri", date(2026, 11, 28))),
    ("task buy 2 licences", ("task", "buy 2 licences", None)),
    ("lead   Nordlicht   GmbH  ", ("sales_lead", "Nordlicht GmbH", None)),
    ("sales lead Nordlicht GmbH", ("sales_lead", "Nordlicht GmbH", None)),
    (
        "lead Järvenpää Oy #Nordic @bob @carol @bob",
        (
            "sales_lead",
            "Järvenpää Oy",
            None,
            None,
            None,
            None,
            None,
            "Nordic",
            ("bob", "carol"),
        ),
    ),
    ("contact note lunch with Anna", ("contact_note", "lunch with Anna", None)),
    ("note call planned mon", ("contact_note", "call planned", date(2026, 11, 30))),
    ("person Anna Virtanen", ("contact_person", "Anna Virtanen", None)),
    ("contact person Matti fri", ("contact_person", "Matti fri", None)),
    (
        "offer Fleet tracking 12 000 EUR 450/mo",
        ("sales_proposal", "Fleet tracking", None, None, D(12000), D(450), "EUR"),
    ),
    (
        "offer 1 200,50 SEK 99 monthly fri",
        ("sales_proposal", "", FRI, None, D("1200.50"), D(99), "SEK"),
    ),
    (
        "offer €1200 Website",
        ("sales_proposal", "Website", None, None, D(1200), None, "EUR"),
    ),
    ('offer "Website 2.0" 500', ("sales_proposal", "Website 2.0", None, None, D(500))),
    (
        "proposal Support 300 /month",
        ("sales_proposal", "Support", None, None, None, D(300)),
    ),
]

BAD = [
    ("", "Type what to create"),
    ("   ", "Type what to create"),
    ("acme oy fri", "Start with the type"),
    ("#nordic lead Acme", "Start with the type"),
    ("task", "Give a Task a title"),
    ("task fri 10:00", "Give a Task a title"),
    ("lead #nordic @bob", "Give a Sales Lead a title"),
    ("note +2d", "Give a Contact Note a title"),
    ("person", "Give a Contact Person a title"),
    ("order Big deal", "An Order is not typed in"),
    ("client Acme", "A Client Relationship is not typed in"),
    ("task call # now", "Put a name right after #"),
    ("task call @", "Put a name right after @"),
    ("lead Acme #nordic #west", "One cloud per record"),
    ("person Anna @bob", "A Contact Person has no actors"),
    ('task "call Matti', 'A quote (") is not closed'),
    ("offer 2.0 1200", "Two one-time sums"),
    ("offer 100/mo 200/mo", "Two monthly sums"),
    ("offer 100 EUR 200 SEK/mo", "different currencies"),
    ("task " + "x" * 1000, "too long"),
]


def _expected(values):
    filled = (*values, *([None] * (9 - len(values))))
    *head, actors = filled
    return (*head, actors or ())


@pytest.mark.parametrize(("text", "want"), GOOD, ids=[g[0] or "empty" for g in GOOD])
def test_a_good_line_reads(text, want):
    line = parse_quick(text, TODAY)
    terms = line.terms
    got = (
        line.type.key,
        line.title,
        line.when.date if line.when else None,
        line.when.time if line.when else None,
        terms.one_time if terms else None,
        terms.monthly if terms else None,
        terms.currency if terms else None,
        line.cloud,
        line.actors,
    )
    assert got == _expected(want)
    assert describe_quick(line, TODAY)  # every good line previews


@pytest.mark.parametrize(("text", "message"), BAD, ids=[b[1] for b in BAD])
def test_a_bad_line_says_why(text, message):
    with pytest.raises(UserError) as caught:
        parse_quick(text, TODAY)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_grammar_counts():
    assert len(GOOD) == 30 and len(BAD) == 20


def test_the_preview_says_it_all():
    line = parse_quick("lead Acme Oy fri 10:00 #nordic @bob", TODAY)
    assert describe_quick(line, TODAY) == (
        "Sales Lead “Acme Oy” · Fri 4 Dec 2026, 10:00 — in 7 days · #nordic · @bob"
    )


def test_markup_and_controls_stay_text():
    line = parse_quick("task [bold]x[/] \x1b[31m", TODAY)
    assert "\x1b" not in describe_quick(line, TODAY)


# -- the command ------------------------------------------------------------------


def _as(session: Session, name: str) -> Session:
    return Session(
        db=session.db, user=ensure_user(name, session.clock), clock=session.clock
    )


@pytest.fixture
def nordic(session):
    ensure_user("bob", session.clock)
    clouds.create_cloud(session, "nordic")
    clouds.add_member(session, "nordic", "bob")
    return session


def _count() -> int:
    return Record.select().count()


def test_the_lead_of_the_example(nordic):
    record = quick_add(nordic, "lead Acme Oy fri 10:00 #nordic @bob")
    lead = get_record(nordic, record.id)
    assert (lead.type, lead.title, lead.date) == ("sales_lead", "Acme Oy", FRI)
    assert nordic.clock.to_local(lead.due_at).time() == time(10)
    assert lead.cloud.name == "nordic"
    actors = {
        a.user.name for a in RecordActor.select().where(RecordActor.record == lead.id)
    }
    assert actors == {"tester", "bob"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lead Acme #nowhere", "not a member of a cloud called 'nowhere'"),
        (
            "lead Acme #nordic @nobody",
            "Nobody called 'nobody' is a member of cloud 'nordic'",
        ),
        (
            "lead Acme @bob",
            "Nobody called 'bob' is a member of cloud 'tester (private)'",
        ),
        ("offer 12 000 EUR", "Give the offer a title"),
    ],
)
def test_an_unknown_name_creates_nothing(nordic, text, message):
    before = _count()
    with pytest.raises(
        UserError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        quick_add(nordic, text)
    assert _count() == before


def test_in_a_feed_a_note_and_an_offer_go_under_the_record_in_view(nordic):
    lead = quick_add(nordic, "lead Acme Oy #nordic")
    task = records.create_record(nordic, "task", "Call", parent_id=lead.id)
    note = quick_add(nordic, "note talked about prices", context_id=task.id)
    assert get_record(nordic, note.id).parent_id == task.id
    assert get_record(nordic, note.id).finished_at is not None  # a logged contact
    # The offer goes under the deal, named after it.
    offer = quick_add(nordic, "offer 12 000 EUR", context_id=task.id)
    record = get_record(nordic, offer.id)
    assert (record.parent_id, record.title, record.cloud.name) == (
        lead.id,
        "Acme Oy",
        "nordic",
    )
    sale = Sale.get_by_id(offer.id)
    assert (sale.one_time_cents, sale.currency) == (1_200_000, "EUR")
    # A lead goes beside the one in view, in its cloud.
    other = quick_add(nordic, "lead Other Oy", context_id=task.id)
    assert get_record(nordic, other.id).parent_id is None
    assert get_record(nordic, other.id).cloud.name == "nordic"


def test_a_cloud_other_than_the_parents_is_refused(nordic):
    lead = quick_add(nordic, "lead Acme Oy")  # private
    before = _count()
    with pytest.raises(UserError, match="leave out the #cloud"):
        quick_add(nordic, "task call #nordic", context_id=lead.id)
    assert _count() == before


def test_a_record_out_of_sight_is_no_context(nordic):
    stranger = _as(nordic, "mallory")
    theirs = records.create_record(stranger, "task", "Secret")
    with pytest.raises(UserError, match="no record"):
        plan_quick(nordic, "note hi", context_id=theirs.id)


def test_the_preview_names_where_it_lands(nordic):
    lead = quick_add(nordic, "lead Acme Oy #nordic")
    assert preview_quick(nordic, "task call") == ("Task “call” · #tester (private)")
    assert preview_quick(nordic, "note hi", context_id=lead.id) == (
        f"Contact Note “hi” · under #{lead.id} Acme Oy"
    )
    assert participants(nordic, lead.id).count() == 0
