"""Plain rows for lists (main view, feeds, CLI): what a screen line needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..domain.session import Session
from ..domain.tracker import focused_seconds
from ..models import Record

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


def to_rows(session: Session, query) -> list[RecordRow]:
    """Run a query over LIST_COLUMNS and attach focused time."""
    raw = list(query.tuples())
    seconds = focused_seconds(session, [r[0] for r in raw])
    return [RecordRow(*r, focused=seconds.get(r[0], 0.0)) for r in raw]
