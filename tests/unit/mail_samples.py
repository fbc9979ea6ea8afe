"""E-mails for the tests, built with the `email` package (and, where a
mailer's mistake is the point, by hand)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime

PACIFIC = timezone(timedelta(hours=-8))
SENT = datetime(2026, 11, 26, 23, 30, tzinfo=PACIFIC)  # 27 Nov 09:30 in Helsinki


# A PNG's first bytes and then some: what matters is that they come back.
def _picture() -> bytes:
    """A real PNG of 64×48 pixels, noisy enough not to compress to nothing."""
    from io import BytesIO

    from PIL import Image

    image = Image.frombytes("RGB", (64, 48), bytes(range(256)) * 36)
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


PICTURE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # a PNG's start only
PHOTO = _picture()  # a whole one


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plain(
    subject: str | None = "Offer for the fleet",
    *,
    sender: str = "Anna Virtanen <Anna.Virtanen@Example.fi>",
    to: str = "Tester <tester@focus.example>",
    cc: str | None = "Ben Berg <ben@example.com>",
    text: str = "Hello,\n\nthe offer is fine.\n\nAnna\n",
    message_id: str | None = "<offer-1@example.fi>",
    date: datetime | None = SENT,
    in_reply_to: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    if subject is not None:
        msg["Subject"] = subject
    if date is not None:
        msg["Date"] = format_datetime(date)
    if message_id:
        msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg.set_content(text)
    return msg


def html_only(message_id: str = "<html-1@example.fi>") -> EmailMessage:
    msg = plain("Newsletter", message_id=message_id)
    msg.set_content(
        "<html><head><style>p { color: red }</style>"
        "<script>alert('x')</script></head><body>"
        "<h1>Winter prices</h1><p>Hello <b>Tester</b>, see the "
        "<a href='https://example.fi/p'>prices</a>.</p>"
        "<ul><li>Tyres</li><li>Chains</li></ul>"
        "<table><tr><td>Tyres</td><td>120 EUR</td></tr></table>"
        "</body></html>",
        subtype="html",
    )
    return msg


def with_picture(message_id: str = "<pic-1@example.fi>") -> EmailMessage:
    msg = plain("The damaged van", message_id=message_id, text="See the picture.\n")
    msg.add_attachment(PICTURE, maintype="image", subtype="png", filename="van.png")
    return msg


def as_mbox(*messages: EmailMessage | bytes) -> bytes:
    """An mbox as mailers write it: a From line before each message, an
    empty line after it, ">From " for a body line that starts "From "."""
    out = []
    for msg in messages:
        data = msg if isinstance(msg, bytes) else msg.as_bytes()
        data = data.replace(b"\r\n", b"\n")
        lines = [
            b">" + line if line.startswith(b"From ") else line
            for line in data.split(b"\n")
        ]
        out.append(b"From sender@example.fi Thu Nov 26 23:30:00 2026\n")
        out.append(b"\n".join(lines).rstrip(b"\n") + b"\n\n")
    return b"".join(out)


def raw(headers: str, body: bytes, content_type: str = "text/plain") -> bytes:
    """A message written by hand: `headers` as lines, then `body` as is."""
    head = headers.strip("\n").replace("\n", "\r\n")
    return (
        b"From: Anna <anna@example.fi>\r\nTo: tester@focus.example\r\n"
        + head.encode("utf-8", "surrogateescape")
        + f"\r\nContent-Type: {content_type}\r\n\r\n".encode()
        + body
    )
