"""Several people, one database: 4 processes as 4 users, 500 mixed writes
each on shared clouds, at once. Every write lands, none is lost, nobody
ever sees "database is locked" (SQLite: WAL, the busy timeout, IMMEDIATE
transactions; PostgreSQL: row locks), and every write is in the history.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from conftest import count_rows

from focus_tui.domain import clouds, records
from focus_tui.domain.access import records as visible_records
from focus_tui.domain.session import open_session

USERS = ("anna", "bob", "carol", "dave")
WRITES = 500

WORKER = textwrap.dedent(
    """
    import json, random, sys
    from focus_tui.core.dates import When
    from datetime import date, timedelta
    from focus_tui.domain import records, tracker
    from focus_tui.domain.session import open_session

    target, user, shared, writes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    shared = [int(i) for i in shared.split(",")]
    session = open_session(target, user)
    rng = random.Random(user)
    mine, done = [], {"create": 0, "move": 0, "finish": 0, "focus": 0, "edit": 0}
    print("ready", flush=True)
    sys.stdin.readline()  # all start together
    for i in range(writes):
        kind = rng.choice(["create", "create", "move", "finish", "focus", "edit"])
        if kind == "create" or not mine:
            task = records.create_record(
                session, "task", f"{user} {i}", cloud="Team"
            )
            mine.append(task.id)
            kind = "create"
        elif kind == "move":  # shared records: everybody moves them
            day = date(2026, 12, 1) + timedelta(days=rng.randrange(60))
            records.move_record(session, rng.choice(shared), When(day))
        elif kind == "finish":
            records.toggle_finished(session, rng.choice(mine))
        elif kind == "focus":
            tracker.focus(session, rng.choice(shared + mine))
        else:
            records.edit_record(session, rng.choice(shared), body=f"{user} was here {i}")
        done[kind] += 1
    tracker.unfocus(session)
    print(json.dumps({"mine": mine, "done": done}), flush=True)
    """
)


def test_four_users_writing_at_once_lose_nothing(db_path):
    first = open_session(db_path, USERS[0])
    clouds.create_cloud(first, "Team")
    for name in USERS[1:]:
        clouds.add_member(first, "Team", name)
    shared = [
        records.create_record(first, "task", f"Shared {i}", cloud="Team").id
        for i in range(5)
    ]
    first.db.close()
    events_before = count_rows(db_path, "event")
    env = dict(os.environ, FOCUS_TUI_TZ="UTC")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db_path), name]
            + [",".join(map(str, shared)), str(WRITES)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name in USERS
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    for proc in procs:  # go
        proc.stdin.write("\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        assert "locked" not in err.lower(), err
        results.append(json.loads(out.strip().splitlines()[-1]))

    created = [rid for r in results for rid in r["mine"]]
    assert (
        len(set(created)) == len(created) == sum(r["done"]["create"] for r in results)
    )
    assert sum(sum(r["done"].values()) for r in results) == WRITES * len(USERS)
    assert count_rows(db_path, "record") == len(shared) + len(created)
    # Each write logged its line (a focus logs when it ends: at the next
    # focus on another record, or the last unfocus).
    logged = count_rows(db_path, "event") - events_before
    assert logged >= sum(
        r["done"]["create"] + r["done"]["move"] + r["done"]["finish"] for r in results
    )
    # Nobody's focus is left running, and the database allows one each.
    check = open_session(db_path, USERS[0])
    from focus_tui.models import TimeEntry

    assert TimeEntry.select().where(TimeEntry.ended_at.is_null()).count() == 0
    titles = {r.title for r in visible_records(check)}
    assert {f"{u} 0" for u in USERS} <= titles
