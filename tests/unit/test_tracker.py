"""The time tracker: one focus per user, kept in the database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import advance

from focus_tui.core.clock import Clock
from focus_tui.core.errors import UserError
from focus_tui.domain import records, tracker
from focus_tui.domain.phases import phase_of
from focus_tui.domain.session import open_session
from focus_tui.models import Event, TimeEntry


def test_focus_then_switch_then_unfocus(session):
    a = records.create_record(session, "task", "A")
    b = records.create_record(session, "task", "B")
    running = tracker.focus(session, a.id)
    assert running.record_id == a.id
    advance(session, minutes=25)
    tracker.focus(session, b.id)  # ends A
    entry_a = TimeEntry.get(TimeEntry.record == a.id)
    assert entry_a.ended_at is not None and entry_a.seconds == 25 * 60
    assert tracker.current_focus(session).record_id == b.id
    assert TimeEntry.select().where(TimeEntry.ended_at.is_null()).count() == 1
    advance(session, minutes=5)
    ended = tracker.unfocus(session)
    assert ended.record_id == b.id and ended.seconds == 300
    assert tracker.current_focus(session) is None
    assert tracker.unfocus(session) is None  # nothing to stop: no error
    # History says how long.
    focused = Event.get((Event.record == a.id) & (Event.kind == "focused"))
    assert '"seconds": 1500' in focused.data


def test_focus_on_the_focused_record_keeps_it_running(session):
    a = records.create_record(session, "task", "A")
    first = tracker.focus(session, a.id)
    advance(session, minutes=1)
    again = tracker.focus(session, a.id)
    assert again.entry_id == first.entry_id
    assert TimeEntry.select().count() == 1


def test_toggle_focus(session):
    a = records.create_record(session, "task", "A")
    assert tracker.toggle_focus(session, a.id).record_id == a.id
    assert tracker.toggle_focus(session, a.id) is None
    assert tracker.current_focus(session) is None


def test_focused_seconds_includes_running(session):
    a = records.create_record(session, "task", "A")
    tracker.focus(session, a.id)
    advance(session, minutes=10)
    tracker.unfocus(session)
    tracker.focus(session, a.id)
    advance(session, minutes=2)
    assert tracker.focused_seconds(session, [a.id]) == {a.id: 720.0}


def test_people_cannot_be_focused(session):
    person = records.create_record(session, "contact_person", "Anna")
    with pytest.raises(UserError):
        tracker.focus(session, person.id)


def test_focus_is_per_user(session, db_path, clock):
    a = records.create_record(session, "task", "A")
    tracker.focus(session, a.id)
    other = open_session(db_path, "colleague", clock)
    assert tracker.current_focus(other) is None


def test_one_running_entry_per_user_is_enforced_by_the_database(session):
    import peewee

    a = records.create_record(session, "task", "A")
    tracker.focus(session, a.id)
    with pytest.raises(peewee.IntegrityError):
        TimeEntry.create(
            user=session.user_id, record=a.id, started_at=session.clock.now_utc_naive()
        )


def test_dst_change_neither_loses_nor_doubles_an_hour(session):
    """Focus across the autumn DST change (Helsinki, 25 Oct 2026 04:00→03:00)."""
    a = records.create_record(session, "task", "Night shift")
    # 02:30 local (EEST, UTC+3) = 23:30 UTC the day before.
    session.clock = Clock(
        zone=session.clock.zone, fixed=datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    )
    tracker.focus(session, a.id)
    # 04:30 local (EET, UTC+2) = 02:30 UTC: three real hours later.
    session.clock = Clock(
        zone=session.clock.zone, fixed=datetime(2026, 10, 25, 2, 30, tzinfo=UTC)
    )
    entry = tracker.unfocus(session)
    assert entry.seconds == 3 * 3600
    start_local = session.clock.to_local(entry.started_at)
    end_local = session.clock.to_local(entry.ended_at)
    assert (start_local.hour, end_local.hour) == (2, 4)  # looks like 2 h, is 3 h


def test_spring_dst_change(session):
    """29 Mar 2026, 03:00→04:00: 02:30 to 04:30 local is one real hour."""
    a = records.create_record(session, "task", "Early")
    session.clock = Clock(
        zone=session.clock.zone, fixed=datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    )
    tracker.focus(session, a.id)
    session.clock = Clock(
        zone=session.clock.zone, fixed=datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    )
    assert tracker.unfocus(session).seconds == 3600


def test_phase_of_follows_the_deal(session):
    lead = records.create_record(session, "sales_lead", "Lead")
    note = records.create_record(session, "contact_note", "Call", parent_id=lead.id)
    task = records.create_record(session, "task", "Deep task", parent_id=note.id)
    loose = records.create_record(session, "task", "Loose")
    client = records.create_record(session, "client_relationship", "Client")
    care = records.create_record(session, "task", "Check-in", parent_id=client.id)
    assert phase_of(session, lead) == "lead"
    assert phase_of(session, task) == "lead"
    assert phase_of(session, loose) == "other"
    assert phase_of(session, care) == "client_care"
    tracker.focus(session, task.id)
    assert TimeEntry.get(TimeEntry.record == task.id).phase == "lead"


def test_phase_of_every_sales_stage(session):
    from decimal import Decimal

    from focus_tui.domain import sales

    lead = records.create_record(session, "sales_lead", "Lead")
    note = records.create_record(session, "contact_note", "Call", parent_id=lead.id)
    proposal = sales.create_proposal(session, lead.id, "Offer")
    prep = records.create_record(session, "task", "Write offer", parent_id=proposal.id)
    assert [phase_of(session, r) for r in (lead, note, proposal, prep)] == [
        "lead",
        "lead",
        "proposal",
        "proposal",
    ]
    sales.send(session, proposal.id)
    assert (
        phase_of(session, proposal) == "follow_up"
        and phase_of(session, prep) == "follow_up"
    )
    assert phase_of(session, note) == "follow_up"  # the lead's work after sending
    sales.mark_sold(session, proposal.id, terms=sales.Terms(Decimal(1)))
    order = proposal
    task = records.create_record(session, "task", "Deliver", parent_id=order.id)
    assert phase_of(session, task) == "fulfilment"
    sales.mark_delivered(session, order.id)
    assert phase_of(session, task) == "billing"
    sales.mark_billed(session, order.id)
    assert phase_of(session, task) == "client_care"
    from focus_tui.models import Record

    assert phase_of(session, Record.get_by_id(lead.id)) == "client_care"


def test_finishing_the_focused_activity_stops_the_timer(session):
    a = records.create_record(session, "task", "A")
    tracker.focus(session, a.id)
    advance(session, minutes=3)
    records.set_finished(session, a.id, True)
    assert tracker.current_focus(session) is None
    assert TimeEntry.get(TimeEntry.record == a.id).seconds == 180
