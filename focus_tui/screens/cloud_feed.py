"""A cloud's own feed: everything in one of my clouds, newest first.

Opened with `C` from the main view (on the cloud it shows, else the first of
mine). Its settings are keys: `#` the next cloud, `t` the next record type,
`@` me, everyone or anyone of the team as actor (a picker),
`o` open / finished / both. `M` shows the cloud's members.

The capitals act on the cloud itself, as the small letters act on a record:
`N` a new cloud (it opens), `E` a new name, `A` archive it (hidden and
read-only, nothing deleted; the feed moves on to another cloud). `R` would
read as rename, but it is Revise wherever the sales keys are. The rules
(owners only, private clouds stay as they are, one name one cloud) are the
domain's (`domain.clouds`): a refusal is a notice and nothing changes.
"""

from __future__ import annotations

import dataclasses

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding

from ..core.process import ALL_TYPES
from ..core.text import one_line
from ..domain import clouds
from ..domain.access import my_clouds
from ..views import feed
from ..views.listing import RecordRow
from ..widgets.record_list import PagedLines, RecordList
from ..widgets.timer_bar import TimerBar
from ..widgets.title_bar import TitleBar
from .actions import RECORD_BINDINGS, RecordActions
from .attach import ATTACH_BINDING, AttachActions
from .base import DataScreen, key_footer
from .detail import DETAIL_BINDING, show_record
from .person_filter import PERSON_BINDING, PersonFilter, cloud_binding
from .step_dialog import TEXT, Field, StepDialog, StepForm

_TYPES = (None, *(t.key for t in ALL_TYPES))
_STATES = (None, False, True)  # both, open, finished
_STATE_NAMES = {None: "open and finished", False: "open", True: "finished"}


class CloudFeedScreen(AttachActions, PersonFilter, RecordActions, DataScreen):
    help_title = "A cloud's feed"

    BINDINGS = [
        *RECORD_BINDINGS,
        Binding("escape", "back", "Back", id="cloud_back"),
        cloud_binding("next_cloud"),
        # The footer has room for one setting; ? lists them all.
        Binding("t", "next_type", "Type", id="cloud_type", show=False),
        PERSON_BINDING,
        Binding("o", "next_state", "Open/done", id="cloud_state", show=False),
        Binding("M", "members", "Members", id="cloud_members", show=False),
        Binding("N", "new_cloud", "New cloud", id="cloud_create", show=False),
        Binding("E", "rename_cloud", "Rename cloud", id="cloud_rename", show=False),
        Binding("A", "archive_cloud", "Archive cloud", id="cloud_archive", show=False),
        DETAIL_BINDING,
        dataclasses.replace(ATTACH_BINDING, show=False),
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
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one(RecordList).focus()
        self.reload()

    def _retitle(self) -> None:
        names = dict(self._clouds)
        self.cloud_name = one_line(names.get(self.cloud_id, ""))
        bits = [self.cloud_name or "no cloud"]
        if self.settings.types:
            bits.append(_type_name(self.settings.types[0]))
        if not self.person.everyone:
            bits.append(self.person.as_actor())
        if self.settings.finished is not None:
            bits.append(_STATE_NAMES[self.settings.finished])
        self.query_one(TitleBar).title = "Cloud · " + " · ".join(bits)

    def current_id(self) -> int | None:
        row = self.target()
        return row.id if row else None

    def action_read_in_full(self) -> None:
        """v: the highlighted record in full (title, notes, sums)."""
        if (row := self.target()) is not None:
            show_record(self, row.id)

    def target(self) -> RecordRow | None:
        line = self.query_one(RecordList).current
        return line if isinstance(line, RecordRow) else None

    # -- data -------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        """Read my clouds again (one may have been made, renamed or archived,
        here or by a colleague) and the first page of the one shown; if it
        is no longer mine, the first of mine."""
        session, wanted, settings = self.session, self.cloud_id, self.settings

        def load():
            found = [(c.id, c.name) for c in my_clouds(session)]
            ids = [cid for cid, _ in found]
            cloud_id = wanted if wanted in ids else (ids[0] if ids else None)
            if cloud_id is None:
                return found, None, 0, []
            total = feed.cloud_feed_count(session, cloud_id, settings)
            first = feed.cloud_feed(session, cloud_id, settings, 0, PagedLines.PAGE)
            return found, cloud_id, total, first

        def show(result) -> None:
            found, cloud_id, total, first = result
            self._clouds, self.cloud_id = found, cloud_id
            self._retitle()
            lines = PagedLines(
                total,
                lambda start, limit: (
                    feed.cloud_feed(session, cloud_id, settings, start, limit)
                    if cloud_id is not None
                    else []
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

    def person_changed(self) -> None:
        self._changed(actor_id=self.person.user_id)

    def action_next_state(self) -> None:
        at = _STATES.index(self.settings.finished)
        self._changed(finished=_STATES[(at + 1) % len(_STATES)])

    def action_back(self) -> None:
        self.app.pop_screen()

    # -- the cloud itself --------------------------------------------------------

    def _shown_cloud(self) -> str | None:
        """The name of the cloud shown, as stored (the domain finds it by it)."""
        return dict(self._clouds).get(self.cloud_id)

    def action_new_cloud(self) -> None:
        """N: a new team cloud, with me as its owner; it opens here."""
        form = StepForm(
            "New cloud",
            [Field("name", "Name", TEXT, hint="e.g. Sales East")],
            note="You are its owner; M then adds colleagues.",
        )

        def chosen(values: dict | None) -> None:
            if values is None:
                return
            name = values["name"]
            self.run_db(lambda: clouds.create_cloud(self.session, name), self._created)

        self.app.push_screen(StepDialog(form, self.session.clock), chosen)

    def _created(self, cloud) -> None:
        self.cloud_id = cloud.id
        self._cloud_changed(
            f"Created {one_line(cloud.name)}: you are its owner (M adds members)."
        )

    def action_rename_cloud(self) -> None:
        """E: a new name for the cloud shown (owners; not a private cloud)."""
        old = self._shown_cloud()
        if old is None:
            return
        form = StepForm(f"Rename {old}", [Field("name", "New name", TEXT, old)])

        def chosen(values: dict | None) -> None:
            if values is None or values["name"] == old:
                return  # confirmed as it was: nothing to do
            new = values["name"]
            self.run_db(
                lambda: clouds.rename_cloud(self.session, old, new),
                lambda cloud: self._cloud_changed(
                    f"Renamed {one_line(old)} to {one_line(cloud.name)}."
                ),
            )

        self.app.push_screen(StepDialog(form, self.session.clock), chosen)

    def action_archive_cloud(self) -> None:
        """A: hide the cloud shown and all in it (owners; not a private one)."""
        from .time_entries import ConfirmDialog

        name, cloud_id = self._shown_cloud(), self.cloud_id
        if name is None:
            return

        def answered(yes: bool) -> None:
            if yes:
                self.run_db(
                    lambda: clouds.archive_cloud(self.session, name),
                    lambda _cloud: self._archived(cloud_id, name),
                )

        self.app.push_screen(
            ConfirmDialog(
                f"Archive {one_line(name)}?",
                "It is hidden from every view, with everything in it, and "
                "read-only; nothing is deleted (an owner brings it back with "
                "focus-tui cloud unarchive).",
            ),
            answered,
        )

    def _archived(self, cloud_id: int, name: str) -> None:
        # On to the cloud after it (before it, if it was the last).
        ids = [cid for cid, _ in self._clouds]
        at = ids.index(cloud_id) if cloud_id in ids else 0
        rest = [cid for cid in ids if cid != cloud_id]
        self.cloud_id = rest[min(at, len(rest) - 1)] if rest else None
        self._cloud_changed(
            f"Archived {one_line(name)}: hidden and read-only, nothing deleted."
        )

    def _cloud_changed(self, message: str) -> None:
        self.say(message)
        # What every screen lists may have changed (an archived cloud's
        # records leave them all), and so have the clouds they go round.
        self.app.records_changed(None, origin=self)
        self.reload()

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
