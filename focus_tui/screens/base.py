"""What every screen shares: running database work off the event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ..core.errors import UserError
from ..domain.session import DATABASE_ERRORS, describe_database_error


class DataScreen(Screen):
    """A screen whose database calls run in thread workers.

    `run_db(job, then)` runs `job()` in a thread; `then(result)` runs back on
    the event loop. A user mistake (UserError) becomes a notification; any
    other failure is reported once, here, instead of crashing the app.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._then: dict[Worker, Callable[[Any], None] | None] = {}

    @property
    def session(self):
        return self.app.session

    def run_db(
        self,
        job: Callable[[], Any],
        then: Callable[[Any], None] | None = None,
        *,
        group: str = "db",
        exclusive: bool = False,
    ) -> Worker:
        worker = self.run_worker(
            job, thread=True, exit_on_error=False, group=group, exclusive=exclusive
        )
        self._then[worker] = then
        return worker

    def read_now(self, job: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Run a page-sized read on the event loop (a few ms, see benchmarks/).

        A thread costs more than such a read: starting it, its own database
        connection and the GIL shared with the UI made a 12 ms feed load take
        50-200 ms. Unbounded reads and all writes still go through `run_db`.
        """
        try:
            result = job()
        except Exception as error:  # reported like a worker's failure
            self.show_error(error)
            return
        then(result)

    @on(Worker.StateChanged)
    def _db_job_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker not in self._then:
            return
        if event.state == WorkerState.SUCCESS:
            then = self._then.pop(worker)
            if then is not None:
                then(worker.result)
        elif event.state == WorkerState.ERROR:
            self._then.pop(worker)
            self.show_error(worker.error)
        elif event.state == WorkerState.CANCELLED:
            self._then.pop(worker)

    def show_error(self, error: BaseException | None) -> None:
        if isinstance(error, UserError):
            self.notify(str(error), severity="error", markup=False)
        elif isinstance(error, DATABASE_ERRORS):
            self.notify(
                describe_database_error(error),
                severity="error",
                markup=False,
                timeout=10,
            )
        else:
            self.log.error("database job failed", error)
            self.notify(
                f"Something went wrong: {error}",
                title="Error",
                severity="error",
                markup=False,
                timeout=10,
            )

    def say(self, message: str) -> None:
        """A short confirmation; user text inside it is never markup."""
        self.notify(message, markup=False, timeout=3)
