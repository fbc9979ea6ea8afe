"""Contact Persons: finding them by name, their details, who is tagged where."""

from __future__ import annotations

import peewee as pw

from ..domain.access import participants, people
from ..domain.records import ContactFields
from ..domain.session import Session
from ..models import ContactDetails, Record


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
