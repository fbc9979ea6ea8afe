"""Clouds, members, moving records between clouds, actors, `who` and `show`.

Three users on one database: alice owns "East" (bob is a member), bob owns
"West" (carol is a member), and each has a private cloud.
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from datetime import timedelta

import pytest

from focus_tui import cli
from focus_tui.core.errors import NotFound, UserError
from focus_tui.domain import clouds, records, sales, tracker
from focus_tui.domain.access import get_record
from focus_tui.domain.session import Session, ensure_user
from focus_tui.models import RecordActor, Sale
from focus_tui.views.agenda import bucket_counts, fetch_page


def as_user(session: Session, name: str) -> Session:
    return Session(
        db=session.db, user=ensure_user(name, session.clock), clock=session.clock
    )


@dataclass
class Team:
    alice: Session
    bob: Session
    carol: Session
    east_lead: int
    east_task: int
    west_task: int
    alice_private: int


@pytest.fixture
def team(session) -> Team:
    alice, bob, carol = (as_user(session, n) for n in ("alice", "bob", "carol"))
    clouds.create_cloud(alice, "East")
    clouds.add_member(alice, "East", "bob")
    clouds.create_cloud(bob, "West")
    clouds.add_member(bob, "west", "carol")
    lead = records.create_record(alice, "sales_lead", "Acme", cloud="East")
    task = records.create_record(alice, "task", "Call Acme", parent_id=lead.id)
    west = records.create_record(bob, "task", "West task", cloud="West")
    private = records.create_record(alice, "task", "Alice's own")
    return Team(alice, bob, carol, lead.id, task.id, west.id, private.id)


def main_view(session: Session) -> list[str]:
    dated = sum(
        count for bucket, count in bucket_counts(session) if bucket.name != "NO_DATE"
    )
    return [row.title for row in fetch_page(session, 0, 100, dated)]


def visible(session: Session, *ids: int) -> list[bool]:
    found = []
    for rid in ids:
        try:
            get_record(session, rid)
            found.append(True)
        except NotFound:
            found.append(False)
    return found


def test_members_see_a_clouds_records_and_nobody_else_does(team):
    ids = (team.east_lead, team.east_task, team.west_task, team.alice_private)
    assert visible(team.alice, *ids) == [True, True, False, True]
    assert visible(team.bob, *ids) == [True, True, True, False]
    assert visible(team.carol, *ids) == [False, False, True, False]


def test_list_clouds_gives_each_user_their_own_with_their_role(team):
    listed = {c.name: (c.role, c.members) for c in clouds.list_clouds(team.bob)}
    assert listed == {
        "East": ("member", 2),
        "West": ("owner", 2),
        "bob (private)": ("owner", 1),
    }
    names = [c.name for c in clouds.list_clouds(team.carol)]
    assert names == ["West", "carol (private)"]


def test_only_owners_manage_a_cloud(team):
    for attempt in (
        lambda: clouds.add_member(team.bob, "East", "carol"),
        lambda: clouds.remove_member(team.bob, "East", "alice"),
        lambda: clouds.rename_cloud(team.bob, "East", "Mine now"),
        lambda: clouds.archive_cloud(team.bob, "East"),
    ):
        with pytest.raises(UserError, match="Only an owner of East"):
            attempt()
    # Carol is in no cloud called East: the same answer as for no such cloud.
    with pytest.raises(UserError, match="not a member of a cloud called 'East'"):
        clouds.add_member(team.carol, "East", "carol")
    assert [m.name for m in clouds.cloud_members(team.alice, "East")] == [
        "alice",
        "bob",
    ]


def test_a_private_cloud_is_never_shared_renamed_or_archived(team):
    for attempt in (
        lambda: clouds.add_member(team.alice, "alice (private)", "bob"),
        lambda: clouds.rename_cloud(team.alice, "alice (private)", "Shared"),
        lambda: clouds.archive_cloud(team.alice, "alice (private)"),
    ):
        with pytest.raises(UserError, match="private cloud"):
            attempt()
    with pytest.raises(UserError, match="kept for private clouds"):
        clouds.create_cloud(team.bob, "alice (Private)")


def test_cloud_names_are_unique_whatever_their_case(team):
    with pytest.raises(UserError, match="already"):
        clouds.create_cloud(team.carol, "east")
    with pytest.raises(UserError, match="already"):
        clouds.rename_cloud(team.bob, "West", "EAST")
    assert clouds.rename_cloud(team.bob, "West", "west ").name == "west"
    assert clouds.rename_cloud(team.bob, "west", "West Coast").name == "West Coast"
    assert visible(team.carol, team.west_task) == [True]


def test_the_last_owner_can_neither_leave_nor_be_removed(team):
    with pytest.raises(UserError, match="last owner"):
        clouds.remove_member(team.alice, "East", "alice")
    with pytest.raises(UserError, match="last owner"):
        clouds.add_member(team.alice, "East", "alice")  # as a plain member
    clouds.add_member(team.alice, "East", "bob", owner=True)
    clouds.remove_member(team.alice, "East", "alice")  # now she may leave
    assert visible(team.alice, team.east_lead) == [False]
    assert [(m.name, m.role) for m in clouds.cloud_members(team.bob, "East")] == [
        ("bob", "owner")
    ]


def test_a_member_may_leave_and_a_removed_member_sees_nothing_more(team):
    clouds.remove_member(team.carol, "West", "carol")  # carol leaves
    assert visible(team.carol, team.west_task) == [False]
    clouds.remove_member(team.alice, "East", "bob")
    assert visible(team.bob, team.east_lead, team.east_task) == [False, False]
    with pytest.raises(NotFound):
        records.set_finished(team.bob, team.east_task, True)


def test_an_archived_cloud_is_hidden_read_only_and_comes_back_whole(team):
    sold_before = Sale.select().count()
    clouds.archive_cloud(team.alice, "East")
    assert visible(team.alice, team.east_lead, team.east_task) == [False, False]
    assert visible(team.bob, team.east_lead) == [False]
    with pytest.raises(NotFound):
        records.set_finished(team.alice, team.east_task, True)
    with pytest.raises(UserError, match="not a member of a cloud called 'East'"):
        records.create_record(team.alice, "task", "x", cloud="East")
    assert [c.name for c in clouds.list_clouds(team.alice)] == ["alice (private)"]
    archived = clouds.list_clouds(team.alice, archived=True)
    assert [(c.name, c.archived) for c in archived][0] == ("East", True)
    assert [m.name for m in clouds.cloud_members(team.alice, "East")] == [
        "alice",
        "bob",
    ]
    clouds.unarchive_cloud(team.alice, "East")
    assert visible(team.bob, team.east_lead, team.east_task) == [True, True]
    assert Sale.select().count() == sold_before


def test_moving_a_record_moves_its_whole_tree_and_its_copies(team):
    proposal = records.create_record(
        team.alice, "sales_proposal", "Offer", parent_id=team.east_lead
    )
    ids = clouds.move_to_cloud(team.alice, team.east_lead, "alice (private)")
    assert sorted(ids) == sorted([team.east_lead, team.east_task, proposal.id])
    assert visible(team.bob, team.east_lead, team.east_task, proposal.id) == [
        False,
        False,
        False,
    ]
    private = get_record(team.alice, team.alice_private).cloud_id
    assert {
        a.cloud_id for a in RecordActor.select().where(RecordActor.record.in_(ids))
    } == {private}
    assert Sale.get(Sale.record == proposal.id).cloud_id == private
    # The main view (the copied columns) follows at once.
    assert "Call Acme" in main_view(team.alice)


def test_moving_needs_both_clouds_and_the_top_record(team):
    with pytest.raises(UserError, match=f"move #{team.east_lead}"):
        clouds.move_to_cloud(team.alice, team.east_task, "alice (private)")
    with pytest.raises(UserError, match="not a member of a cloud called 'West'"):
        clouds.move_to_cloud(team.alice, team.east_lead, "West")
    with pytest.raises(NotFound):
        clouds.move_to_cloud(team.carol, team.east_lead, "West")
    with pytest.raises(UserError, match="already"):
        clouds.move_to_cloud(team.alice, team.east_lead, "East")
    clouds.move_to_cloud(team.bob, team.east_lead, "West")  # bob is in both
    assert visible(team.carol, team.east_lead, team.east_task) == [True, True]
    assert visible(team.alice, team.east_lead) == [False]


def test_an_actor_gets_the_activity_in_their_main_view(team):
    assert "Call Acme" not in main_view(team.bob)
    clouds.add_actor(team.alice, team.east_task, "bob")
    assert "Call Acme" in main_view(team.bob)
    with pytest.raises(UserError, match="already an actor"):
        clouds.add_actor(team.bob, team.east_task, "bob")
    with pytest.raises(UserError, match="not a member of the cloud"):
        clouds.add_actor(team.alice, team.east_task, "carol")
    person = records.create_record(team.alice, "contact_person", "Anna", cloud="East")
    with pytest.raises(UserError, match="only activities have actors"):
        clouds.add_actor(team.alice, person.id, "bob")
    clouds.remove_actor(team.bob, team.east_task, "alice")
    with pytest.raises(UserError, match="no actor"):
        clouds.remove_actor(team.bob, team.east_task, "bob")
    assert "Call Acme" not in main_view(team.alice)
    history = [e.kind for e in get_record(team.alice, team.east_task).events]
    assert history.count("actor_added") == 1 and history.count("actor_removed") == 1


def test_who_shows_a_teammates_focus_only_on_shared_records(team):
    tracker.focus(team.alice, team.east_task)
    assert [(f.user_name, f.record_id) for f in tracker.team_focus(team.bob)] == [
        ("alice", team.east_task)
    ]
    assert tracker.team_focus(team.carol) == []
    tracker.focus(team.alice, team.alice_private)
    assert tracker.team_focus(team.bob) == []  # her private work is hers
    assert [f.record_id for f in tracker.team_focus(team.alice)] == [team.alice_private]
    tracker.unfocus(team.alice)
    assert tracker.team_focus(team.alice) == []


def run_cli(db_path, user: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["--db", str(db_path), "--user", user, *args])
    return status, out.getvalue(), err.getvalue()


def test_show_gives_what_the_feed_shows(team, db_path):
    clouds.add_actor(team.alice, team.east_task, "bob")
    tracker.focus(team.bob, team.east_task)
    sales_id = records.create_record(
        team.alice, "sales_proposal", "Offer", parent_id=team.east_lead
    ).id
    from decimal import Decimal

    from focus_tui.core.money import Terms

    sales.set_terms(team.alice, sales_id, Terms(Decimal("1200"), None, "SEK"))
    status, out, err = run_cli(
        db_path, "bob", "show", str(team.east_lead), "--format", "json"
    )
    assert status == 0, err
    shown = json.loads(out)
    assert shown["title"] == "Acme" and shown["cloud"] == "East"
    assert {c["title"] for c in shown["children"]} == {"Call Acme", "Offer"}
    assert shown["history"][-1]["text"] == "created"
    status, out, _ = run_cli(db_path, "bob", "show", str(sales_id), "--format", "json")
    assert json.loads(out)["sale"]["sums"] == "1 200 SEK"
    status, out, _ = run_cli(db_path, "bob", "show", str(team.east_task))
    assert "actors: alice, bob" in out and "focused now: bob" in out
    assert "bob became an actor" in out
    status, _, err = run_cli(db_path, "carol", "show", str(team.east_lead))
    assert status == 2 and "no record" in err


def test_the_cli_permission_matrix(team, db_path):
    """Each user's reads show exactly the records of their clouds; each
    write on a record outside them is refused the same way as a missing id."""
    tracker.focus(team.alice, team.east_task)
    tracker.focus(team.bob, team.west_task)
    expected = {
        "alice": {"Acme", "Call Acme", "Alice's own"},
        "bob": {"Acme", "Call Acme", "West task"},
        "carol": {"West task"},
    }
    every = {"Acme", "Call Acme", "West task", "Alice's own"}
    for user, titles in expected.items():
        status, out, err = run_cli(db_path, user, "list", "--all", "--format", "json")
        assert status == 0, err
        assert {r["title"] for r in json.loads(out)} == titles, user
        status, out, _ = run_cli(db_path, user, "who", "--format", "json")
        assert {r["title"] for r in json.loads(out)} <= titles
        for report in ("phases", "pipeline", "stats"):
            status, out, _ = run_cli(
                db_path, user, "report", report, "--format", "json"
            )
            assert status == 0
            assert not {t for t in every - titles if t in out}, (user, report)
        status, out, _ = run_cli(db_path, user, "cloud", "list", "--format", "json")
        assert status == 0
        for rid, title in (
            (team.east_task, "Call Acme"),
            (team.west_task, "West task"),
            (team.alice_private, "Alice's own"),
        ):
            allowed = title in titles
            for command in (
                ["show", str(rid)],
                ["finish", str(rid)],
                ["unfinish", str(rid)],
            ):
                status, out, err = run_cli(db_path, user, *command)
                if allowed:
                    assert status == 0, (user, command, err)
                else:
                    assert status == 2 and f"no record #{rid} that you can see" in err
                    assert title not in out
    # Nobody wrote into a cloud they are not in: the history says who did what.
    status, out, _ = run_cli(
        db_path, "bob", "show", str(team.west_task), "--format", "json"
    )
    writers = {e["user"] for e in json.loads(out)["history"]}
    assert writers <= {"bob", "carol"}


def test_a_clouds_feed_is_everything_in_it_newest_first(team, db_path):
    from focus_tui.core.clock import Clock
    from focus_tui.views.feed import CloudFeedSettings, cloud_feed

    later = Clock(
        zone=team.bob.clock.zone, fixed=team.bob.clock.now() + timedelta(hours=1)
    )
    bob_later = Session(db=team.bob.db, user=team.bob.user, clock=later)
    note = records.create_record(bob_later, "contact_note", "Met Acme", cloud="East")
    records.set_finished(team.alice, team.east_task, True)
    east = get_record(team.alice, team.east_lead).cloud_id

    def titles(session, **settings) -> list[str]:
        page = cloud_feed(session, east, CloudFeedSettings(**settings), 0, 50)
        return [row.title for row in page]

    assert titles(team.bob) == ["Met Acme", "Call Acme", "Acme"]
    assert titles(team.bob, types=("task",)) == ["Call Acme"]
    assert titles(team.bob, finished=False) == ["Acme"]  # the note is logged, done
    assert titles(team.bob, actor_id=team.bob.user_id) == ["Met Acme"]
    assert titles(team.carol) == []  # not her cloud
    assert note.id
    status, out, err = run_cli(db_path, "carol", "feed", "East")
    assert status == 2 and "not a member" in err
    status, out, _ = run_cli(
        db_path, "bob", "feed", "east", "--actor", "me", "--format", "json"
    )
    assert [r["title"] for r in json.loads(out)] == ["Met Acme"]


def test_focused_time_of_a_shared_cloud_leaves_a_removed_members_reports(team):
    from conftest import advance

    from focus_tui.views.reports import phase_totals

    tracker.focus(team.alice, team.east_task)
    advance(team.alice, minutes=30)
    tracker.unfocus(team.alice)

    def seconds(session: Session) -> int:
        return sum(row.seconds for row in phase_totals(session))

    assert seconds(team.bob) == 30 * 60
    clouds.remove_member(team.alice, "East", "bob")
    assert seconds(team.bob) == 0  # the same session: the clouds are read again
    assert seconds(team.alice) == 30 * 60
