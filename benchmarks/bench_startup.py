"""A CLI that answers at once: short commands against their floors.

    python benchmarks/bench_startup.py [--intervals 1000] [--runs 15]

Budgets (issue "Time you can trust"): `focus-tui status`, `focus ID` and
`unfocus` each within 1.3x `python -c 'import peewee'`, and `focus-tui
report phases` over 1,000 intervals within 3x `timew summary :all` over the
same intervals.

The script writes the intervals into a Timewarrior database of its own
(TIMEWARRIORDB in a temporary folder, Timewarrior's `inc ... # tags` lines),
lets `timew export` print them and imports that export with `focus-tui
import-time timewarrior` into a fresh SQLite file, so both tools hold the
same time. Then it alternates, run by run, fresh processes of: the Peewee
floor, `status`, `focus ID`, `unfocus`, `report phases`, `timew summary`.
Each figure is a median of wall times; each ratio is the median of the
per-run ratios against the floor timed in the same run. The console script
`focus-tui` beside this Python is what is run, as a user runs it.

Without `timew` on the PATH the Timewarrior rows are left out.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import compile_package

PHASE_TAGS = ["lead", "proposal", "follow-up", "fulfilment", "billing"]


def intervals(count: int) -> list[tuple[datetime, datetime, list[str]]]:
    """`count` closed intervals, one after another, ending before today."""
    rng = random.Random(12)
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=count // 6 + 2)
    out = []
    for _ in range(count):
        end = at + timedelta(seconds=rng.randint(5 * 60, 2 * 3600))
        tags = [f"Client {rng.randrange(40):02d} Oy"]
        if rng.random() < 0.7:
            tags.append(rng.choice(PHASE_TAGS))
        out.append((at, end, tags))
        at = end + timedelta(seconds=rng.randint(0, 3 * 3600))
    return out


def write_timewarrior(folder: Path, rows) -> None:
    """Timewarrior's own data files (one per month of `inc` lines)."""
    months: dict[str, list[str]] = {}
    for start, end, tags in rows:
        quoted = " ".join(f'"{tag}"' if " " in tag else tag for tag in tags)
        months.setdefault(f"{start:%Y-%m}", []).append(
            f"inc {start:%Y%m%dT%H%M%SZ} - {end:%Y%m%dT%H%M%SZ} # {quoted}"
        )
    (folder / "data").mkdir(parents=True)
    for month, lines in months.items():
        text = "\n".join(lines) + "\n"
        (folder / "data" / f"{month}.data").write_text(text, encoding="utf-8")
    (folder / "timewarrior.cfg").write_text("", encoding="utf-8")


def write_export(path: Path, rows) -> None:
    """The same intervals as `timew export` prints them."""
    items = [
        {
            "id": len(rows) - i,
            "start": f"{s:%Y%m%dT%H%M%SZ}",
            "end": f"{e:%Y%m%dT%H%M%SZ}",
            "tags": tags,
        }
        for i, (s, e, tags) in enumerate(rows)
    ]
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")


def run(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    return time.perf_counter() - start


def main() -> None:
    compile_package()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    focus_tui = str(Path(sys.executable).parent / "focus-tui")
    timew = shutil.which("timew")
    import peewee  # noqa: F401  (which drivers it pulls in)

    drivers = [m for m in ("psycopg", "psycopg2", "pymysql") if m in sys.modules]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # As a user runs it: the default database in the data folder, the
        # login name as the user, no settings.toml.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("FOCUS_TUI_") and k != "COLUMNS"
        }
        env.update(
            XDG_DATA_HOME=str(folder / "data"),
            XDG_CONFIG_HOME=str(folder / "config"),
            TIMEWARRIORDB=str(folder / "timew"),
        )
        rows = intervals(args.intervals)
        total = sum((end - start).total_seconds() for start, end, _ in rows)
        write_timewarrior(folder / "timew", rows)
        export = folder / "export.json"
        write_export(export, rows)
        if timew:  # its first run rebuilds the tags database: not timed
            subprocess.run([timew, "summary", ":all"], env=env, capture_output=True)
        imported = subprocess.run(
            [focus_tui, "import-time", "timewarrior", str(export)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        deal = json.loads(
            subprocess.run(
                [focus_tui, "list", "--format", "json"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )[0]["id"]

        cases = {
            "floor `python -c 'import peewee'`": [
                sys.executable,
                "-c",
                "import peewee",
            ],
            "`focus-tui status`": [focus_tui, "status"],
            "`focus-tui focus ID`": [focus_tui, "focus", str(deal)],
            "`focus-tui unfocus`": [focus_tui, "unfocus"],
            "`focus-tui report phases`": [focus_tui, "report", "phases"],
        }
        if timew:
            cases["`timew summary :all`"] = [timew, "summary", ":all"]
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, command in cases.items():
                times[name].append(run(command, env))

    floor = times["floor `python -c 'import peewee'`"]
    print(
        f"{args.intervals} intervals, {total / 3600:.2f} h; medians of {args.runs} "
        f"alternating runs; Peewee imported {', '.join(drivers) or 'no driver'}"
    )
    print(imported.strip().splitlines()[0])
    print(f"{'command':<36} {'median':>9} {'min':>9} {'ratio':>7}")
    for name, values in times.items():
        baseline = floor
        against = "floor"
        if name == "`focus-tui report phases`" and timew:
            baseline = times["`timew summary :all`"]
            against = "timew"
        ratio = statistics.median(v / b for v, b in zip(values, baseline, strict=True))
        shown = "" if values is baseline else f"{ratio:5.2f}x {against}"
        print(
            f"{name:<36} {statistics.median(values) * 1000:7.1f}ms "
            f"{min(values) * 1000:7.1f}ms {shown}"
        )


if __name__ == "__main__":
    main()
