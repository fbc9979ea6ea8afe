"""A cloud's members: who is in it, and (for owners) adding and removing.

Opened with `M` from a cloud's feed. `a` adds a member by user name (typed
in the line at the bottom, `enter` adds, `esc` cancels), `o` makes the
highlighted member an owner or a plain member again, `d` removes them (or
you, leaving). The rules — owners only, a cloud keeps one owner — are the
domain's (`domain.clouds`); a refusal is a notice.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ..core.process import CloudRole
from ..core.text import one_line
from ..domain import clouds
from ..widgets.title_bar import TitleBar
from .base import DataScreen, key_footer


class MembersScreen(DataScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="members_back"),
        Binding("a", "add", "Add", id="members_add"),
        Binding("o", "toggle_owner", "Owner/member", id="members_owner"),
        Binding("d", "remove", "Remove", id="members_remove"),
    ]

    DEFAULT_CSS = """
    MembersScreen OptionList { height: 1fr; }
    MembersScreen Input { display: none; }
    MembersScreen Input.-asking { display: block; }
    """

    def __init__(self, cloud_name: str) -> None:
        super().__init__()
        self.cloud_name = cloud_name
        self.members: list[clouds.Member] = []

    def compose(self) -> ComposeResult:
        yield TitleBar(f"Members · {one_line(self.cloud_name)}")
        yield OptionList(id="members")
        yield Input(placeholder="user name to add, enter adds, esc cancels")
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.reload()

    def reload(self, keep: int | None = None) -> None:
        name = self.cloud_name
        self.read_now(lambda: clouds.cloud_members(self.session, name), self._show)

    def _show(self, members: list[clouds.Member]) -> None:
        self.members = members
        options = self.query_one(OptionList)
        at = options.highlighted
        options.clear_options()
        for member in members:
            line = Text(f" {one_line(member.display_name)} ({one_line(member.name)})")
            line.append(
                f"  {member.role}", style="bold" if member.role == "owner" else "dim"
            )
            options.add_option(Option(line))
        if members:
            options.highlighted = min(at or 0, len(members) - 1)

    def _current(self) -> clouds.Member | None:
        at = self.query_one(OptionList).highlighted
        return self.members[at] if at is not None and at < len(self.members) else None

    def _done(self, message: str):
        def then(_result) -> None:
            self.say(message)
            self.app.records_changed(None, origin=self)  # who sees what changed
            self.reload()

        return then

    # -- keys -----------------------------------------------------------------

    def action_back(self) -> None:
        asking = self.query_one(Input)
        if asking.has_class("-asking"):
            asking.remove_class("-asking")
            self.query_one(OptionList).focus()
            return
        self.app.pop_screen()

    def action_add(self) -> None:
        asking = self.query_one(Input)
        asking.value = ""
        asking.add_class("-asking")
        asking.focus()

    @on(Input.Submitted)
    def _add(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        event.input.remove_class("-asking")
        self.query_one(OptionList).focus()
        if not name:
            return
        cloud = self.cloud_name
        self.run_db(
            lambda: clouds.add_member(self.session, cloud, name),
            self._done(f"{one_line(name)} is a member of {one_line(cloud)}."),
        )

    def action_toggle_owner(self) -> None:
        member = self._current()
        if member is None:
            return
        owner = member.role != CloudRole.OWNER
        cloud = self.cloud_name
        now = "an owner" if owner else "a member"
        self.run_db(
            lambda: clouds.add_member(self.session, cloud, member.name, owner=owner),
            self._done(f"{one_line(member.name)} is now {now} of {one_line(cloud)}."),
        )

    def action_remove(self) -> None:
        member = self._current()
        if member is None:
            return
        cloud = self.cloud_name
        if member.name == self.session.user.name:
            self.run_db(
                lambda: clouds.remove_member(self.session, cloud, member.name),
                self._left,
            )
            return
        self.run_db(
            lambda: clouds.remove_member(self.session, cloud, member.name),
            self._done(f"{one_line(member.name)} is no longer in {one_line(cloud)}."),
        )

    def _left(self, _result) -> None:
        """You left the cloud: nothing of it is yours to see any more."""
        self.say(f"You left {one_line(self.cloud_name)}.")
        self.app.records_changed(None, origin=self)
        self.app.pop_screen()  # this screen
        self.app.pop_screen()  # the cloud's feed
