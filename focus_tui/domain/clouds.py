"""Clouds and their members, records moving between clouds, and actors.

A cloud is where records live; its members see and change everything in
it (`domain.access`). Owners also manage it: add and remove members,
rename it, archive it. A cloud always keeps one owner. Private clouds (one
per user) are theirs alone: nobody is added to one, and one is never renamed
or archived.

Every check runs inside the command's write transaction, on rows read
afresh, so two owners acting at once cannot both remove the last other
owner, and nobody acts on a membership that was just taken away.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from ..core.errors import UserError
from ..core.process import ACTIVITY_KEYS, CloudKind, CloudRole, EventKind
from ..core.text import checked_text, one_line, one_line_field
from ..models import Cloud, CloudMember, Record, RecordActor, User
from . import write
from .access import cloud_ids, get_record
from .deals import MAX_DEPTH
from .session import Session, ensure_user, valid_user_name

MAX_CLOUD_NAME = 128
_PRIVATE_SUFFIX = " (private)"


@dataclass(frozen=True)
class CloudInfo:
    id: int
    name: str
    kind: str
    role: str  # the asker's
    members: int
    archived: bool


@dataclass(frozen=True)
class Member:
    name: str
    display_name: str
    role: str


# -- reads ---------------------------------------------------------------------


def list_clouds(session: Session, *, archived: bool = False) -> list[CloudInfo]:
    """The user's clouds: team clouds by name, then the private one; with
    `archived`, the archived ones too (the user is still their member)."""
    mine = CloudMember.select(CloudMember.cloud, CloudMember.role).where(
        CloudMember.user == session.user_id
    )
    roles = dict(mine.tuples())
    query = Cloud.select().where(Cloud.id.in_(list(roles) or [0]))
    if not archived:
        query = query.where(Cloud.archived_at.is_null())
    clouds = list(query.order_by(Cloud.kind.desc(), pw.fn.LOWER(Cloud.name)))
    counts = dict(
        CloudMember.select(CloudMember.cloud, pw.fn.COUNT(CloudMember.user))
        .where(CloudMember.cloud.in_([c.id for c in clouds] or [0]))
        .group_by(CloudMember.cloud)
        .tuples()
    )
    return [
        CloudInfo(
            id=c.id,
            name=c.name,
            kind=c.kind,
            role=roles[c.id],
            members=counts.get(c.id, 0),
            archived=c.archived_at is not None,
        )
        for c in clouds
    ]


def cloud_members(session: Session, cloud: str) -> list[Member]:
    """Who is in a cloud of mine (archived ones too), owners first."""
    found = _my_cloud(session, cloud, archived=True)
    rows = (
        User.select(User.name, User.display_name, CloudMember.role)
        .join(CloudMember, on=(CloudMember.user == User.id))
        .where(CloudMember.cloud == found.id)
        .order_by(CloudMember.role.desc(), User.name)
        .tuples()
    )
    return [Member(name, display, role) for name, display, role in rows]


# -- clouds --------------------------------------------------------------------


def create_cloud(session: Session, name: str) -> Cloud:
    """A new team cloud; its maker is its owner and first member."""
    name = clean_cloud_name(name)
    with session.transaction():
        _refuse_taken(name)
        return write.add_cloud(session, name)


def rename_cloud(session: Session, cloud: str, new_name: str) -> Cloud:
    new_name = clean_cloud_name(new_name)
    with session.transaction():
        found = _owned_team_cloud(session, cloud, "rename")
        if new_name.lower() != found.name.lower():
            _refuse_taken(new_name)
        write.change_cloud(session, found.id, name=new_name)
        return Cloud.get_by_id(found.id)


def archive_cloud(session: Session, cloud: str) -> Cloud:
    """Hide a cloud and everything in it from every view; nothing is
    deleted, and `unarchive_cloud` brings it all back."""
    with session.transaction():
        found = _owned_team_cloud(session, cloud, "archive", archived=True)
        if found.archived_at is not None:
            raise UserError(f"{_quoted(found.name)} is archived already.")
        write.change_cloud(session, found.id, archived_at=session.clock.now_utc_naive())
        return Cloud.get_by_id(found.id)


def unarchive_cloud(session: Session, cloud: str) -> Cloud:
    with session.transaction():
        found = _owned_team_cloud(session, cloud, "unarchive", archived=True)
        if found.archived_at is None:
            raise UserError(f"{_quoted(found.name)} is not archived.")
        write.change_cloud(session, found.id, archived_at=None)
        return Cloud.get_by_id(found.id)


# -- members -------------------------------------------------------------------


def add_member(
    session: Session, cloud: str, user_name: str, *, owner: bool = False
) -> Member:
    """Add a colleague to a cloud (or change their role). A name the
    database does not know yet becomes a user, as on their first start."""
    role = CloudRole.OWNER if owner else CloudRole.MEMBER
    user_name = valid_user_name(user_name)
    with session.transaction():
        found = _owned_team_cloud(session, cloud, "add members to")
        user = ensure_user(user_name, session.clock)
        current = _role_of(found.id, user.id)
        if current == role:
            raise UserError(f"{user.name} is already {_as_role(role)} of {found.name}.")
        if current == CloudRole.OWNER:
            _refuse_last_owner(found, user, "stop being an owner")
        write.set_member(session, found.id, user.id, role)
        return Member(user.name, user.display_name, role)


def remove_member(session: Session, cloud: str, user_name: str) -> None:
    """An owner removes a member; anyone may leave (remove themselves).
    The last owner can do neither: a cloud always has someone to manage it."""
    name = valid_user_name(user_name)
    with session.transaction():
        leaving = name == session.user.name
        found = _my_cloud(session, cloud, archived=True)
        if found.kind == CloudKind.PRIVATE:
            raise UserError(f"{_quoted(found.name)} is a private cloud.")
        if not leaving:
            _require_owner(session, found, "remove members from")
        user = _member_named(found.id, name)
        if user is None:
            raise UserError(f"{_quoted(name)} is not a member of {found.name}.")
        if _role_of(found.id, user.id) == CloudRole.OWNER:
            _refuse_last_owner(found, user, "leave" if leaving else "be removed")
        write.remove_member(session, found.id, user.id)


# -- records between clouds ----------------------------------------------------


def move_to_cloud(session: Session, record_id: int, cloud: str) -> list[int]:
    """Move a record and its whole subtree (children, their children, …)
    to another cloud of the user's, in one transaction; returns the ids.

    A child lives in its parent's cloud, so only a top record moves: the
    message names it.
    """
    with session.transaction():
        record = get_record(session, record_id, lock=True)
        target = _my_cloud(session, cloud)
        if record.parent_id is not None:
            top = _top_of(session, record)
            raise UserError(
                f"#{record.id} lives in the cloud of the record above it; move "
                f"#{top} (the top of its tree) instead."
            )
        if target.id == record.cloud_id:
            raise UserError(f"#{record.id} is in {target.name} already.")
        source = Cloud.get_by_id(record.cloud_id)
        ids = _subtree(record.id)
        write.move_records(session, ids, target.id)
        write.log_event(
            session,
            record.id,
            EventKind.CLOUD_CHANGED,
            to=target.name,
            records=len(ids),
            **{"from": source.name},
        )
        return ids


def _subtree(record_id: int) -> list[int]:
    """The record and everything below it (children live in their parent's
    cloud, so the walk needs no access check beyond the top record's)."""
    found = [record_id]
    level = [record_id]
    for _ in range(MAX_DEPTH * 4):  # bounded, like every walk of the tree
        children = []
        for start in range(0, len(level), 500):
            chunk = level[start : start + 500]
            children += [
                rid
                for (rid,) in Record.select(Record.id)
                .where(Record.parent.in_(chunk))
                .tuples()
            ]
        children = [c for c in children if c not in set(found)]
        if not children:
            break
        found += children
        level = children
    return found


def _top_of(session: Session, record: Record) -> int:
    from .deals import lineage

    return lineage(session, record)[-1].id


# -- actors --------------------------------------------------------------------


def add_actor(session: Session, record_id: int, user_name: str) -> Member:
    """Make a member of the record's cloud an actor of an activity: it joins
    their main view."""
    name = valid_user_name(user_name)
    with session.transaction():
        record = get_record(session, record_id, lock=True)
        _require_activity(record)
        user = _member_of_cloud(record, name)
        if RecordActor.get_or_none(
            (RecordActor.record == record.id) & (RecordActor.user == user.id)
        ):
            raise UserError(f"{user.name} is already an actor of #{record.id}.")
        write.add_actor(session, record.id, user.id)
        write.log_event(
            session,
            record.id,
            EventKind.ACTOR_ADDED,
            user=user.id,
            name=user.display_name,
        )
        return Member(user.name, user.display_name, "actor")


def remove_actor(session: Session, record_id: int, user_name: str) -> None:
    name = valid_user_name(user_name)
    with session.transaction():
        record = get_record(session, record_id, lock=True)
        _require_activity(record)
        link = (
            RecordActor.select(RecordActor, User)
            .join(User, on=(User.id == RecordActor.user))
            .where((RecordActor.record == record.id) & (User.name == name))
            .first()
        )
        if link is None:
            raise UserError(f"{_quoted(name)} is not an actor of #{record.id}.")
        others = (
            RecordActor.select()
            .where((RecordActor.record == record.id) & (RecordActor.user != link.user))
            .count()
        )
        if not others:
            raise UserError(
                f"#{record.id} would have no actor and so be in nobody's main "
                "view: add someone first."
            )
        write.remove_actor(session, record.id, link.user_id)
        write.log_event(
            session,
            record.id,
            EventKind.ACTOR_REMOVED,
            user=link.user_id,
            name=link.user.display_name,
        )


# -- rules ---------------------------------------------------------------------


def clean_cloud_name(name: str) -> str:
    name = one_line_field(name, "cloud name", MAX_CLOUD_NAME, "A cloud needs a name.")
    if name.lower().endswith(_PRIVATE_SUFFIX):
        raise UserError(
            f'Names ending in "{_PRIVATE_SUFFIX.strip()}" are kept for private clouds.'
        )
    return name


def _quoted(text: str) -> str:
    return repr(one_line(text))


def _refuse_taken(name: str) -> None:
    # One name, one cloud, whoever's it is (names are what people type).
    if Cloud.select().where(pw.fn.LOWER(Cloud.name) == name.lower()).exists():
        raise UserError(f"There is a cloud called {_quoted(name)} already.")


def _my_cloud(session: Session, name: str, *, archived: bool = False) -> Cloud:
    """A cloud the user is a member of, by name (case-insensitive)."""
    wanted = " ".join(checked_text(name or "", "cloud name").split()).lower()
    if archived:
        mine = CloudMember.select(CloudMember.cloud).where(
            CloudMember.user == session.user_id
        )
    else:
        mine = cloud_ids(session)
    found = (
        Cloud.select()
        .where(Cloud.id.in_(mine) & (pw.fn.LOWER(Cloud.name) == wanted))
        .first()
    )
    if found is None:
        raise UserError(f"You are not a member of a cloud called {_quoted(name)}.")
    return found


def _role_of(cloud_id: int, user_id: int) -> str | None:
    row = CloudMember.get_or_none(
        (CloudMember.cloud == cloud_id) & (CloudMember.user == user_id)
    )
    return row.role if row else None


def _require_owner(session: Session, cloud: Cloud, what: str) -> None:
    if _role_of(cloud.id, session.user_id) != CloudRole.OWNER:
        raise UserError(f"Only an owner of {cloud.name} can {what} it.")


def _owned_team_cloud(
    session: Session, name: str, what: str, *, archived: bool = False
) -> Cloud:
    cloud = _my_cloud(session, name, archived=archived)
    if cloud.kind == CloudKind.PRIVATE:
        raise UserError(
            f"{_quoted(cloud.name)} is your private cloud: create a team cloud "
            "(focus-tui cloud create NAME) to share."
        )
    _require_owner(session, cloud, what)
    return cloud


def _refuse_last_owner(cloud: Cloud, user: User, what: str) -> None:
    owners = (
        CloudMember.select()
        .where((CloudMember.cloud == cloud.id) & (CloudMember.role == CloudRole.OWNER))
        .count()
    )
    if owners <= 1:
        raise UserError(
            f"{user.name} is the last owner of {cloud.name} and cannot {what}: "
            "make someone else an owner first."
        )


def _as_role(role: str) -> str:
    return "an owner" if role == CloudRole.OWNER else "a member"


def _require_activity(record: Record) -> None:
    if record.type not in ACTIVITY_KEYS:
        from ..core.process import with_article

        raise UserError(
            f"#{record.id} is {with_article(record.type)}: only activities have actors."
        )


def member_named(cloud_id: int, name: str) -> User | None:
    """The member of a cloud with this login name, if any (quick add's @bob,
    checked before anything is written)."""
    return _member_named(cloud_id, name)


def _member_named(cloud_id: int, name: str) -> User | None:
    return (
        User.select()
        .join(CloudMember, on=(CloudMember.user == User.id))
        .where((User.name == name) & (CloudMember.cloud == cloud_id))
        .first()
    )


def _member_of_cloud(record: Record, name: str) -> User:
    user = _member_named(record.cloud_id, name)
    if user is None:
        raise UserError(
            f"{_quoted(name)} is not a member of the cloud of #{record.id}: an "
            "owner adds them with focus-tui cloud add."
        )
    return user
