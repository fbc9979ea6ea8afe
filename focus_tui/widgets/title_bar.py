"""One line at the top of each screen: where you are, who you are."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from ..text import one_line


class TitleBar(Widget):
    DEFAULT_CSS = """
    TitleBar {
        height: 1;
        background: $primary;
        color: $text;
        text-style: bold;
    }
    """

    title: reactive[str] = reactive("")

    def __init__(self, title: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.title = title

    def render(self) -> Text:
        session = self.app.session
        right = f"{session.user.display_name} · {session.clock.today():%a %-d %b %Y} "
        width = self.size.width
        left = " Focus · " + one_line(self.title)
        room = max(0, width - len(right))
        if len(left) > room:
            left = left[: max(0, room - 1)] + "…"
        return Text(left.ljust(room) + right)
