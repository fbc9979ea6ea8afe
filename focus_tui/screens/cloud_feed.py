"""A cloud's own feed: everything in one of my clouds, newest first.

Opened with `C` from the main view (on the cloud it shows, else the first of
mine). Its settings are keys: `c` the next cloud, `t` the next record type,
`a` me or everyone as actor, `o` open / finished / both. `M` shows the
cloud's members.
"""

from __future__ import annotations

import dataclasses

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from ..core.process import ALL_TYPES
from ..core.text import one_line
from ..domain.access import my_clouds
from ..views import feed
from ..views.listing import RecordRow
from ..widgets.record_list import PagedLines, RecordList
from ..widgets.timer_bar import TimerBar
from ..widgets.title_bar import TitleBar
from .actions import RECORD_BINDINGS, RecordActions
from .base import DataScreen

_TYPES = (None, *(t.key for t in ALL_TYPES))
_STATES = (None, False, True)  # both, open, finished
_STATE_NAMES = {None: "open and finished", False: "open", True: "finished"}


class CloudFeedScreen(RecordActions, DataScreen):
    BINDINGS = [
        *RECORD_BINDINGS,
        Binding("escape", "back", "Back", id="cloud_back"),
        Binding("c", "next_cloud", "Cloud", id="cloud_next"),
        # The footer has room for one setting; ? lists them all.
        Binding("t", "next_type", "Type", id="cloud_type", show=False),
        Binding("a", "toggle_actor", "Me/all", id="cloud_actor", show=False),
        Binding("o", "next_state", "Open/done", id="cloud_state", show=False),
        Binding("M", "members", "Members", id="cloud_members", show=False),
    ]

    def __init__(self, cloud_id: int | None = None) -> None:
        super().__init__()
        self.cloud_id = cloud_id
        self.cloud_name = ""
        self.settings = feed.CloudFeedSettings()
        self._clouds: list[tuple[int, str]] = []

    def compose(self) -> ComposeResult:
        yield TitleBar("Cloud")
        yield TimerBar()
        yield RecordList(
            self.session.clock,
            empty_text="Nothing here for these settings.",
            id="cloud",
        )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(RecordList).focus()

        def clouds() -> list[tuple[int, str]]:
            return [(c.id, c.name) for c in my_clouds(self.session)]

        def start(found: list[tuple[int, str]]) -> None:
            self._clouds = found
            ids = [cid for cid, _ in found]
            if self.cloud_id not in ids:
                self.cloud_id = ids[0] if ids else None
            self._retitle()
            self.reload()

        self.read_now(clouds, start)

    def _retitle(self) -> None:
        names = dict(self._clouds)
        self.cloud_name = one_line(names.get(self.cloud_id, ""))
        bits = [self.cloud_name or "no cloud"]
        if self.settings.types:
            bits.append(_type_name(self.settings.types[0]))
        if self.settings.actor_id is not None:
            bits.append("me as actor")
        if self.settings.finished is not None:
            bits.append(_STATE_NAMES[self.settings.finished])
        self.query_one(TitleBar).title = "Cloud · " + " · ".join(bits)

    def current_id(self) -> int | None:
        row = self.target()
        return row.id if row else None

    def target(self) -> RecordRow | None:
        line = self.query_one(RecordList).current
        return line if isinstance(line, RecordRow) else None

    # -- data -------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        session, cloud_id, settings = self.session, self.cloud_id, self.settings
        if cloud_id is None:
            return

        def load():
            total = feed.cloud_feed_count(session, cloud_id, settings)
            first = feed.cloud_feed(session, cloud_id, settings, 0, PagedLines.PAGE)
            return total, first

        def show(result) -> None:
            total, first = result
            lines = PagedLines(
                total,
                lambda start, limit: feed.cloud_feed(
                    session, cloud_id, settings, start, limit
                ),
            )
            lines.seed(0, first)
            self.query_one(RecordList).set_lines(lines, keep_record=keep)
            self.sub_title = f"{total} records"

        self.read_now(load, show)

    # -- settings ---------------------------------------------------------

    def _changed(self, **values) -> None:
        self.settings = dataclasses.replace(self.settings, **values)
        self._retitle()
        self.reload()

    def action_next_cloud(self) -> None:
        ids = [cid for cid, _ in self._clouds]
        if not ids:
            return
        at = ids.index(self.cloud_id) if self.cloud_id in ids else -1
        self.cloud_id = ids[(at + 1) % len(ids)]
        self._changed()

    def action_next_type(self) -> None:
        now = self.settings.types[0] if self.settings.types else None
        nxt = _TYPES[(_TYPES.index(now) + 1) % len(_TYPES)]
        self._changed(types=(nxt,) if nxt else ())

    def action_toggle_actor(self) -> None:
        mine = self.settings.actor_id is None
        self._changed(actor_id=self.session.user_id if mine else None)

    def action_next_state(self) -> None:
        at = _STATES.index(self.settings.finished)
        self._changed(finished=_STATES[(at + 1) % len(_STATES)])

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_members(self) -> None:
        """M: who is in this cloud; owners add and remove members there."""
        from .members import MembersScreen

        if self.cloud_id is not None:
            self.app.push_screen(MembersScreen(dict(self._clouds)[self.cloud_id]))

    def action_new(self) -> None:
        """n: a new record in this cloud."""
        from ..core.process import TASK
        from .record_form import FormStart

        if self.cloud_id is not None:
            names = dict(self._clouds)
            self.open_new_form(
                FormStart(type=TASK), parent_id=None, cloud=names[self.cloud_id]
            )

    @on(RecordList.Selected)
    def _open_feed(self, event: RecordList.Selected) -> None:
        from .feed import FeedScreen

        if isinstance(event.line, RecordRow):
            self.app.push_screen(FeedScreen(event.line.id))


def _type_name(key: str) -> str:
    return next(t.name for t in ALL_TYPES if t.key == key)
