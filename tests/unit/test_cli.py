"""The command line, run as a user would run it (a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(db, *args, user="tester", check=True):
    env = dict(os.environ, FOCUS_TUI_DB=str(db), FOCUS_TUI_USER=user)
    proc = subprocess.run(
        [sys.executable, "-m", "focus_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {proc.stderr}")
    return proc


def test_add_list_move_finish_json(db_path):
    lead = run(
        db_path, "add", "Sales Lead", "Fleet tracking", "--date", "2026-12-03"
    ).stdout
    assert lead.strip().isdigit()
    note = run(
        db_path, "add", "contact_note", "Called", "--parent", lead.strip()
    ).stdout
    run(db_path, "move", lead.strip(), "3.1.2027")
    run(db_path, "finish", note.strip())
    rows = json.loads(run(db_path, "list", "--format", "json").stdout)
    assert [(r["id"], r["type"], r["date"], r["finished"]) for r in rows] == [
        (int(lead), "sales_lead", "2027-01-03", False)
    ]
    assert rows[0]["parent_id"] is None and rows[0]["cloud"] == "tester (private)"
    everything = json.loads(run(db_path, "list", "--all", "--format", "json").stdout)
    assert {r["id"]: r["finished"] for r in everything} == {
        int(lead): False,
        int(note): True,
    }
    assert everything[1]["parent_id"] == int(lead)


def test_list_formats_and_filters(db_path):
    run(db_path, "add", "task", "A, with comma")
    run(db_path, "add", "person", "Anna")
    csv_out = run(db_path, "list", "--format", "csv", "--type", "task").stdout
    assert csv_out.splitlines()[0].startswith("id,type,title,date")
    assert '"A, with comma"' in csv_out and "Anna" not in csv_out
    table = run(db_path, "list").stdout
    assert "Contact Person" in table and "A, with comma" in table
    assert (
        json.loads(run(db_path, "list", "--type", "order", "--format", "json").stdout)
        == []
    )


def test_focus_unfocus_status(db_path):
    task = run(db_path, "add", "task", "Prepare offer").stdout.strip()
    assert "Nothing is focused" in run(db_path, "status").stdout
    run(db_path, "focus", task)
    status = run(db_path, "status").stdout
    assert status.startswith(f"#{task}\tPrepare offer\t0:00:")
    assert "Stopped" in run(db_path, "unfocus").stdout
    assert "Nothing is focused" in run(db_path, "unfocus").stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["move", "1", "blah"], "Could not read"),
        (["move", "999", "today"], "no record #999"),
        (["move", "x1", "today"], "not a record id"),
        (["add", "spaceship", "x"], "Unknown record type"),
        (["add", "task", "  "], "title"),
        (["add", "task", "x", "--date", "feb 30"], "February"),
        (["add", "task", "x", "--parent", "999"], "no record #999"),
        (["add", "task", "x", "--cloud", "nowhere"], "not a member"),
        (["focus", "999"], "no record"),
        (["list", "--format", "xml"], "invalid choice"),
        (["list", "--type", "nope"], "Unknown record type"),
        (["finish"], "required"),
    ],
)
def test_user_mistakes_are_one_line_exit_2(db_path, args, message):
    run(db_path, "add", "task", "Existing")  # id 1
    proc = run(db_path, *args, check=False)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_other_users_records_are_invisible(db_path):
    task = run(db_path, "add", "task", "Mine", user="anna").stdout.strip()
    proc = run(db_path, "finish", task, user="bob", check=False)
    assert proc.returncode == 2 and "no record" in proc.stderr
    assert json.loads(run(db_path, "list", "--format", "json", user="bob").stdout) == []


def test_unusable_database_is_one_line(tmp_path):
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    proc = run(bad, "list", check=False)
    assert proc.returncode == 3
    assert "not a Focus TUI database" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_database_path_under_a_file(tmp_path):
    """A path nobody can create (its "folder" is a file): one line, exit 3."""
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    proc = run(blocker / "focus.db", "list", check=False)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert blocker.read_text() == "not a folder"


def test_type_names_are_accepted_in_any_form(db_path):
    for name in ("task", "Task", "Sales Lead", "sales-lead", "Client Relationship"):
        run(db_path, "add", name, f"via {name}")
    types = [
        r["type"] for r in json.loads(run(db_path, "list", "--format", "json").stdout)
    ]
    assert types == ["task", "task", "sales_lead", "sales_lead", "client_relationship"]


def test_sales_process_from_the_command_line(db_path):
    lead = run(db_path, "add", "sales_lead", "Fleet tracking").stdout.strip()
    proposal = run(
        db_path,
        "add",
        "Sales Proposal",
        "Offer",
        "--parent",
        lead,
        "--one-time",
        "12 000,50 €",
        "--monthly",
        "450",
    ).stdout.strip()
    run(db_path, "send", proposal, "--follow-up", "+1w", "--date", "2026-11-15")
    run(db_path, "revise", proposal, "--one-time", "1.100,00", "--date", "2026-11-20")
    assert "Client Relationship" in run(db_path, "sold", proposal).stdout
    run(db_path, "delivered", proposal)
    run(db_path, "billed", proposal)
    rows = json.loads(run(db_path, "list", "--all", "--format", "json").stdout)
    by_id = {r["id"]: r for r in rows}
    order = by_id[int(proposal)]
    assert order["type"] == "order" and order["finished"] is True
    assert order["one_time_sum"] == "1100.00" and order["monthly_sum"] == "450.00"
    assert order["currency"] == "EUR" and order["sent_date"] == "2026-11-20"
    assert order["billed_date"] is not None and order["sold_date"] is not None
    assert by_id[int(lead)]["type"] == "client_relationship"
    assert (
        by_id[int(lead)]["sent_date"] is None
        and by_id[int(lead)]["one_time_sum"] is None
    )
    assert "undid billed" in run(db_path, "undo", proposal).stdout
    again = json.loads(run(db_path, "list", "--format", "json").stdout)
    assert {r["id"]: r["billed_date"] for r in again}[int(proposal)] is None


def test_lost_and_pipeline_report(db_path):
    a = run(db_path, "add", "proposal", "A", "--one-time", "100").stdout.strip()
    b = run(db_path, "add", "proposal", "B", "--one-time", "250,50").stdout.strip()
    run(db_path, "add", "proposal", "C", "--monthly", "10")
    run(db_path, "send", a)
    run(db_path, "lost", b, "--reason", "too expensive")
    report = json.loads(run(db_path, "report", "pipeline", "--format", "json").stdout)
    stages = {r["stage"]: r for r in report}
    assert stages["sent"]["count"] == 1
    assert stages["sent"]["sums"] == [
        {"currency": "EUR", "count": 1, "one_time_sum": "100.00", "monthly_sum": "0.00"}
    ]
    assert stages["lost"]["sums"][0]["one_time_sum"] == "250.50"
    assert stages["draft"]["sums"][0]["monthly_sum"] == "10.00"
    assert stages["ordered"] == {
        "stage": "ordered",
        "count": 0,
        "sums": [],
        "converted": None,
    }
    table = run(db_path, "report", "pipeline").stdout
    assert "Sent" in table and "Lost" in table
    assert "added as numbers" not in table


def test_pipeline_report_gives_one_sum_per_currency(db_path):
    """The sums per stage and currency are those of the cards; no line adds
    EUR and SEK (the old report said 17698500.00 for five currencies)."""
    for title, one_time, monthly in [
        ("A", "12 000", "100"),
        ("B", "3000", None),
        ("C", "4 500 SEK", "50 SEK"),
        ("D", "1000 SEK", None),
        ("E", "700 GBP", None),
    ]:
        args = ["add", "proposal", title, "--one-time", one_time]
        if monthly:
            args += ["--monthly", monthly]
        run(db_path, *args)
    report = json.loads(run(db_path, "report", "pipeline", "--format", "json").stdout)
    draft = next(r for r in report if r["stage"] == "draft")
    assert draft["count"] == 5
    # Most cards first; ties by the larger number.
    assert [
        (s["currency"], s["count"], s["one_time_sum"], s["monthly_sum"])
        for s in draft["sums"]
    ] == [
        ("EUR", 2, "15000.00", "100.00"),
        ("SEK", 2, "5500.00", "50.00"),
        ("GBP", 1, "700.00", "0.00"),
    ]
    csv_rows = run(db_path, "report", "pipeline", "--format", "csv").stdout.splitlines()
    assert csv_rows[0] == "stage,currency,count,one_time_sum,monthly_sum,converted"
    assert "draft,SEK,2,5500.00,50.00," in csv_rows
    assert "draft,EUR,2,15000.00,100.00," in csv_rows
    table = run(db_path, "report", "pipeline").stdout
    draft_lines = [
        line.split() for line in table.splitlines() if line.startswith("Draft")
    ]
    assert draft_lines == [
        ["Draft", "EUR", "2", "15", "000", "100"],
        ["Draft", "SEK", "2", "5", "500", "50"],
        ["Draft", "GBP", "1", "700", "0"],
    ]
    assert "21200" not in table and "21 200" not in table  # the cross sum


@pytest.mark.parametrize(
    "args, message",
    [
        (["send", "1"], "not a Sales Proposal"),
        (["sold", "1"], "not a Sales Proposal"),
        (["delivered", "1"], "not an Order"),
        (["billed", "1", "blah"], "Could not read"),
        (["undo", "1"], "Nothing to undo"),
        (["undo", "99999999999999999999"], "no record"),
        (["send", "2", "--date", "2099-01-01"], "in the future"),
        (["revise", "2", "--one-time", "abc"], "abc"),
        (["revise", "2", "--one-time", "1e15"], ""),
        (["revise", "2"], "Give the new sums"),
        (["add", "proposal", "x", "--one-time", "-5"], "negative"),
        (["add", "proposal", "x", "--currency", "XYZ"], "Unknown currency"),
        (["add", "task", "x", "--monthly", "5"], "Sums belong"),
        (["report", "nope"], "invalid choice"),
    ],
)
def test_sales_mistakes_are_one_line_exit_2(db_path, args, message):
    run(db_path, "add", "task", "A task")  # 1
    run(db_path, "add", "proposal", "A proposal")  # 2
    proc = run(db_path, *args, check=False)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "db, message",
    [
        ("", "--db needs a path"),
        ("mysql://x/y", "Unsupported database URL"),
        ("postgresql://nobody@127.0.0.1:1/x", "PostgreSQL"),
        ("/dev/null", "not a database file"),
        ("{tmp}/missing/folder/x.db", "does not exist"),
        ("{tmp}/other.db", "another program"),
    ],
)
def test_unusable_databases_are_one_line(tmp_path, db, message):
    import sqlite3

    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE invoices (x)")
    other.commit()
    other.close()
    proc = subprocess.run(
        [sys.executable, "-m", "focus_tui", "--db", db.format(tmp=tmp_path), "list"],
        capture_output=True,
        text=True,
        env=dict(os.environ, FOCUS_TUI_USER="tester"),
    )
    assert proc.returncode in (2, 3) and message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) == 1
    assert not (tmp_path / "missing").exists()
    # The other program's database got no tables of ours.
    tables = sqlite3.connect(tmp_path / "other.db").execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    )
    assert [t for (t,) in tables] == ["invoices"]


@pytest.mark.sqlite_file
def test_read_only_database_file(db_path, monkeypatch, capsys):
    """Writing to a database that refuses writes: one line, exit 3, no change.

    File permissions do not stop root (CI runs as root), so SQLite's own
    read-only switch makes every write fail the way a read-only file does.
    """
    from focus_tui import cli
    from focus_tui.models import db as db_module

    run(db_path, "add", "task", "Existing")
    monkeypatch.setitem(db_module.SQLITE_PRAGMAS, "query_only", 1)
    code = cli.main(["--db", str(db_path), "--user", "tester", "add", "task", "New"])
    err = capsys.readouterr().err
    assert code == 3 and "read-only" in err and "Traceback" not in err
    monkeypatch.delitem(db_module.SQLITE_PRAGMAS, "query_only")
    titles = [
        r["title"] for r in json.loads(run(db_path, "list", "--format", "json").stdout)
    ]
    assert titles == ["Existing"]


@pytest.mark.parametrize("zone", ["../../etc/passwd", "/etc/passwd", "Mars/Olympus"])
def test_bad_time_zone_setting(db_path, zone, monkeypatch):
    monkeypatch.setenv("FOCUS_TUI_TZ", zone)
    proc = run(db_path, "list", check=False)
    assert proc.returncode == 2 and "FOCUS_TUI_TZ" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_export_from_the_command_line(db_path, tmp_path):
    import openpyxl

    run(db_path, "add", "task", '=HYPERLINK("http://x","y")', "--date", "2026-12-03")
    run(db_path, "add", "proposal", "Offer", "--one-time", "1200")
    out = tmp_path / "report.xlsx"
    proc = run(db_path, "export", "--out", str(out), "--type", "task")
    assert "Wrote 1 rows" in proc.stdout
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Records"
    sheet = book["Records"]
    titles = [c.value for c in sheet[1]]
    title_cell = sheet.cell(row=2, column=titles.index("Title") + 1)
    assert title_cell.value.startswith("=HYPERLINK") and title_cell.data_type != "f"
    bad = run(db_path, "export", "--out", str(tmp_path / "no" / "x.xlsx"), check=False)
    assert bad.returncode == 2 and "does not exist" in bad.stderr


def test_stats_report_gives_offers_value_per_currency(db_path):
    for title, one_time in [("A", "12 000"), ("B", "3000"), ("C", "4 500 SEK")]:
        proposal = run(db_path, "add", "proposal", title, "--one-time", one_time)
        run(db_path, "send", proposal.stdout.strip())
    rows = json.loads(run(db_path, "report", "stats", "--format", "json").stdout)
    offers = [r for r in rows if r["section"] == "offers" and r["count"]]
    assert [(r["currency"], r["value"], r["count"]) for r in offers] == [
        ("EUR", "15000.00", 2),
        ("SEK", "4500.00", 1),
    ]
    keys = {"section", "what", "value", "currency", "count", "converted"}
    assert all(set(r) == keys for r in rows)
    table = run(db_path, "report", "stats").stdout
    assert "15 000" in table and "4 500" in table and "19 500" not in table


def _settings(text: str) -> None:
    folder = Path(os.environ["FOCUS_TUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(text, encoding="utf-8")


def _two_currency_draft(db_path) -> None:
    run(db_path, "add", "proposal", "A", "--one-time", "12 000", "--monthly", "100")
    run(db_path, "add", "proposal", "B", "--one-time", "4 500 SEK")


def test_pipeline_converts_only_with_rates_and_says_so(db_path):
    _two_currency_draft(db_path)
    report = json.loads(run(db_path, "report", "pipeline", "--format", "json").stdout)
    assert all(stage["converted"] is None for stage in report)
    assert "≈" not in run(db_path, "report", "pipeline").stdout

    _settings("[rates]\ndate = 2026-11-30\nSEK = 0.087\n")
    report = json.loads(run(db_path, "report", "pipeline", "--format", "json").stdout)
    draft = next(stage for stage in report if stage["stage"] == "draft")
    assert draft["converted"] == {
        "currency": "EUR",
        "one_time_sum": "12391.50",  # 12 000 + 4 500 × 0.087
        "monthly_sum": "100.00",
        "rates_date": "2026-11-30",
    }
    # The real sums are still there, one per currency.
    assert [s["one_time_sum"] for s in draft["sums"]] == ["12000.00", "4500.00"]
    table = run(db_path, "report", "pipeline").stdout
    converted = next(line for line in table.splitlines() if "≈ EUR" in line)
    assert converted.split()[0] == "Draft" and "12 391.50" in converted
    assert "converted at the rates of 2026-11-30" in table
    csv_rows = run(db_path, "report", "pipeline", "--format", "csv").stdout.splitlines()
    assert csv_rows[0].endswith(",converted")
    assert "draft,≈ EUR,2,12391.50,100.00,rates of 2026-11-30" in csv_rows
    assert "draft,EUR,1,12000.00,100.00," in csv_rows


def test_stats_convert_the_months_values_with_rates(db_path):
    _settings("[rates]\ndate = 2026-11-30\nSEK = 0.087\n")
    for title, one_time in [("A", "12 000"), ("C", "4 500 SEK")]:
        proposal = run(db_path, "add", "proposal", title, "--one-time", one_time)
        run(db_path, "send", proposal.stdout.strip())
    rows = json.loads(run(db_path, "report", "stats", "--format", "json").stdout)
    offers = [r for r in rows if r["section"] == "offers" and r["count"]]
    assert [(r["currency"], r["value"], r["converted"]) for r in offers] == [
        ("EUR", "12000.00", None),
        ("SEK", "4500.00", None),
        ("≈ EUR", "12391.50", "rates of 2026-11-30"),
    ]


def test_bad_rates_print_one_line_and_the_figures_still_come(db_path):
    _two_currency_draft(db_path)
    _settings("[rates]\nSEK = -1\nXYZ = 2\n")
    proc = run(db_path, "report", "pipeline", "--format", "json")
    assert json.loads(proc.stdout)[0]["converted"] is None
    assert proc.stderr.strip() == (
        "settings.toml [rates]: SEK ignored (not a positive number); "
        "XYZ ignored (not a currency we know)."
    )
    table = run(db_path, "report", "pipeline")
    assert table.returncode == 0 and "Traceback" not in table.stderr
    assert table.stdout.splitlines()[-1].startswith("settings.toml [rates]: SEK")
    assert "≈" not in table.stdout
    _settings("[rates\n")
    broken = run(db_path, "report", "stats")
    assert broken.returncode == 0 and "not valid TOML" in broken.stdout


def test_search_and_people(db_path):
    lead = run(db_path, "add", "sales_lead", "Järvenpää Oy fleet").stdout.strip()
    run(db_path, "add", "task", "Call [bold]Järvinen[/]")
    person = run(db_path, "add", "contact_person", "Kalle Järvi").stdout.strip()
    found = json.loads(run(db_path, "search", "jarv", "--format", "json").stdout)
    # People first, then the newest titles; control of the output is the caller's.
    assert [(r["id"], r["type"]) for r in found][0] == (int(person), "contact_person")
    assert {r["title"] for r in found} == {
        "Järvenpää Oy fleet",
        "Call [bold]Järvinen[/]",
        "Kalle Järvi",
    }
    only = run(db_path, "search", "JARVENPAA", "--type", "lead").stdout
    assert lead in only and "Järvenpää Oy fleet" in only and "Kalle" not in only
    none = run(db_path, "search", "zzz")
    assert none.stdout == "" and "Nothing found." in none.stderr
    bad = run(db_path, "search", "x", "--type", "bogus", check=False)
    assert bad.returncode == 2 and "Unknown record type" in bad.stderr
    people = run(db_path, "people", "--format", "csv").stdout.splitlines()
    assert people[0] == "id,name,organisation,last_contact,email,phone"
    assert people[1].startswith(f"{person},Kalle Järvi,")
    # Someone of no cloud of these finds nothing and is not created.
    assert run(db_path, "search", "jarv", user="mallory").stdout == ""


def test_demo_with_a_database_named_says_so_and_opens_nothing(tmp_path):
    named = tmp_path / "mine.db"
    proc = run(tmp_path / "other.db", "--demo", "--db", str(named), check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "focus-tui: --demo opens a throw-away database of its own: leave out "
        "--db, or fill one with: focus-tui --db PATH demo"
    ]
    assert not named.exists()


@pytest.mark.sqlite_file  # the old database is made as a SQLite file
def test_an_older_database_says_it_is_upgraded_on_a_terminal(db_path):
    import io

    from test_database import _version_1_database

    from focus_tui.cli import say_upgrading
    from focus_tui.models import open_database
    from focus_tui.models.migrations import LATEST

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    _version_1_database(db_path)
    told = []
    open_database(db_path, upgrading=lambda old, new: told.append((old, new))).close()
    assert told == [(1, LATEST)]
    # Up to date: nothing to say.
    open_database(db_path, upgrading=lambda old, new: told.append((old, new))).close()
    assert told == [(1, LATEST)]
    shown, piped = Terminal(), io.StringIO()
    say_upgrading(1, LATEST, shown)
    say_upgrading(1, LATEST, piped)
    assert shown.getvalue().startswith(
        f"focus-tui: Upgrading the database (version 1 to {LATEST})"
    )
    assert piped.getvalue() == ""  # a script's stderr gets no chatter
