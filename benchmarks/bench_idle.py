"""What an idle TUI costs: bytes written to the terminal and CPU time.

    python benchmarks/bench_idle.py [--seconds 60] [--records 3000]
    python benchmarks/bench_idle.py --pg postgresql://postgres@127.0.0.1:5432/postgres

`focus-tui` runs on a demo database (`focus-tui demo --records N`, user
"bench"; with --pg on a new PostgreSQL database, dropped at the end) under
a real pseudo-terminal of 80x24, as over SSH. After the first paint and a
settling pause (the first focus read, the change watcher's starting
point), nobody presses a key for `--seconds`: every byte read from the
pty's master side in that window is what the app wrote to the terminal,
and the child's user+system CPU time (/proc/PID/stat) is its cost.

Cases: nothing focused and no colleague focused (nothing changes: the goal
is 0 bytes); my focus running (the timer may tick); a colleague's focus
running (their minutes change once a minute).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import select
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import uuid
from pathlib import Path

COLLEAGUE = "anna.virtanen"  # a member of the demo's "Sales Team" cloud


def cli(env: dict, *args: str, user: str = "bench") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "focus_tui", *args],
        env=dict(env, FOCUS_TUI_USER=user),
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def first_activity(env: dict, user: str, *extra: str) -> int:
    rows = json.loads(cli(env, *extra, "--format", "json", user=user))
    return next(r["id"] for r in rows if r["type"] not in ("contact_person",))


def prepare(env: dict, case: str) -> str:
    """Put the database in the case's state; say what it is."""
    cli(env, "unfocus")
    cli(env, "unfocus", user=COLLEAGUE)
    if case == "mine":
        record = first_activity(env, "bench", "list")
        cli(env, "focus", str(record))
        return f"my focus running (#{record})"
    if case == "colleague":
        record = first_activity(
            env, COLLEAGUE, "feed", "Sales Team", "--open", "--type", "task"
        )
        cli(env, "focus", str(record), user=COLLEAGUE)
        return f"{COLLEAGUE} focused on #{record} (shared cloud)"
    return "nothing focused, no colleague focused"


class Terminal:
    """A child process on a pty of its own; a thread drains the master."""

    def __init__(self, argv: list[str], env: dict, cols: int = 80, rows: int = 24):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.chunks: list[tuple[float, int]] = []
        self.screen = bytearray()
        self._stop = False
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while not self._stop:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return  # the child has gone
            if not data:
                return
            self.chunks.append((time.monotonic(), len(data)))
            if len(self.screen) < 1_000_000:
                self.screen += data

    def bytes_between(self, start: float, end: float) -> int:
        return sum(n for at, n in list(self.chunks) if start <= at < end)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the child so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1]
        utime, stime = fields.split()[11:13]
        return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def close(self) -> None:
        try:
            self.send(b"q")
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self._stop = True
        self._reader.join(timeout=2)
        os.close(self.master)


def measure(env: dict, seconds: float, settle: float) -> tuple[float, float, int]:
    """(bytes/s, share of a core, bytes) while idle for `seconds`."""
    term = Terminal(
        [sys.executable, "-m", "focus_tui"],
        dict(env, FOCUS_TUI_USER="bench", TERM="xterm-256color"),
    )
    try:
        deadline = time.monotonic() + 30
        while b"Focus" not in term.screen:  # the title bar: the first paint
            if term.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    "the TUI did not start: "
                    + term.screen[-2000:].decode(errors="replace")
                )
            time.sleep(0.05)
        time.sleep(settle)
        start, cpu_start = time.monotonic(), term.cpu_seconds()
        time.sleep(seconds)
        end, cpu_end = time.monotonic(), term.cpu_seconds()
        written = term.bytes_between(start, end)
        return written / (end - start), (cpu_end - cpu_start) / (end - start), written
    finally:
        term.close()


def build(env: dict, records: int) -> float:
    start = time.perf_counter()
    cli(env, "demo", "--records", str(records))
    return time.perf_counter() - start


def main() -> None:
    from common import compile_package

    compile_package()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--settle", type=float, default=4)
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--pg", metavar="ADMIN_URL", help="run on a new PostgreSQL db")
    parser.add_argument(
        "--cases", default="none,mine,colleague", help="comma-separated"
    )
    args = parser.parse_args()

    admin, name = args.pg, f"focus_idle_{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as tmp:
        if admin:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            target = admin.rsplit("/", 1)[0] + "/" + name
        else:
            target = str(Path(tmp) / "idle.db")
        env = dict(
            os.environ,
            FOCUS_TUI_DB=target,
            FOCUS_TUI_DATA_DIR=str(Path(tmp) / "data"),
            FOCUS_TUI_CONFIG_DIR=str(Path(tmp) / "config"),
        )
        try:
            took = build(env, args.records)
            backend = "PostgreSQL" if admin else "SQLite"
            print(f"demo --records {args.records:,} on {backend}: {took:.1f} s")
            print(f"idle for {args.seconds:.0f} s at 80x24 after the first paint:")
            for case in args.cases.split(","):
                said = prepare(env, case)
                rate, core, written = measure(env, args.seconds, args.settle)
                print(
                    f"  {said:55} {rate:7.1f} bytes/s ({written} bytes), "
                    f"{core * 100:5.2f} % of a core"
                )
        finally:
            if admin:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine load average (1, 5, 15 min): {load}")


if __name__ == "__main__":
    main()
