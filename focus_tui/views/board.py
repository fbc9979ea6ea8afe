"""The Sales Process board's data: proposals and orders as cards by stage.

Plain Python (no Textual), like every domain module. A column is one stage
(`sales.STAGES`); the board asks for the totals of all columns in one
GROUP BY over the sale rows and then for the page of cards each column is
about to draw, so opening the board costs the same with 200 or 20,000
proposals.

What a column holds:

* Draft, Sent, Ordered, Delivered: the stage's proposals/orders that are not
  finished (a proposal finished with `x` instead of Lost leaves the board);
* Billed: every billed order, finished or on monthly billing;
* Lost: every lost proposal.

Only clouds the user is a member of count (`Sale.cloud_id` copies the
record's cloud); the filters narrow that to one cloud and/or to records the
user is an actor of.

Moving a card on is the next sales-process step (`NEXT_STAGE`, performed by
the functions of `sales`); moving it back undoes the step that brought it
into its column (`step_back`), and only that one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import peewee as pw

from ..core.errors import UserError
from ..core.money import DEFAULT_CURRENCY
from ..core.record_types import CLIENT_RELATIONSHIP, SALES_LEAD
from ..domain import sales, undo
from ..domain.access import get_record, visible
from ..domain.session import Session
from ..models import Record, RecordActor, Sale

STAGES = sales.STAGES
STAGE_NAMES = sales.STAGE_NAMES
# Shown by default; Lost is toggled on the board.
MAIN_STAGES = tuple(s for s in STAGES if s != sales.LOST)

# The step that moves a card out of a column, and the column it lands in.
NEXT_STAGE = {
    sales.DRAFT: sales.SENT,
    sales.SENT: sales.ORDERED,
    sales.ORDERED: sales.DELIVERED,
    sales.DELIVERED: sales.BILLED,
}
# The history event of the step that brings a card into a column.
STEP_INTO = {
    sales.SENT: "sent",
    sales.ORDERED: "sold",
    sales.DELIVERED: "delivered",
    sales.BILLED: "billed",
    sales.LOST: "lost",
}
STEP_NAMES = {
    "sent": "Send",
    "sold": "Sold",
    "delivered": "Delivered",
    "billed": "Billed",
    "lost": "Lost",
    "revised": "a revision",
    "terms": "a change of sums",
    "moved": "a move",
    "finished": "finishing it",
    "unfinished": "opening it again",
}

DEALS = (SALES_LEAD.key, CLIENT_RELATIONSHIP.key)


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
class CurrencyTotals:
    currency: str
    count: int
    one_time_cents: int
    monthly_cents: int


@dataclass(frozen=True)
class ColumnTotals:
    """Count and sums of a column.

    `one_time_cents` and `monthly_cents` add up every card whatever its
    currency (the plain SQL sum); `by_currency` splits them, largest first,
    so a screen never shows EUR and SEK added together as one amount.
    """

    stage: str
    count: int
    one_time_cents: int
    monthly_cents: int
    by_currency: tuple[CurrencyTotals, ...] = ()

    @property
    def main(self) -> CurrencyTotals | None:
        """The default currency's totals if the column has any, else the
        currency with the most cards."""
        for item in self.by_currency:
            if item.currency == DEFAULT_CURRENCY:
                return item
        return self.by_currency[0] if self.by_currency else None


# -- queries -------------------------------------------------------------------


def _filters(session: Session, cloud_id: int | None, mine: bool) -> pw.Expression:
    condition = Sale.cloud_id.in_(session.cloud_ids())
    if cloud_id is not None:
        condition &= Sale.cloud_id == cloud_id
    if mine:
        condition &= pw.fn.EXISTS(
            RecordActor.select(pw.SQL("1")).where(
                (RecordActor.record == Sale.record)
                & (RecordActor.user == session.user_id)
            )
        )
    return condition


def _on_board() -> pw.Expression:
    """Open stages list only unfinished records; Billed and Lost list all."""
    return Sale.stage.in_([sales.BILLED, sales.LOST]) | Record.finished_at.is_null()


def column_totals(
    session: Session,
    *,
    cloud_id: int | None = None,
    mine: bool = False,
    stages: tuple[str, ...] = STAGES,
) -> dict[str, ColumnTotals]:
    """Count and sums of every column (all STAGES, empty ones too).

    `stages` limits the work to the columns on screen (the others come
    back empty): a hidden Lost column can hold more cards than the rest.

    One query: the sale rows of the user's clouds grouped by stage (and
    currency), read along the (stage, cloud_id) index. The record is looked
    at only for cards of the open stages (is it finished?): NOT EXISTS
    skips that for Billed and Lost, where a join would not.
    """
    finished = Record.select(pw.SQL("1")).where(
        (Record.id == Sale.record) & Record.finished_at.is_null(False)
    )
    on_board = Sale.stage.in_([sales.BILLED, sales.LOST]) | ~pw.fn.EXISTS(finished)
    query = (
        Sale.select(
            Sale.stage,
            Sale.currency,
            pw.fn.COUNT(Sale.record),
            pw.fn.SUM(Sale.one_time_cents),
            pw.fn.SUM(Sale.monthly_cents),
        )
        .where(
            Sale.stage.in_(list(stages)) & _filters(session, cloud_id, mine) & on_board
        )
        .group_by(Sale.stage, Sale.currency)
        .tuples()
    )
    parts: dict[str, list[CurrencyTotals]] = {stage: [] for stage in STAGES}
    for stage, currency, count, one_time, monthly in query:
        if stage in parts:
            parts[stage].append(
                CurrencyTotals(
                    currency, int(count), int(one_time or 0), int(monthly or 0)
                )
            )
    totals = {}
    for stage, items in parts.items():
        items.sort(key=lambda c: (-c.one_time_cents, -c.count, c.currency))
        totals[stage] = ColumnTotals(
            stage=stage,
            count=sum(c.count for c in items),
            one_time_cents=sum(c.one_time_cents for c in items),
            monthly_cents=sum(c.monthly_cents for c in items),
            by_currency=tuple(items),
        )
    return totals


def _column(session: Session, stage: str, cloud_id: int | None, mine: bool, *columns):
    """The cards of a column (its sale rows, with their records if needed)."""
    if stage not in STAGES:
        raise UserError(f"There is no stage {stage!r}; use one of {', '.join(STAGES)}.")
    query = Sale.select(*columns).where(
        (Sale.stage == stage) & _filters(session, cloud_id, mine)
    )
    if stage == sales.BILLED:
        # Billed lists every billed order and sorts by the billed date: the
        # records need not be read (in a big database that is most of it).
        return query
    return query.join(Record, on=(Record.id == Sale.record)).where(_on_board())


# Columns of finished business show the latest first.
NEWEST_FIRST = (sales.BILLED, sales.LOST)


def _sort_keys(stage: str) -> tuple[pw.Field, pw.Field]:
    """(date, id) a column is sorted by."""
    if stage == sales.BILLED:
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
        totals={stage: total} if total is not None else None,
    )
    return pages[stage]


def column_pages(
    session: Session,
    wanted: dict[str, tuple[int, int]],
    *,
    cloud_id: int | None = None,
    mine: bool = False,
    totals: dict[str, int] | None = None,
) -> dict[str, list[Card]]:
    """A page of several columns at once: {stage: (offset, limit)}.

    Each column's sort reads the index and the sort key only, and keeps
    just the ids; the records, sums and deals (clients) of the cards of all
    the pages are then read in three small queries. (Read in the sort,
    SQLite would look them up for every card of the column.)
    """
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
            for (rid,) in _column(session, stage, cloud_id, mine, key)
            .order_by(*_order(stage, backwards))
            .limit(max(0, limit))
            .offset(offset)
            .tuples()
        ]
        ids[stage] = page[::-1] if backwards else page
    every = [rid for page in ids.values() for rid in page]
    if not every:
        return {stage: [] for stage in wanted}
    records = {
        rid: rest
        for rid, *rest in Record.select(
            Record.id, Record.title, Record.date, Record.finished_at, Record.parent
        )
        .where(Record.id.in_(every))
        .tuples()
    }
    terms = {
        rid: rest
        for rid, *rest in Sale.select(
            Sale.record,
            Sale.stage,
            Sale.one_time_cents,
            Sale.monthly_cents,
            Sale.currency,
        )
        .where(Sale.record.in_(every))
        .tuples()
    }
    parents = list({row[-1] for row in records.values() if row[-1] is not None})
    clients = {}
    if parents:
        clients = dict(
            Record.select(Record.id, Record.title)
            .where(Record.id.in_(parents) & Record.type.in_(DEALS) & visible(session))
            .tuples()
        )
    today = session.clock.today()
    pages = {}
    for stage, page in ids.items():
        cards = pages[stage] = []
        for rid in page:
            title, day, finished_at, parent_id = records[rid]
            row_stage, one_time, monthly, currency = terms[rid]
            finished = finished_at is not None
            cards.append(
                Card(
                    id=rid,
                    title=title,
                    client=clients.get(parent_id, ""),
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
) -> int | None:
    """Where the card stands in its column (0 = first); None if not there."""
    day_field, key = _sort_keys(stage)
    found = (
        _column(session, stage, cloud_id, mine, day_field)
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
    return _column(session, stage, cloud_id, mine, key).where(before).count()


def stage_of(session: Session, record_id: int) -> str:
    """The record's stage now (it may have changed since the board loaded)."""
    return sales.sale_of(get_record(session, record_id)).stage


# -- moving cards ----------------------------------------------------------------


def step_back(session: Session, record_id: int, stage: str) -> tuple[str, str]:
    """Undo the step that brought the card into `stage`.

    Only when that step is the last undoable one on the record: undoing
    anything else (a revision, a move) from the board would surprise.
    Returns (the step undone, the stage the card is in now).
    """
    now = stage_of(session, record_id)
    if now != stage:
        raise UserError(
            f"#{record_id} is {STAGE_NAMES[now]} now, not {STAGE_NAMES[stage]}; "
            "the board shows it again as it is."
        )
    wanted = STEP_INTO.get(stage)
    if wanted is None:
        raise UserError("A draft is where a proposal starts: there is no step to undo.")
    with session.transaction():
        last = undo.last_step(record_id)
        if last is None or last.kind != wanted:
            what = "nothing that can be undone" if last is None else _step(last.kind)
            raise UserError(
                f"The last step on #{record_id} was {what}, not {_step(wanted)}: "
                "undo that in its feed first (enter)."
            )
        done = undo.undo(session, record_id)
    return done, stage_of(session, record_id)


def _step(kind: str) -> str:
    name = STEP_NAMES.get(kind, kind.replace("_", " "))
    return name if name[0].islower() else f"“{name}”"


__all__ = [
    "MAIN_STAGES",
    "NEXT_STAGE",
    "STAGES",
    "STAGE_NAMES",
    "STEP_INTO",
    "Card",
    "ColumnTotals",
    "CurrencyTotals",
    "card_position",
    "column_page",
    "column_pages",
    "column_totals",
    "stage_of",
    "step_back",
]
