"""PostgreSQL beside SQLite, in the same run: the same demo on both.

    python benchmarks/bench_pg.py ADMIN_URL [--records 100000] [--runs 7]

ADMIN_URL is a PostgreSQL login that may create databases (e.g.
postgresql://postgres@127.0.0.1:5432/postgres). The script builds the demo
with `focus-tui demo` on a new PostgreSQL database and in a SQLite file,
then alternates, run by run, between the two: TUI start-up until the main
view has drawn its rows (bench_tui's probe), and fresh `focus-tui` processes
for `status` and `report phases --format csv`. Medians are printed with the
ratio PostgreSQL / SQLite. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import uuid
from pathlib import Path

from bench_board import build_demo
from bench_cli import timed
from bench_tui import measure_startup
from common import compile_package


def main() -> None:
    compile_package()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("admin_url")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
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
                print(f"demo --records {args.records:,} on {label}: {seconds:.1f} s")
            figures: dict[str, dict[str, list[float]]] = {
                label: {"start-up": [], "status": [], "report phases": []}
                for label in targets
            }
            for _ in range(args.runs):
                for label, target in targets.items():
                    mine = figures[label]
                    mine["start-up"] += measure_startup(target, args.user, 1)
                    env = dict(
                        os.environ, FOCUS_TUI_USER=args.user, FOCUS_TUI_DB=target
                    )
                    mine["status"].append(timed(["status"], env))
                    mine["report phases"].append(
                        timed(["report", "phases", "--format", "csv"], env)
                    )
            print(f"medians of {args.runs}, alternating (PostgreSQL / SQLite):")
            for what in figures["SQLite"]:
                lite = statistics.median(figures["SQLite"][what])
                server = statistics.median(figures["PostgreSQL"][what])
                print(
                    f"  {what:15} SQLite {lite * 1000:7.0f} ms   "
                    f"PostgreSQL {server * 1000:7.0f} ms   {server / lite:4.2f}x"
                )
    finally:
        with psycopg.connect(args.admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
