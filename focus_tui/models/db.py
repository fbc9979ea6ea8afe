"""Opening the database: SQLite by default, PostgreSQL for a team server.

One `DatabaseProxy` is shared by every model; `open_database` initialises it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import peewee

from ..errors import DatabaseUnavailable

database = peewee.DatabaseProxy()

# WAL lets readers (other users, thread workers) run while one process
# writes; the busy timeout turns "database is locked" into a short wait.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
    "cache_size": -32_000,  # 32 MB page cache
}


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def make_database(target: str | os.PathLike) -> peewee.Database:
    """Build (but do not yet connect) the database for a path or URL."""
    target = str(target)
    if is_postgres_url(target):
        from playhouse.db_url import connect

        return connect(target)
    path = Path(target).expanduser()
    if not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"Cannot create the folder for the database {path}: {exc.strerror}."
            ) from None
    # IMMEDIATE: every write transaction takes the write lock at BEGIN, so
    # two processes never both read-then-write and lose an update.
    return peewee.SqliteDatabase(
        str(path),
        pragmas=SQLITE_PRAGMAS,
        lock_type="IMMEDIATE",
        check_same_thread=False,
    )


def open_database(target: str | os.PathLike) -> peewee.Database:
    """Connect, bring the schema up to date, and bind the models to it."""
    from .migrations import migrate

    db = make_database(target)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        migrate(db)
    except (peewee.OperationalError, peewee.DatabaseError, sqlite3.Error) as exc:
        db.close()
        raise DatabaseUnavailable(_describe(target, exc)) from None
    return db


def _describe(target: str | os.PathLike, exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return f"The database {target} is read-only for you: {text}."
    if "not a database" in lowered or "malformed" in lowered:
        return f"The file {target} is not a Focus TUI database (or it is damaged)."
    if "unable to open" in lowered:
        return f"Cannot open the database {target}: check the path and permissions."
    return f"Cannot use the database {target}: {text}."


def is_sqlite(db: peewee.Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, peewee.SqliteDatabase)
