"""Bringing in time tracked with another tool (Watson, Timewarrior).

`focus_tui.importing.time_history` reads the tool's file into intervals;
this command writes them:

- each deal title (Watson's project, Timewarrior's first tag) is a Sales
  Lead of that title in the target cloud (`--cloud`, else the user's private
  cloud): the oldest one the user can see there, else a new one;
- each finished interval becomes one finished time entry of the user's on
  that lead, in the phase a tag named, else the lead's phase now (a new
  lead: Lead), as a forgotten entry added by hand gets its activity's;
- an interval still running is left out and counted: it is not time yet;
- every entry keeps its `source` ("watson:<frame id>"), unique per user, so
  importing the same history again adds nothing: an interval already there
  (or repeated in the file) is counted and skipped.

Intervals are taken as the tool recorded them, overlaps included, so the
totals here are the tool's own, to the second. Everything the file holds is
checked before anything is written (titles included); then the entries go
in one transaction per `CHUNK` intervals, so other users' writes wait a
moment, not the whole import, and an import cut short is completed by
running it again. Entries imported add no history line each (a lead made
here logs its creation, as any new record does).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import peewee as pw

from ..core.errors import UserError
from ..core.process import SALES_LEAD, Phase
from ..models import Cloud, Record, TimeEntry, User
from . import write
from .access import cloud_by_name, records
from .phases import phase_of
from .records import clean_title
from .session import NO_USER_ID, Session, private_cloud

CHUNK = 5000  # intervals per write transaction
LOOKUP = 500  # values in one `IN (...)`


class ImportedInterval(Protocol):
    """One interval as a reader gives it (`importing.time_history.Interval`)."""

    @property
    def start(self) -> datetime: ...  # naive UTC

    @property
    def end(self) -> datetime | None: ...  # None: still running

    @property
    def deal(self) -> str: ...  # the title as the tool has it

    @property
    def phase(self) -> Phase | None: ...

    @property
    def source(self) -> str: ...

    @property
    def place(self) -> int: ...


class ImportedHistory(Protocol):
    @property
    def tool(self) -> str: ...

    @property
    def intervals(self) -> Sequence[ImportedInterval]: ...

    def where(self, place: int) -> str: ...


@dataclass(frozen=True)
class ImportSummary:
    tool: str
    cloud: str | None  # where the deals are (None: nothing to import)
    intervals: int  # in the file
    added: int  # new time entries
    already_there: int  # finished intervals imported before (or repeated)
    running: int  # left out: still running
    deals: int  # distinct deals of the finished intervals
    deals_found: int
    deals_created: int
    seconds: int  # of every finished interval of the file: the tool's total
    seconds_added: int
    first: datetime | None  # the earliest start of a finished interval (UTC)
    last: datetime | None  # the latest end


def import_time(
    session: Session, history: ImportedHistory, *, cloud: str | None = None
) -> ImportSummary:
    """Add the finished intervals of `history` not imported yet."""
    finished = [i for i in history.intervals if i.end is not None]
    titles = _clean_titles(history, finished)
    deals = _Deals(session)
    if cloud is not None:
        deals.cloud = cloud_by_name(session, cloud)  # a bad name: before any write
    elif session.user_id != NO_USER_ID:
        deals.cloud = private_cloud(session.user)
    deals.find(titles.values())
    seen: set[str] = set()  # sources of this file, against repeats within it
    added = seconds_added = 0
    for start in range(0, len(finished), CHUNK):
        chunk = finished[start : start + CHUNK]
        with session.transaction():
            _lock_user(session)
            # The cloud afresh: the user may have left it, or it was archived.
            deals.cloud = (
                cloud_by_name(session, cloud)
                if cloud is not None
                else private_cloud(session.user)
            )
            stored = _stored(session, [i.source for i in chunk])
            new = []
            for interval in chunk:
                if interval.source not in stored and interval.source not in seen:
                    seen.add(interval.source)
                    new.append(interval)
            if not new:
                continue
            leads = deals.leads(titles[i.deal] for i in new)
            rows = [
                {
                    "record": leads[titles[i.deal]],
                    "started_at": i.start,
                    "ended_at": i.end,
                    "phase": i.phase or deals.phase(titles[i.deal]),
                    "source": i.source,
                }
                for i in new
            ]
            write.add_time_entries(session, rows)
            added += len(rows)
            seconds_added += sum(_seconds(i) for i in new)
    return ImportSummary(
        tool=history.tool,
        cloud=deals.cloud.name if deals.cloud is not None else None,
        intervals=len(history.intervals),
        added=added,
        already_there=len(finished) - added,
        running=len(history.intervals) - len(finished),
        deals=len(set(titles.values())),
        deals_found=deals.found,
        deals_created=deals.created,
        seconds=sum(_seconds(i) for i in finished),
        seconds_added=seconds_added,
        first=min((i.start for i in finished), default=None),
        last=max((i.end for i in finished), default=None),  # type: ignore[type-var]
    )


def _seconds(interval: ImportedInterval) -> int:
    # Whole seconds, as `write` stores an entry's.
    return max(0, int((interval.end - interval.start).total_seconds()))  # type: ignore[operator]


def _clean_titles(
    history: ImportedHistory, intervals: list[ImportedInterval]
) -> dict[str, str]:
    """{title in the file: the deal's title}, each checked as any title is
    (whitespace runs one space, not too long, storable text)."""
    titles: dict[str, str] = {}
    for interval in intervals:
        if interval.deal not in titles:
            try:
                titles[interval.deal] = clean_title(interval.deal)
            except UserError as exc:
                raise UserError(
                    f"{history.where(interval.place)}, as a deal's title: {exc}"
                ) from None
    return titles


def _lock_user(session: Session) -> None:
    """Serialise the user's time writes: SQLite's IMMEDIATE transaction holds
    the write lock already; on PostgreSQL two imports of one file at once
    would both find nothing there and the second would fail on the index."""
    if not isinstance(session.db, pw.SqliteDatabase):
        User.select(User.id).where(User.id == session.user_id).for_update().execute()


def _stored(session: Session, sources: list[str]) -> set[str]:
    """Those of `sources` the user has imported before (on any record: the
    key is unique per user, whether or not they still see the record)."""
    found: set[str] = set()
    mark = session.db.param
    for start in range(0, len(sources), LOOKUP):
        part = sources[start : start + LOOKUP]
        # Written out: Peewee builds a node per value, 4x the query's own time.
        # The conditions match the partial unique index (user_id, source).
        sql = (
            f'SELECT source FROM "{TimeEntry._meta.table_name}" '
            f"WHERE user_id = {mark} AND source IS NOT NULL "
            f"AND source IN ({', '.join([mark] * len(part))})"
        )
        found.update(
            row[0] for row in session.db.execute_sql(sql, [session.user_id, *part])
        )
    return found


class _Deals:
    """The Sales Leads of the import's titles in the target cloud: each
    looked up once, made when first needed."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cloud: Cloud | None = None
        self.ids: dict[str, int] = {}
        self.found_leads: dict[str, Record] = {}
        self.phases: dict[str, Phase] = {}
        self.found = self.created = 0

    def find(self, titles: Iterable[str]) -> None:
        wanted = sorted({t for t in titles if t not in self.ids})
        if not wanted or self.cloud is None:
            return
        for start in range(0, len(wanted), LOOKUP):
            query = (
                records(self.session)
                .where(
                    (Record.type == SALES_LEAD.key)
                    & (Record.cloud == self.cloud.id)
                    & Record.title.in_(wanted[start : start + LOOKUP])
                )
                .order_by(Record.id)
            )
            for lead in query:
                if lead.title not in self.ids:  # the oldest of a name
                    self.ids[lead.title] = lead.id
                    self.found_leads[lead.title] = lead
                    self.found += 1

    def leads(self, titles: Iterable[str]) -> dict[str, int]:
        """{title: lead id}, inside the caller's transaction."""
        missing = [t for t in dict.fromkeys(titles) if t not in self.ids]
        if missing:
            self.find(missing)  # made meanwhile, by another import
        assert self.cloud is not None
        for title in missing:  # in the order of the file
            if title not in self.ids:
                lead = write.add_record(
                    self.session, SALES_LEAD, title, cloud_id=self.cloud.id
                )
                self.ids[title] = lead.id
                self.phases[title] = Phase.LEAD
                self.created += 1
        return self.ids

    def phase(self, title: str) -> Phase:
        """The lead's phase now, for entries no tag gave one."""
        if title not in self.phases:
            self.phases[title] = phase_of(self.session, self.found_leads[title])
        return self.phases[title]
