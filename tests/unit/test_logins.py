"""Who a user is: on PostgreSQL the login, on SQLite the name given.

Run by both suites: on SQLite it checks that names are free and `user add`
says there are no logins; on PostgreSQL (FOCUS_TUI_TEST_PG) it creates a
real login with `focus-tui user add`, connects as it, and checks that the
login cannot act as a colleague and sees only its own clouds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from conftest import PG_ADMIN

from focus_tui.core.errors import NotFound, UserError
from focus_tui.domain import logins, records
from focus_tui.domain.access import get_record
from focus_tui.domain.session import open_session


def cli(target, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "FOCUS_TUI_USER"}
    return subprocess.run(
        [sys.executable, "-m", "focus_tui", "--db", str(target), *args],
        capture_output=True,
        text=True,
        env=env,
    )


def test_who_a_user_is(db_path, request):
    """One test, each backend's rule: each run of the suite checks its own."""
    if PG_ADMIN:
        on_postgresql_the_login_is_the_user(db_path, request)
    else:
        on_sqlite_a_name_is_a_user_and_there_are_no_logins(db_path)


def on_sqlite_a_name_is_a_user_and_there_are_no_logins(db_path):
    session = open_session(db_path, "anna")
    assert open_session(db_path, "bob").user.name == "bob"
    with pytest.raises(UserError, match="no logins"):
        logins.add_login(session, "carol")
    proc = cli(db_path, "user", "add", "carol")
    assert proc.returncode == 2 and "no logins" in proc.stderr


def on_postgresql_the_login_is_the_user(db_path, request):
    from urllib.parse import urlsplit

    import psycopg

    admin = open_session(db_path, "boss")  # the suite's login is a superuser
    secret = records.create_record(admin, "task", "Boss's own")
    login = f"anna_{uuid.uuid4().hex[:8]}"

    def drop_login() -> None:
        with psycopg.connect(str(db_path), autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY "{login}"')
            conn.execute(f'DROP ROLE "{login}"')

    request.addfinalizer(drop_login)
    proc = cli(db_path, "--user", "boss", "user", "add", login)
    assert proc.returncode == 0, proc.stderr
    parts = urlsplit(str(db_path))
    as_anna = parts._replace(netloc=f"{login}@{parts.hostname}:{parts.port}").geturl()
    session = open_session(as_anna, None)
    assert session.user.name == login
    with pytest.raises(UserError, match=f"you are '{login}'"):
        open_session(as_anna, "boss")
    own = records.create_record(session, "task", "Anna's task")  # the grants work
    assert get_record(session, own.id).title == "Anna's task"
    with pytest.raises(NotFound):
        get_record(session, secret.id)
    # The CLI says the same in one line; a login may not add logins.
    proc = cli(as_anna, "--user", "boss", "list")
    assert proc.returncode == 2 and f"you are '{login}'" in proc.stderr
    proc = cli(as_anna, "user", "add", "mallory")
    assert proc.returncode == 2 and "may not add logins" in proc.stderr
    # A database that is not there, and a login given no rights: one line, 3.
    missing = parts._replace(path="/no_such_focus_db").geturl()
    stranger = f"nobody_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(str(db_path), autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{stranger}" LOGIN')
    request.addfinalizer(
        lambda: psycopg.connect(PG_ADMIN, autocommit=True).execute(
            f'DROP ROLE "{stranger}"'
        )
    )
    as_stranger = parts._replace(
        netloc=f"{stranger}@{parts.hostname}:{parts.port}"
    ).geturl()
    for target, says in (
        (missing, "does not exist"),
        (as_stranger, "permission denied"),
    ):
        proc = cli(target, "list")
        assert proc.returncode == 3, proc.stderr
        assert len(proc.stderr.splitlines()) == 1 and says in proc.stderr
        assert "Traceback" not in proc.stderr
