"""Reading e-mail (importing/mail.py): what a message gives, whatever its
charset, encoding, nesting or damage; mboxes and Maildirs message by message."""

from __future__ import annotations

import mailbox
from datetime import UTC, timedelta
from email.message import EmailMessage

import pytest
from mail_samples import (
    PICTURE,
    SENT,
    as_mbox,
    html_only,
    plain,
    raw,
    sha,
    with_picture,
)

from focus_tui.core.errors import UserError
from focus_tui.importing import mail
from focus_tui.importing.mail import (
    Address,
    MailMessage,
    MailReader,
    Unreadable,
    parse_message,
)


def read(data: bytes) -> MailMessage:
    item = parse_message(data, "test.eml", cut_short=None)
    assert isinstance(item, MailMessage), item
    return item


def read_path(*paths) -> list:
    return list(MailReader(paths))


def test_a_plain_message_gives_its_fields():
    msg = read(plain().as_bytes())
    assert msg.subject == "Offer for the fleet"
    assert msg.message_id == "offer-1@example.fi"
    assert msg.sender == (Address("Anna Virtanen", "Anna.Virtanen@Example.fi"),)
    assert msg.to == (Address("Tester", "tester@focus.example"),)
    assert msg.cc == (Address("Ben Berg", "ben@example.com"),)
    assert msg.text == "Hello,\n\nthe offer is fine.\n\nAnna"
    assert msg.attachments == ()
    assert msg.raw == plain().as_bytes()


def test_the_date_keeps_the_senders_own_zone():
    msg = read(plain().as_bytes())
    assert msg.date == SENT
    assert msg.date.utcoffset() == timedelta(hours=-8)
    assert msg.date_problem is None


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (None, "no Date header"),
        ("Thu, 31 Feb 2026 25:00:00 +0200", "is not a date"),
        ("yesterday-ish", "is not a date"),
    ],
)
def test_a_missing_or_broken_date_is_none_with_a_reason(header, problem):
    read_back = read(raw("Subject: d" + (f"\nDate: {header}" if header else ""), b"x"))
    assert read_back.date is None
    assert problem in read_back.date_problem


def test_a_date_of_an_unknown_zone_is_taken_as_utc():
    data = raw("Subject: d\nDate: Thu, 26 Nov 2026 10:00:00 -0000", b"x")
    assert read(data).date.tzinfo == UTC


def test_a_message_without_a_subject_gets_a_title():
    assert read(plain(None).as_bytes()).subject == (
        "E-mail from Anna Virtanen of 2026-11-26"
    )
    assert read(plain(" ", sender="x@example.fi").as_bytes()).subject == (
        "E-mail from x@example.fi of 2026-11-26"
    )


def test_html_only_mail_becomes_readable_text_without_markup():
    text = read(html_only().as_bytes()).text
    assert "Winter prices" in text and "Hello Tester, see the prices." in text
    assert "* Tyres" in text and "120 EUR" in text
    assert "<" not in text and "alert" not in text and "color" not in text


def test_plain_text_is_preferred_to_its_html_alternative():
    msg = plain(text="The plain words.\n")
    msg.add_alternative("<p>The <b>HTML</b> words.</p>", subtype="html")
    assert read(msg.as_bytes()).text == "The plain words."


def test_a_picture_comes_back_byte_for_byte():
    (picture,) = read(with_picture().as_bytes()).attachments
    assert (picture.filename, picture.media_type) == ("van.png", "image/png")
    assert picture.size == len(PICTURE) and picture.sha256 == sha(PICTURE)
    assert b"".join(picture.chunks(1000)) == PICTURE


def test_a_twenty_megabyte_attachment_comes_back_whole():
    big = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    msg = plain("The whole catalogue")
    msg.add_attachment(
        big, maintype="application", subtype="pdf", filename="catalogue.pdf"
    )
    (pdf,) = read(msg.as_bytes()).attachments
    assert pdf.size == 20 * 1024 * 1024 and pdf.sha256 == sha(big)


def test_nested_multiparts_give_one_text_and_every_file():
    inner = EmailMessage()
    inner.set_content("Plain words.\n")
    inner.add_alternative("<p>HTML words <img src='cid:logo'></p>", subtype="html")
    inner.get_payload()[1].add_related(
        PICTURE, maintype="image", subtype="png", cid="<logo>", filename="logo.png"
    )
    msg = plain("Nested")
    msg.set_content("Top text.\n")
    msg.make_mixed()
    msg.attach(inner)
    msg.add_attachment(b"%PDF-1.4 offer", maintype="application", subtype="pdf")
    read_back = read(msg.as_bytes())
    assert read_back.text == "Top text.\n\nPlain words."
    assert [(a.filename, a.media_type) for a in read_back.attachments] == [
        ("logo.png", "image/png"),
        ("attachment-2.pdf", "application/pdf"),
    ]
    assert read_back.attachments[0].sha256 == sha(PICTURE)


def test_a_forwarded_message_is_kept_as_an_eml_attachment():
    forwarded = plain("Original question", message_id="<orig@example.fi>")
    msg = plain("Fwd: Original question", text="See below.\n")
    msg.add_attachment(forwarded)
    read_back = read(msg.as_bytes())
    (eml,) = read_back.attachments
    assert eml.media_type == "message/rfc822"
    assert eml.filename == "Original question.eml"
    again = read(eml.data)
    assert again.subject == "Original question" and "the offer is fine" in again.text


@pytest.mark.parametrize(
    ("charset", "body", "expected"),
    [
        ("iso-8859-1", "Hyvää päivää, Jörg".encode("latin-1"), "Hyvää päivää, Jörg"),
        ("utf-8", "Hyvää päivää – 10 €".encode(), "Hyvää päivää – 10 €"),
        ("windows-1252", "“Quoted” – 10 €".encode("cp1252"), "“Quoted” – 10 €"),
        # Declared Latin-1, written in Windows-1252 (the commonest mistake).
        ("iso-8859-1", "10 € – “ok”".encode("cp1252"), "10 € – “ok”"),
        # A charset nobody knows: UTF-8 tried next.
        ("x-unknown-charset", "Grüße".encode(), "Grüße"),
        # Declared UTF-8, but Latin-1 bytes.
        ("utf-8", "Grüße".encode("latin-1"), "Grüße"),
        # Declared ASCII, 8-bit bytes.
        ("us-ascii", "Grüße".encode(), "Grüße"),
    ],
)
def test_any_charset_gives_text(charset, body, expected):
    data = raw(
        "Subject: charset\nContent-Transfer-Encoding: 8bit",
        body,
        f"text/plain; charset={charset}",
    )
    assert read(data).text == expected


def test_a_quoted_printable_body_in_latin1_is_decoded():
    data = raw(
        "Subject: qp\nContent-Transfer-Encoding: quoted-printable",
        b"P=E4iv=E4=E4 =3D hyv=E4=\r\n=E4",
        "text/plain; charset=iso-8859-1",
    )
    assert read(data).text == "Päivää = hyvää"


def test_encoded_headers_are_decoded():
    data = raw(
        "Subject: =?iso-8859-1?q?Tarjous_J=F6rgille?= ja =?utf-8?b?4oKs?=\n"
        "Cc: =?utf-8?q?M=C3=BCller=2C_J=C3=B6rg?= <jorg@example.de>",
        b"x",
    )
    msg = read(data)
    assert msg.subject == "Tarjous Jörgille ja €"
    assert msg.cc == (Address("Müller, Jörg", "jorg@example.de"),)


def test_raw_8bit_headers_are_read_as_utf8_or_windows_1252():
    utf8 = raw("Subject: Grüße aus Köln", b"x")
    latin = b"Subject: Gr\xfc\xdfe\r\n" + raw("", b"x")
    assert read(utf8).subject == "Grüße aus Köln"
    assert read(latin).subject == "Grüße"


def test_an_encoded_word_in_an_unknown_charset_still_gives_a_subject():
    msg = read(raw("Subject: =?x-nobody?q?Caf=C3=A9?= au lait", b"x"))
    assert msg.subject == "Café au lait"


@pytest.mark.parametrize(
    "disposition",
    [
        # RFC 2231
        "attachment; filename*=utf-8''Tarjous%20%C3%84%C3%A4kk%C3%B6nen%20%E2%82%AC.pdf",
        # RFC 2047 inside the quotes, as many mailers do
        'attachment; filename="=?utf-8?q?Tarjous_=C3=84=C3=A4kk=C3=B6nen_=E2=82=AC.pdf?="',
    ],
)
def test_encoded_file_names_are_decoded(disposition):
    body = (
        b"--B\r\nContent-Type: text/plain\r\n\r\nsee file\r\n"
        b"--B\r\nContent-Type: application/pdf\r\n"
        + f"Content-Disposition: {disposition}\r\n".encode()
        + b"Content-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n--B--\r\n"
    )
    msg = read(raw("Subject: file", body, 'multipart/mixed; boundary="B"'))
    (pdf,) = msg.attachments
    assert pdf.filename == "Tarjous Ääkkönen €.pdf" and pdf.data == b"%PDF"


def test_a_file_name_cannot_name_a_folder_or_hold_control_bytes():
    msg = plain()
    msg.add_attachment(
        b"x", maintype="text", subtype="plain", filename="../../etc/\x1b[31mpasswd"
    )
    (part,) = read(msg.as_bytes()).attachments
    assert part.filename == "[31mpasswd"


def test_control_bytes_are_taken_out_of_what_is_shown():
    msg = read(
        plain(
            "Bad \x1b[2J subject\x07",
            sender="\x1b]0;x\x07Evil <evil@example.fi>",
            text="Line \x1b[31mred\x1b[0m\x00 here\tand\x9b tab\r\n",
        ).as_bytes()
    )
    for text in (msg.subject, msg.text, msg.sender[0].name):
        assert not any(
            ord(c) < 32 and c != "\n" or 0x7F <= ord(c) <= 0x9F for c in text
        )
    assert msg.subject == "Bad [2J subject"
    assert " ".join(msg.text.split()) == "Line [31mred[0m here and tab"
    assert msg.sender == (Address("xEvil", "evil@example.fi"),)


def test_a_message_without_message_id_has_none_and_a_stable_hash():
    msg = plain(message_id=None)
    eml = read(msg.as_bytes())
    (in_mbox,) = mail.split_mbox(iter(as_mbox(msg).splitlines(keepends=True)))
    from_mbox = read(in_mbox[0])
    assert eml.message_id is None
    assert (
        eml.content_hash
        == from_mbox.content_hash
        == mail.content_hash(msg.as_bytes().replace(b"\n", b"\r\n"))
    )


def test_garbage_and_other_files_are_not_e_mail():
    for data in (b"\x00\x01\x02\xff" * 100, b"just some notes\nno headers\n"):
        item = parse_message(data, "x", cut_short=None)
        assert isinstance(item, Unreadable) and item.reason.startswith("not an e-mail")
    assert "empty" in parse_message(b"\n\n", "x").reason


def test_an_mbox_is_read_message_by_message(tmp_path):
    body = "From the start: a line mailers escape.\nMore.\n"
    box = tmp_path / "inbox.mbox"
    box.write_bytes(
        as_mbox(
            plain("one", text=body), with_picture(), plain("three", message_id=None)
        )
    )
    items = read_path(box)
    assert [i.subject for i in items] == ["one", "The damaged van", "three"]
    assert items[0].text == body.strip()
    assert [i.source for i in items] == [f"{box}, message {n}" for n in (1, 2, 3)]
    assert items[1].attachments[0].sha256 == sha(PICTURE)


def test_a_bad_message_in_an_mbox_does_not_stop_the_others(tmp_path):
    box = tmp_path / "inbox.mbox"
    box.write_bytes(
        as_mbox(plain("one"), b"no headers at all, only words", plain("three"))
    )
    items = read_path(box)
    assert [type(i).__name__ for i in items] == [
        "MailMessage",
        "Unreadable",
        "MailMessage",
    ]
    assert items[1].source.endswith("message 2") and "not an e-mail" in items[1].reason


def test_a_truncated_mbox_gives_the_whole_messages_and_says_the_last_is_cut(tmp_path):
    data = as_mbox(plain("one"), with_picture())
    box = tmp_path / "cut.mbox"
    box.write_bytes(data[: len(data) - 2000])  # mid-way through the picture
    first, last = read_path(box)
    assert first.subject == "one"
    assert isinstance(last, Unreadable) and "cut short" in last.reason


def test_a_message_too_big_is_passed_over_and_the_next_read(tmp_path, monkeypatch):
    monkeypatch.setattr(mail, "MAX_MESSAGE", 5000)
    box = tmp_path / "big.mbox"
    box.write_bytes(as_mbox(plain("small"), with_picture(), plain("after")))
    items = read_path(box)
    assert items[0].subject == "small" and items[2].subject == "after"
    assert isinstance(items[1], Unreadable) and "too big" in items[1].reason


def test_a_maildir_is_read_new_and_current_messages(tmp_path):
    folder = mailbox.Maildir(tmp_path / "Mail", create=True)
    folder.add(plain("first"))
    message = mailbox.MaildirMessage(plain("second"))
    message.set_subdir("cur")
    folder.add(message)
    items = read_path(tmp_path / "Mail")
    assert sorted(i.subject for i in items) == ["first", "second"]


def test_a_folder_of_files_skips_what_is_not_e_mail(tmp_path):
    (tmp_path / "a.eml").write_bytes(plain("a").as_bytes())
    (tmp_path / "notes.txt").write_text("shopping list\n")
    items = read_path(tmp_path)
    assert items[0].subject == "a"
    assert isinstance(items[1], Unreadable) and items[1].skipped


def test_a_path_that_cannot_be_read_is_refused_before_anything(tmp_path):
    with pytest.raises(UserError, match="no file or folder"):
        MailReader([tmp_path / "missing.eml"])
    with pytest.raises(UserError, match="at least one"):
        MailReader([])


def test_an_mbox_is_read_in_one_pass_one_message_at_a_time(tmp_path):
    """Never the whole file: each line is read once, and the reader holds one
    message (the splitter is fed lines, not the file)."""
    box = tmp_path / "inbox.mbox"
    box.write_bytes(as_mbox(*[plain(f"m{i}") for i in range(50)]))
    reader = MailReader([box])
    seen = 0
    for _item in reader:
        seen += 1
        assert reader.bytes_read < box.stat().st_size or seen == 50
    assert seen == 50 and reader.bytes_read == reader.bytes_total


def test_badly_encoded_base64_is_read_as_the_mail_package_reads_it_with_a_warning():
    body = b"QUJD\r\nQQ\r\n"  # "ABC" and a piece short of its padding
    data = raw(
        "Subject: Broken\nMIME-Version: 1.0\n"
        'Content-Disposition: attachment; filename="x.bin"\n'
        "Content-Transfer-Encoding: base64",
        body,
        "application/octet-stream",
    )
    message = read(data)
    (part,) = message.attachments
    assert part.data == b"ABCA"
    assert message.warnings == ("attachment 1 was not cleanly encoded",)
    clean = plain("Clean")
    clean.add_attachment(b"\x00\xff" * 5000, maintype="application", subtype="pdf")
    assert read(clean.as_bytes()).attachments[0].data == b"\x00\xff" * 5000
    assert read(clean.as_bytes()).warnings == ()
