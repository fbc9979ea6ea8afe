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

import atexit
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.binding import Binding

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


@dataclass(frozen=True)
class Target:
    record_id: int
    title: str
    why: str  # "focused" / "highlighted" / "in view"


@dataclass(frozen=True)
class AttachRequest:
    path: str
    target: Target
    is_mail: bool


def _cut(title: str, width: int) -> str:
    title = one_line(title)
    return title if len(title) <= width else title[: width - 1] + "…"


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
        people = "Person" if done.people_created == 1 else "Persons"
        lines.append(f"{done.people_created} new Contact {people}.")
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

        from .attach_dialogs import AttachDialog

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
                f"Attached {one_line(info.name)} ({info.size_text}) to #{target.record_id} "
                f"“{one_line(target.title)}”."
            )
            self.reload(keep=self.current_id())

        self.run_db(work, done, group="attach")

    def _import_mail(self, request: AttachRequest) -> None:
        from ..domain.mail_import import import_mail
        from ..importing.mail import MailReader

        session, target, app = self.session, request.target, self.app
        from .attach_dialogs import ImportProgress

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

        from .attach_dialogs import SaveDialog

        self.app.push_screen(SaveDialog(info.name, default), chosen)

    def _save(self, info, target: Path, *, force: bool) -> None:
        from ..domain.attachments import save_file

        session = self.session

        def done(path: Path) -> None:
            self.say(
                f"Saved {one_line(info.name)} to {shown(str(path))} (readable by you alone)."
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
            lambda _path: self.say(
                f"Opened {one_line(info.name)} with {shown(command[0])}."
            ),
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
                f"{one_line(info.name)} is a picture of {info.size_text}. To see it here, "
                "install the picture preview: pip install 'focus-tui[pictures]' "
                "(then start again); o opens it meanwhile.",
                markup=False,
                timeout=8,
            )
            return
        if not graphics_terminal(self.app):
            self.notify(
                f"No preview in this terminal: it shows neither Kitty nor Sixel "
                f"graphics. {one_line(info.name)} is {info.size_text}; o opens it, D saves it.",
                markup=False,
                timeout=8,
            )
            return
        from ..config import attachment_limit
        from ..domain.attachments import file_bytes

        session = self.session

        def show(data: bytes) -> None:
            from .attach_dialogs import PicturePreview

            self.app.push_screen(PicturePreview(info, data))

        self.run_db(
            lambda: file_bytes(session, info.id, attachment_limit()), show, group="file"
        )


_PRIVATE: list[str] = []


def _private_folder() -> str:
    """A folder of this user alone (0700) for files handed to the opener;
    removed when the app ends."""
    import tempfile

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
