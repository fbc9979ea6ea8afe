"""Opening the database: SQLite by default, PostgreSQL for a team server.

One `DatabaseProxy` is shared by every model; `open_database` initialises it.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Callable

import peewee

from ..core.errors import DatabaseDamaged, DatabaseUnavailable, UserError
from ..core.text import checked_path, shown

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


def _secrets(target: str) -> list[str]:
    """What in a URL may be a password: everything from the first colon to
    the last "@" (a password may hold "/" or "@" itself), and any
    password= parameter."""
    found = re.findall(r"(?i)password=([^&]*)", target)
    scheme, sep, rest = target.partition("://")
    if sep and "@" in rest:
        credentials = rest.rpartition("@")[0]
        user, colon, password = credentials.partition(":")
        if colon:
            found.append(credentials if "@" in user else password)
    return sorted((s for s in found if s), key=len, reverse=True)


def without_secrets(text: str, target: str | os.PathLike) -> str:
    """`text` (a message that may quote `target`) with its password as ***."""
    for secret in _secrets(str(target)):
        text = text.replace(secret, "***")
    return text


def masked_url(target: str | os.PathLike) -> str:
    """A database path or URL to repeat in a message: a URL's password as
    ***, control characters as visible symbols."""
    return shown(without_secrets(str(target), target))


def _check_postgres_url(target: str) -> None:
    """A PostgreSQL URL that can be parsed, with a port in range and a
    database name (what the driver would otherwise fail on with a traceback)."""
    from urllib.parse import urlsplit

    hint = "write postgresql://user:password@host:port/database"
    try:
        parts = urlsplit(target)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise UserError(
            f"The PostgreSQL URL {masked_url(target)} is malformed "
            f"({shown(_reason(exc, target))}); {hint}."
        ) from None
    if not parts.path.strip("/"):
        raise UserError(
            f"The PostgreSQL URL {masked_url(target)} names no database; {hint}."
        )


def _reason(exc: ValueError, target: str) -> str:
    """The URL parser's reason, which quotes a piece of the URL: with a
    password there, the quote may cut it anywhere, so it is left out."""
    reason = str(exc)
    if _secrets(target):
        reason = re.sub(r"'[^']*'", "…", reason)
    return without_secrets(reason, target)


def _give_peewee(psycopg) -> None:
    """Hand Peewee the driver it was imported without (focus_tui/__init__.py:
    not importing psycopg saves most of a SQLite start-up): what its own
    `import psycopg` would have set, module and adapter alike."""
    if peewee.psycopg is not None:
        return
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    peewee.psycopg, peewee.TransactionStatus = psycopg, TransactionStatus
    peewee.Json_pg3, peewee.Jsonb_pg3 = Json, Jsonb
    adapter = peewee.Psycopg3Adapter
    adapter.txn_idle = TransactionStatus.IDLE
    adapter.txn_inerror = TransactionStatus.INERROR
    adapter.txn_unknown = TransactionStatus.UNKNOWN


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
            import psycopg  # psycopg 3, which Peewee prefers here
        except ImportError:
            raise DatabaseUnavailable(
                "PostgreSQL support is not installed: "
                "pip install 'focus-tui[postgres]'."
            ) from None
        _give_peewee(psycopg)
        from playhouse.db_url import connect

        return connect(target, prefer_psycopg3=True)
    if "://" in target:
        raise DatabaseUnavailable(
            f"Unsupported database URL {shown(target.split('://')[0])}://: "
            "use a file path or postgresql://."
        )
    # os.path, not pathlib: importing pathlib costs a short command ~5 ms.
    path = os.path.expanduser(checked_path(target, "database path"))
    if os.path.exists(path) and not os.path.isfile(path):
        raise DatabaseUnavailable(f"{shown(path)} is not a database file.")
    folder = os.path.dirname(path) or "."
    if not os.path.exists(folder):
        if not create_folder:
            raise DatabaseUnavailable(f"The folder {shown(folder)} does not exist.")
        try:
            _private_folders(folder)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"Cannot create the folder for the database {shown(path)}: "
                f"{exc.strerror}."
            ) from None
    _private_file(path)
    check_file(path)
    # IMMEDIATE: every write transaction takes the write lock at BEGIN, so
    # two processes never both read-then-write and lose an update.
    return peewee.SqliteDatabase(
        path,
        pragmas=SQLITE_PRAGMAS,
        timeout=BUSY_TIMEOUT_S,
        lock_type="IMMEDIATE",
        check_same_thread=False,
    )


_MAGIC = b"SQLite format 3\x00"


def check_file(path: str | os.PathLike) -> None:
    """Cheap signs of damage, read before SQLite opens the file (well under
    a millisecond at any size, where PRAGMA quick_check reads every page):
    a bad header, a file cut short of a whole page or of the page count its
    header gives, and a last page that fits no kind of page SQLite writes.

    The page count and pages are looked at only with no write-ahead log
    beside the file: then the file alone is the database. (A checkpoint in
    progress may write the header before the pages that extend the file.)"""
    try:
        size = os.stat(path).st_size
        if size == 0:
            return  # new: SQLite writes the header
        with open(path, "rb") as handle:
            _check_open_file(path, handle, size)
    except OSError:
        return  # SQLite will say why it cannot open it


def _check_open_file(path: str | os.PathLike, handle, size: int) -> None:
    header = handle.read(100)
    if len(header) < 100 or not header.startswith(_MAGIC):
        return  # not a database at all: SQLite's own message says so
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        _damaged(path, f"its header gives a page size of {page_size}")
    if size % page_size:
        _damaged(path, f"it ends {size % page_size} bytes into a {page_size}-byte page")
    if _has_content(f"{path}-wal"):
        return
    pages = int.from_bytes(header[28:32], "big")
    counted = header[24:28] == header[92:96]  # the count is valid for this version
    if counted and pages * page_size > size:
        _damaged(path, f"it holds {size // page_size} of its {pages} pages")
    odd = _odd_tail_page(handle, size // page_size, page_size, header[20])
    if odd is not None:
        # A page that fits no kind SQLite writes (or a free page, whose content
        # is anything). Only SQLite's quick check can tell for sure; it runs
        # just in this case, so a sound file never pays for it.
        problem = _quick_check(path)
        if problem:
            _damaged(path, f"its page {odd} does not read back: {problem}")


# The last pages are the ones a write that stopped half-way (a crash, a full
# disk, a copy cut off) leaves wrong; reading them costs microseconds.
TAIL_PAGES = 8


def _odd_tail_page(handle, pages: int, page_size: int, reserved: int) -> int | None:
    """The number of the first of the last TAIL_PAGES pages whose first bytes
    fit none of SQLite's page kinds, else None."""
    usable = page_size - reserved
    for number in range(max(1, pages - TAIL_PAGES + 1), pages + 1):
        handle.seek((number - 1) * page_size)
        page = handle.read(page_size)
        if not _plausible_page(page, 100 if number == 1 else 0, pages, usable):
            return number
    return None


def _plausible_page(page: bytes, start: int, pages: int, usable: int) -> bool:
    """Could `page` be a B-tree page, an overflow page or a free-list trunk?
    (The file format: sqlite.org/fileformat2.html, section 1.6.)"""
    kind = page[start]
    if kind in (2, 5, 10, 13):  # interior/leaf of an index/table B-tree
        interior = kind in (2, 5)
        head = start + (12 if interior else 8)
        cells = int.from_bytes(page[start + 3 : start + 5], "big")
        content = int.from_bytes(page[start + 5 : start + 7], "big") or 65536
        freeblock = int.from_bytes(page[start + 1 : start + 3], "big")
        if not head + 2 * cells <= content <= usable:
            return False
        if freeblock and not content <= freeblock < usable:
            return False
        if interior and not 1 <= int.from_bytes(page[start + 8 : head], "big") <= pages:
            return False
        pointers = page[head : head + 2 * cells]
        return all(
            content <= int.from_bytes(pointers[i : i + 2], "big") < usable
            for i in range(0, len(pointers), 2)
        )
    # Overflow page or free-list trunk: first a page number (0 ends the chain).
    follows = int.from_bytes(page[0:4], "big")
    return follows <= pages and any(page[4:])


def _quick_check(path: str | os.PathLike) -> str:
    """The first problem SQLite's quick check finds in the file alone, in one
    line, or ''. `immutable`: it reads the file as it is and creates no
    -wal or -shm file beside it."""
    uri = f"file:{os.path.realpath(path)}?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True)
        try:
            row = connection.execute("PRAGMA quick_check(1)").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if row == ("ok",):
        return ""
    lines = [line for line in str(row[0]).splitlines() if not line.startswith("***")]
    return "; ".join(lines)


def _has_content(path: str) -> bool:
    try:
        return os.stat(path).st_size > 0
    except OSError:
        return False


def damaged_text(target: str, why: str) -> str:
    """The one line for a damaged database file, wherever it was found."""
    return (
        f"The database file {target} is damaged ({why}); nothing was written. "
        "`focus-tui check` tells more; restore from a backup."
    )


def _damaged(path: str | os.PathLike, why: str) -> None:
    raise DatabaseDamaged(damaged_text(shown(str(path)), why), why)


def _private_folders(folder: str) -> None:
    """Create `folder` and its missing parents owner-only (0700)."""
    missing = []
    folder = os.path.abspath(folder)
    while not os.path.exists(folder):
        missing.append(folder)
        folder = os.path.dirname(folder)
    for each in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile
            os.mkdir(each, 0o700)


def _private_file(path: str) -> None:
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
    target: str | os.PathLike,
    *,
    create_folder: bool = False,
    upgrading: Callable[[int, int], None] | None = None,
) -> peewee.Database:
    """Connect, bring the schema up to date (`upgrading`: see `migrate`),
    and bind the models to it."""
    from .migrations import migrate

    db = make_database(target, create_folder=create_folder)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        if isinstance(db, peewee.SqliteDatabase):
            _use_wal(db)
        migrate(db, upgrading)
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


def _describe(target: str | os.PathLike, exc: BaseException) -> str:
    exc = _first_failure(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = shown(without_secrets(text, target))  # a driver may quote the URL
    target = masked_url(target)
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return f"The database {target} is read-only for you: {text}."
    if "not a database" in lowered and not _starts_as_sqlite(target):
        # A wrong --db (notes.txt), not damage.
        return (
            f"The file {target} is not a Focus TUI database (not an SQLite "
            "file at all); nothing was written."
        )
    if "malformed" in lowered or "not a database" in lowered:
        # Found while reading: the transaction is undone, nothing written.
        return damaged_text(target, text)
    if "disk is full" in lowered or (
        "disk i/o error" in lowered and _disk_full(target)
    ):
        return (
            f"The disk holding the database {target} is full; nothing was "
            "written. Free some space and try again."
        )
    if "disk i/o error" in lowered:
        return (
            f"The database {target} could not be read or written (disk I/O "
            "error); nothing was written. `focus-tui check` tells whether "
            "the file is sound."
        )
    if "another program" in lowered:
        return f"{target} {text}."
    if "connection to server" in lowered or "could not connect" in lowered:
        return f"Cannot reach the PostgreSQL server of {target}: {text}."
    if "unable to open" in lowered:
        return f"Cannot open the database {target}: check the path and permissions."
    return f"Cannot use the database {target}: {text}."


def _starts_as_sqlite(target: str) -> bool:
    try:
        with open(os.path.expanduser(target), "rb") as handle:
            return handle.read(len(_MAGIC)) == _MAGIC
    except (OSError, ValueError):
        return True  # cannot tell: say what SQLite said


def _disk_full(target: str) -> bool:
    """Is the file system holding the SQLite file `target` (nearly) full?
    SQLite says only "disk I/O error" when the shared-memory file beside the
    database cannot grow, and the errno is not passed on."""
    if is_postgres_url(target):
        return False
    try:
        fs = os.statvfs(os.path.dirname(os.path.expanduser(target)) or ".")
    except (OSError, ValueError):
        return False
    free = fs.f_bfree if os.geteuid() == 0 else fs.f_bavail  # root's reserve
    return free * fs.f_frsize < 512 * 1024


def _first_failure(exc: BaseException) -> BaseException:
    """The failure itself, not what it caused: when SQLite has undone a
    transaction on its own (a full disk), the rollback that follows fails
    with "no transaction is active" and hides why."""
    while "no transaction is active" in str(exc) and isinstance(
        exc.__context__, DATABASE_ERRORS
    ):
        exc = exc.__context__
    return exc


def is_sqlite(db: peewee.Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, peewee.SqliteDatabase)


# -- the server's word that something changed (PostgreSQL LISTEN/NOTIFY) -------

# The channel the triggers of migration 8 notify at each commit, and the
# payloads they send: what kind of thing changed, never which record.
CHANGES_CHANNEL = "focus_changes"
NOTIFY_RECORDS = "records"  # a history event: some record changed
NOTIFY_CLOUDS = "clouds"  # a cloud or its members: what one may see
NOTIFY_FOCUS = "focus"  # a time entry: someone's focus started or stopped


def can_listen(db: peewee.Database) -> bool:
    return isinstance(db, peewee.PostgresqlDatabase)


class ChangeNotices:
    """A PostgreSQL connection of its own, in autocommit, that LISTENs on
    CHANGES_CHANNEL. The app's queries never run on it: it only waits.

    It is opened the way the database's own connections are (the same URL,
    password and parameters: `_connect` is what Peewee's `connect` calls),
    and a failure is one of DATABASE_ERRORS whose text quotes no password
    (`describe_error`)."""

    def __init__(self, db: peewee.PostgresqlDatabase) -> None:
        with peewee.__exception_wrapper__:
            self._conn = db._connect()  # autocommit: LISTEN takes effect at once
            try:
                self._conn.execute(f"LISTEN {CHANGES_CHANNEL}")
            except BaseException:
                self._conn.close()
                raise

    def fileno(self) -> int:
        """Readable when a notice (or the server's goodbye) has come."""
        return self._conn.fileno()

    def take(self) -> set[str]:
        """The payloads that have come, without waiting. Empty when the
        socket woke for something else; raises when the connection is lost."""
        with peewee.__exception_wrapper__:
            heard = {notice.payload for notice in self._conn.notifies(timeout=0)}
            if not heard:
                # A wake-up with nothing in it is most often the server
                # closing the connection: a round trip tells for sure.
                self._conn.execute("SELECT 1")
                heard = {n.payload for n in self._conn.notifies(timeout=0)}
        return heard

    def check(self) -> None:
        """Raise if the connection is gone (a quiet network never says)."""
        with peewee.__exception_wrapper__:
            self._conn.execute("SELECT 1")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.close()
