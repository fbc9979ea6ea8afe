"""The one write path keeps the copied columns right in the same transaction.

The main view reads the actor rows' copy of a record's open state, date and
cloud; the board reads the sale row's copy of its cloud. Moving a record to
another cloud (the team issue's move-to-cloud builds on this) or changing its
date or state through `domain.write` must update them at once.
"""

from __future__ import annotations

from datetime import date

from focus_tui.core.dates import When
from focus_tui.domain import records, sales, write
from focus_tui.models import Cloud, CloudMember, RecordActor, Sale
from focus_tui.views import agenda, board


def test_a_record_moved_to_another_cloud_moves_its_copies(session):
    team = Cloud.create(name="Team", created_at=session.clock.now_utc_naive())
    CloudMember.create(cloud=team, user=session.user)
    lead = records.create_record(session, "sales_lead", "Lead", when=When(None))
    offer = sales.create_proposal(session, lead.id, "Offer")
    with session.transaction():
        for record in (lead, offer):
            write.change_record(session, record.id, cloud=team.id)
    assert {a.cloud_id for a in RecordActor.select()} == {team.id}
    assert Sale.get_by_id(offer.id).cloud_id == team.id
    assert [
        c.id for c in board.column_page(session, "draft", 0, 10, cloud_id=team.id)
    ] == [offer.id]


def test_a_change_that_fails_leaves_record_and_copies_as_they_were(session):
    task = records.create_record(session, "task", "Task", when=When(date(2026, 12, 3)))
    try:
        with session.transaction():
            write.change_record(session, task.id, date=date(2026, 12, 24))
            raise RuntimeError("the step failed after writing")
    except RuntimeError:
        pass
    assert RecordActor.get(RecordActor.record == task.id).date == date(2026, 12, 3)
    counts = dict(agenda.bucket_counts(session))
    assert sum(counts.values()) == 1


def test_date_and_state_changes_reach_the_agenda_copy(session):
    task = records.create_record(session, "task", "Task", when=When(None))
    records.move_record(session, task.id, When(date(2026, 11, 30)))
    actor = RecordActor.get(RecordActor.record == task.id)
    assert (actor.date, actor.is_open) == (date(2026, 11, 30), True)
    records.set_finished(session, task.id, True)
    assert RecordActor.get(RecordActor.record == task.id).is_open is False
