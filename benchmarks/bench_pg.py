"""PostgreSQL beside SQLite, in the same run: the same demo on both.

    python benchmarks/bench_pg.py ADMIN_URL [--records 100000] [--runs 7]
                                            [--board 20000] [--no-cli]

ADMIN_URL is a PostgreSQL login that may create databases (e.g.
postgresql://postgres@127.0.0.1:5432/postgres). The script builds the demo
with `focus-tui demo --records N` on a new PostgreSQL database and in a
SQLite file (timing both builds), then alternates, run by run, between the
two:

- **start-up**: a fresh process until the main view has drawn its rows
  (bench_tui's probe);
- **status** and **report phases** (`--format csv`): fresh `focus-tui`
  processes (left out with --no-cli);
- **board**: with `--board N` (default 20,000; 0 leaves it out) both
  databases are first topped up with proposals and orders until the demo
  user sees N (bench_board's top-up, on both backends); then each run is a
  fresh process that opens the board three times until every column has
  drawn (bench_board's measure).

Medians are printed with the ratio PostgreSQL / SQLite. Nothing is kept: the
SQLite file lives in a temporary folder and the PostgreSQL database is
dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench_board import build_demo, top_up
from bench_cli import timed
from bench_tui import measure_startup
from common import compile_package

BOARD_PROBE = """
import asyncio, json, sys
sys.path.insert(0, sys.argv[3])
from bench_board import measure
opens, _keys, counts = asyncio.run(
    measure(sys.argv[1], sys.argv[2], 3, 0, False, keys=False)
)
print(json.dumps({"opens": opens, "cards": sum(counts.values())}))
"""


def board_opens(target: str, user: str) -> tuple[list[float], int]:
    """Three board openings in a fresh process: (seconds each, cards shown)."""
    done = subprocess.run(
        [sys.executable, "-c", BOARD_PROBE, target, user, str(Path(__file__).parent)],
        check=True,
        capture_output=True,
        text=True,
    )
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return answer["opens"], answer["cards"]


def main() -> None:
    compile_package()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("admin_url")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--board", type=int, default=20_000)
    parser.add_argument("--no-cli", action="store_true")
    parser.add_argument("--user", default="bench")
    args = parser.parse_args()

    import psycopg

    name = f"focus_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    pg = args.admin_url.rsplit("/", 1)[0] + "/" + name
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sqlite = str(Path(tmp) / "demo.db")
            targets = {"SQLite": sqlite, "PostgreSQL": pg}
            for label, target in targets.items():
                seconds = build_demo(target, args.records, args.user)
                print(
                    f"demo --records {args.records:,} on {label}: {seconds:.1f} s",
                    flush=True,
                )
            whats = ["start-up"]
            if not args.no_cli:
                whats += ["status", "report phases"]
            cards: dict[str, int] = {}
            if args.board:
                whats.append("board open")
                for label, target in targets.items():
                    start = time.perf_counter()
                    added = top_up(target, args.user, args.board)
                    print(
                        f"board top-up on {label}: +{added:,} proposals/orders "
                        f"in {time.perf_counter() - start:.1f} s",
                        flush=True,
                    )
            figures = {label: {what: [] for what in whats} for label in targets}
            for _ in range(args.runs):
                for label, target in targets.items():
                    mine = figures[label]
                    mine["start-up"] += measure_startup(target, args.user, 1)
                    env = dict(
                        os.environ, FOCUS_TUI_USER=args.user, FOCUS_TUI_DB=target
                    )
                    if not args.no_cli:
                        mine["status"].append(timed(["status"], env))
                        mine["report phases"].append(
                            timed(["report", "phases", "--format", "csv"], env)
                        )
                    if args.board:
                        opens, cards[label] = board_opens(target, args.user)
                        mine["board open"] += opens
            if cards:
                shown = ", ".join(f"{label} {n:,}" for label, n in cards.items())
                print(f"cards on the board (lost hidden): {shown}")
            print(
                f"medians of {args.runs} runs at {args.records:,} records, "
                "alternating (PostgreSQL / SQLite):"
            )
            for what in whats:
                lite = statistics.median(figures["SQLite"][what])
                server = statistics.median(figures["PostgreSQL"][what])
                print(
                    f"  {what:15} SQLite {lite * 1000:7.0f} ms   "
                    f"PostgreSQL {server * 1000:7.0f} ms   {server / lite:4.2f}x"
                    f"  (n={len(figures['SQLite'][what])})"
                )
    finally:
        with psycopg.connect(args.admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine load average (1, 5, 15 min): {load}")
    print("command: " + " ".join([Path(sys.executable).name, *sys.argv]))


if __name__ == "__main__":
    main()
