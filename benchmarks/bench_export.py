"""Export 100,000 rows to .xlsx: wall time and peak memory (DESIGN §7).

    python benchmarks/bench_export.py [--db PATH] [--records 100000] [--runs 3]

Budget: <= 8 s and <= 150 MB peak RSS for 100k rows.

The database is a copy of benchmarks/data/demo-N.db when that file is of
the current schema and holds sales (build it with benchmarks/build.py),
else a fresh `focus-tui demo --records N` in a temporary folder. The demo
user "bench" sees about half of a demo database (colleagues' private clouds
are not theirs), so in the copy "bench" joins every cloud: the Report
Export view then holds all N records, N rows in the Records sheet (plus the
Sales Process, Time by phase and Statistics sheets).

Each run is a fresh Python process (no warm caches of a previous run) that
opens the database, exports, and reports its own export time (wall) and
peak RSS (`ru_maxrss`). The baseline in the same run is a process that only
imports the export module and opens the database. Also measured: a page of
the view at the start, middle and end (what the Reports screen reads per
screen), in-process.
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

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
USER = "bench"
BUDGET_SECONDS = 8.0
BUDGET_MB = 150.0


def _child(db: str, out: str, mode: str) -> None:
    """Runs in a fresh process: open, (export), print figures as JSON."""
    import resource

    os.environ.setdefault("FOCUS_TUI_TZ", "Europe/Helsinki")
    from focus_tui.domain.session import open_session
    from focus_tui.export.xlsx import export_xlsx
    from focus_tui.views.report_view import ViewIndex, ViewSettings, count_rows, page

    session = open_session(db, USER)
    result: dict = {"rows": 0, "seconds": 0.0}
    if mode == "export":
        started, cpu = time.perf_counter(), time.process_time()
        exported = export_xlsx(session, out, ViewSettings())
        result = {
            "rows": exported.rows,
            "seconds": time.perf_counter() - started,
            "cpu": time.process_time() - cpu,
            "bytes": Path(exported.path).stat().st_size,
        }
    elif mode == "pages":
        settings = ViewSettings()
        total = count_rows(session, settings)
        for name, offset in (
            ("first", 0),
            ("middle", total // 2),
            ("last", total - 50),
        ):
            times = []
            for _ in range(5):
                started = time.perf_counter()
                page(session, settings, max(0, offset), 50)
                times.append(time.perf_counter() - started)
            result[name] = statistics.median(times)
        started = time.perf_counter()
        index = ViewIndex(session, settings)
        result["index"] = time.perf_counter() - started
        for name, offset in (
            ("first", 0),
            ("middle", total // 2),
            ("last", total - 50),
        ):
            times = []
            for _ in range(5):
                started = time.perf_counter()
                index.page(max(0, offset), 50)
                times.append(time.perf_counter() - started)
            result[f"index_{name}"] = statistics.median(times)
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _run_child(db: Path, out: Path, mode: str) -> dict:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(db), str(out), mode],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    )
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["process_seconds"] = time.perf_counter() - started
    return figures


def _is_current(path: Path) -> bool:
    """Of the current schema, with sale rows (older demo files have neither)."""
    from focus_tui.models.migrations import LATEST

    try:
        # immutable: no -wal/-shm files are made beside a file we only look at.
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            version = con.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone()
            sales = con.execute("SELECT COUNT(*) FROM sale").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return version is not None and int(version[0]) == LATEST and sales > 0


def _prepare(args, work: Path) -> Path:
    db = work / f"export-{args.records}.db"
    source = Path(args.db) if args.db else DATA / f"demo-{args.records}.db"
    if source.exists() and _is_current(source):
        print(f"database: a copy of {source}")
        shutil.copyfile(source, db)
    else:
        if args.db:
            sys.exit(f"{source} is missing or of an older schema.")
        print(f"database: {source} missing or of an older schema; building one")
        env = dict(os.environ, FOCUS_TUI_USER=USER, FOCUS_TUI_DB=str(db))
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "focus_tui", "demo", "--records", str(args.records)],
            check=True,
            env=env,
            cwd=HERE.parent,
        )
        print(f"  built in {time.perf_counter() - started:.1f} s")
    con = sqlite3.connect(db)
    with con:
        (user_id,) = con.execute(
            "SELECT id FROM user WHERE name = ?", (USER,)
        ).fetchone()
        con.execute(
            "INSERT OR IGNORE INTO cloud_member (cloud_id, user_id, role) "
            "SELECT id, ?, 'member' FROM cloud",
            (user_id,),
        )
    con.close()
    return db


def main() -> None:
    from common import compile_package

    compile_package()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a demo database (copied, not changed)")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        work = Path(tmp)
        db = _prepare(args, work)
        out = work / "report.xlsx"
        _run_child(db, out, "open")  # warm the OS file cache for every run alike
        baseline = [_run_child(db, out, "open") for _ in range(args.runs)]
        runs = [_run_child(db, out, "export") for _ in range(args.runs)]
        pages = _run_child(db, out, "pages")

    seconds = statistics.median(r["seconds"] for r in runs)
    peak = max(r["maxrss_mb"] for r in runs)
    base_mb = statistics.median(r["maxrss_mb"] for r in baseline)
    base_s = statistics.median(r["process_seconds"] for r in baseline)
    print()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"rows in the Records sheet: {runs[0]['rows']:,}")
    print(f"file size: {runs[0]['bytes'] / 1e6:.1f} MB")
    print(
        "export wall time, each run: "
        + ", ".join(f"{r['seconds']:.2f} s" for r in runs)
        + f"; median {seconds:.2f} s (budget <= {BUDGET_SECONDS:.0f} s); "
        + "CPU time "
        + ", ".join(f"{r['cpu']:.2f} s" for r in runs)
    )
    print(
        f"peak RSS of the export process: {peak:.0f} MB "
        f"(budget <= {BUDGET_MB:.0f} MB); baseline (import + open the database): "
        f"{base_mb:.0f} MB, {base_s:.2f} s"
    )
    spots = ("first", "middle", "last")
    print(
        "a page of 50 rows, median of 5: page(offset) "
        + ", ".join(f"{k} {pages[k] * 1000:.1f} ms" for k in spots)
        + f"; ViewIndex (built in {pages['index'] * 1000:.0f} ms) "
        + ", ".join(f"{k} {pages['index_' + k] * 1000:.1f} ms" for k in spots)
    )
    over = seconds > BUDGET_SECONDS or peak > BUDGET_MB
    print("OVER BUDGET" if over else "within budget")
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        sys.path.insert(0, str(HERE.parent))
        _child(*sys.argv[2:])
    else:
        sys.path.insert(0, str(HERE.parent))
        main()
