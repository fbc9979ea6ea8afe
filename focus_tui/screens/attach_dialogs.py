"""The dialogs of `a` and of a feed's file lines: a path (completed as
typed, or picked with textual-fspicker), an import's progress, a picture.
Imported when first opened (start-up)."""

from __future__ import annotations

import asyncio
import os
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
from ..core.text import one_line, shown
from .attach import AttachRequest, Target, _cut

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
        # Worked out here, not taken from the suggestion shown: a tab typed
        # right after the text comes before the suggestion does.
        completed = _complete(self.value) if self.value.strip() else None
        if completed and completed != self.value:
            self.value = completed
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


# -- the attach dialog ------------------------------------------------------------


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
        # A folder imports every file in it: the first enter says how many,
        # the second (on the same folder and record) imports them.
        self._folder_asked: tuple[str, int] | None = None
        # Each folder listed once: the preview follows every keystroke, on
        # the event loop, and a Maildir may hold thousands of messages.
        self._folder_sizes: dict[str, int] = {}

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
        self.query_one("#attach-other").display = len(self.targets) > 1
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
        self._folder_asked = None
        self._preview(event.value)

    def _preview(self, value: str) -> bool:
        """Say what enter will do; False when it cannot."""
        preview = self.query_one("#attach-preview", Static)
        where = f"#{self.target.record_id} {self._subtitle()}"
        ok, text = True, ""
        path = typed_path(value)
        if not path:
            text = f"→ goes to {where}"
        elif not os.path.lexists(path):
            ok, text = False, f"✗ No file {shown(path)} (yet: tab completes)"
        else:
            try:
                mail = _is_mail(path)
            except UserError as exc:
                ok, text = False, f"✗ {exc}"
            else:
                if mail and os.path.isdir(path):
                    count = self._folder_sizes.get(path)
                    if count is None:
                        count = self._folder_sizes[path] = files_in_folder(path)
                    files = f"{count} file" + ("" if count == 1 else "s")
                    if self._folder_asked == (path, self.target.record_id):
                        text = f"→ enter again: the {files} imported under {where}"
                    else:
                        text = (
                            f"→ a folder of {files}: its e-mail imported as "
                            f"Contact Notes under {where}"
                        )
                elif mail:
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
        if not os.path.lexists(path):
            # A typo: the dialog stays, with the path to mend (the preview
            # says there is no such file).
            self.app.bell()
            return
        asked = (path, self.target.record_id)
        if mail and os.path.isdir(path) and self._folder_asked != asked:
            self._folder_asked = asked
            self._preview(event.value)
            return
        # A file that cannot be attached (a FIFO, too big) is the attach
        # command's to refuse, with its own words.
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


def _is_mail(path: str) -> bool:
    from ..importing.mail import is_mail

    return is_mail(path)


def files_in_folder(path: str) -> int:
    from ..importing.mail import files_in_folder

    return files_in_folder(path)


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
