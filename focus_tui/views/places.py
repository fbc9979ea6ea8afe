"""Record types as places: every record of one type in my clouds, paged
("to list sales leads or client relationships, go to the respective record
types"), by date or by title."""

from __future__ import annotations

from ..core.process import CONTACT_PERSON
from ..domain.access import records
from ..domain.session import Session
from ..models import Record
from .listing import LIST_COLUMNS, RecordRow, to_rows
from .people import PersonRow, count_people, people_page

ORDERS = ("date", "title")  # date: newest first (undated last); title: A-Z


def _query(session: Session, type_key: str, cloud_id: int | None, *columns):
    query = records(session, *columns).where(Record.type == type_key)
    if cloud_id is not None:
        query = query.where(Record.cloud == cloud_id)
    return query


def count_of_type(session: Session, type_key: str, cloud_id: int | None = None) -> int:
    """How many records of the type the list holds."""
    if type_key == CONTACT_PERSON.key:
        return count_people(session, cloud_id)
    return _query(session, type_key, cloud_id, Record.id).count()


def type_page(
    session: Session,
    type_key: str,
    offset: int,
    limit: int,
    order: str = "date",
    cloud_id: int | None = None,
) -> list[RecordRow] | list[PersonRow]:
    """One page of the records of a type (Contact Persons as People lines)."""
    if type_key == CONTACT_PERSON.key:
        return people_page(session, offset, limit, cloud_id)
    query = _query(session, type_key, cloud_id, Record.id)
    if order == "title":
        query = query.order_by(Record.title, Record.id)
    else:
        # Newest first. (Undated records come last on SQLite, first on
        # PostgreSQL: either way the index gives the order, no sort.)
        query = query.order_by(Record.date.desc(), Record.id.desc())
    # The page's ids from the index alone, then only their rows.
    ids = [rid for (rid,) in query.offset(offset).limit(limit).tuples()]
    rows = {
        row.id: row
        for row in to_rows(
            session, records(session, *LIST_COLUMNS).where(Record.id.in_(ids))
        )
    }
    return [rows[rid] for rid in ids if rid in rows]
