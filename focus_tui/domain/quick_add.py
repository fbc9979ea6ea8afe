"""Quick add: one typed line (`core.quick_add`) becomes a record.

`plan_quick` finds what the line names — the cloud, the actors, the record
in view it goes under — and refuses before anything is written; the preview
under the input shows its outcome as the user types. `quick_add` does the
same inside one transaction and creates the record through the usual
commands (`records.create_record`, `sales.create_proposal`,
`clouds.add_actor`): an unknown cloud or user creates nothing.

Where the record goes, with a record in view (a feed): a Task or a Contact
Note under it; an offer under its deal (the lead or client relationship);
a Sales Lead or a Contact Person beside it, in its cloud. Without one (the
main view): at the top of #cloud, else of the private cloud.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import UserError
from ..core.process import CONTACT_PERSON, SALE_KEYS, SALES_LEAD, with_article
from ..core.quick_add import QuickLine, describe_quick, parse_quick
from ..core.text import one_line
from ..models import Cloud, Record, User
from .access import cloud_by_name, get_record, my_clouds
from .clouds import add_actor, cloud_members, member_named
from .deals import deal_of
from .records import create_record
from .sales import create_proposal
from .session import Session, private_cloud


@dataclass(frozen=True)
class QuickPlan:
    """A quick-add line with its names found: what `quick_add` will create."""

    line: QuickLine
    title: str
    cloud: Cloud
    parent: Record | None
    actors: tuple[User, ...]  # besides the user, who is an actor anyway


def plan_quick(
    session: Session, text: str, *, context_id: int | None = None
) -> QuickPlan:
    """Read `text` and find what it names; a UserError says why not."""
    context = get_record(session, context_id) if context_id is not None else None
    line = parse_quick(text, session.clock.today())
    parent = _parent(session, line, context)
    if line.cloud is not None:
        cloud = _cloud(session, line.cloud)
        if parent is not None and parent.cloud_id != cloud.id:
            raise UserError(
                f"#{one_line(line.cloud)}: {with_article(line.type)} under "
                f"#{parent.id} lives in its cloud; leave out the #cloud, or add "
                "it from the main view."
            )
    elif parent is not None:
        cloud = parent.cloud
    elif context is not None:
        cloud = context.cloud  # a lead beside the one in view
    else:
        cloud = private_cloud(session.user)
    title = line.title
    if not title:  # an offer: named after its deal
        if parent is None:
            raise UserError(
                "Give the offer a title (there is no lead in view to name it "
                "after), e.g. offer Website 12 000 EUR."
            )
        title = parent.title
    actors = []
    for name in line.actors:
        if name == session.user.name:
            continue
        user = _actor(session, cloud, name)
        if user.id != session.user_id and user not in actors:
            actors.append(user)
    return QuickPlan(line, title, cloud, parent, tuple(actors))


def _cloud(session: Session, name: str) -> Cloud:
    """#name: the cloud of that name, else the one cloud of mine whose name
    starts so, spaces left out (#nordic, #nordicpartners, #nordic_partners:
    "Nordic Partners"), since a #word holds no space."""
    try:
        return cloud_by_name(session, name)
    except UserError:
        wanted = _squeezed(name)
        found = [c for c in my_clouds(session) if _squeezed(c.name).startswith(wanted)]
        if len(found) != 1:
            raise
        return found[0]


def _actor(session: Session, cloud: Cloud, name: str) -> User:
    """@name: the member of `cloud` with that login, else the one whose login
    starts so (@anna: anna.virtanen)."""
    user = member_named(cloud.id, name)
    if user is not None:
        return user
    wanted = name.lower()
    found = [
        m.name for m in cloud_members(session, cloud.name) if m.name.startswith(wanted)
    ]
    if len(found) == 1:
        user = member_named(cloud.id, found[0])
        if user is not None:
            return user
    which = f" ({', '.join(found[:4])}: which one?)" if found else ""
    raise UserError(
        f"Nobody called {one_line(name)!r} is a member of cloud "
        f"{one_line(cloud.name)!r}{which}: nothing was created."
    )


def _squeezed(name: str) -> str:
    return "".join(name.replace("_", " ").replace("-", " ").lower().split())


def _parent(session: Session, line: QuickLine, context: Record | None) -> Record | None:
    if context is None or line.type in (SALES_LEAD, CONTACT_PERSON):
        return None
    if line.type.key in SALE_KEYS:
        return deal_of(session, context)
    return context


def preview_quick(session: Session, text: str, *, context_id: int | None = None) -> str:
    """What enter would create, as one line; a UserError says why not."""
    plan = plan_quick(session, text, context_id=context_id)
    line = plan.line
    # The names as found (#nordic: "Nordic Partners", @anna: anna.virtanen);
    # the cloud said even when the line did not name it.
    cloud = None if plan.parent is not None and not line.cloud else plan.cloud.name
    actors = tuple(u.name for u in plan.actors)
    line = QuickLine(line.type, plan.title, line.when, line.terms, cloud, actors)
    parent = f"#{plan.parent.id} {plan.parent.title}" if plan.parent else ""
    return describe_quick(line, session.clock.today(), parent=parent)


def quick_add(session: Session, text: str, *, context_id: int | None = None) -> Record:
    """Create what `text` says (see the module docstring), in one transaction."""
    with session.transaction():
        plan = plan_quick(session, text, context_id=context_id)
        line = plan.line
        parent_id = plan.parent.id if plan.parent is not None else None
        cloud = None if plan.parent is not None else plan.cloud.name
        if line.type.key in SALE_KEYS:
            record = create_proposal(
                session,
                parent_id,
                plan.title,
                terms=line.terms,
                when=line.when,
                cloud=cloud,
            )
        else:
            record = create_record(
                session,
                line.type,
                plan.title,
                when=line.when,
                parent_id=parent_id,
                cloud=cloud,
            )
        for user in plan.actors:
            add_actor(session, record.id, user.name)
    return record
