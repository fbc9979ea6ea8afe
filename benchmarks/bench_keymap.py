"""What a keys.toml costs at start: checking the user's keys against every
screen's bindings (which imports every screen module).

    python benchmarks/bench_keymap.py [--runs 9]

Each run is a new process that imports the app, then times `user_keymap`
(what `FocusApp.__init__` calls) with no keys.toml and with one of three
entries. Medians; the import of the app itself is the same in both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PROBE = """
import time
from focus_tui.app import FocusApp
from focus_tui.screens.keymap import user_keymap
start = time.perf_counter()
user_keymap(FocusApp)
print(time.perf_counter() - start)
"""


def once(config: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=dict(os.environ, FOCUS_TUI_CONFIG_DIR=str(config)),
        check=True,
        capture_output=True,
        text=True,
    )
    return float(done.stdout) * 1000


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from common import compile_package

    compile_package()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        none, some = Path(tmp) / "none", Path(tmp) / "some"
        none.mkdir()
        some.mkdir()
        (some / "keys.toml").write_text(
            'finish = "space"\nnew = ["n", "ctrl+n"]\ncloud_filter = "ctrl+k"\n'
        )
        without, with_keys = [], []
        for _ in range(args.runs):  # alternating, as the machine drifts
            without.append(once(none))
            with_keys.append(once(some))
    print(f"user_keymap, median of {args.runs} new processes:")
    print(f"  no keys.toml          {statistics.median(without):7.1f} ms")
    print(f"  keys.toml, 3 entries  {statistics.median(with_keys):7.1f} ms")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine load average (1, 5, 15 min): {load}")


if __name__ == "__main__":
    main()
