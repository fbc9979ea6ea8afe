"""A record's feed: its children and its own history, newest first, in pages.

A feed can be narrowed to one person (`user_id`): the children they are an
actor of (as in a cloud's feed, `actor_exists`; a child that is no activity
has no actors and so is left out) and the history lines they wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import attachments
from ..domain.access import (
    actor_exists,
    cloud_names,
    get_record,
    history,
    records,
    visible_ids,
)
from ..domain.records import ContactFields
from ..domain.session import Session
from ..domain.tracker import TeamFocus, focused_seconds, team_focus
from ..models import Event, Record, RecordActor, Sale, User
from .history_text import describe_event, ids_in
from .listing import LIST_COLUMNS, HistoryItem, RecordRow, to_rows
from .people import contact_of, participants_of


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
    # Colleagues focused on this record right now (the reader's own focus
    # shows in the timer bar).
    focused_now: tuple[TeamFocus, ...] = ()


FeedItem = RecordRow | HistoryItem | attachments.FileInfo


def feed_header(session: Session, record_id: int) -> FeedHeader:
    record = get_record(session, record_id)
    parent = None
    if record.parent_id is not None:
        parent = records(session).where(Record.id == record.parent_id).first()
    actors = [
        name
        for (name,) in User.select(User.display_name)
        .join(RecordActor)
        .where(RecordActor.record == record.id)
        .order_by(User.display_name)
        .tuples()
    ]
    sale = Sale.get_or_none(Sale.record == record.id)  # the record is visible
    return FeedHeader(
        record=record,
        cloud=cloud_names(session).get(record.cloud_id, ""),
        parent=parent,
        actors=actors,
        participants=participants_of(session, record.id),
        contact=contact_of(session, record),
        focused=focused_seconds(session, [record.id]).get(record.id, 0.0),
        sale=sale,
        focused_now=tuple(
            f
            for f in team_focus(session, record.id)
            if f.user_name != session.user.name
        ),
    )


def own_row(session: Session, record_id: int) -> RecordRow:
    """The feed's record as a list row (the first line of its feed)."""
    record = get_record(session, record_id)
    return to_rows(
        session, records(session, *LIST_COLUMNS).where(Record.id == record.id)
    )[0]


def _children(session: Session, record_id: int, user_id: int | None, *columns):
    query = records(session, *columns).where(Record.parent == record_id)
    if user_id is not None:
        query = query.where(actor_exists(user_id))
    return query


def feed_count(session: Session, record_id: int, user_id: int | None = None) -> int:
    """How many items the feed has (those of one person with `user_id`)."""
    events = history(session, record_id)
    if user_id is not None:
        events = events.where(Event.user == user_id)
    children = _children(session, record_id, user_id, *LIST_COLUMNS)
    return children.count() + events.count()


def feed_page(
    session: Session,
    record_id: int,
    offset: int,
    limit: int,
    user_id: int | None = None,
) -> list[FeedItem]:
    """Items [offset, offset+limit) of the feed, newest first (of one
    person with `user_id`)."""
    record = get_record(session, record_id)
    # One ordered UNION of the two streams' keys; the children part is the
    # access path's own query, turned into SQL.
    children_sql, children_params = _children(
        session, record.id, user_id, Record.id, Record.created_at
    ).sql()
    p = session.db.param
    by_user = f" AND e.user_id = {p}" if user_id is not None else ""
    sql = (
        f"SELECT 0 AS is_event, c.id, c.created_at AS at FROM ({children_sql}) AS c "
        f"UNION ALL "
        f"SELECT 1 AS is_event, e.id, e.at AS at FROM event e "
        f"WHERE e.record_id = {p}{by_user} "
        f"ORDER BY at DESC, is_event, id DESC LIMIT {p} OFFSET {p}"
    )
    users = (int(user_id),) if user_id is not None else ()
    keys = session.db.execute_sql(
        sql, (*children_params, record.id, *users, max(0, limit), max(0, offset))
    ).fetchall()
    record_ids = [k[1] for k in keys if not k[0]]
    event_ids = [k[1] for k in keys if k[0]]
    rows = {r.id: r for r in to_rows(session, _children_by_id(session, record_ids))}
    events = {e.id: e for e in _events_by_id(session, event_ids)}
    items: list[FeedItem] = []
    for is_event, item_id, _at in keys:
        item = events.get(item_id) if is_event else rows.get(item_id)
        if item is not None:
            items.append(item)
    return items


def file_count(session: Session, record_id: int, user_id: int | None = None) -> int:
    """How many files the record has (those `user_id` added)."""
    return attachments.file_count(session, record_id, user_id)


def feed_and_files(
    session: Session,
    record_id: int,
    offset: int,
    limit: int,
    files: int,
    user_id: int | None = None,
) -> list[FeedItem]:
    """Items [offset, offset+limit) of the feed as the TUI lists it: the
    record's `files` files first (oldest first, as attached), then the
    feed (`feed_page`). Each part is read a page at a time."""
    offset, limit = max(0, offset), max(0, limit)
    items: list[FeedItem] = []
    if offset < files:
        items += attachments.files(
            session, record_id, offset, min(limit, files - offset), user_id
        )
    rest = limit - len(items)
    if rest > 0:
        items += feed_page(session, record_id, max(0, offset - files), rest, user_id)
    return items


def _children_by_id(session: Session, ids: list[int]):
    return records(session, *LIST_COLUMNS).where(Record.id.in_(ids or [0]))


def _events_by_id(session: Session, ids: list[int]) -> list[HistoryItem]:
    if not ids:
        return []
    # The ids are the page's own (feed_page read them for a visible record);
    # who wrote each line is part of that record's history.
    raw = list(
        Event.select(Event.id, Event.at, Event.kind, Event.data, User.display_name)
        .join(User, on=(Event.user == User.id), join_type="LEFT OUTER JOIN")
        .where(Event.id.in_(ids))
        .tuples()
    )
    # What the lines name, checked once for the page.
    seen = visible_ids(session, ids_in((kind, data) for _, _, kind, data, _ in raw))

    def may_see(record_id: int | None) -> bool:
        return record_id is not None and record_id in seen

    return [
        HistoryItem(
            id=eid,
            at=at,
            text=describe_event(kind, data, may_see),
            user=name or "",
        )
        for eid, at, kind, data, name in raw
    ]


def record_details(session: Session, record_id: int) -> dict:
    """Everything a record's feed shows, as plain data (`focus-tui show`):
    its fields, sums, actors, cloud, who is focused on it now, its children
    and its whole history, newest first. Times are local ISO strings."""
    from dataclasses import asdict

    from ..core.money import format_amount, from_cents
    from ..core.process import STAGE_NAMES, type_of

    header = feed_header(session, record_id)
    record = header.record

    local = session.clock.local_iso

    sale = None
    if header.sale is not None:
        s = header.sale
        one, month = from_cents(s.one_time_cents), from_cents(s.monthly_cents)
        sums = [format_amount(one, s.currency)] if one is not None else []
        if month is not None:
            sums.append(format_amount(month, s.currency) + "/month")
        sale = {
            "stage": s.stage,
            "revision": s.revision,
            "currency": s.currency,
            "one_time": str(one) if one is not None else None,
            "monthly": str(month) if month is not None else None,
            "sums": " + ".join(sums) or "none",
            "sent_date": _iso(s.sent_date),
            "sold_date": _iso(s.sold_date),
            "delivered_date": _iso(s.delivered_date),
            "billed_date": _iso(s.billed_date),
            "lost_reason": s.lost_reason or None,
        }
    items = feed_page(session, record.id, 0, feed_count(session, record.id))
    now = session.clock.now_utc_naive()
    return {
        "id": record.id,
        "type": record.type,
        "type_name": type_of(record.type).name,
        "title": record.title,
        "body": record.body,
        "cloud": header.cloud,
        "parent": header.parent.id if header.parent else None,
        "date": _iso(record.date),
        "due_at": local(record.due_at),
        "finished_at": local(record.finished_at),
        "created_at": local(record.created_at),
        "stage": STAGE_NAMES.get(sale["stage"]) if sale else None,
        "sale": sale,
        "actors": header.actors,
        "participants": [p.title for p in header.participants],
        "contact": asdict(header.contact) if header.contact else None,
        "focused": int(header.focused),
        "focused_now": [
            f"{f.display_name} ({int(f.elapsed(now) // 60)}m)"
            for f in team_focus(session, record.id)
        ],
        "children": [
            {
                "id": i.id,
                "type": i.type,
                "type_name": type_of(i.type).name,
                "title": i.title,
                "finished": i.finished,
            }
            for i in items
            if isinstance(i, RecordRow)
        ],
        "history": [
            {"at": local(i.at), "text": i.text, "user": i.user}
            for i in items
            if isinstance(i, HistoryItem)
        ],
    }


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


@dataclass(frozen=True)
class CloudFeedSettings:
    """A cloud feed's settings: which types, whose, open or finished."""

    types: tuple[str, ...] = ()  # record type keys; () for all
    actor_id: int | None = None  # only activities this user is an actor of
    finished: bool | None = None  # True finished, False open, None both


def cloud_feed(
    session: Session,
    cloud_id: int,
    feed_settings: CloudFeedSettings,
    offset: int,
    limit: int,
) -> list[RecordRow]:
    """Everything in one of the user's clouds, newest first, in pages (a
    cloud not the user's gives nothing)."""
    query = _cloud_query(session, cloud_id, feed_settings).order_by(
        Record.created_at.desc(), Record.id.desc()
    )
    return to_rows(session, query.offset(max(0, offset)).limit(max(0, limit)))


def cloud_feed_count(
    session: Session, cloud_id: int, feed_settings: CloudFeedSettings
) -> int:
    return _cloud_query(session, cloud_id, feed_settings).count()


def _cloud_query(session: Session, cloud_id: int, settings: CloudFeedSettings):
    query = records(session, *LIST_COLUMNS).where(Record.cloud == cloud_id)
    if settings.types:
        query = query.where(Record.type.in_(list(settings.types)))
    if settings.actor_id is not None:
        query = query.where(actor_exists(settings.actor_id))
    if settings.finished is not None:
        query = query.where(Record.finished_at.is_null(not settings.finished))
    return query
