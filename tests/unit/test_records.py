"""Records, history, participants and permissions (domain, no UI)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from focus_tui.core.dates import Bucket, parse_when
from focus_tui.core.errors import NotFound, UserError
from focus_tui.domain import records
from focus_tui.domain.session import ensure_user, open_session
from focus_tui.models import (
    Cloud,
    CloudMember,
    ContactDetails,
    Event,
    Participant,
    Record,
    RecordActor,
)
from focus_tui.views import agenda, feed
from focus_tui.views.people import find_people, participants_of


def when(session, text):
    return parse_when(text, session.clock.today())


def events_of(record_id):
    """(kind, data) of the record's history; undo snapshots left out."""
    events = []
    for e in Event.select().where(Event.record == record_id).order_by(Event.id):
        data = json.loads(e.data)
        data.pop("before", None)
        events.append((e.kind, data))
    return events


def test_create_activity_sets_date_actor_cloud_and_history(session):
    lead = records.create_record(
        session, "Sales Lead", "Fleet tracking", when=when(session, "dec 3 14:00")
    )
    row = Record.get_by_id(lead.id)
    assert row.type == "sales_lead"
    assert row.date == date(2026, 12, 3)
    # 14:00 in Helsinki (UTC+2 in December) is stored as 12:00 UTC.
    assert row.due_at.hour == 12
    assert row.finished_at is None
    assert row.cloud.name == "tester (private)"
    assert [
        a.user.name for a in RecordActor.select().where(RecordActor.record == lead.id)
    ] == ["tester"]
    assert events_of(lead.id) == [("created", {"type": "sales_lead"})]


def test_child_lives_in_parent_cloud_and_keeps_parent(session):
    lead = records.create_record(session, "sales_lead", "Lead")
    note = records.create_record(session, "contact_note", "Called", parent_id=lead.id)
    assert Record.get_by_id(note.id).parent_id == lead.id
    assert Record.get_by_id(note.id).cloud_id == lead.cloud_id


@pytest.mark.parametrize("title", ["", "   ", "\n\t"])
def test_empty_title_is_refused_and_nothing_is_written(session, title):
    before = Record.select().count()
    with pytest.raises(UserError, match="title"):
        records.create_record(session, "task", title)
    assert Record.select().count() == before


def test_unknown_type_is_refused(session):
    with pytest.raises(UserError, match="Unknown record type"):
        records.create_record(session, "spaceship", "x")


def test_title_is_one_line_but_markup_is_kept_as_typed(session):
    task = records.create_record(session, "task", "[bold red]x[/]\nsecond  line")
    assert Record.get_by_id(task.id).title == "[bold red]x[/] second line"


def test_move_logs_from_and_to_and_counts_from_today(session):
    task = records.create_record(session, "task", "Call", when=when(session, "+10d"))
    records.move_record(session, task.id, when(session, "tomorrow"))
    assert Record.get_by_id(task.id).date == date(2026, 11, 28)
    assert events_of(task.id)[-1] == (
        "moved",
        {"from": "2026-12-07", "to": "2026-11-28"},
    )
    records.move_record(session, task.id, when(session, "none"))
    assert Record.get_by_id(task.id).date is None


def test_finish_and_unfinish(session):
    task = records.create_record(session, "task", "Send offer")
    records.set_finished(session, task.id, True)
    assert Record.get_by_id(task.id).finished_at is not None
    records.toggle_finished(session, task.id)
    assert Record.get_by_id(task.id).finished_at is None
    assert [k for k, _ in events_of(task.id)] == ["created", "finished", "unfinished"]


def test_a_person_has_no_date_or_state(session):
    person = records.create_record(
        session,
        "contact_person",
        "Anna Virtanen",
        contact=records.ContactFields(
            "Nordlicht GmbH", "anna@example.com", "+358 40 1"
        ),
    )
    details = ContactDetails.get_by_id(person.id)
    assert details.organisation == "Nordlicht GmbH"
    with pytest.raises(UserError):
        records.set_finished(session, person.id, True)
    with pytest.raises(UserError):
        records.create_record(session, "person", "Bob", when=when(session, "today"))


def test_participants_existing_and_new(session):
    anna = records.create_record(session, "contact_person", "Anna Virtanen")
    lead = records.create_record(session, "sales_lead", "Lead")
    note = records.create_record(
        session,
        "contact_note",
        "Call",
        parent_id=lead.id,
        participant_ids=[anna.id],
        new_people=["Lars Berg"],
    )
    people = participants_of(session, note.id)
    assert [p.title for p in people] == ["Anna Virtanen", "Lars Berg"]
    lars = people[1]
    assert lars.type == "contact_person" and lars.cloud_id == lead.cloud_id
    found = [r.title for r, _ in find_people(session, "ann")]
    assert found == ["Anna Virtanen"]
    # Editing replaces the tags.
    records.edit_record(session, note.id, participant_ids=[lars.id])
    assert [p.title for p in participants_of(session, note.id)] == ["Lars Berg"]
    assert events_of(note.id)[-1] == (
        "participants",
        {"removed": [{"id": anna.id, "name": "Anna Virtanen"}]},
    )


def test_find_people_treats_wildcards_literally(session):
    records.create_record(session, "contact_person", "Anna")
    assert find_people(session, "%") == []
    assert find_people(session, "_") == []


def test_participant_must_be_a_person(session):
    task = records.create_record(session, "task", "Not a person")
    with pytest.raises(UserError, match="not a person"):
        records.create_record(session, "contact_note", "x", participant_ids=[task.id])


def test_edit_logs_changed_fields(session):
    task = records.create_record(session, "task", "Old", body="notes")
    records.edit_record(session, task.id, title="New", body="notes")
    assert Record.get_by_id(task.id).title == "New"
    assert events_of(task.id)[-1] == ("edited", {"fields": ["title"]})


def test_records_of_other_clouds_are_invisible(session, db_path, clock):
    other = ensure_user("mallory", clock)
    team = Cloud.create(name="Team", kind="team", created_at=clock.now_utc_naive())
    CloudMember.create(cloud=team, user=session.user)
    shared = records.create_record(session, "task", "Shared", cloud="team")
    mine = records.create_record(session, "task", "Private")
    mallory = open_session(db_path, "mallory", clock)
    assert mallory.user.id == other.id
    with pytest.raises(NotFound):
        records.move_record(mallory, mine.id, when(mallory, "today"))
    with pytest.raises(NotFound):
        feed.feed_header(mallory, shared.id)
    CloudMember.create(cloud=team, user=other)
    assert feed.feed_header(mallory, shared.id).record.title == "Shared"
    with pytest.raises(UserError, match="not a member"):
        records.create_record(mallory, "task", "x", cloud="tester (private)")


def test_agenda_groups_and_pages(session):
    for text, title in [
        ("-3d", "overdue"),
        ("today", "today"),
        ("tomorrow", "tomorrow"),
        ("sun", "this week"),
        ("+20d", "later"),
        ("none", "undated"),
    ]:
        records.create_record(session, "task", title, when=when(session, text))
    done = records.create_record(session, "task", "done", when=when(session, "today"))
    records.set_finished(session, done.id, True)
    records.create_record(session, "contact_person", "Not an activity")
    counts = dict(agenda.bucket_counts(session))
    assert counts == {
        Bucket.OVERDUE: 1,
        Bucket.TODAY: 1,
        Bucket.TOMORROW: 1,
        Bucket.THIS_WEEK: 1,
        Bucket.LATER: 1,
        Bucket.NO_DATE: 1,
    }
    rows = agenda.fetch_page(session, 0, 100, dated_count=5)
    assert [r.title for r in rows] == [
        "overdue",
        "today",
        "tomorrow",
        "this week",
        "later",
        "undated",
    ]
    # Pages join up exactly, across the dated/undated switch.
    paged = [r.title for off in range(6) for r in agenda.fetch_page(session, off, 1, 5)]
    assert paged == [r.title for r in rows]


def test_feed_lists_children_and_history_newest_first(session):
    from conftest import advance

    lead = records.create_record(session, "sales_lead", "Lead")
    advance(session, minutes=1)
    records.create_record(session, "contact_note", "First call", parent_id=lead.id)
    advance(session, minutes=1)
    records.move_record(session, lead.id, when(session, "fri"))
    advance(session, minutes=1)
    records.create_record(session, "task", "Send deck", parent_id=lead.id)
    items = feed.feed_page(session, lead.id, 0, 10)
    described = [getattr(i, "title", None) or i.text for i in items]
    assert described == [
        "Send deck",
        "moved no date → 2026-12-04",
        "First call",
        "created",
    ]
    assert feed.feed_count(session, lead.id) == 4
    assert [
        getattr(i, "title", None) or i.text
        for i in feed.feed_page(session, lead.id, 1, 2)
    ] == [
        "moved no date → 2026-12-04",
        "First call",
    ]


def test_participant_rows_cascade_with_note(session):
    anna = records.create_record(session, "contact_person", "Anna")
    note = records.create_record(
        session, "contact_note", "Call", participant_ids=[anna.id]
    )
    assert Participant.select().where(Participant.record == note.id).count() == 1
