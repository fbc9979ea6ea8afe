"""The command line, run as a user would run it (a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        proc = run(folder / "focus.db", "list", check=False)
    finally:
        folder.chmod(0o700)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr


def test_type_names_are_accepted_in_any_form(db_path):
    for name in ("task", "Task", "Sales Lead", "sales-lead", "Client Relationship"):
        run(db_path, "add", name, f"via {name}")
    types = [
        r["type"] for r in json.loads(run(db_path, "list", "--format", "json").stdout)
    ]
    assert types == ["task", "task", "sales_lead", "sales_lead", "client_relationship"]
