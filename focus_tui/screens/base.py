"""What every screen that lists records shares: database work off the event
loop (failures handled by the app, in one place) and reloading on changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.screen import Screen
from textual.worker import Worker

from ..widgets.key_footer import KeyFooter
from .messages import RecordsChanged


def key_footer() -> KeyFooter:
    """The footer of every screen: the most used keys, fitting 80 columns.

    The palette key is left out: at 80 columns it took the room of the last
    keys. `?` (in every footer) lists it with all the keys a footer leaves
    out.
    """
    return KeyFooter()


class DataScreen(Screen):
    """A screen whose database calls run in thread workers of the app.

    `run_db(job, then)` runs `job()` in a thread; `then(result)` runs back on
    the event loop. Failures of either go to `FocusApp.report_failure`.

    A screen learns about changes only through `RecordsChanged`: on top, it
    reloads (`reload(keep=...)`); underneath, it reloads when shown again.
    """

    _stale = False

    @property
    def session(self):
        return self.app.session

    def on_mount(self) -> None:
        self.app.listen_for_changes(self)

    def run_db(
        self,
        job: Callable[[], Any],
        then: Callable[[Any], None] | None = None,
        *,
        group: str = "db",
        exclusive: bool = False,
    ) -> Worker:
        return self.app.run_db(
            job,
            then,
            owner=self,
            group=group,
            exclusive=exclusive,
            failed=self.job_failed,
        )

    def job_failed(self, error: BaseException | None) -> bool:
        """Hook: take a failure over (return True), e.g. close a progress dialog."""
        return False

    def read_now(
        self, job: Callable[[], Any], then: Callable[[Any], None], attempt: int = 0
    ) -> None:
        """Run a page-sized read on the event loop (a few ms, see benchmarks/).

        A thread costs more than such a read: starting it, its own database
        connection and the GIL shared with the UI made a 12 ms feed load take
        50-200 ms. Unbounded reads and all writes still go through `run_db`.
        """
        try:
            result = job()
        except Exception as error:  # handled like a worker's failure
            if not self.job_failed(error):
                self.app.report_failure(
                    error,
                    again=lambda: self.read_now(job, then, attempt + 1),
                    attempt=attempt,
                )
            return
        then(result)

    # -- changes ------------------------------------------------------------------

    def changed(self, *record_ids: int) -> None:
        """This screen changed these records: every other screen hears of it."""
        self.app.records_changed(record_ids, origin=self)

    def reload(self, keep: int | None = None) -> None:  # pragma: no cover
        raise NotImplementedError

    def current_id(self) -> int | None:
        """The record under the cursor, kept there across a reload."""
        return None

    @on(RecordsChanged)
    def _records_changed(self, message: RecordsChanged) -> None:
        if message.origin is self:
            return  # this screen's own action already updated it
        if self.app.screen is self:
            self.reload(keep=self.current_id())
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.reload(keep=self.current_id())

    def say(self, message: str) -> None:
        """A short confirmation; user text inside it is never markup."""
        self.notify(message, markup=False, timeout=3)
