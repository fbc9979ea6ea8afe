"""PostgreSQL logins for the team: `focus-tui user add NAME`.

On a PostgreSQL server every colleague is a login of their own, and the
session is of that login (`session._who`): the server's authentication
decides who someone is, not a name they type. Adding a colleague creates
the login and grants exactly what the app needs on this database — to
connect, and to read and write its tables and sequences — and nothing
else: no right to create tables, roles or databases. Schema changes
(a newer Focus TUI's migrations) stay with the database's owner.
"""

from __future__ import annotations

import peewee as pw

from ..core.errors import UserError
from .session import Session, ensure_user, server_login, valid_user_name

# The statements `add_login` runs, for README and for review.
GRANTS = (
    "GRANT CONNECT ON DATABASE {database} TO {role}",
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
)


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def require_server(session: Session) -> None:
    """Logins are PostgreSQL's: on SQLite, say how users come about."""
    if server_login(session.db) is None:
        raise UserError(
            "On SQLite there are no logins: a user is added on first use "
            "(--user NAME); add them to a cloud with focus-tui cloud add."
        )


def add_login(session: Session, name: str, password: str | None = None) -> str:
    """Create the PostgreSQL login `name` (with `password`, if any), grant it
    what the app needs here, and add the user (with a private cloud), ready
    to be added to clouds; returns the name (nothing about the user: the
    asker may share no cloud with them). A login that exists already only
    gets the grants."""
    require_server(session)
    name = valid_user_name(name)
    role = _quoted(name)
    try:
        return _add(session, name, role, password)
    except pw.DatabaseError as exc:
        if "permission denied" not in str(exc).lower():
            raise
        raise UserError(
            f"Your login may not add logins here ({str(exc).splitlines()[0]}): "
            "ask the database's owner, or use a login with CREATEROLE."
        ) from None


def _add(session: Session, name: str, role: str, password: str | None) -> str:
    db = session.db
    with session.transaction():
        exists = db.execute_sql(
            "SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)
        ).fetchone()
        if exists is None:
            if password:
                db.execute_sql(f"CREATE ROLE {role} LOGIN PASSWORD %s", (password,))
            else:
                db.execute_sql(f"CREATE ROLE {role} LOGIN")
        elif password:
            # Not a way to take over a colleague's login: that is the
            # server administrator's ALTER ROLE.
            raise UserError(f"{name} is a login already; its password stays as it is.")
        (database,) = db.execute_sql("SELECT current_database()").fetchone()
        for grant in GRANTS:
            db.execute_sql(grant.format(database=_quoted(database), role=role))
        ensure_user(name, session.clock)
        return name
