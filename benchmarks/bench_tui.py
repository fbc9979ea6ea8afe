"""Measure the TUI on demo databases: start-up, feed opening, cursor moves.

    python benchmarks/build.py                 # builds benchmarks/data/demo-*.db
    python benchmarks/bench_tui.py benchmarks/data/demo-10000.db ...

Start-up is measured from outside: the time from launching a fresh Python
process until the main view has drawn its rows (headless, 80x24). The same
run measures bare `import textual.app` as the floor any Textual app pays.
Feed and cursor figures are measured inside one process. All figures are
medians (and p95 for key presses) over several runs.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import Repaints, press

PROBE = r"""
import asyncio, sys, time
from focus_tui.app import FocusApp
from focus_tui.domain.session import open_session
from focus_tui.widgets.record_list import RecordList

async def main():
    app = FocusApp(open_session(sys.argv[1], sys.argv[2]))
    async with app.run_test(size=(80, 24)) as pilot:
        while True:
            lists = app.screen.query(RecordList)
            if lists and len(lists.first().lines) > 0:
                break
            await pilot.pause(0.002)
        await pilot.pause()
        print("ready", flush=True)

asyncio.run(main())
"""


def measure_startup(db: str, user: str, runs: int) -> list[float]:
    """Launch to 'main view drawn' (the probe's line), not to process exit."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", PROBE, db, user],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - start
        _, err = proc.communicate()
        if "ready" not in line:
            raise SystemExit(f"probe failed: {err[-2000:]}")
        times.append(elapsed)
    return times


def measure_import_floor(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import textual.app"], check=True)
        times.append(time.perf_counter() - start)
    return times


def add_big_feed(db: str, user: str, children: int) -> int:
    """Give one Sales Lead `children` contact notes (bulk insert); return its id."""
    from focus_tui.domain.session import open_session
    from focus_tui.models import Record

    session = open_session(db, user)
    lead = (
        Record.select()
        .where((Record.type == "sales_lead") & (Record.creator == session.user_id))
        .order_by(Record.id.desc())
        .first()
    )
    now = session.clock.now_utc_naive()
    next_id = Record.select(Record.id).order_by(Record.id.desc()).first().id + 1
    rows = [
        (
            next_id + i,
            "contact_note",
            f"Bench note {i}",
            "",
            lead.cloud_id,
            session.user_id,
            lead.id,
            None,
            None,
            now,
            now,
            now,
        )
        for i in range(children)
    ]
    p = session.db.param
    with session.db.atomic():
        session.db.cursor().executemany(
            "INSERT INTO record (id, type, title, body, cloud_id, creator_id, parent_id,"
            " date, due_at, finished_at, created_at, updated_at) VALUES "
            f"({', '.join([p] * 12)})",
            rows,
        )
    session.db.close()
    return lead.id


class PaintClock(Repaints):
    """Notes when a RecordList last drew a line: 'the screen was updated'.

    Pilot's own waits (tens of ms of idle polling) would swamp what we
    measure, so the harness sends keys like the terminal driver does and
    watches the list's render_line instead.
    """

    def __init__(self) -> None:
        from focus_tui.widgets.record_list import RecordList

        self.painted = 0.0
        original = RecordList.render_line
        clock = self

        def render_line(widget, y):
            strip = original(widget, y)
            clock.painted = time.perf_counter()
            return strip

        RecordList.render_line = render_line


async def measure_in_app(db: str, user: str, feed_id: int, runs: int, presses: int):
    from focus_tui.app import FocusApp
    from focus_tui.domain.session import open_session
    from focus_tui.screens.feed import FeedScreen
    from focus_tui.widgets.record_list import RecordList

    paint = PaintClock()
    app = FocusApp(open_session(db, user))
    feed_times: list[float] = []
    key_times: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(runs):
            await asyncio.sleep(0.05)
            start = time.perf_counter()
            screen = FeedScreen(feed_id)
            app.push_screen(screen)
            while not (
                app.screen is screen
                and screen.header is not None
                and len(screen.query_one(RecordList).lines) > 2
                and paint.painted > start
            ):
                await asyncio.sleep(0.0002)
            feed_times.append(paint.painted - start)
            # Scroll the big feed: every press is keypress -> list redrawn.
            for key in ["down"] * presses + ["pagedown"] * 20 + ["end", "home"]:
                key_times.append(await press(app, paint, key))
                if VERBOSE:
                    print(key, f"{key_times[-1] * 1000:.1f}")
            app.pop_screen()
            await pilot.pause()
        # And the main view list.
        for _ in range(presses):
            key_times.append(await press(app, paint, "down"))
    return feed_times, key_times


VERBOSE = False


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    from common import compile_package

    compile_package()
    parser = argparse.ArgumentParser()
    parser.add_argument("dbs", nargs="+")
    parser.add_argument("--user", default="bench")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--presses", type=int, default=100)
    parser.add_argument("--feed-children", type=int, default=10_000)
    args = parser.parse_args()

    floor = measure_import_floor(args.runs)
    print(f"floor: import textual.app  median {statistics.median(floor) * 1000:.0f} ms")
    for db in args.dbs:
        startup = measure_startup(db, args.user, args.runs)
        # The feed benchmark writes; work on a copy.
        with tempfile.TemporaryDirectory() as tmp:
            copy = str(Path(tmp) / "copy.db")
            shutil.copy(db, copy)
            feed_id = add_big_feed(copy, args.user, args.feed_children)
            feeds, keys = asyncio.run(
                measure_in_app(
                    copy, args.user, feed_id, max(3, args.runs // 2), args.presses
                )
            )
        print(
            f"{Path(db).name}: start-up median {statistics.median(startup) * 1000:.0f} ms"
            f" | feed ({args.feed_children} children) median "
            f"{statistics.median(feeds) * 1000:.0f} ms"
            f" | key press median {statistics.median(keys) * 1000:.1f} ms,"
            f" p95 {p95(keys) * 1000:.1f} ms (n={len(keys)})"
        )


if __name__ == "__main__":
    main()
