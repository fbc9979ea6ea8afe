"""E-mail read into plain values: `.eml` files, mbox mailboxes, Maildirs.

Every message becomes one immutable `MailMessage` (or, when it cannot be
read, an `Unreadable` saying why): who wrote to whom, when, its text,
its attachments with their bytes, and the raw message. Nothing here touches
the database; `domain.mail_import` writes the notes.

- Streaming: an mbox is split on its "From " lines as it is read, one
  message in memory at a time. (`mailbox.mbox` reads the whole file once
  to index it before the first message, and then again.) A message bigger
  than `MAX_MESSAGE` is passed over, reported, and the next one read.
- Text in any charset: the declared one when it decodes, else UTF-8, else
  Windows-1252 (what a mailer that declares "iso-8859-1" or nothing most
  often means). Unknown or wrong declarations never stop a message.
- Headers: RFC 2047 encoded words and RFC 2231 file names are decoded, raw
  8-bit headers read as UTF-8 or Windows-1252; control characters are taken
  out of everything that will be shown.
- HTML-only mail is turned into plain text by inscriptis (layout kept,
  tables as columns, no markup left); the HTML itself is never kept as text.
- One bad message does not stop the others: each is read on its own.
"""

from __future__ import annotations

import binascii
import codecs
import contextlib
import email
import email.errors
import email.parser
import email.policy
import email.utils
import functools
import hashlib
import mimetypes
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header
from email.message import EmailMessage
from typing import NamedTuple

from ..core.dates import MAX_DATE, MIN_DATE
from ..core.errors import UserError
from ..core.text import checked_path, shown, strip_controls

# One message, attachments included (a 20 MB attachment is ~27 MB encoded).
MAX_MESSAGE = 64 * 1024 * 1024
# The headers that make a file an e-mail: without any of them it is not one.
_MAIL_HEADERS = ("from", "to", "cc", "subject", "date", "message-id")
_READ_CHUNK = 1024 * 1024


@functools.lru_cache(maxsize=4096)
def _parsed_header(name: str, value: str):
    return email.policy.default.header_fetch_parse(name, value)


class _Policy(email.policy.EmailPolicy):
    """The modern policy, with each header value parsed once.

    Every look at a part's Content-Type (its type, its charset, its file
    name...) parsed the header anew: half the time of reading a typical
    mailbox. The parsed headers are immutable, and a mailbox repeats its
    Content-Types and correspondents, so one parse serves them all."""

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name"):  # parsed already
            return value
        return _parsed_header(name, value)


_POLICY = _Policy()


class Address(NamedTuple):
    name: str  # the display name ("" when there is none)
    address: str  # as written: "Anna.Virtanen@Example.fi"


@dataclass(frozen=True)
class Attachment:
    filename: str  # safe to show and to save: no folders, no control bytes
    media_type: str  # "image/png"
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def name(self) -> str:  # as the attachment store calls it
        return self.filename

    @property
    def picture_size(self) -> tuple[int, int] | None:
        if not self.media_type.startswith("image/"):
            return None
        from .files import bytes_picture_size

        return bytes_picture_size(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def chunks(self, size: int = _READ_CHUNK) -> Iterator[bytes]:
        """The content a piece at a time (for a store that writes in chunks)."""
        view = memoryview(self.data)
        for start in range(0, len(view), size):
            yield bytes(view[start : start + size])


@dataclass(frozen=True)
class MailMessage:
    source: str  # where it was read: "inbox.mbox, message 12"
    message_id: str | None  # without the angle brackets
    subject: str  # never empty: a title is made for a message without one
    date: datetime | None  # aware, in the sender's own zone
    date_problem: str | None  # why there is no date, when there is none
    sender: tuple[Address, ...]  # From
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    in_reply_to: tuple[str, ...]  # message ids this one answers (References too)
    text: str  # the body as plain text
    attachments: tuple[Attachment, ...]
    raw: bytes = field(repr=False)  # the message as it was, to keep as .eml
    content_hash: str = ""  # SHA-256 of the message, line ends aside
    warnings: tuple[str, ...] = ()

    @property
    def participants(self) -> tuple[Address, ...]:
        return self.sender + self.to + self.cc


@dataclass(frozen=True)
class Unreadable:
    source: str
    reason: str
    skipped: bool = False  # not e-mail in a folder (skipped), not a failure


MailItem = MailMessage | Unreadable


# -- where the messages are ------------------------------------------------------


class MailReader:
    """The messages of files and folders, one at a time, in order.

    `bytes_read` / `bytes_total` tell how far it is, for a progress line.
    A path that cannot be read at all (missing, a device) is a UserError
    before the first message, so a typo changes nothing.
    """

    def __init__(self, paths: Iterable[str | os.PathLike]) -> None:
        self.paths = [_checked(p) for p in paths]
        if not self.paths:
            raise UserError("Name at least one .eml file, mbox or Maildir folder.")
        self.bytes_total = sum(_size(p) for p in self.paths)
        self.bytes_read = 0

    def __iter__(self) -> Iterator[MailItem]:
        for path in self.paths:
            if os.path.isdir(path):
                yield from self._folder(path)
            else:
                yield from self._file(path, shown(path), in_folder=False)

    def _folder(self, path: str) -> Iterator[MailItem]:
        for maildir, inner in _folder_parts(path):
            if maildir:
                yield from self._maildir(inner)
            else:
                yield from self._file(inner, shown(inner), in_folder=True)

    def _maildir(self, path: str) -> Iterator[MailItem]:
        for place, name in enumerate(_maildir_messages(path), 1):
            where = f"{shown(path)}, message {place}"
            try:
                data = _read_file(name)
            except UserError as exc:
                yield Unreadable(where, str(exc))
                continue
            self.bytes_read += len(data)
            yield parse_message(data, where)

    def _file(self, path: str, where: str, *, in_folder: bool) -> Iterator[MailItem]:
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            yield Unreadable(where, f"cannot be read: {exc.strerror}.")
            return
        with handle:
            head = handle.read(5)
            handle.seek(0)
            if head == b"From ":
                for place, (data, cut, too_big) in enumerate(
                    split_mbox(handle, self._count), 1
                ):
                    at = f"{where}, message {place}"
                    if too_big:
                        yield Unreadable(at, _too_big())
                        continue
                    item = parse_message(data, at, cut_short=cut)
                    # Hold no message while the next one is read: memory
                    # follows the largest message, not two of them.
                    del data
                    yield item
                    del item
                return
            data = handle.read(MAX_MESSAGE + 1)
        self.bytes_read += len(data)
        if len(data) > MAX_MESSAGE:
            yield Unreadable(where, _too_big())
            return
        item = parse_message(data, where, cut_short=None)
        if in_folder and isinstance(item, Unreadable) and item.reason == NOT_MAIL:
            item = Unreadable(where, item.reason, skipped=True)
        yield item

    def _count(self, size: int) -> None:
        self.bytes_read += size


# What a file's name says it is: e-mail, read as messages however it reads.
MAIL_TYPES = frozenset({"message/rfc822", "application/mbox"})
_SNIFFED = 64 * 1024  # bytes of a file's start read to tell whether it is mail


def _folder_parts(path: str) -> Iterator[tuple[bool, str]]:
    """What a folder import reads, in order: (True, a Maildir) — the folder
    itself or one in it — and (False, a file in it)."""
    if _is_maildir(path):
        yield True, path
        return
    for name in sorted(os.listdir(path)):
        inner = os.path.join(path, name)
        if os.path.isdir(inner):
            if _is_maildir(inner):
                yield True, inner
            continue
        if not name.startswith(".") and os.path.isfile(inner):
            yield False, inner


def _maildir_messages(path: str) -> list[str]:
    # Messages in new/ and cur/ (tmp/ holds ones still being delivered),
    # in the order of their file names: delivery time first.
    names = []
    for sub in ("new", "cur"):
        folder = os.path.join(path, sub)
        names += [
            os.path.join(folder, n) for n in os.listdir(folder) if not n.startswith(".")
        ]
    names.sort(key=os.path.basename)
    return names


def files_in_folder(path: str | os.PathLike) -> int:
    """How many files importing the folder reads (a Maildir's messages
    counted one by one): said before a whole folder is imported."""
    try:
        return sum(
            len(_maildir_messages(inner)) if maildir else 1
            for maildir, inner in _folder_parts(os.fspath(path))
        )
    except OSError:
        return 0


def is_mail(path: str | os.PathLike) -> bool:
    """Whether `focus-tui import` reads this path as e-mail (else it is a
    file to attach as it is).

    A folder is e-mail (a Maildir, or a folder of .eml files). A file's
    name decides when it names a kind: .eml and .mbox are e-mail (one that
    is not, after all, is reported with the reason), a picture, a PDF or a
    .txt is a file to attach. A name that says nothing (a Maildir's message
    file) leaves it to the content: an mbox's "From " line, or a header
    block with From, To, Subject or Date. A file that cannot be read is left
    to the reader, which says why; one that cannot be opened (missing, a
    FIFO, a device) is no mail, and attaching it says why."""
    from .files import type_by_name

    name = os.fspath(path)
    if os.path.isdir(name):
        return True
    kind = type_by_name(os.path.basename(name))
    if kind is not None:
        return kind in MAIL_TYPES
    from .files import open_regular  # non-blocking: a FIFO is not waited on

    try:
        handle, _ = open_regular(name)
    except UserError:
        return False  # attaching it then says why (missing, a device, unreadable)
    with handle:
        try:
            head = handle.read(_SNIFFED)
        except OSError:
            return True  # left to the reader, which says why
    if head.startswith(b"From "):
        return True
    if not head.strip() or b"\x00" in _header_part(head):
        return False
    try:
        headers = email.parser.BytesHeaderParser(policy=_POLICY).parsebytes(head)
    except Exception:  # the e-mail package on input it never met: not mail
        return False
    return _has_mail_headers(headers) and not headers.defects


def _too_big() -> str:
    return f"too big (over {MAX_MESSAGE // 2**20} MB): not imported."


def _checked(path: str | os.PathLike) -> str:
    name = checked_path(path)
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise UserError(f"There is no file or folder {shown(name)}.") from None
    except OSError as exc:
        raise UserError(f"{shown(name)} cannot be read: {exc.strerror}.") from None
    if stat.S_ISDIR(info.st_mode):
        if not os.access(name, os.R_OK | os.X_OK):
            raise UserError(f"The folder {shown(name)} cannot be read.")
    elif not stat.S_ISREG(info.st_mode):
        raise UserError(f"{shown(name)} is not a regular file or folder.")
    elif not os.access(name, os.R_OK):
        raise UserError(f"{shown(name)} cannot be read (permission denied).")
    return name


def _size(path: str) -> int:
    if not os.path.isdir(path):
        return os.path.getsize(path)
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):  # gone meanwhile
                total += os.path.getsize(os.path.join(folder, name))
    return total


def _is_maildir(path: str) -> bool:
    return all(os.path.isdir(os.path.join(path, sub)) for sub in ("cur", "new"))


def _read_file(name: str) -> bytes:
    try:
        with open(name, "rb") as handle:
            data = handle.read(MAX_MESSAGE + 1)
    except OSError as exc:
        raise UserError(f"cannot be read: {exc.strerror}.") from None
    if len(data) > MAX_MESSAGE:
        raise UserError(_too_big())
    return data


_FROM_ESCAPED = re.compile(rb"^>+From ")


def split_mbox(handle, count=None) -> Iterator[tuple[bytes, bool, bool]]:
    """(message bytes, whether the file ended inside it, whether it was too
    big) for each message of an mbox, read line by line.

    A message starts at a "From " line at the start of the file or after an
    empty line; its envelope line is left out and ">From " lines in it lose
    one ">" (mboxrd). A message over `MAX_MESSAGE` is not kept in memory:
    it is passed over and reported (empty bytes, too_big=True). The lines
    go into one buffer, not a list of lines: a list of a 20 MB message's
    lines took some 40 MB more, in small objects the process keeps.
    """
    buffer = bytearray()
    last = b""  # the message's last line kept
    size = 0
    too_big = False
    previous_blank = True
    started = False
    read = 0  # bytes read since `count` was last told (once a message)
    for line in handle:
        read += len(line)
        if previous_blank and line.startswith(b"From "):
            if started:
                if count is not None:
                    count(read - len(line))
                    read = len(line)
                joined = _joined(buffer, last, too_big)
                buffer = bytearray()  # not kept beside the joined bytes
                yield joined
                joined = None
            buffer, last, size, too_big, started = bytearray(), b"", 0, False, True
            previous_blank = False
            continue
        previous_blank = line == b"\n" or line == b"\r\n"
        if too_big:
            continue
        size += len(line)
        if size > MAX_MESSAGE:
            buffer, last, too_big = bytearray(), b"", True
            continue
        if line[:1] == b">" and _FROM_ESCAPED.match(line):
            line = line[1:]
        buffer += line
        last = line
    if count is not None:
        count(read)
    if started:
        # A file that does not end in a line end stopped mid-message.
        ended_cleanly = not last or last.endswith(b"\n")
        yield _joined(buffer, last, too_big)[0], not ended_cleanly, too_big


def _joined(buffer: bytearray, last: bytes, too_big: bool) -> tuple[bytes, bool, bool]:
    if too_big:
        return b"", False, True
    # The empty line before the next "From " belongs to the mbox, not the message.
    if last in (b"\n", b"\r\n"):
        del buffer[-len(last) :]
    return bytes(buffer), False, False


# -- one message ---------------------------------------------------------------------

NOT_MAIL = "not an e-mail: it has no From, To, Subject or Date header."


def parse_message(data: bytes, source: str, *, cut_short: bool | None = False):
    """The message in `data` (its raw bytes), or why it cannot be read.

    `cut_short`: the file ended inside this message (True), or nobody knows
    (None: a single file, where only a MIME part left open shows it).
    """
    try:
        return _parse(data, source, cut_short)
    except Exception as exc:  # the e-mail package on input it never met
        return Unreadable(source, f"cannot be read ({type(exc).__name__}: {exc}).")


def _parse(data: bytes, source: str, cut_short: bool | None) -> MailItem:
    if not data.strip():
        return Unreadable(source, "empty: there is no message.")
    if b"\x00" in _header_part(data):
        return Unreadable(source, "not an e-mail: it holds binary data.")
    msg = _message(data)
    if not _has_mail_headers(msg):
        return Unreadable(source, NOT_MAIL)
    if cut_short is not False and _left_open(msg):
        return Unreadable(
            source, "cut short: the file ends inside the message (not imported)."
        )
    warnings: list[str] = []
    sender = _addresses(msg, "from")
    date, date_problem = _date(msg)
    text, attachments = _content(msg, warnings)
    subject = _header_text(msg, "subject")
    if not subject:
        subject = _untitled(sender, date)
    return MailMessage(
        source=source,
        message_id=_first_id(msg.get("message-id")),
        subject=subject,
        date=date,
        date_problem=date_problem,
        sender=sender,
        to=_addresses(msg, "to"),
        cc=_addresses(msg, "cc"),
        in_reply_to=_thread_ids(msg),
        text=text,
        attachments=tuple(attachments),
        raw=data,
        content_hash=content_hash(data),
        warnings=tuple(warnings),
    )


def _message(data: bytes) -> EmailMessage:
    """`email.message_from_bytes`, fed a piece at a time. That one decodes
    the whole message to text and reads it through a StringIO, which holds
    four bytes a character: a 20 MB message took 156 MB to parse, this way
    about 75 MB. (The parser reads its input in pieces anyway; the result is
    the same.)"""
    parser = email.parser.BytesFeedParser(policy=_POLICY)
    view = memoryview(data)
    for start in range(0, len(view), _FEED):
        parser.feed(view[start : start + _FEED].tobytes())
    return parser.close()


_FEED = 64 * 1024


def _has_mail_headers(msg: EmailMessage) -> bool:
    return any(name.lower() in _MAIL_HEADERS for name in msg)


def _header_part(data: bytes) -> bytes:
    ends = [i for i in (data.find(b"\n\n"), data.find(b"\r\n\r\n")) if i >= 0]
    return data[: min([*ends, 4096])]


def content_hash(data: bytes) -> str:
    """The same for the same message as an .eml, in an mbox or a Maildir:
    line ends and trailing blank lines do not count."""
    if b"\r\n" in data:
        data = data.replace(b"\r\n", b"\n")
    # rstrip() without the copy: a big message is hashed where it lies.
    end = len(data)
    while end and data[end - 1] in _ASCII_SPACE:
        end -= 1
    return hashlib.sha256(memoryview(data)[:end]).hexdigest()


_ASCII_SPACE = frozenset(b" \t\n\r\x0b\x0c")  # what bytes.rstrip() takes off


def _left_open(msg: EmailMessage) -> bool:
    # A multipart whose closing boundary never came: the file stopped there.
    for part in msg.walk():
        for defect in getattr(part, "defects", ()):
            if isinstance(defect, email.errors.CloseBoundaryNotFoundDefect):
                return True
    return False


def _untitled(sender: tuple[Address, ...], date: datetime | None) -> str:
    who = sender[0].name or sender[0].address if sender else ""
    when = f" of {date:%Y-%m-%d}" if date is not None else ""
    return f"E-mail from {who}{when}" if who else f"E-mail without a subject{when}"


# -- headers ----------------------------------------------------------------------


def _raw_header(msg: EmailMessage, name: str) -> str | None:
    for key, value in msg.raw_items():
        if key.lower() == name:
            return _as_text(value)
    return None


def _as_text(value: str) -> str:
    """A raw header value with 8-bit bytes (kept by the parser as surrogate
    escapes) read as UTF-8, else Windows-1252."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        data = value.encode("utf-8", "surrogateescape")
        return decode_text(data, None)


def _header_text(msg: EmailMessage, name: str) -> str:
    raw = _raw_header(msg, name)
    if raw is None:
        return ""
    pieces = []
    try:
        parts = decode_header(raw)
    except Exception:  # a broken encoded word: the text as it stands
        parts = [(raw, None)]
    for data, charset in parts:
        if isinstance(data, str):
            pieces.append(data)
        elif charset is None:  # the plain text between encoded words
            pieces.append(data.decode("raw-unicode-escape", "replace"))
        else:
            pieces.append(decode_text(data, charset))
    return strip_controls(" ".join("".join(pieces).split()))


def _addresses(msg: EmailMessage, name: str) -> tuple[Address, ...]:
    found: list[Address] = []
    for key, value in msg.raw_items():
        if key.lower() != name:
            continue
        text = strip_controls(_as_text(value))
        pairs = []
        try:
            header = _parsed_header(name, text)
            pairs = [(a.display_name, a.addr_spec) for a in header.addresses]
        except Exception:
            pass
        if not any(_usable(address) for _, address in pairs):
            # What the strict parser cannot read, the lenient one may.
            pairs = email.utils.getaddresses([text])
        for display, address in pairs:
            address = (address or "").strip()
            if _usable(address):
                found.append(Address(" ".join((display or "").split()), address))
    return tuple(found)


def _usable(address: str) -> bool:
    # Not a group's name, "undisclosed-recipients", or half an address.
    local, at, domain = (address or "").rpartition("@")
    return bool(at and local and domain) and len(address.split()) == 1


def _date(msg: EmailMessage) -> tuple[datetime | None, str | None]:
    raw = _raw_header(msg, "date")
    if raw is None or not raw.strip():
        return None, "it has no Date header"
    try:
        moment = email.utils.parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, f"its Date {shown(' '.join(raw.split()))!r} is not a date"
    if moment.tzinfo is None:  # "-0000": the time is UTC, its zone unknown
        moment = moment.replace(tzinfo=UTC)
    if not MIN_DATE <= moment.date() <= MAX_DATE:
        return None, f"its Date {moment:%Y-%m-%d} is out of range"
    return moment, None


_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")


def _first_id(value) -> str | None:
    if value is None:
        return None
    text = strip_controls(_as_text(str(value))).strip()
    found = _MESSAGE_ID.search(text)
    ident = found.group(1) if found else (text.split() or [""])[0]
    return ident[:500] or None


def _thread_ids(msg: EmailMessage) -> tuple[str, ...]:
    ids: list[str] = []
    for name in ("in-reply-to", "references"):
        raw = _raw_header(msg, name)
        if raw:
            ids += [i[:500] for i in _MESSAGE_ID.findall(strip_controls(raw))]
    return tuple(dict.fromkeys(ids))


# -- the body and the attachments --------------------------------------------------------

# What mailers mean by the labels they use (as browsers read them): ASCII and
# Latin-1 declared over Windows-1252 text are the commonest mistakes.
_CHARSET_MEANS = {
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso_8859-1": "cp1252",
}


def decode_text(data: bytes, charset: str | None) -> str:
    """`data` as text. A multi-byte charset declared (Shift JIS, GB2312,
    UTF-16...) is trusted when it decodes. Otherwise UTF-8 comes first: text
    that decodes as UTF-8 is almost never anything else, and mailers often
    send it declared as ASCII or Latin-1. Then the declared single-byte
    charset, then Windows-1252 (undefined bytes replaced)."""
    if data.isascii():
        return data.decode("ascii")
    declared = None
    if charset:
        label = charset.strip().strip('"').lower()
        try:
            declared = codecs.lookup(_CHARSET_MEANS.get(label, label)).name
        except LookupError:
            declared = None
    if declared is not None and not declared.startswith(_SINGLE_BYTE):
        order = [declared, "utf-8"]
    else:
        order = ["utf-8", declared or "cp1252"]
    for codec in order:
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", "replace")


# Codec names (as codecs.lookup gives them) of one byte per character.
_SINGLE_BYTE = ("ascii", "iso8859", "cp125", "cp437", "cp850", "mac-", "koi8")


def _content(msg: EmailMessage, warnings: list[str]) -> tuple[str, list[Attachment]]:
    texts: list[str] = []
    attachments: list[Attachment] = []
    used: set[int] = set()  # ids of the parts read as text
    _collect(msg, texts, attachments, used, warnings, in_alternative=False)
    return "\n\n".join(t for t in texts if t), attachments


def _collect(part, texts, attachments, used, warnings, *, in_alternative) -> None:
    maintype = part.get_content_maintype()
    if maintype == "multipart":
        alternative = part.get_content_subtype() == "alternative"
        if part.get_content_subtype() in ("alternative", "related") or not texts:
            # One text of this part: plain text before HTML.
            best = part.get_body(preferencelist=("plain", "html"))
            if best is not None and id(best) not in used and not in_alternative:
                used.add(id(best))
                texts.append(_part_text(best))
        for inner in part.iter_parts():
            _collect(
                inner,
                texts,
                attachments,
                used,
                warnings,
                in_alternative=in_alternative or alternative,
            )
        return
    if id(part) in used:
        return
    if part.get_content_type() == "message/rfc822":
        attachments.append(_attached_message(part, len(attachments) + 1))
        return
    filename = part.get_filename()
    disposition = part.get_content_disposition()
    if maintype == "text" and filename is None and disposition != "attachment":
        # Another text of the message: the same text in another form (an
        # alternative), or a second piece of it (a list's footer).
        if not in_alternative:
            used.add(id(part))
            texts.append(_part_text(part))
        return
    data = _payload(part)
    if data is None:
        data = b""
    if any(isinstance(d, _BAD_BASE64) for d in part.defects):
        warnings.append(f"attachment {len(attachments) + 1} was not cleanly encoded")
    media_type = part.get_content_type()
    attachments.append(
        Attachment(
            _safe_name(filename, media_type, len(attachments) + 1), media_type, data
        )
    )


_BAD_BASE64 = (
    email.errors.InvalidBase64CharactersDefect,
    email.errors.InvalidBase64PaddingDefect,
)


def _payload(part) -> bytes | None:
    """`part.get_payload(decode=True)`. Clean base64 (the common case) is
    decoded here at once: the e-mail package first makes a list of its lines,
    some 60 MB for a 20 MB attachment. Anything else (other encodings, bad
    base64, whose defects the package notes) is left to the package."""
    if (
        not part.is_multipart()
        and part.get("content-transfer-encoding", "").strip().lower() == "base64"
    ):
        payload = part.get_payload()
        if isinstance(payload, str):
            try:
                clean = payload.encode("ascii").translate(None, b" \t\r\n")
                return binascii.a2b_base64(clean, strict_mode=True)
            except (UnicodeEncodeError, binascii.Error):
                pass
    return part.get_payload(decode=True)


def _attached_message(part, place: int) -> Attachment:
    inner = part.get_payload(0) if part.is_multipart() else None
    if inner is None:
        data = part.get_payload(decode=True) or b""
        subject = ""
    else:
        data = inner.as_bytes(policy=_POLICY.clone(linesep="\n"))
        subject = _header_text(inner, "subject")
    name = part.get_filename() or f"{subject or 'message'}.eml"
    return Attachment(_safe_name(name, "message/rfc822", place), "message/rfc822", data)


def _part_text(part) -> str:
    data = part.get_payload(decode=True) or b""
    text = decode_text(data, part.get_content_charset())
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return clean_text(text)


def clean_text(text: str) -> str:
    """Text to keep: line ends made "\\n", tabs as spaces, no control
    characters, no trailing spaces, at most one empty line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [strip_controls(line.expandtabs(8)).rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


def html_to_text(html: str) -> str:
    """Readable text of an HTML mail: inscriptis keeps paragraphs, lists and
    tables laid out; the tags, scripts and styles are gone."""
    if not html.strip():
        return ""
    try:
        from inscriptis import get_text

        return get_text(html)
    except Exception:  # a document lxml cannot parse at all: its text alone
        from html.parser import HTMLParser

        pieces: list[str] = []

        class _Text(HTMLParser):
            def handle_data(self, data: str) -> None:
                pieces.append(data)

        _Text().feed(html)
        return " ".join("".join(pieces).split())


_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|]')


def _safe_name(filename: str | None, media_type: str, place: int) -> str:
    """A file name that can be shown and saved: no folders, no control
    characters, not empty; "attachment-2.pdf" for a part without one."""
    name = ""
    if filename:
        name = strip_controls(_as_text(filename))
        name = name.replace("\\", "/").rsplit("/", 1)[-1]
        name = " ".join(_UNSAFE_NAME.sub("_", name).split()).strip(". ")
    if not name:
        extension = mimetypes.guess_extension(media_type) or ".bin"
        name = f"attachment-{place}{extension}"
    return name[:200]
