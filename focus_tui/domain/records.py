"""Creating and changing records: the everyday verbs of the main view and feeds.

Each function is one transaction that reads the record afresh inside it
(`get_record(..., lock=True)`), checks the state it is about to change, and
writes through `domain.write`, logging its history event. The TUI and the
CLI both call these; neither writes to the tables directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.dates import When
from ..core.errors import UserError
from ..core.process import (
    CONTACT_NOTE,
    CONTACT_PERSON,
    SALES_PROPOSAL,
    EventKind,
    RecordType,
    Stage,
    parse_type,
    type_of,
)
from ..core.text import checked_text, one_line_field
from ..models import Record, Sale
from . import write
from .access import cloud_by_name, get_record, get_records, participants
from .session import Session, private_cloud
from .tracker import stop_if_focused
from .undo import snapshot

MAX_TITLE = 500
MAX_BODY = 100_000
MAX_FIELD = 200


@dataclass(frozen=True)
class ContactFields:
    organisation: str = ""
    email: str = ""
    phone: str = ""


def clean_title(title: str) -> str:
    return one_line_field(title, "title", MAX_TITLE, "A title is needed.")


def clean_body(body: str) -> str:
    body = checked_text(body or "", "notes").rstrip()
    if len(body) > MAX_BODY:
        raise UserError(
            f"The notes are too long ({len(body)} > {MAX_BODY} characters)."
        )
    return body


def _clean_contact(contact: ContactFields) -> dict[str, str]:
    fields = {
        "organisation": contact.organisation.strip(),
        "email": contact.email.strip(),
        "phone": contact.phone.strip(),
    }
    for name, value in fields.items():
        checked_text(value, name)
        if len(value) > MAX_FIELD:
            raise UserError(f"The {name} is too long (> {MAX_FIELD} characters).")
    return fields


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
    logged: bool | None = None,
) -> Record:
    """Create a record (as a child of `parent_id` when given).

    `new_people` are names of Contact Persons to create on the spot (in the
    record's cloud) and tag as participants, in the same transaction.
    `logged=True`: a contact that happened (an imported e-mail), done on
    arrival though it has a date.
    """
    rtype = type_ if isinstance(type_, RecordType) else parse_type(type_)
    title = clean_title(title)
    body = clean_body(body)
    if not rtype.is_activity and when is not None and when.date is not None:
        raise UserError(f"A {rtype.name} has no date.")
    new_names = [clean_title(name) for name in new_people]
    contact_fields = _clean_contact(contact) if contact is not None else None
    now = session.clock.now_utc_naive()
    # A Contact Note without a date logs a contact that happened: it is done
    # on arrival, not a to-do that would sit in "No date" for ever.
    if logged is None:
        logged = rtype is CONTACT_NOTE and (when is None or when.date is None)
    with session.transaction():
        parent = (
            get_record(session, parent_id, lock=True) if parent_id is not None else None
        )
        if cloud is not None:
            cloud_id = cloud_by_name(session, cloud).id
        elif parent is not None:
            cloud_id = parent.cloud_id  # a child lives where its parent lives
        else:
            cloud_id = private_cloud(session.user).id
        if parent is not None and cloud_id != parent.cloud_id:
            raise UserError(
                "A child record lives in its parent's cloud; leave out --cloud."
            )
        people = _visible_people(session, participant_ids)
        columns = _when_columns(session, when)
        record = write.add_record(
            session,
            rtype,
            title,
            cloud_id=cloud_id,
            parent_id=parent.id if parent else None,
            body=body,
            day=columns["date"],
            due_at=columns["due_at"],
            finished_at=now if logged else None,
        )
        if rtype is CONTACT_PERSON and contact_fields:
            write.set_contact(session, record.id, **contact_fields)
        for name in new_names:
            people.append(_new_person(session, name, cloud_id))
        if people:
            _add_participants(session, record.id, people, new=True)
    return record


def _new_person(session: Session, name: str, cloud_id: int) -> Record:
    return write.add_record(session, CONTACT_PERSON, name, cloud_id=cloud_id)


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
    new_names = [clean_title(name) for name in new_people]
    title = clean_title(title) if title is not None else None
    body = clean_body(body) if body is not None else None
    contact_fields = _clean_contact(contact) if contact is not None else None
    with session.transaction():
        record = get_record(session, record_id, lock=True)
        people = (
            _visible_people(session, participant_ids)
            if participant_ids is not None
            else None
        )
        changed: list[str] = []
        updates: dict = {}
        if title is not None and title != record.title:
            updates["title"] = title
            changed.append("title")
        if body is not None and body != record.body:
            updates["body"] = body
            changed.append("notes")
        if contact_fields is not None and record.type == CONTACT_PERSON.key:
            changed += write.set_contact(session, record.id, **contact_fields)
        if updates:
            write.change_record(session, record.id, **updates)
        if changed:
            write.log_event(session, record.id, EventKind.EDITED, fields=changed)
        if people is not None or new_names:
            people = list(people or [])
            for name in new_names:
                people.append(_new_person(session, name, record.cloud_id))
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
    columns = _when_columns(session, when)
    with session.transaction():
        record = get_record(session, record_id, lock=True)
        _require_activity(record)
        before = when_text(session, record.date, record.due_at)
        after = when_text(session, columns["date"], columns["due_at"])
        if before == after:
            return record  # already there: no change, no history line
        state = snapshot(record.id)
        write.change_record(session, record.id, **columns)
        if log:
            write.log_event(
                session,
                record.id,
                EventKind.MOVED,
                before=state,
                **{"from": before, "to": after},
            )
    return get_record(session, record.id)


def finish_refusal(record: Record, sale: Sale | None = None) -> str | None:
    """Why `record` may not simply be finished (None: it may); `sale`, its
    sale row if the caller has read it already.

    A sent Sales Proposal that is finished without a word leaves the Sent
    column, never shows under Lost and drops out of the pipeline and the
    conversion figures. The method's "if you are turned down, just mark it
    finished" means lost: that is the Lost step (`sales.mark_lost`).
    """
    if record.type != SALES_PROPOSAL.key or record.finished_at is not None:
        return None
    if sale is None:
        sale = Sale.get_or_none(Sale.record == record.id)
    if sale is None or sale.stage != Stage.SENT:
        return None
    return (
        f"#{record.id} was sent to the client: finishing it would drop it "
        "from the pipeline. If it was turned down, mark it lost: "
        f"focus-tui lost {record.id} --reason … (L in the app)."
    )


def set_finished(session: Session, record_id: int, finished: bool) -> Record:
    now = session.clock.now_utc_naive()
    with session.transaction():
        record = get_record(session, record_id, lock=True)
        _require_activity(record)
        if finished == (record.finished_at is not None):
            return record  # already so: nothing to log
        refusal = finish_refusal(record) if finished else None
        if refusal is not None:
            raise UserError(refusal)
        state = snapshot(record.id)
        write.change_record(session, record.id, finished_at=now if finished else None)
        if finished:
            stop_if_focused(session, record.id)
        write.log_event(
            session,
            record.id,
            EventKind.FINISHED if finished else EventKind.UNFINISHED,
            before=state,
        )
    return get_record(session, record.id)


def toggle_finished(session: Session, record_id: int) -> Record:
    """`x`: finish, or open again. Decided inside the transaction, so two
    quick presses (or two terminals) alternate rather than both finishing."""
    with session.transaction():
        record = get_record(session, record_id, lock=True)
        return set_finished(session, record.id, record.finished_at is None)


# -- contact persons and participants -------------------------------------


def _visible_people(session: Session, person_ids) -> list[Record]:
    people = get_records(session, person_ids)  # in order, repeats dropped
    for person in people:
        if person.type != CONTACT_PERSON.key:
            raise UserError(
                f"#{person.id} is a {type_of(person.type).name}, not a person."
            )
    return people


def _tags(people: list[Record]) -> list[dict]:
    # Ids beside the names: a reader who cannot see a person is not shown
    # their name (see views.history_text).
    return [{"id": p.id, "name": p.title} for p in people]


def _add_participants(
    session: Session, record_id: int, people: list[Record], *, new: bool = False
) -> None:
    """Tag `people` on the record; `new`: it was made just now (no one is
    tagged yet, nothing to read)."""
    existing = set() if new else {p.id for p in participants(session, record_id)}
    added = [p for p in people if p.id not in existing]
    if not added:
        return
    write.add_participants(session, record_id, [p.id for p in added])
    write.log_event(session, record_id, EventKind.PARTICIPANTS, added=_tags(added))


def _set_participants(session: Session, record_id: int, people: list[Record]) -> None:
    wanted = {p.id for p in people}
    gone = [p for p in participants(session, record_id) if p.id not in wanted]
    if gone:
        write.remove_participants(session, record_id, [p.id for p in gone])
        write.log_event(session, record_id, EventKind.PARTICIPANTS, removed=_tags(gone))
    _add_participants(session, record_id, people)


def add_participants(session: Session, record_id: int, person_ids) -> None:
    with session.transaction():
        record = get_record(session, record_id, lock=True)
        people = _visible_people(session, person_ids)
        _add_participants(session, record.id, people)
