"""Files on records: stored in the database once per content, in chunks,
seen by whoever sees the record, saved owner-only, refused past the limit."""

from __future__ import annotations

import hashlib
import os
import stat
from io import BytesIO

import pytest
from conftest import count_rows

from focus_tui import config
from focus_tui.core.errors import NotFound, UserError
from focus_tui.domain import attachments, clouds, records
from focus_tui.domain.attachments import BytesFile
from focus_tui.domain.session import Session, ensure_user
from focus_tui.importing.files import local_file
from focus_tui.views.feed import feed_page


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _as(session: Session, name: str) -> Session:
    return Session(
        db=session.db, user=ensure_user(name, session.clock), clock=session.clock
    )


@pytest.fixture
def lead(session):
    return records.create_record(session, "sales_lead", "Acme Oy")


def test_a_file_is_stored_whole_and_comes_back_byte_for_byte(
    session, lead, tmp_path, db_path
):
    # Three chunks and a bit: the pieces must join in order.
    data = os.urandom(3 * attachments.CHUNK + 12345)
    path = tmp_path / "offer.pdf"
    path.write_bytes(data)

    [info] = attachments.attach(session, lead.id, [local_file(path)])

    assert info.name == "offer.pdf"
    assert info.media_type == "application/pdf"
    assert info.size == len(data)
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.added_by == "tester"
    assert count_rows(db_path, "blob_chunk") == 4
    saved = attachments.save_file(session, info.id, tmp_path / "back.pdf")
    assert saved.read_bytes() == data
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert [f.id for f in attachments.files(session, lead.id)] == [info.id]


def test_the_same_content_twice_is_stored_once(session, lead, tmp_path, db_path):
    other = records.create_record(session, "task", "Send the brochure")
    path = tmp_path / "brochure.txt"
    path.write_text("Acme brochure\n" * 1000)

    first = attachments.attach(session, lead.id, [local_file(path)])[0]
    second = attachments.attach(session, other.id, [local_file(path)])[0]

    assert first.sha256 == second.sha256 and first.id != second.id
    assert count_rows(db_path, "blob") == 1
    # Deleting one keeps the content for the other; deleting both frees it.
    attachments.delete_file(session, first.id)
    assert count_rows(db_path, "blob") == 1
    assert attachments.read_text(session, second.id).startswith("Acme brochure")
    attachments.delete_file(session, second.id)
    assert count_rows(db_path, "blob") == 0
    assert count_rows(db_path, "blob_chunk") == 0


def test_a_picture_has_its_dimensions(session, lead, tmp_path):
    path = tmp_path / "site.png"
    path.write_bytes(_png(640, 480))
    [info] = attachments.attach(session, lead.id, [local_file(path)])
    assert info.is_picture
    assert (info.width, info.height) == (640, 480)
    assert "640×480" in info.size_text


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(
    session, lead, tmp_path, db_path
):
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    (folder / "settings.toml").write_text("[attachments]\nmax_mb = 1\n")
    config.settings.cache_clear()
    small = tmp_path / "small.txt"
    small.write_text("fine")
    big = tmp_path / "video.bin"
    big.write_bytes(b"\0" * (2**20 + 1))

    with pytest.raises(UserError, match=r"too big to attach .*limit is 1\.0 MB"):
        attachments.attach(session, lead.id, [local_file(small), local_file(big)])

    # Checked before anything was stored: not even the small one.
    assert count_rows(db_path, "attachment") == 0
    assert count_rows(db_path, "blob") == 0


def test_the_default_limit_is_25_mb():
    assert config.attachment_limit() == 25 * 2**20


def test_a_file_that_grows_while_attached_is_refused(session, lead, db_path):
    class Growing:
        name = "log.txt"
        media_type = "text/plain"
        size = 5
        picture_size = None
        calls = 0

        def chunks(self):
            Growing.calls += 1
            yield b"hello" * Growing.calls  # longer the second time

    with pytest.raises(UserError, match="changed while it was being attached"):
        attachments.attach(session, lead.id, [Growing()])
    assert count_rows(db_path, "blob") == 0
    assert count_rows(db_path, "attachment") == 0


def test_an_outsider_sees_gets_and_deletes_nothing(session, lead, tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("the price we can go down to")
    [info] = attachments.attach(session, lead.id, [local_file(path)])
    mallory = _as(session, "mallory")

    with pytest.raises(NotFound):
        attachments.files(mallory, lead.id)
    with pytest.raises(NotFound, match=f"no attachment {info.id} that you can see"):
        attachments.file_info(mallory, info.id)
    with pytest.raises(NotFound):
        attachments.save_file(mallory, info.id, tmp_path / "stolen.txt")
    with pytest.raises(NotFound):
        attachments.delete_file(mallory, info.id)
    with pytest.raises(NotFound):
        attachments.attach(mallory, lead.id, [local_file(path)])
    assert not (tmp_path / "stolen.txt").exists()
    assert attachments.file_counts(mallory, [lead.id]) == {}
    assert attachments.file_counts(session, [lead.id]) == {lead.id: 1}


def test_a_team_member_sees_the_files_and_a_removed_one_no_longer(session, tmp_path):
    clouds.create_cloud(session, "Nordic")
    clouds.add_member(session, "Nordic", "bob")
    bob = _as(session, "bob")
    lead = records.create_record(session, "sales_lead", "Fjord AB", cloud="Nordic")
    path = tmp_path / "plan.txt"
    path.write_text("delivery plan")
    [info] = attachments.attach(session, lead.id, [local_file(path)])

    assert attachments.read_text(bob, info.id) == "delivery plan"
    clouds.remove_member(session, "Nordic", "bob")
    with pytest.raises(NotFound):
        attachments.read_text(bob, info.id)


def test_the_feed_history_says_what_was_attached_and_removed(session, lead):
    info = attachments.attach(
        session, lead.id, [BytesFile("terms.txt", "text/plain", b"x" * 2048)]
    )[0]
    attachments.delete_file(session, info.id)
    lines = [i.text for i in feed_page(session, lead.id, 0, 50) if hasattr(i, "text")]
    assert any("attached terms.txt (2 KB)" in line for line in lines)
    assert any("removed file terms.txt (2 KB)" in line for line in lines)


def test_saving_keeps_an_existing_file_unless_forced(session, lead, tmp_path):
    [info] = attachments.attach(
        session, lead.id, [BytesFile("a.txt", "text/plain", b"new")]
    )
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")
    with pytest.raises(UserError, match="exists already"):
        attachments.save_file(session, info.id, target)
    assert target.read_bytes() == b"old"
    attachments.save_file(session, info.id, target, force=True)
    assert target.read_bytes() == b"new"
    # A folder: saved inside it under the file's own name.
    folder = tmp_path / "out"
    folder.mkdir()
    assert attachments.save_file(session, info.id, folder) == folder / "a.txt"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.txt", "There is no file"),
        (lambda p: p, "is a folder"),
    ],
)
def test_a_path_that_is_no_file_is_a_clear_message(tmp_path, make, message):
    with pytest.raises(UserError, match=message):
        local_file(make(tmp_path))


def test_an_unreadable_file_is_a_clear_message(tmp_path):
    if os.geteuid() == 0:
        path = "/proc/self/mem"  # root reads anything; this one no one opens
    else:
        path = tmp_path / "locked.txt"
        path.write_text("x")
        path.chmod(0)
    with pytest.raises(UserError):
        local_file(path)


def test_an_empty_file_is_stored_and_saved_empty(session, lead, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    [info] = attachments.attach(session, lead.id, [local_file(path)])
    assert info.size == 0
    assert attachments.save_file(session, info.id, tmp_path / "e2").read_bytes() == b""


def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match="is not a regular file"):
        local_file(fifo)  # a blocking open would hang here for ever
