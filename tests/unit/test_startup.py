"""What a short command skips to answer at once must not change what it does:
the parser of one command, the folders without platformdirs, the zone read
when first needed."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from datetime import UTC, datetime

import platformdirs
import pytest

from focus_tui import cli, config
from focus_tui.core.clock import Clock

COMMAND_LINES = [
    ["status"],
    ["--db", "x.db", "status"],
    ["--user", "bob", "--db=x.db", "focus", "12", "--at", "9:00"],
    ["--user=bob", "unfocus", "--at", "-5m"],
    ["report", "phases", "--by", "deal", "--format", "csv", "--from", "-5d"],
    ["time", "edit", "3", "--from", "9:00", "--record", "7", "--trim"],
    ["cloud", "add", "Nordic", "bob", "--owner"],
    ["export", "--out", "a.xlsx", "--open", "--type", "task"],
    ["billed", "4", "2026-11-30", "--monthly"],
    ["--us", "bob", "status"],  # an abbreviated option: every parser
    ["--demo"],
    [],
]


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=" ".join)
def test_one_command_parser_reads_a_line_as_the_whole_parser_does(argv):
    assert cli.parse_arguments(argv) == cli.build_parser().parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [["stauts"], ["report", "nope"], ["time", "lst"], ["status", "--bogus"]],
    ids=" ".join,
)
def test_mistakes_are_told_as_the_whole_parser_tells_them(argv, capsys):
    with pytest.raises(SystemExit) as one:
        cli.parse_arguments(argv)
    said = capsys.readouterr().err
    with pytest.raises(SystemExit) as whole:
        cli.build_parser().parse_args(argv)
    assert one.value.code == whole.value.code
    assert said == capsys.readouterr().err
    if argv == ["stauts"]:  # a typo lists every command
        assert "'status'" in said and "'import-time'" in said


def test_a_command_leaves_the_collector_as_it_found_it(db_path, capsys):
    before = gc.get_threshold()
    assert cli.main(["--db", str(db_path), "--user", "tester", "status"]) == 0
    assert gc.get_threshold() == before


@pytest.mark.skipif(not config._XDG, reason="the XDG rule is read only there")
@pytest.mark.parametrize("xdg", [None, "", "/srv/xdg home"])
def test_folders_are_where_platformdirs_puts_them(monkeypatch, xdg):
    monkeypatch.delenv("FOCUS_TUI_DATA_DIR")
    monkeypatch.delenv("FOCUS_TUI_CONFIG_DIR", raising=False)
    monkeypatch.delenv("FOCUS_TUI_DB", raising=False)
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        if xdg is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, xdg)
    assert config.user_folder("data") == platformdirs.user_data_dir(
        "focus-tui", appauthor=False
    )
    assert config.user_folder("config") == platformdirs.user_config_dir(
        "focus-tui", appauthor=False
    )
    assert config.default_database() == os.path.join(
        platformdirs.user_data_dir("focus-tui", appauthor=False), "focus.db"
    )


_IMPORTS = "from datetime import UTC, datetime; from focus_tui.core.clock import Clock"


def _local(zone_env: dict, code: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("TZ", "FOCUS_TUI_TZ")}
    env.update(zone_env)
    return subprocess.run(
        [sys.executable, "-c", f"{_IMPORTS}; {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


SUMMER = "Clock(fixed=datetime(2026, 7, 1, 12, tzinfo=UTC))"


@pytest.mark.parametrize(
    "zone_env, expected",
    [
        ({"TZ": "Europe/Helsinki"}, "15:00"),
        ({"TZ": ":America/New_York"}, "08:00"),
        ({"TZ": "EST5EDT"}, "08:00"),
        ({"TZ": "Asia/Kolkata", "FOCUS_TUI_TZ": "Europe/Helsinki"}, "15:00"),
    ],
)
def test_the_system_zone_follows_tz(zone_env, expected):
    shown = _local(zone_env, f"print({SUMMER}.local_now().strftime('%H:%M'))")
    assert shown == expected


def test_a_zone_is_read_only_when_needed_but_a_wrong_setting_at_once(monkeypatch):
    monkeypatch.delenv("FOCUS_TUI_TZ")
    clock = Clock(fixed=datetime(2026, 7, 1, 12, tzinfo=UTC))
    assert clock._zone is None and clock.now_utc_naive() == datetime(2026, 7, 1, 12)
    assert clock.zone is clock.zone  # read once, then kept
    monkeypatch.setenv("FOCUS_TUI_TZ", "Mars/Olympus")
    from focus_tui.core.errors import UserError

    with pytest.raises(UserError, match="FOCUS_TUI_TZ"):
        Clock()


def test_a_command_closes_its_database_before_the_quick_exit(tmp_path):
    """`focus-tui` leaves the exit to the interpreter without collecting;
    the database is closed first, so SQLite folds its log back into the
    file and nothing but the file is left beside it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOCUS_TUI_")}
    env.update(FOCUS_TUI_DB=str(tmp_path / "focus.db"), FOCUS_TUI_USER="tester")
    script = os.path.join(os.path.dirname(sys.executable), "focus-tui")

    def focus_tui(*args: str) -> str:
        return subprocess.run(
            [script, *args], env=env, capture_output=True, text=True, check=True
        ).stdout

    lead = focus_tui("add", "lead", "Acme Oy").strip()
    assert focus_tui("focus", lead) == f"Focusing on #{lead} Acme Oy.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["focus.db"]
    assert focus_tui("status").startswith(f"#{lead}\tAcme Oy\t")
    assert focus_tui("unfocus").startswith(f"Stopped #{lead} Acme Oy after ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["focus.db"]


def test_a_sqlite_start_leaves_the_postgresql_driver_unimported(tmp_path):
    """Peewee would import psycopg with itself (most of a start-up beyond
    Textual's, focus_tui/__init__.py); on SQLite nothing needs it. (Making a
    new database's schema may: Peewee's migrator imports it.)"""
    assert cli.main(["--db", str(tmp_path / "f.db"), "--user", "a", "status"]) == 0
    probe = (
        "import sys\n"
        "from focus_tui import cli\n"
        f"assert cli.main(['--db', {str(tmp_path / 'f.db')!r}, '--user', 'a', 'status']) == 0\n"
        "import peewee\n"
        "print('psycopg' in sys.modules, peewee.psycopg is None)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1] == "False True"


def test_peewee_gets_the_driver_when_a_postgresql_url_is_opened():
    psycopg = pytest.importorskip("psycopg")
    import peewee

    from focus_tui.models.db import make_database

    db = make_database("postgresql://nobody@127.0.0.1:1/none")
    assert peewee.psycopg is psycopg
    assert peewee.Psycopg3Adapter.txn_idle == psycopg.pq.TransactionStatus.IDLE
    assert isinstance(db._adapter, peewee.Psycopg3Adapter)
