"""`focus-tui add --quick`, `add --with` and `edit`, run as a user would."""

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


def records(db) -> list[dict]:
    return json.loads(run(db, "list", "--all", "--format", "json").stdout)


def refused(db, *args) -> str:
    """The one line a refused command prints; nothing was changed."""
    before = records(db)
    proc = run(db, *args, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == "" and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert records(db) == before
    return proc.stderr


@pytest.fixture
def team(db_path):
    run(db_path, "cloud", "create", "nordic")
    run(db_path, "list", user="bob")  # bob exists once he has used it
    run(db_path, "add", "task", "bob's", user="bob")
    run(db_path, "cloud", "add", "nordic", "bob")
    return db_path


def test_quick_add_prints_the_new_id(team):
    lead = run(team, "add", "--quick", "lead Acme Oy fri 10:00 #nordic @bob").stdout
    assert lead.strip().isdigit()
    shown = json.loads(run(team, "show", lead.strip(), "--format", "json").stdout)
    assert shown["title"] == "Acme Oy" and shown["cloud"] == "nordic"
    assert sorted(shown["actors"]) == ["bob", "tester"]
    offer = run(team, "add", "--quick", "offer 12 000 EUR", "--parent", lead.strip())
    sale = json.loads(
        run(team, "show", offer.stdout.strip(), "--format", "json").stdout
    )
    assert sale["parent"] == int(lead) and sale["title"] == "Acme Oy"
    assert (sale["sale"]["one_time"], sale["sale"]["currency"]) == ("12000.00", "EUR")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quick", "lead Acme #nowhere"], "not a member of a cloud called 'nowhere'"),
        (["--quick", "lead Acme #nordic @zed"], "Nobody called 'zed'"),
        (["--quick", "acme"], "Start with the type"),
        (["task", "x", "--quick", "task y"], "leave out TYPE"),
        ([], "Give a TYPE and a TITLE"),
    ],
)
def test_quick_add_refuses_with_one_line(team, args, message):
    assert message in refused(team, "add", *args)


def test_with_tags_people_by_id_or_name(team):
    run(team, "add", "person", "Anna Virtanen")
    run(team, "add", "person", "Anna Berg")
    matti = run(team, "add", "person", "Matti").stdout.strip()
    note = run(
        team, "add", "note", "Lunch", "--with", "anna virtanen", f"#{matti}"
    ).stdout.strip()
    shown = json.loads(run(team, "show", note, "--format", "json").stdout)
    assert sorted(shown["participants"]) == ["Anna Virtanen", "Matti"]
    assert "could be several people" in refused(
        team, "add", "note", "x", "--with", "Anna"
    )
    assert "No Contact Person called 'Zed'" in refused(
        team, "add", "note", "x", "--with", "Zed"
    )
    task = run(team, "add", "task", "Solo").stdout.strip()
    assert "is a Task, not a person" in refused(
        team, "add", "note", "x", "--with", task
    )


def test_edit_changes_text_sums_and_people(team):
    lead = run(team, "add", "lead", "Acme").stdout.strip()
    offer = run(team, "add", "proposal", "Site", "--parent", lead).stdout.strip()
    anna = run(team, "add", "person", "Anna").stdout.strip()
    run(team, "edit", offer, "--title", "Website", "--notes", "two pages")
    run(
        team,
        "edit",
        offer,
        "--one-time",
        "13 000",
        "--monthly",
        "450",
        "--currency",
        "SEK",
    )
    run(team, "edit", lead, "--with", "Anna")
    shown = json.loads(run(team, "show", offer, "--format", "json").stdout)
    assert (shown["title"], shown["body"]) == ("Website", "two pages")
    sale = shown["sale"]
    assert (sale["one_time"], sale["monthly"], sale["currency"]) == (
        "13000.00",
        "450.00",
        "SEK",
    )
    shown = json.loads(run(team, "show", lead, "--format", "json").stdout)
    assert shown["participants"] == ["Anna"] and anna.isdigit()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Nothing to change"),
        (["--title", "New", "--one-time", "5"], "not a sale"),  # the title stays too
        (["--one-time", "lots"], "Could not read 'lots'"),
        (["--title", " "], "A title is needed"),
        (["--with", "Nobody"], "No Contact Person called 'Nobody'"),
    ],
)
def test_edit_refuses_with_one_line_and_changes_nothing(team, args, message):
    lead = run(team, "add", "lead", "Acme").stdout.strip()
    assert message in refused(team, "edit", lead, *args)


def test_edit_of_a_record_out_of_sight(team):
    theirs = run(team, "add", "task", "Mine", user="carol").stdout.strip()
    assert "no record" in refused(team, "edit", theirs, "--title", "x")
