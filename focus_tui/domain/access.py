"""Who may see what: a record is visible to the members of its cloud.

Every query that lists or fetches records goes through these helpers, so a
record in a cloud the user is not a member of never shows up anywhere.
"""

from __future__ import annotations

import peewee as pw

from ..core.errors import NotFound, UserError
from ..models import Cloud, CloudMember, Record
from .session import Session


def visible(session: Session) -> pw.Expression:
    """Condition: the record is in one of the user's clouds."""
    return Record.cloud.in_(session.cloud_ids())


def get_record(session: Session, record_id: int) -> Record:
    """The record, if it exists and the user may see it."""
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        raise UserError(f"{record_id!r} is not a record id (a whole number).") from None
    if not 0 < record_id < 2**63:  # beyond any id the database can hold
        raise NotFound(f"There is no record #{record_id} that you can see.")
    record = Record.select().where((Record.id == record_id) & visible(session)).first()
    if record is None:
        # Same answer whether it does not exist or is someone else's.
        raise NotFound(f"There is no record #{record_id} that you can see.")
    return record


def cloud_by_name(session: Session, name: str) -> Cloud:
    """A cloud the user is a member of, by name (case-insensitive)."""
    cloud = (
        Cloud.select()
        .join(CloudMember)
        .where(
            (CloudMember.user == session.user_id)
            & (pw.fn.LOWER(Cloud.name) == name.strip().lower())
        )
        .first()
    )
    if cloud is None:
        raise UserError(f"You are not a member of a cloud called {name!r}.")
    return cloud


def my_clouds(session: Session) -> list[Cloud]:
    return list(
        Cloud.select()
        .join(CloudMember)
        .where(CloudMember.user == session.user_id)
        .order_by(Cloud.kind.desc(), Cloud.name)
    )
