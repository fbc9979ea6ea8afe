"""Measure the Sales Process board with 20,000 proposals and orders.

    python benchmarks/bench_board.py                       # builds its own database
    python benchmarks/bench_board.py --db benchmarks/data/demo-100000.db

The database is `focus-tui demo --records N` (default 100,000; or a copy of
`--db`, made by benchmarks/build.py with this version so that its proposals
have their sale rows), topped up with bulk-inserted proposals and orders under
the demo user's ("bench") deals until the user sees `--proposals` of them
(default 20,000), spread over the stages with most in the open ones, so the
columns are long.

Measured inside one process, PaintClock-style like bench_tui.py (Pilot's
own waits would swamp what we measure):

- **open**: push the board until every column has drawn its lines,
  median of `--runs`;
- **key press**: a key event sent the way the terminal driver sends it, until
  a column has redrawn: `down` × presses in the longest column, `pagedown` ×
  20, `end`, `home`, and `right`/`left` across the columns; median and p95.
  The keys start 0.3 s after the last opening, as a person's would: the
  work an opening leaves for later (footer, timers) belongs to the opening.

The machine's load average is printed too: on a shared 2-core machine the
figures move by a third with it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from common import Repaints, press

STAGE_MIX = (
    ("draft", 15),
    ("sent", 35),
    ("ordered", 15),
    ("delivered", 10),
    ("billed", 15),
    ("lost", 10),
)
CURRENCIES = ("EUR",) * 8 + ("SEK", "CZK")


def build_demo(path: Path, records: int, user: str) -> float:
    env = dict(os.environ, FOCUS_TUI_USER=user, FOCUS_TUI_DB=str(path))
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "focus_tui", "demo", "--records", str(records)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def top_up(db: str, user: str, wanted: int, seed: int = 11) -> int:
    """Add proposals/orders (with sale rows) the user sees, up to `wanted`;
    return how many were added. `db`: a SQLite file or a PostgreSQL URL."""
    from focus_tui.domain.session import open_session
    from focus_tui.models import CloudMember, Record, Sale, is_sqlite

    session = open_session(db, user)
    mine = CloudMember.select(CloudMember.cloud).where(
        CloudMember.user == session.user_id
    )
    visible = Sale.select().where(Sale.cloud_id.in_(mine)).count()
    missing = max(0, wanted - visible)
    if not missing:
        session.db.close()
        return 0
    rng = random.Random(seed)
    deals = list(
        Record.select(Record.id, Record.cloud, Record.title)
        .where(
            Record.type.in_(["sales_lead", "client_relationship"])
            & Record.cloud.in_(session.cloud_ids())
        )
        .tuples()
    )
    members = {}
    for cloud_id, user_id in CloudMember.select(
        CloudMember.cloud, CloudMember.user
    ).tuples():
        members.setdefault(cloud_id, []).append(user_id)
    today = session.clock.today()
    now = session.clock.now_utc_naive().replace(microsecond=0)
    next_id = Record.select(Record.id).order_by(Record.id.desc()).first().id + 1
    stages = [s for s, weight in STAGE_MIX for _ in range(weight)]
    records, sales_rows, actors, events = [], [], [], []
    for n in range(missing):
        rid = next_id + n
        deal_id, cloud_id, deal_title = rng.choice(deals)
        creator = (
            session.user_id if rng.random() < 0.4 else rng.choice(members[cloud_id])
        )
        stage = rng.choice(stages)
        monthly_billing = stage == "billed" and rng.random() < 0.2
        finished = stage == "lost" or (stage == "billed" and not monthly_billing)
        if finished:
            day = today - timedelta(days=rng.randint(1, 700))
        elif rng.random() < 0.15:
            day = None
        else:
            day = today + timedelta(days=rng.randint(-20, 60))
        created = now - timedelta(days=rng.randint(30, 800))
        finished_at = now - timedelta(days=rng.randint(0, 29)) if finished else None
        is_order = stage in ("ordered", "delivered", "billed")
        kind = "Order" if is_order else "Proposal"
        records.append(
            (
                rid,
                "order" if is_order else "sales_proposal",
                f"{kind} {n}: {deal_title}",
                "",
                cloud_id,
                creator,
                deal_id,
                day,
                None,
                finished_at,
                created,
                finished_at or created,
            )
        )
        actors.append((rid, creator, not finished, day, None, cloud_id))
        events.append((rid, creator, "created", created, "{}"))
        sent = sold = delivered = billed = None
        if stage != "draft":
            sent = created.date() + timedelta(days=rng.randint(0, 10))
        if is_order:
            sold = sent + timedelta(days=rng.randint(0, 20))
        if stage in ("delivered", "billed"):
            delivered = sold + timedelta(days=rng.randint(0, 10))
        if stage == "billed":
            billed = delivered + timedelta(days=rng.randint(0, 10))
        sales_rows.append(
            (
                rid,
                stage,
                cloud_id,
                1 if stage == "draft" else rng.randint(1, 4),
                rng.choice(CURRENCIES),
                rng.randint(4, 500) * 50_000,
                rng.randint(0, 100) * 5_000 or None,
                sent,
                sold,
                delivered,
                billed,
                monthly_billing,
                "Price too high" if stage == "lost" else "",
            )
        )
    # Prepared statements run for every row (Peewee building each row's
    # query would take longer than the benchmark); the placeholder is the
    # backend's own (? on SQLite, %s on PostgreSQL).
    p = session.db.param
    cursor = session.db.cursor()

    def marks(n: int) -> str:
        return ", ".join([p] * n)

    with session.db.atomic():
        cursor.executemany(
            "INSERT INTO record (id, type, title, body, cloud_id, creator_id, "
            "parent_id, date, due_at, finished_at, created_at, updated_at) "
            f"VALUES ({marks(12)})",
            records,
        )
        cursor.executemany(
            "INSERT INTO record_actor (record_id, user_id, is_open, date, due_at, "
            f"cloud_id) VALUES ({marks(6)})",
            actors,
        )
        cursor.executemany(
            f"INSERT INTO event (record_id, user_id, kind, at, data) VALUES ({marks(5)})",
            events,
        )
        cursor.executemany(
            "INSERT INTO sale (record_id, stage, cloud_id, revision, currency, "
            "one_time_cents, monthly_cents, sent_date, sold_date, delivered_date, "
            f"billed_date, monthly_billing, lost_reason) VALUES ({marks(13)})",
            sales_rows,
        )
        if not is_sqlite(session.db):
            # The ids were given: move the sequence past them, or the app's
            # next record would be given one of them.
            session.db.execute_sql(
                "SELECT setval(pg_get_serial_sequence('record', 'id'), "
                "(SELECT MAX(id) FROM record))"
            )
    session.db.execute_sql("ANALYZE")
    session.db.close()
    return missing


class PaintClock(Repaints):
    """When each board column last drew a line: 'the screen was updated'."""

    def __init__(self) -> None:
        from focus_tui.widgets.board_column import BoardColumn

        self.painted = 0.0
        self.first_since: dict[int, float] = {}
        self.mark = 0.0
        original = BoardColumn.render_line
        clock = self

        def render_line(widget, y):
            strip = original(widget, y)
            now = time.perf_counter()
            clock.painted = now
            if now > clock.mark:
                clock.first_since.setdefault(id(widget), now)
            return strip

        BoardColumn.render_line = render_line

    def start(self) -> float:
        self.first_since.clear()
        self.mark = time.perf_counter()
        return self.mark


async def measure(
    db: str, user: str, runs: int, presses: int, verbose: bool, keys: bool = True
):
    from focus_tui.app import FocusApp
    from focus_tui.domain.session import open_session
    from focus_tui.screens.board import BoardScreen
    from focus_tui.views import board

    paint = PaintClock()
    app = FocusApp(open_session(db, user))
    opens: list[float] = []
    keys: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for run in range(runs):
            await asyncio.sleep(0.05)
            start = paint.start()
            screen = BoardScreen()
            app.push_screen(screen)
            while True:
                if app.screen is screen:
                    shown = screen.columns()
                    if shown and all(c.loaded for c in shown):
                        done = [paint.first_since.get(id(c)) for c in shown]
                        if all(done):
                            opens.append(max(done) - start)
                            break
                await asyncio.sleep(0.0002)
            if verbose:
                print(f"open {opens[-1] * 1000:.1f} ms")
            if keys and run == runs - 1:
                # A person reads the board before pressing keys: let the work
                # the opening leaves for later (the footer, timers) finish.
                await asyncio.sleep(0.3)
                totals = {c.stage: len(c.cards) for c in shown}
                longest = max(totals, key=totals.get)
                # To the longest column, then scroll it; then across columns.
                at = [c.stage for c in shown].index(longest)
                sequence = ["right"] * at + ["down"] * presses + ["pagedown"] * 20
                sequence += ["end", "home"] + ["left"] * at
                sequence += (
                    ["right"] * (len(shown) - 1) + ["left"] * (len(shown) - 1)
                ) * 3
                for key in sequence:
                    keys.append(await press(app, paint, key))
                    if verbose:
                        print(key, f"{keys[-1] * 1000:.1f}")
            app.pop_screen()
            await pilot.pause()
        counts = {s: t.count for s, t in board.column_totals(app.session).items()}
    return opens, keys, counts


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    from common import compile_package

    compile_package()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a demo database to copy (default: build one)")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--proposals", type=int, default=20_000)
    parser.add_argument("--user", default="bench")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--presses", type=int, default=100)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "board.db"
        if args.db:
            shutil.copy(args.db, path)
            source = args.db
        else:
            seconds = build_demo(path, args.records, args.user)
            source = f"focus-tui demo --records {args.records} ({seconds:.1f} s)"
        added = top_up(str(path), args.user, args.proposals)
        opens, keys, columns = asyncio.run(
            measure(str(path), args.user, args.runs, args.presses, args.verbose)
        )
    print(
        f"database: {source}, + {added} proposals/orders; the user's board: "
        f"{sum(columns.values())} cards "
        f"({', '.join(f'{s} {n}' for s, n in columns.items())}; lost is hidden)"
    )
    print(
        f"open the board: median {statistics.median(opens) * 1000:.0f} ms "
        f"(min {min(opens) * 1000:.0f}, max {max(opens) * 1000:.0f}, n={len(opens)})"
        f" | key press median {statistics.median(keys) * 1000:.1f} ms, "
        f"p95 {p95(keys) * 1000:.1f} ms (n={len(keys)})"
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine load average (1, 5, 15 min): {load}")
    print("command: " + " ".join([Path(sys.executable).name, *sys.argv]))


if __name__ == "__main__":
    main()
