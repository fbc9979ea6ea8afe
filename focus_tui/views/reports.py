"""Where the time and the money went: focused time per phase, a person's
timesheet (per local day or week, deal and phase), and the numbers of the
sales process (offers vs orders, conversion, days between steps).

Plain queries over time entries and sale rows, always limited to the
user's clouds; the CLI, the Reports screen and the Excel export share them.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import peewee as pw
from dateutil.relativedelta import relativedelta

from ..core.money import MoneyTotals
from ..core.process import PHASES, WON_STAGES, Stage
from ..domain.access import sale_actor_exists, sales, time_entries
from ..domain.deals import deal_chain_cte
from ..domain.session import Session
from ..models import Cloud, Record, Sale, TimeEntry, User


@dataclass(frozen=True)
class Filters:
    """What a report covers. Dates are local calendar days, inclusive."""

    start: date | None = None
    end: date | None = None
    cloud_id: int | None = None
    user_id: int | None = None  # a person (actor / who focused)


def utc_bounds(
    session: Session, filters: Filters
) -> tuple[datetime | None, datetime | None]:
    """The filter's days as naive UTC instants [start, end) in the user's zone."""
    start = end = None
    if filters.start is not None:
        start = session.clock.to_utc_naive(datetime.combine(filters.start, time()))
    if filters.end is not None:
        end = session.clock.to_utc_naive(
            datetime.combine(filters.end + timedelta(days=1), time())
        )
    return start, end


# -- time per phase ------------------------------------------------------------


@dataclass(frozen=True)
class PhaseRow:
    key: str  # the group: a deal's title, a person, a cloud, or "" for all
    key_id: int | None
    phase: str
    seconds: int
    entries: int


GROUPS = ("phase", "deal", "person", "cloud")


def entries(session: Session, filters: Filters) -> pw.Select:
    """The ended time entries a report covers (visible clouds, filters)."""
    start, end = utc_bounds(session, filters)
    query = time_entries(session).where(TimeEntry.ended_at.is_null(False))
    if start is not None:
        query = query.where(TimeEntry.started_at >= start)
    if end is not None:
        query = query.where(TimeEntry.started_at < end)
    if filters.cloud_id is not None:
        query = query.where(Record.cloud == filters.cloud_id)
    if filters.user_id is not None:
        query = query.where(TimeEntry.user == filters.user_id)
    return query


def phase_totals(
    session: Session, filters: Filters = Filters(), by: str = "phase"
) -> list[PhaseRow]:
    """Focused time per phase, optionally per person, cloud or deal."""
    if by not in GROUPS:
        raise ValueError(by)
    base = entries(session, filters)
    seconds = pw.fn.SUM(TimeEntry.seconds)
    count = pw.fn.COUNT(TimeEntry.id)
    if by == "phase":
        rows = base.select(TimeEntry.phase, seconds, count).group_by(TimeEntry.phase)
        return _sorted(
            PhaseRow("", None, p, int(s or 0), n) for p, s, n in rows.tuples()
        )
    if by == "person":
        rows = (
            base.select(User.id, User.display_name, TimeEntry.phase, seconds, count)
            .join_from(TimeEntry, User, on=(User.id == TimeEntry.user))
            .group_by(User.id, User.display_name, TimeEntry.phase)
        )
    elif by == "cloud":
        rows = (
            base.select(Cloud.id, Cloud.name, TimeEntry.phase, seconds, count)
            .join_from(Record, Cloud, on=(Cloud.id == Record.cloud))
            .group_by(Cloud.id, Cloud.name, TimeEntry.phase)
        )
    else:
        return deal_phase_rows(session, filters)
    return _sorted(
        PhaseRow(name, kid, p, int(s or 0), n) for kid, name, p, s, n in rows.tuples()
    )


def _sorted(rows) -> list[PhaseRow]:
    order = {p: i for i, p in enumerate(PHASES)}
    return sorted(rows, key=lambda r: (r.key, order.get(r.phase, 99)))


def deal_phase_rows(session: Session, filters: Filters = Filters()) -> list[PhaseRow]:
    """Focused time per deal and phase (a deal: the tree under one lead).

    One query: a recursive CTE walks each record up to its deal inside the
    database (177k entries: ~0.8 s, a few MB), instead of walking parents
    in Python with one parameter per id.
    """
    per_record, params = (
        entries(session, filters)
        .select(
            TimeEntry.record,
            TimeEntry.phase,
            pw.fn.SUM(TimeEntry.seconds),
            pw.fn.COUNT(TimeEntry.id),
        )
        .group_by(TimeEntry.record, TimeEntry.phase)
        .sql()
    )
    sql = (
        f"WITH RECURSIVE per_record (rid, phase, secs, n) AS ({per_record}), "
        + deal_chain_cte(session, "SELECT rid FROM per_record")
        + " SELECT d.deal, deal.title, p.phase, SUM(p.secs), SUM(p.n)"
        " FROM per_record AS p JOIN deal_of AS d ON d.rid = p.rid"
        ' JOIN "record" AS deal ON deal.id = d.deal'
        " GROUP BY d.deal, deal.title, p.phase"
    )
    return _sorted(
        PhaseRow(title, deal, phase, int(seconds or 0), int(n))
        for deal, title, phase, seconds, n in session.db.execute_sql(sql, params)
    )


# -- the timesheet ---------------------------------------------------------------

NO_DEAL = "(not in a deal)"  # the deal column of time on records in no deal
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY = timedelta(days=1)


class TimeRow(NamedTuple):
    """Focused time of one local day (or ISO week) on one deal in one phase.

    A named tuple: a whole history makes tens of thousands of them.
    """

    day: date  # the local day; in a weekly timesheet the week's Monday
    deal_id: int | None  # None: time on records in no deal
    deal: str  # the deal's title, or NO_DEAL
    phase: str
    seconds: int
    entries: int  # time entries with time in this row


@dataclass(frozen=True)
class Timesheet:
    """Rows by day (or week), deal and phase. `entries` counts each entry
    once, also one split at midnight into two rows."""

    rows: tuple[TimeRow, ...]
    entries: int

    @property
    def seconds(self) -> int:
        return sum(r.seconds for r in self.rows)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_label(day: date) -> str:
    """The ISO week of a day: '2026-W48' (its year is the Thursday's)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def timesheet(session: Session, filters: Filters = Filters()) -> Timesheet:
    """Focused time per local day, deal and phase.

    The time inside the period's days: an entry that crosses local
    midnight is cut there, each day getting its part (the parts add up to
    the entry's seconds exactly), and one begun before the period counts
    with its part inside it. A day runs from local midnight to local
    midnight (23 or 25 hours on a DST change). Ended entries only, like
    every report. `filters.user_id` None: everyone's time the user may see.
    """
    return _timesheet(session, filters, weekly=False)


def timesheet_weeks(session: Session, filters: Filters = Filters()) -> Timesheet:
    """`timesheet` per ISO week (Monday to Sunday): each row's day is the
    Monday."""
    return _timesheet(session, filters, weekly=True)


def _timesheet(session: Session, filters: Filters, weekly: bool) -> Timesheet:
    start, end = utc_bounds(session, filters)
    # Entries overlapping the period, not only those begun in it.
    query = entries(session, replace(filters, start=None, end=None)).select(
        TimeEntry.record,
        TimeEntry.started_at,
        TimeEntry.ended_at,
        TimeEntry.seconds,
        TimeEntry.phase,
    )
    if start is not None:
        query = query.where(TimeEntry.ended_at > start)
    if end is not None:
        query = query.where(TimeEntry.started_at < end)
    entry_sql, params = query.sql()
    # One query, each entry with its deal (the walk up to it in the
    # database, as in deal_phase_rows). Days are bucketed here, where the
    # zone's rules are (SQLite knows no zones); in order of start, so that
    # nearly every entry falls in the day of the one before.
    sql = (
        f"WITH RECURSIVE te (rid, started, ended, secs, phase) AS ({entry_sql}), "
        + deal_chain_cte(session, "SELECT rid FROM te")
        + " SELECT te.started, te.ended, te.secs, te.phase, d.deal, deal.title"
        " FROM te LEFT JOIN deal_of AS d ON d.rid = te.rid"
        ' LEFT JOIN "record" AS deal ON deal.id = d.deal'
        " ORDER BY te.started"
    )
    days = _LocalDays(session)
    first, last = filters.start or date.min, filters.end or date.max
    seconds: dict[tuple[date, int | None, str], int] = defaultdict(int)
    counts: dict[tuple[date, int | None, str], int] = defaultdict(int)
    titles: dict[int | None, str] = {None: NO_DEAL}
    counted = 0
    # The local day of the last entry: [day_start, day_end) as stored.
    day, day_start, day_end = date.min, datetime.max, datetime.min
    for started, ended, secs, phase, deal_id, title in session.db.execute_sql(
        sql, params
    ):
        if isinstance(started, str):
            started, ended = datetime.fromisoformat(started), _moment(ended)
        if deal_id not in titles:
            titles[deal_id] = title
        secs = int(secs or 0)
        if not day_start <= started < day_end:
            day = days.day_of(started)
            day_start, day_end = days.start(day), days.start(day + _DAY)
        if ended <= day_end:  # within one day: most entries
            if first <= day <= last:
                key = (monday_of(day) if weekly else day, deal_id, phase)
                seconds[key] += secs
                counts[key] += 1
                counted += 1
            continue
        previous = None
        for part_day, part in days.parts(started, ended, secs):
            if first <= part_day <= last:
                key = (monday_of(part_day) if weekly else part_day, deal_id, phase)
                seconds[key] += part
                if key != previous:  # two days of one week: one entry there
                    counts[key] += 1
                    previous = key
        counted += previous is not None
    order = {p: i for i, p in enumerate(PHASES)}
    sort_titles = {deal_id: title.lower() for deal_id, title in titles.items()}
    keys = sorted(
        seconds,
        key=lambda k: (
            k[0],
            k[1] is None,
            sort_titles[k[1]],
            k[1] or 0,
            order.get(k[2], 99),
        ),
    )
    rows = tuple(
        TimeRow(key[0], key[1], titles[key[1]], key[2], seconds[key], counts[key])
        for key in keys
    )
    return Timesheet(rows, counted)


def _moment(value) -> datetime:
    """A stored time read by hand-written SQL (SQLite gives text)."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


class _LocalDays:
    """The user's local days as stored (naive UTC) instants: each local
    midnight is worked out once (a zone lookup costs microseconds, a
    dictionary hit a tenth of that)."""

    def __init__(self, session: Session) -> None:
        self.clock = session.clock
        self._starts: dict[date, datetime] = {}
        self._offset = timedelta(0)  # local minus UTC, at the last day found

    def start(self, day: date) -> datetime:
        moment = self._starts.get(day)
        if moment is None:
            moment = self.clock.to_utc_naive(datetime.combine(day, time()))
            self._starts[day] = moment
        return moment

    def day_of(self, moment: datetime) -> date:
        day = (moment + self._offset).date()
        while moment < self.start(day):
            day -= _DAY
        while moment >= self.start(day + _DAY):
            day += _DAY
        self._offset = datetime.combine(day, time()) - self.start(day)
        return day

    def parts(
        self, started: datetime, ended: datetime, seconds: int
    ) -> list[tuple[date, int]]:
        """(local day, seconds) of an entry cut at each local midnight.

        Whole seconds from the start to each midnight (capped by the
        entry's own) decide the cut, and the last day gets the rest: the
        parts add up to `seconds` exactly. Empty parts are dropped, except
        for an entry of no seconds at all (it still happened that day).
        """
        day = self.day_of(started)
        parts = []
        done = 0
        while True:
            midnight = self.start(day + _DAY)
            if ended <= midnight:
                parts.append((day, seconds - done))
                break
            upto = min(seconds, max(done, int((midnight - started).total_seconds())))
            parts.append((day, upto - done))
            done = upto
            day += _DAY
        return [p for p in parts if p[1]] or parts[:1]


@dataclass(frozen=True)
class WeekLine:
    """One deal and phase across a week: seconds Monday..Sunday."""

    deal_id: int | None
    deal: str
    phase: str
    days: tuple[int, ...]

    @property
    def seconds(self) -> int:
        return sum(self.days)


def week_lines(sheet: Timesheet, monday: date) -> list[WeekLine]:
    """A daily timesheet as a week's grid: a line per deal and phase (deals
    by title, time outside deals last), a column per day."""
    grid: dict[tuple[int | None, str, str], list[int]] = {}
    for row in sheet.rows:
        index = (row.day - monday).days
        if 0 <= index < 7:
            key = (row.deal_id, row.deal, row.phase)
            grid.setdefault(key, [0] * 7)[index] += row.seconds
    order = {p: i for i, p in enumerate(PHASES)}
    return [
        WeekLine(deal_id, deal, phase, tuple(days))
        for (deal_id, deal, phase), days in sorted(
            grid.items(),
            key=lambda item: (
                item[0][0] is None,
                item[0][1].lower(),
                item[0][0] or 0,
                order.get(item[0][2], 99),
            ),
        )
    ]


@dataclass(frozen=True)
class OutcomeAverages:
    """Average focused seconds per phase for won and for lost deals."""

    won_deals: int
    lost_deals: int
    won: dict[str, float] = field(default_factory=dict)
    lost: dict[str, float] = field(default_factory=dict)


def outcome_averages(session: Session, filters: Filters = Filters()) -> OutcomeAverages:
    """A deal is won when it holds an order, lost when all its proposals were."""
    rows = deal_phase_rows(session, filters)
    deal_ids = {r.key_id for r in rows}
    won, lost = _deal_outcomes(session, deal_ids)
    sums: dict[str, dict[str, int]] = {
        "won": defaultdict(int),
        "lost": defaultdict(int),
    }
    for r in rows:
        if r.key_id in won:
            sums["won"][r.phase] += r.seconds
        elif r.key_id in lost:
            sums["lost"][r.phase] += r.seconds
    return OutcomeAverages(
        won_deals=len(won),
        lost_deals=len(lost),
        won={p: s / len(won) for p, s in sums["won"].items()} if won else {},
        lost={p: s / len(lost) for p, s in sums["lost"].items()} if lost else {},
    )


def _deal_outcomes(session: Session, deal_ids: set[int]) -> tuple[set[int], set[int]]:
    """(won, lost) among the deals: won when one of its proposals became an
    order, lost when all of them were lost. A deal's proposals are every
    sale of its tree (`domain.deals`), however deep they sit."""
    if not deal_ids:
        return set(), set()
    stages: dict[int, set[str]] = defaultdict(set)
    sale_sql, params = sales(session, Sale.record).sql()
    sql = (
        f"WITH RECURSIVE {deal_chain_cte(session, sale_sql)} "
        'SELECT d.deal, s.stage FROM deal_of AS d JOIN "sale" AS s '
        "ON s.record_id = d.rid"
    )
    for deal, stage in session.db.execute_sql(sql, params):
        if deal in deal_ids:
            stages[deal].add(stage)
    won = {d for d, s in stages.items() if s & set(WON_STAGES)}
    lost = {d for d, s in stages.items() if s == {Stage.LOST}}
    return won, lost


# -- the numbers of the sales process ---------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    month: date  # the first day
    offers: int  # proposals sent that month
    offers_value: MoneyTotals  # their one-time sums, one per currency
    orders: int  # sold that month
    orders_value: MoneyTotals
    lost: int

    @property
    def conversion(self) -> float | None:
        return self.orders / self.offers if self.offers else None


def _sales(session: Session, filters: Filters) -> pw.Select:
    query = sales(session)
    if filters.cloud_id is not None:
        query = query.where(Sale.cloud_id == filters.cloud_id)
    if filters.user_id is not None:
        query = query.where(sale_actor_exists(filters.user_id))
    return query


# The statistics cover this many calendar months when no period is chosen
# (the months of the chart, this one included).
STATS_MONTHS = 12


def stats_period(session: Session, filters: Filters = Filters()) -> Filters:
    """The filters the statistics use: the period chosen, else the last
    `STATS_MONTHS` months up to today, so that every figure (conversion,
    days between steps, lost reasons) covers the months the chart shows
    and the header can name them."""
    if filters.start is not None or filters.end is not None:
        return filters
    today = session.clock.today()
    first = date(today.year, today.month, 1) - relativedelta(months=STATS_MONTHS - 1)
    return replace(filters, start=first, end=today)


def monthly(
    session: Session, filters: Filters = Filters(), months: int = STATS_MONTHS
) -> list[MonthRow]:
    """Offers (sent) vs orders (sold) per month for the last `months` months.

    Values are one sum per currency (`MoneyTotals`): a month with offers in
    EUR and SEK has two sums, never their total.
    """
    end = filters.end or session.clock.today()
    first = date(end.year, end.month, 1) - relativedelta(months=months - 1)
    counts: dict[date, list[int]] = {
        first + relativedelta(months=i): [0, 0, 0] for i in range(months)
    }
    # (month, currency) -> [cents, count]; one MoneyTotals per month at the end.
    offered: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0])
    ordered: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0])

    def bucket(day: date | None) -> date | None:
        if day is None or day < first or day > end:
            return None
        return date(day.year, day.month, 1)

    rows = (
        _sales(session, filters)
        .select(
            Sale.sent_date,
            Sale.sold_date,
            Sale.one_time_cents,
            Sale.currency,
            Sale.stage,
        )
        .where((Sale.sent_date >= first) | (Sale.sold_date >= first))
        .tuples()
    )
    for sent, sold, cents, currency, stage in rows:
        if (m := bucket(sent)) is not None:
            counts[m][0] += 1
            offer = offered[m, currency]
            offer[0] += cents or 0
            offer[1] += 1
            if stage == Stage.LOST:
                counts[m][2] += 1
        if (m := bucket(sold)) is not None:
            counts[m][1] += 1
            order = ordered[m, currency]
            order[0] += cents or 0
            order[1] += 1

    def totals_of(sums: dict[tuple[date, str], list[int]], month: date) -> MoneyTotals:
        return MoneyTotals.collect(
            (code, cents, n) for (m, code), (cents, n) in sums.items() if m == month
        )

    return [
        MonthRow(
            m,
            offers=offers,
            offers_value=totals_of(offered, m),
            orders=orders,
            orders_value=totals_of(ordered, m),
            lost=lost,
        )
        for m, (offers, orders, lost) in counts.items()
    ]


@dataclass(frozen=True)
class Span:
    key: str
    count: int
    mean_days: float | None
    median_days: float | None


SPANS = (
    ("offer_to_order", "Offer sent → order", Sale.sent_date, Sale.sold_date),
    ("order_to_delivery", "Order → delivered", Sale.sold_date, Sale.delivered_date),
    ("order_to_billing", "Order → billed", Sale.sold_date, Sale.billed_date),
)


def spans(session: Session, filters: Filters = Filters()) -> list[Span]:
    """Days between the steps (the bottleneck finder): mean and median."""
    result = []
    for key, _label, first_col, second_col in SPANS:
        query = (
            _sales(session, filters)
            .select(first_col, second_col)
            .where(first_col.is_null(False) & second_col.is_null(False))
        )
        if filters.start is not None:
            query = query.where(second_col >= filters.start)
        if filters.end is not None:
            query = query.where(second_col <= filters.end)
        days = [(b - a).days for a, b in query.tuples()]
        result.append(
            Span(
                key,
                len(days),
                statistics.fmean(days) if days else None,
                float(statistics.median(days)) if days else None,
            )
        )
    return result


def span_label(key: str) -> str:
    return next(label for k, label, *_ in SPANS if k == key)


def conversion(session: Session, filters: Filters = Filters()) -> tuple[int, int]:
    """(orders among sent proposals, sent proposals) in the period."""
    query = _sales(session, filters).where(Sale.sent_date.is_null(False))
    if filters.start is not None:
        query = query.where(Sale.sent_date >= filters.start)
    if filters.end is not None:
        query = query.where(Sale.sent_date <= filters.end)
    sent = query.count()
    won = query.where(Sale.stage.in_(list(WON_STAGES))).count()
    return won, sent


def lost_reasons(
    session: Session, filters: Filters = Filters()
) -> list[tuple[str, int]]:
    query = (
        _sales(session, filters)
        .select(Sale.lost_reason, pw.fn.COUNT(Sale.record))
        .where(Sale.stage == Stage.LOST)
        .group_by(Sale.lost_reason)
        .order_by(pw.fn.COUNT(Sale.record).desc())
    )
    # The proposals lost among those sent in the period, as `conversion`
    # counts them (a lost proposal keeps the day it was sent, no other).
    if filters.start is not None:
        query = query.where(Sale.sent_date >= filters.start)
    if filters.end is not None:
        query = query.where(Sale.sent_date <= filters.end)
    return [(reason or "(no reason given)", n) for reason, n in query.tuples()]
