"""Functional tests of the TUI: keys in, database rows and screen text out.

Each test drives the app with the keyboard only (Pilot at 80×24) and checks
both what was written to the database and what the screen shows.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from conftest import FIXED_NOW, ZONE, advance
from pilot_helpers import current_id, cursor_to, open_feed, screen_text, settle
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Select, Static

from focus_tui.app import FocusApp
from focus_tui.core.clock import Clock
from focus_tui.core.dates import When
from focus_tui.domain.records import ContactFields, create_record
from focus_tui.domain.session import open_session
from focus_tui.models import (
    ContactDetails,
    Event,
    Participant,
    Record,
    RecordActor,
    TimeEntry,
)
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.help import HelpScreen
from focus_tui.screens.main_view import MainScreen
from focus_tui.screens.move_dialog import MoveDialog
from focus_tui.screens.record_form import RecordForm
from focus_tui.views.listing import RecordRow
from focus_tui.widgets.record_list import GroupLine, RecordList
from focus_tui.widgets.timer_bar import TimerBar

SIZE = (80, 24)
TODAY = date(2026, 11, 27)  # FIXED_NOW in Helsinki


# -- helpers ------------------------------------------------------------------


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*text)


def widget_text(widget: Widget) -> str:
    """One widget as drawn, as plain text."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(strip.text for strip in strips)


def list_lines(app: FocusApp) -> list[str]:
    record_list = app.screen.query_one(RecordList)
    return [record_list.render_line(y).text for y in range(record_list.size.height)]


def group_of(app: FocusApp, record_id: int) -> str | None:
    """The heading the record is listed under, or None if it is not listed."""
    lines = app.screen.query_one(RecordList).lines
    group = None
    for index in range(len(lines)):
        line = lines.line(index)
        if isinstance(line, GroupLine):
            group = line.label
        elif isinstance(line, RecordRow) and line.id == record_id:
            return group
    return None


def events_of(record_id: int) -> list[str]:
    return [
        e.kind
        for e in Event.select().where(Event.record == record_id).order_by(Event.id)
    ]


async def open_form(pilot: Pilot) -> RecordForm:
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, RecordForm)
    return pilot.app.screen


async def choose_type(pilot: Pilot, downs: int) -> None:
    """From the title field: shift+tab to the type Select, open it, pick."""
    await pilot.press("shift+tab")
    assert isinstance(pilot.app.screen.focused, Select)
    await pilot.press("enter")
    await pilot.press(*["down"] * downs)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("tab")  # back to the title


# -- creating records ------------------------------------------------------------


async def test_new_task_with_date_and_time(session):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await type_text(pilot, "Call Anna")
        await pilot.press("tab")
        await type_text(pilot, "tomorrow 10:00")
        await settle(pilot)
        assert "Tomorrow, Sat 28 Nov 2026, 10:00" in widget_text(
            app.screen.query_one("#date-preview")
        )
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, MainScreen)
        record = Record.get(Record.title == "Call Anna")
        assert record.type == "task"
        assert record.date == date(2026, 11, 28)
        # 10:00 in Helsinki (EET, UTC+2) is stored as 08:00 UTC.
        assert record.due_at == datetime(2026, 11, 28, 8, 0)
        assert record.parent_id is None
        assert record.creator_id == session.user_id
        actors = [
            a.user_id
            for a in RecordActor.select().where(RecordActor.record == record.id)
        ]
        assert actors == [session.user_id]
        assert events_of(record.id) == ["created"]

        assert group_of(app, record.id) == "Tomorrow"
        assert current_id(app) == record.id  # the cursor lands on the new row
        text = "\n".join(list_lines(app))
        assert " Tomorrow 1" in text
        assert "Call Anna" in text and "Tomorrow 10:00" in text


async def test_new_sales_lead_via_type_select(session):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await choose_type(pilot, downs=1)
        assert form.query_one("#type", Select).value == "sales_lead"
        assert form.focused is form.query_one("#title")
        await type_text(pilot, "Acme renewal")
        await pilot.press("tab")
        await type_text(pilot, "fri")
        await pilot.press("ctrl+s")
        await settle(pilot)

        record = Record.get(Record.title == "Acme renewal")
        assert record.type == "sales_lead"
        assert record.date == date(2026, 12, 4)
        assert record.due_at is None
        assert group_of(app, record.id) == "Later"
        assert any(
            "Lead" in line and "Acme renewal" in line for line in list_lines(app)
        )


async def test_new_contact_person_has_details_and_no_date(session):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await choose_type(pilot, downs=4)
        assert form.query_one("#type", Select).value == "contact_person"
        # A person has no date and no people field, but contact fields.
        assert not form.query_one("#date-row").display
        assert not form.query_one("#people").parent.display
        assert form.query_one("#organisation").parent.display
        await type_text(pilot, "Anna Virtanen")
        await pilot.press("tab")
        assert form.focused is form.query_one("#organisation")
        await type_text(pilot, "Nokia")
        await pilot.press("tab")
        await type_text(pilot, "anna@example.com")
        await pilot.press("tab")
        await type_text(pilot, "+358 40 123")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)

    person = Record.get(Record.title == "Anna Virtanen")
    assert person.type == "contact_person"
    assert person.date is None and person.due_at is None
    details = ContactDetails.get(ContactDetails.record == person.id)
    assert (details.organisation, details.email, details.phone) == (
        "Nokia",
        "anna@example.com",
        "+358 40 123",
    )
    # Not an activity: nobody's plate, so not in the main list either.
    assert not RecordActor.select().where(RecordActor.record == person.id).exists()


# -- feed -------------------------------------------------------------------


async def test_feed_new_contact_note_tags_people(session):
    lead = create_record(
        session, "sales_lead", "Acme deal", when=When(date(2026, 11, 27))
    )
    anna = create_record(
        session,
        "contact_person",
        "Anna Virtanen",
        contact=ContactFields(organisation="Acme"),
    )
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_feed(pilot, lead.id)
        header = widget_text(app.screen.query_one("#feed-header"))
        assert "Sales Lead Acme deal" in header
        assert "Open" in header and "Today" in header

        form = await open_form(pilot)
        assert form.query_one("#type", Select).value == "contact_note"
        await type_text(pilot, "Kick-off call")
        await pilot.press("tab", "tab")  # past the date, to the people field
        assert form.focused is form.query_one("#people")

        await type_text(pilot, "virt")
        await settle(pilot)
        suggestions = form.query_one("#suggestions")
        assert suggestions.display
        assert "Anna Virtanen" in widget_text(suggestions)
        await pilot.press("enter")  # tags the first match
        await settle(pilot)
        assert "Tagged: Anna Virtanen" in widget_text(form.query_one("#tagged"))

        await type_text(pilot, "Bob Builder")
        await settle(pilot)
        assert "+ New person “Bob Builder”" in widget_text(suggestions)
        # Only "+ New person" matches: down keeps it highlighted, typing
        # focus stays in the field.
        await pilot.press("down")
        assert form.focused is form.query_one("#people")
        assert suggestions.highlighted == suggestions.option_count - 1
        await pilot.press("enter")
        await settle(pilot)
        assert "Bob Builder (new)" in widget_text(form.query_one("#tagged"))
        assert form.focused is form.query_one("#people")

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)

        note = Record.get(Record.title == "Kick-off call")
        assert note.type == "contact_note"
        assert note.parent_id == lead.id
        assert note.cloud_id == lead.cloud_id
        people = [
            Record.get_by_id(p.person_id)
            for p in Participant.select().where(Participant.record == note.id)
        ]
        assert len(people) == 2
        by_title = {p.title: p for p in people}
        assert by_title["Anna Virtanen"].id == anna.id
        bob = by_title["Bob Builder"]
        assert bob.type == "contact_person"
        assert bob.cloud_id == lead.cloud_id
        assert ContactDetails.get_or_none(ContactDetails.record == bob.id) is not None
        assert Record.select().where(Record.title == "Bob Builder").count() == 1

        feed_text = "\n".join(list_lines(app))
        assert "Note" in feed_text and "Kick-off call" in feed_text

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


# -- move / finish / focus ----------------------------------------------------


async def test_move_previews_and_refuses_nonsense(session):
    task = create_record(session, "task", "Send offer", when=When(TODAY))
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, task.id)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MoveDialog)
        await type_text(pilot, "fri")
        await pilot.pause()
        preview = widget_text(app.screen.query_one("#preview"))
        assert "Fri 4 Dec 2026" in preview and "in 7 days" in preview
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)

        record = Record.get_by_id(task.id)
        assert record.date == date(2026, 12, 4)
        moved = Event.get((Event.record == task.id) & (Event.kind == "moved"))
        data = json.loads(moved.data)
        assert (data["from"], data["to"]) == ("2026-11-27", "2026-12-04")
        assert moved.user_id == session.user_id
        assert group_of(app, task.id) == "Later"
        assert current_id(app) == task.id

        await pilot.press("m")
        await settle(pilot)
        await type_text(pilot, "blah")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MoveDialog)  # the dialog stays open
        assert "✗" in widget_text(app.screen.query_one("#preview"))
        assert Record.get_by_id(task.id).date == date(2026, 12, 4)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert events_of(task.id) == ["created", "moved"]


async def test_finish_and_unfinish(session):
    task = create_record(session, "task", "Book the room", when=When(TODAY))
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert Record.get_by_id(task.id).finished_at == datetime(2026, 11, 27, 9, 0)
        # The row stays (ticked) so that x can undo it.
        row = next(line for line in list_lines(app) if "Book the room" in line)
        assert "✓" in row

        await pilot.press("x")
        await settle(pilot)
        assert Record.get_by_id(task.id).finished_at is None
        row = next(line for line in list_lines(app) if "Book the room" in line)
        assert "✓" not in row
    assert events_of(task.id) == ["created", "finished", "unfinished"]


async def test_focus_switches_and_stops(session):
    # 25 minutes pass here with no key pressed: not a question of idle time
    # (tests/tui/test_time_questions.py), so the app is told not to ask.
    from focus_tui import config

    config.config_dir().mkdir(parents=True, exist_ok=True)
    (config.config_dir() / "settings.toml").write_text("[time]\nidle_minutes = 0\n")
    config.settings.cache_clear()
    first = create_record(session, "task", "Write proposal", when=When(TODAY))
    second = create_record(session, "task", "Call Bob", when=When(TODAY))
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        timer = app.screen.query_one(TimerBar)
        assert "Not focused" in widget_text(timer)

        await cursor_to(pilot, first.id)
        await pilot.press("f")
        await settle(pilot)
        entry = TimeEntry.get(TimeEntry.ended_at.is_null())
        assert entry.record_id == first.id
        assert entry.user_id == session.user_id
        assert entry.started_at == datetime(2026, 11, 27, 9, 0)
        assert app.running_focus is not None
        assert app.running_focus.record_id == first.id
        assert "Write proposal" in widget_text(timer)
        assert "0:00:00" in widget_text(timer)
        row = next(line for line in list_lines(app) if "Write proposal" in line)
        assert "●" in row

        advance(session, minutes=25)
        timer.refresh()  # what its one-second tick does
        await pilot.pause()
        assert "0:25:00" in widget_text(timer)

        await cursor_to(pilot, second.id)
        await pilot.press("f")
        await settle(pilot)
        ended = TimeEntry.get_by_id(entry.id)
        assert ended.ended_at == datetime(2026, 11, 27, 9, 25)
        assert ended.seconds == 25 * 60
        running = list(TimeEntry.select().where(TimeEntry.ended_at.is_null()))
        assert [e.record_id for e in running] == [second.id]
        assert app.running_focus.record_id == second.id
        assert "Call Bob" in widget_text(timer)
        assert "Write proposal" not in widget_text(timer)

        await pilot.press("f")
        await settle(pilot)
        assert not TimeEntry.select().where(TimeEntry.ended_at.is_null()).exists()
        assert app.running_focus is None
        assert "Not focused" in widget_text(timer)
    assert events_of(first.id) == ["created", "focused"]
    assert events_of(second.id) == ["created", "focused"]


async def test_focus_survives_restart(session, db_path):
    task = create_record(session, "task", "Long report", when=When(TODAY))
    first_app = FocusApp(session)
    async with first_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert first_app.running_focus.record_id == task.id
        await pilot.press("q")
        await pilot.pause()
    assert not first_app.is_running

    later = Clock(zone=ZONE, fixed=FIXED_NOW + timedelta(hours=1, minutes=2))
    second_session = open_session(db_path, "tester", later)
    try:
        second_app = FocusApp(second_session)
        async with second_app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            focus = second_app.running_focus
            assert focus is not None
            assert focus.record_id == task.id
            assert focus.started_at == datetime(2026, 11, 27, 9, 0)
            timer = widget_text(second_app.screen.query_one(TimerBar))
            assert "Long report" in timer
            assert "1:02:00" in timer  # the time kept running while closed
            row = next(line for line in list_lines(second_app) if "Long report" in line)
            assert "●" in row and "1h 02m" in row
    finally:
        second_session.db.close()


# -- help, quit -----------------------------------------------------------------


async def test_help_lists_keys_and_q_quits(session):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in ("New", "Move", "Finish", "Focus", "Quit", "Keys — Main"):
            assert words in text, words
        descriptions = dict((d, k) for k, d in app.screen.rows)
        assert descriptions["Move"] == "m"
        assert descriptions["Finish"] == "x"
        assert descriptions["Focus"] == "f"
        assert descriptions["New"] == "n"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running
    assert app.return_code == 0


# -- hostile titles ------------------------------------------------------------


async def test_titles_are_shown_literally(session):
    markup = create_record(session, "task", "[bold red]x[/]", when=When(TODAY))
    evil = create_record(session, "task", "evil \x1b[31m red", when=When(TODAY))
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = list_lines(app)
        assert any("[bold red]x[/]" in line for line in lines)
        assert any("evil ␛[31m red" in line for line in lines)
        assert "\x1b" not in screen_text(app)

        for record, shown in ((markup, "[bold red]x[/]"), (evil, "evil ␛[31m red")):
            await cursor_to(pilot, record.id)
            await pilot.press("f")
            await settle(pilot)
            assert shown in widget_text(app.screen.query_one(TimerBar))

            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, FeedScreen)
            header = widget_text(app.screen.query_one("#feed-header"))
            assert f"Task {shown}" in header
            text = screen_text(app)
            assert "\x1b" not in text
            assert shown in text  # title bar, timer bar, header and list
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)


# -- bad input -----------------------------------------------------------------


async def test_empty_title_is_refused(session):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = form.query_one("#form-error", Static)
        assert error.display
        assert "✗ A title is needed." in widget_text(error)
        assert form.focused is form.query_one("#title")

        # Spaces only are no title either.
        await type_text(pilot, "   ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form

        # A date that cannot be read is refused the same way.
        await type_text(pilot, "Real title")
        await pilot.press("tab")
        await type_text(pilot, "blah")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "✗" in widget_text(error)
        assert form.focused is form.query_one("#date")

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert Record.select().count() == 0


async def test_keys_on_an_empty_list_do_not_crash(session):
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Nothing on your plate" in "\n".join(list_lines(app))
        await pilot.press("m", "x", "f", "e", "enter", "down", "up", "end", "home")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.running_focus is None
    assert Record.select().count() == 0
    assert TimeEntry.select().count() == 0


async def test_edit_title_notes_and_contact_details(session):
    task = create_record(session, "task", "Call Ana", body="old notes")
    person = create_record(
        session,
        "contact_person",
        "Anna Virtanen",
        contact=ContactFields("Old Oy", "", ""),
    )
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert current_id(app) == task.id
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm)
        await pilot.press("end", "backspace", "backspace")
        await type_text(pilot, "nna back")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert Record.get_by_id(task.id).title == "Call Anna back"
        assert Record.get_by_id(task.id).body == "old notes"
        assert events_of(task.id)[-1] == "edited"

        # A person is edited from its feed (it is not on the main view).
        app.push_screen(FeedScreen(person.id))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        form.query_one("#organisation").focus()
        await pilot.press("end", *" Ab")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert ContactDetails.get_by_id(person.id).organisation == "Old Oy Ab"
        assert "Old Oy Ab" in screen_text(app)
