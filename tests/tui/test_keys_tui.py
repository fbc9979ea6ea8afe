"""Keys, palette, help and reading the whole of anything (issue 11), by keys
at 80×24: findings 2, 9 and 10, the `#` / `@` filters and the keymap."""

from __future__ import annotations

from pilot_helpers import screen_text, settle

from focus_tui.app import FocusApp
from focus_tui.domain import records
from focus_tui.models import Record
from focus_tui.screens.board import BoardScreen
from focus_tui.screens.feed import FeedScreen
from focus_tui.screens.main_view import MainScreen
from focus_tui.screens.reports import ReportsScreen

SIZE = (80, 24)


# -- 2. 1 / 2 / 3 reach the mode's first screen at once ------------------------------


async def test_one_two_three_reach_each_first_screen_at_once(session):
    lead = records.create_record(session, "sales_lead", "Harbour cranes")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # a feed on the main view's stack
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        app.push_screen(FeedScreen(lead.id))  # a feed on the board's stack
        await settle(pilot)
        await pilot.press("1")  # one press: the main view, not the feed
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("3")
        await settle(pilot)
        app.push_screen(FeedScreen(lead.id))
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)


# -- keys.toml: the user's keys, or a clear word and the defaults -----------------


def write_keys(text: str) -> None:
    from focus_tui.config import config_dir

    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "keys.toml").write_text(text, encoding="utf-8")


def warnings(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "warning"]


async def test_a_keymap_file_moves_keys_in_footer_help_and_action(session):
    write_keys('finish = "space"\nedit = "x"\nnew = ["n", "ctrl+n"]\n')
    task = records.create_record(session, "task", "Call the harbour master")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert warnings(app) == []
        footer = screen_text(app).rstrip("\n").splitlines()[-1]
        assert "space Finish" in footer and "x Edit" in footer
        await pilot.press("space")  # finish, on its new key
        await settle(pilot)
        assert Record.get_by_id(task.id).finished_at is not None
        await pilot.press("question_mark")
        await settle(pilot)
        rows = {description: keys for keys, description in app.screen.rows}
        assert rows["Finish"] == "space" and rows["Edit"] == "x"
        assert rows["New"] == "n / ^n"


async def test_a_bad_keymap_file_says_what_and_keeps_the_defaults(session):
    write_keys(
        'fnish = "y"\n'  # no such action
        'help = "ctrl+"\n'  # not a key
        'board = "b"\n'  # b is Billed on the board
        'quit = ["ctrl+k"]\n'  # fine
    )
    records.create_record(session, "task", "Call the harbour master")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = "\n".join(warnings(app))
        assert 'no action "fnish"' in said
        assert "'ctrl+' for help is not a key; Keys keeps \"?\"" in said
        assert '"b" for board is already Billed' in said
        assert 'Board keeps "2"' in said
        await pilot.press("2")  # the default still works
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        rows = {description: keys for keys, description in app.screen.rows}
        assert rows["Quit"] == "^k" and rows["Keys"] == "?"


async def test_a_keymap_file_that_is_not_toml_is_one_line(session):
    write_keys("finish = space\n")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (said,) = warnings(app)
        assert said.startswith("keys.toml: it is not valid TOML")
        footer = screen_text(app).rstrip("\n").splitlines()[-1]
        assert "x Finish" in footer


async def test_keys_in_settings_toml_work_as_well(session):
    from focus_tui.config import config_dir, settings

    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "settings.toml").write_text('[keys]\nfinish = "X"\n')
    settings.cache_clear()
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert warnings(app) == []
        assert "X Finish" in screen_text(app).rstrip("\n").splitlines()[-1]


# -- 10. the palette: every action of every screen, each with its key -------------


async def palette_search(pilot, text: str) -> list[str]:
    """ctrl+p, type `text`: the commands offered (title and help)."""
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*text)
    await pilot.pause(0.6)  # the palette searches in the background
    await settle(pilot)
    options = pilot.app.screen.query_one(CommandList)
    return [
        str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
    ]


async def test_the_palette_on_the_board_finds_the_reports_export(session):
    from focus_tui.screens.step_dialog import StepDialog

    records.create_record(session, "task", "Call the harbour master")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        found = await palette_search(pilot, "export")
        assert any("Export .xlsx · reports" in f and "key: E" in f for f in found)
        assert any("id: export" in f for f in found)
        await pilot.press("enter")
        for _ in range(3):
            await settle(pilot)
        # It went to the reports and asked where to export, as E does there.
        assert isinstance(app.screen, StepDialog)
        assert isinstance(app.screen_stack[0], ReportsScreen)
        assert app.current_mode == "reports"


async def test_the_palette_says_this_screens_keys_and_the_users(session):
    write_keys('toggle_lost = "z"\n')
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        found = await palette_search(pilot, "show lost")  # from the main view
        assert any("key: z on the board" in f for f in found)
        await pilot.press("escape")
        await pilot.press("2")
        await settle(pilot)
        found = await palette_search(pilot, "cloud filter")
        assert any("key: # · id: cloud_filter" in f for f in found)
        await pilot.press("escape")
        found = await palette_search(pilot, "person filter")
        assert any("key: @" in f for f in found)


# -- 10. ? fits 80x24: columns, and a hint in sight when it has to scroll --------


async def test_help_fits_80x24_on_every_mode_screen(session):
    from focus_tui.screens.help import HelpScreen

    records.create_record(session, "task", "Call the harbour master")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        for mode in ("1", "2", "3"):
            await pilot.press(mode)
            await settle(pilot)
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            text = screen_text(app)
            assert "esc or ? closes" in text  # the last line is in sight
            assert "scroll" not in text  # and nothing is below it
            for _keys, description in app.screen.rows:
                assert description in text, description
            await pilot.press("escape")
            await settle(pilot)


async def test_help_on_a_short_terminal_scrolls_and_says_so(session):
    from textual.containers import VerticalScroll

    from focus_tui.screens.help import HelpScreen

    app = FocusApp(session)
    async with app.run_test(size=(40, 14)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "↓ ↑ scroll · esc or ? closes" in screen_text(app)
        assert "Reports" not in screen_text(app)  # the last rows, not yet
        await pilot.press("pagedown", "pagedown", "pagedown")
        await settle(pilot)
        assert app.screen.query_one("#help-keys", VerticalScroll).scroll_y > 0
        assert "Reports" in screen_text(app)
        assert "esc or ? closes" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


def test_help_snapshot_80x24(session, snap_compare):
    records.create_record(session, "task", "Call the harbour master")

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(FocusApp(session), terminal_size=SIZE, run_before=run_before)


# -- 9. the whole of anything: v / enter shows it in full, wrapped, by keys --------


def flowing(app) -> str:
    """The screen's words in one line, a dialog's borders left out (so a
    wrapped sentence reads as one)."""
    lines = [line.strip().strip("│").strip() for line in screen_text(app).splitlines()]
    return " ".join(" ".join(lines).split())


SOLD_LINE = "sold on 2026-11-27 → Order; the lead became a Client Relationship"


def _sold_deal(session):
    from decimal import Decimal

    from focus_tui.domain import sales

    lead = records.create_record(
        session,
        "sales_lead",
        "Harbour cranes for the port of Kotka and its new container terminal "
        "on the eastern quay, phase two",
        body="Met the harbour master.\n" + "\n".join(f"Point {i}" for i in range(30)),
    )
    proposal = sales.create_proposal(
        session, lead.id, "Offer: cranes", terms=sales.Terms(Decimal(1000))
    )
    sales.send(session, proposal.id)
    sales.mark_sold(
        session, proposal.id, terms=sales.Terms(Decimal(12000), Decimal(450))
    )
    return lead, proposal


async def test_enter_on_a_history_line_shows_it_whole(session):
    from focus_tui.screens.detail import DetailScreen
    from focus_tui.views.feed import HistoryItem
    from focus_tui.widgets.record_list import RecordList

    _lead, order = _sold_deal(session)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(FeedScreen(order.id))
        await settle(pilot)
        assert SOLD_LINE not in screen_text(app)  # the list cuts it at 80
        for _ in range(10):  # the cursor stops on history lines too
            line = app.screen.query_one(RecordList).current
            if isinstance(line, HistoryItem) and line.text.startswith("sold on"):
                break
            await pilot.press("down")
        else:
            raise AssertionError("the sold line was not reachable by keys")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        text = flowing(app)
        assert SOLD_LINE in text
        assert "Who: tester" in text and "Fri 27 Nov 2026" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)
        await pilot.press("v")  # v does the same
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)


async def test_v_shows_a_record_whole_and_scrolls_by_keys(session):
    from textual.containers import VerticalScroll

    from focus_tui.screens.detail import DetailScreen

    lead, _order = _sold_deal(session)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(FeedScreen(lead.id))
        await settle(pilot)
        await pilot.press("v")  # the record itself (the cursor's first line)
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        text = flowing(app)
        assert "on the eastern quay, phase two" in text  # the full title
        assert "Met the harbour master." in text
        assert "Point 29" not in text  # below: it scrolls
        assert "esc or v closes" in text  # the hint stays in sight
        await pilot.press("end")
        await settle(pilot)
        assert app.screen.query_one(VerticalScroll).scroll_y > 0
        assert "Point 29" in screen_text(app)
        await pilot.press("home", "pagedown")
        await settle(pilot)
        assert "Point 29" not in screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)
        # The order's sums, in full, from the child row.
        await pilot.press("down", "v")
        await settle(pilot)
        text = flowing(app)
        assert "Sums: Ordered" in text and "12 000 + 450/month EUR" in text


async def test_the_board_header_and_the_focus_bar_read_in_full(session):
    from decimal import Decimal

    from focus_tui.domain import sales, tracker
    from focus_tui.screens.detail import DetailScreen

    lead = records.create_record(session, "sales_lead", "Fleet")
    for currency in ("EUR", "SEK", "GBP", "NOK", "DKK"):
        sales.create_proposal(
            session,
            lead.id,
            f"Offer in {currency}",
            terms=sales.Terms(Decimal(1234567), currency=currency),
        )
    long_title = (
        "Harbour cranes for Kotka, phase two, on the eastern quay by the old lighthouse"
    )
    task = records.create_record(session, "task", long_title)
    tracker.focus(session, task.id)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert long_title not in screen_text(app)  # the timer bar cuts it
        await pilot.press("V")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert long_title in flowing(app)
        await pilot.press("escape", "2")
        await settle(pilot)
        assert "more" in screen_text(app)  # the Draft header: "+2 more"
        await pilot.press("v")
        await settle(pilot)
        text = flowing(app)
        assert "Draft" in text and "Cards: 5" in text
        for currency in ("EUR", "SEK", "GBP", "NOK", "DKK"):
            assert f"1 234 567 {currency}" in text, currency


def test_detail_snapshot_80x24(session, snap_compare):
    lead, _order = _sold_deal(session)

    async def run_before(pilot):
        await settle(pilot)
        pilot.app.push_screen(FeedScreen(lead.id))
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)

    assert snap_compare(FocusApp(session), terminal_size=SIZE, run_before=run_before)


# -- themes: chosen in the palette, remembered; NO_COLOR is monochrome -----------


async def test_a_theme_picked_in_the_palette_is_remembered(session):
    from focus_tui import config

    config.config_dir().mkdir(parents=True, exist_ok=True)
    settings_file = config.config_dir() / "settings.toml"
    settings_file.write_text('[defaults]\ncurrency = "SEK"  # ours\n')
    config.settings.cache_clear()
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette_search(pilot, "theme")
        await pilot.press("enter")  # Textual's theme picker
        await settle(pilot)
        await pilot.press(*"nord")
        await pilot.pause(0.6)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "nord"
    text = settings_file.read_text()
    assert 'currency = "SEK"  # ours' in text  # the rest kept as it was
    assert config.theme() == "nord" and config.default_currency() == "SEK"
    again = FocusApp(session)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"
    assert settings_file.read_text() == text  # nothing written at start


def test_remember_theme_keeps_the_file_and_replaces_its_own_line():
    from focus_tui import config

    config.config_dir().mkdir(parents=True, exist_ok=True)
    path = config.config_dir() / "settings.toml"
    path.write_text('[display]\ntheme = "gruvbox"\n\n[rates]\nSEK = 0.087\n')
    assert config.remember_theme("dracula") == ""
    assert path.read_text() == '[display]\ntheme = "dracula"\n\n[rates]\nSEK = 0.087\n'
    path.write_text("not = [toml")
    assert "not valid TOML" in config.remember_theme("nord")
    assert path.read_text() == "not = [toml"  # left alone


async def test_a_theme_that_does_not_exist_says_so(session):
    from focus_tui import config

    config.config_dir().mkdir(parents=True, exist_ok=True)
    (config.config_dir() / "settings.toml").write_text('[display]\ntheme = "pink"\n')
    config.settings.cache_clear()
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("no theme 'pink'" in w for w in warnings(app))
        assert app.theme == "textual-dark"


async def test_no_color_is_monochrome_with_states_told_apart(session, monkeypatch):
    import datetime as dt

    from focus_tui.core.dates import When

    monkeypatch.setenv("NO_COLOR", "1")
    records.create_record(session, "task", "Old one", when=When(dt.date(2026, 11, 20)))
    records.create_record(session, "task", "New one", when=When(dt.date(2026, 11, 30)))
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        styles = []
        for strip in app.screen._compositor.render_strips():
            for segment in app._filters[-1].apply(list(strip), None):
                if segment.style is not None and segment.text.strip():
                    styles.append((segment.text.strip(), segment.style))
        # No colour at all: every segment in the terminal's own colours.
        for _text, style in styles:
            assert style.color is None or style.color.is_default
            assert style.bgcolor is None or style.bgcolor.is_default
        by_text = dict(styles)
        assert by_text["Old one"].reverse  # the cursor row
        assert not by_text["New one"].reverse
        assert by_text["Fri 20 Nov"].underline  # overdue
        assert not by_text["Mon 30 Nov"].underline


# -- over SSH: no animations, no blinking cursor --------------------------------


async def test_over_ssh_nothing_animates_or_blinks(session, monkeypatch):
    from textual.widgets import Input

    from focus_tui.screens.record_form import RecordForm

    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.animation_level == "none"
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm)
        field = app.focused
        assert isinstance(field, Input) and field.cursor_blink is False
        await pilot.press("tab")
        await settle(pilot)
        assert getattr(app.focused, "cursor_blink", False) is False


async def test_without_ssh_the_cursor_blinks_as_usual(session, monkeypatch):
    from textual.widgets import Input

    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.focused, Input) and app.focused.cursor_blink is True


def test_palette_snapshot_80x24(session, snap_compare, monkeypatch):
    # As over SSH: the search field's cursor does not blink (a snapshot
    # taken mid-blink would differ).
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    records.create_record(session, "task", "Call the harbour master")

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await palette_search(pilot, "export")

    assert snap_compare(FocusApp(session), terminal_size=SIZE, run_before=run_before)


def test_every_keyed_action_of_the_app_can_be_remapped():
    """keys.toml reaches every binding with an id: each screen's, each
    widget's (the screens that show it), the app's."""
    import importlib
    import pkgutil

    from textual.dom import DOMNode

    import focus_tui.widgets
    from focus_tui.screens.keymap import known_ids, places

    for module in pkgutil.iter_modules(focus_tui.widgets.__path__):
        importlib.import_module(f"focus_tui.widgets.{module.name}")
    known = known_ids(places(FocusApp))
    found, todo = set(), [DOMNode]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.startswith("focus_tui."):
                found |= {b.id for b in cls.__dict__.get("BINDINGS", []) if b.id}
    assert found and found <= set(known), sorted(found - set(known))


async def test_a_sales_process_row_cut_short_reads_whole_from_its_feed(session):
    from decimal import Decimal

    from focus_tui.domain import sales
    from focus_tui.screens.detail import DetailScreen

    lead = records.create_record(session, "sales_lead", "Kotka harbour")
    title = "Order: Training package for the crane operators of the eastern quay"
    sales.create_proposal(session, lead.id, title, terms=sales.Terms(Decimal(900)))
    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3", "v")  # Reports, then the Sales Process list
        await settle(pilot)
        assert "Sales Process" in screen_text(app)
        assert title not in flowing(app)  # the row cuts it
        await pilot.press("enter")  # its feed: the header has it whole
        await settle(pilot)
        assert isinstance(app.screen, FeedScreen)
        assert title in flowing(app)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and title in flowing(app)


async def test_the_palette_makes_a_cloud_from_the_board(session):
    from focus_tui.screens.cloud_feed import CloudFeedScreen
    from focus_tui.screens.step_dialog import StepDialog

    app = FocusApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        found = await palette_search(pilot, "new cloud")
        assert any("key: N on the cloud's feed" in f for f in found)
        await pilot.press("enter")
        for _ in range(3):
            await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        assert isinstance(app.screen_stack[-2], CloudFeedScreen)
        await pilot.press(*"Nordic", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CloudFeedScreen)
        assert "Nordic" in screen_text(app)
