"""The Focus TUI application: modes, global keys, styles, and the one place
where database work runs and fails. Screens do the rest."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from .core.errors import UserError
from .domain.session import (
    DATABASE_ERRORS,
    Session,
    describe_database_error,
    is_transient,
    open_session,
)
from .domain.tracker import Focus, TeamFocus, current_focus, team_focus
from .screens.messages import RecordsChanged
from .views.changes import (
    CHANGES,
    FOCUS,
    ChangeListener,
    change_cursor,
    changes_since,
    listen_for_changes,
    my_clouds_now,
)

# How often the running focus, yours and your colleagues', is read again (a
# focus started in the CLI, another terminal, by a colleague).
FOCUS_POLL_SECONDS = 2
# How often changes made elsewhere (the CLI, another terminal, a colleague)
# are looked for.
CHANGES_POLL_SECONDS = 2
# On PostgreSQL the server says when something changed (LISTEN/NOTIFY):
# while it listens, both are read at its word, and polled only this rarely
# as a safety net. (The checks that need no database, a new day, a focus
# run on too long, still run every tick.)
LISTENING_POLL_SECONDS = 30
# A transient failure (another writer held the lock too long) is tried again
# after these pauses before it is reported as a failure.
RETRY_DELAYS = (0.5, 1.5, 3.0)


class ServerChanged(Message):
    """The server's word (from the listener's thread) that something changed
    elsewhere: which reads to run again (views.changes CHANGES / FOCUS)."""

    def __init__(self, reads: frozenset[str]) -> None:
        super().__init__()
        self.reads = reads


@dataclass
class Job:
    """Database work run in a thread worker, and what to do with its result."""

    work: Callable[[], Any]
    then: Callable[[Any], None] | None
    owner: Any  # the screen that asked (its answer is dropped once it is gone)
    group: str
    exclusive: bool
    retry: bool
    attempt: int = 0
    failed: Callable[[BaseException], bool] | None = None


class FocusApp(App):
    CSS_PATH = "focus.tcss"
    TITLE = "Focus"
    ENABLE_COMMAND_PALETTE = True

    # Each mode keeps its own stack of screens (a feed opened from the board
    # stays on the board's stack).
    MODES = {
        "board": lambda: _screen("board", "BoardScreen"),
        "reports": lambda: _screen("reports", "ReportsScreen"),
    }
    # The app starts in the main view's mode, its screen made by
    # `get_default_screen`: a mode of MODES would be made and then have all
    # the CSS parsed again, twice, before the first frame (~40 ms). The mode
    # is added to the others in `on_mount`, so `1` switches back to it.
    DEFAULT_MODE = "main"

    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Keys", id="help"),
        Binding("F", "stop_focus", "Stop focus", id="stop_focus", show=False),
        Binding("w", "who", "Who is focused", id="who", show=False),
        # The timer bar cuts a long title: V shows the focused record in full.
        Binding(
            "V",
            "focus_in_full",
            "Focused record in full",
            id="focus_in_full",
            show=False,
        ),
        Binding("1", "to_mode('main')", "Main view", id="main_view", show=False),
        Binding("2", "to_mode('board')", "Board", id="board", show=False),
        Binding("3", "to_mode('reports')", "Reports", id="reports", show=False),
        Binding("slash", "search", "Search", id="search", show=False),
        Binding("P", "people", "People", id="people", show=False),
        Binding("g", "places", "Go to a record type", id="places", show=False),
    ]

    running_focus: reactive[Focus | None] = reactive(None, always_update=True)
    # Who else in my clouds is focused on what (records I may see), longest first.
    team_focus: reactive[tuple[TeamFocus, ...]] = reactive(())

    # The change watcher: the PostgreSQL listener (None on SQLite), when each
    # watcher last read (time.monotonic), and a change read under way.
    _listener: ChangeListener | None = None
    _changes_read_at = 0.0
    _focus_read_at = 0.0
    _reading_changes = False
    _changes_again = False
    _reading_focus = False
    _focus_again = False

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        if self.no_color:
            # NO_COLOR means no colour: Textual's greys (Monochrome) are
            # colours still; NoColor leaves the terminal's own. The states
            # colour told apart get text styles instead (focus.tcss).
            from textual.filter import Monochrome, NoColor

            self._filters = [
                f for f in self._filters if not isinstance(f, Monochrome)
            ] + [NoColor()]
        # Over SSH every frame is bytes on the wire: no animations (scrolls,
        # fades) and no blinking cursors, which redraw twice a second.
        self.over_ssh = bool(os.environ.get("SSH_CONNECTION"))
        if self.over_ssh:
            self.animation_level = "none"
        self._jobs: dict[Worker, Job] = {}
        self._listeners: weakref.WeakSet = weakref.WeakSet()
        self._cursor: int | None = None
        self._clouds: frozenset[int] | None = None  # seen by the change watcher
        self._today = session.clock.today()
        self._busy_said = False
        # Idle-time questions: when a key was last pressed (the session's
        # clock, so tests can move it), and focus entries not to ask about.
        self._last_key = session.clock.now_utc_naive()
        self._settled: set[int] = set()
        self._asking = False
        # The user's keys (keys.toml): checked against every screen first.
        from .screens.keymap import user_keymap

        self._user_keys = user_keymap(type(self))
        if self._user_keys.keymap:
            self.set_keymap(self._user_keys.keymap)
        # The focus lives in the database: a focus started before a quit or
        # a crash is still running now. Read before the main view's first
        # rows (composed with the app), which mark the focused record.
        self.set_reactive(FocusApp.running_focus, current_focus(session))

    def get_default_screen(self):
        return _main_view()

    def on_mount(self) -> None:
        self.add_mode("main", _main_view)
        self._restore_theme()
        # (A real terminal's: headless runs, tests, keep the themes' colours.)
        if not self.is_headless and self.console.color_system in (
            "standard",
            "windows",
        ):
            # 16 colours: the themes' blended reds and greens round to
            # white or grey there; focus.tcss names plain ones instead.
            self.add_class("-sixteen-colours")
        for problem in self._user_keys.problems:
            self.notify(problem, severity="warning", markup=False, timeout=12)
        self.set_interval(FOCUS_POLL_SECONDS, self._focus_tick)
        self.set_interval(CHANGES_POLL_SECONDS, self._changes_tick)
        self._listener = listen_for_changes(self.session.db, self._server_said)
        self.call_after_refresh(self._poll_focus)  # colleagues' focus, at once
        # Everything built so far lives as long as the app: keep it out of
        # the garbage collector's full passes, which otherwise pause a key
        # press for tens of milliseconds now and then.
        self.call_after_refresh(gc.freeze)

    # -- database work: every worker's outcome is handled here -------------------

    def run_db(
        self,
        work: Callable[[], Any],
        then: Callable[[Any], None] | None = None,
        *,
        owner: Any = None,
        group: str = "db",
        exclusive: bool = False,
        retry: bool = True,
        failed: Callable[[BaseException], bool] | None = None,
    ) -> Worker:
        """Run `work()` in a thread; `then(result)` back on the event loop.

        A user mistake (UserError) becomes a notice; a transient database
        failure a short notice and a retry (`retry`); anything else a notice
        — never a crash. `failed(error)` may take the failure over (return
        True). Answers for a screen that has gone are dropped.
        """
        return self._start(
            Job(work, then, owner, group, exclusive, retry, failed=failed)
        )

    def _start(self, job: Job) -> Worker:
        worker = self.run_worker(
            job.work,
            thread=True,
            exit_on_error=False,
            group=f"{job.group}-{id(job.owner)}",
            exclusive=job.exclusive,
        )
        self._jobs[worker] = job
        return worker

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        job = self._jobs.get(event.worker)
        if job is None:
            return
        if event.state == WorkerState.SUCCESS:
            del self._jobs[event.worker]
            self._busy_said = False
            if job.then is not None and _still_there(job.owner):
                job.then(event.worker.result)
        elif event.state == WorkerState.ERROR:
            del self._jobs[event.worker]
            self.report_failure(event.worker.error, job)
        elif event.state == WorkerState.CANCELLED:
            del self._jobs[event.worker]

    def report_failure(
        self,
        error: BaseException | None,
        job: Job | None = None,
        *,
        again: Callable[[], None] | None = None,
        attempt: int = 0,
    ) -> None:
        """The one handler of failed database work (workers and reads on the
        loop alike). `again` retries a read that was not run as a Job."""
        if job is not None and job.failed is not None and job.failed(error):
            return
        if job is not None:
            attempt = job.attempt
            if job.retry:
                again = partial(self._start, _next_attempt(job))
        if isinstance(error, UserError):
            self.notify(str(error), severity="error", markup=False)
        elif is_transient(error) and again is not None and attempt < len(RETRY_DELAYS):
            if not self._busy_said:
                self._busy_said = True
                self.notify(
                    "The database is busy (someone else is writing); trying again…",
                    severity="warning",
                    markup=False,
                    timeout=3,
                )
            self.set_timer(RETRY_DELAYS[attempt], again)
        elif isinstance(error, DATABASE_ERRORS):
            self._busy_said = False
            self.notify(
                describe_database_error(error),
                severity="error",
                markup=False,
                timeout=10,
            )
        else:
            self.log.error("database job failed", error)
            self.notify(
                f"Something went wrong: {error}",
                title="Error",
                severity="error",
                markup=False,
                timeout=10,
            )

    # -- changes: one message to every screen that lists records ------------------

    def listen_for_changes(self, screen) -> None:
        self._listeners.add(screen)

    def records_changed(self, ids: Iterable[int] | None, origin: Any = None) -> None:
        """Tell every listing screen that these records (None: any) changed."""
        frozen = None if ids is None else frozenset(ids)
        for screen in list(self._listeners):
            screen.post_message(RecordsChanged(frozen, origin))

    def on_unmount(self) -> None:
        if self._listener is not None:
            self._listener.close()

    def _listening(self) -> bool:
        return self._listener is not None and self._listener.live

    def _server_said(self, reads: frozenset[str]) -> None:
        """From the listener's thread: post_message is thread-safe."""
        self.post_message(ServerChanged(reads))

    def on_server_changed(self, message: ServerChanged) -> None:
        if CHANGES in message.reads:
            self._poll_changes()
        if FOCUS in message.reads:
            self._poll_focus()

    def _changes_tick(self) -> None:
        """The poll: every tick without a listener (SQLite, or the listener
        lost), else rarely, and at a new day."""
        due = time.monotonic() - self._changes_read_at >= LISTENING_POLL_SECONDS
        if not self._listening() or due or self.session.clock.today() != self._today:
            self._poll_changes()

    def _poll_changes(self) -> None:
        """Pick up changes made elsewhere (the CLI, another terminal) and the
        start of a new day (the main view's groups move on)."""
        if self._reading_changes:
            # One read at a time, none cancelled (a read moves the cursor and
            # forgets this app's own events behind it): this one runs when
            # that is done.
            self._changes_again = True
            return
        self._reading_changes = True
        session, cursor = self.session, self._cursor

        def read():
            if cursor is None:
                return change_cursor(session), frozenset(), my_clouds_now(session)
            return (*changes_since(session, cursor), my_clouds_now(session))

        def seen(result) -> None:
            self._reading_changes = False
            self._changes_read_at = time.monotonic()
            newest, ids, clouds = result
            # Never back (a retried read may end after a newer one).
            self._cursor = max(newest, self._cursor or 0)
            clouds_changed = self._clouds is not None and clouds != self._clouds
            self._clouds = clouds
            if self.session.clock.today() != self._today or clouds_changed:
                # A new day (the groups move on) or a cloud joined or left.
                self._today = self.session.clock.today()
                self.records_changed(None)
            elif ids:
                self.records_changed(ids)
            if self._changes_again:
                self._changes_again = False
                self._poll_changes()

        def failed(error: BaseException) -> bool:
            self._reading_changes = False
            return False  # reported (and retried) as any failed read

        self.run_db(read, seen, group="changes", failed=failed)

    # -- focus -----------------------------------------------------------------------

    def refresh_focus(self) -> None:
        """Re-read the running focus (a step may have ended it)."""
        self.running_focus = current_focus(self.session)

    def _focus_tick(self) -> None:
        """The focus poll: every tick without a listener, else rarely (the
        server says when a focus starts or stops)."""
        if time.monotonic() - self._focus_read_at < LISTENING_POLL_SECONDS and (
            self._listening()
        ):
            self._check_ran_on(self.running_focus)  # time alone can raise it
            return
        self._poll_focus()

    def _poll_focus(self) -> None:
        """Pick up a focus started or stopped elsewhere (CLI, another terminal,
        a colleague)."""
        if self._reading_focus:
            self._focus_again = True  # after the read under way, not over it
            return
        self._reading_focus = True
        session = self.session

        def read():
            others = tuple(
                f for f in team_focus(session) if f.user_name != session.user.name
            )
            return current_focus(session), others

        def failed(error: BaseException) -> bool:
            self._reading_focus = False
            return False  # reported (and retried) as any failed read

        self.run_db(read, self._focus_read, group="focus-poll", failed=failed)

    def _focus_read(self, read: tuple[Focus | None, tuple[TeamFocus, ...]]) -> None:
        focus, others = read
        self._reading_focus = False
        self._focus_read_at = time.monotonic()
        if self._focus_again:
            self._focus_again = False
            self.call_later(self._poll_focus)
        if focus != self.running_focus:
            self.running_focus = focus
        self._check_ran_on(focus)
        if others != self.team_focus:
            # A feed shows who is focused on its record: tell the screens.
            changed = {f.record_id for f in set(others) ^ set(self.team_focus)}
            self.team_focus = others
            self.records_changed(changed, origin="team-focus")

    # -- time that was not work --------------------------------------------------

    async def on_event(self, event) -> None:
        from textual import events

        if isinstance(event, events.Key) and self._woke_up():
            return  # the key that woke the app answers nothing else
        await super().on_event(event)

    def _woke_up(self) -> bool:
        """A key after a long idle spell while focused: ask about that time
        (the key itself is swallowed, so it changes nothing)."""
        from datetime import timedelta

        from .config import time_limits

        now = self.session.clock.now_utc_naive()
        last, self._last_key = self._last_key, now
        focus = self.running_focus
        idle_minutes = time_limits()[1]
        if focus is None or self._asking or not idle_minutes:
            return False
        if now - last < timedelta(minutes=idle_minutes):
            return False
        since = max(last, focus.started_at)
        if now - since < timedelta(minutes=idle_minutes):
            return False
        self._ask_about_idle(focus, since, now)
        return True

    def _ask_about_idle(self, focus: Focus, since, now) -> None:
        from .core.text import format_duration, one_line
        from .screens.time_question import TimeQuestion

        local = self.session.clock.to_local(since)
        message = (
            f"Nobody pressed a key from {local:%H:%M} "
            f"({format_duration((now - since).total_seconds())}) while you were "
            f"focused on #{focus.record_id} {one_line(focus.title).rstrip('.')}."
        )
        self._asking = True
        self.push_screen(
            TimeQuestion(message, idle=True),
            partial(self._idle_answered, focus, since, now),
        )

    def _idle_answered(self, focus: Focus, since, now, answer) -> None:
        from .domain import time_edits
        from .domain.access import parse_id

        self._asking = False
        session = self.session
        if answer.choice == "discard":

            def work():
                return time_edits.cut_out(session, since, now)

            said = "The idle time was taken out; the focus goes on."
        elif answer.choice == "give":

            def work():
                return time_edits.add_entry(
                    session, parse_id(answer.text), since, now, trim=True
                )

            said = "The idle time went to the other activity; the focus goes on."
        else:
            return

        def done(change) -> None:
            self.notify(said, markup=False, timeout=4)
            self.refresh_focus()
            self.records_changed(
                {focus.record_id, change.record_id} if change else None
            )

        def failed(error: BaseException) -> bool:
            if isinstance(error, UserError):  # a wrong id: ask again
                self.notify(str(error), severity="error", markup=False)
                self._ask_about_idle(focus, since, now)
                return True
            return False

        self.run_db(work, done, group="time", failed=failed)

    def _check_ran_on(self, focus: Focus | None) -> None:
        """A focus past the limit or across midnight: ask once per focus."""
        from .domain.time_edits import suspect

        if focus is None or self._asking or focus.entry_id in self._settled:
            return
        doubt = suspect(self.session, focus.started_at)
        if doubt is None:
            return
        from .core.text import one_line
        from .screens.time_question import TimeQuestion

        message = (
            f"Your focus on #{focus.record_id} {one_line(focus.title)} is {doubt.text}."
        )
        self._asking = True
        self.push_screen(
            TimeQuestion(message, idle=False), partial(self._ran_on_answered, focus)
        )

    def _ran_on_answered(self, focus: Focus, answer) -> None:
        from .core.dates import parse_moment
        from .domain.tracker import unfocus

        self._asking = False
        if answer.choice != "stop":
            self._settled.add(focus.entry_id)
            return
        clock = self.session.clock

        def work():
            at = parse_moment(answer.text, clock.today(), clock.zone, what="time")
            return unfocus(self.session, at)

        def failed(error: BaseException) -> bool:
            if isinstance(error, UserError):
                self.notify(str(error), severity="error", markup=False)
                self._check_ran_on(focus)
                return True
            return False

        self.run_db(work, self._focus_stopped, group="time", failed=failed)

    def action_who(self) -> None:
        """w: everyone in my clouds focused right now, on what, for how long."""
        from .core.text import format_clock, one_line

        def read():
            return team_focus(self.session)

        def show(team) -> None:
            if not team:
                self.notify("Nobody in your clouds is focused.", markup=False)
                return
            now = self.session.clock.now_utc_naive()
            lines = [
                f"{one_line(f.display_name)}: #{f.record_id} {one_line(f.title)} "
                f"({format_clock(f.elapsed(now))})"
                for f in team
            ]
            self.notify("\n".join(lines), title="Focused now", markup=False, timeout=8)

        self.run_db(read, show, group="who")

    def action_focus_in_full(self) -> None:
        """V: the record of the running focus in full (the timer bar cuts it)."""
        from .screens.detail import show_record

        focus = self.running_focus
        if focus is None:
            self.notify("Nothing is focused.", markup=False, timeout=2)
        elif hasattr(self.screen, "read_now"):
            show_record(self.screen, focus.record_id)

    def action_stop_focus(self) -> None:
        """F: stop the running focus, whatever is on screen."""
        from .domain.tracker import unfocus

        self.run_db(lambda: unfocus(self.session), self._focus_stopped, group="focus")

    def _focus_stopped(self, stopped) -> None:
        self.running_focus = None
        if stopped is None:
            self.notify("Nothing is focused.", markup=False, timeout=2)
        else:
            self.notify("Focus stopped.", markup=False, timeout=2)
            self.records_changed({stopped.record_id})

    def on_descendant_focus(self, event) -> None:
        """Over SSH a text field's cursor stays lit instead of blinking."""
        if self.over_ssh and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    # -- themes ----------------------------------------------------------------------

    def _restore_theme(self) -> None:
        """The theme chosen last; from then on every choice is remembered."""
        from .config import theme

        name = theme()
        if name and name in self.available_themes:
            self.theme = name
        elif name:
            self.notify(
                f"settings.toml: there is no theme {name!r}; the default is used.",
                severity="warning",
                markup=False,
                timeout=8,
            )
        self.theme_changed_signal.subscribe(self, self._theme_chosen)

    def _theme_chosen(self, theme) -> None:
        from .config import remember_theme
        from .config import theme as remembered

        if theme.name == remembered():
            return  # the theme read at start: nothing new to write
        problem = remember_theme(theme.name)
        if problem:
            self.notify(problem, severity="warning", markup=False, timeout=6)

    # -- keys and the palette --------------------------------------------------------

    def get_system_commands(self, screen) -> Iterable[SystemCommand]:
        """The palette offers every keyed action of the screen, like `?` does,
        then those of the main view, the board and the reports that need no
        highlighted record (it switches there first). Each says its key (the
        user's, from keys.toml) and its id (what keys.toml calls it)."""
        builtin = list(super().get_system_commands(screen))
        yield from builtin
        yield from self._place_commands()
        seen: set[str] = set()
        titles = {command.title.lower() for command in builtin}
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.id is None or not binding.description or binding.id in seen:
                continue
            if binding.description.lower() in titles or binding.id in ("quit", "help"):
                continue  # Textual's own Quit / Keys entries already say it
            seen.add(binding.id)
            yield SystemCommand(
                binding.tooltip or binding.description,
                f"key: {self.get_key_display(binding)} · id: {binding.id}",
                partial(self.call_later, self.run_action, binding.action, active.node),
            )
        for mode, (module, name, place) in PALETTE_PLACES.items():
            cls = _screen_class(module, name)
            if cls is type(screen):
                continue
            for binding in _elsewhere_bindings(cls):
                if binding.id in seen:
                    continue
                seen.add(binding.id)
                key = self._keymap.get(binding.id)
                shown = binding if key is None else binding.with_key(key, None)
                yield SystemCommand(
                    f"{binding.tooltip or binding.description} · {place}",
                    f"key: {self.get_key_display(shown)} on the {place} (goes "
                    f"there) · id: {binding.id}",
                    partial(self.call_later, self._run_on_mode, mode, binding.action),
                )

    async def _run_on_mode(self, mode: str, action: str) -> None:
        """A palette command of another screen: go there, then run it
        (a cloud's feed opens from the main view, on the cloud shown)."""
        from textual.screen import ModalScreen

        if isinstance(self.screen, ModalScreen):
            return
        opens = mode == "cloud_feed"
        mode = "main" if opens else mode
        if self.current_mode != mode:
            await self.switch_mode(mode)
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        if opens:
            from .screens.cloud_feed import CloudFeedScreen

            await self.push_screen(CloudFeedScreen(self.screen.cloud_id))
        await self.run_action(action, self.screen)

    def _dialog_open(self) -> bool:
        from textual.screen import ModalScreen

        return isinstance(self.screen, ModalScreen)

    def action_search(self) -> None:
        """/: search every record I may see."""
        from .screens.search import SearchScreen

        if self._dialog_open():
            return
        if isinstance(self.screen, SearchScreen):
            self.screen.action_to_box()
            return
        self.push_screen(SearchScreen())

    def action_place(self, type_key: str) -> None:
        """Every record of one type in my clouds (P: the People list)."""
        if not self._dialog_open():
            self._open_place(type_key)

    def _open_place(self, type_key: str | None) -> None:
        from .screens.places import TypeListScreen

        if type_key:
            self.push_screen(TypeListScreen(type_key))

    def action_people(self) -> None:
        """P: the People list (every Contact Person of my clouds)."""
        from .core.process import CONTACT_PERSON

        self.action_place(CONTACT_PERSON.key)

    def action_places(self) -> None:
        """g: pick a record type with one more key, and go to its list."""
        from .screens.places import TypePicker

        if self._dialog_open():
            return
        self.push_screen(TypePicker(), self._open_place)

    def _place_commands(self) -> Iterable[SystemCommand]:
        """The palette goes to each record type's list too ("Sales Leads")."""
        from .core.process import plural_name
        from .screens.places import PLACES

        for key, rtype in PLACES:
            yield SystemCommand(
                plural_name(rtype),
                f"every one in my clouds · key: g {key}",
                partial(self.call_later, self.action_place, rtype.key),
            )

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        screen = self.screen
        title = getattr(
            screen, "help_title", type(screen).__name__.replace("Screen", "")
        )
        self.push_screen(HelpScreen(screen, title))

    def action_to_mode(self, mode: str) -> None:
        """1/2/3: straight to that mode's first screen (the main view, the
        board, the reports), never to a feed left open there."""
        from textual.screen import ModalScreen

        if isinstance(self.screen, ModalScreen):
            return  # a dialog is answered or cancelled, not abandoned
        if self.current_mode != mode:
            self.switch_mode(mode)
        while len(self.screen_stack) > 1:
            self.pop_screen()


def _next_attempt(job: Job) -> Job:
    return Job(
        job.work,
        job.then,
        job.owner,
        job.group,
        job.exclusive,
        job.retry,
        job.attempt + 1,
        job.failed,
    )


def _still_there(owner: Any) -> bool:
    """May the answer still be shown? (No screen, or one that is mounted.)"""
    return owner is None or getattr(owner, "is_attached", True)


def _screen(module: str, name: str):
    """A mode's first screen, imported when the mode is first opened."""
    return _screen_class(module, name)()


def _main_view():
    return _screen(*MODE_HOMES["main"][:2])


def _screen_class(module: str, name: str):
    from importlib import import_module

    return getattr(import_module(f"focus_tui.screens.{module}"), name)


# Each mode's first screen: (module, class, how the palette names it).
MODE_HOMES = {
    "main": ("main_view", "MainScreen", "main view"),
    "board": ("board", "BoardScreen", "board"),
    "reports": ("reports", "ReportsScreen", "reports"),
}
# What the palette offers from anywhere: the modes' screens, and a cloud's
# feed (`C` on the main view), whose keys make and manage clouds.
PALETTE_PLACES = {
    **MODE_HOMES,
    "cloud_feed": ("cloud_feed", "CloudFeedScreen", "cloud's feed"),
}

# Keys that act on the highlighted row or card, or move about in a list: the
# palette offers them on the screen they are on only (elsewhere they would act
# on whatever happens to be highlighted there).
_HERE_ONLY = frozenset(
    {
        *("edit", "move", "finish", "focus", "send", "revise", "lost", "sold"),
        *("delivered", "billed", "undo", "next_step", "step_back", "back"),
        *("week_before", "week_after"),  # the Timesheet's, when it is shown
        "cloud_back",
        "attach",  # to the focused activity, else the highlighted record
    }
)


def _elsewhere_bindings(cls) -> list[Binding]:
    """A screen's own keyed actions that make sense from anywhere."""
    return [
        binding
        for _, binding in cls._merge_bindings()
        if binding.id is not None
        and binding.description
        and binding.id not in _HERE_ONLY
        and binding.id not in _APP_IDS
    ]


_APP_IDS = frozenset(b.id for b in FocusApp.BINDINGS if isinstance(b, Binding))


def run_app(
    db: str | None,
    user: str | None,
    *,
    create_folder: bool = False,
    upgrading: Callable[[int, int], None] | None = None,
) -> int:
    """Open the TUI on `db`, or on a throw-away demo database when None."""
    demo_dir: Path | None = None
    try:
        if db is None:
            demo_dir = Path(tempfile.mkdtemp(prefix="focus-tui-demo-"))
            db = str(demo_dir / "demo.db")
            session = open_session(db, user)
            from .demo.fill import fill_demo

            fill_demo(
                session.db,
                records=3000,
                user_name=session.user.name,
                clock=session.clock,
            )
        else:
            session = open_session(
                db, user, create_folder=create_folder, upgrading=upgrading
            )
        FocusApp(session).run()
        return 0
    finally:
        if demo_dir is not None:
            shutil.rmtree(demo_dir, ignore_errors=True)
