"""The headless CLI: `report phases` and `focus` / `unfocus` on a big database.

    python benchmarks/bench_cli.py benchmarks/data/demo-100000.db [--runs 7]

Each figure is the wall time of a fresh `focus-tui` process (what a user or
a script waits for), median of the runs, on a copy of the database. The
baseline in the same run is `focus-tui status` with nothing focused: the
cost of starting Python, importing the CLI and opening the database; the
floor is a Python process that only imports Peewee.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "focus_tui", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    from common import compile_package

    compile_package()
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--user", default="bench")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "copy.db")
        shutil.copy(args.db, db)
        env = dict(os.environ, FOCUS_TUI_DB=db, FOCUS_TUI_USER=args.user)
        subprocess.run(  # migrate once, outside the timings
            [sys.executable, "-m", "focus_tui", "unfocus"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        entries = (
            sqlite3.connect(db).execute("SELECT COUNT(*) FROM time_entry").fetchone()[0]
        )
        listing = subprocess.run(
            [
                sys.executable,
                "-m",
                "focus_tui",
                "list",
                "--type",
                "task",
                "--format",
                "json",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        task = json.loads(listing)[0]["id"]
        floor, base, report, focus, unfocus = [], [], [], [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import peewee"], check=True)
            floor.append(time.perf_counter() - start)
            base.append(timed(["status"], env))
            report.append(timed(["report", "phases"], env))
            focus.append(timed(["focus", str(task)], env))
            unfocus.append(timed(["unfocus"], env))

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.0f} ms"

    print(f"{Path(args.db).name}: {entries} time entries, medians of {args.runs}")
    print(f"  floor `python -c 'import peewee'`: {ms(floor)}")
    print(f"  baseline `status` (start-up + open): {ms(base)}")
    print(f"  `report phases`: {ms(report)}   (budget 400 ms)")
    print(
        f"  `focus ID`: {ms(focus)}   `unfocus`: {ms(unfocus)}   (budget 150 ms each)"
    )


if __name__ == "__main__":
    main()
