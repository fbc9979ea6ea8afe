"""Hostile input that used to end in a traceback: one plain line, nothing changed.

Each case here is one the CLI answered with a traceback (or echoed raw
control bytes) before; run through real `focus-tui` processes, as a user
would meet it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from focus_tui.core.errors import UserError
from focus_tui.core.text import shown
from focus_tui.domain import records, sales
from focus_tui.domain.records import ContactFields
from focus_tui.models import Record
from focus_tui.models.db import masked_url


def run(args: list, tmp_path: Path, **env) -> subprocess.CompletedProcess:
    environment = dict(
        os.environ,
        FOCUS_TUI_USER="tester",
        FOCUS_TUI_DB=str(tmp_path / "focus.db"),
        FOCUS_TUI_CONFIG_DIR=str(tmp_path / "config"),
    )
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "focus_tui", *args],
        capture_output=True,
        env=environment,
    )


def one_plain_line(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert len(err.splitlines()) == 1, err
    assert not any(ch in err for ch in "\x1b\x07\x9b"), repr(err)
    return err


def record_count(tmp_path: Path) -> int:
    db = tmp_path / "focus.db"
    if not db.exists():
        return 0
    return sqlite3.connect(db).execute("SELECT COUNT(*) FROM record").fetchone()[0]


def test_an_argument_that_is_not_utf8_is_refused(tmp_path):
    assert run(["add", "task", "before"], tmp_path).returncode == 0
    proc = run([b"add", b"task", b"x\xff\xfey"], tmp_path)
    assert proc.returncode == 2
    assert (
        "not UTF-8" in one_plain_line(proc) and "x\\xff\\xfey" in proc.stderr.decode()
    )
    assert record_count(tmp_path) == 1


@pytest.mark.parametrize("text", ["x\ud800y", "\udcff", "ok\udfffok"])
def test_lone_surrogates_are_refused_by_every_text_field(session, text):
    lead = records.create_record(session, "sales_lead", "Lead")
    offer = sales.create_proposal(session, lead.id, "Offer")
    before = list(Record.select().tuples())
    attempts = [
        lambda: records.create_record(session, "task", text),
        lambda: records.create_record(session, "task", "Fine", body=text),
        lambda: records.edit_record(session, lead.id, title=text),
        lambda: records.create_record(session, "task", "Fine", new_people=[text]),
        lambda: records.create_record(
            session, "contact_person", "Anna", contact=ContactFields(email=text)
        ),
        lambda: sales.mark_lost(session, offer.id, reason=text),
    ]
    for attempt in attempts:
        with pytest.raises(UserError, match="not text"):
            attempt()
    assert list(Record.select().tuples()) == before


def test_shown_makes_bad_bytes_and_controls_visible():
    assert shown("a\udcffb") == "a\\xffb"
    assert shown("a\ud800b") == "a\\ud800b"
    assert shown("bell\x07 esc\x1b") == "bell␇ esc␛"
    assert shown("plain") == "plain"


@pytest.mark.parametrize(
    "url, says",
    [
        ("postgresql://[::1", "malformed"),
        ("postgresql://user@:notaport/db", "malformed"),
        ("postgresql://127.0.0.1:99999/db", "malformed"),
        ("postgres://", "names no database"),
    ],
)
def test_malformed_postgresql_urls_are_one_line(tmp_path, url, says):
    proc = run(["--db", url, "list"], tmp_path)
    assert proc.returncode == 2
    assert says in one_plain_line(proc)


def test_a_password_is_never_repeated():
    assert masked_url("postgresql://bob:s3cret@db.example:5432/sales") == (
        "postgresql://bob:***@db.example:5432/sales"
    )
    assert masked_url("postgresql://bob@db/sales") == "postgresql://bob@db/sales"
    assert masked_url("/home/bob/focus.db") == "/home/bob/focus.db"


def test_a_refused_connection_hides_the_password(tmp_path):
    proc = run(["--db", "postgresql://bob:s3cret@127.0.0.1:1/x", "list"], tmp_path)
    assert proc.returncode == 3
    assert "s3cret" not in one_plain_line(proc)


def test_control_bytes_in_a_path_are_not_echoed(tmp_path):
    proc = run(["--db", "/tmp/nope\x1b]0;pwned\x07/x.db", "list"], tmp_path)
    assert proc.returncode == 3
    assert "does not exist" in one_plain_line(proc)


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe[defaults]\n", b'defaults = "SEK"\n', b"x = " + b"[" * 100_000],
    ids=["not-utf8", "defaults-not-a-table", "deeply-nested"],
)
def test_a_broken_settings_file_falls_back_to_the_defaults(tmp_path, content):
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_bytes(content)
    assert run(["add", "task", "Call Anna"], tmp_path).returncode == 0
    for command in (["list"], ["report", "pipeline"], ["report", "stats"]):
        proc = run(command, tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert b"Traceback" not in proc.stderr


def test_a_full_disk_for_the_output_is_one_line(tmp_path):
    assert run(["add", "task", "Call Anna"], tmp_path).returncode == 0
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "focus_tui", "list"],
            stdout=full,
            stderr=subprocess.PIPE,
            env=dict(
                os.environ,
                FOCUS_TUI_USER="tester",
                FOCUS_TUI_DB=str(tmp_path / "focus.db"),
                FOCUS_TUI_CONFIG_DIR=str(tmp_path / "config"),
            ),
        )
    assert proc.returncode == 3
    assert "No space left" in one_plain_line(proc)


def test_an_output_that_cannot_show_a_character_gets_a_stand_in(tmp_path):
    assert run(["add", "task", "Café ☕ meeting"], tmp_path).returncode == 0
    proc = run(["list"], tmp_path, PYTHONIOENCODING="ascii")
    assert proc.returncode == 0, proc.stderr
    assert b"Caf? ? meeting" in proc.stdout


def test_relative_dates_with_a_minus_are_values_not_options(tmp_path):
    # README lists "-2d"; argparse took it for an unknown option.
    proc = run(["add", "task", "Call Anna", "--date", "-5d"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = run(["move", "1", "-2d"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    db = sqlite3.connect(tmp_path / "focus.db")
    (day,) = db.execute("SELECT date FROM record WHERE id = 1").fetchone()
    from datetime import date, timedelta

    from focus_tui.core.clock import Clock

    assert date.fromisoformat(str(day)[:10]) == Clock().today() - timedelta(2)
    # A real unknown option is still refused in one line.
    proc = run(["list", "--colour"], tmp_path)
    assert proc.returncode == 2 and "unrecognized" in one_plain_line(proc)


def _umask_022():
    os.umask(0o022)


def test_new_files_are_owner_only_at_umask_022(tmp_path):
    """A sales database and its reports are private: another local user
    could read them at the usual umask before."""
    data = tmp_path / "deep" / "data"
    env = dict(
        os.environ,
        FOCUS_TUI_USER="tester",
        FOCUS_TUI_DATA_DIR=str(data),
        FOCUS_TUI_CONFIG_DIR=str(tmp_path / "config"),
    )
    env.pop("FOCUS_TUI_DB", None)
    report = tmp_path / "report.xlsx"
    for args in (["add", "task", "Call Anna"], ["export", "--out", str(report)]):
        proc = subprocess.run(
            [sys.executable, "-m", "focus_tui", *args],
            capture_output=True,
            env=env,
            preexec_fn=_umask_022,
        )
        assert proc.returncode == 0, proc.stderr
    modes = {
        path.relative_to(tmp_path).as_posix(): path.stat().st_mode & 0o777
        for path in (data.parent, data, *data.iterdir(), report)
    }
    assert modes["deep"] == modes["deep/data"] == 0o700, modes
    assert modes["deep/data/focus.db"] == 0o600, modes
    assert all(mode == 0o600 for name, mode in modes.items() if "." in name), modes


def test_an_existing_files_mode_is_left_alone(tmp_path):
    db = tmp_path / "shared.db"
    db.touch(mode=0o640)
    os.chmod(db, 0o640)
    proc = run(["--db", str(db), "add", "task", "Call Anna"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert db.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("zone", ["UTC+99", "Etc/GMT+99", "EST+30"])
def test_a_zone_hours_beyond_any_real_one_is_refused(tmp_path, zone):
    # Before: times shifted by 99 h, and a dated add crashed.
    proc = run(
        ["add", "task", "Call", "--date", "today 10:00"], tmp_path, FOCUS_TUI_TZ=zone
    )
    assert proc.returncode == 2
    assert "FOCUS_TUI_TZ" in one_plain_line(proc)
    assert record_count(tmp_path) == 0


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12", "EST5EDT"])
def test_real_zones_at_the_edges_still_work(tmp_path, zone):
    proc = run(
        ["add", "task", "Call", "--date", "today 10:00"], tmp_path, FOCUS_TUI_TZ=zone
    )
    assert proc.returncode == 0, proc.stderr


def test_json_output_escapes_del_and_c1_controls(tmp_path):
    title = "Deal\x7f with\x85 \x9b31m red\x1b"
    assert run(["add", "task", title], tmp_path).returncode == 0
    proc = run(["list", "--format", "json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    assert not any(ch in out for ch in "\x7f\x85\x9b\x1b"), repr(out)
    import json

    assert json.loads(out)[0]["title"] == " ".join(title.split())  # one line


KILLED_EXPORT = """
import os, signal, sys
from focus_tui.domain import records
from focus_tui.domain.session import open_session
from focus_tui.export.xlsx import export_xlsx
session = open_session(sys.argv[1], "tester")
with session.db.atomic():
    for i in range(1500):
        records.create_record(session, "task", f"Task {i}")
def progress(done, total):
    if done:  # rows are being written: kill -9, as a crash or a closed SSH would
        os.kill(os.getpid(), signal.SIGKILL)
export_xlsx(session, sys.argv[2], progress=progress)
"""


def test_a_kill_during_an_export_leaves_nothing_beside_the_target(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_EXPORT,
            str(tmp_path / "k.db"),
            str(out / "r.xlsx"),
        ],
        capture_output=True,
    )
    assert proc.returncode == -9, proc.stderr
    assert list(out.iterdir()) == []


def test_report_person_does_not_tell_whether_a_stranger_exists(tmp_path):
    assert (
        run(["add", "task", "Bob's task"], tmp_path, FOCUS_TUI_USER="bob").returncode
        == 0
    )
    assert (
        run(["add", "task", "Alice's"], tmp_path, FOCUS_TUI_USER="alice").returncode
        == 0
    )
    answers = [
        run(["report", "phases", "--person", name], tmp_path, FOCUS_TUI_USER="alice")
        for name in ("bob", "carol")  # bob exists (in no cloud of alice's), carol not
    ]
    assert answers[0].returncode == answers[1].returncode == 2
    assert one_plain_line(answers[0]).replace("bob", "X") == one_plain_line(
        answers[1]
    ).replace("carol", "X")


def test_ids_are_ascii_digits_only(tmp_path):
    # "٣" was taken as id 3; "²" and "①" ended in ValueError from int().
    for i in range(3):
        assert run(["add", "task", f"Task {i + 1}"], tmp_path).returncode == 0
    commands = ["finish", "unfinish", "focus", "send", "lost", "sold"]
    commands += ["delivered", "billed", "undo"]
    for digits in ("²", "①", "٣", "３"):
        for command in commands:
            proc = run([command, digits], tmp_path)
            assert proc.returncode == 2, (command, digits)
            assert "not a record id" in one_plain_line(proc), (command, digits)
    db = sqlite3.connect(tmp_path / "focus.db")
    assert db.execute("SELECT COUNT(*) FROM event").fetchone() == (3,)  # created
    assert db.execute("SELECT COUNT(*) FROM time_entry").fetchone() == (0,)


@pytest.mark.parametrize("cut", [1, 8192], ids=["one-byte", "two-pages"])
def test_a_cut_database_is_never_written_to(tmp_path, cut):
    """A file cut short (a full disk, a copy that stopped) is found before
    anything is read or written, at the cost of reading its header."""
    assert run(["demo", "--records", "50"], tmp_path).returncode == 0
    db = tmp_path / "focus.db"
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    Path(f"{db}-wal").unlink(missing_ok=True)
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size - cut)
    before = db.read_bytes()
    for command in (["list"], ["status"], ["add", "task", "x"], ["report", "stats"]):
        proc = run(command, tmp_path)
        assert proc.returncode == 3, (command, proc.stderr)
        assert "is damaged" in one_plain_line(proc)
    assert db.read_bytes() == before


def _settled_demo(tmp_path: Path, records: int) -> Path:
    """A demo database as one file, as a copy of it would be."""
    assert run(["demo", "--records", str(records)], tmp_path).returncode == 0
    db = tmp_path / "focus.db"
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    Path(f"{db}-wal").unlink(missing_ok=True)
    Path(f"{db}-shm").unlink(missing_ok=True)
    return db


def _overwrite_page(db: Path, number: int, content: bytes) -> None:
    with db.open("r+b") as handle:
        handle.seek((number - 1) * 4096)
        handle.write(content)


def every_kind(tmp_path: Path) -> list[list[str]]:
    """Every command of the CLI, with arguments it would take on a sound file."""
    commands = [["list"], ["status"], ["add", "task", "x"], ["unfocus"]]
    commands += [["add", "--quick", "task x"], ["edit", "1", "--title", "x"]]
    commands += [["serve", "--port", "1"]]  # refused before it would serve
    commands += [["report", which] for which in ("phases", "pipeline", "stats")]
    commands += [["export", "--out", str(tmp_path / "out.xlsx")]]
    commands += [["backup", str(tmp_path / "copy.db")], ["demo"], ["move", "1", "fri"]]
    commands += [[step, "1"] for step in ("finish", "unfinish", "focus", "send")]
    commands += [[step, "1"] for step in ("revise", "lost", "sold", "delivered")]
    commands += [["billed", "1"], ["undo", "1"], ["show", "1"], ["who"]]
    commands += [["search", "x"], ["people"]]
    commands += [
        ["cloud", "list"],
        ["cloud", "create", "New"],
        ["actor", "add", "1", "x"],
    ]
    commands += [["move-to-cloud", "1", "New"], ["user", "add", "x"], ["feed", "x"]]
    commands += [["time", "list"], ["time", "delete", "1"]]
    commands += [["import-time", "watson", str(tmp_path / "frames")]]
    commands += [["import", str(tmp_path / "inbox.mbox"), "--to", "1"]]
    commands += [["attach", "1", str(tmp_path / "frames")], ["files", "1"]]
    commands += [["file", "get", "1", "--out", str(tmp_path / "got")]]
    commands += [["file", "delete", "1"]]
    commands += [["templates"], ["template", "save", "1", "x"]]
    commands += [["template", "rename", "x", "y"], ["template", "delete", "x"]]
    commands += [
        ["add", "task", "x", "--template", "x"],
        ["sold", "1", "--template", "x"],
    ]
    assert {c[0] for c in commands} | {"check"} == set(_cli_commands())
    return commands


def _cli_commands() -> list[str]:
    import argparse

    from focus_tui.cli import build_parser

    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


@pytest.mark.parametrize("content", ["random", "zeros"])
def test_a_last_page_overwritten_is_found_at_open(tmp_path, content):
    """The tail of the file is what a write that stopped half-way leaves
    wrong: each command refuses the file before SQLite touches it."""
    db = _settled_demo(tmp_path, 300)
    pages = db.stat().st_size // 4096
    _overwrite_page(db, pages, os.urandom(4096) if content == "random" else bytes(4096))
    before = db.read_bytes()
    for command in every_kind(tmp_path):
        proc = run(command, tmp_path)
        assert proc.returncode == 3, (command, proc.stderr)
        line = one_plain_line(proc)
        assert f"is damaged (its page {pages} does not read back" in line
        assert line.endswith("`focus-tui check` tells more; restore from a backup.\n")
    check = run(["check"], tmp_path)
    assert check.returncode == 3 and b"DAMAGED" in check.stdout
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["focus.db"]


def test_damage_found_while_working_is_one_line_and_undone(tmp_path):
    """A page in the middle (the records table's root) is read only when a
    command needs it: the transaction is undone and the line is the same."""
    db = _settled_demo(tmp_path, 3000)
    root = (
        sqlite3.connect(db)
        .execute("SELECT rootpage FROM sqlite_schema WHERE name = 'record'")
        .fetchone()[0]
    )
    assert root < db.stat().st_size // 4096 - 8  # not one the open-time look reads
    _overwrite_page(db, root, os.urandom(4096))
    before = db.read_bytes()
    for command in (["list"], ["add", "task", "x"], ["list", "--all"]):
        proc = run(command, tmp_path)
        assert proc.returncode == 3, (command, proc.stderr)
        line = one_plain_line(proc)
        assert (
            "is damaged (database disk image is malformed); nothing was written" in line
        )
    assert db.read_bytes() == before


def test_a_free_page_holds_anything_and_is_not_damage(tmp_path):
    """A page on the free list keeps whatever it held: the quick look finds it
    odd, SQLite's quick check clears it, and the file opens."""
    assert run(["add", "task", "Keep me"], tmp_path).returncode == 0
    db = tmp_path / "focus.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE scratch (x BLOB)")
    con.executemany("INSERT INTO scratch VALUES (?)", [(os.urandom(3000),)] * 200)
    con.commit()
    con.execute("DELETE FROM scratch WHERE rowid > 1")  # the table keeps its tail
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    Path(f"{db}-wal").unlink(missing_ok=True)
    data = db.read_bytes()
    trunk = int.from_bytes(data[32:36], "big")
    leaves = int.from_bytes(
        data[(trunk - 1) * 4096 + 4 : (trunk - 1) * 4096 + 8], "big"
    )
    first = (trunk - 1) * 4096 + 8
    numbers = [
        int.from_bytes(data[first + 4 * i : first + 4 * i + 4], "big")
        for i in range(leaves)
    ]
    last_page = len(data) // 4096
    assert last_page in numbers or trunk == last_page
    if trunk != last_page:
        _overwrite_page(db, last_page, os.urandom(4096))
    proc = run(["list"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert b"Keep me" in proc.stdout


FULL_DISK = """
set -e
mount -t tmpfs -o size=1m tmpfs "$DISK"
focus-tui() { "$PYTHON" -m focus_tui "$@"; }
focus-tui add task "Before the disk filled" > /dev/null
head -c 4M /dev/urandom > "$DISK/filler" 2> /dev/null || true
set +e
focus-tui add note "$(head -c 300 /dev/urandom | base64 -w0)" 2> "$OUT/add.err"
echo $? > "$OUT/add.rc"
focus-tui list > "$OUT/list.out" 2> "$OUT/list.err"
echo $? > "$OUT/list.rc"
rm "$DISK/filler"
focus-tui add task "After space was freed" > /dev/null 2> "$OUT/after.err"
echo $? > "$OUT/after.rc"
focus-tui list > "$OUT/after.out"
"""


def test_a_full_disk_says_so_and_keeps_the_records(tmp_path):
    """A real full file system: a 1 MB tmpfs, mounted in a private mount
    namespace (`unshare -rm` needs no privileges beyond user namespaces)."""
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    env = dict(
        os.environ,
        DISK=str(disk),
        OUT=str(out),
        PYTHON=sys.executable,
        FOCUS_TUI_USER="tester",
        FOCUS_TUI_DB=str(disk / "focus.db"),
        FOCUS_TUI_CONFIG_DIR=str(tmp_path / "config"),
    )
    proc = subprocess.run(
        ["unshare", "-rm", "bash", "-c", FULL_DISK], env=env, capture_output=True
    )
    assert proc.returncode == 0, proc.stderr

    def read(name: str) -> str:
        return (out / name).read_text()

    assert read("add.rc").strip() == "3"
    err = read("add.err")
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert "is full; nothing was written. Free some space and try again." in err
    # Even a read needs room for SQLite's shared-memory file: the same line.
    assert read("list.rc").strip() == "3"
    assert read("list.err") == err
    assert read("after.rc").strip() == "0", read("after.err")
    listed = read("after.out")
    assert "Before the disk filled" in listed
    assert listed.count("\n") == 3  # the heading and two tasks: no half note
    assert "After space was freed" in read("after.out")


WRITING = """
import sys, time
from focus_tui.domain import records
from focus_tui.domain.session import open_session
session = open_session(sys.argv[1], "bob")
print("ready", flush=True)
end = time.monotonic() + float(sys.argv[2])
i = 0
while time.monotonic() < end:
    records.create_record(session, "task", f"bob {i}")
    i += 1
print(i, flush=True)
"""


def test_check_and_backup_while_another_process_writes(tmp_path):
    assert run(["demo", "--records", "3000"], tmp_path).returncode == 0
    db = tmp_path / "focus.db"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITING, str(db), "6"],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, FOCUS_TUI_TZ="UTC"),
    )
    assert writer.stdout.readline().strip() == "ready"
    check = run(["check"], tmp_path)
    copies = [tmp_path / f"copy{i}.db" for i in range(3)]
    backups = [run(["backup", str(copy)], tmp_path) for copy in copies]
    written = int(writer.communicate(timeout=60)[0].strip())
    assert writer.returncode == 0 and written > 0
    assert check.returncode == 0 and b"sound" in check.stdout, check.stderr
    for copy, proc in zip(copies, backups, strict=True):
        assert proc.returncode == 0, proc.stderr
        assert copy.stat().st_mode & 0o777 == 0o600
        proc = run(["--db", str(copy), "check"], tmp_path)
        assert proc.returncode == 0 and b"sound" in proc.stdout, proc.stderr
        tasks = (
            sqlite3.connect(copy)
            .execute("SELECT COUNT(*) FROM record WHERE title LIKE 'bob %'")
            .fetchone()[0]
        )
        assert 0 <= tasks <= written
    # A backup never replaces a file, and PostgreSQL is pointed to pg_dump.
    proc = run(["backup", str(copies[0])], tmp_path)
    assert proc.returncode == 2 and "exists already" in one_plain_line(proc)
    proc = run(["--db", "postgresql://u:pw@127.0.0.1/x", "backup", "x"], tmp_path)
    assert proc.returncode == 2 and "pg_dump" in one_plain_line(proc)


def test_check_finds_a_damaged_file_and_readable_modes(tmp_path):
    assert run(["add", "task", "Call Anna"], tmp_path).returncode == 0
    db = tmp_path / "focus.db"
    os.chmod(db, 0o644)
    proc = run(["check"], tmp_path)
    assert proc.returncode == 0 and b"sound" in proc.stdout
    assert b"others can read" in proc.stderr
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size - 100)
    proc = run(["check"], tmp_path)
    assert proc.returncode == 3 and b"DAMAGED" in proc.stdout


def test_a_read_by_an_unknown_user_creates_nobody(tmp_path):
    assert (
        run(
            ["add", "task", "Alice's secret"], tmp_path, FOCUS_TUI_USER="alice"
        ).returncode
        == 0
    )
    db = tmp_path / "focus.db"

    def people() -> tuple:
        con = sqlite3.connect(db)
        return (
            con.execute("SELECT name FROM user ORDER BY name").fetchall(),
            con.execute("SELECT COUNT(*) FROM cloud").fetchone(),
        )

    before = people()
    reads = [
        ["list", "--all", "--format", "json"],
        ["status"],
        ["report", "phases"],
        ["report", "stats", "--format", "json"],
        ["report", "--person", "alice", "phases"],
        ["export", "--out", str(tmp_path / "ghost.xlsx")],
    ]
    for command in reads:
        proc = run(command, tmp_path, FOCUS_TUI_USER="ghost")
        assert proc.returncode in (0, 2), (command, proc.stderr)
        assert b"Traceback" not in proc.stderr
        assert b"secret" not in proc.stdout, command
    assert people() == before
    # Writing as a new user is what makes the user (with a private cloud).
    assert (
        run(["add", "task", "Mine"], tmp_path, FOCUS_TUI_USER="ghost").returncode == 0
    )
    assert ("ghost",) in people()[0]


def test_a_refused_first_write_by_a_new_user_adds_nobody(tmp_path):
    """Found by the fuzz suite: the user (and a private cloud) was added
    before the command was refused. Now it is added inside the command's
    transaction, and undone with it."""
    assert run(["add", "task", "Call Anna"], tmp_path).returncode == 0
    db = tmp_path / "focus.db"
    before = db.read_bytes()
    for command in (["add", "task", "x", "--parent", "99"], ["focus", "1"], ["demo"]):
        proc = run(command, tmp_path, FOCUS_TUI_USER="newcomer")
        assert proc.returncode == 2, (command, proc.stderr)
        one_plain_line(proc)
    assert db.read_bytes() == before
    proc = run(["add", "task", "Mine"], tmp_path, FOCUS_TUI_USER="newcomer")
    assert proc.returncode == 0, proc.stderr
    con = sqlite3.connect(db)
    assert con.execute("SELECT name FROM user ORDER BY id").fetchall() == [
        ("tester",),
        ("newcomer",),
    ]
    assert con.execute(
        "SELECT cloud.name FROM record JOIN cloud ON cloud.id = record.cloud_id"
        " WHERE record.title = 'Mine'"
    ).fetchone() == ("newcomer (private)",)


def test_option_ids_and_counts_are_ascii_digits_too(tmp_path):
    assert run(["add", "lead", "Acme"], tmp_path).returncode == 0
    for digits in ("٣", "١", "²"):
        proc = run(["add", "task", "x", "--parent", digits], tmp_path)
        assert proc.returncode == 2 and "not a record id" in one_plain_line(proc)
    proc = run(["demo", "--records", "٥٠"], tmp_path / "other")
    assert proc.returncode == 2 and "not a whole number" in one_plain_line(proc)
    assert record_count(tmp_path) == 1


def test_a_report_refuses_an_option_it_would_ignore(tmp_path):
    assert run(["add", "task", "Call Anna"], tmp_path).returncode == 0
    for command in (
        ["report", "pipeline", "--from", "Call Anna"],
        ["report", "pipeline", "--cloud", "x"],
        ["report", "stats", "--by", "deal"],
    ):
        proc = run(command, tmp_path)
        assert proc.returncode == 2, command
        assert "takes no --" in one_plain_line(proc)
    assert run(["report", "phases", "--by", "deal"], tmp_path).returncode == 0


def test_a_usage_mistake_shows_control_characters_visibly(tmp_path):
    proc = run(["list", "\x1b]0;pwned\x07", "two\nlines"], tmp_path)
    assert proc.returncode == 2
    assert "unrecognized arguments" in one_plain_line(proc)


@pytest.mark.sqlite_file
def test_a_nul_in_a_path_is_refused(session, tmp_path):
    """argv cannot hold a NUL, but the TUI's path boxes can."""
    from focus_tui.domain.maintenance import backup_database
    from focus_tui.export.xlsx import export_xlsx
    from focus_tui.views.report_view import ViewSettings

    before = sorted(p.name for p in tmp_path.iterdir())
    for attempt in (
        lambda: export_xlsx(session, str(tmp_path / "a\x00b.xlsx"), ViewSettings()),
        lambda: backup_database(str(session.db.database), str(tmp_path / "c\x00")),
    ):
        with pytest.raises(UserError, match="NUL character"):
            attempt()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_control_bytes_in_an_export_path_are_not_echoed(tmp_path):
    assert run(["add", "task", "Call Anna"], tmp_path).returncode == 0
    for out in ("/tmp/nope\x1b]0;pwned\x07/r.xlsx", str(tmp_path / "r\x1b[2J.txt")):
        proc = run(["export", "--out", out], tmp_path)
        assert proc.returncode == 2
        assert "␛" in one_plain_line(proc)
