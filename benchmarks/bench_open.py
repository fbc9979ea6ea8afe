"""What the damage look at open costs, against the quick check it avoids.

    python benchmarks/bench_open.py [DB ...] [--runs N]

For each database: the median time of `models.db.check_file` (header, page
count against size, the last pages' kinds; it runs before every open), and
one `PRAGMA quick_check(1)` of the same file (read-only), which would read
every page if it ran at each open. Default: the three demo databases of
benchmarks/build.py.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from pathlib import Path

from focus_tui.models.db import check_file

DATA = Path(__file__).parent / "data"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("databases", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=51)
    args = parser.parse_args()
    paths = args.databases or sorted(DATA.glob("demo-*.db"), key=lambda p: len(p.name))
    for path in paths:
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            check_file(path)
            times.append(time.perf_counter() - start)
        uri = f"file:{path.resolve().as_posix()}?mode=ro&immutable=1"
        connection = sqlite3.connect(uri, uri=True)
        start = time.perf_counter()
        verdict = connection.execute("PRAGMA quick_check(1)").fetchone()[0]
        quick = time.perf_counter() - start
        connection.close()
        print(
            f"{path.name}: {path.stat().st_size / 1e6:,.0f} MB; look at open "
            f"{statistics.median(times) * 1000:.2f} ms (median of {args.runs}); "
            f"quick_check {quick:.2f} s ({verdict})"
        )


if __name__ == "__main__":
    main()
