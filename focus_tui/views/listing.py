"""Plain rows for lists (main view, feeds, CLI): what a screen line needs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from ..core.process import CONTACT_PERSON
from ..domain.access import actor_exists, records, sales
from ..domain.session import Session
from ..domain.tracker import focused_seconds
from ..models import Record, Sale

# Only the columns a list line shows: no bodies of long notes.
LIST_COLUMNS = (
    Record.id,
    Record.type,
    Record.title,
    Record.date,
    Record.due_at,
    Record.finished_at,
    Record.parent,
    Record.cloud,
    Record.created_at,
)


def narrowed(query, cloud_id: int | None = None, actor_id: int | None = None):
    """A query over records kept to one cloud and/or one actor (the `#` and
    `@` filters of a list); None leaves that side open."""
    if cloud_id is not None:
        query = query.where(Record.cloud == cloud_id)
    if actor_id is not None:
        query = query.where(actor_exists(actor_id))
    return query


@dataclass(frozen=True)
class RecordRow:
    id: int
    type: str
    title: str
    date: date | None
    due_at: datetime | None  # naive UTC
    finished_at: datetime | None
    parent_id: int | None
    cloud_id: int
    created_at: datetime
    focused: float = 0.0  # seconds

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


# The feed's and the People list's lines: here, beside RecordRow, so the
# list widget that draws them needs none of the queries that make them.
@dataclass(frozen=True)
class HistoryItem:
    id: int
    at: datetime  # naive UTC
    text: str
    user: str


@dataclass(frozen=True)
class PersonRow:
    """A line of the People list: a Contact Person with their organisation
    and the day they were last in a (visible) record they are tagged on."""

    id: int
    title: str
    organisation: str
    email: str
    phone: str
    cloud_id: int
    last_contact: date | None
    type: str = CONTACT_PERSON.key


def to_rows(session: Session, query) -> list[RecordRow]:
    """Run a query over LIST_COLUMNS and attach focused time."""
    raw = list(query.tuples())
    seconds = focused_seconds(session, [r[0] for r in raw])
    return [RecordRow(*r, focused=seconds.get(r[0], 0.0)) for r in raw]


def list_records(
    session: Session,
    types: tuple[str, ...] = (),
    *,
    include_finished: bool = False,
    page: int = 2000,
) -> Iterator[tuple[RecordRow, Sale | None]]:
    """Every record the user may see, by id, with its sale row (`focus-tui list`).

    Read in keyset pages, so memory stays flat however many records there are.
    """
    query = records(session, *LIST_COLUMNS)
    if types:
        query = query.where(Record.type.in_(list(types)))
    if not include_finished:
        query = query.where(Record.finished_at.is_null())
    last_id = 0
    while True:
        batch = to_rows(
            session, query.where(Record.id > last_id).order_by(Record.id).limit(page)
        )
        found = {
            sale.record_id: sale
            for sale in sales(session).where(Sale.record.in_([r.id for r in batch]))
        }
        for row in batch:
            yield row, found.get(row.id)
        if len(batch) < page:
            return
        last_id = batch[-1].id
