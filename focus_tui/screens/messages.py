"""Messages screens learn about changes by.

A change to records — made on this screen, on another screen, by the CLI in
another terminal or by a colleague — reaches every screen that lists
records as one `RecordsChanged`; each reloads what it shows (now if it is
on top, else when it is shown again). The app's change watcher posts the
same message for changes made elsewhere.
"""

from __future__ import annotations

from textual.message import Message


class RecordsChanged(Message):
    """These records (None: any) changed; lists showing them read again.

    `origin` is the screen whose action made the change: it has already
    updated itself (and may keep a finished row visible so `x` can undo).
    """

    def __init__(
        self, ids: frozenset[int] | None = None, origin: object | None = None
    ) -> None:
        super().__init__()
        self.ids = ids
        self.origin = origin

    def can_replace(self, message: Message) -> bool:
        # Queued changes collapse into the newest: a screen reloads once.
        return isinstance(message, RecordsChanged) and message.origin is self.origin
