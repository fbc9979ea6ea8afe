"""The Sales Process board, driven by the keyboard only (Pilot at 80×24).

Each test checks both the database and what the board shows; one snapshot
pins the whole picture with fixed data and the fixed clock.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXED_NOW, ZONE
from pilot_helpers import screen_text, settle
from textual.pilot import Pilot

from focus_tui import config
from focus_tui.app import FocusApp
from focus_tui.core.clock import Clock
from focus_tui.core.dates import When
from focus_tui.domain import records, sales
from focus_tui.domain.session import Session, ensure_user
from focus_tui.models import Cloud, CloudMember, Event, Record, Sale
from focus_tui.screens.board import BoardScreen
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.help import HelpScreen
from focus_tui.screens.step_dialog import StepDialog
from focus_tui.widgets.board_column import Board, BoardColumn

SIZE = (80, 24)
TODAY = date(2026, 11, 27)  # FIXED_NOW in Helsinki


def on(day: int, month: int = 11) -> When:
    return When(date(2026, month, day))


def terms(one_time: str, monthly: str | None = None, currency: str = "EUR"):
    return sales.Terms(
        Decimal(one_time), Decimal(monthly) if monthly else None, currency
    )


@dataclass
class Deals:
    lead: int
    fleet: int  # draft
    cold_chain: int  # draft, SEK, no date
    sensors: int  # sent, follow-up overdue
    support: int  # ordered
    tablets: int  # delivered
    service: int  # billed monthly
    routes: int  # lost
    globex: int  # draft named like its lead
    team_draft: int  # a colleague's, in a shared cloud


@pytest.fixture
def deals(session, clock) -> Deals:
    """A small pipeline with a card in every column."""

    def proposal(parent, title, sums, when=None, who=session):
        return sales.create_proposal(who, parent, title, terms=sums, when=when).id

    lead = records.create_record(session, "sales_lead", "Acme renewal 2027").id
    fleet = proposal(lead, "Proposal: Fleet tracking", terms("12000", "300"), on(30))
    cold = proposal(lead, "Proposal: Cold chain", terms("85000", None, "SEK"))
    sensors = proposal(lead, "Warehouse sensors", terms("4500"))
    sales.send(session, sensors, follow_up=on(24), finish_lead=False)
    support = proposal(lead, "Support extension", terms("2400", "150"), on(3, 12))
    sales.mark_sold(session, support)
    tablets = proposal(lead, "Workshop tablets", terms("18500"))
    sales.mark_sold(session, tablets, check_when=on(1, 12))
    sales.mark_delivered(session, tablets)
    service = proposal(lead, "Service contract", terms("0", "990"))
    sales.mark_sold(session, service)
    sales.mark_billed(session, service, monthly=True)
    routes = proposal(lead, "Route planning", terms("30000"))
    sales.mark_lost(session, routes, "Went with a competitor")
    globex_lead = records.create_record(
        session, "sales_lead", "Globex pilot", when=on(2, 12)
    ).id
    globex = proposal(globex_lead, "Globex pilot", terms("7200"), on(4, 12))
    # A colleague's deal in a cloud we share: "everyone" shows it, "me" not.
    anna = Session(db=session.db, user=ensure_user("anna", clock), clock=clock)
    team = Cloud.create(
        name="Sales Team", kind="team", created_at=clock.now_utc_naive()
    )
    CloudMember.create(cloud=team, user=session.user)
    CloudMember.create(cloud=team, user=anna.user)
    team_lead = records.create_record(
        anna, "sales_lead", "Team deal", cloud="Sales Team"
    )
    team_draft = proposal(team_lead.id, "Team proposal", terms("5000"), who=anna)
    return Deals(
        lead,
        fleet,
        cold,
        sensors,
        support,
        tablets,
        service,
        routes,
        globex,
        team_draft,
    )


# -- helpers ------------------------------------------------------------------


async def open_board(pilot: Pilot) -> BoardScreen:
    await settle(pilot)
    screen = BoardScreen()
    pilot.app.push_screen(screen)
    await settle(pilot)
    assert pilot.app.screen is screen
    return screen


def column_text(column: BoardColumn) -> str:
    """The column as drawn, without the edge to the next column."""
    return "\n".join(
        column.render_line(y).text.rstrip().removesuffix("▕").rstrip()
        for y in range(column.size.height)
    )


def active(app: FocusApp) -> BoardColumn:
    column = app.screen.query_one(Board).active
    assert column is not None
    return column


def current_id(app: FocusApp) -> int | None:
    return active(app).current_id


async def column_to(pilot: Pilot, stage: str) -> None:
    """Arrow keys (only) until the active column is `stage`."""
    for key in ("left",) * 6 + ("right",) * 6:
        if active(pilot.app).stage == stage:
            return
        await pilot.press(key)
    raise AssertionError(f"no column {stage}")


async def cursor_to(pilot: Pilot, record_id: int) -> None:
    """Down (only) in the active column until the cursor is on `record_id`."""
    await pilot.press("home")
    for _ in range(30):
        if current_id(pilot.app) == record_id:
            return
        await pilot.press("down")
    raise AssertionError(f"#{record_id} not in {active(pilot.app).stage}")


async def confirm_step(pilot: Pilot, title: str) -> None:
    """The step's dialog is up with its defaults; enter takes them."""
    await settle(pilot)
    assert isinstance(pilot.app.screen, StepDialog), pilot.app.screen
    assert title in pilot.app.screen.form.title
    await pilot.press("enter")
    await settle(pilot)


def said(app: FocusApp) -> str:
    """Every notification shown so far (Textual keeps them on the app)."""
    return "\n".join(n.message for n in app._notifications)


def stage(record_id: int) -> str:
    return Sale.get_by_id(record_id).stage


# -- tests -------------------------------------------------------------------


async def test_board_shows_the_columns_with_counts_and_sums(session, deals):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_board(pilot)
        stages = [c.stage for c in screen.columns()]
        assert stages == ["draft", "sent", "ordered", "delivered", "billed"]
        text = screen_text(app)
        assert "Sales Process · all my clouds · everyone" in text
        for name in ("Draft", "Sent", "Ordered", "Delivered", "Billed"):
            assert name in text
        assert "Lost" not in text.split("\n")[2]
        draft = column_text(screen.column("draft"))
        header = draft.splitlines()
        assert header[0].split() == ["Draft", "4"]
        # 12 000 + 7 200 + 5 000 EUR and 85 000 SEK: each on its own line.
        assert [line.strip() for line in header[1:4]] == [
            "24.2k EUR",
            "85k SEK",
            "+300/mo EUR",
        ]
        assert set(header[4]) == {"─"}
        # Never the two added together (109.2k).
        assert "109" not in "\n".join(header[:4])
        # Titles without "Proposal:", client under it, sums and date.
        assert "Fleet tracking" in draft and "Acme renewal…" in draft
        assert "12k EUR 30 Nov" in draft  # too narrow for the monthly sum
        sent = column_text(screen.column("sent"))
        assert "!24 Nov" in sent  # the follow-up is overdue
        assert active(app).stage == "draft"


async def test_a_column_of_many_currencies_shows_what_fits_and_says_more(session):
    lead = records.create_record(session, "sales_lead", "Export deals").id
    cards = [
        ("EUR", "1000"),
        ("EUR", "2000"),
        ("EUR", "500"),
        ("SEK", "30000"),
        ("SEK", "15000"),
        ("CZK", "99000"),
        ("GBP", "800"),
        ("PLN", "4000"),
    ]
    for n, (currency, amount) in enumerate(cards):
        sales.create_proposal(
            session, lead, f"Offer {n}", terms=terms(amount, None, currency)
        )
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_board(pilot)
        header = column_text(screen.column("draft")).splitlines()
        assert header[0].split() == ["Draft", "8"]
        # Most cards first, each currency alone; the other three counted.
        assert [line.strip() for line in header[1:4]] == [
            "3.5k EUR",
            "45k SEK",
            "+3 more",
        ]


def write_settings(text: str) -> None:
    folder = Path(os.environ["FOCUS_TUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(text, encoding="utf-8")
    config.settings.cache_clear()


async def header_of_a_eur_and_sek_draft(session) -> list[str]:
    lead = records.create_record(session, "sales_lead", "Two currencies").id
    for title, amount, currency in [("A", "12000", "EUR"), ("B", "4500", "SEK")]:
        sales.create_proposal(session, lead, title, terms=terms(amount, None, currency))
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_board(pilot)
        header = column_text(screen.column("draft")).splitlines()
        return [line.strip() for line in header[1:4]] + [said(app)]


async def test_a_converted_total_shows_only_with_rates_and_is_marked(session):
    assert await header_of_a_eur_and_sek_draft(session) == [
        "12k EUR",
        "4.5k SEK",
        "",
        "",
    ]


async def test_rates_add_the_converted_total_where_it_fits(session):
    write_settings("[rates]\ndate = 2026-11-30\nSEK = 0.087\n")
    # 12 000 EUR + 4 500 SEK × 0.087: ≈ 12 391.50 EUR, marked with ≈.
    assert await header_of_a_eur_and_sek_draft(session) == [
        "12k EUR",
        "4.5k SEK",
        "≈ 12.4k EUR",
        "",
    ]


async def test_bad_rates_are_said_once_and_the_board_still_opens(session):
    write_settings("[rates]\nSEK = 'lots'\n")
    header = await header_of_a_eur_and_sek_draft(session)
    assert header[:3] == ["12k EUR", "4.5k SEK", ""]
    assert header[3] == "settings.toml [rates]: SEK ignored (not a positive number)."


async def test_arrows_move_between_and_within_columns(session, deals):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot)
        first = current_id(app)
        await pilot.press("down")
        second = current_id(app)
        assert second != first
        await pilot.press("k")
        assert current_id(app) == first
        await pilot.press("j", "end")
        assert current_id(app) == deals.team_draft  # undated, newest: last
        await pilot.press("right")
        assert active(app).stage == "sent"
        assert current_id(app) == deals.sensors
        await pilot.press("right", "right", "right", "right", "right")
        assert active(app).stage == "billed"  # stops at the last column
        assert current_id(app) == deals.service
        await pilot.press("left", "left", "left", "left", "left")
        assert active(app).stage == "draft"
        # Each column kept its own cursor.
        assert current_id(app) == deals.team_draft


async def test_next_step_takes_a_card_from_draft_to_billed(session, deals):
    app = FocusApp(session)
    card = deals.fleet
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_board(pilot)
        await cursor_to(pilot, card)

        await pilot.press("greater_than_sign")
        await confirm_step(pilot, "Send")
        sale = Sale.get_by_id(card)
        assert (sale.stage, sale.sent_date) == ("sent", TODAY)
        assert Record.get_by_id(card).date == date(2026, 12, 4)  # follow-up +1w
        assert (active(app).stage, current_id(app)) == ("sent", card)
        assert screen.column("draft").totals.count == 3
        assert screen.column("sent").totals.count == 2

        await pilot.press("shift+right")
        await confirm_step(pilot, "Sold")
        record, sale = Record.get_by_id(card), Sale.get_by_id(card)
        assert (record.type, sale.stage, sale.sold_date) == ("order", "ordered", TODAY)
        assert Record.get_by_id(deals.lead).type == "client_relationship"
        assert (active(app).stage, current_id(app)) == ("ordered", card)

        await pilot.press("greater_than_sign")
        await confirm_step(pilot, "Delivered")
        sale = Sale.get_by_id(card)
        assert (sale.stage, sale.delivered_date) == ("delivered", TODAY)
        assert (active(app).stage, current_id(app)) == ("delivered", card)

        await pilot.press("greater_than_sign")
        await confirm_step(pilot, "Billed")
        record, sale = Record.get_by_id(card), Sale.get_by_id(card)
        assert (sale.stage, sale.billed_date) == ("billed", TODAY)
        assert record.finished_at is not None
        assert (active(app).stage, current_id(app)) == ("billed", card)
        assert screen.column("billed").totals.count == 2

        # Billed is the end of the line: nothing asked, nothing changed.
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert app.screen is screen
        assert stage(card) == "billed"
        assert "Billed is the last stage." in said(app)


async def test_cancelling_a_step_changes_nothing(session, deals):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot)
        await cursor_to(pilot, deals.fleet)
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert stage(deals.fleet) == "draft"
        assert (active(app).stage, current_id(app)) == ("draft", deals.fleet)


async def test_step_back_undoes_the_step_into_the_column(session, deals):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot)
        await column_to(pilot, "delivered")
        assert current_id(app) == deals.tablets
        await pilot.press("less_than_sign")
        await settle(pilot)
        sale = Sale.get_by_id(deals.tablets)
        assert (sale.stage, sale.delivered_date) == ("ordered", None)
        assert (active(app).stage, current_id(app)) == ("ordered", deals.tablets)
        assert Event.get(
            (Event.record == deals.tablets) & (Event.kind == "undone")
        ).data

        await pilot.press("shift+left")  # and Sold: it was sold as a draft
        await settle(pilot)
        assert Record.get_by_id(deals.tablets).type == "sales_proposal"
        assert (active(app).stage, current_id(app)) == ("draft", deals.tablets)

        await column_to(pilot, "sent")

        # Sent after a move: the move is the last step, so nothing happens.
        await cursor_to(pilot, deals.sensors)
        records.move_record(session, deals.sensors, on(10, 12))
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert stage(deals.sensors) == "sent"
        assert "was a move, not “Send”" in said(app)

        # A draft has no step behind it.
        await column_to(pilot, "draft")
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert stage(current_id(app)) == "draft"
        assert "A draft is where a proposal starts" in said(app)


async def test_enter_opens_the_feed_and_escape_comes_back(session, deals):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_board(pilot)
        await column_to(pilot, "sent")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)
        assert app.screen.record_id == deals.sensors
        assert "Warehouse sensors" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert (active(app).stage, current_id(app)) == ("sent", deals.sensors)
        await pilot.press("escape")  # the board goes back to the main view
        await settle(pilot)
        assert not isinstance(app.screen, BoardScreen)


async def test_l_shows_and_hides_lost(session, deals):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_board(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert [c.stage for c in screen.columns()][-1] == "lost"
        await column_to(pilot, "lost")
        assert current_id(app) == deals.routes
        lost = column_text(screen.column("lost"))
        assert "Route planning" in lost or "Route" in lost
        assert screen.column("lost").size.width >= 11  # six columns at 80
        # Back from Lost: undo the Lost step (it was lost as a draft).
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert stage(deals.routes) == "draft"
        assert Record.get_by_id(deals.routes).finished_at is None
        assert (active(app).stage, current_id(app)) == ("draft", deals.routes)
        await column_to(pilot, "billed")
        await pilot.press("right", "l")
        await settle(pilot)
        assert "lost" not in [c.stage for c in screen.columns()]
        assert active(app).stage == "billed"


async def test_filters_cloud_and_actor(session, deals):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_board(pilot)
        draft = screen.column("draft")
        assert draft.totals.count == 4
        await pilot.press("at", *"me", "enter")  # @: the person filter
        await settle(pilot)
        assert "me as actor" in screen_text(app)
        assert draft.totals.count == 3  # Anna's proposal is not mine
        await pilot.press("at", *"everyone", "enter")
        await settle(pilot)
        assert "everyone" in screen_text(app) and draft.totals.count == 4
        await pilot.press("a")  # a is attach's (DESIGN §4): not a filter here
        await settle(pilot)
        from focus_tui.screens.attach_dialogs import AttachDialog

        assert isinstance(app.screen, AttachDialog)  # for the card's record
        await pilot.press("escape")
        await settle(pilot)
        assert draft.totals.count == 4
        # #: each of my clouds in turn, then all of them again.
        seen = []
        for _ in range(3):
            await pilot.press("number_sign")
            await settle(pilot)
            seen.append((screen.cloud_name, draft.totals.count))
        assert seen == [
            ("Sales Team", 1),
            ("tester (private)", 3),
            ("all my clouds", 4),
        ]
        await pilot.press("number_sign")
        await settle(pilot)
        assert screen.cloud_name in screen_text(app)


async def test_help_lists_the_board_keys(session, deals):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = {description: keys for keys, description in app.screen.rows}
        assert rows["Next step"].startswith(">")
        assert rows["Step back"].startswith("<")
        assert rows["Cloud"] == "#" and rows["Person"] == "@"
        for description in ("Show lost", "Cloud", "Person", "Open", "Column left"):
            assert description in rows, description


def test_board_snapshot(snap_compare, session, deals):
    async def show_board(pilot: Pilot) -> None:
        await open_board(pilot)
        await pilot.press("right", "down")
        await settle(pilot)

    session.clock = Clock(zone=ZONE, fixed=FIXED_NOW)
    assert snap_compare(FocusApp(session), terminal_size=SIZE, run_before=show_board)
