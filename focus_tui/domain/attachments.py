"""Files on records: attach, list, save, delete.

The content is stored in the database, so a team server holds everything
its members attached. Each content is stored once, by its SHA-256, however
many records it is attached to; its bytes are written and read a chunk at
a time (`BlobChunk`), so a big file is never whole in memory. Whoever may
see a record may see, save and add its files (the access path), and may
take them off it again.

A file is read twice: first to hash it (and to refuse one over the size
limit before anything is written), then, when the content is new, to store
it — hashed again on the way, so a file that changed in between is refused
instead of stored under the wrong hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import peewee as pw

from ..config import attachment_limit
from ..core.errors import NotFound, UserError
from ..core.process import EventKind
from ..core.text import checked_path, format_size, one_line_field, shown
from ..models import Attachment, Blob, BlobChunk, Record, User, is_sqlite, prepared
from . import write
from .access import get_record, visible
from .session import Session

MAX_NAME = 255  # a file name as most file systems allow it


class FileSource(Protocol):
    """Something to attach: a file on disk (`importing.files.LocalFile`),
    an e-mail's attachment, a whole message."""

    @property
    def name(self) -> str: ...

    @property
    def media_type(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def picture_size(self) -> tuple[int, int] | None: ...

    def chunks(self) -> Iterable[bytes]: ...


@dataclass(frozen=True)
class BytesFile:
    """Content already in memory (the original of an imported e-mail)."""

    name: str
    media_type: str
    data: bytes
    picture_size: tuple[int, int] | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def chunks(self) -> Iterator[bytes]:
        view = memoryview(self.data)
        for start in range(0, len(view), CHUNK):
            yield bytes(view[start : start + CHUNK])


CHUNK = 1024 * 1024  # bytes per stored chunk


@dataclass(frozen=True)
class FileInfo:
    """One attachment as the feed and `focus-tui files` list it."""

    id: int
    record_id: int
    name: str
    media_type: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    added_by: str  # display name ("" when that user is gone)
    added_at: datetime  # naive UTC

    @property
    def is_picture(self) -> bool:
        return self.media_type.startswith("image/")

    @property
    def is_readable_text(self) -> bool:
        """Text the terminal can show (notes, logs, CSV, an e-mail)."""
        kind = self.media_type
        return kind.startswith("text/") or kind in _TEXT_TYPES

    @property
    def size_text(self) -> str:
        text = format_size(self.size)
        if self.width and self.height:
            text += f", {self.width}×{self.height}"
        return text


_TEXT_TYPES = {
    "message/rfc822",
    "application/json",
    "application/xml",
    "application/x-sh",
    "application/toml",
    "application/x-yaml",
}


def _scope(session: Session) -> pw.Select:
    """Attachments of records the user may see, with who added them."""
    return (
        Attachment.select(Attachment, User.display_name.alias("adder"))
        .join(Record, on=(Record.id == Attachment.record))
        .switch(Attachment)
        .join(User, pw.JOIN.LEFT_OUTER, on=(User.id == Attachment.added_by))
        .where(visible(session))
        .objects()
    )


def _info(row: Attachment) -> FileInfo:
    return FileInfo(
        id=row.id,
        record_id=row.record_id,
        name=row.name,
        media_type=row.media_type,
        size=row.size,
        sha256=row.blob_id,
        width=row.width,
        height=row.height,
        added_by=row.adder or "",
        added_at=row.added_at,
    )


def files(
    session: Session,
    record_id: int,
    offset: int = 0,
    limit: int | None = None,
    user_id: int | None = None,
) -> list[FileInfo]:
    """The files on a record the user may see, oldest first; a page of
    them with `offset` / `limit` (a feed), those `user_id` added with it."""
    query = _files_of(session, record_id, user_id).order_by(Attachment.id)
    if limit is not None:
        query = query.offset(max(0, offset)).limit(max(0, limit))
    return [_info(row) for row in query]


def file_count(session: Session, record_id: int, user_id: int | None = None) -> int:
    """How many files `files` lists."""
    return _files_of(session, record_id, user_id).count()


def _files_of(session: Session, record_id: int, user_id: int | None) -> pw.Select:
    record = get_record(session, record_id)
    query = _scope(session).where(Attachment.record == record.id)
    if user_id is not None:
        query = query.where(Attachment.added_by == user_id)
    return query


def file_counts(session: Session, record_ids: Iterable[int]) -> dict[int, int]:
    """{record id: how many files} for those of `record_ids` the user may see."""
    ids = sorted({int(i) for i in record_ids})
    counts: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = (
            Attachment.select(Attachment.record, pw.fn.COUNT(Attachment.id))
            .join(Record, on=(Record.id == Attachment.record))
            .where(Attachment.record.in_(chunk) & visible(session))
            .group_by(Attachment.record)
            .tuples()
        )
        counts.update(query)
    return counts


def parse_attachment_id(text: object) -> int:
    """An attachment id as typed (digits, nothing else)."""
    shown_text = str(text).strip()
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    if not shown_text.isascii() or not shown_text.isdigit():
        raise UserError(
            f"{shown(shown_text)!r} is not an attachment id (a whole number)."
        )
    return int(shown_text)


def _not_found(attachment_id: int) -> NotFound:
    return NotFound(f"There is no attachment {attachment_id} that you can see.")


def file_info(session: Session, attachment_id: object) -> FileInfo:
    """One attachment of a record the user may see."""
    wanted = parse_attachment_id(attachment_id)
    if not 0 < wanted < 2**63:
        raise _not_found(wanted)
    row = _scope(session).where(Attachment.id == wanted).first()
    if row is None:
        raise _not_found(wanted)
    return _info(row)


def file_chunks(session: Session, attachment_id: object) -> Iterator[bytes]:
    """The content of an attachment the user may see, a chunk at a time.

    The access check happens at once (a NotFound before any byte); each
    chunk is then one query, so not even the database driver holds the
    whole file."""
    info = file_info(session, attachment_id)
    count = BlobChunk.select().where(BlobChunk.blob == info.sha256).count()

    def chunks() -> Iterator[bytes]:
        for seq in range(count):
            row = (
                BlobChunk.select(BlobChunk.data)
                .where((BlobChunk.blob == info.sha256) & (BlobChunk.seq == seq))
                .tuples()
                .first()
            )
            if row is None:  # deleted meanwhile
                raise _not_found(info.id)
            yield bytes(row[0])

    return chunks()


def read_text(session: Session, attachment_id: object, limit: int = 2**20) -> str:
    """The start of a text attachment as text (at most `limit` bytes read),
    for reading in the terminal; undecodable bytes shown as �."""
    read = bytearray()
    for chunk in file_chunks(session, attachment_id):
        read += chunk[: limit - len(read)]
        if len(read) >= limit:
            break
    return bytes(read).decode("utf-8", errors="replace")


def file_bytes(session: Session, attachment_id: object, limit: int) -> bytes:
    """The whole content of an attachment up to `limit` bytes (a picture to
    preview); a UserError when it is bigger."""
    info = file_info(session, attachment_id)
    if info.size > limit:
        raise UserError(
            f"{shown(info.name)} is too big to show here "
            f"({format_size(info.size)} > {format_size(limit)})."
        )
    return b"".join(file_chunks(session, info.id))


def save_file(
    session: Session, attachment_id: object, path: str | os.PathLike, *, force=False
) -> Path:
    """Write an attachment to `path` (into it, under the file's own name,
    when `path` is a folder), readable by the user alone (0600).

    An existing file is kept unless `force`; the file appears whole or not
    at all (written beside it, then renamed)."""
    info = file_info(session, attachment_id)
    target = Path(checked_path(os.fspath(path)))
    if target.is_dir():
        target = target / safe_file_name(info.name)
    if target.exists() and not force:
        raise UserError(
            f"{shown(str(target))} exists already: name another file "
            "(or --force to replace it)."
        )
    folder = target.parent
    if not folder.is_dir():
        raise UserError(f"There is no folder {shown(str(folder))} to save into.")
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".focus-tui-")
    except OSError as exc:
        raise UserError(
            f"Cannot write into {shown(str(folder))} ({exc.strerror or exc})."
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:  # mkstemp makes it 0600
            for chunk in file_chunks(session, info.id):
                handle.write(chunk)
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise UserError(
                f"Cannot write {shown(str(target))} ({exc.strerror or exc})."
            ) from None
        raise
    return target


def safe_file_name(name: str) -> str:
    """A stored name as a file name in a folder: no folders, no dot files."""
    base = name.replace("/", "_").replace("\\", "_").replace("\x00", "_")
    return base.lstrip(".") or "attachment"


def _checked_name(name: str) -> str:
    return one_line_field(name, "file name", MAX_NAME, "A file name is needed.")


def _read(source: FileSource) -> Iterator[bytes]:
    """The source's chunks; a file that fails to read is the user's to fix."""
    try:
        yield from source.chunks()
    except OSError as exc:
        raise UserError(
            f"{shown(source.name)} cannot be read ({exc.strerror or exc}); "
            "nothing was stored."
        ) from None


class _Counted:
    """The source's chunks, hashed and counted on the way, refused as soon
    as they pass `limit`."""

    def __init__(self, source: FileSource, limit: int) -> None:
        self.source, self.limit = source, limit
        self.digest, self.size = hashlib.sha256(), 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in _read(self.source):
            self.size += len(chunk)
            if self.size > self.limit:
                raise _too_big(self.source.name, self.size, self.limit)
            self.digest.update(chunk)
            yield chunk

    @property
    def result(self) -> tuple[str, int]:
        return self.digest.hexdigest(), self.size


def _hashed(source: FileSource, limit: int) -> tuple[str, int]:
    """(SHA-256, size) of the source's content, refused past `limit`."""
    counted = _Counted(source, limit)
    for _chunk in counted:
        pass
    return counted.result


def _too_big(name: str, size: int, limit: int) -> UserError:
    return UserError(
        f"{shown(name)} is too big to attach ({format_size(size)}; the limit "
        f"is {format_size(limit)}, settings.toml [attachments] max_mb); "
        "nothing was stored."
    )


def check_size(source: FileSource, limit: int | None = None) -> None:
    """Refuse, before reading it, a file bigger than the limit (settings'
    unless given)."""
    limit = attachment_limit() if limit is None else limit
    if source.size > limit:
        raise _too_big(source.name, source.size, limit)


def attach(
    session: Session, record_id: int, sources: Iterable[FileSource]
) -> list[FileInfo]:
    """Attach files to a record the user may see; each file is one
    transaction (a big file does not keep the others waiting), and every
    file is checked against the limit before anything is stored."""
    sources = list(sources)
    get_record(session, record_id)  # a NotFound before any file is read
    for source in sources:
        _checked_name(source.name)
        check_size(source)
    added = []
    for source in sources:
        with session.transaction():
            get_record(session, record_id, lock=True)
            added.append(store(session, record_id, source))
    return added


def store(
    session: Session,
    record_id: int,
    source: FileSource,
    *,
    log: bool = True,
    limit: int | None = None,
) -> FileInfo:
    """Inside the caller's transaction: put `source` on a record the user
    may see. `log=False`: the record was made from this content just now
    (an imported e-mail), its history says so already."""
    record_id = get_record(session, record_id).id
    name = _checked_name(source.name)
    limit = attachment_limit() if limit is None else limit
    check_size(source, limit)
    sha256, size = _hashed(source, limit)
    _lock_content(session, sha256)
    if not _stored(session, sha256):
        written = _write_content(session, sha256, size, source, limit)
        if written != (sha256, size):
            raise UserError(
                f"{shown(name)} changed while it was being attached; "
                "nothing was stored. Try again."
            )
    row = write.add_attachment(
        session,
        record_id,
        sha256=sha256,
        name=name,
        media_type=(source.media_type or "application/octet-stream")[:128],
        size=size,
        picture_size=source.picture_size,
    )
    if log:
        write.log_event(
            session, record_id, EventKind.ATTACHED, name=name, size=size, file=row.id
        )
    # As `files` would list it, without reading back the row just written.
    row.adder = session.user.display_name
    return _info(row)


def _stored(session: Session, sha256: str) -> bool:
    """Whether the content is stored already (a lookup an import makes per
    file: built once, see `models.prepared`)."""

    def build(slots: prepared.Slots) -> pw.Select:
        return Blob.select(Blob.size).where(Blob.sha256 == slots.text("sha256"))

    cursor = prepared.run(session.db, ("blob.stored",), build, {"sha256": sha256})
    return cursor.fetchone() is not None


def _write_content(
    session: Session, sha256: str, expected_size: int, source: FileSource, limit: int
) -> tuple[str, int]:
    """Store the content chunk by chunk; returns the (hash, size) of what
    was written, for the caller to compare with what it hashed."""
    counted = _Counted(source, limit)
    write.add_blob(session, sha256, expected_size)
    pending = bytearray()
    seq = 0
    for chunk in counted:
        pending += chunk
        while len(pending) >= CHUNK:
            write.add_blob_chunk(session, sha256, seq, bytes(pending[:CHUNK]))
            del pending[:CHUNK]
            seq += 1
    if pending or seq == 0:
        write.add_blob_chunk(session, sha256, seq, bytes(pending))
    return counted.result


def _lock_content(session: Session, sha256: str) -> None:
    """Two people attaching the same new content at once: the second waits
    for the first and then finds it stored. (SQLite's IMMEDIATE transaction
    already holds the write lock.)"""
    if is_sqlite(session.db):
        return
    session.db.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (sha256,))


def delete_file(session: Session, attachment_id: object) -> FileInfo:
    """Take a file off its record; its content goes too when no other
    record has it."""
    with session.transaction():
        info = file_info(session, attachment_id)
        get_record(session, info.record_id, lock=True)
        write.remove_attachment(session, info.id, info.sha256)
        write.log_event(
            session,
            info.record_id,
            EventKind.DETACHED,
            name=info.name,
            size=info.size,
            file=info.id,
        )
    return info
