"""report phases: exact seconds in every format, and totals of seconds.

Rounded hours per row do not add up to the rounded total (18 s + 18 s are
0.01 h + 0.01 h, but 36 s is 0.01 h): the figures a user can check are the
seconds, and the total is the sum of the rows' seconds, rounded once.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json

from conftest import advance

from focus_tui import cli
from focus_tui.core.text import format_h_mm, hours_of
from focus_tui.domain import records, tracker


def run_cli(db_path, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["--db", str(db_path), "--user", "tester", *args]) == 0
    return out.getvalue()


def focus_for(session, record_id: int, seconds: int) -> None:
    tracker.focus(session, record_id)
    advance(session, seconds=seconds)
    tracker.unfocus(session)


def test_every_format_has_seconds_and_totals_add_up_exactly(session, db_path):
    lead = records.create_record(session, "sales_lead", "Acme")
    task = records.create_record(session, "task", "Chores")
    focus_for(session, lead.id, 18)
    focus_for(session, task.id, 11)
    focus_for(session, task.id, 7)  # 18 s in two odd entries
    focus_for(session, lead.id, 993_222)  # with the 18: 993,240 s = 275.90 h

    data = json.loads(run_cli(db_path, "report", "phases", "--format", "json"))
    by_phase = {r["phase"]: r for r in data["rows"]}
    assert by_phase["lead"]["seconds"] == 993_240 and by_phase["lead"]["entries"] == 2
    assert by_phase["other"]["seconds"] == 18 and by_phase["other"]["hours"] == 0.01
    assert data["total"] == {"seconds": 993_258, "hours": 275.91, "entries": 4}
    assert data["total"]["seconds"] == sum(r["seconds"] for r in data["rows"])

    rows = list(
        csv.DictReader(
            io.StringIO(run_cli(db_path, "report", "phases", "--format", "csv"))
        )
    )
    assert {r["phase"]: r["seconds"] for r in rows if r["seconds"] != "0"} == {
        "lead": "993240",
        "other": "18",
    }
    assert {r["phase"]: r["hours"] for r in rows}["lead"] == "275.90"

    table = run_cli(db_path, "report", "phases").splitlines()
    assert table[0].split() == ["GROUP", "PHASE", "H:MM", "HOURS", "ENTRIES"]
    lead_line = next(line for line in table if " Lead " in f" {line} ")  # its label
    assert "275:54" in lead_line and "275.90" in lead_line  # not 275.9
    assert table[-1].split() == ["total", "275:54", "275.91", "4"]


def test_the_displayed_figures_round_half_up_once():
    assert str(hours_of(993_240)) == "275.90"
    assert str(hours_of(18)) == "0.01" and str(hours_of(17)) == "0.00"
    assert format_h_mm(29) == "0:00" and format_h_mm(30) == "0:01"
    assert format_h_mm(993_258) == "275:54"
