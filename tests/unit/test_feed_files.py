"""A feed as the TUI lists it: the record's files first, then its feed,
each read a page at a time; `@` narrows the files to one person's."""

from __future__ import annotations

from focus_tui.domain import attachments, clouds, records
from focus_tui.domain.attachments import BytesFile, FileInfo
from focus_tui.domain.session import Session, ensure_user
from focus_tui.views import feed
from focus_tui.views.listing import RecordRow


def test_pages_run_from_the_files_into_the_feed(session):
    lead = records.create_record(session, "sales_lead", "Fleet deal")
    for i in range(3):
        records.create_record(session, "task", f"Task {i}", parent_id=lead.id)
    attachments.attach(
        session,
        lead.id,
        [BytesFile(f"f{i}.txt", "text/plain", b"%d" % i) for i in range(5)],
    )
    files = feed.file_count(session, lead.id)
    total = files + feed.feed_count(session, lead.id)
    whole = feed.feed_and_files(session, lead.id, 0, 100, files)
    assert len(whole) == total and files == 5
    assert [i.name for i in whole[:5]] == [f"f{i}.txt" for i in range(5)]
    assert all(not isinstance(i, FileInfo) for i in whole[5:])
    # Pages of 2 across the boundary give the same items in the same order.
    paged = []
    for start in range(0, total, 2):
        paged += feed.feed_and_files(session, lead.id, start, 2, files)
    assert [getattr(i, "id", None) for i in paged] == [i.id for i in whole]
    assert sum(isinstance(i, RecordRow) for i in paged) == 3


def test_one_persons_files(session):
    clouds.create_cloud(session, "Nordic")
    clouds.add_member(session, "Nordic", "bob")
    bob = Session(
        db=session.db, user=ensure_user("bob", session.clock), clock=session.clock
    )
    lead = records.create_record(session, "sales_lead", "Fjord AB", cloud="Nordic")
    attachments.attach(session, lead.id, [BytesFile("mine.txt", "text/plain", b"1")])
    attachments.attach(bob, lead.id, [BytesFile("bobs.txt", "text/plain", b"2")])
    assert feed.file_count(session, lead.id) == 2
    assert feed.file_count(session, lead.id, bob.user.id) == 1
    [only] = feed.feed_and_files(session, lead.id, 0, 1, 1, bob.user.id)
    assert only.name == "bobs.txt"
