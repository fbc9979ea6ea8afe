"""`focus-tui attach | files | file get | file delete`: the same store as the
TUI, one clear line for every mistake, nothing stored on a refusal."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import stat

from conftest import count_rows

from focus_tui import cli


def run_cli(db_path, *args: str, user: str = "tester") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--db", str(db_path), "--user", user, *args])
    return code, out.getvalue(), err.getvalue()


def test_attach_list_get_and_delete(db_path, tmp_path):
    assert run_cli(db_path, "add", "lead", "Acme Oy")[0] == 0
    offer = tmp_path / "offer.pdf"
    offer.write_bytes(b"%PDF-1.7 " + os.urandom(5000))
    notes = tmp_path / "notes.txt"
    notes.write_text("call back on Friday\n")

    code, out, err = run_cli(db_path, "attach", "1", str(offer), str(notes))
    assert (code, err) == (0, "")
    ids = [int(line.split("\t")[0]) for line in out.splitlines()]
    assert len(ids) == 2 and "offer.pdf (5 KB)" in out

    code, out, _ = run_cli(db_path, "files", "1", "--format", "json")
    listed = json.loads(out)
    assert [f["name"] for f in listed] == ["offer.pdf", "notes.txt"]
    assert listed[0]["sha256"] == hashlib.sha256(offer.read_bytes()).hexdigest()
    assert listed[0]["type"] == "application/pdf" and listed[0]["added_by"] == "tester"
    assert listed[1]["size"] == len("call back on Friday\n")
    code, out, _ = run_cli(db_path, "files", "1")
    assert "ID" in out and "offer.pdf" in out and "notes.txt" in out

    target = tmp_path / "copy.pdf"
    code, out, _ = run_cli(db_path, "file", "get", str(ids[0]), "--out", str(target))
    assert code == 0 and target.read_bytes() == offer.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    code, _, err = run_cli(db_path, "file", "get", str(ids[0]), "--out", str(target))
    assert code == 2 and "exists already" in err

    code, out, _ = run_cli(db_path, "file", "delete", str(ids[0]))
    assert code == 0 and "Removed offer.pdf from #1." in out
    code, out, _ = run_cli(db_path, "files", "1", "--format", "json")
    assert [f["name"] for f in json.loads(out)] == ["notes.txt"]


def test_a_file_over_the_limit_is_one_line_and_nothing_is_stored(db_path, tmp_path):
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "settings.toml").write_text("[attachments]\nmax_mb = 1\n")
    from focus_tui import config

    config.settings.cache_clear()
    assert run_cli(db_path, "add", "lead", "Acme Oy")[0] == 0
    big = tmp_path / "film.mp4"
    big.write_bytes(b"\0" * (2**20 + 1))
    code, out, err = run_cli(db_path, "attach", "1", str(big))
    assert code == 2 and out == ""
    assert "film.mp4 is too big to attach (1.0 MB; the limit is 1.0 MB" in err
    assert len(err.strip().splitlines()) == 1
    assert count_rows(db_path, "attachment") == 0


def test_mistakes_are_one_clear_line(db_path, tmp_path):
    assert run_cli(db_path, "add", "lead", "Acme Oy")[0] == 0
    for args, message in (
        (("attach", "1", str(tmp_path / "nope.txt")), "There is no file"),
        (("attach", "1", str(tmp_path)), "is a folder"),
        (("attach", "99", str(tmp_path)), "is a folder"),  # the files are checked
        (("files", "99"), "There is no record #99 that you can see."),
        (("file", "get", "7", "--out", str(tmp_path)), "no attachment 7"),
        (("file", "delete", "x1"), "'x1' is not an attachment id"),
    ):
        code, out, err = run_cli(db_path, *args)
        assert code == 2, args
        assert message in err, (args, err)
        assert "Traceback" not in err


def test_an_outsider_gets_none_of_the_files(db_path, tmp_path):
    assert run_cli(db_path, "add", "lead", "Secret deal")[0] == 0
    plan = tmp_path / "plan.txt"
    plan.write_text("our lowest price")
    code, out, _ = run_cli(db_path, "attach", "1", str(plan))
    attachment = out.split("\t")[0]
    stolen = tmp_path / "stolen.txt"
    for args in (
        ("files", "1"),
        ("file", "get", attachment, "--out", str(stolen)),
        ("file", "delete", attachment),
        ("attach", "1", str(plan)),
    ):
        code, out, err = run_cli(db_path, *args, user="mallory")
        assert code == 2 and "that you can see" in err, (args, err)
        assert "our lowest price" not in out + err
    assert not stolen.exists()
    assert count_rows(db_path, "attachment") == 1
