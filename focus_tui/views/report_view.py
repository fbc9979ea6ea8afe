"""The *Report Export* view: a table of records of chosen types in a period.

One row per record the user may see (title, type, client, cloud, actors,
dates, sums, state, focused hours), filtered by feed settings. The Reports
screen pages through it (`page`), the Excel export streams all of it
(`iter_rows`): rows are read in keyset pages by id, so 100k records never
sit in memory at once. No Textual here.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import NamedTuple

import peewee as pw

from ..core.errors import UserError
from ..core.money import from_cents
from ..core.process import (
    BY_KEY,
    DEAL_KEYS,
    SALE_KEYS,
    STAGE_NAMES,
    STAGES,
    parse_stage,
    parse_type,
)
from ..domain.access import (
    actor_exists,
    cloud_names,
    display_names,
    records,
    time_entries,
    visible,
)
from ..domain.deals import deal_ids
from ..domain.session import Session
from ..models import Record, RecordActor, Sale, TimeEntry

__all__ = [
    "ReportRow",
    "ViewIndex",
    "ViewSettings",
    "count_rows",
    "iter_rows",
    "iter_sales_rows",
    "page",
    "sales_settings",
]

BATCH = 2000
_PARENT = 4  # index of Record.parent in _COLUMNS


class ReportRow(NamedTuple):
    """One record as the Report Export table shows it.

    Immutable like a frozen dataclass, and building 100k of them costs a
    tenth as much (no per-field __setattr__).
    """

    id: int
    title: str
    type: str  # display name ("Sales Proposal")
    client: str  # the deal's title (a Sales Lead / Client Relationship), or ""
    cloud: str
    actors: str  # display names, ", "-joined, in alphabetical order
    date: date | None
    created: datetime  # aware, local
    finished: datetime | None  # aware, local
    sent_date: date | None
    sold_date: date | None
    delivered_date: date | None
    billed_date: date | None
    one_time: Decimal | None
    monthly: Decimal | None
    currency: str | None
    state: str  # "Open", "Finished", a sales stage name; "" for a Contact Person
    focused_hours: float
    # Beyond the table: what the Sales Process sheet and the TUI also need.
    type_key: str = ""
    stage: str | None = None  # sales stage key of a proposal or order
    revision: int | None = None
    lost_reason: str = ""
    monthly_billing: bool = False


@dataclass(frozen=True)
class ViewSettings:
    """Which records the view holds (feed settings).

    `types` are type keys (empty: every type). A record is in the period when
    its date, or (without a date) the local day it was created, lies within
    [start, end]; either end may be open. `finished`: None shows both.
    `stages` limits to proposals and orders in those sales stages.
    """

    types: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    cloud_id: int | None = None
    actor_id: int | None = None
    finished: bool | None = None
    stages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Accept display names too ("Sales Lead"), store keys; one clear
        # error for an unknown type or stage rather than an empty table.
        keys = tuple(dict.fromkeys(parse_type(t).key for t in self.types))
        object.__setattr__(self, "types", keys)
        stages = tuple(dict.fromkeys(parse_stage(s) for s in self.stages))
        object.__setattr__(self, "stages", stages)
        if self.start and self.end and self.start > self.end:
            raise UserError(
                f"The period starts ({self.start}) after it ends ({self.end})."
            )


def sales_settings(settings: ViewSettings) -> ViewSettings:
    """The same feed settings, limited to proposals and orders."""
    return ViewSettings(
        types=SALE_KEYS,
        start=settings.start,
        end=settings.end,
        cloud_id=settings.cloud_id,
        actor_id=settings.actor_id,
        finished=settings.finished,
        stages=settings.stages,
    )


# -- the query -------------------------------------------------------------------

_COLUMNS = (
    Record.id,
    Record.type,
    Record.title,
    Record.cloud,
    Record.parent,
    Record.date,
    Record.created_at,
    Record.finished_at,
    Sale.stage,
    Sale.sent_date,
    Sale.sold_date,
    Sale.delivered_date,
    Sale.billed_date,
    Sale.one_time_cents,
    Sale.monthly_cents,
    Sale.currency,
    Sale.revision,
    Sale.lost_reason,
    Sale.monthly_billing,
)


def _where(session: Session, settings: ViewSettings) -> pw.Expression:
    cond = visible(session)
    if settings.types:
        cond &= Record.type.in_(list(settings.types))
    if settings.cloud_id is not None:
        cond &= Record.cloud == settings.cloud_id
    if settings.finished is True:
        cond &= Record.finished_at.is_null(False)
    elif settings.finished is False:
        cond &= Record.finished_at.is_null()
    if settings.stages:
        cond &= Sale.stage.in_(list(settings.stages))
    if settings.actor_id is not None:
        cond &= actor_exists(settings.actor_id)
    if settings.start is not None or settings.end is not None:
        cond &= _in_period(session, settings.start, settings.end)
    return cond


def _in_period(session: Session, start: date | None, end: date | None):
    """The record's date, else its local creation day, within [start, end]."""
    by_date = Record.date.is_null(False)
    by_created = Record.date.is_null()
    if start is not None:
        by_date &= Record.date >= start
        by_created &= Record.created_at >= session.clock.to_utc_naive(
            datetime.combine(start, time())
        )
    if end is not None:
        by_date &= Record.date <= end
        by_created &= Record.created_at < session.clock.to_utc_naive(
            datetime.combine(end + timedelta(days=1), time())
        )
    return by_date | by_created


def _query(session: Session, settings: ViewSettings) -> pw.Select:
    return (
        Record.select(*_COLUMNS)
        .join(Sale, pw.JOIN.LEFT_OUTER, on=(Sale.record == Record.id))
        .where(_where(session, settings))
    )


def count_rows(session: Session, settings: ViewSettings) -> int:
    return (
        Record.select(Record.id)
        .join(Sale, pw.JOIN.LEFT_OUTER, on=(Sale.record == Record.id))
        .where(_where(session, settings))
        .count()
    )


def iter_rows(
    session: Session, settings: ViewSettings, batch: int = BATCH
) -> Iterator[ReportRow]:
    """Every row of the view in id order, read `batch` records at a time."""
    return _iter(session, settings, batch, _Lookups(session))


def iter_sales_rows(
    session: Session, settings: ViewSettings, batch: int = BATCH
) -> Iterator[ReportRow]:
    """The view's proposals and orders along the process: Draft, Sent,
    Ordered, Delivered, Billed, then Lost; by id within a stage."""
    lookups = _Lookups(session)
    settings = sales_settings(settings)
    for stage in settings.stages or STAGES:
        yield from _iter(session, replace(settings, stages=(stage,)), batch, lookups)


def _iter(
    session: Session, settings: ViewSettings, batch: int, lookups: _Lookups
) -> Iterator[ReportRow]:
    query = _query(session, settings).order_by(Record.id).limit(batch)
    last = 0
    while True:
        raw = session.db.execute(query.where(Record.id > last)).fetchall()
        if not raw:
            return
        yield from _rows(session, raw, lookups)
        if len(raw) < batch:
            return
        last = raw[-1][0]


def page(
    session: Session, settings: ViewSettings, offset: int, limit: int
) -> list[ReportRow]:
    """One screenful of the view (same order as the export)."""
    query = (
        _query(session, settings)
        .order_by(Record.id)
        .offset(max(0, offset))
        .limit(max(0, limit))
    )
    raw = session.db.execute(query).fetchall()
    return list(_rows(session, raw, _Lookups(session)))


class ViewIndex:
    """The ids of a view, read once: any page of it is then a lookup by id.

    `page(offset, ...)` above pays for the offset (SQLite walks past every
    row before it: ~60 ms at the end of 100k rows); a screen that scrolls
    or jumps through a big view builds this once (one query, 8 bytes a row;
    ~0.1 s at 100k, so in a worker) and reads each screenful in a few ms.
    Rebuild it after the data or the settings change.
    """

    def __init__(self, session: Session, settings: ViewSettings) -> None:
        self.session = session
        self.settings = settings
        query = (
            Record.select(Record.id)
            .join(Sale, pw.JOIN.LEFT_OUTER, on=(Sale.record == Record.id))
            .where(_where(session, settings))
            .order_by(Record.id)
        )
        self.ids = array("q", (rid for (rid,) in session.db.execute(query)))

    def __len__(self) -> int:
        return len(self.ids)

    def page(self, offset: int, limit: int) -> list[ReportRow]:
        """Rows [offset, offset + limit) of the view; records deleted since
        the index was built are left out."""
        wanted = self.ids[max(0, offset) : max(0, offset) + max(0, limit)]
        if not wanted:
            return []
        query = (
            Record.select(*_COLUMNS)
            .join(Sale, pw.JOIN.LEFT_OUTER, on=(Sale.record == Record.id))
            .where(Record.id.in_(_id_list(wanted)) & visible(self.session))
            .order_by(Record.id)
        )
        raw = self.session.db.execute(query).fetchall()
        return list(_rows(self.session, raw, _Lookups(self.session)))


# -- from raw rows to report rows ---------------------------------------------------


class _Lookups:
    """Names of clouds, users and deals, read once per view rather than per row."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.clouds = cloud_names(session)
        self.users: dict[int, str] = display_names(session)
        self.actors: dict[tuple[int, ...], str] = {}
        self.deal_of: dict[int, int | None] = {}  # record -> its deal
        self.titles: dict[int, str] = {}  # deal -> title
        self.local = _LocalTimes(session.clock)
        # Running focuses: elapsed seconds so far, per record.
        now = session.clock.now_utc_naive()
        self.running: dict[int, float] = defaultdict(float)
        for rid, started in session.db.execute(
            time_entries(session, TimeEntry.record, TimeEntry.started_at).where(
                TimeEntry.ended_at.is_null()
            )
        ):
            self.running[rid] += max(0.0, (now - _moment(started)).total_seconds())

    def actor_text(self, user_ids: list[int]) -> str:
        """The actors' display names, sorted and joined (cached per set)."""
        key = tuple(user_ids)
        text = self.actors.get(key)
        if text is None:
            text = ", ".join(sorted(self.users.get(u, f"#{u}") for u in key))
            self.actors[key] = text
        return text

    def deals(self, record_ids: list[int]) -> dict[int, int | None]:
        """The deal of each record (`domain.deals`) and the deals' titles."""
        missing = [rid for rid in record_ids if rid not in self.deal_of]
        if missing:
            self.deal_of.update(deal_ids(self.session, missing))
        result = {rid: self.deal_of.get(rid) for rid in record_ids}
        missing = {d for d in result.values() if d is not None} - self.titles.keys()
        if missing:
            self.titles.update(
                records(self.session, Record.id, Record.title)
                .where(Record.id.in_(_id_list(missing)))
                .tuples()
            )
        return result


class _LocalTimes:
    """Stored UTC times as aware local ones, one zone lookup per UTC day.

    dateutil's conversion costs several microseconds, which adds up over
    100k rows; the zone's offset is looked up once per day and applied as a
    fixed offset (same instant, same wall time). On a day whose offset
    changes (a DST day), each hour is looked up, and an hour in which it
    changes is converted time by time.
    """

    def __init__(self, clock) -> None:
        self.clock = clock
        self.zones: dict[str, timezone | None] = {}

    def __call__(self, value: str | datetime) -> datetime:
        """`value`: a naive UTC datetime, or its ISO text as SQLite returns it."""
        text = value if isinstance(value, str) else value.isoformat(" ")
        zone = self.zones.get(text[:10], _UNKNOWN)
        if zone is _UNKNOWN:
            zone = self._zone(text[:10], _DAY)
        if zone is None:
            zone = self.zones.get(text[:13], _UNKNOWN)
            if zone is _UNKNOWN:
                zone = self._zone(text[:13], _HOUR)
            if zone is None:
                return self.clock.to_local(_moment(value))
        return datetime.fromisoformat(text + "+00:00").astimezone(zone)

    def _zone(self, key: str, span: timedelta) -> timezone | None:
        """The fixed offset of the UTC day or hour `key`, None if it changes."""
        start = datetime.fromisoformat(key if len(key) == 10 else key + ":00")
        first = self.clock.to_local(start).utcoffset()
        last = self.clock.to_local(start + span - _TICK).utcoffset()
        zone = timezone(first) if first == last else None
        self.zones[key] = zone
        return zone


_UNKNOWN = object()
_DAY = timedelta(days=1)
_HOUR = timedelta(hours=1)
_TICK = timedelta(microseconds=1)


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _moment(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _rows(session: Session, raw: list[tuple], lookups: _Lookups) -> Iterator[ReportRow]:
    """Report rows from raw database rows (values as the driver gives them)."""
    ids = [r[0] for r in raw]
    first, last = (ids[0], ids[-1]) if ids else (0, -1)
    # Batches of iter_rows cover disjoint id ranges: where a batch is dense
    # (most records in its range are in the view), reading its whole range
    # is one index range scan and costs at most one pass over the table for
    # the whole export; a sparse batch names its ids.
    dense = last - first < 2 * len(ids)
    actors: dict[int, list[int]] = defaultdict(list)
    for rid, uid in session.db.execute(
        RecordActor.select(RecordActor.record, RecordActor.user).where(
            RecordActor.record.between(first, last)
            if dense
            else RecordActor.record.in_(_id_list(ids))
        )
    ):
        actors[rid].append(uid)
    actor_text = lookups.actor_text
    seconds = _focused_seconds(session, ids, dense, lookups)
    # A Sales Lead or Client Relationship is its own deal: every row of a
    # deal then shows the same client, which is what one filters by.
    deals = lookups.deals([r[0] for r in raw if r[1] in _DEAL_TYPES or r[_PARENT]])
    titles = lookups.titles
    clouds = lookups.clouds
    to_local = lookups.local
    no_actors: list[int] = []
    # Positional arguments and inlined conversions: this loop runs once per
    # row of a 100k-row export.
    for (
        rid,
        type_key,
        title,
        cloud_id,
        _parent,
        day,
        created_at,
        finished_at,
        stage,
        sent,
        sold,
        delivered,
        billed,
        one_time_cents,
        monthly_cents,
        currency,
        revision,
        lost_reason,
        monthly_billing,
    ) in raw:
        if stage is not None:
            state = STAGE_NAMES.get(stage, stage)
        elif type_key in _NOT_ACTIVITIES:
            state = ""
        else:
            state = "Open" if finished_at is None else "Finished"
        deal = deals.get(rid)
        yield ReportRow(
            rid,
            title,
            _TYPE_NAMES.get(type_key, type_key),
            "" if deal is None else titles.get(deal, ""),
            clouds.get(cloud_id, ""),
            actor_text(actors.get(rid, no_actors)),
            None if day is None else _day(day),
            to_local(created_at),
            None if finished_at is None else to_local(finished_at),
            None if sent is None else _day(sent),
            None if sold is None else _day(sold),
            None if delivered is None else _day(delivered),
            None if billed is None else _day(billed),
            None if one_time_cents is None else from_cents(one_time_cents),
            None if monthly_cents is None else from_cents(monthly_cents),
            currency,
            state,
            seconds.get(rid, 0.0) / 3600,
            type_key,
            stage,
            revision,
            lost_reason or "",
            bool(monthly_billing),
        )


_TYPE_NAMES = {key: t.name for key, t in BY_KEY.items()}
_NOT_ACTIVITIES = frozenset(key for key, t in BY_KEY.items() if not t.is_activity)


def _focused_seconds(
    session: Session, ids: list[int], dense: bool, lookups: _Lookups
) -> dict[int, float]:
    """Focused seconds per record, a running focus included (as feeds show it).

    Same sums as `tracker.focused_seconds`, with the batch named cheaply
    and the running focuses (a handful) read once per view.
    """
    if not ids:
        return {}
    if dense:
        in_batch = TimeEntry.record.between(ids[0], ids[-1])
    else:
        in_batch = TimeEntry.record.in_(_id_list(ids))
    totals: dict[int, float] = defaultdict(float)
    # SUM skips running entries (no seconds yet).
    query = (
        TimeEntry.select(TimeEntry.record, pw.fn.SUM(TimeEntry.seconds))
        .where(in_batch)
        .group_by(TimeEntry.record)
    )
    for rid, total in session.db.execute(query):
        totals[rid] = float(total or 0)
    for rid, seconds in lookups.running.items():
        totals[rid] += seconds  # rows outside the batch never look theirs up
    return totals


# -- ids ------------------------------------------------------------------------------

_DEAL_TYPES = frozenset(DEAL_KEYS)


def _id_list(ids: Iterable[int]) -> pw.Node:
    """An IN list of record ids, written into the SQL as numbers.

    peewee binds one parameter per value, at ~5 µs each to build, and
    SQLite caps the number of parameters; ids are whole numbers (int()
    makes sure), so writing them out is safe.
    """
    text = ",".join(str(int(i)) for i in ids)
    return pw.EnclosedNodeList([pw.SQL(text or "NULL")])
