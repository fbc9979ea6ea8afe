"""Files and e-mail in the TUI, by keys at 80×24: `a` attaches a file (to
the focused activity by default) or imports e-mail; a feed lists the files
and saves, opens and reads them."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest
from conftest import count_rows
from pilot_helpers import cursor_to, open_feed, screen_text, settle
from textual.pilot import Pilot
from unit.mail_samples import PHOTO, plain

from focus_tui.app import FocusApp
from focus_tui.core.process import CONTACT_NOTE
from focus_tui.domain import attachments, clouds, records, tracker
from focus_tui.domain.access import records as visible_records
from focus_tui.domain.attachments import BytesFile
from focus_tui.domain.session import Session, ensure_user
from focus_tui.models import Record
from focus_tui.screens.attach_dialogs import (
    AttachDialog,
    PathInput,
    PicturePreview,
    SaveDialog,
)
from focus_tui.screens.detail import DetailScreen
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.time_entries import ConfirmDialog
from focus_tui.widgets.record_list import RecordList

SIZE = (80, 24)


def said(app: FocusApp) -> str:
    return "\n".join(n.message for n in app._notifications)


def _as(session: Session, name: str) -> Session:
    return Session(
        db=session.db, user=ensure_user(name, session.clock), clock=session.clock
    )


async def attach_by_keys(pilot: Pilot, path: str) -> None:
    """a, the path typed, enter (and for a folder, enter again)."""
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AttachDialog)
    await pilot.press(*path)
    await pilot.press("enter")
    await settle(pilot)
    if os.path.isdir(path):
        await pilot.press("enter")
        await settle(pilot)


async def to_first_file(pilot: Pilot) -> None:
    """In a feed: the cursor onto the first file line (under the record)."""
    from focus_tui.domain.attachments import FileInfo

    for _ in range(5):
        if isinstance(pilot.app.screen.query_one(RecordList).current, FileInfo):
            return
        await pilot.press("down")
    raise AssertionError("no file line in the feed")


async def test_a_attaches_a_file_to_the_focused_activity(session, tmp_path):
    focused = records.create_record(session, "task", "Call Acme")
    other = records.create_record(session, "task", "Other work")
    tracker.focus(session, focused.id)
    offer = tmp_path / "offer.pdf"
    offer.write_bytes(b"%PDF-1.7 " + os.urandom(3000))
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, other.id)  # the cursor elsewhere: focus wins
        await pilot.press("a")
        await settle(pilot)
        text = screen_text(app)
        assert f"Attach to #{focused.id} Call Acme" in text
        assert "(the focused record)" in text
        await pilot.press(*str(offer))
        await pilot.press("enter")
        await settle(pilot)
        assert f"Attached offer.pdf (3 KB) to #{focused.id} “Call Acme”." in said(app)
    [info] = attachments.files(session, focused.id)
    assert info.name == "offer.pdf" and info.media_type == "application/pdf"
    assert info.sha256 == hashlib.sha256(offer.read_bytes()).hexdigest()
    assert attachments.files(session, other.id) == []


async def test_ctrl_t_attaches_to_the_highlighted_record_instead(session, tmp_path):
    focused = records.create_record(session, "task", "Call Acme")
    other = records.create_record(session, "task", "Other work")
    tracker.focus(session, focused.id)
    notes = tmp_path / "notes.txt"
    notes.write_text("bring the samples\n")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, other.id)
        await pilot.press("a", "ctrl+t")
        assert f"Attach to #{other.id} Other work" in screen_text(app)
        await pilot.press(*str(notes), "enter")
        await settle(pilot)
    assert [f.name for f in attachments.files(session, other.id)] == ["notes.txt"]
    assert attachments.files(session, focused.id) == []


async def test_tab_completes_even_when_pressed_right_after_the_text(
    session, tmp_path, monkeypatch
):
    # A quick typist's tab comes before the suggestion shown as they type:
    # here the suggestion never comes.
    from focus_tui.screens import attach_dialogs

    async def too_late(self, value):
        return None

    monkeypatch.setattr(attach_dialogs.PathSuggester, "get_suggestion", too_late)
    focused = records.create_record(session, "task", "Call Acme")
    tracker.focus(session, focused.id)
    (tmp_path / "prices.txt").write_text("price list v2\n")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*str(tmp_path / "pri"), "tab", "enter")
        await settle(pilot)
    assert [f.name for f in attachments.files(session, focused.id)] == ["prices.txt"]


async def test_an_eml_is_imported_as_a_contact_note_under_the_target(session, tmp_path):
    lead = records.create_record(session, "sales_lead", "Fleet deal")
    mail = tmp_path / "offer-reply.eml"
    mail.write_bytes(plain().as_bytes())
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, lead.id)
        await pilot.press("a")
        await pilot.press(*str(mail))
        await settle(pilot)
        assert "e-mail: imported as Contact Notes under" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "1 message for" in said(app) and "1 imported" in said(app)
        # Again: already there, nothing new.
        await attach_by_keys(pilot, str(mail))
        assert "Nothing new" in said(app)
    notes = list(
        visible_records(session).where(
            (Record.parent == lead.id) & (Record.type == CONTACT_NOTE.key)
        )
    )
    assert [n.title for n in notes] == ["Offer for the fleet"]
    kept = attachments.files(session, notes[0].id)
    assert [f.media_type for f in kept] == ["message/rfc822"]


async def test_a_mailbox_with_a_bad_message_imports_the_rest_and_says_so(
    session, tmp_path
):
    from unit.mail_samples import as_mbox

    lead = records.create_record(session, "sales_lead", "Fleet deal")
    box = tmp_path / "inbox"  # no suffix: an mbox by its first line
    box.write_bytes(
        as_mbox(
            plain(message_id="<a@x>"), b"\x00\x01 not mail", plain(message_id="<b@x>")
        )
    )
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, lead.id)
        await attach_by_keys(pilot, str(box))
        text = said(app)
        assert "3 messages" in text and "2 imported" in text and "1 failed" in text


@pytest.mark.parametrize("kind", ["missing", "fifo", "folder", "too big"])
async def test_a_bad_path_says_why_and_stores_nothing(session, tmp_path, db_path, kind):
    lead = records.create_record(session, "sales_lead", "Fleet deal")
    path = tmp_path / "nothing-here.pdf"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "too big":
        folder = tmp_path / "config"
        folder.mkdir()
        (folder / "settings.toml").write_text("[attachments]\nmax_mb = 1\n")
        from focus_tui import config

        config.settings.cache_clear()
        path.write_bytes(b"x" * (2 * 2**20))
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, lead.id)
        await attach_by_keys(pilot, str(path))
        if kind == "folder":  # read as mail (a Maildir, a folder of .eml)
            assert "0 messages" in said(app)
        elif kind == "missing":  # a typo: the dialog stays, the path to mend
            assert isinstance(app.screen, AttachDialog)
            assert "✗ No file" in screen_text(app)
            assert app.screen.query_one(PathInput).value == str(path)
        else:
            expected = {
                "fifo": "is not a regular file",
                "too big": "is too big to attach",
            }[kind]
            assert expected in said(app)
        assert "Traceback" not in said(app)
    assert count_rows(db_path, "attachment") == 0
    assert count_rows(db_path, "blob") == 0


async def test_the_feed_lists_files_and_saves_one_owner_only(session, tmp_path):
    lead = records.create_record(session, "sales_lead", "Fleet deal")
    data = b"delivery plan\n" * 100
    attachments.attach(session, lead.id, [BytesFile("plan.txt", "text/plain", data)])
    attachments.attach(
        session, lead.id, [BytesFile("site.png", "image/png", PHOTO, (64, 48))]
    )
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_feed(pilot, lead.id)
        text = screen_text(app)
        assert "Files (v read · o open · D save) 2" in text
        assert "plan.txt" in text and "1 KB" in text and "tester" in text
        assert "site.png" in text and "64×48" in text and "picture" in text
        await to_first_file(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, SaveDialog)
        # The default: the export folder (Downloads; here the test's folder).
        assert app.screen.query_one(PathInput).value == str(tmp_path / "plan.txt")
        await pilot.press("enter")
        await settle(pilot)
        saved = tmp_path / "plan.txt"
        assert saved.read_bytes() == data
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        # Again: it asks before replacing; n keeps the file as it is.
        saved.write_bytes(b"mine")
        await pilot.press("D", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert saved.read_bytes() == b"mine"
        # Another path, typed: a folder takes the file's own name.
        (tmp_path / "out").mkdir()
        await pilot.press("D", "ctrl+u", *str(tmp_path / "out"), "enter")
        await settle(pilot)
        assert (tmp_path / "out" / "plan.txt").read_bytes() == data
        await pilot.press("D", "enter", "y")
        await settle(pilot)
        assert saved.read_bytes() == data


async def test_a_text_file_and_an_email_are_read_in_the_terminal(session):
    lead = records.create_record(session, "sales_lead", "Fleet deal")
    hostile = "[bold red]not markup[/] \x1b[31mno escape\x1b[0m\tend\n"
    attachments.attach(
        session, lead.id, [BytesFile("notes.txt", "text/plain", hostile.encode())]
    )
    mail = plain(text="The offer is fine.\n")
    attachments.attach(
        session, lead.id, [BytesFile("reply.eml", "message/rfc822", mail.as_bytes())]
    )
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, lead.id)
        await pilot.press("enter")
        await settle(pilot)
        await to_first_file(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        text = screen_text(app)
        assert "[bold red]not markup[/]" in text and "[31mno escape" in text
        assert "\x1b" not in app.screen.body.plain
        await pilot.press("escape", "down", "enter")  # enter reads too
        await settle(pilot)
        text = screen_text(app)
        assert "From: Anna Virtanen <Anna.Virtanen@Example.fi>" in text
        assert "Subject: Offer for the fleet" in text
        assert "The offer is fine." in text


async def test_open_hands_a_private_copy_to_the_opener(session, tmp_path, monkeypatch):
    lead = records.create_record(session, "sales_lead", "Fleet deal")
    attachments.attach(session, lead.id, [BytesFile("plan.txt", "text/plain", b"p")])
    copied = tmp_path / "opened"
    opener = tmp_path / "opener.sh"
    opener.write_text(
        f'#!/bin/sh\nstat -c %a "$1" > "{copied}.mode"\ncp "$1" "{copied}"\n'
    )
    opener.chmod(0o700)
    monkeypatch.setenv("FOCUS_TUI_OPENER", str(opener))
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, lead.id)
        await pilot.press("enter")
        await settle(pilot)
        await to_first_file(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert "Opened plan.txt" in said(app)
        for _ in range(200):  # the opener runs on its own
            if copied.exists() and copied.with_suffix(".mode").exists():
                break
            await pilot.pause(0.02)
        assert copied.read_bytes() == b"p"
        monkeypatch.setenv("FOCUS_TUI_OPENER", str(tmp_path / "no-such-viewer"))
        await pilot.press("o")
        await settle(pilot)
        assert "FOCUS_TUI_OPENER names" in said(app) and "not installed" in said(app)


async def test_a_picture_preview_says_what_this_terminal_can(session, monkeypatch):
    lead = records.create_record(session, "sales_lead", "Fleet deal")
    attachments.attach(
        session, lead.id, [BytesFile("site.png", "image/png", PHOTO, (64, 48))]
    )
    import importlib.util

    real = importlib.util.find_spec
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, lead.id)
        await pilot.press("enter")
        await settle(pilot)
        await to_first_file(pilot)
        monkeypatch.setattr(
            importlib.util,
            "find_spec",
            lambda name, *a: None if name == "textual_image" else real(name, *a),
        )
        await pilot.press("v")
        await settle(pilot)
        assert "pip install 'focus-tui[pictures]'" in said(app)
        monkeypatch.setattr(importlib.util, "find_spec", real)
        if real("textual_image") is not None:
            await pilot.press("v")  # a test has no terminal: no graphics
            await settle(pilot)
            assert "No preview in this terminal" in said(app)


async def test_a_picture_is_shown_where_the_terminal_has_graphics(session, monkeypatch):
    pytest.importorskip("textual_image")
    from focus_tui.screens import attach

    lead = records.create_record(session, "sales_lead", "Fleet deal")
    attachments.attach(
        session, lead.id, [BytesFile("site.png", "image/png", PHOTO, (64, 48))]
    )
    monkeypatch.setattr(attach, "graphics_terminal", lambda app: True)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, lead.id)
        await pilot.press("enter")
        await settle(pilot)
        await to_first_file(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, PicturePreview)
        assert "site.png ·" in screen_text(app) and "64×48" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)


async def test_an_outsider_sees_no_file_lines_a_teammate_does(session):
    clouds.create_cloud(session, "Nordic")
    clouds.add_member(session, "Nordic", "bob")
    lead = records.create_record(session, "sales_lead", "Fjord AB", cloud="Nordic")
    attachments.attach(
        session, lead.id, [BytesFile("price-floor.txt", "text/plain", b"secret")]
    )
    for name, sees in (("bob", True), ("mallory", False)):
        other = _as(session, name)
        app = FocusApp(other)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await app.push_screen(FeedScreen(lead.id))
            await settle(pilot)
            text = screen_text(app)
            assert ("price-floor.txt" in text) is sees
            assert ("Files (" in text) is sees


async def test_a_maildir_folder_is_imported(session, tmp_path):
    lead = records.create_record(session, "sales_lead", "Fleet deal")
    maildir = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.host").write_bytes(plain(message_id="<md-1@x>").as_bytes())
    (maildir / "cur" / "2.host:2,S").write_bytes(
        plain("Re: Offer for the fleet", message_id="<md-2@x>").as_bytes()
    )
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, lead.id)
        # A whole folder: the first enter says how many files, and waits.
        await pilot.press("a", *str(maildir))
        await settle(pilot)
        assert "a folder of 2 files" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttachDialog)
        assert "enter again: the 2 files" in screen_text(app)
        assert not visible_records(session).where(Record.parent == lead.id).count()
        await pilot.press("enter")
        await settle(pilot)
        assert "2 messages" in said(app) and "2 imported" in said(app)
    titles = {
        n.title
        for n in visible_records(session).where(
            (Record.parent == lead.id) & (Record.type == CONTACT_NOTE.key)
        )
    }
    assert titles == {"Offer for the fleet", "Re: Offer for the fleet"}


# -- how it looks at 80×24 (fixed clock, fixed data) ---------------------------------


def _feed_with_files(session):
    lead = records.create_record(session, "sales_lead", "Acme renewal 2027")
    records.create_record(session, "task", "Send proposal draft", parent_id=lead.id)
    attachments.attach(
        session,
        lead.id,
        [
            BytesFile("requirements [draft].txt", "text/plain", b"x" * 2500),
            BytesFile("site.png", "image/png", PHOTO, (64, 48)),
            BytesFile("Offer accepted.eml", "message/rfc822", plain().as_bytes()),
        ],
    )
    return lead


def test_snapshot_feed_with_files(snap_compare, session):
    lead = _feed_with_files(session)

    async def open_feed(pilot: Pilot) -> None:
        await settle(pilot)
        await cursor_to(pilot, lead.id)
        await pilot.press("enter")
        await settle(pilot)
        await to_first_file(pilot)
        await settle(pilot)

    assert snap_compare(FocusApp(session), terminal_size=SIZE, run_before=open_feed)


def test_snapshot_attach_dialog(snap_compare, session, tmp_path, monkeypatch):
    lead = _feed_with_files(session)
    tracker.focus(session, lead.id)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "offer.pdf").write_bytes(b"%PDF-1.7")

    async def dialog(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        for field in pilot.app.screen.query(PathInput):
            field.cursor_blink = False
        await pilot.press(*"offer.pdf")
        await settle(pilot)

    assert snap_compare(FocusApp(session), terminal_size=SIZE, run_before=dialog)


async def test_a_missing_eml_is_said_to_be_missing_not_mail(session, tmp_path):
    lead = records.create_record(session, "sales_lead", "Fleet deal")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, lead.id)
        await attach_by_keys(pilot, str(tmp_path / "offer.eml"))
        assert isinstance(app.screen, AttachDialog)
        text = screen_text(app)
        assert "✗ No file" in text and "imported as Contact Notes" not in text
