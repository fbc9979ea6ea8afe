"""The same step by two processes at the same moment succeeds once (DESIGN §6, §8).

Two worker processes (`python -c`, each with its own database connection,
like two people in two terminals) run real `focus-tui` commands —
`focus_tui.cli.main`, the function behind the `focus-tui` script — on the
same record. A worker is started once and then takes one command per line,
so the rounds do not pay for starting Python; both commands of a round
carry the same start time and each worker waits for it before it starts,
so the two commands really run at the same moment (`test_the_rounds_overlap`
checks that, and `test_without_the_write_lock_the_race_shows` that these
rounds would find a missing lock).

Every step runs 20 rounds on fresh records; each round checks what both
processes were told (exit 0, or exit 2 with one plain line; never
"database is locked") and what the database holds afterwards. More rounds:
RACE_ROUNDS=400 (with the machine kept busy, that found the answers read
after the commit in `sales.revise` and `tracker.focus`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest
from dateutil import tz

from focus_tui.core.clock import Clock
from focus_tui.core.dates import parse_when
from focus_tui.domain import records, sales, tracker, undo
from focus_tui.domain.session import Session, ensure_user, open_session
from focus_tui.models import Cloud, CloudMember, Event, Record, Sale, TimeEntry
from focus_tui.models import database as database_proxy

ROUNDS = int(os.environ.get("RACE_ROUNDS", 20))
ZONE = "Europe/Helsinki"

WORKER = textwrap.dedent(
    """
    import contextlib, io, json, os, sys, time, traceback
    if os.environ.get("RACE_LOCK") == "deferred":
        # Only for the test that shows these rounds would catch a missing
        # write lock: every transaction starts as a plain (deferred) BEGIN.
        import peewee
        begin = peewee.SqliteDatabase.begin
        peewee.SqliteDatabase.begin = lambda db, lock_type=None: begin(db, "DEFERRED")
    from focus_tui import cli
    from focus_tui.models import database
    print("ready", flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        pause = job["at"] - time.time() - 0.002
        if pause > 0:
            time.sleep(pause)
        while time.time() < job["at"]:
            pass
        out, err = io.StringIO(), io.StringIO()
        started = time.time()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = cli.main(job["argv"])
                except SystemExit as exc:
                    code = exc.code
        except BaseException:
            code, err = "crash", io.StringIO(traceback.format_exc())
        ended = time.time()
        if database.obj is not None:
            database.obj.close()  # as the end of a process would
        print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(),
                          "started": started, "ended": ended}), flush=True)
    """
)


@dataclass
class Result:
    code: int | str
    out: str
    err: str
    started: float
    ended: float

    @property
    def message(self) -> str:
        return (self.out + self.err).strip()


class Worker:
    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    def wait_ready(self) -> None:
        line = self.proc.stdout.readline()
        assert line.strip() == "ready", self.proc.stderr.read()

    def send(self, argv: list[str], at: float) -> None:
        self.proc.stdin.write(json.dumps({"argv": argv, "at": at}) + "\n")
        self.proc.stdin.flush()

    def result(self) -> Result:
        line = self.proc.stdout.readline()
        assert line, self.proc.stderr.read()
        return Result(**json.loads(line))

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _start_workers(db_path, home, count: int = 2, **extra_env) -> list[Worker]:
    env = dict(
        os.environ,
        FOCUS_TUI_DB=str(db_path),
        FOCUS_TUI_TZ=ZONE,
        FOCUS_TUI_DATA_DIR=str(home / "data"),
        FOCUS_TUI_CONFIG_DIR=str(home / "config"),
        **extra_env,
    )
    env.pop("FOCUS_TUI_CURRENCY", None)
    workers = [Worker(env) for _ in range(count)]
    for worker in workers:
        worker.wait_ready()
    return workers


class Race:
    """Two workers and the database they share; records are set up here."""

    def __init__(self, db_path, workers: list[Worker], session: Session) -> None:
        self.db_path = db_path
        self.workers = workers
        self.session = session  # anna's, with the real clock
        self.rounds: list[tuple[Result, Result]] = []

    def run(self, first: list[str], second: list[str]) -> tuple[Result, Result]:
        """Both commands at the same moment; what each process was told."""
        at = time.time() + 0.03
        for worker, argv in zip(self.workers, (first, second), strict=True):
            worker.send(argv, at)
        pair = tuple(worker.result() for worker in self.workers)
        for result in pair:
            assert result.code != "crash", result.err
            assert result.code in (0, 2), result.message
            assert "locked" not in result.message.lower(), result.message
            assert "Traceback" not in result.message
            if result.code == 2:
                assert len(result.err.strip().splitlines()) == 1, result.err
                assert result.err.startswith("focus-tui: "), result.err
        self.rounds.append(pair)
        return pair

    # -- records to race on (made by anna, in the team cloud) --------------

    def deal(self, title: str = "Deal") -> tuple[Record, Record]:
        lead = records.create_record(
            self.session, "sales_lead", f"{title} lead", cloud="Team"
        )
        proposal = sales.create_proposal(
            self.session,
            lead.id,
            f"{title} offer",
            terms=sales.Terms(Decimal("1000"), None, "EUR"),
        )
        return lead, proposal

    def sent(self) -> tuple[Record, Record]:
        lead, proposal = self.deal()
        sales.send(self.session, proposal.id, follow_up=self.when("+1w"))
        return lead, proposal

    def order(self) -> tuple[Record, Record]:
        lead, proposal = self.sent()
        sales.mark_sold(self.session, proposal.id)
        return lead, proposal

    def task(self, title: str = "Task") -> Record:
        return records.create_record(
            self.session, "task", title, cloud="Team", when=self.when("today")
        )

    def when(self, text: str):
        return parse_when(text, self.session.clock.today())


def events(record_id: int, kind: str) -> list[dict]:
    return [
        {"id": e.id, **json.loads(e.data)}
        for e in Event.select()
        .where((Event.record == record_id) & (Event.kind == kind))
        .order_by(Event.id)
    ]


def one_winner(pair: tuple[Result, Result]) -> tuple[Result, Result]:
    """(the process whose step happened, the one told it already had)."""
    codes = sorted(r.code for r in pair)
    assert codes == [0, 2], [r.message for r in pair]
    return (pair[0], pair[1]) if pair[0].code == 0 else (pair[1], pair[0])


@pytest.fixture(scope="module")
def _shared(tmp_path_factory) -> Iterator[tuple]:
    home = tmp_path_factory.mktemp("races")
    db_path = home / "races.db"
    os.environ.setdefault("FOCUS_TUI_TZ", ZONE)
    session = open_session(db_path, "anna", Clock(zone=tz.gettz(ZONE)))
    bob = ensure_user("bob", session.clock)
    # A team cloud both are members of (the domain has no command for it yet).
    team = Cloud.create(
        name="Team", kind="team", owner=session.user, created_at=datetime(2026, 1, 1)
    )
    CloudMember.create(cloud=team, user=session.user, role="owner")
    CloudMember.create(cloud=team, user=bob, role="member")
    workers = _start_workers(db_path, home)
    yield db_path, workers, session
    for worker in workers:
        worker.stop()
    session.db.close()


@pytest.fixture
def race(_shared) -> Race:
    db_path, workers, session = _shared
    database_proxy.initialize(session.db)  # other tests bind their own
    return Race(db_path, workers, session)


def anna(*argv: str) -> list[str]:
    return ["--user", "anna", *argv]


def bob(*argv: str) -> list[str]:
    return ["--user", "bob", *argv]


# -- the sales steps ----------------------------------------------------------


def test_send(race):
    for _ in range(ROUNDS):
        lead, proposal = race.deal()
        won, lost = one_winner(
            race.run(anna("send", str(proposal.id)), bob("send", str(proposal.id)))
        )
        assert f"#{proposal.id} sent" in won.out
        assert f"#{proposal.id} was already sent on " in lost.err
        assert len(events(proposal.id, "sent")) == 1
        assert len(events(lead.id, "finished")) == 1  # the lead, handled once
        assert Sale.get_by_id(proposal.id).stage == "sent"


def test_revise_gives_revisions_2_and_3_and_loses_nothing(race):
    for _ in range(ROUNDS):
        _lead, proposal = race.sent()
        pid = str(proposal.id)
        first, second = race.run(
            anna("revise", pid, "--one-time", "2000"),
            bob("revise", pid, "--one-time", "3000"),
        )
        assert first.code == second.code == 0, (first.message, second.message)
        told = {}
        for result, cents in ((first, 200_000), (second, 300_000)):
            match = re.search(r"revision (\d+):", result.out)
            assert match, result.out
            told[int(match.group(1))] = cents
        assert sorted(told) == [2, 3]
        revised = events(proposal.id, "revised")
        assert [(e["old"]["revision"], e["new"]["revision"]) for e in revised] == [
            (1, 2),
            (2, 3),
        ]
        # Each process was told about its own revision, and the second
        # revision started from the first one's sums: nothing was lost.
        for event in revised:
            cents = told[event["new"]["revision"]]
            assert sales.to_cents(Decimal(event["new"]["one_time"])) == cents
        assert revised[1]["old"]["one_time"] == revised[0]["new"]["one_time"]
        sale = Sale.get_by_id(proposal.id)
        assert sale.revision == 3 and sale.one_time_cents == told[3]


def test_lost(race):
    for _ in range(ROUNDS):
        _lead, proposal = race.sent()
        pid = str(proposal.id)
        won, lost = one_winner(
            race.run(anna("lost", pid, "--reason", "price"), bob("lost", pid))
        )
        assert won.out.strip() == f"#{pid} lost."
        assert lost.err.strip() == f"focus-tui: #{pid} is already lost."
        assert len(events(proposal.id, "lost")) == 1


def test_sold_once_and_one_undo_leaves_a_proposal(race):
    for _ in range(ROUNDS):
        lead, proposal = race.sent()
        pid = str(proposal.id)
        won, lost = one_winner(race.run(anna("sold", pid), bob("sold", pid)))
        today = race.session.clock.today().isoformat()
        assert won.out.startswith(f"#{pid} is an Order; #{lead.id} is now a Client")
        assert lost.err.strip() == (
            f"focus-tui: #{pid} is already an Order (sold on {today})."
        )
        assert len(events(proposal.id, "sold")) == 1
        assert len(events(lead.id, "became_client")) == 1
        assert undo.undo(race.session, proposal.id) == "sold"
        assert Record.get_by_id(proposal.id).type == "sales_proposal"
        assert Record.get_by_id(lead.id).type == "sales_lead"
        assert Sale.get_by_id(proposal.id).stage == "sent"


def test_delivered(race):
    for _ in range(ROUNDS):
        _lead, order = race.order()
        oid = str(order.id)
        won, lost = one_winner(race.run(anna("delivered", oid), bob("delivered", oid)))
        assert won.out.strip() == f"#{oid} delivered."
        assert lost.err.strip() == f"focus-tui: #{oid} is already delivered."
        assert len(events(order.id, "delivered")) == 1


def test_billed(race):
    for _ in range(ROUNDS):
        _lead, order = race.order()
        sales.mark_delivered(race.session, order.id)
        oid = str(order.id)
        won, lost = one_winner(race.run(anna("billed", oid), bob("billed", oid)))
        assert won.out.strip() == f"#{oid} billed and finished."
        assert lost.err.startswith(f"focus-tui: #{oid} is already billed (")
        assert len(events(order.id, "billed")) == 1
        assert Record.get_by_id(order.id).finished_at is not None


def test_undo_never_undoes_a_step_twice(race):
    """Even rounds: one step to undo (one process undoes it, the other is
    told there is nothing left). Odd rounds: two steps (sent, then sold):
    each process undoes one of them, the newest first."""
    for number in range(ROUNDS):
        two_steps = number % 2 == 1
        lead, proposal = race.order() if two_steps else race.sent()
        pid = str(proposal.id)
        pair = race.run(anna("undo", pid), bob("undo", pid))
        undone = events(proposal.id, "undone")
        assert len({e["event"] for e in undone}) == len(undone)  # never twice
        steps = [e["step"] for e in undone]
        if two_steps:
            assert [r.code for r in pair] == [0, 0], [r.message for r in pair]
            assert steps == ["sold", "sent"]
            told = sorted(r.out.strip() for r in pair)
            assert told == [f"#{pid}: undid sent.", f"#{pid}: undid sold."]
        else:
            won, lost = one_winner(pair)
            assert steps == ["sent"]
            assert won.out.strip() == f"#{pid}: undid sent."
            assert lost.err.strip() == f"focus-tui: Nothing to undo on #{pid}."
        # History and state agree: back to a draft proposal under a lead.
        assert Sale.get_by_id(proposal.id).stage == "draft"
        assert Record.get_by_id(proposal.id).type == "sales_proposal"
        assert Record.get_by_id(lead.id).type == "sales_lead"


# -- the everyday verbs -------------------------------------------------------


def test_finish(race):
    for _ in range(ROUNDS):
        task = race.task()
        tid = str(task.id)
        pair = race.run(anna("finish", tid), bob("finish", tid))
        assert [r.code for r in pair] == [0, 0]  # finished either way
        assert len(events(task.id, "finished")) == 1
        assert Record.get_by_id(task.id).finished_at is not None


def test_move(race):
    """Two moves at once both happen, one after the other: the second one's
    history says where the first one had put it."""
    for _ in range(ROUNDS):
        task = race.task()
        tid = str(task.id)
        pair = race.run(anna("move", tid, "+2d"), bob("move", tid, "+5d"))
        assert [r.code for r in pair] == [0, 0]
        moved = events(task.id, "moved")
        assert len(moved) == 2
        assert moved[0]["from"] == race.session.clock.today().isoformat()
        assert moved[1]["from"] == moved[0]["to"]
        assert Record.get_by_id(task.id).date.isoformat() == moved[1]["to"]


def test_focus_one_running_entry(race):
    """One user in two terminals. Even rounds: both focus the same task;
    odd rounds: two different tasks. One focus runs afterwards, and each
    process was told about the record it focused."""
    for number in range(ROUNDS):
        tracker.unfocus(race.session)
        first = race.task("First")
        second = first if number % 2 == 0 else race.task("Second")
        pair = race.run(anna("focus", str(first.id)), anna("focus", str(second.id)))
        assert [r.code for r in pair] == [0, 0], [r.message for r in pair]
        for result, task in zip(pair, (first, second), strict=True):
            assert result.out.startswith(f"Focusing on #{task.id} "), result.out
        running = list(
            TimeEntry.select().where(
                (TimeEntry.user == race.session.user_id) & TimeEntry.ended_at.is_null()
            )
        )
        assert len(running) == 1
        assert running[0].record_id in (first.id, second.id)
        entries = TimeEntry.select().where(TimeEntry.record.in_([first.id, second.id]))
        if first.id == second.id:
            assert entries.count() == 1  # the second found it running
        else:
            ended = [e for e in entries if e.ended_at is not None]
            assert entries.count() == 2 and len(ended) == 1
            assert len(events(ended[0].record_id, "focused")) == 1


# -- the rounds are real races -------------------------------------------------


def test_the_rounds_overlap(race):
    """The two commands of a round run at the same time (their runs overlap)
    in nearly every round; else the tests above would prove little."""
    for _ in range(ROUNDS):
        task = race.task()
        race.run(anna("move", str(task.id), "+1d"), bob("move", str(task.id), "+2d"))
    overlapping = sum(
        1 for a, b in race.rounds if a.started < b.ended and b.started < a.ended
    )
    assert overlapping >= ROUNDS * 3 // 4, overlapping


def test_without_the_write_lock_the_race_shows(_shared, tmp_path):
    """The same `sold` rounds with plain (deferred) transactions: the loser
    read the proposal before the winner wrote it, and SQLite refuses its
    write ("database is locked") — the lost update IMMEDIATE prevents. So
    the rounds above do race; with the lock, none of this happens."""
    db_path, _workers, session = _shared
    database_proxy.initialize(session.db)
    workers = _start_workers(db_path, tmp_path, RACE_LOCK="deferred")
    race = Race(db_path, workers, session)
    broken = 0
    try:
        for _ in range(ROUNDS):
            _lead, proposal = race.sent()
            pid = str(proposal.id)
            at = time.time() + 0.03
            workers[0].send(anna("sold", pid), at)
            workers[1].send(bob("sold", pid), at)
            pair = [w.result() for w in workers]
            codes = sorted(str(r.code) for r in pair)
            if codes != ["0", "2"] or any("locked" in r.message for r in pair):
                broken += 1
    finally:
        for worker in workers:
            worker.stop()
    assert broken >= ROUNDS // 4, broken
