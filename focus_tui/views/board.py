"""The Sales Process board's data: proposals and orders as cards by stage.

Plain Python (no Textual), like every view. A column is one stage
(`core.process.STAGES`); the board asks for the totals of all columns in one
GROUP BY over the sale rows and then for the page of cards each column is
about to draw, so opening the board costs the same with 200 or 20,000
proposals.

What a column holds:

* Draft, Sent, Ordered, Delivered: the stage's proposals/orders that are not
  finished (a proposal finished with `x` instead of Lost leaves the board);
* Billed: every billed order, finished or on monthly billing;
* Lost: every lost proposal.

Only clouds the user is a member of count (the access path's sale rows);
the filters narrow that to one cloud and/or to records the user (or a
colleague, `user_id`) is an actor of. Each card's client is its deal
(`domain.deals`).

Moving a card on is the next sales-process step (the stage's `next` in
`core.process`, performed by `domain.sales`); moving it back undoes the
step that brought it into its column (`domain.undo.step_back`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import peewee as pw

from ..core.errors import UserError
from ..core.money import MoneyTotals
from ..core.process import CLOSED_STAGES, MAIN_STAGES, STAGE_NAMES, STAGES, Stage
from ..domain.access import get_record, records, sale_actor_exists, sale_of, sales
from ..domain.deals import deal_ids
from ..domain.session import Session
from ..models import Record, RecordActor, Sale, User


@dataclass(frozen=True)
class Card:
    id: int
    title: str
    client: str  # the deal's title (Sales Lead / Client Relationship), or ""
    stage: str
    one_time_cents: int | None
    monthly_cents: int | None
    currency: str
    date: date | None  # the record's next date
    overdue: bool
    finished: bool


@dataclass(frozen=True)
class ColumnTotals:
    """Count and sums of a column, one sum per currency (`MoneyTotals`).

    `one_time` holds every currency of the column's cards (its count: the
    cards in that currency); `monthly` the currencies with monthly sums
    (its count: the cards with one). Nothing adds EUR and SEK together.
    """

    stage: str
    count: int
    one_time: MoneyTotals = MoneyTotals()
    monthly: MoneyTotals = MoneyTotals()


# -- queries -------------------------------------------------------------------


def _filters(
    session: Session, cloud_id: int | None, mine: bool, user_id: int | None = None
) -> pw.Expression:
    """Narrowing of the access path's sale rows: one cloud, me as actor, a
    person (`user_id`, a colleague or me) as actor."""
    condition = pw.SQL("1 = 1")
    if cloud_id is not None:
        condition &= Sale.cloud_id == cloud_id
    if mine:
        condition &= sale_actor_exists(session.user_id)
    if user_id is not None:
        condition &= sale_actor_exists(user_id)
    return condition


def _on_board() -> pw.Expression:
    """Open stages list only unfinished records; Billed and Lost list all."""
    return Sale.stage.in_(list(CLOSED_STAGES)) | Record.finished_at.is_null()


def column_totals(
    session: Session,
    *,
    cloud_id: int | None = None,
    mine: bool = False,
    user_id: int | None = None,
    stages: tuple[str, ...] = STAGES,
) -> dict[str, ColumnTotals]:
    """Count and sums of every column (all STAGES, empty ones too).

    `stages` limits the work to the columns on screen (the others come
    back empty): a hidden Lost column can hold more cards than the rest.
    `mine` keeps the cards I am an actor of, `user_id` those of that person.

    The sale rows of the user's clouds grouped by stage and currency (a
    sum never adds two currencies), read along the (stage, cloud_id) index,
    in one statement of two parts joined by UNION ALL. Billed and Lost list
    every card, so their part never looks at the record; the open stages'
    part checks the record is unfinished with a plain NOT EXISTS. (Under an
    OR of the two, PostgreSQL cannot make the NOT EXISTS an anti-join and
    hashes every finished record instead: twice the time of SQLite.)
    """
    totals_columns = (
        Sale.stage,
        Sale.currency,
        pw.fn.COUNT(Sale.record),
        pw.fn.SUM(Sale.one_time_cents),
        pw.fn.COUNT(Sale.monthly_cents),
        pw.fn.SUM(Sale.monthly_cents),
    )
    narrowed = _filters(session, cloud_id, mine, user_id)
    closed = [stage for stage in stages if stage in CLOSED_STAGES]
    still_open = [stage for stage in stages if stage not in CLOSED_STAGES]
    finished = Record.select(pw.SQL("1")).where(
        (Record.id == Sale.record) & Record.finished_at.is_null(False)
    )
    parts = []
    if closed:
        parts.append(
            sales(session, *totals_columns)
            .where(Sale.stage.in_(closed) & narrowed)
            .group_by(Sale.stage, Sale.currency)
        )
    if still_open:
        parts.append(
            sales(session, *totals_columns)
            .where(Sale.stage.in_(still_open) & narrowed & ~pw.fn.EXISTS(finished))
            .group_by(Sale.stage, Sale.currency)
        )
    rows = []
    if parts:
        query = parts[0] if len(parts) == 1 else parts[0].union_all(parts[1])
        rows = query.tuples()
    once: dict[str, list[tuple[str, int, int]]] = {stage: [] for stage in STAGES}
    monthly: dict[str, list[tuple[str, int, int]]] = {stage: [] for stage in STAGES}
    for stage, currency, count, one_time, with_monthly, month_sum in rows:
        if stage in once:
            once[stage].append((currency, int(one_time or 0), int(count)))
            monthly[stage].append((currency, int(month_sum or 0), int(with_monthly)))
    totals = {}
    for stage in STAGES:
        one_time = MoneyTotals.collect(once[stage])
        totals[stage] = ColumnTotals(
            stage=stage,
            count=one_time.count,
            one_time=one_time,
            monthly=MoneyTotals.collect(monthly[stage]),
        )
    return totals


def _column(session: Session, stage: str, narrowed: pw.Expression, *columns):
    """The cards of a column (its sale rows, with their records if needed),
    `narrowed` by the board's filters (`_filters`)."""
    if stage not in STAGES:
        raise UserError(f"There is no stage {stage!r}; use one of {', '.join(STAGES)}.")
    query = sales(session, *columns).where((Sale.stage == stage) & narrowed)
    if stage == Stage.BILLED:
        # Billed lists every billed order and sorts by the billed date: the
        # records need not be read (in a big database that is most of it).
        return query
    return query.join(Record, on=(Record.id == Sale.record)).where(_on_board())


# Columns of finished business show the latest first.
NEWEST_FIRST = (Stage.BILLED, Stage.LOST)


def _sort_keys(stage: str) -> tuple[pw.Field, pw.Field]:
    """(date, id) a column is sorted by."""
    if stage == Stage.BILLED:
        return Sale.billed_date, Sale.record
    return Record.date, Record.id


def _order(stage: str, backwards: bool = False) -> tuple:
    """A column's order, total so that pages never overlap.

    Draft, Sent, Ordered, Delivered: by the record's next date, undated
    cards last, then id. Billed (by billed date) and Lost (by date) run from
    the newest back: there the oldest matter least. `backwards` is the same
    order read from the last card.
    """
    day, key = _sort_keys(stage)
    newest_first = (stage in NEWEST_FIRST) != backwards
    undated = day.is_null()
    return (
        undated.desc() if backwards else undated,
        day.desc() if newest_first else day,
        key.desc() if newest_first else key,
    )


def column_page(
    session: Session,
    stage: str,
    offset: int,
    limit: int,
    *,
    cloud_id: int | None = None,
    mine: bool = False,
    user_id: int | None = None,
    total: int | None = None,
) -> list[Card]:
    """Cards [offset, offset+limit) of a column, in its order (`_order`).

    With the column's `total` (from column_totals), a page in the second
    half is read from the end: SQLite then sorts only up to that page from
    the other side (4 ms instead of 12 for the last page of 5,000 cards).
    """
    pages = column_pages(
        session,
        {stage: (offset, limit)},
        cloud_id=cloud_id,
        mine=mine,
        user_id=user_id,
        totals={stage: total} if total is not None else None,
    )
    return pages[stage]


def column_pages(
    session: Session,
    wanted: dict[str, tuple[int, int]],
    *,
    cloud_id: int | None = None,
    mine: bool = False,
    user_id: int | None = None,
    totals: dict[str, int] | None = None,
) -> dict[str, list[Card]]:
    """A page of several columns at once: {stage: (offset, limit)}.

    Each column's sort reads the index and the sort key only, and keeps
    just the ids; the records, sums and deals (clients) of the cards of all
    the pages are then read in three small queries. (Read in the sort,
    SQLite would look them up for every card of the column.)
    """
    narrowed = _filters(session, cloud_id, mine, user_id)
    ids = {}
    for stage, (offset, limit) in wanted.items():
        offset, limit = max(0, offset), max(0, limit)
        total = (totals or {}).get(stage)
        backwards = total is not None and offset + limit // 2 > total // 2
        if backwards:
            # The same cards, counted from the end.
            offset, limit = max(0, total - offset - limit), min(limit, total - offset)
        _day, key = _sort_keys(stage)
        page = [
            rid
            for (rid,) in _column(session, stage, narrowed, key)
            .order_by(*_order(stage, backwards))
            .limit(max(0, limit))
            .offset(offset)
            .tuples()
        ]
        ids[stage] = page[::-1] if backwards else page
    every = [rid for page in ids.values() for rid in page]
    if not every:
        return {stage: [] for stage in wanted}
    cards_of = {
        rid: rest
        for rid, *rest in records(
            session, Record.id, Record.title, Record.date, Record.finished_at
        )
        .where(Record.id.in_(every))
        .tuples()
    }
    terms = {
        rid: rest
        for rid, *rest in sales(
            session,
            Sale.record,
            Sale.stage,
            Sale.one_time_cents,
            Sale.monthly_cents,
            Sale.currency,
        )
        .where(Sale.record.in_(every))
        .tuples()
    }
    # The client of a card is its deal (`domain.deals`), however deep the
    # proposal sits under the lead.
    deals = deal_ids(session, every)
    clients = dict(
        records(session, Record.id, Record.title)
        .where(Record.id.in_([d for d in set(deals.values()) if d is not None]))
        .tuples()
    )
    today = session.clock.today()
    pages = {}
    for stage, page in ids.items():
        cards = pages[stage] = []
        for rid in page:
            if rid not in cards_of or rid not in terms:
                continue  # changed cloud since the page was read
            title, day, finished_at = cards_of[rid]
            row_stage, one_time, monthly, currency = terms[rid]
            finished = finished_at is not None
            cards.append(
                Card(
                    id=rid,
                    title=title,
                    client=clients.get(deals.get(rid), ""),
                    stage=row_stage,
                    one_time_cents=one_time,
                    monthly_cents=monthly,
                    currency=currency,
                    date=day,
                    overdue=day is not None and day < today and not finished,
                    finished=finished,
                )
            )
    return pages


def card_position(
    session: Session,
    stage: str,
    record_id: int,
    *,
    cloud_id: int | None = None,
    mine: bool = False,
    user_id: int | None = None,
) -> int | None:
    """Where the card stands in its column (0 = first); None if not there."""
    day_field, key = _sort_keys(stage)
    narrowed = _filters(session, cloud_id, mine, user_id)
    found = (
        _column(session, stage, narrowed, day_field)
        .where(key == record_id)
        .tuples()
        .first()
    )
    if found is None:
        return None
    (day,) = found
    if stage in NEWEST_FIRST:
        earlier_day, earlier_key = day_field > day, key > record_id
    else:
        earlier_day, earlier_key = day_field < day, key < record_id
    if day is None:
        before = day_field.is_null(False) | (day_field.is_null() & earlier_key)
    else:
        before = day_field.is_null(False) & (
            earlier_day | ((day_field == day) & earlier_key)
        )
    return _column(session, stage, narrowed, key).where(before).count()


def stage_of(session: Session, record_id: int) -> str:
    """The record's stage now (it may have changed since the board loaded)."""
    return sale_of(session, record_id).stage


__all__ = [
    "MAIN_STAGES",
    "STAGES",
    "STAGE_NAMES",
    "Card",
    "ColumnTotals",
    "card_position",
    "column_page",
    "column_pages",
    "column_totals",
    "stage_of",
]


def card_actors(session: Session, record_id: int) -> tuple[bool, list[str]]:
    """(is the user an actor of the card, the names of its other actors):
    the board asks before moving a colleague's card on."""
    get_record(session, record_id)  # visible to the user, else NotFound
    rows = (
        User.select(User.id, User.display_name)
        .join(RecordActor, on=(RecordActor.user == User.id))
        .where(RecordActor.record == record_id)
        .order_by(User.display_name)
        .tuples()
    )
    mine = False
    others = []
    for user_id, name in rows:
        if user_id == session.user_id:
            mine = True
        else:
            others.append(name)
    return mine, others
