"""Creating and changing records: the everyday verbs of the main view and feeds.

Each function is one transaction and logs its history event. The TUI and the
CLI both call these; neither writes to the tables directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from ..config import default_currency
from ..core.dates import When
from ..core.errors import UserError
from ..core.record_types import (
    CONTACT_NOTE,
    CONTACT_PERSON,
    RecordType,
    parse_type,
    type_of,
)
from ..models import ContactDetails, Participant, Record, RecordActor, Sale
from ..models.copies import sync_actors
from .access import cloud_by_name, get_record, visible
from .history import log_event
from .session import Session, private_cloud
from .tracker import stop_if_focused
from .undo import snapshot

MAX_TITLE = 500
MAX_BODY = 100_000


@dataclass(frozen=True)
class ContactFields:
    organisation: str = ""
    email: str = ""
    phone: str = ""


def clean_title(title: str) -> str:
    # Titles are one line; newlines would break every list.
    title = " ".join((title or "").split())
    if not title:
        raise UserError("A title is needed.")
    if len(title) > MAX_TITLE:
        raise UserError(
            f"The title is too long ({len(title)} > {MAX_TITLE} characters)."
        )
    return title


def clean_body(body: str) -> str:
    body = (body or "").rstrip()
    if len(body) > MAX_BODY:
        raise UserError(
            f"The notes are too long ({len(body)} > {MAX_BODY} characters)."
        )
    return body


def _when_columns(session: Session, when: When | None) -> dict:
    if when is None:
        return {"date": None, "due_at": None}
    return {"date": when.date, "due_at": when.due_at_utc(session.clock.zone)}


def when_text(session: Session, date, due_at) -> str | None:
    """How a record's date reads in history: '2026-12-03' or '2026-12-03 14:00'."""
    if date is None:
        return None
    if due_at is None:
        return date.isoformat()
    local = session.clock.to_local(due_at)
    return f"{date.isoformat()} {local:%H:%M}"


def create_record(
    session: Session,
    type_: str | RecordType,
    title: str,
    *,
    body: str = "",
    when: When | None = None,
    parent_id: int | None = None,
    cloud: str | None = None,
    contact: ContactFields | None = None,
    participant_ids: list[int] | tuple[int, ...] = (),
    new_people: list[str] | tuple[str, ...] = (),
) -> Record:
    """Create a record (as a child of `parent_id` when given).

    `new_people` are names of Contact Persons to create on the spot (in the
    record's cloud) and tag as participants, in the same transaction.
    """
    rtype = type_ if isinstance(type_, RecordType) else parse_type(type_)
    title = clean_title(title)
    body = clean_body(body)
    parent = get_record(session, parent_id) if parent_id is not None else None
    if cloud is not None:
        target_cloud = cloud_by_name(session, cloud)
    elif parent is not None:
        target_cloud = parent.cloud  # a child lives where its parent lives
    else:
        target_cloud = private_cloud(session.user)
    if parent is not None and cloud is not None and target_cloud.id != parent.cloud_id:
        raise UserError(
            "A child record lives in its parent's cloud; leave out --cloud."
        )
    if not rtype.is_activity and when is not None and when.date is not None:
        raise UserError(f"A {rtype.name} has no date.")
    people = _visible_people(session, participant_ids)
    new_names = [clean_title(name) for name in new_people]
    now = session.clock.now_utc_naive()
    # A Contact Note without a date logs a contact that happened: it is done
    # on arrival, not a to-do that would sit in "No date" for ever.
    logged = rtype is CONTACT_NOTE and (when is None or when.date is None)
    with session.transaction():
        record = Record.create(
            type=rtype.key,
            title=title,
            body=body,
            cloud=target_cloud.id,
            creator=session.user_id,
            parent=parent.id if parent else None,
            created_at=now,
            updated_at=now,
            finished_at=now if logged else None,
            **(_when_columns(session, when) if rtype.is_activity else {}),
        )
        if rtype.is_activity:
            RecordActor.create(record=record.id, user=session.user_id)
            sync_actors(record.id)
        if rtype.key in ("sales_proposal", "order"):
            # Every proposal and order has its sale row (sums, stage, dates).
            Sale.insert(
                record=record.id,
                stage="draft" if rtype.key == "sales_proposal" else "ordered",
                cloud_id=target_cloud.id,
                currency=default_currency(),
            ).execute()
        if rtype is CONTACT_PERSON:
            c = contact or ContactFields()
            ContactDetails.create(
                record=record.id,
                organisation=c.organisation.strip(),
                email=c.email.strip(),
                phone=c.phone.strip(),
            )
        log_event(session, record.id, "created", type=rtype.key)
        for name in new_names:
            people.append(_new_person(session, name, target_cloud.id, now))
        if people:
            _add_participants(session, record.id, people)
    return record


def _new_person(session: Session, name: str, cloud_id: int, now) -> Record:
    person = Record.create(
        type=CONTACT_PERSON.key,
        title=name,
        cloud=cloud_id,
        creator=session.user_id,
        created_at=now,
        updated_at=now,
    )
    ContactDetails.create(record=person.id)
    log_event(session, person.id, "created", type=CONTACT_PERSON.key)
    return person


def edit_record(
    session: Session,
    record_id: int,
    *,
    title: str | None = None,
    body: str | None = None,
    contact: ContactFields | None = None,
    participant_ids: list[int] | tuple[int, ...] | None = None,
    new_people: list[str] | tuple[str, ...] = (),
) -> Record:
    """Change a record's text fields; `participant_ids` replaces the tags."""
    record = get_record(session, record_id)
    changed: list[str] = []
    people = (
        _visible_people(session, participant_ids)
        if participant_ids is not None
        else None
    )
    new_names = [clean_title(name) for name in new_people]
    updates: dict = {}
    if title is not None:
        title = clean_title(title)
        if title != record.title:
            updates["title"] = title
            changed.append("title")
    if body is not None:
        body = clean_body(body)
        if body != record.body:
            updates["body"] = body
            changed.append("notes")
    with session.transaction():
        if contact is not None and record.type == CONTACT_PERSON.key:
            details, _ = ContactDetails.get_or_create(record=record.id)
            for name in ("organisation", "email", "phone"):
                value = getattr(contact, name).strip()
                if getattr(details, name) != value:
                    setattr(details, name, value)
                    changed.append(name)
            details.save()
        if updates:
            updates["updated_at"] = session.clock.now_utc_naive()
            Record.update(**updates).where(Record.id == record.id).execute()
        if changed:
            log_event(session, record.id, "edited", fields=changed)
        if people is not None or new_names:
            people = list(people or [])
            now = session.clock.now_utc_naive()
            for name in new_names:
                people.append(_new_person(session, name, record.cloud_id, now))
            _set_participants(session, record.id, people)
    return get_record(session, record.id)


def _require_activity(record: Record) -> None:
    if not type_of(record.type).is_activity:
        raise UserError(f"A {type_of(record.type).name} has no date or finished state.")


def move_record(
    session: Session, record_id: int, when: When, *, log: bool = True
) -> Record:
    """Give an activity a new date (or none).

    `log=False` is for a sales-process step that moves a record as part of
    itself: the step's own event records (and undoes) the move.
    """
    record = get_record(session, record_id)
    _require_activity(record)
    columns = _when_columns(session, when)
    before = when_text(session, record.date, record.due_at)
    after = when_text(session, columns["date"], columns["due_at"])
    if before == after:
        return record  # already there: no change, no history line
    with session.transaction():
        state = snapshot(record.id)
        Record.update(updated_at=session.clock.now_utc_naive(), **columns).where(
            Record.id == record.id
        ).execute()
        sync_actors(record.id)
        if log:
            log_event(
                session,
                record.id,
                "moved",
                before=state,
                **{"from": before, "to": after},
            )
    return get_record(session, record.id)


def set_finished(session: Session, record_id: int, finished: bool) -> Record:
    record = get_record(session, record_id)
    _require_activity(record)
    if finished == (record.finished_at is not None):
        return record  # already so: nothing to log
    now = session.clock.now_utc_naive()
    with session.transaction():
        state = snapshot(record.id)
        Record.update(finished_at=now if finished else None, updated_at=now).where(
            Record.id == record.id
        ).execute()
        sync_actors(record.id)
        if finished:
            stop_if_focused(session, record.id)
        log_event(
            session, record.id, "finished" if finished else "unfinished", before=state
        )
    return get_record(session, record.id)


def toggle_finished(session: Session, record_id: int) -> Record:
    record = get_record(session, record_id)
    return set_finished(session, record.id, record.finished_at is None)


# -- contact persons and participants -------------------------------------


def _visible_people(session: Session, person_ids) -> list[Record]:
    people = []
    for pid in dict.fromkeys(person_ids):  # keep order, drop repeats
        person = get_record(session, pid)
        if person.type != CONTACT_PERSON.key:
            raise UserError(
                f"#{person.id} is a {type_of(person.type).name}, not a person."
            )
        people.append(person)
    return people


def _add_participants(session: Session, record_id: int, people: list[Record]) -> None:
    existing = {
        p.person_id
        for p in Participant.select(Participant.person).where(
            Participant.record == record_id
        )
    }
    new = [p for p in people if p.id not in existing]
    if not new:
        return
    Participant.insert_many(
        [{"record": record_id, "person": p.id} for p in new]
    ).execute()
    log_event(session, record_id, "participants", added=[p.title for p in new])


def _set_participants(session: Session, record_id: int, people: list[Record]) -> None:
    wanted = {p.id for p in people}
    gone = [p for p in participants_of(session, record_id) if p.id not in wanted]
    if gone:
        Participant.delete().where(
            (Participant.record == record_id)
            & Participant.person.in_([p.id for p in gone])
        ).execute()
        log_event(session, record_id, "participants", removed=[p.title for p in gone])
    _add_participants(session, record_id, people)


def add_participants(session: Session, record_id: int, person_ids) -> None:
    record = get_record(session, record_id)
    people = _visible_people(session, person_ids)
    with session.transaction():
        _add_participants(session, record.id, people)


def participants_of(session: Session, record_id: int) -> list[Record]:
    return list(
        Record.select()
        .join(Participant, on=(Participant.person == Record.id))
        .where((Participant.record == record_id) & visible(session))
        .order_by(Record.title)
    )


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
        Record.select(Record, ContactDetails.organisation)
        .join(
            ContactDetails, pw.JOIN.LEFT_OUTER, on=(ContactDetails.record == Record.id)
        )
        .where(
            (Record.type == CONTACT_PERSON.key)
            & visible(session)
            & (Record.title.contains(text) | ContactDetails.organisation.contains(text))
        )
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


def contact_of(record: Record) -> ContactFields | None:
    details = ContactDetails.get_or_none(ContactDetails.record == record.id)
    if details is None:
        return None
    return ContactFields(details.organisation, details.email, details.phone)
