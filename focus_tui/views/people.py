"""Contact Persons: finding them by name, their details, who is tagged where."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import peewee as pw

from ..core.process import CONTACT_PERSON
from ..domain.access import participants, people, records
from ..domain.records import ContactFields
from ..domain.session import Session
from ..models import ContactDetails, Participant, Record
from .listing import PersonRow, narrowed


def find_people(
    session: Session, text: str, limit: int = 8, *, context: str = ""
) -> list[tuple[Record, str]]:
    """Contact persons whose name or organisation contains `text`.

    Best first: people of an organisation named in `context` (e.g. the
    lead's title "Fleet tracking for Nordlicht GmbH"), then names that start
    with the text, then the rest alphabetically.
    """
    text = text.strip()
    if not text:
        return []
    query = (
        people(session, Record, ContactDetails.organisation)
        .join(
            ContactDetails, pw.JOIN.LEFT_OUTER, on=(ContactDetails.record == Record.id)
        )
        .where(Record.title.contains(text) | ContactDetails.organisation.contains(text))
        .order_by(Record.title)
        .limit(200)
    )
    found = [(r, r.contactdetails.organisation or "") for r in query]
    context = context.lower()
    lowered = text.lower()

    def rank(item: tuple[Record, str]) -> tuple[int, int, str]:
        person, organisation = item
        in_context = bool(organisation) and organisation.lower() in context
        return (
            0 if in_context else 1,
            0 if person.title.lower().startswith(lowered) else 1,
            person.title.lower(),
        )

    return sorted(found, key=rank)[:limit]


def participants_of(session: Session, record_id: int) -> list[Record]:
    """The people tagged on a record that the user may see."""
    return list(participants(session, record_id))


def contact_of(session: Session, record: Record) -> ContactFields | None:
    """A (visible) Contact Person's organisation, e-mail and phone."""
    # The scope narrowed to this one id (an IN over every visible person
    # would scan them all: 130 ms at 1M records).
    details = (
        people(
            session,
            ContactDetails.organisation,
            ContactDetails.email,
            ContactDetails.phone,
        )
        .join(ContactDetails, on=(ContactDetails.record == Record.id))
        .where(Record.id == record.id)
        .objects(ContactDetails)
        .first()
    )
    if details is None:
        return None
    return ContactFields(details.organisation, details.email, details.phone)


def count_people(
    session: Session, cloud_id: int | None = None, actor_id: int | None = None
) -> int:
    """How many Contact Persons the People list holds."""
    return narrowed(people(session, Record.id), cloud_id, actor_id).count()


def people_page(
    session: Session,
    offset: int,
    limit: int,
    cloud_id: int | None = None,
    actor_id: int | None = None,
) -> list[PersonRow]:
    """One page of the People list, by name."""
    query = narrowed(people(session, Record.id), cloud_id, actor_id)
    ids = [
        rid
        for (rid,) in query.order_by(Record.title, Record.id)
        .offset(offset)
        .limit(limit)
        .tuples()
    ]
    return person_rows(session, ids)


def all_people(session: Session, chunk: int = 1000) -> Iterator[PersonRow]:
    """Every Contact Person the user may see, by name (`focus-tui people`):
    the ids in one pass, their lines a chunk at a time."""
    ids = [
        rid
        for (rid,) in people(session, Record.id)
        .order_by(Record.title, Record.id)
        .tuples()
    ]
    for start in range(0, len(ids), chunk):
        yield from person_rows(session, ids[start : start + chunk])


def person_rows(session: Session, ids: list[int]) -> list[PersonRow]:
    """These Contact Persons (those the user may see) as People lines, in
    the order given."""
    if not ids:
        return []
    # Read by id, the type checked here: with `type = ...` in the query the
    # planner may walk the type's index over every person (47 ms at 1M)
    # instead of looking up these few ids.
    found = {
        rid: (title, cloud, org or "", email or "", phone or "")
        for rid, rtype, title, cloud, org, email, phone in records(
            session,
            Record.id,
            Record.type,
            Record.title,
            Record.cloud,
            ContactDetails.organisation,
            ContactDetails.email,
            ContactDetails.phone,
        )
        .join(
            ContactDetails, pw.JOIN.LEFT_OUTER, on=(ContactDetails.record == Record.id)
        )
        .where(Record.id.in_(ids))
        .tuples()
        if rtype == CONTACT_PERSON.key
    }
    last = last_contacts(session, list(found))
    return [
        PersonRow(rid, *found[rid][:1], *found[rid][2:], found[rid][1], last.get(rid))
        for rid in ids
        if rid in found
    ]


def last_contacts(session: Session, person_ids: list[int]) -> dict[int, date]:
    """{person id: the latest day of a visible record they are tagged on
    (its date, else the day it was made)}."""
    if not person_ids:
        return {}
    rows = (
        records(
            session,
            Participant.person,
            pw.fn.MAX(Record.date),
            pw.fn.MAX(Record.created_at),
        )
        .join(Participant, on=(Participant.record == Record.id))
        .where(Participant.person.in_(person_ids))
        .group_by(Participant.person)
        .tuples()
    )
    out: dict[int, date] = {}
    for pid, day, made in rows:
        day = _as_date(day) or _as_date(made)
        if day is not None:
            out[pid] = day
    return out


def _as_date(value) -> date | None:
    # MAX() over a column comes back as stored (text on SQLite).
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    return date.fromisoformat(str(value)[:10])


def person_named(session: Session, text: str) -> Record:
    """The Contact Person `text` names: an id (12, #12) or a name, found as
    the People field finds it (`find_people`). A name must pick one person:
    an exact name (any case) wins, else the only match; otherwise a
    UserError lists the candidates or says there is none."""
    from ..core.errors import UserError
    from ..core.process import CONTACT_PERSON, type_of
    from ..core.text import one_line
    from ..domain.access import get_record, parse_id

    shown = one_line(text)[:40]
    digits = text.strip().removeprefix("#")
    if digits.isascii() and digits.isdigit():
        record = get_record(session, parse_id(digits))
        if record.type != CONTACT_PERSON.key:
            raise UserError(
                f"#{record.id} is a {type_of(record.type).name}, not a person."
            )
        return record
    found = [person for person, _ in find_people(session, text, limit=20)]
    exact = [p for p in found if p.title.lower() == " ".join(text.split()).lower()]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1 or len(found) > 1:
        choices = ", ".join(
            f"#{p.id} {one_line(p.title)}" for p in (exact or found)[:5]
        )
        raise UserError(f"{shown!r} could be several people ({choices}); give the id.")
    if not found:
        raise UserError(
            f"No Contact Person called {shown!r} that you can see; add one with "
            f"focus-tui add person {shown!r}."
        )
    return found[0]
