"""Search (views/search.py, the index in models/search.py): accents and case,
the start of words, who may see what, and an index that follows every write
(create, edit, contact details, sold and its undo, moves, mail import)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from mail_samples import plain

from focus_tui.core.money import Terms
from focus_tui.core.text import fold, search_words
from focus_tui.domain import clouds, records, sales, undo
from focus_tui.domain.mail_import import import_mail
from focus_tui.domain.records import ContactFields
from focus_tui.domain.session import Session, ensure_user
from focus_tui.importing.mail import parse_message
from focus_tui.views.people import count_people, people_page
from focus_tui.views.places import count_of_type, type_page
from focus_tui.views.search import search


def titles(session: Session, text: str, **options) -> list[str]:
    return [row.title for row in search(session, text, **options).rows()]


def other(session: Session, name: str) -> Session:
    return Session(
        db=session.db, user=ensure_user(name, session.clock), clock=session.clock
    )


@pytest.fixture
def nordic(session):
    clouds.create_cloud(session, "Nordic")
    return "Nordic"


def test_folding_drops_case_and_accents():
    assert fold("JÄRVENPÄÄ Öljy Åbo Crème") == "jarvenpaa oljy abo creme"
    assert search_words("Matti.Virtanen@acme.fi  +358") == [
        "matti",
        "virtanen",
        "acme",
        "fi",
        "358",
    ]


def test_accents_and_case_do_not_matter_either_way(session, nordic):
    records.create_record(session, "sales_lead", "Järvenpää Oy", cloud=nordic)
    records.create_record(session, "task", "Call Ahlström AB")
    assert titles(session, "jarvenpaa") == ["Järvenpää Oy"]
    assert titles(session, "JÄRVENPÄÄ") == ["Järvenpää Oy"]
    assert titles(session, "ahlstrom") == ["Call Ahlström AB"]
    assert titles(session, "Ahlström") == ["Call Ahlström AB"]


def test_every_word_matches_the_start_of_a_word(session):
    records.create_record(session, "sales_lead", "Fleet tracking for Nordlicht GmbH")
    records.create_record(session, "sales_lead", "Fleet lights")
    assert titles(session, "nor") == ["Fleet tracking for Nordlicht GmbH"]
    assert titles(session, "fle tra") == ["Fleet tracking for Nordlicht GmbH"]
    assert set(titles(session, "f")) == {
        "Fleet tracking for Nordlicht GmbH",
        "Fleet lights",
    }
    assert titles(session, "racking") == []  # the start of a word, not the middle
    assert titles(session, "") == [] and titles(session, " .,- ") == []


def test_people_are_found_by_name_organisation_email_and_phone(session):
    anna = records.create_record(
        session,
        "contact_person",
        "Anna Virtanen",
        contact=ContactFields(
            "Kesko Oyj", "anna.virtanen@kesko.example", "+358 40 123 4567"
        ),
    )
    for text in ("anna", "kesko", "virtanen@kesko", "+358 40", "358401234567"):
        found = search(session, text)
        assert [r.id for r in found.rows()] == [anna.id], text
        ((rtype, (row,)),) = found.groups
        assert rtype.name == "Contact Person" and row.organisation == "Kesko Oyj"


def test_notes_and_imported_email_text_are_found(session, nordic):
    lead = records.create_record(
        session,
        "sales_lead",
        "Fleet deal",
        cloud=nordic,
        body="Budget meeting in Tampere",
    )
    message = parse_message(
        plain(text="The offer is fine, see you in Lahti.\n").as_bytes(),
        "offer.eml",
        cut_short=None,
    )
    import_mail(session, [message], lead.id)
    assert titles(session, "tampere") == ["Fleet deal"]
    assert titles(session, "lahti") == ["Offer for the fleet"]
    # The sender became a Contact Person, found by the address on the mail.
    assert "Anna Virtanen" in titles(session, "anna.virtanen@example")


def test_titles_come_first_and_results_are_grouped_by_type(session, nordic):
    person = records.create_record(session, "contact_person", "Matti Meikäläinen")
    lead = records.create_record(session, "sales_lead", "Lead", body="ask Matti")
    task = records.create_record(session, "task", "Call Matti")
    found = search(session, "matti")
    assert [(t.name, [r.id for r in rows]) for t, rows in found.groups] == [
        ("Contact Person", [person.id]),
        ("Sales Lead", [lead.id]),
        ("Task", [task.id]),
    ]
    assert [r.title for r in search(session, "matti", type_key="task").rows()] == [
        "Call Matti"
    ]


def test_only_the_newest_matches_are_shown_and_more_is_said(session):
    for n in range(7):
        records.create_record(session, "task", f"Call number {n}")
    found = search(session, "call", limit=5)
    assert found.more and found.count == 5
    assert [r.title for r in found.rows()][0] == "Call number 6"
    assert not search(session, "call", limit=7).more


def test_nobody_finds_records_of_a_cloud_they_are_not_in(session, nordic):
    records.create_record(session, "sales_lead", "Secret Järvenpää deal", cloud=nordic)
    records.create_record(
        session,
        "contact_person",
        "Hidden Person",
        contact=ContactFields("Hidden Org", "hidden@example.fi", "555 0100"),
    )
    mallory = other(session, "mallory")
    for text in ("secret", "jarvenpaa", "hidden", "555", "example"):
        assert search(mallory, text).rows() == [], text
    # A member of the cloud finds its records, not the private ones.
    bob = other(session, "bob")
    clouds.add_member(session, nordic, "bob")
    assert titles(bob, "jarv") == ["Secret Järvenpää deal"]
    assert titles(bob, "hidden") == []
    # Removed again: gone at once.
    clouds.remove_member(session, nordic, "bob")
    assert titles(bob, "jarv") == []


def test_results_follow_an_edit(session):
    lead = records.create_record(session, "sales_lead", "Acme deal", body="old notes")
    records.edit_record(session, lead.id, title="Bolt deal", body="fresh notes")
    assert titles(session, "acme") == [] and titles(session, "old") == []
    assert titles(session, "bolt") == ["Bolt deal"]
    assert titles(session, "fresh") == ["Bolt deal"]
    person = records.create_record(session, "contact_person", "Pia")
    records.edit_record(session, person.id, contact=ContactFields("Nokia", "", ""))
    assert titles(session, "nokia") == ["Pia"]
    records.edit_record(session, person.id, contact=ContactFields("Valio", "", ""))
    assert titles(session, "nokia") == [] and titles(session, "valio") == ["Pia"]


def test_results_follow_sold_and_its_undo(session):
    lead = records.create_record(session, "sales_lead", "Fleet deal")
    proposal = sales.create_proposal(
        session, lead.id, "Fleet offer", terms=Terms(Decimal("1000"))
    )
    sales.send(session, proposal.id)
    sales.mark_sold(session, proposal.id)
    (rtype, _), *_ = search(session, "fleet offer").groups
    assert rtype.name == "Order"
    assert titles(session, "fleet", type_key="order") == ["Fleet offer"]
    assert titles(session, "fleet", type_key="client_relationship") == ["Fleet deal"]
    undo.undo(session, proposal.id)
    (rtype, (row,)), *_ = search(session, "fleet offer").groups
    assert rtype.name == "Sales Proposal" and row.id == proposal.id
    assert titles(session, "fleet", type_key="order") == []
    assert titles(session, "fleet", type_key="sales_proposal") == ["Fleet offer"]


def test_a_record_moved_to_another_cloud_follows_its_members(session, nordic):
    lead = records.create_record(session, "sales_lead", "Moving deal", cloud=nordic)
    bob = other(session, "bob")
    clouds.add_member(session, nordic, "bob")
    assert titles(bob, "moving") == ["Moving deal"]
    clouds.create_cloud(session, "Mine")
    clouds.move_to_cloud(session, lead.id, "Mine")
    assert titles(bob, "moving") == []
    assert titles(session, "moving") == ["Moving deal"]


def test_search_text_is_never_query_syntax(session):
    records.create_record(session, "task", 'Quote "this" (NEAR) OR * AND')
    for text in ('"', "*", "NEAR(", "a OR b", "x:*", "it's", "-", "^", "title:"):
        search(session, text)  # no syntax error, whatever is typed
    assert titles(session, 'quote "this') == ['Quote "this" (NEAR) OR * AND']
    assert titles(session, "or near") == ['Quote "this" (NEAR) OR * AND']


def test_the_people_list_says_organisation_and_last_contact(session, clock):
    anna = records.create_record(
        session, "contact_person", "Anna", contact=ContactFields("Kesko", "", "")
    )
    records.create_record(session, "contact_person", "Bert")
    records.create_record(session, "contact_note", "Call", participant_ids=[anna.id])
    assert count_people(session) == 2
    rows = people_page(session, 0, 10)
    assert [(r.title, r.organisation) for r in rows] == [
        ("Anna", "Kesko"),
        ("Bert", ""),
    ]
    assert rows[0].last_contact == clock.today() and rows[1].last_contact is None
    assert count_people(other(session, "mallory")) == 0


def test_a_type_list_pages_by_date_or_title(session, nordic, clock):
    from datetime import timedelta

    from focus_tui.core.dates import When

    today = clock.today()
    for n, title in enumerate(("Beta", "Alpha", "Gamma")):
        records.create_record(
            session, "sales_lead", title, cloud=nordic, when=When(today + timedelta(n))
        )
    records.create_record(session, "task", "Not a lead")
    assert count_of_type(session, "sales_lead") == 3
    by_date = [r.title for r in type_page(session, "sales_lead", 0, 10, "date")]
    assert by_date == ["Gamma", "Alpha", "Beta"]
    by_title = [r.title for r in type_page(session, "sales_lead", 0, 2, "title")]
    assert by_title == ["Alpha", "Beta"]
    assert [r.title for r in type_page(session, "sales_lead", 2, 2, "title")] == [
        "Gamma"
    ]
    mallory = other(session, "mallory")
    assert count_of_type(mallory, "sales_lead") == 0
    assert type_page(mallory, "sales_lead", 0, 10) == []


def test_matches_are_every_visible_one_of_the_type_newest_first_to_the_limit(
    session, nordic
):
    """The type is the index row's own (`kind` on PostgreSQL, a word on
    SQLite) and the clouds are written in as values (access.search_matches):
    the answer is still every match the user may see, newest first."""
    from focus_tui.domain.access import search_matches

    mallory = other(session, "mallory")
    made = []
    for n in range(9):
        kind = ("task", "contact_person", "sales_lead")[n % 3]
        who = mallory if n % 4 == 3 else session
        cloud = None if who is mallory or n % 2 else nordic
        title = ("Tractor", "Trailer", "Boat")[n % 3] + f" {n}"
        made.append((records.create_record(who, kind, title, cloud=cloud), who, kind))
    mine = [(r.id, r.title, kind) for r, who, kind in made if who is session]

    def expected(prefix: str, type_key=None, limit=60) -> list[int]:
        ids = [
            rid
            for rid, title, kind in mine
            if fold(title).startswith(prefix) and type_key in (None, kind)
        ]
        return sorted(ids, reverse=True)[:limit]

    for prefix in ("t", "tr", "tra", "trai", "boat", "zebra"):
        assert search_matches(session, [prefix]) == expected(prefix)
        assert search_matches(session, [prefix], limit=2) == expected(prefix, limit=2)
        for type_key in ("contact_person", "task"):
            assert search_matches(session, [prefix], type_key=type_key) == expected(
                prefix, type_key
            )
    assert all(
        rid not in search_matches(session, ["t"])
        for rid, *_ in [(r.id,) for r, who, _ in made if who is mallory]
    )
