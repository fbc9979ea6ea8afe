"""Fixing the time log: add, change, delete entries; --at; overlaps; undo.

The clock stands at Friday 27 Nov 2026, 11:00 in Helsinki (UTC+2).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from datetime import datetime

import pytest
from conftest import advance, count_rows

from focus_tui import cli
from focus_tui.core.dates import parse_moment
from focus_tui.core.errors import UserError
from focus_tui.domain import records, time_edits, tracker, undo
from focus_tui.domain.session import open_session
from focus_tui.views.time_log import entry_rows


def at(session, text: str) -> datetime:
    return parse_moment(text, session.clock.today(), session.clock.zone)


def spans(session) -> list[tuple[int, str, str]]:
    """(record, start, end) of my entries in local HH:MM, oldest first."""
    out = []
    for row in reversed(entry_rows(session, user_id=session.user_id)):
        end = row.ended_at and session.clock.to_local(row.ended_at).strftime("%H:%M")
        start = session.clock.to_local(row.started_at).strftime("%H:%M")
        out.append((row.record_id, start, end or "running"))
    return out


@pytest.fixture
def deal(session):
    lead = records.create_record(session, "sales_lead", "Acme Oy")
    call = records.create_record(session, "task", "Call Acme", parent_id=lead.id)
    return lead, call


def run_cli(db_path, *args: str, user: str = "tester") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--db", str(db_path), "--user", user, *args])
    return code, out.getvalue(), err.getvalue()


def test_a_forgotten_entry_is_added_with_its_activitys_phase(session, deal):
    lead, _ = deal
    change = time_edits.add_entry(
        session, lead.id, at(session, "yesterday 9:00"), at(session, "yesterday 10:30")
    )
    (row,) = entry_rows(session, record_id=lead.id)
    assert row.id == change.entry_id and row.seconds == 5400 and row.phase == "lead"
    assert spans(session) == [(lead.id, "09:00", "10:30")]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("10:00", "9:00", "after the start"),
        ("10:00", "12:00", "future"),
        ("12:00", "12:30", "future"),
    ],
)
def test_impossible_spans_are_refused(session, deal, start, end, message):
    with pytest.raises(UserError, match=message):
        time_edits.add_entry(session, deal[0].id, at(session, start), at(session, end))
    assert entry_rows(session, user_id=session.user_id) == []


def test_time_is_kept_on_activities_not_people(session):
    person = records.create_record(session, "contact_person", "Maija")
    with pytest.raises(UserError, match="person"):
        time_edits.add_entry(
            session, person.id, at(session, "9:00"), at(session, "10:00")
        )


def test_an_overlap_is_refused_and_nothing_changes(session, deal, db_path):
    lead, call = deal
    time_edits.add_entry(session, lead.id, at(session, "8:00"), at(session, "9:00"))
    before = count_rows(db_path, "time_entry")
    with pytest.raises(UserError, match="overlaps entry"):
        time_edits.add_entry(session, call.id, at(session, "8:30"), at(session, "9:30"))
    assert count_rows(db_path, "time_entry") == before
    assert spans(session) == [(lead.id, "08:00", "09:00")]
    # Touching is not overlapping.
    time_edits.add_entry(session, call.id, at(session, "9:00"), at(session, "9:30"))


def test_trimming_cuts_moves_splits_and_drops_the_neighbours(session, deal):
    lead, call = deal
    for start, end in (("6:00", "7:00"), ("7:30", "7:45"), ("8:00", "10:00")):
        time_edits.add_entry(session, lead.id, at(session, start), at(session, end))
    change = time_edits.add_entry(
        session, call.id, at(session, "6:30"), at(session, "8:30"), trim=True
    )
    assert len(change.trimmed) == 3
    assert spans(session) == [
        (lead.id, "06:00", "06:30"),  # cut short
        (call.id, "06:30", "08:30"),  # the new one; 7:30-7:45 dropped
        (lead.id, "08:30", "10:00"),  # starts later
    ]
    # A meeting inside an entry splits it in two around the meeting.
    time_edits.add_entry(
        session, call.id, at(session, "9:00"), at(session, "9:15"), trim=True
    )
    assert spans(session)[2:] == [
        (lead.id, "08:30", "09:00"),
        (call.id, "09:00", "09:15"),
        (lead.id, "09:15", "10:00"),
    ]
    # And undo puts all of it back as it was.
    undo.undo(session, call.id)
    assert spans(session)[2:] == [(lead.id, "08:30", "10:00")]
    undo.undo(session, call.id)
    assert spans(session) == [
        (lead.id, "06:00", "07:00"),
        (lead.id, "07:30", "07:45"),
        (lead.id, "08:00", "10:00"),
    ]


def test_time_added_inside_the_running_focus_splits_it(session, deal):
    lead, call = deal
    tracker.focus(session, lead.id, at(session, "9:00"))
    time_edits.add_entry(
        session, call.id, at(session, "10:00"), at(session, "10:15"), trim=True
    )
    assert spans(session) == [
        (lead.id, "09:00", "10:00"),
        (call.id, "10:00", "10:15"),
        (lead.id, "10:15", "running"),
    ]
    assert tracker.current_focus(session).record_id == lead.id


def test_an_entry_moved_to_another_activity_takes_its_phase(session, deal):
    lead, _ = deal
    proposal = records.create_record(
        session, "sales_proposal", "Offer", parent_id=lead.id
    )
    change = time_edits.add_entry(
        session, lead.id, at(session, "8:00"), at(session, "9:00")
    )
    time_edits.edit_entry(session, change.entry_id, record_id=proposal.id)
    (row,) = entry_rows(session, user_id=session.user_id)
    assert (row.record_id, row.phase) == (proposal.id, "proposal")
    undo.undo(session, proposal.id)
    (row,) = entry_rows(session, user_id=session.user_id)
    assert (row.record_id, row.phase) == (lead.id, "lead")


def test_changing_start_and_end_refuses_overlaps_and_keeps_seconds(session, deal):
    lead, call = deal
    first = time_edits.add_entry(
        session, lead.id, at(session, "8:00"), at(session, "9:00")
    )
    time_edits.add_entry(session, call.id, at(session, "9:30"), at(session, "10:00"))
    with pytest.raises(UserError, match="overlaps"):
        time_edits.edit_entry(session, first.entry_id, ended_at=at(session, "9:45"))
    time_edits.edit_entry(session, first.entry_id, started_at=at(session, "7:15"))
    row = next(r for r in entry_rows(session, record_id=lead.id))
    assert row.seconds == 6300


def test_delete_and_undo_bring_the_same_entry_back(session, deal, db_path):
    lead, _ = deal
    change = time_edits.add_entry(
        session, lead.id, at(session, "8:00"), at(session, "9:00")
    )
    time_edits.delete_entry(session, change.entry_id)
    assert count_rows(db_path, "time_entry") == 0
    undo.undo(session, lead.id)
    (row,) = entry_rows(session, record_id=lead.id)
    assert (row.id, row.seconds) == (change.entry_id, 3600)


def test_undo_that_would_overlap_time_tracked_since_is_refused(session, deal):
    lead, call = deal
    change = time_edits.add_entry(
        session, lead.id, at(session, "8:00"), at(session, "9:00")
    )
    time_edits.delete_entry(session, change.entry_id)
    time_edits.add_entry(session, call.id, at(session, "8:30"), at(session, "9:30"))
    with pytest.raises(UserError, match="overlap"):
        undo.undo(session, lead.id)
    assert spans(session) == [(call.id, "08:30", "09:30")]


def test_the_running_focus_is_ended_by_unfocus_not_deleted(session, deal):
    tracker.focus(session, deal[0].id)
    running = tracker.current_focus(session)
    with pytest.raises(UserError, match="running focus"):
        time_edits.delete_entry(session, running.entry_id)
    with pytest.raises(UserError, match="unfocus --at"):
        time_edits.edit_entry(session, running.entry_id, ended_at=at(session, "10:59"))


def test_only_my_own_entries_can_be_changed(session, deal, db_path, clock):
    lead, _ = deal
    mine = time_edits.add_entry(
        session, lead.id, at(session, "8:00"), at(session, "9:00")
    )
    bob = open_session(db_path, "bob", clock)
    with pytest.raises(UserError, match="no time entry"):
        time_edits.delete_entry(bob, mine.entry_id)  # in a cloud bob is not in
    code, _, err = run_cli(db_path, "time", "delete", str(mine.entry_id), user="bob")
    assert code == 2 and "no time entry" in err
    assert count_rows(db_path, "time_entry") == 1


def test_focus_at_starts_then_and_ends_the_running_focus_then(session, deal):
    lead, call = deal
    tracker.focus(session, lead.id, at(session, "9:00"))
    tracker.focus(session, call.id, at(session, "10:00"))
    assert spans(session) == [
        (lead.id, "09:00", "10:00"),
        (call.id, "10:00", "running"),
    ]
    # Before the running focus began: refused.
    with pytest.raises(UserError, match="began at 10:00"):
        tracker.focus(session, lead.id, at(session, "9:30"))
    # The same activity again, earlier: its start moves.
    with pytest.raises(UserError, match="already have time"):
        tracker.focus(session, call.id, at(session, "9:30"))
    stopped = tracker.unfocus(session, at(session, "10:45"))
    assert stopped.seconds == 45 * 60
    assert spans(session)[-1] == (call.id, "10:00", "10:45")


def test_unfocus_at_cannot_end_before_the_start_or_in_the_future(session, deal):
    tracker.focus(session, deal[0].id, at(session, "10:00"))
    with pytest.raises(UserError, match="before the focus began"):
        tracker.unfocus(session, at(session, "9:00"))
    with pytest.raises(UserError, match="future"):
        tracker.unfocus(session, at(session, "11:30"))
    assert tracker.current_focus(session) is not None


def test_a_focus_left_on_is_suspect_past_the_limit_and_midnight(session, deal):
    tracker.focus(session, deal[0].id, at(session, "9:00"))
    running = tracker.current_focus(session)
    assert time_edits.suspect(session, running.started_at) is None
    advance(session, hours=14)  # 01:00 next day: across midnight
    doubt = time_edits.suspect(session, running.started_at)
    assert doubt.reason == "limit" and doubt.text.startswith("running 16 h")
    assert "since yesterday 09:00" in doubt.text


def test_midnight_alone_makes_a_focus_suspect(session, deal):
    tracker.focus(session, deal[0].id, at(session, "9:00"))
    advance(session, hours=13, minutes=30)  # 00:30 Saturday, 15.5 h... past 8 h
    session.clock = session.clock  # the limit is settable:
    from focus_tui import config

    path = config.config_dir()
    path.mkdir(parents=True, exist_ok=True)
    (path / "settings.toml").write_text("[time]\nfocus_limit_hours = 20\n")
    config.settings.cache_clear()
    running = tracker.current_focus(session)
    doubt = time_edits.suspect(session, running.started_at)
    assert doubt.reason == "midnight" and "across midnight" in doubt.text


def test_cli_time_commands(session, deal, db_path):
    # The CLI reads the real clock: yesterday's times are always past.
    lead, call = deal
    code, out, _ = run_cli(
        db_path,
        "time",
        "add",
        str(lead.id),
        "--from",
        "yesterday 8:00",
        "--to",
        "yesterday 9:30",
    )
    assert code == 0 and out.startswith("Added entry ") and "(1h 30m)" in out
    entry = int(out.split()[2].rstrip(":"))
    code, out, _ = run_cli(db_path, "time", "list", "--format", "json")
    (row,) = json.loads(out)
    assert row["id"] == entry and row["seconds"] == 5400
    assert row["start"].endswith("T08:00:00") and row["running"] is False
    code, out, err = run_cli(
        db_path,
        "time",
        "add",
        str(call.id),
        "--from",
        "yesterday 9:00",
        "--to",
        "yesterday 10:00",
    )
    assert code == 2 and "overlaps entry" in err and out == ""
    code, out, _ = run_cli(
        db_path,
        "time",
        "add",
        str(call.id),
        "--from",
        "yesterday 9:00",
        "--to",
        "yesterday 10:00",
        "--trim",
    )
    assert code == 0 and "now ends at the start" in out
    code, out, _ = run_cli(
        db_path, "time", "edit", str(entry), "--from", "yesterday 7:45"
    )
    assert code == 0 and "07:45–09:00" in out
    code, out, _ = run_cli(db_path, "time", "list", str(lead.id))
    assert "07:45:00" in out and "1:15:00" in out
    code, _, err = run_cli(db_path, "time", "edit", str(entry))
    assert code == 2 and "Say what to change" in err
    code, _, err = run_cli(
        db_path, "time", "add", str(lead.id), "--from", "yesterday", "--to", "9:00"
    )
    assert code == 2 and "time of day" in err
    code, out, _ = run_cli(db_path, "time", "delete", str(entry))
    assert code == 0 and out.startswith(f"Deleted entry {entry}")
    code, out, _ = run_cli(db_path, "undo", str(lead.id))
    assert code == 0 and "time deleted" in out
    code, out, _ = run_cli(db_path, "focus", str(lead.id), "--at", "yesterday 10:15")
    assert code == 0 and "since 10:15" in out
    code, out, _ = run_cli(db_path, "unfocus", "--at", "yesterday 10:45")
    assert code == 0 and "after 30m" in out


def test_status_mentions_a_suspicious_focus(session, deal, db_path):
    code, _, _ = run_cli(db_path, "focus", str(deal[0].id), "--at", "yesterday 17:02")
    assert code == 0
    code, out, err = run_cli(db_path, "status")
    assert code == 0 and out.startswith(f"#{deal[0].id}\t")
    assert re.search(r"running \d+ h — since yesterday 17:02", err)
