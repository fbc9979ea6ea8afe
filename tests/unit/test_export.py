"""The Report Export view and its .xlsx file (DESIGN §3 Reports, §8, issue 4).

Every file test opens the written workbook with openpyxl (normal mode), the
way a reader of the file would see it.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import peewee as pw
import pytest
from conftest import ZONE, advance

from focus_tui.core.clock import Clock
from focus_tui.core.dates import parse_when
from focus_tui.core.errors import UserError
from focus_tui.domain import records, sales, tracker
from focus_tui.domain.deals import deal_ids
from focus_tui.domain.session import Session, ensure_user
from focus_tui.export import xlsx as export
from focus_tui.export.xlsx import export_xlsx, needs_neutralising
from focus_tui.models import Cloud, CloudMember, Record, Sale, TimeEntry
from focus_tui.views.report_view import (
    ViewIndex,
    ViewSettings,
    count_rows,
    iter_rows,
    iter_sales_rows,
    page,
)

D = Decimal
RECORD_HEADERS = [
    "ID",
    "Title",
    "Type",
    "Client",
    "Cloud",
    "Actors",
    "Date",
    "Created",
    "Finished",
    "Sent",
    "Sold",
    "Delivered",
    "Billed",
    "One-time",
    "Monthly",
    "Currency",
    "State",
    "Focused hours",
]


def at(session: Session, *args) -> None:
    """Pin the session's clock to a UTC moment."""
    session.clock = Clock(zone=ZONE, fixed=datetime(*args, tzinfo=UTC))


def focus_for(session: Session, record_id: int, minutes: int) -> None:
    tracker.focus(session, record_id)
    advance(session, minutes=minutes)
    tracker.unfocus(session)


def columns(ws) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[1]}


def data_rows(ws) -> list[tuple]:
    return [row for row in ws.iter_rows(min_row=2) if row[0].value is not None]


def by_title(ws) -> dict[str, tuple]:
    col = columns(ws)["Title"] - 1
    return {row[col].value: row for row in data_rows(ws)}


@pytest.fixture
def out(tmp_path):
    """A folder for exported files (the database lives in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def pipeline(session):
    """A lead → sold order (SEK), a lost proposal (EUR), a task, focused time."""
    lead = records.create_record(session, "sales_lead", "Kivi Oy: fleet tracking")
    note = records.create_record(
        session, "contact_note", "Call Aino", parent_id=lead.id
    )
    won = sales.create_proposal(
        session,
        lead.id,
        "Offer: 40 trackers",
        terms=sales.Terms(D("12000.50"), D("450.25"), "SEK"),
    )
    focus_for(session, lead.id, 50)
    focus_for(session, won.id, 25)
    sales.send(session, won.id)
    focus_for(session, won.id, 15)
    sold = sales.mark_sold(session, won.id, tasks=["Pack and deliver"])
    focus_for(session, sold.tasks[0].id, 40)
    sales.mark_delivered(session, won.id)
    sales.mark_billed(session, won.id)

    other = records.create_record(session, "sales_lead", "Halla Oy: sensors")
    lost = sales.create_proposal(
        session, other.id, "Offer: sensors", terms=sales.Terms(D("999.99"))
    )
    sales.send(session, lost.id)
    sales.mark_lost(session, lost.id, "Price too high")
    task = records.create_record(
        session,
        "task",
        "Update the pipeline",
        when=parse_when("tomorrow", date(2026, 11, 27)),
    )
    focus_for(session, task.id, 10)
    return {
        "lead": lead,
        "note": note,
        "order": won,
        "task_under_order": sold.tasks[0],
        "other": other,
        "lost": lost,
        "task": task,
    }


# -- the view -------------------------------------------------------------------------


def test_view_rows_carry_client_actors_state_and_hours(session, pipeline):
    rows = {r.title: r for r in iter_rows(session, ViewSettings())}
    order = rows["Offer: 40 trackers"]
    assert order.type == "Order" and order.state == "Billed"
    # The deal is the Sales Lead (now a Client Relationship) above it.
    assert order.client == "Kivi Oy: fleet tracking"
    assert rows["Pack and deliver"].client == "Kivi Oy: fleet tracking"
    assert rows["Kivi Oy: fleet tracking"].client == "Kivi Oy: fleet tracking"
    assert rows["Update the pipeline"].client == ""
    assert order.one_time == D("12000.50") and order.monthly == D("450.25")
    assert order.currency == "SEK"
    assert order.sent_date == order.sold_date == date(2026, 11, 27)
    assert order.focused_hours == pytest.approx(40 / 60)
    assert order.actors == "tester" and order.cloud == "tester (private)"
    assert rows["Update the pipeline"].state == "Open"
    assert rows["Call Aino"].state == "Finished"  # a logged contact
    assert rows["Offer: sensors"].state == "Lost"
    assert rows["Offer: sensors"].lost_reason == "Price too high"
    assert order.created.tzinfo is not None
    assert order.created == session.clock.to_local(
        Record.get_by_id(order.id).created_at
    )


def test_view_settings_filter_types_state_and_period(session, pipeline):
    def titles(**kw):
        return {r.title for r in iter_rows(session, ViewSettings(**kw))}

    assert titles(types=("task",)) == {"Pack and deliver", "Update the pipeline"}
    # Display names are accepted too.
    assert titles(types=("Sales Proposal", "order")) == {
        "Offer: 40 trackers",
        "Offer: sensors",
    }
    assert "Update the pipeline" in titles(finished=False)
    assert "Update the pipeline" not in titles(finished=True)
    # Its date (tomorrow) counts, not the day it was created (today).
    assert titles(start=date(2026, 11, 28), end=date(2026, 11, 28)) == {
        "Update the pipeline"
    }
    assert "Update the pipeline" not in titles(end=date(2026, 11, 27))
    assert "Call Aino" in titles(start=date(2026, 11, 27), end=date(2026, 11, 27))
    assert titles(end=date(2026, 11, 26)) == set()
    settings = ViewSettings(types=("task",))
    assert count_rows(session, settings) == 2
    assert [r.title for r in page(session, settings, 1, 10)] == ["Update the pipeline"]
    with pytest.raises(UserError):
        ViewSettings(types=("invoice",))
    with pytest.raises(UserError):
        ViewSettings(start=date(2026, 2, 1), end=date(2026, 1, 1))


def test_period_uses_the_local_creation_day(session):
    at(session, 2026, 3, 28, 22, 30)  # 00:30 on 29 March in Helsinki
    records.create_record(session, "task", "Late one")
    inside = ViewSettings(start=date(2026, 3, 29), end=date(2026, 3, 29))
    assert [r.title for r in iter_rows(session, inside)] == ["Late one"]
    before = ViewSettings(end=date(2026, 3, 28))
    assert list(iter_rows(session, before)) == []


def test_sales_rows_go_along_the_process(session, pipeline):
    sales.create_proposal(session, pipeline["other"].id, "Second offer")
    stages = [(r.title, r.stage) for r in iter_sales_rows(session, ViewSettings())]
    assert stages == [
        ("Second offer", "draft"),
        ("Offer: 40 trackers", "billed"),
        ("Offer: sensors", "lost"),
    ]


def test_deal_ids_walk_up_to_the_lead(session, pipeline):
    from focus_tui.domain.deals import deal_of

    records_ = list(Record.select())
    expected = {}
    for record in records_:
        deal = deal_of(session, record)
        expected[record.id] = deal.id if deal else None
    assert set(expected.values()) - {None}, "the pipeline has deals"
    found = deal_ids(session, {r.id for r in records_})
    assert {rid: found.get(rid) for rid in expected} == expected


def test_running_focus_counts_in_the_view(session, pipeline):
    tracker.focus(session, pipeline["task"].id)
    advance(session, minutes=30)
    row = next(
        r
        for r in iter_rows(session, ViewSettings())
        if r.title == "Update the pipeline"
    )
    assert row.focused_hours == pytest.approx(40 / 60)


# -- the file ---------------------------------------------------------------------------


def test_sheets_types_and_frame(session, pipeline, out):
    result = export_xlsx(session, out / "report.xlsx", ViewSettings())
    assert result.path == out / "report.xlsx" and result.rows == 7
    wb = openpyxl.load_workbook(result.path)
    assert wb.sheetnames == [
        "Records",
        "Sales Process",
        "Time by phase",
        "Timesheet",
        "Statistics",
    ]
    ws = wb["Records"]
    assert [c.value for c in ws[1]] == RECORD_HEADERS
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:R8"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width

    col = columns(ws)
    order = by_title(ws)["Offer: 40 trackers"]
    assert order[col["ID"] - 1].data_type == "n"
    for name in ("Date", "Sent", "Sold", "Delivered", "Billed"):
        cell = order[col[name] - 1]
        assert cell.is_date and cell.value == datetime(2026, 11, 27), name
        assert cell.number_format == "yyyy-mm-dd"
    created = order[col["Created"] - 1]
    assert created.is_date and created.number_format == "yyyy-mm-dd hh:mm"
    assert created.value == datetime(2026, 11, 27, 11, 0)  # 09:00 UTC
    one_time = order[col["One-time"] - 1]
    assert one_time.data_type == "n" and one_time.value == pytest.approx(12000.5)
    assert one_time.number_format == '#,##0.00 "SEK"'
    assert order[col["Monthly"] - 1].value == pytest.approx(450.25)
    lost = by_title(ws)["Offer: sensors"]
    assert lost[col["One-time"] - 1].number_format == '#,##0.00 "EUR"'
    hours = order[col["Focused hours"] - 1]
    assert hours.data_type == "n" and hours.number_format == "0.00"
    assert hours.value == pytest.approx(40 / 60)
    task = by_title(ws)["Update the pipeline"]
    assert task[col["Date"] - 1].value == datetime(2026, 11, 28)
    assert task[col["One-time"] - 1].value is None
    assert task[col["Finished"] - 1].value is None

    sp = wb["Sales Process"]
    assert sp.freeze_panes == "A2" and sp.auto_filter.ref == "A1:U3"
    assert [r[3].value for r in data_rows(sp)] == ["Billed", "Lost"]

    phases = wb["Time by phase"]
    assert phases.freeze_panes == "A2"
    head = [c.value for c in phases[1]]
    assert head[:3] == ["Deal", "Deal ID", "Lead"] and head[-1] == "Total"
    assert phases.auto_filter.ref == f"A1:J{len(data_rows(phases)) + 1}"

    stats = wb["Statistics"]
    values = [c.value for row in stats.iter_rows() for c in row if c.value is not None]
    assert "Offers sent" in values and "Median days" in values
    assert "Price too high" in values


def test_sales_process_view_comes_first(session, pipeline, out):
    result = export_xlsx(
        session, out / "pipeline", ViewSettings(), view="sales-process"
    )
    assert result.path == out / "pipeline.xlsx" and result.rows == 2
    wb = openpyxl.load_workbook(result.path)
    assert wb.sheetnames[:2] == ["Sales Process", "Records"]


def test_totals_equal_the_database(session, pipeline, out):
    wb = openpyxl.load_workbook(export_xlsx(session, out / "t.xlsx").path)
    ws = wb["Records"]
    col = columns(ws)
    rows = data_rows(ws)

    def total(name):
        return sum(r[col[name] - 1].value or 0 for r in rows)

    one_time, monthly = Sale.select(
        pw.fn.SUM(Sale.one_time_cents), pw.fn.SUM(Sale.monthly_cents)
    ).scalar(as_tuple=True)
    assert round(total("One-time") * 100) == one_time
    assert round(total("Monthly") * 100) == monthly
    seconds = TimeEntry.select(pw.fn.SUM(TimeEntry.seconds)).scalar()
    assert round(total("Focused hours") * 3600) == seconds

    phases = wb["Time by phase"]
    total_col = len(phases[1])
    assert (
        round(sum(r[total_col - 1].value for r in data_rows(phases)) * 3600) == seconds
    )
    deals = [r[0].value for r in data_rows(phases)]
    assert deals[-1] == "(not in a deal)"  # the stand-alone task
    assert "Kivi Oy: fleet tracking" in deals


def test_formula_text_arrives_as_text(session, out):
    titles = [
        '=HYPERLINK("http://x","y")',
        "@SUM(A1)",
        "-2+3",
        "+cmd|' /C calc'!A0",
        "=1+1",
        "＝1+1",
    ]
    for title in titles:
        records.create_record(session, "task", title)
    records.create_record(session, "task", "-12.5")  # a number: left alone
    lead = records.create_record(session, "sales_lead", "=2*3")
    proposal = sales.create_proposal(
        session, lead.id, "Offer", terms=sales.Terms(D("100"))
    )
    sales.send(session, proposal.id)
    sales.mark_lost(session, proposal.id, "@budget")
    path = export_xlsx(session, out / "f.xlsx").path

    wb = openpyxl.load_workbook(path)
    ws = wb["Records"]
    col = columns(ws)
    rows = by_title(ws)
    for title in titles:
        cell = rows[title][col["Title"] - 1]
        assert cell.data_type == "s" and cell.value == title, title
        assert cell.quotePrefix, title
    number_like = rows["-12.5"][col["Title"] - 1]
    assert number_like.data_type == "s" and number_like.value == "-12.5"
    assert not number_like.quotePrefix
    # The client column (a deal's title) is user text too.
    client = rows["Offer"][col["Client"] - 1]
    assert client.value == "=2*3" and client.data_type == "s" and client.quotePrefix
    # Numbers stay numbers.
    assert rows["Offer"][col["One-time"] - 1].data_type == "n"
    assert rows["Offer"][col["ID"] - 1].data_type == "n"
    sp = wb["Sales Process"]
    reason = data_rows(sp)[0][columns(sp)["Lost reason"] - 1]
    assert reason.value == "@budget" and reason.quotePrefix
    # No cell of any sheet is a formula.
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row), sheet.title
    # And in the XML itself: no <f> element anywhere.
    import zipfile

    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name)


@pytest.mark.parametrize(
    ("text", "neutralise"),
    [
        ("=A1", True),
        ("+1+1", True),
        ("-x", True),
        ("@x", True),
        ("\tx", True),
        ("\r=x", True),
        ("-5", False),
        ("+3.25", False),
        ("-1e5", False),
        ("-inf", True),
        ("Plain", False),
        ("", False),
    ],
)
def test_needs_neutralising(text, neutralise):
    assert needs_neutralising(text) is neutralise


def test_markup_and_control_characters(session, out):
    records.create_record(session, "task", "a < b & c > d")
    records.create_record(session, "task", "bell\x07 and esc\x1b[31m")
    ws = openpyxl.load_workbook(export_xlsx(session, out / "m.xlsx").path)["Records"]
    values = set(by_title(ws))
    assert "a < b & c > d" in values
    assert "bell\ufffd and esc\ufffd[31m" in values


def test_local_time_across_dst(session, out):
    """Helsinki: EET (UTC+2) until 29 March 2026 01:00 UTC, then EEST (UTC+3)
    until 25 October 2026 01:00 UTC; times stored in UTC."""
    cases = {
        "before midnight UTC": ((2026, 3, 28, 22, 30), datetime(2026, 3, 29, 0, 30)),
        "last EET minute": ((2026, 3, 29, 0, 59), datetime(2026, 3, 29, 2, 59)),
        "first EEST hour": ((2026, 3, 29, 1, 30), datetime(2026, 3, 29, 4, 30)),
        "summer": ((2026, 7, 1, 12, 0), datetime(2026, 7, 1, 15, 0)),
        "first 03:30": ((2026, 10, 25, 0, 30), datetime(2026, 10, 25, 3, 30)),
        "second 03:30": ((2026, 10, 25, 1, 30), datetime(2026, 10, 25, 3, 30)),
        "winter": ((2026, 11, 27, 9, 0), datetime(2026, 11, 27, 11, 0)),
    }
    for title, (utc, _local) in cases.items():
        at(session, *utc)
        record = records.create_record(session, "task", title)
        advance(session, hours=1)
        records.set_finished(session, record.id, True)
    rows = {r.title: r for r in iter_rows(session, ViewSettings())}
    for title, (utc, local) in cases.items():
        created = rows[title].created
        assert created.replace(tzinfo=None) == local, title
        assert created.astimezone(UTC).replace(tzinfo=None) == datetime(*utc), title
        # Compared as instants and wall times: aware datetimes in a repeated
        # hour never compare equal across zones (PEP 495).
        expected = session.clock.to_local(datetime(*utc) + timedelta(hours=1))
        finished = rows[title].finished
        assert finished.astimezone(UTC) == expected.astimezone(UTC), title
        assert finished.replace(tzinfo=None) == expected.replace(tzinfo=None), title
        assert finished.utcoffset() == expected.utcoffset(), title

    ws = openpyxl.load_workbook(export_xlsx(session, out / "dst.xlsx").path)["Records"]
    col = columns(ws)
    written = by_title(ws)
    for title, (utc, local) in cases.items():
        assert written[title][col["Created"] - 1].value == local, title
        finished = session.clock.to_local(datetime(*utc) + timedelta(hours=1))
        assert written[title][col["Finished"] - 1].value == finished.replace(
            tzinfo=None
        ), title


def test_empty_selection_writes_headers(session, out):
    path = export_xlsx(session, out / "empty.xlsx", ViewSettings(types=("order",))).path
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Records",
        "Sales Process",
        "Time by phase",
        "Timesheet",
        "Statistics",
    ]
    ws = wb["Records"]
    assert [c.value for c in ws[1]] == RECORD_HEADERS
    assert ws.max_row == 1 and ws.auto_filter.ref == "A1:R1"
    assert wb["Sales Process"].max_row == 1
    assert wb["Time by phase"].max_row == 1
    values = [c.value for row in wb["Statistics"].iter_rows() for c in row]
    assert "No lost proposals in this period." in values


def test_progress_reports_and_cancel_leaves_nothing(session, out, monkeypatch):
    monkeypatch.setattr(export, "PROGRESS_EVERY", 2)
    for i in range(5):
        records.create_record(session, "task", f"Task {i}")
    calls = []
    export_xlsx(session, out / "p.xlsx", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (5, 5)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)

    target = out / "keep.xlsx"
    target.write_bytes(b"old")

    def cancel(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_xlsx(session, target, progress=cancel)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in out.iterdir()) == ["keep.xlsx", "p.xlsx"]


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: tmp / "missing" / "r.xlsx",
        lambda tmp: tmp,
        lambda tmp: tmp / "r.csv",
        lambda tmp: (tmp / "file").write_text("x") and tmp / "file" / "r.xlsx",
        lambda tmp: "",
    ],
    ids=["no folder", "a folder", "not xlsx", "parent is a file", "empty"],
)
def test_bad_paths_are_one_clear_line(session, out, make):
    target = make(out)
    before = sorted(out.iterdir())
    with pytest.raises(UserError) as error:
        export_xlsx(session, target)
    assert "\n" not in str(error.value) and str(error.value).endswith(".")
    assert sorted(out.iterdir()) == before


def test_unwritable_folder(session, out, monkeypatch):
    real_open = os.open

    def refuse(path, flags, mode=0o777, **kw):
        if str(path).startswith(str(out)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, mode, **kw)

    monkeypatch.setattr(export.os, "open", refuse)
    with pytest.raises(UserError, match="permission denied"):
        export_xlsx(session, out / "r.xlsx")
    assert list(out.iterdir()) == []


def test_a_new_file_is_owner_only_a_replaced_one_keeps_its_mode(session, out):
    old = os.umask(0o022)
    try:
        path = export_xlsx(session, out / "r.xlsx").path
        assert path.stat().st_mode & 0o777 == 0o600  # a sales report is private
        os.chmod(path, 0o640)  # the owner shares it with a group
        export_xlsx(session, path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o640


def test_other_clouds_never_appear(session, pipeline, out):
    stranger = ensure_user("stranger", session.clock)
    theirs = Session(db=session.db, user=stranger, clock=session.clock)
    secret = records.create_record(theirs, "sales_lead", "Secret deal")
    offer = sales.create_proposal(
        theirs, secret.id, "Secret offer", terms=sales.Terms(D("5000000"))
    )
    sales.send(theirs, offer.id)
    focus_for(theirs, secret.id, 120)
    # A shared team cloud: its records are visible to both members.
    team = Cloud.create(name="Sales Team", kind="team", created_at=datetime(2026, 1, 1))
    CloudMember.create(cloud=team, user=session.user)
    CloudMember.create(cloud=team, user=stranger)
    records.create_record(theirs, "task", "Team task", cloud="Sales Team")

    assert all(r.title != "Secret deal" for r in iter_rows(session, ViewSettings()))
    wb = openpyxl.load_workbook(export_xlsx(session, out / "p.xlsx").path)
    text = {
        str(c.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }
    assert not any("Secret" in t for t in text)
    assert 5000000 not in {c.value for row in wb["Records"].iter_rows() for c in row}
    assert "Team task" in text and "Sales Team" in text
    phases = wb["Time by phase"]
    mine = TimeEntry.select(pw.fn.SUM(TimeEntry.seconds)).where(
        TimeEntry.user == session.user_id
    )
    total_col = len(phases[1])
    assert (
        round(sum(r[total_col - 1].value for r in data_rows(phases)) * 3600)
        == mine.scalar()
    )
    # A cloud filter for a cloud one is not in shows nothing.
    other_private = Cloud.get(Cloud.owner == stranger.id)
    assert count_rows(session, ViewSettings(cloud_id=other_private.id)) == 0


def test_actor_and_cloud_filters(session, pipeline):
    colleague = ensure_user("anna", session.clock, "Anna Virtanen")
    team = Cloud.create(name="Sales Team", kind="team", created_at=datetime(2026, 1, 1))
    CloudMember.create(cloud=team, user=session.user)
    CloudMember.create(cloud=team, user=colleague)
    theirs = Session(db=session.db, user=colleague, clock=session.clock)
    records.create_record(theirs, "task", "Anna's task", cloud="Sales Team")
    by_anna = ViewSettings(actor_id=colleague.id)
    assert [r.title for r in iter_rows(session, by_anna)] == ["Anna's task"]
    assert [r.actors for r in iter_rows(session, by_anna)] == ["Anna Virtanen"]
    in_team = ViewSettings(cloud_id=team.id)
    assert [r.cloud for r in iter_rows(session, in_team)] == ["Sales Team"]
    assert count_rows(session, ViewSettings(actor_id=session.user_id)) == 7


def test_many_rows_cross_batches(session, out):
    lead = records.create_record(session, "sales_lead", "Big deal")
    for i in range(25):
        records.create_record(session, "task", f"Task {i:02}", parent_id=lead.id)
    rows = list(iter_rows(session, ViewSettings(), batch=7))
    assert len(rows) == 26 and len({r.id for r in rows}) == 26
    assert [r.id for r in rows] == sorted(r.id for r in rows)
    assert {r.client for r in rows} == {"Big deal"}
    assert [r.title for r in page(session, ViewSettings(), 20, 3)] == [
        "Task 19",
        "Task 20",
        "Task 21",
    ]


def test_export_imports_no_textual():
    code = (
        "import sys, focus_tui.export.xlsx, focus_tui.views.report_view\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_view_index_pages_like_page(session):
    for i in range(12):
        records.create_record(session, "task", f"Task {i:02}")
    records.create_record(session, "contact_person", "Aino")
    settings = ViewSettings(types=("task",))
    index = ViewIndex(session, settings)
    assert len(index) == count_rows(session, settings) == 12
    for offset in (0, 5, 10, 12, 40):
        assert index.page(offset, 4) == page(session, settings, offset, 4)


@pytest.mark.parametrize("zone", ["Europe/Helsinki", "Australia/Lord_Howe", "UTC"])
def test_local_times_match_the_clock_every_five_minutes(zone):
    """The per-day offset cache gives the clock's answer, also on DST days
    and in a zone that changes by 30 minutes at half past a UTC hour."""
    from dateutil import tz

    from focus_tui.views.report_view import _LocalTimes

    clock = Clock(zone=tz.gettz(zone))
    local = _LocalTimes(clock)
    for day in (
        date(2026, 3, 29),
        date(2026, 4, 4),
        date(2026, 10, 3),
        date(2026, 10, 25),
    ):
        start = datetime.combine(day, datetime.min.time()) - timedelta(hours=12)
        for step in range(0, 48 * 60, 5):
            utc = start + timedelta(minutes=step, seconds=7)
            for value in (utc, utc.isoformat(" ")):
                got = local(value)
                want = clock.to_local(utc)
                assert got.astimezone(UTC) == want.astimezone(UTC), value
                assert got.replace(tzinfo=None) == want.replace(tzinfo=None), value


def test_statistics_follow_the_view(session, pipeline, out):
    settings = ViewSettings(start=date(2026, 9, 1), end=date(2026, 11, 30))
    wb = openpyxl.load_workbook(export_xlsx(session, out / "s.xlsx", settings).path)
    stats = wb["Statistics"]
    assert stats["A1"].value.startswith("Statistics for 2026-09-01 – 2026-11-30")
    assert stats["A1"].font.b
    assert stats["B3"].value == "Offers sent"
    counts = list(
        itertools.takewhile(
            lambda row: row[0].value is not None, stats.iter_rows(min_row=4)
        )
    )
    months = [row[0].value for row in counts]
    assert months == [
        datetime(2026, 9, 1),
        datetime(2026, 10, 1),
        datetime(2026, 11, 1),
    ]
    november = counts[-1]
    offers, orders, lost = (c.value for c in november[1:4])
    assert (offers, orders, lost) == (2, 1, 1)
    assert november[0].number_format == "mmm yyyy"
    assert (
        november[4].value == pytest.approx(0.5) and november[4].number_format == "0.0%"
    )


def test_statistics_values_are_one_number_per_currency(session, pipeline, out):
    """November's offers were 12 000.50 SEK and 999.99 EUR: two cells, each a
    number in its currency's format, and no cell holds their sum."""
    wb = openpyxl.load_workbook(export_xlsx(session, out / "v.xlsx").path)
    stats = wb["Statistics"]
    rows = [[c for c in row] for row in stats.iter_rows()]
    head = next(i for i, row in enumerate(rows) if row[1].value == "Currency")
    assert [c.value for c in rows[head][:6]] == [
        "Month",
        "Currency",
        "Offers",
        "Offers value",
        "Orders",
        "Orders value",
    ]
    values = {}
    for row in rows[head + 1 :]:
        if not isinstance(row[0].value, datetime):
            break
        values[row[1].value] = row
    assert set(values) == {"SEK", "EUR"}
    sek, eur = values["SEK"], values["EUR"]
    assert sek[0].value == datetime(2026, 11, 1)
    assert (sek[2].value, sek[4].value) == (1, 1)
    for cell in (sek[3], sek[5]):
        assert cell.data_type == "n" and cell.value == pytest.approx(12000.50)
        assert cell.number_format == '#,##0.00 "SEK"'
    assert eur[3].value == pytest.approx(999.99)
    assert eur[3].number_format == '#,##0.00 "EUR"'
    assert (eur[4].value, eur[5].value) == (0, None)
    every = [c.value for row in rows for c in row if isinstance(c.value, float)]
    assert not any(v == pytest.approx(12000.50 + 999.99) for v in every)
    text = [c.value for row in rows for c in row if isinstance(c.value, str)]
    assert not any("added as numbers" in t for t in text)


def _value_rows(stats) -> list[tuple]:
    rows = [tuple(row) for row in stats.iter_rows()]
    head = next(i for i, row in enumerate(rows) if row[1].value == "Currency")
    return list(
        itertools.takewhile(
            lambda row: isinstance(row[0].value, datetime), rows[head + 1 :]
        )
    )


def test_statistics_convert_only_with_rates_and_mark_it(session, pipeline, out):
    from focus_tui import config

    plain = openpyxl.load_workbook(export_xlsx(session, out / "a.xlsx").path)
    assert [r[1].value for r in _value_rows(plain["Statistics"])] == ["SEK", "EUR"]

    folder = Path(os.environ["FOCUS_TUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(
        "[rates]\ndate = 2026-11-30\nSEK = 0.087\nXYZ = 1\n"
    )
    config.settings.cache_clear()
    wb = openpyxl.load_workbook(export_xlsx(session, out / "b.xlsx").path)
    stats = wb["Statistics"]
    rows = _value_rows(stats)
    assert [r[1].value for r in rows] == ["SEK", "EUR", "≈ EUR"]
    converted = rows[-1]
    # 12 000.50 SEK × 0.087 + 999.99 EUR offered; 12 000.50 SEK × 0.087 ordered.
    assert converted[3].value == pytest.approx(1044.04 + 999.99)
    assert converted[5].value == pytest.approx(1044.04)
    assert converted[3].number_format == '#,##0.00 "EUR"'
    assert converted[6].value == "converted, rates of 2026-11-30"
    # The bad entry is said under the table.
    notes = [c.value for row in stats.iter_rows() for c in row if c.value]
    assert "settings.toml [rates]: XYZ ignored (not a currency we know)." in notes
