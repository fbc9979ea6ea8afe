"""Start-up to a usable main view, against a minimal Textual app.

    python benchmarks/bench_first_screen.py DB [--user NAME] [--runs 15]
        [--before DIR]

`--before DIR`: also time `python -m focus_tui` from another checkout's
package (e.g. `git archive COMMIT focus_tui | tar -x -C DIR`), in the same
alternation, so a change is seen against the same baseline.

Budget (issue 11): `focus-tui` to a usable main view within 1.5x a minimal
Textual app (one Label) started the same way in the same run.

Both start as a user starts them: a fresh process of the console script
(`focus-tui --db DB`) or of `python minimal.py`, on a pseudo-terminal of
80x24, timed from launch until the terminal shows what the user came for —
the main view's first group of rows ("Overdue 7", "Today 4", ... or the
empty text), or the Label's text. Then the process is ended. The two
alternate run by run; each figure is a median of wall times, the ratio the
median of the per-run ratios.
"""

from __future__ import annotations

import argparse
import compileall
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from common import compile_package

MINIMAL = """\
from textual.app import App
from textual.widgets import Label


class Minimal(App):
    def compose(self):
        yield Label("Minimal app ready")


Minimal().run()
"""

# What the main view shows once its rows are there (a bucket and its count,
# or the empty list's text); the Label's text for the minimal app.
MAIN_VIEW = re.compile(
    rb"(Overdue|Today|Tomorrow|This week|Later|No date) \d+|Nothing on your plate"
)
LABEL = re.compile(rb"Minimal app ready")


def time_to_screen(command: list[str], marker: re.Pattern, env: dict) -> float:
    # In a folder of its own: `python -m focus_tui` would import a focus_tui
    # of the current directory before PYTHONPATH's (--before).
    """Seconds from launch until `marker` is on the terminal."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        close_fds=True,
        cwd=tempfile.gettempdir(),
    )
    os.close(slave)
    seen = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 30)
            if not ready:
                raise SystemExit(f"{command[0]}: nothing after 30 s: {seen[-500:]!r}")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the process ended
                raise SystemExit(f"{command[0]} ended: {seen[-500:]!r}") from None
            # Text is drawn with escape sequences between the cells' runs.
            seen += chunk
            plain = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", seen)
            if marker.search(plain):
                return time.perf_counter() - start
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(master)


def main() -> None:
    compile_package()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--user", default=None)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", metavar="DIR", help="a checkout to compare")
    args = parser.parse_args()

    focus_tui = str(Path(sys.executable).parent / "focus-tui")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    command = [focus_tui, "--db", args.db]
    if args.user:
        command += ["--user", args.user]
    before_env = None
    if args.before:
        compileall.compile_dir(str(Path(args.before) / "focus_tui"), quiet=1)
        before_env = dict(env, PYTHONPATH=str(Path(args.before).resolve()))
        before_command = [sys.executable, "-m", "focus_tui", *command[1:]]
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL, encoding="utf-8")
        # One of each first, not timed: the page cache and .pyc files warm.
        time_to_screen([sys.executable, str(minimal)], LABEL, env)
        time_to_screen(command, MAIN_VIEW, env)
        if before_env:
            time_to_screen(before_command, MAIN_VIEW, before_env)
        label, focus, before = [], [], []
        for _ in range(args.runs):
            label.append(time_to_screen([sys.executable, str(minimal)], LABEL, env))
            focus.append(time_to_screen(command, MAIN_VIEW, env))
            if before_env:
                before.append(time_to_screen(before_command, MAIN_VIEW, before_env))

    try:
        import psycopg  # noqa: F401

        driver = "psycopg installed"
    except ImportError:
        driver = "no psycopg"
    ratio = statistics.median(f / b for f, b in zip(focus, label, strict=True))
    print(f"{args.db}: medians of {args.runs} alternating runs ({driver})")
    print(
        f"{'minimal Textual app (one Label)':<36} {statistics.median(label) * 1000:7.0f} ms"
    )
    print(
        f"{'focus-tui to the main view':<36} {statistics.median(focus) * 1000:7.0f} ms"
        f"  {ratio:.2f}x  (min {min(focus) * 1000:.0f})"
    )
    if before:
        ratio = statistics.median(f / b for f, b in zip(before, label, strict=True))
        print(
            f"{'the same, --before ' + args.before:<36} "
            f"{statistics.median(before) * 1000:7.0f} ms  {ratio:.2f}x"
            f"  (min {min(before) * 1000:.0f})"
        )


if __name__ == "__main__":
    main()
