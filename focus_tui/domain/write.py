"""The one write path: every row the domain changes is written here.

Commands (records, sales steps, the tracker, undo) decide *what* changes and
check it inside their transaction; these functions do the writing. Each runs
inside the caller's transaction and never opens one of its own, and each
keeps the copied columns (`models.copies`) right in that same transaction —
so a change of type, date, state or cloud can never leave the main view or
the board stale. `tests/unit/test_architecture.py` checks that no other
module writes to a table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

from ..config import default_currency
from ..core.process import (
    CONTACT_PERSON,
    FIRST_STAGE,
    SALE_KEYS,
    CloudKind,
    CloudRole,
    EventKind,
    Phase,
    RecordType,
)
from ..models import (
    Attachment,
    Blob,
    BlobChunk,
    Cloud,
    CloudMember,
    ContactDetails,
    Event,
    ImportedMail,
    Participant,
    Record,
    RecordActor,
    Sale,
    Template,
    TimeEntry,
    User,
    is_sqlite,
)
from ..models.copies import COPIED, sync_copies
from ..models.search import sync_search
from .session import Session

# `typing` costs a short command 3-5 ms to import; only a checker needs Any.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


# Record columns the search index holds: a change to one re-indexes it.
_SEARCHED = frozenset({"type", "title", "body"})


def add_record(
    session: Session,
    rtype: RecordType,
    title: str,
    *,
    cloud_id: int,
    parent_id: int | None = None,
    body: str = "",
    day: date | None = None,
    due_at: datetime | None = None,
    finished_at: datetime | None = None,
) -> Record:
    """A new record with what every record of its type has: the creator as
    its actor (activities), a sale row (proposals, orders), contact details
    (people)."""
    now = session.clock.now_utc_naive()
    values = {
        "type": rtype.key,
        "title": title,
        "body": body,
        "cloud": cloud_id,
        "creator": session.user_id,
        "parent": parent_id,
        "date": day if rtype.is_activity else None,
        "due_at": due_at if rtype.is_activity else None,
        "finished_at": finished_at,
        "created_at": now,
        "updated_at": now,
    }
    record = Record(id=_insert(session, Record, values, returning=True), **values)
    record._dirty.clear()  # as read back: saved already
    if rtype.is_activity:
        _insert(session, RecordActor, {"record": record.id, "user": session.user_id})
    if rtype.key in SALE_KEYS:
        Sale.insert(
            record=record.id,
            stage=FIRST_STAGE[rtype.key],
            cloud_id=cloud_id,
            currency=default_currency(),
        ).execute()
    if rtype is CONTACT_PERSON:
        _insert(session, ContactDetails, {"record": record.id})
    sync_copies([record.id])
    sync_search([record.id])
    log_event(session, record.id, EventKind.CREATED, type=rtype.key)
    return record


def add_template_record(
    session: Session,
    rtype: RecordType,
    title: str,
    *,
    cloud_id: int,
    parent_id: int | None = None,
    body: str = "",
    name: str | None = None,
    day_offset: int | None = None,
    data: dict | None = None,
) -> Record:
    """A record of a template (its root has the `name`). A pattern, not
    work: no actor row (so no main view), no sale row (so no board), no
    search entry and no history; `access.visible` leaves it out of the rest."""
    now = session.clock.now_utc_naive()
    record = Record.create(
        type=rtype.key,
        title=title,
        body=body,
        cloud=cloud_id,
        creator=session.user_id,
        parent=parent_id,
        created_at=now,
        updated_at=now,
        is_template=True,
    )
    Template.insert(
        record=record.id,
        name=name,
        day_offset=day_offset,
        data=json.dumps(data or {}, sort_keys=True),
    ).execute()
    return record


def rename_template(session: Session, record_id: int, name: str) -> None:
    Template.update(name=name).where(Template.record == record_id).execute()
    Record.update(updated_at=session.clock.now_utc_naive()).where(
        Record.id == record_id
    ).execute()


def delete_template(session: Session, record_ids: Iterable[int]) -> None:
    """A template's records, all of them (its root and every child)."""
    ids = sorted(set(record_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        Template.delete().where(Template.record.in_(chunk)).execute()
        Record.delete().where(
            Record.id.in_(chunk) & (Record.is_template == True)  # noqa: E712
        ).execute()


def claim_once(session: Session, key: str) -> bool:
    """Mark `key` done in the database's facts; True if this call did it,
    False if it was done before (or by someone at the same moment)."""
    sql = (
        f'INSERT INTO "meta" (key, value) VALUES ({session.db.param}, '
        f"{session.db.param}) ON CONFLICT DO NOTHING"
    )
    cursor = session.db.execute_sql(
        sql, (key, session.clock.now_utc_naive().isoformat())
    )
    return cursor.rowcount == 1


def change_record(session: Session, record_id: int, **values: Any) -> None:
    """Update a record's columns (and the copies of them)."""
    values["updated_at"] = session.clock.now_utc_naive()
    Record.update(**values).where(Record.id == record_id).execute()
    if COPIED & values.keys():
        sync_copies([record_id])
    if _SEARCHED & values.keys():
        sync_search([record_id])


def change_sale(session: Session, record_id: int, **values: Any) -> None:
    """Update a proposal's or order's sale row (sums, stage, dates)."""
    if "cloud_id" in values:
        raise ValueError("a sale's cloud follows its record: change the record")
    if values:
        Sale.update(**values).where(Sale.record == record_id).execute()


def set_contact(session: Session, record_id: int, **fields: str) -> list[str]:
    """A Contact Person's organisation / e-mail / phone; returns what changed."""
    details, _ = ContactDetails.get_or_create(record=record_id)
    changed = []
    for name, value in fields.items():
        if getattr(details, name) != value:
            setattr(details, name, value)
            changed.append(name)
    if changed:
        details.save()
        sync_search([record_id])
    return changed


def add_imported_mail(
    session: Session, record_id: int, message_id: str | None, content_hash: str
) -> None:
    """Mark a Contact Note as made from this e-mail (see domain.mail_import)."""
    row = {"record": record_id, "message_id": message_id}
    _insert(session, ImportedMail, {**row, "content_hash": content_hash})


def add_blob(session: Session, sha256: str, size: int) -> None:
    """A new content (its chunks follow: `add_blob_chunk`)."""
    _insert(session, Blob, {"sha256": sha256, "size": size})


def add_blob_chunk(session: Session, sha256: str, seq: int, data: bytes) -> None:
    _insert(session, BlobChunk, {"blob": sha256, "seq": seq, "data": data})


def add_attachment(
    session: Session,
    record_id: int,
    *,
    sha256: str,
    name: str,
    media_type: str,
    size: int,
    picture_size: tuple[int, int] | None,
) -> Attachment:
    width, height = picture_size or (None, None)
    values = {
        "record": record_id,
        "blob": sha256,
        "name": name,
        "media_type": media_type,
        "size": size,
        "width": width,
        "height": height,
        "added_by": session.user_id,
        "added_at": session.clock.now_utc_naive(),
    }
    row = Attachment(id=_insert(session, Attachment, values, returning=True), **values)
    row._dirty.clear()
    return row


def remove_attachment(session: Session, attachment_id: int, sha256: str) -> None:
    """An attachment off its record, and its content when nothing else has it."""
    Attachment.delete().where(Attachment.id == attachment_id).execute()
    if not Attachment.select().where(Attachment.blob == sha256).exists():
        Blob.delete().where(Blob.sha256 == sha256).execute()


def add_participants(session: Session, record_id: int, person_ids: Iterable[int]):
    for person_id in dict.fromkeys(person_ids):
        _insert(session, Participant, {"record": record_id, "person": person_id})


def remove_participants(session: Session, record_id: int, person_ids: Iterable[int]):
    ids = list(person_ids)
    if ids:
        Participant.delete().where(
            (Participant.record == record_id) & Participant.person.in_(ids)
        ).execute()


def start_time_entry(
    session: Session, record_id: int, started_at: datetime, phase: Phase
) -> TimeEntry:
    return TimeEntry.create(
        user=session.user_id, record=record_id, started_at=started_at, phase=phase
    )


def end_time_entry(session: Session, entry_id: int, ended_at: datetime) -> int:
    """End a running entry; returns its whole seconds."""
    entry = TimeEntry.get_by_id(entry_id)
    seconds = _seconds(entry.started_at, ended_at)
    TimeEntry.update(ended_at=ended_at, seconds=seconds).where(
        TimeEntry.id == entry_id
    ).execute()
    return seconds


def add_time_entry(
    session: Session,
    record_id: int,
    started_at: datetime,
    ended_at: datetime,
    phase: Phase,
    *,
    source: str | None = None,
) -> TimeEntry:
    """A finished entry of the user's (a forgotten one, or imported)."""
    return TimeEntry.create(
        user=session.user_id,
        record=record_id,
        started_at=started_at,
        ended_at=ended_at,
        seconds=_seconds(started_at, ended_at),
        phase=phase,
        source=source,
    )


def add_time_entries(session: Session, rows: list[dict[str, Any]]) -> None:
    """Many finished entries of the user's at once (an import). Each row has
    record, started_at, ended_at, phase and source.

    One prepared INSERT run for every row: Peewee building a query value by
    value took 5.5 s of a 6.5 s import of 100k intervals."""
    columns = ("user_id", "record_id", "started_at", "ended_at", "seconds")
    columns += ("phase", "source")
    marks = ", ".join([session.db.param] * len(columns))
    sql = f'INSERT INTO "time_entry" ({", ".join(columns)}) VALUES ({marks})'
    moment = TimeEntry.started_at.db_value  # the stored form, on either backend
    values = [
        (
            session.user_id,
            row["record"],
            moment(row["started_at"]),
            moment(row["ended_at"]),
            _seconds(row["started_at"], row["ended_at"]),
            str(row["phase"]),
            row["source"],
        )
        for row in rows
    ]
    cursor = session.db.cursor()
    for start in range(0, len(values), 5000):
        cursor.executemany(sql, values[start : start + 5000])


def change_time_entry(session: Session, entry_id: int, **values: Any) -> None:
    """Change an entry's start, end, record or phase; its seconds follow."""
    entry = TimeEntry.get_by_id(entry_id)
    started_at = values.get("started_at", entry.started_at)
    ended_at = values.get("ended_at", entry.ended_at)
    if ended_at is not None:
        values["seconds"] = _seconds(started_at, ended_at)
    TimeEntry.update(**values).where(TimeEntry.id == entry_id).execute()


def delete_time_entry(session: Session, entry_id: int) -> None:
    TimeEntry.delete().where(TimeEntry.id == entry_id).execute()


def restore_time_entry(session: Session, row: dict[str, Any]) -> None:
    """Put a deleted entry back as it was, with its id (an undo)."""
    TimeEntry.insert(**row).execute()


def _seconds(started_at: datetime, ended_at: datetime) -> int:
    return max(0, int((ended_at - started_at).total_seconds()))


def log_event(session: Session, record_id: int, kind: EventKind, **data: Any) -> Event:
    """Append one line to a record's history."""
    values = {
        "record": record_id,
        "user": session.user_id,
        "kind": kind,
        "at": session.clock.now_utc_naive(),
        "data": json.dumps(data, default=str, sort_keys=True),
    }
    event = Event(id=_insert(session, Event, values, returning=True), **values)
    event._dirty.clear()
    session.own_events.add(event.id)
    return event


# INSERT statements by (backend, table, columns, returning): the rows every
# new record, history line and attachment is made of, written with SQL text
# made once. Peewee built each INSERT anew in about a millisecond, most of
# an e-mail import's time (see BENCHMARKS.md).
_INSERTS: dict[tuple, str] = {}


def _insert(
    session: Session, model: type, row: dict[str, Any], *, returning: bool = False
) -> int | None:
    """Insert one row of `model` (values by field name, the fields' defaults
    for the others, converted as Peewee converts them); the new row's id
    with `returning`."""
    db = session.db
    fields = model._meta.fields
    row = {**model._meta.get_default_dict(), **row}  # as Model.create does
    key = (type(db), db.param, model, tuple(row), returning)
    sql = _INSERTS.get(key)
    if sql is None:
        columns = ", ".join(f'"{fields[name].column_name}"' for name in row)
        marks = ", ".join([db.param] * len(row))
        sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
        if returning and not is_sqlite(db):
            sql += ' RETURNING "id"'
        _INSERTS[key] = sql
    values = [fields[name].db_value(value) for name, value in row.items()]
    cursor = db.execute_sql(sql, values)
    if not returning:
        return None
    return cursor.lastrowid if is_sqlite(db) else cursor.fetchone()[0]


def add_user(name: str, display_name: str, now: datetime, private_name: str) -> User:
    """A user with a private cloud of their own (its only member and owner)."""
    user = User.create(name=name, display_name=display_name, created_at=now)
    cloud = Cloud.create(
        name=private_name, kind=CloudKind.PRIVATE, owner=user, created_at=now
    )
    CloudMember.create(cloud=cloud, user=user, role=CloudRole.OWNER)
    return user


# -- clouds, members, actors ---------------------------------------------------


def add_cloud(session: Session, name: str) -> Cloud:
    """A team cloud, owned by the user who makes it."""
    cloud = Cloud.create(
        name=name,
        kind=CloudKind.TEAM,
        owner=session.user_id,
        created_at=session.clock.now_utc_naive(),
    )
    CloudMember.create(cloud=cloud, user=session.user_id, role=CloudRole.OWNER)
    return cloud


def change_cloud(session: Session, cloud_id: int, **values: Any) -> None:
    """Rename (`name`) or archive (`archived_at`) a cloud."""
    Cloud.update(**values).where(Cloud.id == cloud_id).execute()


def set_member(session: Session, cloud_id: int, user_id: int, role: CloudRole) -> None:
    """Make `user_id` a member of the cloud with `role` (or change the role)."""
    updated = (
        CloudMember.update(role=role)
        .where((CloudMember.cloud == cloud_id) & (CloudMember.user == user_id))
        .execute()
    )
    if not updated:
        CloudMember.insert(cloud=cloud_id, user=user_id, role=role).execute()


def remove_member(session: Session, cloud_id: int, user_id: int) -> None:
    CloudMember.delete().where(
        (CloudMember.cloud == cloud_id) & (CloudMember.user == user_id)
    ).execute()


def move_records(session: Session, record_ids: Iterable[int], cloud_id: int) -> None:
    """Put records in another cloud; their actor and sale rows follow."""
    ids = sorted(set(record_ids))
    now = session.clock.now_utc_naive()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        Record.update(cloud=cloud_id, updated_at=now).where(
            Record.id.in_(chunk)
        ).execute()
    sync_copies(ids)


def add_actor(session: Session, record_id: int, user_id: int) -> None:
    RecordActor.create(record=record_id, user=user_id)
    sync_copies([record_id])


def remove_actor(session: Session, record_id: int, user_id: int) -> None:
    RecordActor.delete().where(
        (RecordActor.record == record_id) & (RecordActor.user == user_id)
    ).execute()
