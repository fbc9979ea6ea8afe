"""Who may see what: the one access path.

A record is visible to the members of its cloud, and so is everything that
hangs off it: its people, time entries, history and sums. Every read of
those goes through a scope here, so a record in a cloud the user is not a
member of never shows up in any view, report, export or CLI call, and a
query added later cannot forget the check: `tests/unit/test_outsiders.py`
runs every public read and command as a user of no cloud of the data.

The scopes return Peewee queries (or conditions) that callers narrow
further; none of them reads anything by itself.
"""

from __future__ import annotations

from collections.abc import Iterable

import peewee as pw

from ..core.errors import NotFound, UserError
from ..core.process import CONTACT_PERSON
from ..models import (
    Cloud,
    CloudMember,
    Event,
    Participant,
    Record,
    RecordActor,
    Sale,
    TimeEntry,
    User,
    is_sqlite,
    prepared,
)
from .session import Session

# Beyond any id the database can hold.
_MAX_ID = 2**63


def cloud_ids(session: Session) -> pw.Select:
    """Subquery: the clouds this user is a member of."""
    return session.cloud_ids()


def cloud_ids_sql(session: Session) -> str:
    """`cloud_ids` as SQL text, for hand-written recursive queries.

    The one bound value, the user id, is a whole number and is written in.
    """
    sql, params = cloud_ids(session).sql()
    if params != [session.user_id] or sql.count(session.db.param) != 1:
        raise AssertionError(f"unexpected cloud subquery {sql!r}")
    return sql.replace(session.db.param, str(int(session.user_id)))


def cloud_id_list_sql(session: Session) -> str:
    """The user's cloud ids written out ("1, 274, 275"; "NULL" for none),
    for `IN (...)` in hand-written queries that must be planned well.

    Given the values, PostgreSQL's planner knows from its statistics how
    many records those clouds hold; behind a subquery it guesses an average
    cloud (10,600 rows where there were 524,000) and, for a search, hashed
    every visible record (0.5 s at 1M) to check a page of matches."""
    ids = [int(row[0]) for row in cloud_ids(session).tuples()]
    return ", ".join(map(str, ids)) or "NULL"


def visible(session: Session) -> pw.Expression:
    """Condition: the record is in one of the user's clouds, and is work,
    not a template (templates are read through their own scope)."""
    return Record.cloud.in_(cloud_ids(session)) & (Record.is_template == False)  # noqa: E712


def records(session: Session, *columns) -> pw.Select:
    """The records the user may see (all columns unless some are named)."""
    return Record.select(*columns).where(visible(session))


def parse_id(text: object) -> int:
    """A record id as typed: ASCII digits (a leading # is fine), nothing else.

    `int()` would also take "٣" or "²"; an id is what the screens and the
    CLI print, so only 0-9.
    """
    if isinstance(text, bool):
        raise UserError(f"{text!r} is not a record id (a whole number).")
    if isinstance(text, int):
        return text
    shown = str(text).strip()
    digits = shown.removeprefix("#")
    if not digits or not digits.isascii() or not digits.isdigit():
        raise UserError(f"{_shown(shown)} is not a record id (a whole number).")
    return int(digits)


def _shown(text: str) -> str:
    from ..core.text import one_line

    text = one_line(text)
    return repr(text if len(text) <= 20 else text[:19] + "…")


def not_found(record_id: int) -> NotFound:
    # One answer whether it does not exist or is someone else's.
    return NotFound(f"There is no record #{record_id} that you can see.")


def get_record(session: Session, record_id: object, *, lock: bool = False) -> Record:
    """The record, if it exists and the user may see it.

    `lock=True` inside a write transaction: the row is read afresh and, on
    PostgreSQL, locked (`SELECT ... FOR UPDATE`) until the transaction ends,
    so a step checks the state it is about to change and nobody can change
    it in between. (SQLite's IMMEDIATE transaction already holds the write
    lock from BEGIN.)
    """
    record_id = parse_id(record_id)
    if not 0 < record_id < _MAX_ID:
        raise not_found(record_id)
    lock = lock and not is_sqlite(session.db)

    def build(slots: prepared.Slots) -> pw.Select:
        query = records(probe(session, slots)).where(Record.id == slots.int("id"))
        return (query.for_update() if lock else query).limit(1)

    # Built once per backend: every command reads a record or two, an
    # import one per message (Peewee built this query in ~1 ms).
    values = {"user": session.user_id, "id": record_id}
    cursor = prepared.run(session.db, ("get_record", lock), build, values)
    found = prepared.as_models(Record, cursor)
    if not found:
        raise not_found(record_id)
    return found[0]


def get_records(session: Session, record_ids: Iterable[object]) -> list[Record]:
    """The records of `record_ids` (in that order, repeats left out) as
    `get_record` gives each, read together: a NotFound for the first one the
    user may not see."""
    ids = list(dict.fromkeys(parse_id(i) for i in record_ids))
    for record_id in ids:
        if not 0 < record_id < _MAX_ID:
            raise not_found(record_id)
    found: dict[int, Record] = {}
    for start in range(0, len(ids), 100):
        found.update(
            (r.id, r) for r in _records_by_id(session, ids[start : start + 100])
        )
    for record_id in ids:
        if record_id not in found:
            raise not_found(record_id)
    return [found[i] for i in ids]


def _records_by_id(session: Session, ids: list[int]) -> list[Record]:
    def build(slots: prepared.Slots) -> pw.Select:
        wanted = [slots.int(f"id{n}") for n in range(len(ids))]
        return records(probe(session, slots)).where(Record.id.in_(wanted))

    values = {"user": session.user_id} | {f"id{n}": i for n, i in enumerate(ids)}
    cursor = prepared.run(session.db, ("get_records", len(ids)), build, values)
    return prepared.as_models(Record, cursor)


def probe(session: Session, slots: prepared.Slots) -> Session:
    """A stand-in session whose user id is the slot "user", for building a
    prepared query (`models.prepared`) from the scopes here."""
    return Session(db=session.db, user=User(id=slots.int("user")))


def templates(session: Session, *columns) -> pw.Select:
    """The template records (roots and their children) of the user's clouds:
    the one read of templates, which `visible` leaves out of every view."""
    return Record.select(*columns).where(
        Record.cloud.in_(cloud_ids(session)) & (Record.is_template == True)  # noqa: E712
    )


def visible_ids(session: Session, ids: Iterable[int]) -> set[int]:
    """Those of `ids` that are records the user may see."""
    wanted = sorted({int(i) for i in ids if i is not None})
    found: set[int] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            rid
            for (rid,) in records(session, Record.id)
            .where(Record.id.in_(chunk))
            .tuples()
        )
    return found


def people(session: Session, *columns) -> pw.Select:
    """The Contact Persons the user may see."""
    return records(session, *columns).where(Record.type == CONTACT_PERSON.key)


def participants(session: Session, record_id: int) -> pw.Select:
    """The people tagged on a record that the user may see, by name."""
    return (
        Record.select()
        .join(Participant, on=(Participant.person == Record.id))
        .where((Participant.record == record_id) & visible(session))
        .order_by(Record.title)
    )


def history(session: Session, record_id: object) -> pw.Select:
    """The history events of a record the user may see (NotFound otherwise)."""
    record = get_record(session, record_id)
    return Event.select().where(Event.record == record.id)


def sales(session: Session, *columns) -> pw.Select:
    """Sale rows (sums, stages) of the user's clouds.

    Reads the copy of the record's cloud on the sale row (`Sale.cloud_id`),
    so board columns never need to visit the records.
    """
    return Sale.select(*columns).where(Sale.cloud_id.in_(cloud_ids(session)))


def sale_of(session: Session, record_id: object) -> Sale:
    """The sums and stage of a proposal or order the user may see."""
    from ..core.process import with_article

    record = get_record(session, record_id)
    sale = Sale.get_or_none(Sale.record == record.id)
    if sale is None:
        raise UserError(f"#{record.id} is {with_article(record.type)}, not a sale.")
    return sale


def agenda_rows(session: Session, *columns) -> pw.Select:
    """The user's own actor rows in clouds they (still) belong to.

    Reads the copy of the record's cloud on the actor row, so the main view
    is one index range per user.
    """
    return RecordActor.select(*columns).where(
        (RecordActor.user == session.user_id)
        & RecordActor.cloud_id.in_(cloud_ids(session))
    )


def time_entries(session: Session, *columns) -> pw.Select:
    """Time entries on records the user may see (anybody's time).

    On PostgreSQL the user's cloud ids are read first and written into the
    query. Behind a subquery the planner assumes the average cloud's share
    of the records, while a team cloud can hold most of them: at 1M records
    it then probes time entries record by record (4-5 s for `report
    phases`) where, knowing the clouds, it hashes them (about 1 s). The ids
    come from the same `cloud_ids` and are read at every call, so a member
    removed meanwhile is still left out.
    """
    query = TimeEntry.select(*columns).join(Record, on=(Record.id == TimeEntry.record))
    if is_sqlite(session.db):
        return query.where(visible(session))
    ids = [row[0] for row in cloud_ids(session).tuples()]
    return query.where(Record.cloud.in_(ids))


def actor_exists(user_id: int) -> pw.Expression:
    """Condition for a query over records or sales: `user_id` is an actor."""
    return pw.fn.EXISTS(
        RecordActor.select(pw.SQL("1")).where(
            (RecordActor.record == Record.id) & (RecordActor.user == user_id)
        )
    )


def sale_actor_exists(user_id: int) -> pw.Expression:
    """Like `actor_exists`, for a query over sale rows."""
    return pw.fn.EXISTS(
        RecordActor.select(pw.SQL("1")).where(
            (RecordActor.record == Sale.record) & (RecordActor.user == user_id)
        )
    )


def search_matches(
    session: Session,
    words: list[str],
    *,
    title_only: bool = False,
    type_key: str | None = None,
    limit: int = 60,
) -> list[int]:
    """Ids of the records the user may see whose index row holds every one
    of `words` (folded, `core.text.search_words`) as the start of a word,
    newest first. The index is read in id order from the newest down and the
    read stops at `limit`: a one-letter search over a million records reads
    only as many matches as it shows."""
    from ..models.search import match_sql, matched_id

    if not words:
        return []
    db = session.db
    source, params = match_sql(db, words, title_only=title_only, type_key=type_key)
    # The same rule as `visible`, written out: the user's clouds, no templates.
    sql = (
        f"SELECT {matched_id(db)} {source} AND NOT record.is_template "
        f"AND record.cloud_id IN ({cloud_id_list_sql(session)}) "
        f"ORDER BY {matched_id(db)} DESC LIMIT {int(limit)}"
    )
    return [row[0] for row in db.execute_sql(sql, params).fetchall()]


# -- clouds and people of the team -------------------------------------------


def cloud_by_name(session: Session, name: str) -> Cloud:
    """A cloud the user is a member of, by name (case-insensitive)."""
    cloud = (
        Cloud.select()
        .where(
            Cloud.id.in_(cloud_ids(session))
            & (pw.fn.LOWER(Cloud.name) == " ".join(name.split()).lower())
        )
        .first()
    )
    if cloud is None:
        raise UserError(f"You are not a member of a cloud called {_shown(name)}.")
    return cloud


def my_clouds(session: Session) -> list[Cloud]:
    """The user's clouds (not archived ones): team clouds by name, then the
    private one."""
    return list(
        Cloud.select()
        .where(Cloud.id.in_(cloud_ids(session)))
        .order_by(Cloud.kind.desc(), Cloud.name)
    )


def cloud_names(session: Session) -> dict[int, str]:
    """{cloud id: name} of the user's clouds."""
    return dict(
        Cloud.select(Cloud.id, Cloud.name)
        .where(Cloud.id.in_(cloud_ids(session)))
        .tuples()
    )


def teammates(session: Session) -> pw.Select:
    """Users who share a cloud with this user (the user included)."""
    return User.select().where(
        User.id.in_(
            CloudMember.select(CloudMember.user).where(
                CloudMember.cloud.in_(cloud_ids(session))
            )
        )
    )


def teammate_by_name(session: Session, name: str) -> User:
    """A user of one of my clouds, by login name.

    Nobody else is found: whether some other user exists is not the
    asker's business, so the answer is the same.
    """
    user = teammates(session).where(User.name == name.strip()).first()
    if user is None:
        raise UserError(f"Nobody called {_shown(name)} shares a cloud with you.")
    return user


def display_names(
    session: Session, user_ids: Iterable[int] | None = None
) -> dict[int, str]:
    """Display names of those of `user_ids` who share a cloud with the user
    (of all of them with None: a team is small, and one query for all beats
    one per row of a report)."""
    query = teammates(session).select(User.id, User.display_name)
    if user_ids is not None:
        ids = list({int(u) for u in user_ids if u is not None})
        if not ids:
            return {}
        query = query.where(User.id.in_(ids))
    return dict(query.tuples())
