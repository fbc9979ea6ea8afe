"""The start screen: my unfinished activities, grouped by date."""

from __future__ import annotations

import dataclasses

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding

from ..core.dates import Bucket
from ..core.process import TASK
from ..core.text import one_line
from ..views import agenda
from ..views.listing import RecordRow
from ..widgets.record_list import GroupLine, PagedLines, RecordList
from ..widgets.timer_bar import TimerBar
from ..widgets.title_bar import TitleBar
from .actions import RECORD_BINDINGS, RecordActions
from .attach import ATTACH_BINDING, AttachActions
from .base import DataScreen, key_footer
from .detail import DETAIL_BINDING, show_record
from .person_filter import cloud_binding
from .sales_actions import SALES_BINDINGS, SalesActions
from .templates import TEMPLATE_BINDINGS, TemplateActions


class MainScreen(
    TemplateActions, AttachActions, SalesActions, RecordActions, DataScreen
):
    """Overdue / Today / Tomorrow / This week / Later / No date."""

    BINDINGS = [
        *RECORD_BINDINGS,
        *SALES_BINDINGS,
        *TEMPLATE_BINDINGS,
        dataclasses.replace(ATTACH_BINDING, show=False),
        Binding("r", "refresh", "Refresh", id="refresh", show=False),
        cloud_binding("cycle_cloud", show=False),
        DETAIL_BINDING,
        Binding("C", "cloud_feed", "Cloud feed", id="main_cloud_feed", show=False),
    ]

    # The one cloud shown, or None for all my clouds (`c` goes round them).
    cloud_id: int | None = None
    cloud_name = "all my clouds"

    def compose(self) -> ComposeResult:
        yield TitleBar(self._title())
        yield TimerBar()
        yield RecordList(
            self.session.clock,
            empty_text="Nothing on your plate. Press n to add an activity.",
            id="agenda",
        )
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one(RecordList).focus()
        self.reload()

    def _title(self) -> str:
        if self.cloud_id is None:
            return "My activities"
        return f"My activities · {self.cloud_name}"

    def action_cloud_feed(self) -> None:
        """C: the feed of the cloud shown (else of the first of mine)."""
        from .cloud_feed import CloudFeedScreen

        self.app.push_screen(CloudFeedScreen(self.cloud_id))

    def action_cycle_cloud(self) -> None:
        """c: all my clouds, then each of them in turn."""
        from ..domain.access import my_clouds

        def show(clouds: list[tuple[int, str]]) -> None:
            ids = [None, *(cid for cid, _ in clouds)]
            names = ["all my clouds", *(one_line(name) for _, name in clouds)]
            at = ids.index(self.cloud_id) if self.cloud_id in ids else 0
            at = (at + 1) % len(ids)
            self.cloud_id, self.cloud_name = ids[at], names[at]
            self.query_one(TitleBar).title = self._title()
            self.reload()
            self.notify(f"Showing {self.cloud_name}.", markup=False, timeout=2)

        self.read_now(lambda: [(c.id, c.name) for c in my_clouds(self.session)], show)

    def current_id(self) -> int | None:
        row = self.target()
        return row.id if row else None

    def action_read_in_full(self) -> None:
        """v: the highlighted record in full (title, notes, sums)."""
        if (row := self.target()) is not None:
            show_record(self, row.id)

    # -- data -------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        from ..domain.access import my_clouds

        session = self.session
        shown = self.cloud_id

        def load():
            cloud_id, name = shown, None
            if cloud_id is not None:
                # The cloud shown may have been renamed, archived or left
                # (here or by a colleague): its name now, or all my clouds.
                name = {c.id: c.name for c in my_clouds(session)}.get(cloud_id)
                cloud_id = cloud_id if name is not None else None
            counts = agenda.bucket_counts(session, cloud_id)
            dated = sum(c for b, c in counts if b is not Bucket.NO_DATE)
            first = agenda.fetch_page(session, 0, PagedLines.PAGE, dated, cloud_id)
            return (shown, cloud_id, name), counts, dated, first

        self.read_now(load, lambda result: self._show(*result, keep=keep))

    def _show(self, cloud, counts, dated: int, first: list[RecordRow], keep) -> None:
        asked, cloud_id, name = cloud
        if asked is not None and asked == self.cloud_id:  # not a stale read
            self.cloud_id = cloud_id
            self.cloud_name = one_line(name) if name else "all my clouds"
            self.query_one(TitleBar).title = self._title()
        session = self.session
        fixed = []
        offset = 0
        for bucket, count in counts:
            if count:
                fixed.append((offset, GroupLine(bucket.label, count, bucket.value)))
                offset += count
        lines = PagedLines(
            offset,
            lambda start, limit: agenda.fetch_page(
                session, start, limit, dated, cloud_id
            ),
            fixed,
        )
        lines.seed(0, first)
        record_list = self.query_one(RecordList)
        focus = self.app.running_focus
        record_list.set_focus_record(focus.record_id if focus else None)
        record_list.set_lines(lines, keep_record=keep)
        self.sub_title = f"{offset} open"

    @on(RecordList.Highlighted)
    def _highlighted(self) -> None:
        self.sales_keys_follow(self.target())

    def target(self) -> RecordRow | None:
        line = self.query_one(RecordList).current
        return line if isinstance(line, RecordRow) else None

    # -- actions ----------------------------------------------------------

    def action_refresh(self) -> None:
        self.reload(keep=self.current_id())

    def action_new(self) -> None:
        from .record_form import FormStart

        self.open_new_form(FormStart(type=TASK), parent_id=None)

    @on(RecordList.Selected)
    def _open_feed(self, event: RecordList.Selected) -> None:
        from .feed import FeedScreen

        if isinstance(event.line, RecordRow):
            self.app.push_screen(FeedScreen(event.line.id))

    def _after_finish(self, record) -> None:
        self.changed(record.id)
        self.app.refresh_focus()
        # Keep the row (ticked) until the next refresh, so x can undo it.
        record_list = self.query_one(RecordList)
        row = record_list.current
        if isinstance(row, RecordRow) and row.id == record.id:
            record_list.row_changed(
                dataclasses.replace(row, finished_at=record.finished_at)
            )
        done = record.finished_at is not None
        title = one_line(record.title)
        self.say(
            f"Finished “{title}” (x again undoes)."
            if done
            else f"“{title}” is open again."
        )

    def _after_focus(self, row: RecordRow, running) -> None:
        self.changed(row.id)
        self.app.running_focus = running
        self.query_one(RecordList).set_focus_record(
            running.record_id if running else None
        )
        title = one_line(row.title)
        self.say(
            f"Focusing on “{title}”." if running else f"Stopped focusing on “{title}”."
        )
