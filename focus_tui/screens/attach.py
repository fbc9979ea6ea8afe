"""`a`: attach a file, or import e-mail, to a record; and the keys on a
feed's file lines — read it here, open it, save it.

The target is the focused activity (DESIGN §1: content brought in while
focused goes there), else the record under the cursor; the dialog says
which and `ctrl+t` takes the other. A path names e-mail when
`importing.mail.is_mail` says so (an .eml, an mbox, a Maildir): it is
imported as Contact Notes by the same command as `focus-tui import`, in a
worker, with a progress bar when it takes a while. Any other file is
attached as `focus-tui attach` does. Refusals are the domain's and the
readers' own messages; nothing is stored then.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, ProgressBar, Static

from ..core.errors import UserError
from ..core.text import format_size, one_line, shown, strip_controls

ATTACH_BINDING = Binding("a", "attach", "Attach / import", id="attach")
# On a feed's file line (not in the footer, full at 80 columns; `?` lists
# them, and the Files heading names them).
FILE_BINDINGS = [
    Binding("o", "open_file", "Open file (system viewer)", id="file_open", show=False),
    Binding("D", "save_file", "Save file as…", id="file_save", show=False),
]
# What the terminal shows of a text file (the rest: `o` opens it whole).
READ_LIMIT = 256 * 1024
# A progress bar for an import that is still running after this long.
PROGRESS_AFTER_S = 0.3


# -- paths as typed ---------------------------------------------------------------


def typed_path(text: str) -> str:
    """A path as typed: surrounding blanks and quotes off, `~` expanded."""
    text = text.strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return os.path.expanduser(text)


class PathSuggester(Suggester):
    """Completes the last part of a path as typed (`~` too), as a shell's
    tab would: the first name in the folder that starts so, a folder with
    its slash. The folder is listed off the event loop."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        return await asyncio.to_thread(_complete, value)


def _complete(value: str) -> str | None:
    folder, start = os.path.split(typed_path(value))
    try:
        names = sorted(
            n
            for n in os.listdir(folder or ".")
            if n.startswith(start) and (start.startswith(".") or n[0] != ".")
        )
    except OSError:
        return None
    if not names or names[0] == start:
        return None
    name = names[0]
    completed = value + name[len(start) :]
    if os.path.isdir(os.path.join(folder or ".", name)):
        completed += os.sep
    return completed


class PathInput(Input):
    """An Input for a path: `tab` takes the completion shown (`→` too)."""

    BINDINGS = [Binding("tab", "complete", "Complete", show=False)]

    def action_complete(self) -> None:
        if self._suggestion and self._suggestion != self.value:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


# -- the attach dialog ------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    record_id: int
    title: str
    why: str  # "focused" / "under the cursor"


@dataclass(frozen=True)
class AttachRequest:
    path: str
    target: Target
    is_mail: bool


class AttachDialog(ModalScreen[AttachRequest | None]):
    """A path (completed as typed, or picked with ctrl+o) and the record it
    goes to; says as you type whether it will be attached or imported."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="attach_cancel"),
        Binding("ctrl+o", "pick", "Pick a file", id="attach_pick"),
        Binding("ctrl+t", "other_target", "The other record", id="attach_other"),
    ]

    def __init__(self, targets: list[Target]) -> None:
        super().__init__()
        self.targets = targets
        self.at = 0

    @property
    def target(self) -> Target:
        return self.targets[self.at]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(self._title(), id="attach-title", classes="dialog-title")
            yield PathInput(
                placeholder="a file, an .eml, an mbox or a Maildir folder",
                suggester=PathSuggester(),
                id="attach-path",
                compact=True,
            )
            yield Static("", id="attach-preview", classes="preview")
            yield Static(
                Text("enter attach · tab completes · ctrl+o pick a file · esc cancel"),
                classes="hint",
            )
            yield Static("", id="attach-other", classes="hint")

    def _title(self) -> Text:
        target = self.target
        return Text(f"Attach to #{target.record_id} {one_line(target.title)}")

    def _show_target(self) -> None:
        self.query_one("#attach-title", Label).update(self._title())
        if len(self.targets) > 1:
            other = self.targets[(self.at + 1) % len(self.targets)]
            self.query_one("#attach-other", Static).update(
                Text(f"ctrl+t: to #{other.record_id} {_cut(other.title, 44)} instead")
            )

    def on_mount(self) -> None:
        self._show_target()
        self._preview(self.query_one(PathInput).value)

    def _subtitle(self) -> str:
        return f"(the {self.target.why} record)"

    @on(Input.Changed, "#attach-path")
    def _changed(self, event: Input.Changed) -> None:
        self._preview(event.value)

    def _preview(self, value: str) -> bool:
        """Say what enter will do; False when it cannot."""
        preview = self.query_one("#attach-preview", Static)
        where = f"#{self.target.record_id} {self._subtitle()}"
        ok, text = True, ""
        path = typed_path(value)
        if not path:
            text = f"→ goes to {where}"
        else:
            try:
                mail = _is_mail(path)
            except UserError as exc:
                ok, text = False, f"✗ {exc}"
            else:
                if mail:
                    text = f"→ e-mail: imported as Contact Notes under {where}"
                elif os.path.isfile(path):
                    text = f"→ attached to {where}"
                else:
                    ok, text = False, f"✗ No file {shown(path)} (yet: tab completes)"
        preview.update(Text(text))
        preview.set_class(not ok, "-error")
        return ok and bool(path)

    @on(Input.Submitted, "#attach-path")
    def _submit(self, event: Input.Submitted) -> None:
        path = typed_path(event.value)
        if not path:
            self.app.bell()
            return
        try:
            mail = _is_mail(path)
        except UserError:
            self.app.bell()  # the preview says why
            return
        # A file that is not there is the attach command's to refuse, with
        # its own words; the preview has said so already.
        self.dismiss(AttachRequest(path, self.target, mail))

    def action_other_target(self) -> None:
        if len(self.targets) > 1:
            self.at = (self.at + 1) % len(self.targets)
            self._show_target()
            self._preview(self.query_one(PathInput).value)

    def action_pick(self) -> None:
        """ctrl+o: textual-fspicker's file picker, from the folder typed."""
        from textual_fspicker import FileOpen

        typed = typed_path(self.query_one(PathInput).value)
        start = typed if os.path.isdir(typed) else os.path.dirname(typed)
        if not start or not os.path.isdir(start):
            start = str(Path.home())

        def picked(path: Path | None) -> None:
            field = self.query_one(PathInput)
            if path is not None:
                field.value = str(path)
                field.cursor_position = len(field.value)
            field.focus()

        self.app.push_screen(FileOpen(start, title="Attach a file"), picked)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _cut(title: str, width: int) -> str:
    title = one_line(title)
    return title if len(title) <= width else title[: width - 1] + "…"


def _is_mail(path: str) -> bool:
    from ..importing.mail import is_mail

    return is_mail(path)


class ImportProgress(ModalScreen[None]):
    """A long e-mail import: how far it is; escape stops it after the
    message at hand (each message is whole or not there at all)."""

    BINDINGS = [Binding("escape", "cancel", "Stop the import", id="import_cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.import_title = title
        self.cancelled = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(Text(self.import_title), classes="dialog-title")
            yield ProgressBar(total=None, show_eta=False, id="import-bar")
            yield Static("", id="import-counts")
            yield Static(
                Text("esc stops after this message (what is in stays in)"),
                classes="hint",
            )

    def update_progress(self, done: int, total: int, counts: str) -> None:
        if self.is_attached:
            self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
            self.query_one("#import-counts", Static).update(Text(counts))

    def action_cancel(self) -> None:
        self.cancelled = True
        self.query_one("#import-counts", Static).update(Text("Stopping…"))


class ImportStopped(Exception):
    """Raised from the progress callback: the user stopped the import."""

    def __init__(self, summary) -> None:
        super().__init__("stopped")
        self.summary = summary


def summary_text(done, stopped: bool = False) -> str:
    """The import's outcome in a few lines (a notification)."""
    from ..domain.mail_import import FAILED, SKIPPED

    total = len(done.outcomes)
    lines = [
        f"{total} {'message' if total == 1 else 'messages'} for #{done.target_id}"
        + (" (stopped)" if stopped else "")
        + f": {done.imported} imported, {done.already_there} already there, "
        f"{done.skipped} skipped, {done.failed} failed."
    ]
    if done.people_created:
        lines.append(f"{done.people_created} new Contact Persons.")
    troubles = [o for o in done.outcomes if o.outcome in (SKIPPED, FAILED)]
    for outcome in troubles[:3]:
        lines.append(one_line(f"{outcome.source}: {outcome.reason}"))
    if len(troubles) > 3:
        lines.append(f"… and {len(troubles) - 3} more (focus-tui import lists all).")
    if total and done.already_there == total:
        lines.append("Nothing new: every message was imported before.")
    return "\n".join(lines)


class AttachActions:
    """Mixin for a DataScreen: `a` attaches or imports (see the module)."""

    def attach_target(self) -> Target | None:
        """The record under the cursor (a screen may say otherwise)."""
        row = self.target()
        return Target(row.id, row.title, "highlighted") if row is not None else None

    def action_attach(self) -> None:
        targets: list[Target] = []
        focus = self.app.running_focus
        if focus is not None:
            targets.append(Target(focus.record_id, focus.title, "focused"))
        cursor = self.attach_target()
        if cursor is not None and all(t.record_id != cursor.record_id for t in targets):
            targets.append(cursor)
        if not targets:
            self.notify(
                "Attach to which record? Highlight one, or focus on an activity.",
                markup=False,
                timeout=3,
            )
            return

        def chosen(request: AttachRequest | None) -> None:
            if request is None:
                return
            if request.is_mail:
                self._import_mail(request)
            else:
                self._attach_file(request)

        self.app.push_screen(AttachDialog(targets), chosen)

    def _attach_file(self, request: AttachRequest) -> None:
        from ..domain.attachments import attach
        from ..importing.files import local_file

        session, target = self.session, request.target

        def work():
            return attach(session, target.record_id, [local_file(request.path)])

        def done(added) -> None:
            self.changed(target.record_id)
            info = added[0]
            self.say(
                f"Attached {info.name} ({info.size_text}) to #{target.record_id} "
                f"“{one_line(target.title)}”."
            )
            self.reload(keep=self.current_id())

        self.run_db(work, done, group="attach")

    def _import_mail(self, request: AttachRequest) -> None:
        from ..domain.mail_import import import_mail
        from ..importing.mail import MailReader

        session, target, app = self.session, request.target, self.app
        progress = ImportProgress(
            f"Importing e-mail into #{target.record_id} {one_line(target.title)}"
        )
        running = {"done": False, "shown_at": 0.0}

        def work():
            reader = MailReader([request.path])  # a bad path: before any write

            def tick(summary) -> None:
                if progress.cancelled:
                    raise ImportStopped(summary)
                now = time.monotonic()
                if now - running["shown_at"] < 0.1:
                    return
                running["shown_at"] = now
                counts = (
                    f"{len(summary.outcomes)} messages, "
                    f"{format_size(reader.bytes_read)} of "
                    f"{format_size(reader.bytes_total)} ({summary.imported} imported)"
                )
                app.call_from_thread(
                    progress.update_progress,
                    reader.bytes_read,
                    reader.bytes_total,
                    counts,
                )

            return import_mail(session, reader, target.record_id, progress=tick)

        def finish() -> None:
            running["done"] = True
            if progress.is_attached:
                progress.dismiss()

        def done(summary) -> None:
            finish()
            self._after_import(target, summary)

        def failed(error: BaseException) -> bool:
            finish()
            if isinstance(error, ImportStopped):
                self._after_import(target, error.summary, stopped=True)
                return True
            return False  # the app says it (a UserError: its message)

        def show_progress() -> None:
            if not running["done"]:
                app.push_screen(progress)

        app.run_db(work, done, owner=self, group="import", failed=failed)
        self.set_timer(PROGRESS_AFTER_S, show_progress)

    def _after_import(self, target: Target, summary, stopped: bool = False) -> None:
        self.changed(target.record_id)
        bad = summary.failed or (summary.skipped and not summary.imported)
        self.notify(
            summary_text(summary, stopped),
            title="E-mail import",
            severity="warning" if bad else "information",
            markup=False,
            timeout=10,
        )
        self.reload(keep=self.current_id())


# -- a file line: read, open, save ---------------------------------------------------


class FileActions:
    """Mixin for the feed: keys on the file line under the cursor."""

    def current_file(self):
        """The attachment under the cursor, or None (and a word saying so)."""
        from ..domain.attachments import FileInfo
        from ..widgets.record_list import RecordList

        line = self.query_one(RecordList).current
        if isinstance(line, FileInfo):
            return line
        self.notify(
            "Put the cursor on a file first (the Files lines at the top).",
            markup=False,
            timeout=3,
        )
        return None

    # -- save ---------------------------------------------------------------------

    def action_save_file(self) -> None:
        from ..config import export_folder
        from ..domain.attachments import safe_file_name

        info = self.current_file()
        if info is None:
            return
        default = str(export_folder() / safe_file_name(info.name))

        def chosen(path: str | None) -> None:
            if not path:
                return
            target = Path(path)
            if target.is_dir():
                target = target / safe_file_name(info.name)
            if target.exists():

                def answered(yes: bool | None) -> None:
                    if yes:
                        self._save(info, target, force=True)

                from .time_entries import ConfirmDialog

                self.app.push_screen(
                    ConfirmDialog(
                        f"Replace {shown(str(target))}?",
                        "It exists already; its content would be lost.",
                    ),
                    answered,
                )
            else:
                self._save(info, target, force=False)

        self.app.push_screen(SaveDialog(info.name, default), chosen)

    def _save(self, info, target: Path, *, force: bool) -> None:
        from ..domain.attachments import save_file

        session = self.session

        def done(path: Path) -> None:
            self.say(
                f"Saved {info.name} to {shown(str(path))} (readable by you alone)."
            )

        self.run_db(
            lambda: save_file(session, info.id, target, force=force),
            done,
            group="file",
        )

    # -- open -------------------------------------------------------------------------

    def action_open_file(self) -> None:
        from ..config import opener

        info = self.current_file()
        if info is None:
            return
        command = opener()
        if shutil.which(command[0]) is None:
            custom = os.environ.get("FOCUS_TUI_OPENER", "").strip()
            said = (
                f"$FOCUS_TUI_OPENER names {shown(command[0])}, which is not installed"
                if custom
                else f"There is no {command[0]} here to open files with"
            )
            self.notify(
                f"{said}. Set FOCUS_TUI_OPENER to a program that opens a file, "
                "or save it with D.",
                severity="error",
                markup=False,
                timeout=8,
            )
            return
        session = self.session

        def work():
            import subprocess

            from ..domain.attachments import save_file

            path = save_file(session, info.id, _private_folder())
            try:
                subprocess.Popen(
                    [*command, str(path)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,  # not ended with the app's terminal
                )
            except OSError as exc:
                raise UserError(
                    f"{shown(command[0])} could not be started ({exc.strerror or exc})."
                ) from None
            return path

        self.run_db(
            work,
            lambda _path: self.say(f"Opened {info.name} with {command[0]}."),
            group="file",
        )

    # -- read -----------------------------------------------------------------------

    def read_file(self, info) -> None:
        """`v` / `enter` on a file line: text and e-mail read here, a
        picture previewed, anything else its facts."""
        if info.is_picture:
            self._preview(info)
        elif info.is_readable_text:
            session = self.session

            def shown_text(text: Text) -> None:
                from .detail import DetailScreen

                self.app.push_screen(DetailScreen(f"{one_line(info.name)}", text))

            self.run_db(lambda: file_text(session, info), shown_text, group="file")
        else:
            from .detail import DetailScreen

            text = file_facts(info, self.session.clock)
            text.append("\nNot text: o opens it in its own program, D saves it.")
            self.app.push_screen(DetailScreen(one_line(info.name), text))

    def _preview(self, info) -> None:
        from importlib.util import find_spec

        if find_spec("textual_image") is None:
            self.notify(
                f"{info.name} is a picture of {info.size_text}. To see it here, "
                "install the picture preview: pip install 'focus-tui[pictures]' "
                "(then start again); o opens it meanwhile.",
                markup=False,
                timeout=8,
            )
            return
        if not graphics_terminal(self.app):
            self.notify(
                f"No preview in this terminal: it shows neither Kitty nor Sixel "
                f"graphics. {info.name} is {info.size_text}; o opens it, D saves it.",
                markup=False,
                timeout=8,
            )
            return
        from ..config import attachment_limit
        from ..domain.attachments import file_bytes

        session = self.session

        def show(data: bytes) -> None:
            self.app.push_screen(PicturePreview(info, data))

        self.run_db(
            lambda: file_bytes(session, info.id, attachment_limit()), show, group="file"
        )


_PRIVATE: list[str] = []


def _private_folder() -> str:
    """A folder of this user alone (0700) for files handed to the opener;
    removed when the app ends."""
    folder = tempfile.mkdtemp(prefix="focus-tui-open-")
    _PRIVATE.append(folder)
    if len(_PRIVATE) == 1:
        atexit.register(_remove_private)
    return folder


def _remove_private() -> None:
    for folder in _PRIVATE:
        shutil.rmtree(folder, ignore_errors=True)


def file_facts(info, clock) -> Text:
    """A file's name, kind, size, hash, who added it and when."""
    added = clock.to_local(info.added_at)
    text = Text()
    for label, value in (
        ("Type", info.media_type),
        ("Size", f"{info.size_text} ({info.size:,} bytes)".replace(",", " ")),
        ("SHA-256", info.sha256),
        ("Added", f"{added:%a %-d %b %Y %H:%M} by {info.added_by or 'someone gone'}"),
    ):
        text.append(f"{label}: ", style="bold")
        text.append(one_line(value) + "\n")
    return text


def file_text(session, info) -> Text:
    """What the terminal shows of a text file or an e-mail: never markup,
    no control bytes (tabs as spaces)."""
    from ..domain.attachments import file_bytes, read_text

    text = file_facts(info, session.clock)
    text.append("\n")
    if info.media_type == "message/rfc822":
        from ..importing.mail import MAX_MESSAGE, parse_message

        message = parse_message(
            file_bytes(session, info.id, MAX_MESSAGE), info.name, cut_short=None
        )
        if hasattr(message, "reason"):
            text.append(f"This e-mail cannot be read: {one_line(message.reason)}")
            return text
        for label, people in (
            ("From", message.sender),
            ("To", message.to),
            ("Cc", message.cc),
        ):
            if people:
                names = ", ".join(
                    f"{p.name} <{p.address}>" if p.name else p.address for p in people
                )
                text.append(f"{label}: ", style="bold")
                text.append(one_line(names) + "\n")
        if message.date is not None:
            text.append("Date: ", style="bold")
            text.append(f"{message.date:%a %-d %b %Y %H:%M %z}\n")
        text.append("Subject: ", style="bold")
        text.append(one_line(message.subject) + "\n")
        if message.attachments:
            text.append("Files: ", style="bold")
            text.append(
                one_line(
                    ", ".join(
                        f"{a.filename} ({format_size(a.size)})"
                        for a in message.attachments
                    )
                )
                + "\n"
            )
        text.append("\n" + _readable(message.text))
        return text
    body = read_text(session, info.id, READ_LIMIT)
    text.append(_readable(body))
    if info.size > READ_LIMIT:
        text.append(
            f"\n\n… the first {format_size(READ_LIMIT)} of {info.size_text}; "
            "o opens the whole file.",
            style="italic",
        )
    return text


def _readable(body: str) -> str:
    return strip_controls(body.expandtabs(4).replace("\r\n", "\n"))


# -- pictures ----------------------------------------------------------------------

_graphics: dict[str, bool] = {}


def graphics_terminal(app) -> bool:
    """Whether this terminal shows Kitty or Sixel graphics, as textual-image
    finds out. Its check asks the terminal, which only works while the app
    does not read the keyboard: the first time, the app steps aside for a
    moment (`App.suspend`)."""
    if app.is_headless:
        return False  # no terminal at all
    if "answer" not in _graphics:
        from textual.app import SuspendNotSupported

        try:
            with app.suspend():
                _graphics["answer"] = _ask_textual_image()
        except SuspendNotSupported:  # a browser (textual-serve): no graphics
            _graphics["answer"] = False
    return _graphics["answer"]


def _ask_textual_image() -> bool:
    import textual_image.renderable as found
    import textual_image.widget  # noqa: F401 - it measures the cells at import

    return found.Image in (found.SixelImage, found.TGPImage)


class PicturePreview(ModalScreen[None]):
    """A picture as the terminal's graphics show it; any key closes it."""

    BINDINGS = [Binding("escape,v,q,enter", "close", "Close", id="picture_close")]

    def __init__(self, info, data: bytes) -> None:
        super().__init__()
        self.info = info
        self.data = data

    def compose(self) -> ComposeResult:
        from io import BytesIO

        from PIL import Image as Picture
        from textual_image.widget import Image

        with Vertical(id="detail", classes="dialog"):
            yield Label(
                Text(f"{one_line(self.info.name)} · {self.info.size_text}"),
                classes="dialog-title",
            )
            yield Image(Picture.open(BytesIO(self.data)), id="picture")
            yield Static(Text("esc closes"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#detail").styles.width = "100%"
        picture = self.query_one("#picture")
        picture.styles.width = "100%"
        picture.styles.height = max(3, self.app.size.height - 6)

    def action_close(self) -> None:
        self.dismiss(None)


class SaveDialog(ModalScreen[str | None]):
    """Where to save a file: a path, completed as typed; enter saves."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save_cancel")]

    def __init__(self, name: str, default: str) -> None:
        super().__init__()
        self.file_name = name
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(
                Text(f"Save {one_line(self.file_name)} to"), classes="dialog-title"
            )
            yield PathInput(
                self.default, suggester=PathSuggester(), id="save-path", compact=True
            )
            yield Static(
                Text(
                    "a file or a folder · owner-only (0600) · enter save · esc cancel"
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        field = self.query_one(PathInput)
        field.focus()
        field.cursor_position = len(field.value)

    @on(Input.Submitted, "#save-path")
    def _submit(self, event: Input.Submitted) -> None:
        path = typed_path(event.value)
        if not path:
            self.app.bell()
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
