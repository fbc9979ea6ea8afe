"""Looking after a database file: `focus-tui check` and `focus-tui backup`.

Both work on the file itself, not through a session: a damaged file is not
opened for work (see `models.db`), and checking it is what the user needs
then. SQLite only; a PostgreSQL server has its own tools (pg_dump, amcheck).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import DatabaseDamaged, DatabaseUnavailable, UserError
from ..core.text import checked_path, shown
from ..models.db import check_file, is_postgres_url, masked_url

# integrity_check lists at most this many problems.
MAX_PROBLEMS = 20


@dataclass
class CheckResult:
    path: Path
    pages: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.problems


def _sqlite_path(target: str, what: str) -> Path:
    if is_postgres_url(target):
        raise UserError(
            f"{what} is for SQLite files; for {masked_url(target)} use the "
            "server's own tools (pg_dump for a backup)."
        )
    path = Path(checked_path(target, "database path")).expanduser()
    if not path.is_file():
        raise UserError(f"There is no database file {shown(str(path))}.")
    return path


def _read_only(path: Path) -> sqlite3.Connection:
    # Read-only, and never creating anything: checking must change nothing.
    uri = f"file:{path.resolve().as_posix()}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=10)


def check_database(target: str, tick: Callable[[], None] | None = None) -> CheckResult:
    """SQLite's full integrity check of the file, and its permissions.

    `tick` is called every few thousand steps of the check (for a progress
    line). Raises UserError for a PostgreSQL URL or a missing file.
    """
    path = _sqlite_path(target, "check")
    result = CheckResult(path)
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        result.warnings.append(
            f"others can read or write it (mode {stat.filemode(mode)}); "
            f"chmod 600 {shown(str(path))} keeps it to you."
        )
    try:
        check_file(path)
    except DatabaseDamaged as exc:
        result.problems.append(f"The file is damaged: {exc.why}.")
        return result
    try:
        connection = _read_only(path)
    except sqlite3.Error as exc:
        result.problems.append(f"it cannot be opened ({exc})")
        return result
    try:
        if tick is not None:
            connection.set_progress_handler(lambda: tick() or 0, 100_000)
        result.pages = connection.execute("PRAGMA page_count").fetchone()[0]
        rows = connection.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})")
        found = [row[0] for row in rows]
        if found != ["ok"]:
            result.problems.extend(found)
    except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
        result.problems.append(str(exc))
    finally:
        connection.close()
    return result


def backup_database(target: str, destination: str) -> Path:
    """A consistent copy of a live SQLite database, owner-only (0600).

    SQLite's online backup reads one snapshot (WAL lets others keep writing
    meanwhile), so the copy is whole even while colleagues work. An existing
    destination is never overwritten.
    """
    path = _sqlite_path(target, "backup")
    out = Path(checked_path(destination, "backup path")).expanduser()
    if out.exists():
        raise UserError(f"{shown(str(out))} exists already; name a new file.")
    if not out.parent.is_dir():
        raise UserError(f"The folder {shown(str(out.parent))} does not exist.")
    try:
        check_file(path)
    except DatabaseUnavailable as exc:
        raise DatabaseUnavailable(f"Not backed up: {exc}") from None  # exit 3
    try:
        os.close(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise UserError(f"Cannot create {shown(str(out))}: {exc.strerror}.") from None
    try:
        source = _read_only(path)
        try:
            copy = sqlite3.connect(out)
            try:
                source.backup(copy)
                # A plain file, not WAL: it is one file to keep or send.
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        out.unlink(missing_ok=True)
        raise UserError(f"Not backed up: {exc}.") from None
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return out
