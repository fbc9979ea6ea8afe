"""The timesheet: a person's focused time per local day (or ISO week), deal
and phase — the read model, `focus-tui report time` and the Timesheet sheet.

Entries are made at known local moments (Europe/Helsinki, a pinned clock)
with odd seconds, so the figures are checkable: an entry across midnight is
split there with its seconds kept exactly, a DST day is 23 or 25 hours,
and every total is the sum of its rows' seconds.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from conftest import FIXED_NOW, ZONE, advance

from focus_tui import cli
from focus_tui.core.clock import Clock
from focus_tui.core.process import PHASE_LABELS
from focus_tui.domain import records, sales, tracker
from focus_tui.domain.session import Session, ensure_user
from focus_tui.export.xlsx import export_xlsx
from focus_tui.models import Cloud, CloudMember
from focus_tui.views.reports import (
    NO_DEAL,
    Filters,
    monday_of,
    timesheet,
    timesheet_weeks,
    week_label,
    week_lines,
)


def local(*args) -> datetime:
    """A wall-clock moment in the user's zone (Helsinki)."""
    return datetime(*args, tzinfo=ZONE)


def focus_at(session: Session, record_id: int, start: datetime, seconds: int):
    """An entry from `start` (aware) lasting `seconds`, by the tracker itself."""
    session.clock = Clock(zone=ZONE, fixed=start)
    tracker.focus(session, record_id)
    advance(session, seconds=seconds)
    tracker.unfocus(session)
    session.clock = Clock(zone=ZONE, fixed=FIXED_NOW)


def run_cli(db_path, *args: str, status: int = 0) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert cli.main(["--db", str(db_path), "--user", "tester", *args]) == status
    return out.getvalue() + err.getvalue()


@pytest.fixture
def week(session):
    """The week of Mon 23 – Sun 29 Nov 2026 (today is Friday the 27th).

    A deal (a lead with a proposal under a note), a task outside deals, an
    entry across Thursday's midnight, and time just outside the week.
    """
    lead = records.create_record(session, "sales_lead", "Acme Oy: fleet")
    note = records.create_record(session, "contact_note", "Call", parent_id=lead.id)
    offer = sales.create_proposal(session, note.id, "Offer: 40 trackers")
    task = records.create_record(session, "task", "Chores")
    focus_at(session, lead.id, local(2026, 11, 23, 9, 0, 0), 3_607)  # Mon
    focus_at(session, note.id, local(2026, 11, 23, 14, 0, 0), 1_111)  # Mon, lead
    focus_at(session, offer.id, local(2026, 11, 24, 10, 0, 0), 2_345)  # Tue
    # Thu 23:59:13 + 101 s: 47 s on Thursday, 54 s on Friday.
    focus_at(session, offer.id, local(2026, 11, 26, 23, 59, 13), 101)
    focus_at(session, task.id, local(2026, 11, 27, 8, 0, 0), 17)  # Fri
    focus_at(session, task.id, local(2026, 11, 22, 23, 0, 0), 7_200)  # Sun 22nd
    focus_at(session, task.id, local(2026, 11, 30, 0, 0, 1), 999)  # next Mon
    return {"lead": lead, "offer": offer, "task": task}


THIS_WEEK = Filters(start=date(2026, 11, 23), end=date(2026, 11, 29))


# -- the read model ----------------------------------------------------------------


def test_rows_per_local_day_deal_and_phase(session, week):
    sheet = timesheet(session, THIS_WEEK)
    rows = [(r.day.day, r.deal, r.phase, r.seconds, r.entries) for r in sheet.rows]
    assert rows == [
        # Sunday 22nd 23:00 + 2 h: its hour after midnight is Monday's.
        (23, "Acme Oy: fleet", "lead", 3_607 + 1_111, 2),
        (23, NO_DEAL, "other", 3_600, 1),
        (24, "Acme Oy: fleet", "proposal", 2_345, 1),
        (26, "Acme Oy: fleet", "proposal", 47, 1),
        (27, "Acme Oy: fleet", "proposal", 54, 1),
        (27, NO_DEAL, "other", 17, 1),
    ]
    assert {r.deal_id for r in sheet.rows} == {week["lead"].id, None}
    assert sheet.seconds == sum(r.seconds for r in sheet.rows) == 10_781
    # The entry split at Thursday's midnight is one entry, in two rows.
    assert sheet.entries == 6


def test_a_split_keeps_every_second_even_with_a_fraction(session):
    task = records.create_record(session, "task", "Late call")
    # 23:59:13.9 and 101 s: 46 whole seconds before midnight, 55 after.
    focus_at(session, task.id, local(2026, 11, 26, 23, 59, 13, 900_000), 101)
    # Three days and an odd bit: Sat 22:00:00 to Tue 00:00:07.
    focus_at(session, task.id, local(2026, 11, 14, 22, 0, 0), 2 * 3600 + 48 * 3600 + 7)
    parts = {r.day: r.seconds for r in timesheet(session).rows}
    assert parts[date(2026, 11, 26)] + parts[date(2026, 11, 27)] == 101
    assert parts[date(2026, 11, 26)] == 46
    assert [parts[date(2026, 11, d)] for d in (14, 15, 16, 17)] == [
        7_200,
        86_400,
        86_400,
        7,
    ]


@pytest.mark.parametrize(
    "saturday, day_hours",
    [
        (date(2026, 3, 28), 23),  # clocks go forward on Sunday 29 March
        (date(2026, 10, 24), 25),  # and back on Sunday 25 October
    ],
)
def test_a_dst_day_runs_from_local_midnight_to_local_midnight(
    session, saturday, day_hours
):
    task = records.create_record(session, "task", "Weekend on call")
    # Saturday 22:00 to Monday 02:00, local time.
    seconds = (2 + day_hours + 2) * 3600
    focus_at(session, task.id, local(*saturday.timetuple()[:3], 22), seconds)
    sunday = saturday + timedelta(days=1)
    sheet = timesheet(session, Filters(start=saturday, end=sunday + timedelta(1)))
    assert [(r.day, r.seconds) for r in sheet.rows] == [
        (saturday, 7_200),
        (sunday, day_hours * 3600),
        (sunday + timedelta(days=1), 7_200),
    ]
    assert sheet.seconds == seconds and sheet.entries == 1


def test_weeks_are_iso_weeks_labelled_by_their_monday(session, week):
    sheet = timesheet_weeks(session, Filters(start=date(2026, 11, 16)))
    rows = [(r.day, r.deal, r.phase, r.seconds, r.entries) for r in sheet.rows]
    assert rows == [
        (date(2026, 11, 16), NO_DEAL, "other", 3_600, 1),  # Sun 22nd 23:00-24:00
        (date(2026, 11, 23), "Acme Oy: fleet", "lead", 4_718, 2),
        # Thursday's and Friday's parts of one entry: one entry this week.
        (date(2026, 11, 23), "Acme Oy: fleet", "proposal", 2_345 + 101, 2),
        (date(2026, 11, 23), NO_DEAL, "other", 3_600 + 17, 2),
        (date(2026, 11, 30), NO_DEAL, "other", 999, 1),
    ]
    assert week_label(date(2026, 11, 23)) == "2026-W48"
    assert week_label(date(2027, 1, 1)) == "2026-W53"  # a Friday: 2026's week
    assert monday_of(date(2026, 11, 29)) == date(2026, 11, 23)
    daily = timesheet(session, Filters(start=date(2026, 11, 16)))
    assert sheet.seconds == daily.seconds and sheet.entries == daily.entries


def test_the_week_grid_has_a_line_per_deal_and_phase(session, week):
    lines = week_lines(timesheet(session, THIS_WEEK), date(2026, 11, 23))
    assert [(line.deal, line.phase, line.days) for line in lines] == [
        ("Acme Oy: fleet", "lead", (4_718, 0, 0, 0, 0, 0, 0)),
        ("Acme Oy: fleet", "proposal", (0, 2_345, 0, 47, 54, 0, 0)),
        (NO_DEAL, "other", (3_600, 0, 0, 0, 17, 0, 0)),
    ]
    assert sum(line.seconds for line in lines) == 10_781


def test_only_the_persons_time_and_only_visible_records(session, week):
    bob = ensure_user("bob", session.clock)
    team = Cloud.create(name="Team", kind="team", created_at=datetime(2026, 1, 1))
    CloudMember.create(cloud=team, user=session.user)
    CloudMember.create(cloud=team, user=bob)
    theirs = Session(db=session.db, user=bob, clock=session.clock)
    shared = records.create_record(theirs, "sales_lead", "Team deal", cloud="Team")
    private = records.create_record(theirs, "task", "Bob's own")
    focus_at(theirs, shared.id, local(2026, 11, 25, 10, 0, 0), 1_234)
    focus_at(theirs, private.id, local(2026, 11, 25, 12, 0, 0), 4_321)

    bobs = timesheet(session, Filters(start=date(2026, 11, 23), user_id=bob.id))
    assert [(r.deal, r.seconds) for r in bobs.rows] == [("Team deal", 1_234)]
    mine = timesheet(
        session, Filters(start=date(2026, 11, 23), user_id=session.user_id)
    )
    assert "Team deal" not in {r.deal for r in mine.rows}
    assert timesheet(session, THIS_WEEK).seconds == mine.seconds - 999 + 1_234


# -- report time ---------------------------------------------------------------------


def test_every_format_has_seconds_and_a_total_of_the_rows(session, week, db_path):
    period = ("--from", "2026-11-23", "--to", "2026-11-29")
    data = json.loads(run_cli(db_path, "report", "time", *period, "--format", "json"))
    assert data["period"] == {"from": "2026-11-23", "to": "2026-11-29"}
    assert data["rows"][0] == {
        "day": "2026-11-23",
        "deal_id": week["lead"].id,
        "deal": "Acme Oy: fleet",
        "phase": "lead",
        "seconds": 4_718,
        "hours": 1.31,
        "entries": 2,
    }
    assert data["rows"][1]["deal"] is None and data["rows"][1]["deal_id"] is None
    assert data["total"] == {"seconds": 10_781, "hours": 2.99, "entries": 6}
    assert data["total"]["seconds"] == sum(r["seconds"] for r in data["rows"])

    rows = list(
        csv.DictReader(
            io.StringIO(run_cli(db_path, "report", "time", *period, "--format", "csv"))
        )
    )
    assert list(rows[0]) == [
        "day",
        "deal_id",
        "deal",
        "phase",
        "seconds",
        "hours",
        "entries",
    ]
    assert sum(int(r["seconds"]) for r in rows) == 10_781
    assert [(r["day"], r["seconds"], r["hours"]) for r in rows][3:5] == [
        ("2026-11-26", "47", "0.01"),
        ("2026-11-27", "54", "0.02"),
    ]

    table = run_cli(db_path, "report", "time", *period).splitlines()
    assert table[0].split() == ["DAY", "DEAL", "PHASE", "H:MM", "HOURS", "ENTRIES"]
    assert table[1].split()[:4] == ["Mon", "2026-11-23", "Acme", "Oy:"]
    assert table[1].split()[-4:] == ["Lead", "1:19", "1.31", "2"]
    # A day of two rows has its total; the sum of the rows' seconds.
    assert table[3].split() == ["day", "total", "2:19", "2.31", "3"]
    assert table[-1].split() == ["total", "3:00", "2.99", "6"]
    hours = [line.split()[-2] for line in table[1:]]
    assert all(len(h.split(".")[1]) == 2 for h in hours)  # fixed decimals


def test_the_default_is_this_week_and_mine(session, week, db_path, monkeypatch):
    bob = ensure_user("bob", session.clock)
    team = Cloud.create(name="Team", kind="team", created_at=datetime(2026, 1, 1))
    CloudMember.create(cloud=team, user=session.user)
    CloudMember.create(cloud=team, user=bob)
    theirs = Session(db=session.db, user=bob, clock=session.clock)
    shared = records.create_record(theirs, "sales_lead", "Team deal", cloud="Team")
    focus_at(theirs, shared.id, local(2026, 11, 25, 10, 0, 0), 1_234)
    monkeypatch.setattr(Clock, "now", lambda self: FIXED_NOW)  # the CLI's: Fri 27

    data = json.loads(run_cli(db_path, "report", "time", "--format", "json"))
    assert data["period"] == {"from": "2026-11-23", "to": "2026-11-29"}
    assert data["total"]["seconds"] == 10_781  # not bob's, not last Sunday's
    bobs = json.loads(
        run_cli(db_path, "report", "time", "--person", "bob", "--format", "json")
    )
    assert [(r["deal"], r["seconds"]) for r in bobs["rows"]] == [("Team deal", 1_234)]
    # --from alone: from that day on.
    later = json.loads(
        run_cli(db_path, "report", "time", "--from", "2026-11-27", "--format", "json")
    )
    assert later["period"] == {"from": "2026-11-27", "to": None}
    assert later["total"]["seconds"] == 54 + 17 + 999


def test_by_week_in_the_table(session, week, db_path):
    out = run_cli(
        db_path, "report", "time", "--by", "week", "--from", "2026-11-16"
    ).splitlines()
    assert out[0].split() == ["WEEK", "DEAL", "PHASE", "H:MM", "HOURS", "ENTRIES"]
    assert out[1].split()[:2] == ["2026-W47", "2026-11-16"]
    assert out[2].split()[:2] == ["2026-W48", "2026-11-23"]
    assert out[5].split()[:2] == ["week", "total"]
    assert out[-1].split() == ["total", "4:16", "4.27", "7"]  # 15,380 s


def test_a_wrong_by_is_refused_per_report(session, db_path):
    said = run_cli(db_path, "report", "time", "--by", "deal", status=2)
    assert "report time takes --by day or week, not deal." in said
    said = run_cli(db_path, "report", "phases", "--by", "week", status=2)
    assert "report phases takes --by phase, deal, person or cloud, not week." in said
    said = run_cli(db_path, "report", "stats", "--by", "day", status=2)
    assert "report stats takes no --by." in said
    empty = ("--from", "2001-01-01", "--to", "2001-01-07")
    assert "No data" in run_cli(db_path, "report", "time", *empty)
    said = run_cli(db_path, "report", "time", "--person", "nobody", status=2)
    assert "Nobody called 'nobody' shares a cloud with you." in said


def test_a_title_is_shown_as_typed_and_long_ones_cut(session, db_path):
    task = records.create_record(session, "task", "x")
    lead = records.create_record(
        session, "sales_lead", "[bold]Esc\x1b[31m and a very long name for a deal"
    )
    focus_at(session, lead.id, local(2026, 11, 23, 9), 60)
    focus_at(session, task.id, local(2026, 11, 23, 10), 60)
    period = ("--from", "2026-11-23", "--to", "2026-11-29")
    table = run_cli(db_path, "report", "time", *period)
    assert "\x1b" not in table and "[bold]Esc␛[31m and a very long…  " in table
    data = json.loads(run_cli(db_path, "report", "time", *period, "--format", "json"))
    assert data["rows"][0]["deal"] == (
        "[bold]Esc\x1b[31m and a very long name for a deal"
    )


# -- the Timesheet sheet ---------------------------------------------------------------


def test_the_sheet_has_real_dates_and_durations(session, week, tmp_path):
    path = export_xlsx(session, tmp_path / "t.xlsx", filters=THIS_WEEK).path
    ws = openpyxl.load_workbook(path)["Timesheet"]
    assert [c.value for c in ws[1]] == [
        "Day",
        "Week",
        "Deal",
        "Deal ID",
        "Phase",
        "Hours",
        "Seconds",
        "Entries",
    ]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:H7"
    rows = [row for row in ws.iter_rows(min_row=2, max_row=7)]
    first = rows[0]
    assert first[0].is_date and first[0].value == datetime(2026, 11, 23)
    assert first[0].number_format == "yyyy-mm-dd"
    assert first[1].value == "2026-W48" and first[2].value == "Acme Oy: fleet"
    assert first[3].value == week["lead"].id
    assert first[4].value == PHASE_LABELS["lead"]
    # A duration: a number (a fraction of a day) shown [h]:mm, and seconds.
    assert first[5].number_format == "[h]:mm"
    assert isinstance(first[5].value, timedelta)
    assert round(first[5].value.total_seconds()) == 4_718
    assert first[6].value == 4_718 and first[7].value == 2
    assert [r[6].value for r in rows] == [4_718, 3_600, 2_345, 47, 54, 17]
    assert rows[1][2].value == NO_DEAL and rows[1][3].value is None
    # The total, under the table (outside its filter): the rows' sum.
    total = list(ws.iter_rows(min_row=9, max_row=9))[0]
    assert total[0].value == "Total" and total[0].font.b
    assert total[6].value == sum(r[6].value for r in rows) == 10_781
    assert round(total[5].value.total_seconds()) == 10_781
    assert total[5].number_format == "[h]:mm" and total[7].value == 6
    assert "Timesheet of tester, 2026-11-23 – 2026-11-29" in ws["A10"].value


def test_the_sheet_is_a_persons_own_unless_the_filters_name_one(
    session, week, tmp_path
):
    bob = ensure_user("bob", session.clock, "Bob Berg")
    team = Cloud.create(name="Team", kind="team", created_at=datetime(2026, 1, 1))
    CloudMember.create(cloud=team, user=session.user)
    CloudMember.create(cloud=team, user=bob)
    theirs = Session(db=session.db, user=bob, clock=session.clock)
    shared = records.create_record(theirs, "sales_lead", "Team deal", cloud="Team")
    focus_at(theirs, shared.id, local(2026, 11, 25, 10, 0, 0), 1_234)

    path = export_xlsx(session, tmp_path / "all.xlsx").path  # everyone's view
    ws = openpyxl.load_workbook(path)["Timesheet"]
    deals = {row[2].value for row in ws.iter_rows(min_row=2) if row[0].is_date}
    assert "Team deal" not in deals and "Acme Oy: fleet" in deals
    path = export_xlsx(
        session, tmp_path / "bob.xlsx", filters=Filters(user_id=bob.id)
    ).path
    ws = openpyxl.load_workbook(path)["Timesheet"]
    assert ws["C2"].value == "Team deal" and ws["G2"].value == 1_234
    assert "Timesheet of Bob Berg, all time" in ws["A5"].value


def test_a_day_before_excels_calendar_is_text_not_a_wrong_date(session, tmp_path):
    task = records.create_record(session, "task", "Old import")
    focus_at(session, task.id, datetime(1899, 6, 1, 10, tzinfo=UTC), 60)
    path = export_xlsx(session, tmp_path / "old.xlsx").path
    ws = openpyxl.load_workbook(path)["Timesheet"]
    assert ws["A2"].value == "1899-06-01" and ws["G2"].value == 60
