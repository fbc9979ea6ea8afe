"""`focus-tui import FILE…` of what is not e-mail: a picture or any other
file named is attached to the target (--to, else the focused activity),
e-mail in the same call is imported as notes; how each path is told apart;
the progress line on a terminal; an imported message found by search."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json

from conftest import count_rows
from mail_samples import PHOTO, as_mbox, plain, with_picture

from focus_tui import cli
from focus_tui.importing.mail import is_mail


def run_cli(db_path, *args: str, user: str = "tester", tty: bool = False):
    out, err = io.StringIO(), _Terminal() if tty else io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--db", str(db_path), "--user", user, *args])
    return code, out.getvalue(), err.getvalue()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files_of(db_path, record_id: int) -> list[dict]:
    code, out, _ = run_cli(db_path, "files", str(record_id), "--format", "json")
    assert code == 0
    return json.loads(out)


def test_a_picture_goes_to_the_focused_activity_with_its_bytes(db_path, tmp_path):
    run_cli(db_path, "add", "lead", "Fleet deal")
    run_cli(db_path, "add", "task", "Visit the depot")
    run_cli(db_path, "focus", "2")
    photo = tmp_path / "depot.png"
    photo.write_bytes(PHOTO)
    code, out, err = run_cli(db_path, "import", str(photo))
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "1 file for #2:"
    assert "  attached        1" in out and "depot.png (" in out
    assert "imported" not in out  # no e-mail was named: no mail lines
    (stored,) = files_of(db_path, 2)
    assert (stored["name"], stored["type"]) == ("depot.png", "image/png")
    assert stored["sha256"] == sha(PHOTO) and stored["size"] == len(PHOTO)
    assert (stored["width"], stored["height"]) == (64, 48)
    assert files_of(db_path, 1) == []
    assert count_rows(db_path, "imported_mail") == 0


def test_mail_and_a_picture_in_one_call(db_path, tmp_path):
    run_cli(db_path, "add", "lead", "Fleet deal")
    (tmp_path / "offer.eml").write_bytes(with_picture().as_bytes())
    (tmp_path / "inbox.mbox").write_bytes(as_mbox(plain()))
    (tmp_path / "site.png").write_bytes(PHOTO)
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01\x02" * 50)
    paths = [str(tmp_path / n) for n in ("offer.eml", "site.png", "inbox.mbox")]
    code, out, err = run_cli(
        db_path, "import", *paths, str(tmp_path / "notes.bin"), "--to", "1"
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "2 messages and 2 files for #1:"
    assert "  imported        2" in out and "  attached        2" in out
    assert "Attached:" in out and "site.png (" in out and "notes.bin (150 B)" in out
    on_lead = files_of(db_path, 1)
    assert [f["name"] for f in on_lead] == ["site.png", "notes.bin"]
    assert on_lead[0]["sha256"] == sha(PHOTO)
    assert on_lead[1]["type"] == "application/octet-stream"
    # The e-mails are notes under the lead, each with its own files.
    code, out, _ = run_cli(
        db_path, "import", *paths[::2], "--to", "1", "--format", "json"
    )
    report = json.loads(out)
    assert report["already_there"] == 2 and report["attached"] == []
    notes = {m["note"] for m in report["messages"]}
    assert len(notes) == 2
    for note in notes:
        assert all(f["name"] != "site.png" for f in files_of(db_path, note))


def test_json_lists_what_was_attached(db_path, tmp_path):
    run_cli(db_path, "add", "lead", "Fleet deal")
    (tmp_path / "van.png").write_bytes(PHOTO)
    code, out, _ = run_cli(
        db_path, "import", str(tmp_path / "van.png"), "--to", "1", "--format", "json"
    )
    report = json.loads(out)
    (attached,) = report["attached"]
    assert attached["name"] == "van.png" and attached["sha256"] == sha(PHOTO)
    assert report["target"] == 1 and report["messages"] == []


def test_nothing_focused_and_no_target_is_one_line_and_nothing_stored(
    db_path, tmp_path
):
    run_cli(db_path, "add", "lead", "Fleet deal")
    (tmp_path / "van.png").write_bytes(PHOTO)
    (tmp_path / "a.eml").write_bytes(plain().as_bytes())
    for paths in (["van.png"], ["a.eml", "van.png"]):
        code, out, err = run_cli(db_path, "import", *[str(tmp_path / p) for p in paths])
        assert code == 2 and out == ""
        assert "Import into which record? Give --to ID, or focus" in err
        assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert count_rows(db_path, "attachment") == 0
    assert count_rows(db_path, "imported_mail") == 0


def test_a_bad_file_stops_everything_before_anything_is_written(db_path, tmp_path):
    from focus_tui import config

    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "settings.toml").write_text("[attachments]\nmax_mb = 1\n")
    config.settings.cache_clear()
    run_cli(db_path, "add", "lead", "Fleet deal")
    (tmp_path / "a.eml").write_bytes(plain().as_bytes())
    (tmp_path / "film.mp4").write_bytes(b"\0" * (2**20 + 1))
    for missing, message in (
        ("film.mp4", "film.mp4 is too big to attach"),
        ("nope.png", "There is no file"),
    ):
        code, out, err = run_cli(
            db_path,
            "import",
            str(tmp_path / "a.eml"),
            str(tmp_path / missing),
            "--to",
            "1",
        )
        assert code == 2 and out == "" and message in err
    assert count_rows(db_path, "imported_mail") == 0
    assert count_rows(db_path, "attachment") == 0


def test_a_file_named_as_mail_that_is_not_mail_fails_with_its_reason(db_path, tmp_path):
    run_cli(db_path, "add", "lead", "Fleet deal")
    (tmp_path / "junk.eml").write_bytes(b"\x00\x01\x02" * 50)
    code, out, _ = run_cli(db_path, "import", str(tmp_path / "junk.eml"), "--to", "1")
    assert code == 0
    assert "  failed          1" in out and "attached" not in out
    assert "junk.eml: not an e-mail: it holds binary data." in out
    assert count_rows(db_path, "attachment") == 0


def test_which_paths_are_read_as_mail(tmp_path):
    maildir_file = tmp_path / "1733200000.M1P2.host:2,S"  # a name that says nothing
    maildir_file.write_bytes(plain().as_bytes())
    cases = {
        "a.eml": plain().as_bytes(),
        "box.mbox": as_mbox(plain()),
        "junk.eml": b"\x00\x01",  # named as mail: the reader says why it is not
        "inbox": as_mbox(plain()),  # no name: an mbox's From line
        "van.png": PHOTO,
        "van": PHOTO,  # no name: the content is no mail
        "notes.txt": b"Subject: my notes\n\nnamed as text: attached\n",
        "readme": b"Hello,\nthese are notes, not mail.\n",
        "empty": b"",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    said = {name: is_mail(tmp_path / name) for name in cases}
    assert said == {
        "a.eml": True,
        "box.mbox": True,
        "junk.eml": True,
        "inbox": True,
        "van.png": False,
        "van": False,
        "notes.txt": False,
        "readme": False,
        "empty": False,
    }
    assert is_mail(maildir_file) and is_mail(tmp_path)  # a folder: mail


def test_the_progress_line_shows_on_a_terminal_only(db_path, tmp_path):
    run_cli(db_path, "add", "lead", "Fleet deal")
    (tmp_path / "inbox.mbox").write_bytes(
        as_mbox(*(plain(f"m{n}", message_id=f"<{n}@x>") for n in range(3)))
    )
    args = ("import", str(tmp_path / "inbox.mbox"), "--to", "1")
    code, out, err = run_cli(db_path, *args, tty=True)
    assert code == 0 and "imported        3" in out
    assert err.startswith("\rImporting: 1 messages, ")
    assert " MB read (1 imported)" in err
    assert err.endswith("\r\x1b[K")  # the line is cleared before the summary
    code, out, err = run_cli(db_path, *args)
    assert code == 0 and err == ""


def test_an_imported_message_is_found_by_search_with_its_people_and_files(
    db_path, tmp_path
):
    run_cli(db_path, "add", "lead", "Fleet deal")
    msg = with_picture()
    (tmp_path / "van.eml").write_bytes(msg.as_bytes())
    code, out, _ = run_cli(
        db_path, "import", str(tmp_path / "van.eml"), "--to", "1", "--format", "json"
    )
    note = json.loads(out)["messages"][0]["note"]
    # Found by a word of its subject and of its text, and its sender by name.
    for words, wanted in (
        (("damaged", "van"), note),
        (("picture",), note),
    ):
        code, out, _ = run_cli(db_path, "search", *words, "--format", "json")
        assert code == 0 and wanted in [row["id"] for row in json.loads(out)], words
    code, out, _ = run_cli(db_path, "search", "virtanen", "--format", "json")
    (anna,) = json.loads(out)
    assert anna["title"] == "Anna Virtanen"
    code, out, _ = run_cli(db_path, "show", str(note))
    assert "participants: Anna Virtanen, Ben Berg, Tester" in out
    assert "tagged Anna Virtanen" in out and "created" in out  # its history
    names = [(f["name"], f["type"]) for f in files_of(db_path, note)]
    assert names == [
        ("van.png", "image/png"),
        ("The damaged van.eml", "message/rfc822"),
    ]
    # Nobody else finds it.
    code, out, _ = run_cli(db_path, "search", "damaged", "--user", "mallory")
    assert "damaged" not in out.lower()
