"""Opening the database: SQLite by default, PostgreSQL for a team server.

One `DatabaseProxy` is shared by every model; `open_database` initialises it.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit

import peewee

from ..core.errors import DatabaseDamaged, DatabaseUnavailable, UserError
from ..core.text import shown

database = peewee.DatabaseProxy()

# How long a statement waits for another process's lock before it gives up
# with "database is locked".
BUSY_TIMEOUT_S = 10

# Set on every connection, in this order: the busy timeout first, so every
# statement after it waits for a lock instead of failing. (Peewee runs them
# in dict order; sqlite3's connect `timeout` sets the same wait even before.)
SQLITE_PRAGMAS = {
    "busy_timeout": BUSY_TIMEOUT_S * 1000,
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -32_000,  # 32 MB page cache
}
# WAL lets readers (other users, thread workers) run while one process
# writes. It is a property of the file, set once by `open_database` (see
# `_use_wal`), not a per-connection pragma.
JOURNAL_MODE = "wal"


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def masked_url(target: str | os.PathLike) -> str:
    """A database path or URL to repeat in a message: a URL's password as
    ***, control characters as visible symbols."""
    return shown(re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", str(target)))


def _check_postgres_url(target: str) -> None:
    """A PostgreSQL URL that can be parsed, with a port in range and a
    database name (what the driver would otherwise fail on with a traceback)."""
    hint = "write postgresql://user:password@host:port/database"
    try:
        parts = urlsplit(target)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise UserError(
            f"The PostgreSQL URL {masked_url(target)} is malformed ({exc}); {hint}."
        ) from None
    if not parts.path.strip("/"):
        raise UserError(
            f"The PostgreSQL URL {masked_url(target)} names no database; {hint}."
        )


def make_database(
    target: str | os.PathLike, *, create_folder: bool = False
) -> peewee.Database:
    """Build (but do not yet connect) the database for a path or URL.

    `create_folder` is for the default location only: a mistyped --db path
    should say so, not quietly start an empty database somewhere new.
    """
    target = str(target)
    if not target.strip():
        raise DatabaseUnavailable("The database path is empty.")
    if is_postgres_url(target):
        _check_postgres_url(target)
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            raise DatabaseUnavailable(
                "PostgreSQL support is not installed: "
                "pip install 'focus-tui[postgres]'."
            ) from None
        from playhouse.db_url import connect

        return connect(target)
    if "://" in target:
        raise DatabaseUnavailable(
            f"Unsupported database URL {shown(target.split('://')[0])}://: "
            "use a file path or postgresql://."
        )
    path = Path(target).expanduser()
    if path.exists() and not path.is_file():
        raise DatabaseUnavailable(f"{shown(str(path))} is not a database file.")
    if not path.parent.exists():
        if not create_folder:
            raise DatabaseUnavailable(
                f"The folder {shown(str(path.parent))} does not exist."
            )
        try:
            _private_folders(path.parent)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"Cannot create the folder for the database {shown(str(path))}: "
                f"{exc.strerror}."
            ) from None
    _private_file(path)
    check_file(path)
    # IMMEDIATE: every write transaction takes the write lock at BEGIN, so
    # two processes never both read-then-write and lose an update.
    return peewee.SqliteDatabase(
        str(path),
        pragmas=SQLITE_PRAGMAS,
        timeout=BUSY_TIMEOUT_S,
        lock_type="IMMEDIATE",
        check_same_thread=False,
    )


_MAGIC = b"SQLite format 3\x00"


def check_file(path: Path) -> None:
    """Cheap signs of damage, read from the 100-byte header before SQLite
    opens the file (microseconds at any size, unlike PRAGMA quick_check,
    which reads every page): a file cut short of a whole page, or shorter
    than the page count its header gives. The count is compared only with no
    write-ahead log beside the file: a checkpoint in progress may write the
    header before the pages that extend the file."""
    try:
        size = path.stat().st_size
        if size == 0:
            return  # new: SQLite writes the header
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return  # SQLite will say why it cannot open it
    if len(header) < 100 or not header.startswith(_MAGIC):
        return  # not a database at all: SQLite's own message says so
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        _damaged(path, f"its header gives a page size of {page_size}")
    if size % page_size:
        _damaged(path, f"it ends {size % page_size} bytes into a {page_size}-byte page")
    pages = int.from_bytes(header[28:32], "big")
    counted = header[24:28] == header[92:96]  # the count is valid for this version
    wal = Path(f"{path}-wal")
    if counted and pages * page_size > size and not _has_content(wal):
        _damaged(path, f"it holds {size // page_size} of its {pages} pages")


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _damaged(path: Path, why: str) -> None:
    raise DatabaseDamaged(
        f"The database file {shown(str(path))} is damaged ({why}); nothing was "
        "written. `focus-tui check` tells more; restore from a backup.",
        why,
    )


def _private_folders(folder: Path) -> None:
    """Create `folder` and its missing parents owner-only (0700)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(mode=0o700, exist_ok=True)


def _private_file(path: Path) -> None:
    """A new database file is owner-only (0600) whatever the umask: it holds
    a team's clients. SQLite gives its -wal and -shm files the same mode.
    An existing file keeps the mode its owner chose."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # there already (perhaps made by another process just now)
    except OSError:
        return  # SQLite will say why it cannot open it
    os.close(handle)


def open_database(
    target: str | os.PathLike, *, create_folder: bool = False
) -> peewee.Database:
    """Connect, bring the schema up to date, and bind the models to it."""
    from .migrations import migrate

    db = make_database(target, create_folder=create_folder)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        if isinstance(db, peewee.SqliteDatabase):
            _use_wal(db)
        migrate(db)
    except (
        peewee.OperationalError,
        peewee.DatabaseError,
        peewee.InterfaceError,
        sqlite3.Error,
    ) as exc:
        db.close()
        raise DatabaseUnavailable(_describe(target, exc)) from None
    return db


def _use_wal(db: peewee.SqliteDatabase, timeout: float = BUSY_TIMEOUT_S) -> None:
    """Put the file in WAL mode (a no-op once it is).

    Switching a new file to WAL briefly needs it to itself, and SQLite
    answers "database is locked" at once, without the busy wait, when
    another connection is switching it at the same moment (it holds a read
    lock while it asks for the write lock, and waiting could deadlock).
    That made processes opening a new database together fail, so the
    switch is tried again for as long as the busy timeout.
    """
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            db.execute_sql(f"PRAGMA journal_mode = {JOURNAL_MODE}")
            return
        except peewee.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(2 * pause, 0.05)


# What the database raises when it fails while working (locked, read-only,
# damaged, server gone): caught at the top of the CLI and the app.
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    peewee.DatabaseError,
    peewee.InterfaceError,
    sqlite3.Error,
)

_TRANSIENT = (
    "database is locked",
    "database table is locked",
    "busy",
    "could not serialize",
    "deadlock detected",
    "server closed the connection",
    "connection already closed",
    "terminating connection",
)


def is_transient(exc: BaseException) -> bool:
    """A failure that may pass if the same work is tried again in a moment
    (another writer held the lock too long, a server connection dropped)."""
    if not isinstance(exc, DATABASE_ERRORS):
        return False
    text = str(exc).lower()
    return any(marker in text for marker in _TRANSIENT)


def describe_error(exc: Exception, target: str | os.PathLike = "") -> str:
    """One line for a database failure while working (not the user's fault)."""
    return _describe(target or "in use", exc)


def _describe(target: str | os.PathLike, exc: Exception) -> str:
    target = masked_url(target)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return f"The database {target} is read-only for you: {text}."
    if "malformed" in lowered:  # found while reading: the transaction is undone
        return (
            f"The database file {target} is damaged ({text}); the command was "
            "undone. Restore it from a backup."
        )
    if "not a database" in lowered:
        return f"The file {target} is not a Focus TUI database (or it is damaged)."
    if "another program" in lowered:
        return f"{target} {text}."
    if "connection to server" in lowered or "could not connect" in lowered:
        return f"Cannot reach the PostgreSQL server of {target}: {text}."
    if "unable to open" in lowered:
        return f"Cannot open the database {target}: check the path and permissions."
    return f"Cannot use the database {target}: {text}."


def is_sqlite(db: peewee.Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, peewee.SqliteDatabase)
