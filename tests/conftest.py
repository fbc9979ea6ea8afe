"""Shared fixtures: a throw-away database per test and a fixed clock."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from dateutil import tz
from hypothesis import settings as hypothesis_settings

from focus_tui.core.clock import Clock
from focus_tui.domain.session import Session, open_session

# The fuzz suite (tests/unit/test_fuzz.py): few examples in CI, where it
# must stay fast; HYPOTHESIS_PROFILE=thorough for a long local run.
hypothesis_settings.register_profile("ci", max_examples=40, deadline=None)
hypothesis_settings.register_profile("thorough", max_examples=2000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ZONE = tz.gettz("Europe/Helsinki")
# Friday 27 Nov 2026, 11:00 in Helsinki.
FIXED_NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path, monkeypatch):
    """Never touch the user's real data directory or database."""
    monkeypatch.setenv("FOCUS_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FOCUS_TUI_DB", raising=False)
    monkeypatch.setenv("FOCUS_TUI_USER", "tester")
    monkeypatch.setenv("FOCUS_TUI_TZ", "Europe/Helsinki")
    monkeypatch.setenv("FOCUS_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("FOCUS_TUI_CURRENCY", raising=False)
    monkeypatch.setenv("FOCUS_TUI_EXPORT_DIR", str(tmp_path))
    from focus_tui import config

    config.settings.cache_clear()


@pytest.fixture
def clock() -> Clock:
    return Clock(zone=ZONE, fixed=FIXED_NOW)


# With FOCUS_TUI_TEST_PG (a PostgreSQL URL of a login that may create
# databases, as .ci/run sets it) every test's database is a fresh PostgreSQL
# database instead of a SQLite file; tests of the SQLite file itself are
# marked `sqlite_file` and left out of that run.
PG_ADMIN = os.environ.get("FOCUS_TUI_TEST_PG", "")


@pytest.fixture
def db_path(tmp_path):
    if not PG_ADMIN:
        yield tmp_path / "focus.db"
        return
    import uuid

    import psycopg

    name = f"focus_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    from focus_tui.models import database

    if database.obj is not None:
        database.obj.close()
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def session(db_path, clock) -> Session:
    s = open_session(db_path, "tester", clock)
    yield s
    s.db.close()


def advance(session: Session, **delta) -> None:
    """Move the session's fixed clock forward."""
    session.clock = Clock(
        zone=session.clock.zone, fixed=session.clock.now() + timedelta(**delta)
    )


def count_rows(db_path, table: str) -> int:
    """Rows in a table, read over a connection of its own (the SQLite file or
    the PostgreSQL database of `db_path`)."""
    if PG_ADMIN and str(db_path).startswith("postgresql://"):
        import psycopg

        with psycopg.connect(str(db_path)) as conn:
            return conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    finally:
        conn.close()
