"""One line at the top of each screen: where you are, who you are."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from ..core.text import one_line


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
        room = max(0, self.size.width - cell_len(right))
        left = " Focus · " + one_line(self.title)
        if cell_len(left) > room:
            left = set_cell_size(left, max(0, room - 1)) + "…"
        return Text(set_cell_size(left, room) + right)
