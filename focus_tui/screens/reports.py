"""Reports (`3`): statistics of the sales process and where the time went."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import ContentSwitcher, Static

from .. import config
from ..core.errors import UserError
from ..core.money import MoneyTotals
from ..core.process import PHASE_LABELS, PHASES, parse_type
from ..core.text import format_duration, one_line
from ..domain.access import my_clouds
from ..views import reports
from ..views.report_view import ViewIndex, ViewSettings, sales_settings
from ..views.reports import Filters
from ..widgets.bar_chart import BarChart, Row, Series
from ..widgets.report_table import ReportTable
from ..widgets.timer_bar import TimerBar
from ..widgets.title_bar import TitleBar
from ..widgets.week_grid import WeekGrid
from .base import DataScreen, key_footer
from .export_progress import Cancelled, ExportProgress
from .person_filter import PERSON_BINDING, PersonFilter, cloud_binding
from .step_dialog import DAY, TEXT, Field, StepDialog, StepForm

# The State setting of the list views, as typed: open / finished / all.
STATE_WORDS = {"open": False, "finished": True, "all": None}
# The Timesheet's week keys, one item in the footer ("[ ] Week"); the space
# after it, because a compact footer puts none after a group's label.
WEEK_KEYS = Binding.Group("Week ")


class ReportsScreen(PersonFilter, DataScreen):
    """Statistics: offers vs orders, conversion, days between steps, phases."""

    help_title = "Reports"

    VIEWS = ("stats", "sales", "records", "timesheet")
    VIEW_NAMES = {
        "stats": "Statistics",
        "sales": "Sales Process",
        "records": "Report Export",
        "timesheet": "Timesheet",
    }

    BINDINGS = [
        Binding("v", "next_view", "View", id="next_view"),
        Binding("p", "period", "Period", id="period"),
        Binding("o", "options", "Settings", id="view_options"),
        Binding("E", "export", "Export .xlsx", id="export"),
        cloud_binding("next_cloud"),
        replace(PERSON_BINDING, show=True),
        Binding("r", "refresh", "Refresh", id="refresh_reports", show=False),
        # The Timesheet's weeks; brackets clash with no key of DESIGN §4.
        # One footer item for both: the footer is full at 80 columns.
        Binding(
            "left_square_bracket",
            "week(-1)",
            "Week before",
            id="week_before",
            group=WEEK_KEYS,
        ),
        Binding(
            "right_square_bracket",
            "week(1)",
            "Week after",
            id="week_after",
            group=WEEK_KEYS,
        ),
    ]
    # Keys that mean nothing in the Timesheet (one person's week: yours, or
    # the one @ picked) or only there; hidden from the footer and help where
    # they do not apply.
    NOT_IN_TIMESHEET = frozenset({"options"})
    ONLY_IN_TIMESHEET = frozenset({"week"})

    def __init__(self) -> None:
        super().__init__()
        self.filters = Filters()
        self.view = "stats"
        # Feed settings of the list views (types, finished / unfinished).
        self.types: tuple[str, ...] = ()
        self.finished: bool | None = None
        self._clouds: list = []  # the user's clouds (id, name)
        self.week = date.min  # the Timesheet's Monday (this week's, once mounted)

    def compose(self) -> ComposeResult:
        yield TitleBar("Reports · Statistics")
        yield TimerBar()
        yield Static("", id="filters-line", classes="filters")
        with ContentSwitcher(initial="stats"):
            with VerticalScroll(id="stats"):
                yield Static(
                    Text("Offers vs orders per month", style="bold"), classes="heading"
                )
                yield BarChart(
                    [Series("offers (sent)", "blue"), Series("orders (sold)", "green")],
                    id="monthly-chart",
                )
                yield Static("", id="numbers")
                yield Static("", id="month-values")
                yield Static(
                    Text("Focused time per phase", style="bold"), classes="heading"
                )
                yield BarChart([Series("hours", "magenta")], id="phase-chart")
                yield Static("", id="lost")
            yield ReportTable(id="sales")
            yield ReportTable(id="records")
            with VerticalScroll(id="timesheet"):
                yield WeekGrid(id="week-grid")
        yield key_footer()

    def on_mount(self) -> None:
        self.week = reports.monday_of(self.session.clock.today())
        self.query_one("#stats").focus()
        self.reload()

    # -- data -----------------------------------------------------------------

    def view_settings(self) -> ViewSettings:
        """The list views' feed settings, from the screen's filters."""
        settings = ViewSettings(
            types=self.types,
            start=self.filters.start,
            end=self.filters.end,
            cloud_id=self.filters.cloud_id,
            actor_id=self.filters.user_id,
            finished=self.finished,
        )
        return sales_settings(settings) if self.view == "sales" else settings

    def week_filters(self) -> Filters:
        """The Timesheet's: the week shown, the cloud chosen, and one
        person's time: the one @ picked, else yours."""
        return Filters(
            start=self.week,
            end=self.week + timedelta(days=6),
            cloud_id=self.filters.cloud_id,
            user_id=self.filters.user_id or self.session.user_id,
        )

    def _set_clouds(self, clouds: list) -> None:
        """My clouds, read again with every reload (one may have been made,
        renamed or archived): a filter on a cloud no longer mine goes back
        to all of them."""
        self._clouds = clouds
        if self.filters.cloud_id not in {None, *(c.id for c in clouds)}:
            self.filters = replace(self.filters, cloud_id=None)

    def reload(self, keep: int | None = None) -> None:
        self.read_now(lambda: my_clouds(self.session), self._set_clouds)
        self.query_one("#filters-line", Static).update(self._filters_text())
        if self.view == "timesheet":
            session, filters, monday = self.session, self.week_filters(), self.week
            today = session.clock.today()
            self.run_db(
                lambda: reports.week_lines(reports.timesheet(session, filters), monday),
                lambda lines: self.query_one(WeekGrid).set_week(monday, lines, today),
                group="timesheet",
                exclusive=True,
            )
            return
        if self.view != "stats":
            session, settings, view = self.session, self.view_settings(), self.view
            # Reading the view's ids is one query over the whole selection
            # (~0.1 s at 100k rows): a worker.
            self.run_db(
                lambda: ViewIndex(session, settings),
                lambda index: self.query_one(f"#{view}", ReportTable).set_index(index),
                group="view",
                exclusive=True,
            )
            return
        # Every figure covers the period the header names (`stats_period`).
        session, filters = (
            self.session,
            reports.stats_period(self.session, self.filters),
        )

        def load():
            return (
                reports.monthly(session, filters),
                reports.conversion(session, filters),
                reports.spans(session, filters),
                reports.phase_totals(session, filters),
                reports.lost_reasons(session, filters),
                reports.outcome_averages(session, filters),
            )

        # Aggregates over the whole period: a worker, not the event loop.
        self.run_db(
            load, lambda result: self._show(*result), group="stats", exclusive=True
        )

    def _show(self, months, conversion, spans, phases, lost, outcomes) -> None:
        self.query_one("#filters-line", Static).update(self._filters_text())
        # The bars count offers and orders; their values, one sum per
        # currency, are in the table under the chart.
        self.query_one("#monthly-chart", BarChart).set_rows(
            [
                Row(
                    m.month.strftime("%b %y"),
                    (m.offers, m.orders),
                    (str(m.offers), str(m.orders)),
                )
                for m in months
            ]
        )
        self.query_one("#month-values", Static).update(self._month_values(months))
        numbers = Text()
        monthly_rates = [
            f"{m.month:%b} {100 * m.conversion:.0f} %"
            for m in months
            if m.conversion is not None
        ]
        if monthly_rates:
            numbers.append(
                "Conversion by month: " + " · ".join(monthly_rates), style="dim"
            )
        self.query_one("#numbers", Static).update(
            Group(numbers, self._numbers(conversion, spans, outcomes))
        )
        by_phase = {r.phase: r.seconds for r in phases}
        self.query_one("#phase-chart", BarChart).set_rows(
            [
                Row(
                    PHASE_LABELS[p],
                    (by_phase[p] / 3600,),
                    (format_duration(by_phase[p]),),
                )
                for p in PHASES
                if by_phase.get(p)
            ]
        )
        lost_text = Text("Lost reasons\n", style="bold")
        if lost:
            for reason, count in lost[:8]:
                lost_text.append(f"  {count:>4}  ")
                lost_text.append(one_line(reason) + "\n", style="")
        else:
            lost_text.append("  No lost proposals in this selection.\n", style="italic")
        self.query_one("#lost", Static).update(lost_text)

    def _month_values(self, months) -> Group:
        """Offers and orders value per month, one sum per currency; under
        each, with settings.toml's [rates], the converted total (≈)."""
        rates = config.rates()
        heading = Text("Value by month", style="bold")
        heading.append("  one-time sums, each currency apart", style="dim")
        notes = [Text(rates.note, style="yellow")] if rates.note else []
        shown = [m for m in months if m.offers_value or m.orders_value]
        if not shown:
            empty = Text("  No offers or orders.", style="italic")
            return Group(heading, empty, *notes)
        # Two columns of sums beside the month, as wide as the screen allows.
        room = self.query_one("#stats").size.width or 80
        width = max(20, min(48, (room - 16) // 2))
        table = Table.grid(padding=(0, 2))
        table.add_column(width=9)
        table.add_column(width=width)
        table.add_column(width=width)
        table.add_row("", Text("offers (sent)", "blue"), Text("orders (sold)", "green"))
        total_offers, total_orders = MoneyTotals(), MoneyTotals()
        converted = []
        for m in shown:
            table.add_row(
                m.month.strftime("%b %y"),
                self._sums(m.offers_value, width, rates, converted),
                self._sums(m.orders_value, width, rates, converted),
            )
            total_offers += m.offers_value
            total_orders += m.orders_value
        table.add_row(
            Text("Total", style="bold"),
            self._sums(total_offers, width, rates, converted),
            self._sums(total_orders, width, rates, converted),
        )
        if converted:
            first = converted[0]
            notes.insert(
                0,
                Text(
                    f"≈ converted to {first.currency}, {first.rates_label} "
                    "(settings.toml [rates])",
                    style="dim",
                ),
            )
        return Group(heading, table, *notes)

    @staticmethod
    def _sums(totals: MoneyTotals, width: int, rates, converted: list) -> Text:
        """Every currency's sum over a few lines ("+N more" past four), and
        the converted total when rates cover them all."""
        if not totals:
            return Text("–", style="dim")
        text = Text("\n".join(totals.compact_lines(width, 4)))
        total = rates.worth_showing(totals)
        if total is not None:
            converted.append(total)
            text.append("\n" + total.format(compact=True), style="dim italic")
        return text

    def _filters_text(self) -> Text:
        f = self.filters
        if self.view == "timesheet":
            sunday = self.week + timedelta(days=6)
            cloud = next(
                (c.name for c in self._clouds if c.id == f.cloud_id), "all my clouds"
            )
            whose = (
                "Your time"
                if self.person.user_id in (None, self.session.user_id)
                else f"@{self.person.label}"
            )
            return Text(
                f"Week {reports.week_label(self.week)}: {self.week:%d.%m.} – "
                f"{sunday:%d.%m.%Y} · Cloud: {one_line(cloud)} · {whose}",
                style="dim",
            )
        if self.view == "stats":
            # The days the figures cover (by default the chart's months up to
            # today): the dates alone, so the line fits 80 columns.
            shown = reports.stats_period(self.session, f)
            period = f"{shown.start or '…'} – {shown.end or '…'}"
        else:
            period = (
                f"{f.start or '…'} – {f.end or '…'}"
                if (f.start or f.end)
                else "all dates"
            )
        cloud = next(
            (c.name for c in self._clouds if c.id == f.cloud_id), "all my clouds"
        )
        person = self.person.label
        return Text(
            f"Period: {period} · Cloud: {one_line(cloud)} · People: {person}",
            style="dim",
        )

    def _numbers(self, conversion, spans, outcomes) -> Table:
        won, sent = conversion
        table = Table.grid(padding=(0, 2))
        table.add_column()
        table.add_column(justify="right")
        table.add_column(justify="right")
        table.add_column(justify="right")
        rate = f"{100 * won / sent:.0f} %" if sent else "–"
        table.add_row(
            Text("Conversion (orders / sent)", style="bold"), rate, f"{won}/{sent}", ""
        )
        table.add_row(
            Text("Days between steps", style="bold"), "mean", "median", "count"
        )
        for span in spans:
            table.add_row(
                "  " + reports.span_label(span.key),
                "–" if span.mean_days is None else f"{span.mean_days:.1f}",
                "–" if span.median_days is None else f"{span.median_days:.1f}",
                str(span.count),
            )
        if outcomes.won_deals or outcomes.lost_deals:
            table.add_row(
                Text("Focused per deal", style="bold"),
                f"won ({outcomes.won_deals})",
                f"lost ({outcomes.lost_deals})",
                "",
            )
            for phase in PHASES:
                w, lo = outcomes.won.get(phase), outcomes.lost.get(phase)
                if w or lo:
                    table.add_row(
                        "  " + PHASE_LABELS[phase],
                        format_duration(w or 0),
                        format_duration(lo or 0),
                        "",
                    )
        return table

    # -- views ---------------------------------------------------------------

    def action_next_view(self) -> None:
        self.view = self.VIEWS[(self.VIEWS.index(self.view) + 1) % len(self.VIEWS)]
        self.query_one(ContentSwitcher).current = self.view
        self.query_one(TitleBar).title = f"Reports · {self.VIEW_NAMES[self.view]}"
        self.query_one(f"#{self.view}").focus()
        self.refresh_bindings()
        self.reload()

    def check_action(self, action: str, parameters) -> bool | None:
        if action in self.ONLY_IN_TIMESHEET:
            return self.view == "timesheet"
        if action in self.NOT_IN_TIMESHEET:
            return self.view != "timesheet"
        return super().check_action(action, parameters)

    def action_week(self, step: int) -> None:
        """[ and ]: the Timesheet's week before / after."""
        self.week += timedelta(weeks=step)
        self.reload()

    def on_report_table_selected(self, event: ReportTable.Selected) -> None:
        from .feed import FeedScreen

        self.app.push_screen(FeedScreen(event.row.id))

    def action_options(self) -> None:
        """Feed settings of the list views: record types and state."""
        form = StepForm(
            "Report Export settings",
            [
                Field(
                    "types",
                    "Types",
                    TEXT,
                    ", ".join(self.types),
                    hint="e.g. task, sales lead (empty: all)",
                ),
                Field(
                    "state",
                    "State",
                    TEXT,
                    {v: k for k, v in STATE_WORDS.items()}[self.finished],
                    hint="open, finished or all",
                ),
            ],
            note="The period (p), cloud (c) and person (a, @) apply too.",
        )

        def chosen(values: dict | None) -> None:
            if values is None:
                return
            try:
                types = tuple(
                    parse_type(t).key for t in values["types"].split(",") if t.strip()
                )
            except UserError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            state = values["state"].strip().lower() or "all"
            if state not in STATE_WORDS:
                self.notify(
                    "State is open, finished or all.", severity="error", markup=False
                )
                return
            self.types = types
            self.finished = STATE_WORDS[state]
            self.reload()

        self.app.push_screen(StepDialog(form, self.session.clock), chosen)

    def action_export(self) -> None:
        """E: write the view (and the statistics) to an .xlsx file."""
        # openpyxl takes 0.3-0.4 s to import: paid on E, not on opening the
        # reports (or on checking a keys.toml, which reads every screen).
        from ..export.xlsx import default_export_path, export_xlsx

        view = "sales-process" if self.view == "sales" else "report"
        default = default_export_path(self.session, view)
        form = StepForm(
            "Export to Excel",
            [Field("path", "File", TEXT, str(default))],
            note="Sheets: Records, Sales Process, Time by phase, Timesheet, "
            "Statistics."
            + (" All of the week shown." if self.view == "timesheet" else ""),
        )

        def chosen(values: dict | None) -> None:
            if values is None or not values["path"]:
                return
            settings = self.view_settings()
            if view == "sales-process":
                settings = replace(settings, types=())
            session, filters = self.session, self.filters
            if self.view == "timesheet":  # the workbook of the week shown
                filters = self.week_filters()
                settings = replace(settings, start=filters.start, end=filters.end)
            progress = ExportProgress()
            self.app.push_screen(progress)

            def run():
                return export_xlsx(
                    session,
                    values["path"],
                    settings,
                    view=view,
                    filters=filters,
                    progress=lambda done, total: self.app.call_from_thread(
                        progress.update_progress, done, total
                    ),
                )

            def done(result) -> None:
                progress.dismiss()
                self.notify(
                    f"Exported {result.rows} rows to {result.path}",
                    markup=False,
                    timeout=8,
                )

            worker = self.run_db(run, done, group="export", exclusive=True)
            progress.worker = worker

        self.app.push_screen(StepDialog(form, self.session.clock), chosen)

    def job_failed(self, error) -> bool:
        # A failed export must not leave its progress dialog behind.
        if isinstance(self.app.screen, ExportProgress):
            self.app.screen.dismiss()
        if isinstance(error, Cancelled):
            self.notify("Export cancelled; no file was written.", markup=False)
            return True
        return False

    # -- filters -------------------------------------------------------------

    def action_refresh(self) -> None:
        self.reload()

    def action_next_cloud(self) -> None:
        ids = [None] + [c.id for c in self._clouds]
        current = (
            ids.index(self.filters.cloud_id) if self.filters.cloud_id in ids else 0
        )
        self.filters = replace(self.filters, cloud_id=ids[(current + 1) % len(ids)])
        self.reload()

    def person_changed(self) -> None:
        # One person for every view: their deals and time in the statistics
        # and lists (as the CLI's --person), their week in the Timesheet.
        self.filters = replace(self.filters, user_id=self.person.user_id)
        self.reload()

    def person_said(self) -> str:
        if self.view == "timesheet" and self.person.everyone:
            return "your time (a week is one person's)"
        if self.person.everyone:
            return "everyone's figures"
        if self.person.user_id == self.session.user_id:
            return "your figures"
        return f"{self.person.label}'s figures"

    def action_period(self) -> None:
        if self.view == "timesheet":
            self._week_of()
            return
        form = StepForm(
            "Period",
            [
                Field(
                    "start",
                    "From",
                    DAY,
                    str(self.filters.start or ""),
                    hint="empty: open",
                ),
                Field(
                    "end",
                    "To",
                    DAY,
                    str(self.filters.end or ""),
                    hint="empty: open",
                ),
            ],
            note="Dates like 1.9., 2026-09-01, -30d. Empty fields leave that end open.",
        )

        def chosen(values: dict | None) -> None:
            if values is None:
                return
            start, end = values["start"], values["end"]
            if start and end and start > end:
                self.notify(
                    "The period starts after it ends.", severity="error", markup=False
                )
                return
            self.filters = replace(self.filters, start=start, end=end)
            self.reload()

        self.app.push_screen(StepDialog(form, self.session.clock), chosen)

    def _week_of(self) -> None:
        """p in the Timesheet: go to the week of a day."""
        form = StepForm(
            "Timesheet week",
            [Field("day", "Week of", DAY, str(self.week), hint="any day of it")],
            note="Dates like 1.9., 2026-09-01, -7d, mon. [ and ] step a week.",
        )

        def chosen(values: dict | None) -> None:
            if values is None or not values["day"]:
                return
            self.week = reports.monday_of(values["day"])
            self.reload()

        self.app.push_screen(StepDialog(form, self.session.clock), chosen)
