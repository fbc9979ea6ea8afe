"""E-mail brought in as Contact Notes.

`focus_tui.importing.mail` reads the messages; this command writes them,
each under the target record (`--to`, else the focused activity):

- title = the subject, date = the moment it was sent (in the user's zone,
  the sender's own offset respected), notes = its text; the note is a
  logged contact, done on arrival;
- participants = From, To and Cc: a Contact Person the user can see with
  that e-mail address (any case; one of the target's cloud first), else a
  new one with the display name and the address, in the target's cloud;
- a reply to a message imported before goes under that message's record
  when no target was named (the thread stays together);
- each note keeps the message's Message-ID and content hash: importing the
  same message again (the same Message-ID, or the same content for a
  message without one) adds nothing and says which note has it;
- one transaction per message: a message is there whole or not at all, and
  one that is refused (or unreadable) does not stop the others.

The message's attachments and the original .eml are stored on the note
(`domain.attachments`), in the message's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import peewee as pw

from ..config import attachment_limit
from ..core.dates import When
from ..core.errors import UserError
from ..core.process import CONTACT_NOTE, CONTACT_PERSON
from ..core.text import one_line
from ..models import ContactDetails, ImportedMail, Record, prepared
from . import write
from .access import get_record, people, probe, records
from .attachments import BytesFile, FileSource, check_size, store
from .records import MAX_BODY, MAX_FIELD, MAX_TITLE, ContactFields, create_record
from .session import Session
from .tracker import current_focus

IMPORTED = "imported"
ALREADY_THERE = "already there"
SKIPPED = "skipped"
FAILED = "failed"


class MailAddress(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def address(self) -> str: ...


class ReadMessage(Protocol):
    """One message as the reader gives it (`importing.mail.MailMessage`)."""

    source: str
    message_id: str | None
    subject: str
    date: datetime | None  # aware
    date_problem: str | None
    in_reply_to: tuple[str, ...]
    text: str
    attachments: tuple[FileSource, ...]
    raw: bytes
    content_hash: str
    warnings: tuple[str, ...]

    @property
    def participants(self) -> tuple[MailAddress, ...]: ...


class UnreadMessage(Protocol):
    """What could not be read, and why (`importing.mail.Unreadable`)."""

    source: str
    reason: str
    skipped: bool


@dataclass(frozen=True)
class MailOutcome:
    source: str  # "inbox.mbox, message 12"
    outcome: str  # IMPORTED, ALREADY_THERE, SKIPPED or FAILED
    reason: str = ""  # why it was not imported; a remark when it was
    note_id: int | None = None  # the note made, or the one that has it already
    target_id: int | None = None  # where the note is
    title: str = ""
    files: tuple[tuple[str, int], ...] = ()  # (name, bytes) to attach to the note


@dataclass
class MailImportSummary:
    target_id: int  # the target named, or the focused activity
    outcomes: list[MailOutcome] = field(default_factory=list)
    people_found: int = 0
    people_created: int = 0

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def imported(self) -> int:
        return self.count(IMPORTED)

    @property
    def already_there(self) -> int:
        return self.count(ALREADY_THERE)

    @property
    def skipped(self) -> int:
        return self.count(SKIPPED)

    @property
    def failed(self) -> int:
        return self.count(FAILED)


def import_target(session: Session, record_id: int | None) -> tuple[Record, bool]:
    """(the record to import into, whether it was named): `record_id`, else
    the user's focused activity; a record the user may change, else a
    UserError before anything is read."""
    if record_id is not None:
        return get_record(session, record_id), True
    running = current_focus(session)
    if running is None:
        raise UserError(
            "Import into which record? Give --to ID, or focus on an activity "
            "first (focus-tui focus ID): imports go to the focused activity."
        )
    return get_record(session, running.record_id), False


def import_mail(
    session: Session,
    messages: Iterable[ReadMessage | UnreadMessage],
    record_id: int | None = None,
    *,
    progress: Callable[[MailImportSummary], None] | None = None,
) -> MailImportSummary:
    """Make a Contact Note of each message not imported before."""
    target, named = import_target(session, record_id)
    summary = MailImportSummary(target_id=target.id)
    for message in messages:
        if hasattr(message, "reason"):
            outcome = SKIPPED if message.skipped else FAILED
            summary.outcomes.append(
                MailOutcome(message.source, outcome, message.reason)
            )
        else:
            try:
                summary.outcomes.append(
                    _import_one(session, message, target.id, named, summary)
                )
            except UserError as exc:  # refused, rolled back: the next one goes on
                summary.outcomes.append(
                    MailOutcome(message.source, FAILED, one_line(str(exc)))
                )
        if progress is not None:
            progress(summary)
        # Let it go before the next one is read (a big mailbox's memory
        # follows its largest message, not two of them).
        del message
    return summary


def _import_one(
    session: Session,
    message: ReadMessage,
    target_id: int,
    named: bool,
    summary: MailImportSummary,
) -> MailOutcome:
    title = _title(message.subject)
    with session.transaction():
        _lock_message(session, message)
        there = _already_there(session, message)
        if there is not None:
            note_id, there_parent_id, there_title = there
            return MailOutcome(
                message.source,
                ALREADY_THERE,
                "imported before",
                note_id=note_id,
                target_id=there_parent_id,
                title=there_title,
            )
        parent_id = target_id
        if not named:
            parent_id = _thread_target(session, message) or target_id
        parent = get_record(session, parent_id, lock=True)  # may still change it
        person_ids, found, created = _participants(session, message, parent)
        note = create_record(
            session,
            CONTACT_NOTE,
            title,
            body=_body(message.text),
            when=_when(session, message.date),
            parent_id=parent.id,
            participant_ids=person_ids,
            logged=True,
        )
        write.add_imported_mail(
            session, note.id, message.message_id, message.content_hash
        )
        files = _attach_mail_files(session, note.id, message)
    summary.people_found += found
    summary.people_created += created
    remarks = list(message.warnings)
    if message.date is None and message.date_problem:
        remarks.insert(0, f"no date: {message.date_problem}")
    if parent.id != target_id:
        remarks.append(f"a reply: with its thread under #{parent.id}")
    return MailOutcome(
        message.source,
        IMPORTED,
        "; ".join(remarks),
        note_id=note.id,
        target_id=parent.id,
        title=title,
        files=files,
    )


def _attach_mail_files(
    session: Session, note_id: int, message: ReadMessage
) -> tuple[tuple[str, int], ...]:
    """Put the message's attachments and the original message (as
    `<subject>.eml`) on the note, inside the message's transaction; return
    (name, size) of each. One over the attachment limit refuses the whole
    message (nothing half-imported), with the reason."""
    # The original is kept whole however big (the reader has bounded it): a
    # 20 MB attachment makes a 27 MB message, and the limit is for files.
    original = BytesFile(eml_name(message.subject), "message/rfc822", message.raw)
    for source in message.attachments:
        check_size(source)
    stored = [store(session, note_id, f, log=False) for f in message.attachments]
    kept = max(attachment_limit(), original.size)
    stored.append(store(session, note_id, original, log=False, limit=kept))
    return tuple((f.name, f.size) for f in stored)


def eml_name(subject: str) -> str:
    """The original message's file name: its subject, made safe."""
    safe = "".join(c if c.isalnum() or c in " -_.,()" else "_" for c in subject)
    return (" ".join(safe.split())[:80].strip(" .") or "message") + ".eml"


def _title(subject: str) -> str:
    title = " ".join(subject.split())
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1] + "…"
    return title


def _body(text: str) -> str:
    if len(text) <= MAX_BODY:
        return text
    note = "\n\n[… cut here: the whole message is in its .eml]"
    return text[: MAX_BODY - len(note)].rstrip() + note


def _when(session: Session, moment: datetime | None) -> When | None:
    if moment is None:
        return None
    local = moment.astimezone(session.clock.zone)
    return When(local.date(), local.time().replace(second=0, microsecond=0))


def _lock_message(session: Session, message: ReadMessage) -> None:
    """Two imports of the same message at once: the second waits for the
    first and then finds it. (SQLite's IMMEDIATE transaction already holds
    the write lock.)"""
    if isinstance(session.db, pw.SqliteDatabase):
        return
    key = message.message_id or message.content_hash
    session.db.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (key,))


def _imported(session: Session) -> pw.Select:
    """Imported e-mails on notes the user may see: (note id, parent id, title)."""
    return records(session, Record.id, Record.parent, Record.title).join(
        ImportedMail, on=(ImportedMail.record == Record.id)
    )


# The lookups below run once per message: each is built once (`prepared`)
# from the access path's scopes, and run with the message's values.


def _already_there(
    session: Session, message: ReadMessage
) -> tuple[int, int | None, str] | None:
    """(note id, its parent, its title) of the note that has the message."""
    by_id = message.message_id is not None
    key = message.message_id if by_id else message.content_hash

    def build(slots: prepared.Slots) -> pw.Select:
        column = ImportedMail.message_id if by_id else ImportedMail.content_hash
        query = _imported(probe(session, slots)).where(column == slots.text("key"))
        return query.order_by(Record.id).limit(1)

    values = {"user": session.user_id, "key": key}
    cursor = prepared.run(session.db, ("mail.already_there", by_id), build, values)
    return cursor.fetchone()


def _thread_target(session: Session, message: ReadMessage) -> int | None:
    """The record the newest imported message of the thread is under."""
    ids = list(message.in_reply_to)[-200:]
    if not ids:
        return None

    def build(slots: prepared.Slots) -> pw.Select:
        wanted = [slots.text(f"id{n}") for n in range(len(ids))]
        return (
            _imported(probe(session, slots))
            .where(ImportedMail.message_id.in_(wanted) & Record.parent.is_null(False))
            .order_by(Record.id.desc())
            .limit(1)
        )

    values = {"user": session.user_id} | {f"id{n}": i for n, i in enumerate(ids)}
    cursor = prepared.run(session.db, ("mail.thread", len(ids)), build, values)
    earlier = cursor.fetchone()
    return earlier[1] if earlier is not None else None


def _participants(
    session: Session, message: ReadMessage, parent: Record
) -> tuple[list[int], int, int]:
    """(person ids, how many found, how many created) for From, To and Cc."""
    wanted: dict[str, MailAddress] = {}
    for person in message.participants:
        key = person.address.lower()
        if key not in wanted and len(person.address) <= MAX_FIELD:
            wanted[key] = person
    if not wanted:
        return [], 0, 0
    known = _people_by_address(session, list(wanted), parent.cloud_id)
    ids: list[int] = []
    created = 0
    for key, person in wanted.items():
        if key in known:
            ids.append(known[key])
            continue
        name = _title(person.name or person.address)
        new = create_record(
            session,
            CONTACT_PERSON,
            name,
            parent_id=None,
            cloud=parent.cloud.name,
            contact=ContactFields(email=person.address),
        )
        ids.append(new.id)
        created += 1
    return ids, len(ids) - created, created


def _people_by_address(
    session: Session, addresses: list[str], cloud_id: int
) -> dict[str, int]:
    """{address in lower case: the Contact Person with it} among the people
    the user may see: one in `cloud_id` first, then the oldest."""
    # SQLite's lower() folds ASCII only, PostgreSQL's every letter: ask for
    # both spellings, compare in Python.
    keys = sorted(set(addresses) | {_ascii_lower(a) for a in addresses})

    def build(slots: prepared.Slots) -> pw.Select:
        wanted = [slots.text(f"a{n}") for n in range(len(keys))]
        return (
            people(probe(session, slots), Record.id, Record.cloud, ContactDetails.email)
            .join(ContactDetails, on=(ContactDetails.record == Record.id))
            .where(pw.fn.LOWER(ContactDetails.email).in_(wanted))
        )

    values = {"user": session.user_id} | {f"a{n}": k for n, k in enumerate(keys)}
    cursor = prepared.run(session.db, ("mail.people", len(keys)), build, values)
    found: dict[str, tuple[bool, int]] = {}
    for person_id, person_cloud, email in cursor.fetchall():
        key = email.strip().lower()
        rank = (person_cloud != cloud_id, person_id)
        if key in addresses and (key not in found or rank < found[key]):
            found[key] = rank
    return {key: rank[1] for key, rank in found.items()}


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)
