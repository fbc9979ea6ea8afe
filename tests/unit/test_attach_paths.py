"""What `a` decides from a path before anything is read: e-mail to import
or a file to attach; paths completed as typed; the system's opener."""

from __future__ import annotations

import os

from focus_tui import config
from focus_tui.importing.mail import is_mail


def test_mail_is_known_by_name_by_first_line_or_as_a_maildir(tmp_path):
    (tmp_path / "reply.EML").write_bytes(b"")
    (tmp_path / "box.mbox").write_bytes(b"")
    (tmp_path / "Inbox").write_bytes(b"From someone Thu Nov 26 2026\nSubject: x\n")
    (tmp_path / "offer.pdf").write_bytes(b"%PDF-1.7")
    for sub in ("cur", "new"):
        (tmp_path / "Mail" / sub).mkdir(parents=True)
    assert is_mail(tmp_path / "reply.EML") and is_mail(tmp_path / "box.mbox")
    assert is_mail(tmp_path / "Inbox") and is_mail(tmp_path / "Mail")
    assert not is_mail(tmp_path / "offer.pdf")
    assert not is_mail(tmp_path / "missing.pdf")  # attaching it says why


def test_any_folder_is_read_as_mail(tmp_path):
    # A Maildir or a folder of .eml files: the reader says what it skipped.
    (tmp_path / "a.eml").write_bytes(b"")
    assert is_mail(tmp_path)


def test_a_fifo_is_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    assert not is_mail(tmp_path / "pipe")  # returns at once: no writer needed


def test_a_path_completes_from_home_and_folders_get_their_slash(tmp_path, monkeypatch):
    from focus_tui.screens.attach_dialogs import _complete, typed_path

    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Downloads").mkdir()
    (tmp_path / "Downloads" / "offer.pdf").write_bytes(b"")
    (tmp_path / ".hidden").write_bytes(b"")
    assert _complete("~/Dow") == "~/Downloads/"
    assert _complete("~/Downloads/o") == "~/Downloads/offer.pdf"
    assert _complete("~/Downloads/offer.pdf") is None  # complete already
    assert _complete("~/") == "~/Downloads/"  # hidden names only when asked
    assert _complete("~/.h") == "~/.hidden"
    assert _complete("~/nothing/x") is None
    assert typed_path(' "~/Downloads/offer.pdf" ') == str(
        tmp_path / "Downloads" / "offer.pdf"
    )


def test_the_opener_is_the_users_else_the_systems(monkeypatch):
    monkeypatch.setenv("FOCUS_TUI_OPENER", "open -a 'Preview App'")
    assert config.opener() == ["open", "-a", "Preview App"]
    monkeypatch.delenv("FOCUS_TUI_OPENER")
    assert config.opener() in (["xdg-open"], ["open"])
