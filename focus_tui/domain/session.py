"""Who is working, on which database, at what time.

Every domain function takes a Session, so permissions (the user's clouds)
and the clock are never forgotten.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import contextmanager

import peewee as pw

from ..core.clock import Clock
from ..core.errors import UserError
from ..core.process import CloudKind
from ..models import Cloud, CloudMember, User, database, open_database
from ..models import db as db_module


class Session:
    # A plain class, not a dataclass: defining one costs a short command
    # about a millisecond of start-up.
    def __init__(
        self,
        db: pw.Database,
        user: User,
        clock: Clock | None = None,
        new_user: str | None = None,
    ) -> None:
        self.db = db
        self.user = user
        self.clock = clock or Clock()
        # History events this session wrote, so a change watcher can tell
        # its own changes from those made elsewhere (see views.changes).
        self.own_events: set[int] = set()
        # A user not in the database yet, to be added (with a private cloud)
        # by the first write transaction, inside it: a refused first
        # command, rolled back, then adds nobody. See
        # open_session(user_on_first_write=True).
        self.new_user = new_user

    def __repr__(self) -> str:
        return f"Session(user={self.user.name!r}, clock={self.clock!r})"

    @property
    def user_id(self) -> int:
        return self.user.id

    def cloud_ids(self) -> pw.Select:
        """Subquery: the clouds this user is a member of, archived ones left
        out (archived means hidden everywhere, and so unchangeable)."""
        return (
            CloudMember.select(CloudMember.cloud)
            .join(Cloud, on=(Cloud.id == CloudMember.cloud))
            .where((CloudMember.user == self.user.id) & Cloud.archived_at.is_null())
        )

    @contextmanager
    def transaction(self):
        """One write transaction (IMMEDIATE on SQLite)."""
        placeholder = self.user
        try:
            with self.db.atomic() as txn:
                if self.new_user is not None and self.user.id == NO_USER_ID:
                    self.user = ensure_user(self.new_user, self.clock)
                yield txn
        except BaseException:
            self.user = placeholder  # undone with the transaction
            raise
        if self.user.id != NO_USER_ID:
            self.new_user = None


def valid_user_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() or ord(c) < 32 for c in name):
        raise UserError(
            f"{name!r} is not a usable user name: use 1-64 characters, no spaces."
        )
    return name


def ensure_user(name: str, clock: Clock, display_name: str | None = None) -> User:
    """The user called `name`, created with a private cloud on first use."""
    name = valid_user_name(name)
    user = User.get_or_none(User.name == name)
    if user is not None:
        return user
    now = clock.now_utc_naive()
    from .write import add_user

    try:
        with database.atomic():
            user = User.get_or_none(User.name == name)
            if user is not None:  # created by another process meanwhile
                return user
            return add_user(name, display_name or name, now, private_cloud_name(name))
    except pw.IntegrityError:
        # PostgreSQL: the re-read above does not wait for another process
        # creating the same user (SQLite's IMMEDIATE transaction does), so
        # the second insert meets the unique name; that user is the one.
        user = User.get_or_none(User.name == name)
        if user is None:
            raise
        return user


def private_cloud_name(user_name: str) -> str:
    return f"{user_name} (private)"


def private_cloud(user: User) -> Cloud:
    return Cloud.get((Cloud.owner == user.id) & (Cloud.kind == CloudKind.PRIVATE))


# Failures of the database while working (not the user's doing): the CLI and
# the app catch these, describe them in one line and never show a traceback.
DATABASE_ERRORS = db_module.DATABASE_ERRORS
describe_database_error = db_module.describe_error
is_transient = db_module.is_transient
# A path or URL to repeat: the password masked, control characters visible.
shown_target = db_module.masked_url


def server_login(db: pw.Database) -> tuple[str, bool] | None:
    """(login, is superuser) on PostgreSQL; None on SQLite."""
    if isinstance(db, pw.SqliteDatabase):
        return None
    row = db.execute_sql(
        "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    return str(row[0]), bool(row[1])


def _who(db: pw.Database, user_name: str | None) -> str:
    """The user a session is of. On PostgreSQL it is the login: nobody acts
    as a colleague by typing their name. Only a superuser (who could change
    any row by hand anyway, and who runs the test suite) names the user."""
    login = server_login(db)
    if login is not None and not login[1]:
        name = login[0]
        if user_name is not None and user_name.strip() != name:
            raise UserError(
                f"On this PostgreSQL server you are {name!r}, the login you "
                f"connect as; to work as {user_name.strip()!r}, connect as that login."
            )
        return name
    if user_name is None:
        from ..config import default_user

        return default_user()
    return user_name


def open_session(
    target: str | os.PathLike,
    user_name: str | None,
    clock: Clock | None = None,
    *,
    create_folder: bool = False,
    create_user: bool = True,
    user_on_first_write: bool = False,
    upgrading: Callable[[int, int], None] | None = None,
) -> Session:
    """A session of `user_name` on the database at `target` (None: the login
    on PostgreSQL, else $FOCUS_TUI_USER or the system login; see `_who`).

    Without `create_user` (reads: list, status, reports, export) a name not
    yet in the database is not added: the session is of a user of no cloud
    (id 0, which no row has), who sees nothing. Writing as a new user
    creates the user and a private cloud: at once, or with
    `user_on_first_write` in the first write transaction (the CLI: a command
    that is refused adds nobody).
    """
    db = open_database(target, create_folder=create_folder, upgrading=upgrading)
    clock = clock or Clock()
    user_name = _who(db, user_name)
    if create_user and not user_on_first_write:
        return Session(db=db, user=ensure_user(user_name, clock), clock=clock)
    name = valid_user_name(user_name)
    user = User.get_or_none(User.name == name)
    if user is not None:
        return Session(db=db, user=user, clock=clock)
    placeholder = User(id=NO_USER_ID, name=name, display_name=name)
    new_user = name if create_user else None
    return Session(db=db, user=placeholder, clock=clock, new_user=new_user)


# The id of a user who is not in the database (yet): no row has it.
NO_USER_ID = 0
