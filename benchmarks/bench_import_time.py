"""`focus-tui import-time`: 100k Watson frames and a 100k-interval `timew export`.

    python benchmarks/bench_import_time.py [--intervals 100000] [--runs 3]

Writes both files (over 300 projects, in each tool's own format, with
phase tags on some intervals and one still running) into a temporary
folder, then times a fresh `focus-tui` process importing each into a fresh
SQLite database: wall time and peak RSS of that process (what /usr/bin/time
reports), median of the runs. The second import of the same file (adds
nothing) is timed too. Budget: <= 20 s for 100k intervals.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

PROJECTS = 300
PHASE_TAGS = ["lead", "proposal", "follow-up", "fulfilment", "billing", "client-care"]
FIRST = int(datetime(2023, 1, 2, 7, tzinfo=UTC).timestamp())


def intervals(count: int) -> list[tuple[int, int, str, list[str]]]:
    """(start, stop, project, tags), one after another through working days."""
    rng = random.Random(7)
    projects = [f"Client {i:03d} Oy" for i in range(PROJECTS - 1)] + ["Järvenpää Oy"]
    out, at = [], FIRST
    for _ in range(count):
        length = rng.randint(5 * 60, 3 * 3600)
        tags = ["client meeting"] if rng.random() < 0.3 else []
        if rng.random() < 0.6:
            tags.append(rng.choice(PHASE_TAGS))
        out.append((at, at + length, rng.choice(projects), tags))
        at += length + rng.randint(0, 1800)
    return out


def write_watson(path: Path, rows) -> int:
    frames = [
        [start, stop, project, f"{i:032x}", tags, stop]
        for i, (start, stop, project, tags) in enumerate(rows)
    ]
    frames[-1][1] = None  # robust to a running frame (Watson keeps it in `state`)
    path.write_text(json.dumps(frames), encoding="utf-8")
    return sum(stop - start for start, stop, _, _ in rows[:-1])


def write_timew(path: Path, rows) -> int:
    def stamp(epoch: int) -> str:
        return datetime.fromtimestamp(epoch, UTC).strftime("%Y%m%dT%H%M%SZ")

    items = []
    for i, (start, stop, project, tags) in enumerate(reversed(rows)):
        item = {"id": i + 1, "start": stamp(start), "tags": sorted([project, *tags])}
        if i:  # the newest (id 1) is still running
            item["end"] = stamp(stop)
        items.append(item)
    items.reverse()  # oldest first, as `timew export` prints them
    lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    return sum(stop - start for start, stop, _, _ in rows[:-1])


def timed(args: list[str], env: dict) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of one `focus-tui` process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "focus_tui", *args],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"focus-tui {' '.join(args)} exited {proc.returncode}")
    return wall, usage.ru_maxrss / 1024, out


def main() -> None:
    from common import compile_package

    compile_package()
    parser = argparse.ArgumentParser()
    parser.add_argument("--intervals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = intervals(args.intervals)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {
            "watson": (folder / "frames", write_watson(folder / "frames", rows)),
            "timewarrior": (
                folder / "export.json",
                write_timew(folder / "export.json", rows),
            ),
        }
        print(
            f"{args.intervals} intervals over {PROJECTS} projects, medians of "
            f"{args.runs} (budget 20 s)"
        )
        for tool, (path, total) in files.items():
            first, again, peaks = [], [], []
            for run in range(args.runs):
                db = folder / f"{tool}-{run}.db"
                env = dict(os.environ, FOCUS_TUI_DB=str(db), FOCUS_TUI_USER="bench")
                # The database made and migrated outside the timing.
                subprocess.run(
                    [sys.executable, "-m", "focus_tui", "status"],
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
                command = ["import-time", tool, str(path), "--format", "json"]
                wall, peak, out = timed(command, env)
                summary = json.loads(out)
                assert summary["added"] == args.intervals - 1, summary
                assert summary["total"]["seconds"] == total, (summary, total)
                first.append(wall)
                peaks.append(peak)
                wall, peak, out = timed(command, env)
                assert json.loads(out)["added"] == 0
                again.append(wall)
                peaks.append(peak)
                stored = (
                    sqlite3.connect(db)
                    .execute("SELECT COUNT(*), SUM(seconds) FROM time_entry")
                    .fetchone()
                )
                assert stored == (args.intervals - 1, total), stored
            size = path.stat().st_size / 2**20
            print(
                f"  {tool} ({size:.1f} MB): import {statistics.median(first):.2f} s, "
                f"again (adds 0) {statistics.median(again):.2f} s, "
                f"peak RSS {max(peaks):.0f} MB; total {total} s, to the second"
            )


if __name__ == "__main__":
    main()
