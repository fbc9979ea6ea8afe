"""Finishing a sent proposal is marking it lost; which steps a record allows.

The method: "if you are turned down, just mark the Sales Proposal as
finished". A sent proposal finished without a word left the Sent column,
never showed under Lost and dropped out of `report pipeline`; now finishing
it is refused (the app asks "lost?" instead) and the CLI points at `lost`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date

import pytest

from focus_tui import config
from focus_tui.core.dates import parse_when
from focus_tui.core.errors import UserError
from focus_tui.core.process import EventKind
from focus_tui.domain import records, sales
from focus_tui.export.xlsx import default_export_path
from focus_tui.models import Event, Record, Sale

SENT, REVISED, LOST, SOLD = (
    EventKind.SENT,
    EventKind.REVISED,
    EventKind.LOST,
    EventKind.SOLD,
)
DELIVERED, BILLED, FINISHED = EventKind.DELIVERED, EventKind.BILLED, EventKind.FINISHED


def _sent(session):
    lead = records.create_record(session, "sales_lead", "Fleet tracking")
    proposal = sales.create_proposal(session, lead.id, "Offer: 40 trackers")
    sales.send(session, proposal.id)
    return proposal


def _state(record_id: int):
    record, sale = Record.get_by_id(record_id), Sale.get_by_id(record_id)
    events = Event.select().where(Event.record == record_id).count()
    return record.finished_at, sale.stage, events


# -- the rule, in the domain ----------------------------------------------------


def test_a_sent_proposal_is_not_simply_finished(session):
    proposal = _sent(session)
    before = _state(proposal.id)
    for finish in (
        lambda: records.set_finished(session, proposal.id, True),
        lambda: records.toggle_finished(session, proposal.id),
    ):
        with pytest.raises(UserError) as refused:
            finish()
        assert f"focus-tui lost {proposal.id} --reason" in str(refused.value)
        assert "\n" not in str(refused.value)
        assert _state(proposal.id) == before  # nothing changed, nothing logged


def test_lost_is_how_a_sent_proposal_is_finished(session):
    proposal = _sent(session)
    sales.mark_lost(session, proposal.id, "price")
    finished_at, stage, _ = _state(proposal.id)
    assert finished_at is not None and stage == "lost"


def test_other_proposals_finish_as_before(session):
    lead = records.create_record(session, "sales_lead", "Lead")
    draft = sales.create_proposal(session, lead.id, "Draft, never sent")
    records.set_finished(session, draft.id, True)  # dropped before it went out
    assert Record.get_by_id(draft.id).finished_at is not None
    lost = _sent(session)
    sales.mark_lost(session, lost.id)
    records.set_finished(session, lost.id, False)  # open again, still lost
    records.set_finished(session, lost.id, True)
    assert Record.get_by_id(lost.id).finished_at is not None


# -- which steps a record allows: what the keys offer ---------------------------


def test_open_steps_follow_the_stage(session):
    lead = records.create_record(session, "sales_lead", "Lead")
    task = records.create_record(session, "task", "Call")
    person = records.create_record(session, "contact_person", "Anna")
    draft = sales.create_proposal(session, lead.id, "Draft")
    sent = _sent(session)
    lost = _sent(session)
    sales.mark_lost(session, lost.id)
    ordered = _sent(session)
    sales.mark_sold(session, ordered.id)
    delivered = _sent(session)
    sales.mark_sold(session, delivered.id)
    sales.mark_delivered(session, delivered.id)
    billed = _sent(session)
    sales.mark_sold(session, billed.id)
    sales.mark_billed(session, billed.id)
    monthly = _sent(session)
    sales.mark_sold(session, monthly.id)
    sales.mark_billed(session, monthly.id, monthly=True)

    def steps(record) -> set:
        return set(sales.open_steps(session, record.id))

    assert steps(draft) == {SENT, LOST, SOLD, FINISHED}
    assert steps(sent) == {REVISED, LOST, SOLD}  # x asks "lost?" instead
    assert steps(lost) == set()
    assert steps(ordered) == {DELIVERED, BILLED, FINISHED}
    assert steps(delivered) == {BILLED, FINISHED}
    assert steps(billed) == set()  # the finding: no d, no b
    assert steps(monthly) == {BILLED, FINISHED}  # billed again each month
    assert steps(task) == {FINISHED}
    assert steps(person) == set()


def test_a_step_the_record_does_not_allow_says_why_it_refuses(session):
    """The steps raise exactly what `step_refusal` says (one home)."""
    billed = _sent(session)
    sales.mark_sold(session, billed.id)
    sales.mark_billed(session, billed.id)
    record, sale = Record.get_by_id(billed.id), Sale.get_by_id(billed.id)
    for step, run in (
        (DELIVERED, lambda: sales.mark_delivered(session, billed.id)),
        (BILLED, lambda: sales.mark_billed(session, billed.id)),
        (SENT, lambda: sales.send(session, billed.id)),
    ):
        reason = sales.step_refusal(record, sale, step)
        assert reason is not None
        with pytest.raises(UserError, match="^" + re.escape(reason) + "$"):
            run()


def test_sold_tasks_get_their_dates(session):
    proposal = _sent(session)
    today = session.clock.today()
    sold = sales.mark_sold(
        session,
        proposal.id,
        tasks=[
            ("Pack and deliver", parse_when("+1w", today)),
            ("Activate the service", None),
            "Send the welcome letter",
        ],
    )
    dates = {t.title: Record.get_by_id(t.id).date for t in sold.tasks}
    assert dates == {
        "Pack and deliver": date(2026, 12, 4),
        "Activate the service": None,
        "Send the welcome letter": None,
    }


# -- the CLI: refused, with the way to do it ----------------------------------------


def _cli(db, *args):
    env = dict(os.environ, FOCUS_TUI_DB=str(db), FOCUS_TUI_USER="tester")
    return subprocess.run(
        [sys.executable, "-m", "focus_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_cli_finish_of_a_sent_proposal_points_at_lost(db_path):
    lead = _cli(db_path, "add", "lead", "Fleet tracking").stdout.strip()
    pid = _cli(db_path, "add", "proposal", "Offer", "--parent", lead).stdout.strip()
    assert _cli(db_path, "send", pid).returncode == 0
    refused = _cli(db_path, "finish", pid)
    assert refused.returncode == 2 and refused.stdout == ""
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in refused.stderr
    assert f"focus-tui lost {pid} --reason" in lines[0]
    rows = json.loads(_cli(db_path, "list", "--all", "--format", "json").stdout)
    offer = next(r for r in rows if r["id"] == int(pid))
    assert not offer["finished"] and offer["stage"] == "sent"  # nothing changed
    assert _cli(db_path, "lost", pid, "--reason", "price").returncode == 0
    pipeline = json.loads(
        _cli(db_path, "report", "pipeline", "--format", "json").stdout
    )
    counts = {row["stage"]: row["count"] for row in pipeline}
    assert counts["lost"] == 1 and counts["sent"] == 0  # counted, as lost


# -- where an export goes by default ---------------------------------------------


@pytest.mark.parametrize(
    "folders, expected",
    [
        (("Downloads", "Documents"), "Downloads"),
        (("Documents",), "Documents"),
        ((), ""),  # neither: home
    ],
)
def test_export_goes_to_downloads_else_documents_else_home(
    session, tmp_path, monkeypatch, folders, expected
):
    home = tmp_path / "home"
    home.mkdir()
    for name in folders:
        (home / name).mkdir()
    monkeypatch.delenv("FOCUS_TUI_EXPORT_DIR")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))  # no user-dirs
    for variable in ("XDG_DOWNLOAD_DIR", "XDG_DOCUMENTS_DIR"):
        monkeypatch.delenv(variable, raising=False)
    assert config.export_folder() == home / expected if expected else home
    path = default_export_path(session, "report")
    assert path.parent == config.export_folder() and path.parent != os.getcwd()
    assert path.name == "focus-report-2026-11-27.xlsx"


def test_export_folder_can_be_set(tmp_path, monkeypatch):
    monkeypatch.setenv("FOCUS_TUI_EXPORT_DIR", str(tmp_path / "exports"))
    assert config.export_folder() == tmp_path / "exports"
