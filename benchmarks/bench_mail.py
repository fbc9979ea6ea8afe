"""E-mail import: a typical mailbox's time, and a large mbox's memory.

    python benchmarks/bench_mail.py [--messages 1000] [--runs 3] [--mbox-mb 500]
                                    [--before DIR]

Both run `focus-tui import FILE --to ID` in a fresh process, as a user does,
on a new SQLite file with one Sales Lead as the target:

- **time**: an mbox of `--messages` messages of a typical mailbox (mostly
  plain text, one in five HTML-only, one in ten with a small PDF, replies
  in threads, a few dozen correspondents), imported `--runs` times into a
  new database each time; the median wall time (budget: 10 s for 1,000).
- **memory**: an mbox of about `--mbox-mb` MB, messages of a few MB each
  (attachments as base64), written to a temporary folder as it is made and
  never held whole; the import's peak RSS from os.wait4 (budget: 200 MB for
  500 MB). 0 leaves it out.

`--before DIR`: the same imports also with the code of another checkout
(DIR holds its `focus_tui` package, e.g. `git worktree add DIR main`), run
in turns with this one's, so both meet the same load on the machine.

Nothing is kept: the files live in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from common import compile_package

PEOPLE = [
    (f"{first} {last}", f"{first.lower()}.{last.lower()}@{org}.example")
    for first, last, org in [
        ("Matti", "Virtanen", "acme"),
        ("Anna", "Korhonen", "acme"),
        ("Jussi", "Järvinen", "nordlicht"),
        ("Eva", "Lindqvist", "nordlicht"),
        ("Paul", "Meyer", "fleetco"),
        ("Sara", "Nieminen", "fleetco"),
    ]
] + [(f"Contact {n}", f"contact{n}@client{n % 9}.example") for n in range(30)]

PARAGRAPH = (
    "Thanks for the call today. As agreed, we would like to go ahead with the "
    "pilot for the three depots, starting in January. Could you send the "
    "revised offer with the monthly fee for 40 vehicles and the one-time "
    "installation? Our decision maker is back on Monday.\n\n"
)


def typical(n: int, start: datetime) -> EmailMessage:
    """The n-th message of a typical sales mailbox."""
    name, address = PEOPLE[n % len(PEOPLE)]
    msg = EmailMessage()
    thread = n // 4
    msg["Subject"] = ("Re: " if n % 4 else "") + f"Offer for depot {thread}"
    msg["From"] = f"{name} <{address}>"
    msg["To"] = "Rep <rep@seller.example>"
    if n % 3 == 0:
        other = PEOPLE[(n + 7) % len(PEOPLE)]
        msg["Cc"] = f"{other[0]} <{other[1]}>"
    msg["Date"] = format_datetime(start + timedelta(hours=3 * n))
    msg["Message-ID"] = f"<m{n}@bench.example>"
    if n % 4:
        msg["In-Reply-To"] = f"<m{n - 1}@bench.example>"
    text = PARAGRAPH * (1 + n % 3)
    if n % 5 == 4:
        html = "".join(f"<p>{p}</p>" for p in text.split("\n\n") if p)
        msg.set_content(f"<html><body>{html}</body></html>", subtype="html")
    else:
        msg.set_content(text)
    if n % 10 == 9:
        msg.add_attachment(
            os.urandom(40_000),
            maintype="application",
            subtype="pdf",
            filename="offer.pdf",
        )
    return msg


def write_mbox(path: Path, messages) -> int:
    """Write messages to an mbox one at a time; the bytes written."""
    size = 0
    with open(path, "wb") as out:
        for msg in messages:
            data = msg.as_bytes(unixfrom=False).replace(b"\nFrom ", b"\n>From ")
            chunk = b"From bench@example Tue Dec  1 10:00:00 2026\n" + data + b"\n"
            out.write(chunk)
            size += len(chunk)
    return size


def big_messages(megabytes: int):
    """Messages of about 4 MB each (a 3 MB attachment as base64) until
    `megabytes` is written."""
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    n = 0
    per_message = 4 * 2**20
    while n * per_message < megabytes * 2**20:
        msg = typical(n, start)
        msg.add_attachment(
            os.urandom(3 * 2**20), maintype="image", subtype="jpeg", filename="site.jpg"
        )
        yield msg
        n += 1


def environment(code: Path | None) -> dict[str, str]:
    """The environment of a child that runs the package in `code` (None:
    this checkout's). Children run in the temporary folder: `python -m`
    puts its working folder first on the path, where a checkout would win
    over PYTHONPATH."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    return env


def package_of(code: Path | None, folder: Path) -> str:
    """Where the child's focus_tui comes from (to print: no mix-up)."""
    return subprocess.run(
        [sys.executable, "-c", "import focus_tui; print(focus_tui.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        env=environment(code),
        cwd=folder,
    ).stdout.strip()


def focus(database: Path, *args: str, code: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "focus_tui", "--db", str(database), *args],
        check=True,
        capture_output=True,
        text=True,
        env=environment(code),
        cwd=database.parent,
    )


def timed_import(
    database: Path, mbox: Path, code: Path | None = None
) -> tuple[float, float, int, str]:
    """(seconds, CPU seconds, peak RSS in MB, the summary's first lines) of
    one import in a fresh process. The CPU time is the steadier figure on a
    machine shared with other work: waiting for a core does not count."""
    lead = focus(database, "add", "sales_lead", "Acme Oy", code=code).stdout.strip()
    command = [sys.executable, "-m", "focus_tui", "--db", str(database)]
    command += ["import", str(mbox), "--to", lead]
    began = time.perf_counter()
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(code),
        cwd=database.parent,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    out = child.stdout.read().decode()
    err = child.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"import failed: {err or out}")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss // 1024, "\n".join(out.splitlines()[:6])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mbox-mb", type=int, default=500)
    parser.add_argument("--before", type=Path, metavar="DIR")
    args = parser.parse_args()
    compile_package()
    codes: dict[str, Path | None] = {"this": None}
    if args.before is not None:
        before = args.before.resolve()
        if not (before / "focus_tui" / "__init__.py").is_file():
            raise SystemExit(f"{before} holds no focus_tui package")
        codes = {"before": before, "this": None}
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(before / "focus_tui")],
            check=True,
        )
    os.environ.setdefault("FOCUS_TUI_USER", "bench")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        mailbox = folder / "typical.mbox"
        start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        size = write_mbox(mailbox, (typical(n, start) for n in range(args.messages)))
        print(f"typical mailbox: {args.messages:,} messages, {size / 2**20:.1f} MB")
        for label, code in codes.items():
            print(f"{label}: {package_of(code, folder)}")
        times: dict[str, list[float]] = {label: [] for label in codes}
        cpus: dict[str, list[float]] = {label: [] for label in codes}
        summaries = {}
        for run in range(args.runs):
            for label, code in codes.items():
                database = folder / f"{label}{run}.db"
                seconds, cpu, rss, summary = timed_import(database, mailbox, code)
                times[label].append(seconds)
                cpus[label].append(cpu)
                summaries[label] = summary
                print(
                    f"  run {run + 1} ({label}): {seconds:.2f} s, CPU {cpu:.2f} s, "
                    f"peak RSS {rss} MB"
                )
        for label in codes:
            print(f"{label}:")
            print(summaries[label])
            print(
                f"median import of {args.messages:,} messages ({label}): "
                f"{statistics.median(times[label]):.2f} s, CPU "
                f"{statistics.median(cpus[label]):.2f} s (n={len(times[label])})"
            )
        if args.mbox_mb:
            big = folder / "big.mbox"
            made = time.perf_counter()
            size = write_mbox(big, big_messages(args.mbox_mb))
            print(
                f"large mbox: {size / 2**20:.0f} MB written in "
                f"{time.perf_counter() - made:.0f} s"
            )
            for label, code in codes.items():
                seconds, cpu, rss, summary = timed_import(
                    folder / f"big-{label}.db", big, code
                )
                print(summary)
                print(
                    f"large mbox import ({label}): {seconds:.1f} s, CPU {cpu:.1f} s, "
                    f"peak RSS {rss} MB"
                )
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"machine load average (1, 5, 15 min): {load}")
    print("command: python benchmarks/bench_mail.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
