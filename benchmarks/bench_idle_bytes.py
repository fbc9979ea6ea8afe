"""Bytes an idle TUI sends to its terminal, measured the way an SSH user's
link sees them: tmux `pipe-pane` copies everything the app writes to its
pane into a file.

    python benchmarks/bench_idle_bytes.py [--seconds 30] [--runs 3] [--records 3000]

`focus-tui` runs in a detached tmux session of 80x24 on a demo database
(`focus-tui demo --records N`, user "bench"). After the first paint, the
case's keys and a settling pause, `pipe-pane` is switched on for
`--seconds` with no key pressed; the file's size over the time is the
figure. Each case runs `--runs` times in a new session; the median is
printed. Cases, each without and with SSH_CONNECTION set:

  main        the main view, nothing focused
  focused     the main view, my focus running (the timer shows seconds)
  board       the Sales Process board, nothing focused
  feed        a record's feed, nothing focused
  form        the new-record form open: a text field has the cursor
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

# Keys after the first paint, as tmux send-keys arguments.
CASES = {
    "main": [],
    "focused": ["f"],
    "board": ["2"],
    "feed": ["Enter"],
    "form": ["n"],
}


def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], check=True, capture_output=True, text=True
    ).stdout


def measure(env: dict, keys: list[str], seconds: float, settle: float) -> float:
    """Bytes per second the app wrote while idle in this case."""
    name = f"bench-idle-{uuid.uuid4().hex[:8]}"
    out = Path(env["FOCUS_TUI_DATA_DIR"]) / f"{name}.bytes"
    exports = " ".join(
        f"{key}={value!s}"
        for key, value in env.items()
        if key.startswith(("FOCUS_TUI_", "SSH_CONNECTION", "PYTHON"))
    )
    command = f"env {exports} TERM=xterm-256color {sys.executable} -m focus_tui"
    tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", command)
    try:
        deadline = time.monotonic() + 30
        while "Focus" not in tmux("capture-pane", "-t", name, "-p"):
            if time.monotonic() > deadline:
                raise SystemExit("the TUI did not start")
            time.sleep(0.1)
        time.sleep(1.5)  # the first reads (focus, changes) are painted
        for key in keys:
            tmux("send-keys", "-t", name, key)
            time.sleep(0.5)
        time.sleep(settle)
        tmux("pipe-pane", "-t", name, f"cat > {out}")
        start = time.monotonic()
        time.sleep(seconds)
        tmux("pipe-pane", "-t", name)  # stops the copy
        took = time.monotonic() - start
        time.sleep(0.2)
        return out.stat().st_size / took if out.exists() else 0.0
    finally:
        if keys == ["f"]:  # stop the focus again for the next case
            tmux("send-keys", "-t", name, "F")
            time.sleep(0.5)
        tmux("kill-session", "-t", name)


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from common import compile_package

    compile_package()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--settle", type=float, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--cases", default=",".join(CASES))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "FOCUS_TUI_DB": str(Path(tmp) / "idle.db"),
            "FOCUS_TUI_DATA_DIR": str(Path(tmp) / "data"),
            "FOCUS_TUI_CONFIG_DIR": str(Path(tmp) / "config"),
            "FOCUS_TUI_USER": "bench",
        }
        Path(env["FOCUS_TUI_DATA_DIR"]).mkdir()
        subprocess.run(
            [sys.executable, "-m", "focus_tui", "demo", "--records", str(args.records)],
            env=dict(os.environ, **env),
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [sys.executable, "-m", "focus_tui", "unfocus"],
            env=dict(os.environ, **env),
            check=True,
            capture_output=True,
        )
        print(
            f"idle for {args.seconds:.0f} s at 80x24 (tmux pipe-pane), "
            f"median of {args.runs} runs, demo --records {args.records:,}:"
        )
        for case in args.cases.split(","):
            figures = []
            for ssh in (False, True):
                case_env = dict(env)
                if ssh:
                    case_env["SSH_CONNECTION"] = "'10.0.0.2 50000 10.0.0.1 22'"
                rates = [
                    measure(case_env, CASES[case], args.seconds, args.settle)
                    for _ in range(args.runs)
                ]
                figures.append(
                    f"{statistics.median(rates):6.1f} B/s "
                    f"(runs: {', '.join(f'{r:.1f}' for r in rates)})"
                )
            print(f"  {case:8} plain {figures[0]}   SSH_CONNECTION {figures[1]}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine load average (1, 5, 15 min): {load}")


if __name__ == "__main__":
    main()
