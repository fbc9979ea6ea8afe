"""A record's feed: its children and its own history, newest first, in pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.access import get_record, visible
from ..domain.history import describe_event
from ..domain.records import ContactFields, contact_of, participants_of
from ..domain.session import Session
from ..domain.tracker import focused_seconds
from ..models import Cloud, Event, Record, RecordActor, Sale, User
from .listing import LIST_COLUMNS, RecordRow, to_rows


@dataclass(frozen=True)
class HistoryItem:
    id: int
    at: datetime  # naive UTC
    text: str
    user: str


@dataclass(frozen=True)
class FeedHeader:
    record: Record
    cloud: str
    parent: Record | None
    actors: list[str]
    participants: list[Record]
    contact: ContactFields | None
    focused: float
    sale: Sale | None = None  # a proposal's or order's sums, stage and dates


FeedItem = RecordRow | HistoryItem


def feed_header(session: Session, record_id: int) -> FeedHeader:
    record = get_record(session, record_id)
    parent = None
    if record.parent_id is not None:
        parent = (
            Record.select()
            .where((Record.id == record.parent_id) & visible(session))
            .first()
        )
    actors = [
        u.display_name
        for u in User.select(User.display_name)
        .join(RecordActor)
        .where(RecordActor.record == record.id)
        .order_by(User.display_name)
    ]
    return FeedHeader(
        record=record,
        cloud=Cloud.get_by_id(record.cloud_id).name,
        parent=parent,
        actors=actors,
        participants=participants_of(session, record.id),
        contact=contact_of(record),
        focused=focused_seconds(session, [record.id]).get(record.id, 0.0),
        sale=Sale.get_or_none(Sale.record == record.id),
    )


def _children(session: Session, record_id: int):
    return Record.select(*LIST_COLUMNS).where(
        (Record.parent == record_id) & visible(session)
    )


def feed_count(session: Session, record_id: int) -> int:
    children = _children(session, record_id).count()
    events = Event.select().where(Event.record == record_id).count()
    return children + events


def feed_page(
    session: Session, record_id: int, offset: int, limit: int
) -> list[FeedItem]:
    """Items [offset, offset+limit) of the feed, newest first.

    The caller has already checked the user may see `record_id`.
    """
    p = session.db.param
    sql = (
        f"SELECT 0 AS is_event, r.id, r.created_at AS at FROM record r "
        f"WHERE r.parent_id = {p} AND r.cloud_id IN "
        f"(SELECT cloud_id FROM cloud_member WHERE user_id = {p}) "
        f"UNION ALL "
        f"SELECT 1 AS is_event, e.id, e.at AS at FROM event e WHERE e.record_id = {p} "
        f"ORDER BY at DESC, is_event, id DESC LIMIT {p} OFFSET {p}"
    )
    keys = session.db.execute_sql(
        sql, (record_id, session.user_id, record_id, limit, offset)
    ).fetchall()
    record_ids = [k[1] for k in keys if not k[0]]
    event_ids = [k[1] for k in keys if k[0]]
    rows = {r.id: r for r in to_rows(session, _children_by_id(record_ids))}
    events = {e.id: e for e in _events_by_id(session, event_ids)}
    items: list[FeedItem] = []
    for is_event, item_id, _at in keys:
        item = events.get(item_id) if is_event else rows.get(item_id)
        if item is not None:
            items.append(item)
    return items


def _children_by_id(ids: list[int]):
    return Record.select(*LIST_COLUMNS).where(Record.id.in_(ids or [0]))


def _events_by_id(session: Session, ids: list[int]) -> list[HistoryItem]:
    if not ids:
        return []
    query = (
        Event.select(Event.id, Event.at, Event.kind, Event.data, User.display_name)
        .join(User, on=(Event.user == User.id), join_type="LEFT OUTER JOIN")
        .where(Event.id.in_(ids))
        .tuples()
    )
    return [
        HistoryItem(
            id=eid,
            at=at,
            text=describe_event(kind, data, session.clock),
            user=name or "",
        )
        for eid, at, kind, data, name in query
    ]
