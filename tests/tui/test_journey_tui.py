"""The whole sales process by keys at 80×24, counting the keys it takes.

The journey of the new-user trial (issue "Hands on the keyboard"): a lead,
focus, a Contact Note with two new people, a proposal with sums, focus,
send, revise, sold with three tasks and their dates, the tasks finished,
delivered, billed, then the board, the statistics and an export. The trial
took 84 keys beyond typed text; the budget is 45. Typed text (titles,
names, sums, dates, a quick-add line) is not counted; every other key is:
command letters, enter, tab, escape, arrows, ctrl+….
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pilot_helpers import current_id, screen_text, settle

from focus_tui.app import FocusApp
from focus_tui.domain.sales import from_cents
from focus_tui.models import Participant, Record, Sale, TimeEntry
from focus_tui.screens.board import BoardScreen
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.reports import ReportsScreen

SIZE = (80, 24)
BUDGET = 45
TODAY = date(2026, 11, 27)  # the tests' fixed clock


class Keys:
    """Presses keys for the journey and counts those that are not text."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        for key in keys:
            await self.pilot.press(key)
            await settle(self.pilot)

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)
        await settle(self.pilot)


def titled(title: str) -> Record:
    return Record.get(Record.title == title)


async def test_the_whole_sales_process_in_at_most_45_keys(session, tmp_path):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        k = Keys(pilot)

        # A Sales Lead by quick add, then focus on it.
        await k.press("plus")
        await k.type("lead Fleet tracking for Nordlicht today")
        await k.press("enter")
        lead = titled("Fleet tracking for Nordlicht")
        assert lead.type == "sales_lead" and current_id(app) == lead.id
        await k.press("f")
        assert TimeEntry.get(TimeEntry.ended_at.is_null()).record_id == lead.id

        # Its feed: a Contact Note (the default under a lead) with two new people.
        await k.press("enter")
        assert isinstance(app.screen, FeedScreen)
        await k.press("n")
        await k.type("Called Anna: wants 40 trackers")
        await k.press("tab", "tab")  # to People
        await k.type("Anna Virtanen")
        await k.press("enter")
        await k.type("Matti Meikäläinen")
        await k.press("enter")
        await k.press("enter")  # the field is empty: saves
        note = titled("Called Anna: wants 40 trackers")
        assert note.type == "contact_note" and note.parent_id == lead.id
        people = {
            Record.get_by_id(p.person_id).title
            for p in Participant.select().where(Participant.record == note.id)
        }
        assert people == {"Anna Virtanen", "Matti Meikäläinen"}

        # A proposal with sums, by quick add in the lead's feed; focus on it.
        await k.press("plus")
        await k.type('offer "40 trackers" 12 000 EUR 450/mo')
        await k.press("enter")
        proposal = Record.get(Record.type == "sales_proposal")
        assert proposal.parent_id == lead.id and current_id(app) == proposal.id
        sale = Sale.get_by_id(proposal.id)
        assert (sale.one_time_cents, sale.monthly_cents) == (1_200_000, 45_000)
        await k.press("f")
        assert TimeEntry.get(TimeEntry.ended_at.is_null()).record_id == proposal.id

        # Send (today, follow up in a week), then revise it.
        await k.press("S", "ctrl+s")
        assert Sale.get_by_id(proposal.id).stage == "sent"
        assert Record.get_by_id(lead.id).finished_at is not None
        assert current_id(app) == proposal.id
        await k.press("R", "ctrl+u")
        await k.type("11 000")
        await k.press("tab", "ctrl+u")
        await k.type("400")
        await k.press("ctrl+s")
        sale = Sale.get_by_id(proposal.id)
        assert sale.revision == 2 and from_cents(sale.one_time_cents) == Decimal(
            "11000.00"
        )

        # Sold, with a third fulfilment task and a date of its own.
        assert current_id(app) == proposal.id
        await k.press("s")
        await k.press("tab", "tab", "tab", "enter")  # after the last task: a new line
        await k.type("Send the bill | +3w")
        await k.press("ctrl+s")
        order = Record.get_by_id(proposal.id)
        assert order.type == "order"
        assert Sale.get_by_id(order.id).sold_date == TODAY
        assert Record.get_by_id(lead.id).type == "client_relationship"
        tasks = {
            t.title: t.date for t in Record.select().where(Record.parent == order.id)
        }
        assert set(tasks) == {
            "Pack and deliver",
            "Activate the service",
            "Send the bill",
        }
        assert tasks["Send the bill"] == date(2026, 12, 18)

        # The tasks finished, in the order's feed.
        await k.press("enter")
        assert isinstance(app.screen, FeedScreen) and app.screen.record_id == order.id
        text = screen_text(app)
        assert "Pack and deliver" in text
        for _ in tasks:
            await k.press("down", "x")  # the cursor stays on a finished task
        done = Record.select().where(
            (Record.parent == order.id) & Record.finished_at.is_null(False)
        )
        assert done.count() == 3

        # Delivered and billed, from the order's feed.
        await k.press("home")  # back to the order
        assert current_id(app) == order.id
        await k.press("d", "ctrl+s")
        assert Sale.get_by_id(order.id).delivered_date == TODAY
        await k.press("b", "ctrl+s")
        sale = Sale.get_by_id(order.id)
        assert sale.stage == "billed" and sale.billed_date == TODAY
        assert Record.get_by_id(order.id).finished_at is not None

        # The board, the statistics, an export.
        await k.press("2")
        assert isinstance(app.screen, BoardScreen)
        await k.press("3")
        assert isinstance(app.screen, ReportsScreen)
        await k.press("E", "enter")
        await pilot.pause(0.5)
        await settle(pilot)
        exported = list(tmp_path.glob("focus-*.xlsx"))
        assert len(exported) == 1 and exported[0].stat().st_size > 0

        assert k.count <= BUDGET, f"{k.count} keys beyond typed text"
