"""The Sales Process board: proposals and orders as cards, a column per stage.

Draft → Sent → Ordered → Delivered → Billed (Lost on `l`). `>` performs the
card's next step with the same dialogs and domain functions as the keys of
the main view and the feeds (`SalesActions`), `<` undoes the step that
brought the card into its column. After either, the cursor follows the card
into its new column.

Each column reads its own pages (`focus_tui.views.board`), so opening the board is
one totals query and one page per column, whatever the size of the pipeline.
"""

from __future__ import annotations

import dataclasses
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding

from ..core.errors import UserError
from ..core.process import PROCESS, STAGE_NAMES, STAGES, STEP_NAMES, EventKind, Stage
from ..core.text import one_line
from ..domain.access import my_clouds
from ..domain.undo import step_back
from ..views import board
from ..views.board import Card
from ..views.listing import RecordRow
from ..widgets.board_column import Board, BoardColumn, CardPages
from ..widgets.timer_bar import TimerBar
from ..widgets.title_bar import TitleBar
from .actions import RecordActions
from .attach import ATTACH_BINDING, AttachActions
from .base import DataScreen, key_footer
from .detail import DETAIL_BINDING, column_text, show_record
from .person_filter import PERSON_BINDING, PersonFilter, cloud_binding
from .sales_actions import SALES_BINDINGS, SalesActions
from .time_entries import ConfirmDialog

# The action (of SalesActions) performing the step into a stage.
STEP_ACTIONS = {
    EventKind.SENT: "send",
    EventKind.SOLD: "sold",
    EventKind.DELIVERED: "delivered",
    EventKind.BILLED: "billed",
}


class BoardScreen(AttachActions, PersonFilter, SalesActions, RecordActions, DataScreen):
    """Columns of cards; keys move between them and move cards along."""

    help_title = "Sales Process board"

    BINDINGS = [
        Binding("escape", "back", "Back", id="back", show=False),
        Binding(
            "greater_than_sign,shift+right",
            "next_step",
            "Next step",
            id="next_step",
            key_display=">",
        ),
        Binding(
            "less_than_sign,shift+left",
            "step_back",
            "Step back",
            id="step_back",
            key_display="<",
        ),
        Binding("l", "toggle_lost", "Show lost", id="toggle_lost"),
        cloud_binding("cycle_cloud"),
        # @: everyone, me or anyone of the team (a picker); `a` is attach's.
        dataclasses.replace(PERSON_BINDING, show=True),
        Binding("r", "refresh", "Refresh", id="refresh", show=False),
        Binding("m", "move", "Move", id="move", show=False),
        Binding("f", "focus_record", "Focus", id="focus", show=False),
        DETAIL_BINDING,
        dataclasses.replace(ATTACH_BINDING, show=False),
        # The sales keys of the other screens work here too; `>` picks one.
        *(dataclasses.replace(b, show=False) for b in SALES_BINDINGS),
    ]

    def __init__(self, *, show_lost: bool = False) -> None:
        super().__init__()
        self.show_lost = show_lost
        self.cloud_id: int | None = None
        self.cloud_name = "all my clouds"
        self._clouds: list[tuple[int, str]] = []

    def compose(self) -> ComposeResult:
        clock = self.session.clock
        yield TitleBar(self._title())
        yield TimerBar()
        columns = []
        for stage in STAGES:
            column = BoardColumn(stage, STAGE_NAMES[stage], clock, id=f"column-{stage}")
            column.display = stage != Stage.LOST or self.show_lost
            columns.append(column)
        yield Board(*columns, id="board")
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one(Board).focus()
        self.reload()

    def _set_clouds(self, clouds: list[tuple[int, str]]) -> None:
        """The clouds `c` goes round, read again with every reload (one
        may have been made, renamed or archived): a filter on a cloud no
        longer mine goes back to all of them."""
        self._clouds = clouds
        if self.cloud_id is not None and self.cloud_id not in dict(clouds):
            self.cloud_id, self.cloud_name = None, "all my clouds"
        elif self.cloud_id is not None:
            self.cloud_name = one_line(dict(clouds)[self.cloud_id])

    # -- columns ------------------------------------------------------------

    def columns(self) -> list[BoardColumn]:
        """The columns on screen, left to right."""
        boards = self.query(Board)
        return boards.first().columns if boards else []

    def column(self, stage: str) -> BoardColumn:
        return self.query_one(f"#column-{stage}", BoardColumn)

    def active_column(self) -> BoardColumn | None:
        boards = self.query(Board)
        return boards.first().active if boards else None

    def current_card(self) -> Card | None:
        column = self.active_column()
        return column.current if column is not None else None

    def current_id(self) -> int | None:
        card = self.current_card()
        return card.id if card else None

    def action_read_in_full(self) -> None:
        """v: the column's header in full (its name, count and every sum),
        then the highlighted card's record in full."""
        column = self.active_column()
        if column is None:
            return
        header = column_text(column.stage, column.totals, column.rates)
        card = column.current
        if card is None:
            from .detail import DetailScreen

            self.app.push_screen(DetailScreen(column.stage_name, header))
            return
        show_record(self, card.id, before=header)

    def target(self) -> RecordRow | None:
        """The highlighted card as a list row, for the shared actions."""
        card = self.current_card()
        if card is None:
            return None
        return RecordRow(
            id=card.id,
            type=PROCESS[card.stage].record_type.key,
            title=card.title,
            date=card.date,
            due_at=None,
            finished_at=None,
            parent_id=None,
            cloud_id=0,
            created_at=None,
        )

    # -- data -------------------------------------------------------------

    def reload(self, keep: int | None = None, *, fresh: bool = False) -> None:
        """Read the totals and the page each column shows.

        With `keep`, the cursor follows that card to whichever column it is
        in now (a step or an undo moves it), and that column becomes the
        active one.
        Other columns keep their card if it is still on the page, else
        their position; with `fresh` (other filters) every column starts at
        its first card.
        """
        self.read_now(
            lambda: [(c.id, c.name) for c in my_clouds(self.session)],
            self._set_clouds,
        )
        session, cloud_id, user_id = self.session, self.cloud_id, self.person.user_id
        shown = {
            c.stage: (None, 0) if fresh else (c.current_id, c.cursor)
            for c in self.columns()
        }

        def load():
            totals = board.column_totals(
                session, cloud_id=cloud_id, user_id=user_id, stages=tuple(shown)
            )
            found = None
            if keep is not None:
                try:
                    stage = board.stage_of(session, keep)
                except UserError:  # gone, or no longer ours to see
                    stage = None
                if stage in shown:
                    position = board.card_position(
                        session, stage, keep, cloud_id=cloud_id, user_id=user_id
                    )
                    if position is not None:
                        found = (stage, position)
            # Just the cards around each cursor: whole pages come later.
            starts = {}
            for stage, (_card_id, cursor) in shown.items():
                index = found[1] if found and found[0] == stage else cursor
                starts[stage] = (CardPages.seed_start(index), CardPages.SEED)
            seeds = board.column_pages(
                session, starts, cloud_id=cloud_id, user_id=user_id
            )
            pages = {stage: (starts[stage][0], seeds[stage]) for stage in starts}
            return totals, found, pages

        self.read_now(load, partial(self._show, shown=shown))

    def _show(self, result, shown) -> None:
        totals, found, pages = result
        session, cloud_id, user_id = self.session, self.cloud_id, self.person.user_id
        for stage, (card_id, cursor) in shown.items():
            column = self.column(stage)
            count = totals[stage].count
            fetch = partial(
                board.column_page,
                session,
                stage,
                cloud_id=cloud_id,
                user_id=user_id,
                total=count,
            )
            cards = CardPages(count, fetch)
            start, first = pages[stage]
            cards.seed(start, first)
            if found and found[0] == stage:
                cursor = found[1]
            elif card_id is not None:
                index = cards.cached_index(card_id)
                if index is not None:
                    cursor = index
            column.set_cards(totals[stage], cards, cursor)
        if found is not None:
            self.query_one(Board).activate(self.column(found[0]))
        self.query_one(TitleBar).title = self._title()

    def _title(self) -> str:
        return f"Sales Process · {self.cloud_name} · {self.person.as_actor()}"

    # -- keys -------------------------------------------------------------------

    def action_back(self) -> None:
        # Something is below when the board was pushed (from the main view);
        # as a mode's own screen it stays.
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        self.reload(keep=self.current_id())

    def action_toggle_lost(self) -> None:
        self.show_lost = not self.show_lost
        self.query_one(Board).show_column(self.column(Stage.LOST), self.show_lost)
        self.reload()
        self.say("Lost proposals shown." if self.show_lost else "Lost hidden.")

    def action_cycle_cloud(self) -> None:
        ids = [None] + [cloud_id for cloud_id, _ in self._clouds]
        names = ["all my clouds"] + [name for _, name in self._clouds]
        at = ids.index(self.cloud_id) if self.cloud_id in ids else 0
        at = (at + 1) % len(ids)
        self.cloud_id, self.cloud_name = ids[at], one_line(names[at])
        self._filters_changed()
        self.say(f"Showing {self.cloud_name}.")

    def person_changed(self) -> None:
        self._filters_changed()

    def person_said(self) -> str:
        if self.person.everyone:
            return "everyone's sales"
        if self.person.user_id == self.session.user_id:
            return "sales where you are an actor"
        return f"sales where {self.person.label} is an actor"

    def _filters_changed(self) -> None:
        self.reload(fresh=True)

    def action_next_step(self) -> None:
        card = self.current_card()
        if card is None:
            self.notify("No card here.", markup=False, timeout=2)
            return
        next_stage = PROCESS[card.stage].next
        if next_stage is None:
            self.notify(
                "Billed is the last stage."
                if card.stage == Stage.BILLED
                else "A lost proposal goes no further; < undoes Lost.",
                markup=False,
                timeout=3,
            )
            return
        step = PROCESS[next_stage].step_into
        self.read_now(
            lambda: board.card_actors(self.session, card.id),
            lambda actors: self._next_step_of(card, step, *actors),
        )

    def _next_step_of(
        self, card: Card, step: EventKind, mine: bool, others: list[str]
    ) -> None:
        """A colleague's card moves on only after a yes.

        Clouds are shared so that a colleague may step in (a rep on holiday),
        so the step is not refused; but `>` names no step and sending an
        offer to a client cannot be taken back, so it is asked, naming whose
        it is and what will happen.
        """
        perform = getattr(self, f"action_{STEP_ACTIONS[step]}")
        if mine or not others:
            perform()
            return
        whose = " and ".join(others)
        verb = STEP_NAMES.get(step, step)
        question = (
            f"Send {whose}'s proposal “{one_line(card.title)}”?"
            if step == EventKind.SENT
            else f"Mark {whose}'s “{one_line(card.title)}” as {verb}?"
        )
        detail = (
            f"You are not an actor of it: {whose} is. "
            "The step is recorded in your name."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                perform()
            else:
                self.say("Nothing changed.")

        self.app.push_screen(ConfirmDialog(question, detail), answered)

    def action_step_back(self) -> None:
        card = self.current_card()
        if card is None:
            self.notify("No card here.", markup=False, timeout=2)
            return
        self.run_db(
            lambda: step_back(self.session, card.id, card.stage),
            lambda result: self._after_step_back(card, *result),
        )

    def _after_step_back(self, card: Card, step: str, stage: str) -> None:
        self.changed(card.id)
        self.say(
            f"Undid {STEP_NAMES.get(step, step)}: “{one_line(card.title)}” "
            f"is in {STAGE_NAMES[stage]} again."
        )
        self.reload(keep=card.id)

    @on(Board.Selected)
    def _open_feed(self, event: Board.Selected) -> None:
        from .feed import FeedScreen

        self.app.push_screen(FeedScreen(event.card.id))


__all__ = ["BoardScreen"]
