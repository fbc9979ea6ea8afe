"""Property-based fuzzing of everything a user types (Hypothesis).

The promises of "bad input gets a clear message and changes nothing", for
any text at all, not just the cases someone thought of:

- the parsers (dates, sums, ids, URLs, settings.toml) either return a value
  or raise the project's own UserError, never anything else;
- a stored title reads back as typed (whitespace runs made one space);
- every CLI command, given arbitrary arguments, exits 0 or 2 with no
  traceback and no raw control byte, and an exit 2 leaves the database file
  unchanged, byte for byte, and creates no file.

CI runs the "ci" profile (see tests/conftest.py); HYPOTHESIS_PROFILE=thorough
runs many more examples locally.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shutil
import string
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from focus_tui import cli, config
from focus_tui.core.dates import FUTURE, MAX_DATE, MIN_DATE, PAST, parse_day, parse_when
from focus_tui.core.errors import DatabaseUnavailable, UserError
from focus_tui.core.money import (
    CURRENCIES,
    MAX_AMOUNT,
    format_amount,
    parse_amount,
    parse_money,
    parse_terms,
)
from focus_tui.domain import access, records
from focus_tui.domain.session import open_session
from focus_tui.models import db as db_module

# Characters that broke things before, or could: controls (C0, DEL, C1),
# lone surrogates (undecodable argv bytes), digits that are not ASCII,
# invisible and right-to-left marks, the characters of the grammars.
NASTY = (
    "\x00\x07\x08\x1b\x7f\x85\x9b\u200b\u202e\ufeff\ud800\udcff\udfff"
    "٣²①３\u00a0\u2009\u2212–—€$£łzč#+-.,:/'()[]{}\"\\=@%"
)


def hostile_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Any Unicode, surrogates included, biased towards NASTY and ASCII."""
    return st.text(
        alphabet=st.one_of(
            st.sampled_from(NASTY),
            st.sampled_from(string.printable),
            st.characters(exclude_categories=()),
        ),
        max_size=max_size,
    )


def from_words(words: list[str], max_words: int = 4) -> st.SearchStrategy[str]:
    """Text made of a grammar's own words, numbers and separators: gets much
    nearer to the edge of what it accepts than random characters do."""
    token = st.one_of(
        st.sampled_from(words),
        st.integers(-99999, 99999).map(str),
        st.sampled_from(list(" .,:+-/'") + ["  ", "\t"]),
        hostile_text(3),
    )
    return st.lists(token, max_size=max_words).map(" ".join)


DATE_WORDS = [
    "today",
    "tod",
    "tomorrow",
    "tom",
    "tmr",
    "yesterday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "monday",
    "next",
    "last",
    "week",
    "month",
    "year",
    "end",
    "of",
    "eow",
    "eom",
    "eoy",
    "in",
    "a",
    "day",
    "days",
    "weeks",
    "months",
    "at",
    "am",
    "pm",
    "none",
    "someday",
    "-",
    "+3d",
    "-2d",
    "+1w",
    "+1m",
    "+1y",
    "2026-12-03",
    "3.12.",
    "3.12.2026",
    "dec",
    "december",
    "jan",
    "feb",
    "3rd",
    "1st",
    "14:00",
    "2pm",
    "2:30pm",
    "14.30",
    "24:00",
    "0:60",
]
MONEY_WORDS = [
    "1200",
    "1",
    "200",
    "1.200,50",
    "1,200.50",
    ".5",
    "€",
    "$",
    "£",
    "EUR",
    "SEK",
    "USD",
    "eur",
    "zł",
    "Kč",
    "1'200",
    "1e9",
    "-5",
    "0",
    "999999999999",
    "1000000000000",
    "0.001",
    "(",
    ")",
]

days = st.dates(min_value=MIN_DATE, max_value=MAX_DATE)


@given(text=st.one_of(hostile_text(), from_words(DATE_WORDS)), today=days)
def test_a_date_is_read_or_refused_with_a_message(text, today):
    for reading in (PAST, FUTURE):
        try:
            when = parse_when(text, today, reading=reading)
        except UserError as exc:
            assert str(exc).strip()
            continue
        assert when.date is None or MIN_DATE <= when.date <= MAX_DATE
    try:
        day = parse_day(text, today)
    except UserError:
        return
    assert isinstance(day, date) and MIN_DATE <= day <= MAX_DATE


@given(text=st.one_of(hostile_text(), from_words(MONEY_WORDS)))
def test_a_sum_is_read_or_refused_and_reads_back(text):
    try:
        money = parse_money(text)
    except UserError:
        return
    assert isinstance(money.amount, Decimal) and money.amount.is_finite()
    assert 0 <= money.amount <= MAX_AMOUNT
    assert money.currency is None or money.currency in CURRENCIES
    shown = format_amount(money.amount, money.currency)
    assert parse_amount(shown) == money.amount.quantize(Decimal("0.01"))


@given(
    one_time=st.none() | from_words(MONEY_WORDS),
    monthly=st.none() | hostile_text(12),
    currency=st.none() | st.sampled_from([*CURRENCIES][:5]) | hostile_text(5),
)
def test_terms_are_read_or_refused(one_time, monthly, currency):
    with contextlib.suppress(UserError):
        parse_terms(one_time, monthly, currency)


@given(text=st.one_of(hostile_text(12), st.integers(0, 10**12).map(str)))
def test_an_id_is_ascii_digits_or_refused(text):
    digits = text.strip().removeprefix("#")
    try:
        value = access.parse_id(text)
    except UserError:
        assert not (digits.isascii() and digits.isdigit())
        return
    assert digits.isascii() and digits.isdigit() and value == int(digits)


URL_PARTS = st.one_of(
    hostile_text(8),
    st.sampled_from(["", ":", "@", "[", "]", "[::1]", "localhost", "99999", "/"]),
)


@given(
    scheme=st.sampled_from(["postgresql://", "postgres://"]),
    user=URL_PARTS,
    host=URL_PARTS,
    port=st.one_of(URL_PARTS, st.integers(-1, 70000).map(str)),
    name=URL_PARTS,
)
def test_a_postgresql_url_is_accepted_or_refused_and_hides_the_password(
    scheme, user, host, port, name
):
    secret = "S3cr3t-pw"
    url = f"{scheme}{user}:{secret}@{host}:{port}/{name}"
    try:
        db_module.make_database(url)  # builds, never connects
    except (UserError, DatabaseUnavailable) as exc:
        assert secret not in str(exc)
        assert not re.search("[\x00-\x1f\x7f-\x9f]", str(exc)), repr(str(exc))
    assert secret not in db_module.masked_url(url)


SETTINGS_WORDS = [
    "[defaults]",
    "[rates]",
    "currency",
    "=",
    "date",
    "SEK",
    "EUR",
    "USD",
    "0.087",
    "2026-11-30",
    '"SEK"',
    '""',
    "[",
    "]",
    "{",
    "}",
    ",",
    "\n",
    "#",
    "true",
    "[[x]]",
    "defaults.currency",
]


@given(
    content=st.one_of(
        st.binary(max_size=200),
        from_words(SETTINGS_WORDS, max_words=12).map(str.encode),
        hostile_text(60).map(lambda t: t.encode("utf-8", "surrogatepass")),
    )
)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_settings_file_gives_working_settings(content):
    folder = Path(config.config_dir())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_bytes(content)
    config.settings.cache_clear()
    try:
        assert isinstance(config.settings(), dict)
        assert config.default_currency() in CURRENCIES
        result = config.rates()
        assert all(isinstance(p, str) for p in result.problems)
    finally:
        config.settings.cache_clear()


# --- titles, through the domain, into a real database -----------------------


@pytest.fixture(scope="module")
def title_session(tmp_path_factory):
    session = open_session(tmp_path_factory.mktemp("titles") / "focus.db", "tester")
    yield session
    session.db.close()


@given(title=st.one_of(hostile_text(60), st.text(max_size=600)))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_title_is_stored_as_typed_or_refused(title_session, title):
    before = _records(title_session)
    try:
        record = records.create_record(title_session, "task", title)
    except UserError:
        assert _records(title_session) == before
        return
    stored = access.get_record(title_session, record.id).title
    assert stored == " ".join(title.split())
    if title == " ".join(title.split()):
        assert stored == title


def _records(session) -> int:
    return access.records(session).count()


# --- every CLI command, in process, on a copy of a demo database --------------


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("the CLI has no commands")


COMMANDS = _commands()
SHARED = {"db", "user", "help"}  # given by the test itself


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory):
    """(template, work path, sandbox folder): a demo database as one file."""
    folder = tmp_path_factory.mktemp("cli")
    template = folder / "template.db"
    with contextlib.redirect_stdout(io.StringIO()):
        assert (
            cli.main(
                ["--db", str(template), "--user", "tester", "demo", "--records", "50"]
            )
            == 0
        )
    _close_database()
    assert not Path(f"{template}-wal").exists()
    sandbox = folder / "sandbox"
    sandbox.mkdir()
    return template, folder / "work.db", sandbox


def _close_database() -> None:
    # The last connection to close checkpoints and removes the -wal file, so
    # what a command wrote is in the file itself when it is compared.
    if db_module.database.obj is not None:
        db_module.database.obj.close()


def _value(action: argparse.Action, sandbox: Path) -> st.SearchStrategy[str]:
    """A value for one argument: the kinds it expects, and anything at all."""
    name = action.dest
    anything = hostile_text(20)
    if action.choices:
        return st.one_of(st.sampled_from(list(action.choices)), anything)
    if name in ("out", "path", "file"):  # files: only ever inside the sandbox
        return st.one_of(
            st.sampled_from(["out.xlsx", "x.db", "a/b.xlsx", ".", "x\x1b.xlsx"]),
            anything,
        ).map(lambda leaf: str(sandbox / leaf.lstrip("/").replace("..", "_")))
    if name == "records":
        return st.integers(-5, 60).map(str) | st.sampled_from(["٣", "1e3", ""])
    if name in ("id", "parent"):
        return st.one_of(st.integers(0, 55).map(str), st.just("#7"), anything)
    if name in ("date", "from", "to", "follow_up", "expr"):
        return st.one_of(from_words(DATE_WORDS, 3), anything)
    if name in ("one_time", "monthly", "currency"):
        return st.one_of(from_words(MONEY_WORDS, 2), anything)
    if name in ("name", "new_name"):  # clouds
        return st.one_of(st.sampled_from(["Sales Team", "Key Accounts", "x"]), anything)
    if name == "member":
        return st.one_of(st.sampled_from(["tester", "ghost", "anna"]), anything)
    if name == "type":
        return st.one_of(
            st.sampled_from(["task", "lead", "proposal", "order", "note", "Task"]),
            anything,
        )
    return st.one_of(st.sampled_from(["Call Anna", "", " "]), anything)


@st.composite
def arguments(draw, command: str, sandbox: Path) -> list[str]:
    return draw(_arguments_of(COMMANDS[command], sandbox))


@st.composite
def _arguments_of(draw, parser: argparse.ArgumentParser, sandbox: Path) -> list[str]:
    argv: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):  # cloud ACTION ...
            name = draw(st.sampled_from(sorted(action.choices)))
            argv.append(name)
            argv += draw(_arguments_of(action.choices[name], sandbox))
            continue
        if action.dest in SHARED or action.dest == argparse.SUPPRESS:
            continue
        if not action.option_strings:  # positional
            if action.nargs == "?" and draw(st.booleans()):
                continue
            count = draw(st.integers(1, 3)) if action.nargs == "+" else 1
            argv += [draw(_value(action, sandbox)) for _ in range(count)]
        elif draw(st.integers(0, 2)) == 0:  # an option, one time in three
            argv.append(action.option_strings[0])
            if action.nargs != 0:
                argv.append(draw(_value(action, sandbox)))
    if draw(st.integers(0, 9)) == 0:  # now and then, one argument too many
        argv.append(draw(hostile_text(8)))
    return argv


def _not_serving(command: str):
    """`serve` with good arguments would serve until stopped: everything up
    to the server's loop runs, the loop itself does not."""
    if command != "serve":
        return contextlib.nullcontext()
    try:
        from textual_serve.server import Server
    except ImportError:  # the extra is not installed: serve says so
        return contextlib.nullcontext()
    from unittest import mock

    return mock.patch.object(Server, "serve", lambda self, debug=False: None)


# Tab, and newline (CRLF in CSV, RFC 4180) are the only controls printed.
RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
USERS = st.one_of(st.just("tester"), st.just("ghost"), hostile_text(8))


@pytest.mark.parametrize("command", sorted(COMMANDS))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_command_exits_cleanly_and_a_refusal_changes_nothing(
    demo_copy, command, data
):
    template, work, sandbox = demo_copy
    args = data.draw(arguments(command, sandbox), label="args")
    user = data.draw(USERS, label="user")
    shutil.copyfile(template, work)
    for suffix in ("-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    for leftover in sandbox.iterdir():
        shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    out, err = io.StringIO(), io.StringIO()
    stdin, sys.stdin = sys.stdin, io.StringIO(data.draw(hostile_text(10)) + "\n")
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        _not_serving(command),
    ):
        try:
            status = cli.main(["--db", str(work), "--user", user, command, *args])
        except SystemExit as exc:  # argparse
            status = exc.code
        finally:
            _close_database()
            sys.stdin = stdin
    printed, said = out.getvalue(), err.getvalue()
    assert status in (0, 2), (status, said)
    assert "Traceback" not in said
    assert not RAW_CONTROL.search(printed), repr(printed[:300])
    assert not RAW_CONTROL.search(said), repr(said)
    if status == 2:
        assert len(said.splitlines()) == 1, said
        assert work.read_bytes() == template.read_bytes()
        wal = Path(f"{work}-wal")  # a read-only check may leave an empty one
        assert not wal.exists() or wal.stat().st_size == 0
        assert list(sandbox.iterdir()) == []
