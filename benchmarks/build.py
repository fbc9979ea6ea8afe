"""Build the reference databases with `focus-tui demo` and time each build.

    python benchmarks/build.py [N ...]      default: 10000 100000 1000000

Databases go to benchmarks/data/demo-N.db (ignored by git); an existing one is
rebuilt. The user who owns the demo is "bench" (pass the same user to the
other scripts).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).parent / "data"


def build(records: int, user: str = "bench") -> tuple[Path, float]:
    DATA.mkdir(exist_ok=True)
    path = DATA / f"demo-{records}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    env = dict(os.environ, FOCUS_TUI_USER=user, FOCUS_TUI_DB=str(path))
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "focus_tui", "demo", "--records", str(records)],
        check=True,
        env=env,
    )
    return path, time.perf_counter() - start


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    for records in sizes:
        path, seconds = build(records)
        size_mb = path.stat().st_size / 1e6
        print(
            f"demo --records {records}: {seconds:.1f} s wall, {size_mb:.0f} MB -> {path}"
        )


if __name__ == "__main__":
    main()
