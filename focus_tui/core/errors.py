"""Errors that are the user's to fix: shown as one line, never as a traceback."""


class UserError(Exception):
    """A mistake in what the user asked for (bad date, unknown id, ...).

    The message is a complete sentence meant for the user. The CLI prints it
    on one line and exits 2; the TUI shows it as a notification.
    """


class NotFound(UserError):
    """The record does not exist, or the user may not see it (same message)."""


class DatabaseUnavailable(Exception):
    """The database cannot be opened or written (path, permissions, server)."""


class DatabaseDamaged(DatabaseUnavailable):
    """The database file is damaged; `why` says how it was seen."""

    def __init__(self, message: str, why: str) -> None:
        super().__init__(message)
        self.why = why
