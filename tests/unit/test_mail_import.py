"""E-mail imported as Contact Notes (domain/mail_import.py) and
`focus-tui import`: the note's fields, its people, once only, one
transaction per message, and nothing for someone who may not see it."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
from datetime import date, datetime

import pytest
from mail_samples import PHOTO, PICTURE, as_mbox, html_only, plain, sha, with_picture

from focus_tui import cli
from focus_tui.core.errors import NotFound, UserError
from focus_tui.core.process import CONTACT_NOTE
from focus_tui.domain import attachments, clouds, mail_import, records, tracker
from focus_tui.domain.access import get_record, participants
from focus_tui.domain.mail_import import (
    ALREADY_THERE,
    FAILED,
    IMPORTED,
    import_mail,
)
from focus_tui.domain.records import ContactFields
from focus_tui.domain.session import Session, ensure_user
from focus_tui.importing.mail import MailReader, Unreadable, parse_message
from focus_tui.models import ContactDetails, ImportedMail, Record


def message(msg, source="test.eml"):
    return parse_message(msg.as_bytes(), source, cut_short=None)


def other(session: Session, name: str) -> Session:
    return Session(
        db=session.db, user=ensure_user(name, session.clock), clock=session.clock
    )


@pytest.fixture
def lead(session):
    clouds.create_cloud(session, "Nordic")
    return records.create_record(session, "sales_lead", "Fleet deal", cloud="Nordic")


def person_of(session, address: str) -> Record:
    return (
        Record.select()
        .join(ContactDetails, on=(ContactDetails.record == Record.id))
        .where(ContactDetails.email == address)
        .get()
    )


def test_a_message_becomes_a_logged_contact_note_under_the_target(session, lead):
    done = import_mail(session, [message(plain())], lead.id)
    (outcome,) = done.outcomes
    assert (outcome.outcome, done.imported) == (IMPORTED, 1)
    note = get_record(session, outcome.note_id)
    assert note.type == CONTACT_NOTE.key and note.parent_id == lead.id
    assert note.cloud_id == lead.cloud_id
    assert note.title == "Offer for the fleet"
    assert note.body == "Hello,\n\nthe offer is fine.\n\nAnna"
    # Sent 23:30 on the 26th in California: 09:30 on the 27th in Helsinki.
    assert note.date == date(2026, 11, 27)
    assert session.clock.to_local(note.due_at).strftime("%H:%M") == "09:30"
    assert note.due_at == datetime(2026, 11, 27, 7, 30)  # stored in UTC
    assert note.finished_at is not None  # a contact that happened, not a to-do


def test_without_a_date_the_note_has_none_and_the_summary_says_why(session, lead):
    (outcome,) = import_mail(session, [message(plain(date=None))], lead.id).outcomes
    assert get_record(session, outcome.note_id).date is None
    assert "no date: it has no Date header" in outcome.reason


def test_html_only_mail_is_stored_as_text(session, lead):
    (outcome,) = import_mail(session, [message(html_only())], lead.id).outcomes
    body = get_record(session, outcome.note_id).body
    assert "Winter prices" in body and "<" not in body


def test_participants_are_matched_by_address_in_any_case_or_created(session, lead):
    anna = records.create_record(
        session,
        "contact_person",
        "Anna V.",
        cloud="Nordic",
        contact=ContactFields(email="anna.virtanen@example.fi"),
    )
    done = import_mail(session, [message(plain())], lead.id)
    note_id = done.outcomes[0].note_id
    tagged = {p.title: p for p in participants(session, note_id)}
    assert set(tagged) == {"Anna V.", "Tester", "Ben Berg"}
    assert tagged["Anna V."].id == anna.id  # Anna.Virtanen@Example.fi: the same
    ben = person_of(session, "ben@example.com")
    assert ben.cloud_id == lead.cloud_id and ben.type == "contact_person"
    assert (done.people_found, done.people_created) == (1, 2)
    # The next message from Ben finds the person made for him.
    import_mail(session, [message(plain("Next", message_id="<n@x>"))], lead.id)
    assert Record.select().where(Record.title == "Ben Berg").count() == 1


def test_a_person_nobody_here_may_see_is_not_used(session, lead):
    alice = other(session, "alice")
    hidden = records.create_record(
        alice,
        "contact_person",
        "Alice's Ben",
        contact=ContactFields(email="ben@example.com"),
    )
    note_id = import_mail(session, [message(plain())], lead.id).outcomes[0].note_id
    ids = {p.id for p in participants(session, note_id)}
    assert hidden.id not in ids
    assert person_of(session, "ben@example.com").id == hidden.id  # the oldest
    assert len(ids) == 3


def test_the_same_message_again_does_nothing_and_says_so(session, lead):
    first = import_mail(session, [message(plain())], lead.id).outcomes[0]
    count = Record.select().count()
    again = import_mail(session, [message(plain(text="Changed body\n"))], lead.id)
    (outcome,) = again.outcomes
    assert (outcome.outcome, outcome.note_id) == (ALREADY_THERE, first.note_id)
    assert again.already_there == 1 and again.imported == 0
    assert Record.select().count() == count


def test_without_a_message_id_the_content_decides(session, lead):
    msg = plain(message_id=None)
    first = import_mail(session, [message(msg)], lead.id)
    as_mbox_too = parse_message(as_mbox(msg).split(b"\n", 1)[1], "inbox.mbox")
    again = import_mail(session, [message(msg), as_mbox_too], lead.id)
    assert [o.outcome for o in again.outcomes] == [ALREADY_THERE, ALREADY_THERE]
    assert again.outcomes[0].note_id == first.outcomes[0].note_id
    changed = import_mail(
        session, [message(plain(message_id=None, text="Other\n"))], lead.id
    )
    assert changed.imported == 1
    assert ImportedMail.select().where(ImportedMail.message_id.is_null()).count() == 2


def test_a_message_repeated_in_one_mailbox_is_imported_once(session, lead):
    done = import_mail(session, [message(plain()), message(plain())], lead.id)
    assert [o.outcome for o in done.outcomes] == [IMPORTED, ALREADY_THERE]


def test_the_default_target_is_the_focused_activity(session, lead):
    with pytest.raises(UserError, match="--to ID, or focus"):
        import_mail(session, [message(plain())])
    tracker.focus(session, lead.id)
    done = import_mail(session, [message(plain())])
    assert done.target_id == lead.id
    assert get_record(session, done.outcomes[0].note_id).parent_id == lead.id


def test_a_reply_goes_under_its_threads_record(session, lead):
    elsewhere = records.create_record(session, "task", "Something else")
    import_mail(session, [message(plain())], lead.id)
    tracker.focus(session, elsewhere.id)
    reply = plain("Re: Offer", message_id="<r1@x>", in_reply_to="<offer-1@example.fi>")
    unrelated = plain("Lunch?", message_id="<l1@x>")
    done = import_mail(session, [message(reply), message(unrelated)])
    parents = [get_record(session, o.note_id).parent_id for o in done.outcomes]
    assert parents == [lead.id, elsewhere.id]
    assert f"with its thread under #{lead.id}" in done.outcomes[0].reason
    # A target named by the user is where everything goes.
    named = import_mail(
        session,
        [message(plain("Re: Offer 2", message_id="<r2@x>", in_reply_to="<r1@x>"))],
        elsewhere.id,
    )
    assert get_record(session, named.outcomes[0].note_id).parent_id == elsewhere.id


def test_the_attachments_and_the_original_message_are_stored_on_the_note(
    session, lead, tmp_path
):
    msg = message(with_picture())
    (outcome,) = import_mail(session, [msg], lead.id).outcomes
    assert outcome.files == (
        ("van.png", len(PICTURE)),
        ("The damaged van.eml", len(msg.raw)),
    )
    picture, original = attachments.files(session, outcome.note_id)
    assert (picture.name, picture.media_type) == ("van.png", "image/png")
    assert picture.sha256 == sha(PICTURE)  # the bytes as they were sent
    saved = attachments.save_file(session, picture.id, tmp_path)
    assert saved.read_bytes() == PICTURE
    assert original.media_type == "message/rfc822"
    assert b"".join(attachments.file_chunks(session, original.id)) == msg.raw
    # Not a whole PNG: stored as sent, with no dimensions made up.
    assert (picture.width, picture.height) == (None, None)
    # The outsider sees neither the note nor its files.
    mallory = other(session, "mallory")
    for info in (picture, original):
        with pytest.raises(NotFound):
            attachments.file_info(mallory, info.id)


def test_a_photo_in_a_message_keeps_its_dimensions(session, lead):
    msg = plain("Site visit", message_id="<photo@x>", text="The site.\n")
    msg.add_attachment(PHOTO, maintype="image", subtype="png", filename="site.png")
    (outcome,) = import_mail(session, [message(msg)], lead.id).outcomes
    photo = attachments.files(session, outcome.note_id)[0]
    assert (photo.width, photo.height) == (64, 48)
    assert photo.size_text.endswith("64×48")


def test_a_message_with_an_attachment_over_the_limit_is_not_imported(
    session, lead, tmp_path
):
    from focus_tui import config

    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "settings.toml").write_text("[attachments]\nmax_mb = 1\n")
    config.settings.cache_clear()
    big = plain("The brochure", message_id="<big@x>", text="Attached.\n")
    big.add_attachment(
        b"\0" * (2**20 + 10), maintype="application", subtype="pdf", filename="b.pdf"
    )
    notes = Record.select().where(Record.type == CONTACT_NOTE.key).count()
    done = import_mail(session, [message(big), message(plain())], lead.id)
    assert [o.outcome for o in done.outcomes] == [FAILED, IMPORTED]
    assert "b.pdf is too big to attach" in done.outcomes[0].reason
    assert Record.select().where(Record.type == CONTACT_NOTE.key).count() == notes + 1


def test_an_attachment_under_the_limit_is_imported_with_its_bigger_original(
    session, lead, tmp_path
):
    # As a 20 MB attachment under the 25 MB limit: its base64 message is
    # bigger than the limit, and the message is imported whole all the same.
    from focus_tui import config

    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "settings.toml").write_text("[attachments]\nmax_mb = 1\n")
    config.settings.cache_clear()
    data = os.urandom(900 * 1024)
    msg = plain("The brochure", message_id="<big@x>", text="Attached.\n")
    msg.add_attachment(data, maintype="application", subtype="pdf", filename="b.pdf")
    (outcome,) = import_mail(session, [message(msg)], lead.id).outcomes
    assert outcome.outcome == IMPORTED
    files = {f.name: f for f in attachments.files(session, outcome.note_id)}
    assert files["b.pdf"].sha256 == hashlib.sha256(data).hexdigest()
    assert files["The brochure.eml"].size > 2**20


def test_bad_messages_are_counted_and_the_others_imported(session, lead):
    items = [
        message(plain("one", message_id="<1@x>")),
        Unreadable("inbox.mbox, message 2", "not an e-mail: it holds binary data."),
        Unreadable("notes.txt", "not an e-mail", skipped=True),
        message(plain("three", message_id="<3@x>")),
    ]
    done = import_mail(session, items, lead.id)
    assert (done.imported, done.failed, done.skipped) == (2, 1, 1)
    assert done.outcomes[1].reason == "not an e-mail: it holds binary data."


def test_a_message_refused_half_way_leaves_nothing_of_it(session, lead, monkeypatch):
    real = mail_import._attach_mail_files

    def refuse_the_second(session, note_id, msg):
        if msg.subject == "two":
            raise UserError("The attachment store is full.")
        return real(session, note_id, msg)

    monkeypatch.setattr(mail_import, "_attach_mail_files", refuse_the_second)
    before = Record.select().count()
    items = [
        message(plain("one", message_id="<1@x>", cc=None)),
        message(plain("two", message_id="<2@x>", cc="New Person <new@x.fi>")),
        message(plain("three", message_id="<3@x>", cc=None)),
    ]
    done = import_mail(session, items, lead.id)
    assert [o.outcome for o in done.outcomes] == [IMPORTED, FAILED, IMPORTED]
    assert done.outcomes[1].reason == "The attachment store is full."
    # One note each for one and three, plus Anna and Tester made with one.
    assert Record.select().count() == before + 4
    assert not Record.select().where(Record.title.in_(["two", "New Person"])).exists()
    assert ImportedMail.select().count() == 2


def test_a_message_is_let_go_before_the_next_is_read(
    session, lead, monkeypatch, tmp_path
):
    """A big mailbox's memory follows its largest message, not two: while
    the next message is parsed, nothing holds the one imported before."""
    import sys

    from focus_tui.importing import mail

    raws: list[bytes] = []
    held: list[int] = []
    real = mail.parse_message

    def parse(data, *args, **kwargs):
        if raws:  # `raws` and getrefcount's argument: 2 when nothing else
            held.append(sys.getrefcount(raws[-1]))
        item = real(data, *args, **kwargs)
        raws.append(item.raw)
        return item

    monkeypatch.setattr(mail, "parse_message", parse)
    box = tmp_path / "inbox.mbox"
    box.write_bytes(as_mbox(*(plain(f"m{n}", message_id=f"<{n}@x>") for n in range(3))))
    done = import_mail(session, MailReader([box]), lead.id)
    assert done.imported == 3
    assert held == [2, 2]


def test_a_long_subject_and_body_are_cut_to_what_a_note_holds(session, lead):
    msg = plain("Long " * 200, text="word " * 30_000)
    (outcome,) = import_mail(session, [message(msg)], lead.id).outcomes
    note = get_record(session, outcome.note_id)
    assert len(note.title) == records.MAX_TITLE and note.title.endswith("…")
    assert len(note.body) <= records.MAX_BODY and note.body.endswith("in its .eml]")


def test_an_outsider_cannot_import_into_a_record_or_see_the_notes(session, lead):
    done = import_mail(session, [message(plain())], lead.id)
    mallory = other(session, "mallory")
    before = Record.select().count()
    with pytest.raises(NotFound):
        import_mail(mallory, [message(plain("Sneaky", message_id="<s@x>"))], lead.id)
    assert Record.select().count() == before
    with pytest.raises(NotFound):
        get_record(mallory, done.outcomes[0].note_id)
    # Her own copy of the message is hers to import: nothing says ours exists.
    own = records.create_record(mallory, "task", "Mallory's task")
    theirs = import_mail(mallory, [message(plain())], own.id)
    assert (
        theirs.imported == 1 and theirs.outcomes[0].note_id != done.outcomes[0].note_id
    )


def test_an_archived_clouds_record_takes_no_mail(session, lead):
    clouds.archive_cloud(session, "Nordic")
    with pytest.raises(NotFound):
        import_mail(session, [message(plain())], lead.id)


# -- the command line -------------------------------------------------------------------


def run_cli(db_path, *args: str, user: str = "tester") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--db", str(db_path), "--user", user, *args])
    return code, out.getvalue(), err.getvalue()


def test_cli_imports_files_and_prints_the_summary(db_path, tmp_path):
    assert run_cli(db_path, "add", "lead", "Fleet deal")[0] == 0
    (tmp_path / "offer.eml").write_bytes(with_picture().as_bytes())
    (tmp_path / "inbox.mbox").write_bytes(
        as_mbox(plain(), with_picture(), b"no headers here")
    )
    # Named as e-mail: read as e-mail, and why it is not one is said.
    (tmp_path / "junk.eml").write_bytes(b"\x00\x01\x02" * 50)
    code, out, err = run_cli(
        db_path,
        "import",
        str(tmp_path / "offer.eml"),
        str(tmp_path / "inbox.mbox"),
        str(tmp_path / "junk.eml"),
        "--to",
        "1",
    )
    assert (code, err) == (0, "")  # no progress line: not a terminal
    assert "5 messages for #1:" in out
    for line in ("imported        2", "already there   1", "failed          2"):
        assert line in out
    assert "van.png (10 KB), The damaged van.eml" in out
    assert "inbox.mbox, message 2: #" in out and "has it" in out
    assert "junk.eml: not an e-mail: it holds binary data." in out
    code, out, _ = run_cli(
        db_path, "import", str(tmp_path / "inbox.mbox"), "--to", "1", "--format", "json"
    )
    report = json.loads(out)
    assert report["already_there"] == 2 and report["failed"] == 1
    assert report["messages"][0]["outcome"] == ALREADY_THERE


def test_cli_without_a_target_or_with_a_bad_path_says_so_in_one_line(db_path, tmp_path):
    (tmp_path / "a.eml").write_bytes(plain().as_bytes())
    code, out, err = run_cli(db_path, "import", str(tmp_path / "a.eml"))
    assert code == 2 and out == "" and "--to ID, or focus" in err
    assert len(err.splitlines()) == 1
    run_cli(db_path, "add", "lead", "Deal")
    code, _, err = run_cli(db_path, "import", str(tmp_path / "nope.eml"), "--to", "1")
    assert code == 2 and "There is no file or folder" in err
    code, _, err = run_cli(db_path, "import", str(tmp_path / "a.eml"), "--to", "99")
    assert code == 2 and "no record #99" in err


def test_cli_imports_into_the_focused_activity(db_path, tmp_path):
    run_cli(db_path, "add", "lead", "Deal")
    run_cli(db_path, "focus", "1")
    folder = tmp_path / "mails"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.eml").write_bytes(
            plain(f"m{n}", message_id=f"<{n}@x>").as_bytes()
        )
    code, out, _ = run_cli(db_path, "import", str(folder))
    assert code == 0 and "imported        3" in out and "for #1:" in out


def test_the_reader_reads_what_the_cli_is_given(tmp_path):
    (tmp_path / "a.eml").write_bytes(plain().as_bytes())
    reader = MailReader([tmp_path / "a.eml"])
    assert [m.subject for m in reader] == ["Offer for the fleet"]
