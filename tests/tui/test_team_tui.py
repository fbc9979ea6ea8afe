"""A team in the TUI: the person filter (everyone / me / a colleague) on the
board, the reports and the feeds, and clouds made, renamed and archived
from a cloud's feed — keys only, at 80×24.

alice owns "East", where bob (display name Bob Builder) is a member; carol
shares a cloud with bob only, so alice never gets to filter by her.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from conftest import FIXED_NOW, ZONE, advance
from pilot_helpers import screen_text, settle

from focus_tui.app import FocusApp
from focus_tui.core.clock import Clock
from focus_tui.core.dates import When
from focus_tui.core.errors import NotFound
from focus_tui.domain import clouds, records, sales, tracker
from focus_tui.domain.access import get_record
from focus_tui.domain.session import Session, ensure_user, open_session
from focus_tui.screens.board import BoardScreen
from focus_tui.screens.cloud_feed import CloudFeedScreen
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.help import HelpScreen
from focus_tui.screens.main_view import MainScreen
from focus_tui.screens.person_filter import PersonPicker
from focus_tui.screens.reports import ReportsScreen
from focus_tui.screens.step_dialog import StepDialog
from focus_tui.screens.time_entries import ConfirmDialog

SIZE = (80, 24)
TODAY = date(2026, 11, 27)  # FIXED_NOW in Helsinki


@dataclass
class Team:
    alice: Session
    bob: Session
    lead: int  # alice's, in East
    alice_draft: int
    alice_order: int
    bob_draft: int
    bob_sent: int
    bob_task: int
    east_call: int  # alice's task in East, on her main view


def as_user(session: Session, name: str, display: str) -> Session:
    user = ensure_user(name, session.clock, display_name=display)
    return Session(db=session.db, user=user, clock=session.clock)


@pytest.fixture
def team(db_path) -> Team:
    clock = Clock(zone=ZONE, fixed=FIXED_NOW)
    alice = open_session(db_path, "alice", clock)
    bob = as_user(alice, "bob", "Bob Builder")
    carol = as_user(alice, "carol", "Carol Cole")
    clouds.create_cloud(alice, "East")
    clouds.add_member(alice, "East", "bob")
    clouds.create_cloud(bob, "West")
    clouds.add_member(bob, "West", "carol")
    records.create_record(carol, "task", "Carol's", cloud="West")

    def offer(who: Session, title: str, parent: int) -> int:
        terms = sales.Terms(Decimal("1000"))
        return sales.create_proposal(who, parent, title, terms=terms).id

    lead = records.create_record(alice, "sales_lead", "Acme deal", cloud="East").id
    alice_draft = offer(alice, "Alice draft", lead)
    alice_order = offer(alice, "Alice order", lead)
    sales.send(alice, alice_order, sent_date=TODAY, finish_lead=False)
    sales.mark_sold(alice, alice_order, sold_date=TODAY)
    bob_draft = offer(bob, "Bob draft", lead)
    bob_sent = offer(bob, "Bob sent", lead)
    sales.send(bob, bob_sent, sent_date=TODAY, finish_lead=False)
    bob_task = records.create_record(bob, "task", "Bob task", parent_id=lead).id
    records.move_record(bob, lead, When(date(2026, 12, 3)))  # a line of his
    east_call = records.create_record(
        alice, "task", "Call Acme", cloud="East", when=When(TODAY)
    ).id
    return Team(
        alice,
        bob,
        lead,
        alice_draft,
        alice_order,
        bob_draft,
        bob_sent,
        bob_task,
        east_call,
    )


def notices(app: FocusApp) -> list[str]:
    return [n.message for n in app._notifications]


async def pick_person(pilot, typed: str) -> None:
    """@, narrow the picker to `typed`, enter."""
    await pilot.press("at")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PersonPicker)
    await pilot.press(*typed, "enter")
    await settle(pilot)


# -- the person filter ----------------------------------------------------------


async def test_the_picker_offers_everyone_me_and_who_shares_a_cloud(team):
    app = FocusApp(team.alice)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(BoardScreen())
        await settle(pilot)
        await pilot.press("at")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PersonPicker)
        # carol is bob's colleague, not alice's: not hers to filter by.
        assert [c.label for c in picker.shown] == ["everyone", "me", "Bob Builder"]
        await pilot.press("escape")  # cancelled: nothing changes
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen) and app.screen.person.everyone


async def test_the_board_shows_one_persons_cards(team):
    app = FocusApp(team.alice)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = BoardScreen()
        app.push_screen(board)
        await settle(pilot)

        def counts() -> list[int]:
            return [board.column(s).totals.count for s in ("draft", "sent", "ordered")]

        assert counts() == [2, 1, 1]
        await pick_person(pilot, "bob")
        assert board.person.user_id == team.bob.user_id
        assert counts() == [1, 1, 0]
        text = screen_text(app)
        assert "@Bob Builder" in text.splitlines()[0]
        assert "Bob draft" in text and "Alice draft" not in text
        # @ goes back to everyone from anyone, then to me.
        await pick_person(pilot, "everyone")
        assert counts() == [2, 1, 1] and "everyone" in screen_text(app)
        await pick_person(pilot, "me")
        assert counts() == [1, 0, 1] and "me as actor" in screen_text(app)


async def test_reports_show_one_persons_figures(team):
    app = FocusApp(team.alice)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert "1/2" in screen_text(app)  # two sent, one sold
        await pick_person(pilot, "Bob")
        assert screen.filters.user_id == team.bob.user_id
        text = screen_text(app)
        assert "People: Bob Builder" in text
        assert "0/1" in text and "1/2" not in text  # bob's one offer, not sold
        # The same person everywhere on the screen: the Sales Process list.
        await pilot.press("v")
        await settle(pilot)
        text = screen_text(app)
        assert "Bob sent" in text and "Alice order" not in text


async def test_the_timesheet_is_the_picked_persons_week(team):
    tracker.focus(team.bob, team.bob_task)
    advance(team.bob, minutes=40)
    tracker.unfocus(team.bob)
    app = FocusApp(team.alice)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3", "v", "v", "v")
        await settle(pilot)
        assert "Your time" in screen_text(app)
        assert "Acme deal" not in screen_text(app)  # alice spent none on it
        await pick_person(pilot, "bob")
        text = screen_text(app)
        assert "Cloud: all my clouds · @Bob Builder" in text
        assert "Acme deal" in text and "0:40" in text


async def test_a_feed_shows_one_persons_part(team):
    app = FocusApp(team.alice)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(FeedScreen(team.lead))
        await settle(pilot)
        text = screen_text(app)
        assert "Alice draft" in text and "Bob task" in text
        await pick_person(pilot, "bo")
        text = screen_text(app)
        assert "· by Bob Builder" in text.splitlines()[0]
        # His children (he is their actor) and his lines of the history.
        assert "Bob draft" in text and "Bob sent" in text and "Bob task" in text
        assert "Alice draft" not in text and "Alice order" not in text
        history = [line for line in text.splitlines() if line.lstrip().startswith("·")]
        assert history and all(
            line.rstrip().endswith("Bob Builder") for line in history
        )
        # Mine: the two offers I made and the lines I wrote.
        await pick_person(pilot, "me")
        text = screen_text(app)
        assert "Alice draft" in text and "Bob" not in text.split("Feed", 1)[1]


# -- clouds ---------------------------------------------------------------------


async def open_cloud_feed(pilot) -> CloudFeedScreen:
    await settle(pilot)
    await pilot.press("C")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CloudFeedScreen)
    return pilot.app.screen


async def test_an_owner_creates_and_renames_a_cloud(team):
    app = FocusApp(team.alice)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cloud_feed(pilot)
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        await pilot.press(*"Sales North", "enter")
        await settle(pilot)
        mine = {c.name: c.role for c in clouds.list_clouds(team.alice)}
        assert mine["Sales North"] == "owner"
        assert screen.cloud_name == "Sales North"  # the new cloud opens
        assert "Cloud · Sales North" in screen_text(app)
        # E: the name prefilled; a new one typed over it.
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        await pilot.press("ctrl+u", *"Sales South", "enter")
        await settle(pilot)
        names = {c.name for c in clouds.list_clouds(team.alice)}
        assert "Sales South" in names and "Sales North" not in names
        assert "Cloud · Sales South" in screen_text(app)
        # A name taken is refused, and nothing changes.
        await pilot.press("E")
        await settle(pilot)
        await pilot.press("ctrl+u", *"east", "enter")
        await settle(pilot)
        assert any("already" in n for n in notices(app))
        assert "Sales South" in {c.name for c in clouds.list_clouds(team.alice)}


async def test_archiving_a_cloud_hides_its_records_and_moves_on(team):
    app = FocusApp(team.alice)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Call Acme" in screen_text(app)
        screen = await open_cloud_feed(pilot)
        assert screen.cloud_name == "East"
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "nothing is deleted" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert screen.cloud_name == "alice (private)"  # on to another cloud
        assert any("hidden and read-only, nothing deleted" in n for n in notices(app))
        archived = {
            c.name: c.archived for c in clouds.list_clouds(team.alice, archived=True)
        }
        assert archived["East"] is True
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "Call Acme" not in screen_text(app)
    with pytest.raises(NotFound):
        get_record(team.alice, team.east_call)
    # Nothing deleted: back with unarchive, everything there.
    clouds.unarchive_cloud(team.alice, "East")
    assert get_record(team.alice, team.east_call).title == "Call Acme"


async def test_a_member_cannot_rename_or_archive(team):
    app = FocusApp(team.bob)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cloud_feed(pilot)
        assert screen.cloud_name == "East"
        await pilot.press("E")
        await settle(pilot)
        await pilot.press("ctrl+u", *"Bob's East", "enter")
        await settle(pilot)
        assert "Only an owner of East can rename it." in notices(app)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Only an owner of East can archive it." in notices(app)
        assert screen.cloud_name == "East"
    east = {c.name: c for c in clouds.list_clouds(team.alice)}["East"]
    assert not east.archived
    assert "Bob's East" not in {c.name for c in clouds.list_clouds(team.bob)}


async def test_help_lists_the_team_keys(team):
    app = FocusApp(team.alice)
    async with app.run_test(size=SIZE) as pilot:
        await open_cloud_feed(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = {description: keys for keys, description in app.screen.rows}
        assert rows["New cloud"] == "N"
        assert rows["Rename cloud"] == "E"
        assert rows["Archive cloud"] == "A"
        assert rows["Person"] == "@" and rows["Cloud"] == "#"
        await pilot.press("escape")
        await settle(pilot)
        # The cloud feed filters by a person too.
        await pick_person(pilot, "bob")
        assert "@Bob Builder" in screen_text(app).splitlines()[0]
        text = screen_text(app)
        assert "Bob task" in text and "Call Acme" not in text


async def test_the_main_view_follows_its_cloud_renamed_then_archived_elsewhere(team):
    elsewhere = Session(db=team.alice.db, user=team.alice.user, clock=team.alice.clock)
    app = FocusApp(team.alice)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.screen
        while main.cloud_name != "East":  # #: all my clouds, then one by one
            await pilot.press("number_sign")
            await settle(pilot)
        assert "Call Acme" in screen_text(app)
        clouds.rename_cloud(elsewhere, "East", "East coast")
        await pilot.press("r")
        await settle(pilot)
        assert "My activities · East coast" in screen_text(app)
        clouds.archive_cloud(elsewhere, "East coast")
        await pilot.press("r")
        await settle(pilot)
        # Not an empty list under a cloud that is gone: all my clouds again.
        assert main.cloud_id is None and "East coast" not in screen_text(app)
        assert "Call Acme" not in screen_text(app)
