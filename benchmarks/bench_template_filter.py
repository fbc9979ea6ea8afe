"""What leaving templates out costs the reads of work (`access.visible`'s
`is_template` test, and the same test in search).

    python benchmarks/bench_template_filter.py benchmarks/data/demo-100000.db ... \
        [--user bench] [--runs 21] [--new-indexes]

For each database, in one process, each read is timed with the test (as
the app runs) and without it (the access path as it was before templates),
the two alternating run by run so a busy machine weighs on both alike:
the main view's first screen (group counts and first page), a cloud's feed
(count and first page of the user's biggest cloud), the Sales Leads list
(count, first page, a page 10,000 deep) and search (a one-letter and a
rare word). The user's built-in templates are made first, as at first use.
Medians in milliseconds.

`--new-indexes`: for a database whose list indexes are migration 11's, also
a copy (`NAME-idx.db`) with migration 12's, timing their rebuild, measured
in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import peewee as pw

from focus_tui.domain import access
from focus_tui.domain.session import open_session
from focus_tui.domain.templates import ensure_builtins
from focus_tui.models import Record
from focus_tui.views import agenda
from focus_tui.views import search as search_view
from focus_tui.views.feed import CloudFeedSettings, cloud_feed, cloud_feed_count
from focus_tui.views.places import count_of_type, type_page
from focus_tui.views.search import search

WITH = access.visible
WITH_SEARCH = access.search_matches


def without(session) -> pw.Expression:
    """`visible` before templates: the user's clouds only."""
    return Record.cloud.in_(access.cloud_ids(session))


def search_without(session, words, *, title_only=False, type_key=None, limit=60):
    """`access.search_matches` before templates (its cloud test only)."""
    from focus_tui.models.search import match_sql, matched_id

    db = session.db
    source, params = match_sql(db, words, title_only=title_only, type_key=type_key)
    sql = (
        f"SELECT {matched_id(db)} {source} "
        f"AND record.cloud_id IN ({access.cloud_ids_sql(session)})"
    )
    sql += f" ORDER BY {matched_id(db)} DESC LIMIT {int(limit)}"
    return [row[0] for row in db.execute_sql(sql, params).fetchall()]


def reads(session) -> dict:
    cloud = max(
        access.my_clouds(session),
        key=lambda c: (
            access.records(session, Record.id).where(Record.cloud == c.id).count()
        ),
    ).id
    settings = CloudFeedSettings()

    def main_view():
        counts = agenda.bucket_counts(session)
        dated = sum(c for b, c in counts if b.name != "NO_DATE")
        agenda.fetch_page(session, 0, 60, dated)

    return {
        "main view (counts + first page)": main_view,
        "cloud feed count": lambda: cloud_feed_count(session, cloud, settings),
        "cloud feed first page": lambda: cloud_feed(session, cloud, settings, 0, 60),
        "Sales Leads count": lambda: count_of_type(session, "sales_lead"),
        "Sales Leads first page": lambda: type_page(session, "sales_lead", 0, 60),
        "Sales Leads page 10,000 deep": lambda: type_page(
            session, "sales_lead", 10_000, 60
        ),
        "search 'a'": lambda: search(session, "a"),
        "search 'zzyzx'": lambda: search(session, "zzyzx"),
    }


def use(filtered: bool) -> None:
    access.visible = WITH if filtered else without
    search_view.search_matches = WITH_SEARCH if filtered else search_without


def measure(path: Path, user: str, runs: int) -> None:
    session = open_session(str(path), user)
    ensure_builtins(session)
    total = Record.select().count()
    print(f"\n{path.name}: {total:,} records, user {user}")
    print(f"{'read':<32} {'without':>9} {'with':>9} {'ratio':>7}")
    for name, read in reads(session).items():
        times: dict[bool, list[float]] = {True: [], False: []}
        for run in range(runs):
            for filtered in (run % 2 == 0, run % 2 != 0):
                use(filtered)
                start = time.perf_counter()
                read()
                times[filtered].append(time.perf_counter() - start)
        use(True)
        before = statistics.median(times[False][1:]) * 1000  # first: cache warm-up
        after = statistics.median(times[True][1:]) * 1000
        print(f"{name:<32} {before:>7.2f}ms {after:>7.2f}ms {after / before:>6.2f}x")
    session.db.close()


def with_new_indexes(path: Path) -> Path:
    """A copy of the database with migration 12's list indexes."""
    import shutil
    import sqlite3

    from focus_tui.models.migrations import _m012_indexes

    copy = path.with_name(path.stem + "-idx.db")
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    shutil.copyfile(path, copy)
    db = pw.SqliteDatabase(str(copy))
    start = time.perf_counter()
    with db.atomic():
        _m012_indexes(db)
    print(f"{copy.name}: migration 12's indexes in {time.perf_counter() - start:.1f} s")
    db.close()
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+", type=Path)
    parser.add_argument("--user", default="bench")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--new-indexes", action="store_true")
    args = parser.parse_args()
    paths = list(args.databases)
    if args.new_indexes:
        paths += [with_new_indexes(path) for path in args.databases]
    for path in paths:
        measure(path, args.user, args.runs)


if __name__ == "__main__":
    main()
