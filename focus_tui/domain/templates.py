"""Templates: records (with children) kept as patterns for new work.

A template is a tree of records flagged `is_template`, in a cloud like any
record: whoever is a member of the cloud sees it, uses it, renames or
deletes it, so a team's templates are shared in its cloud. Its root has a
name; each record has a day offset (the root's from the day it is used,
a child's from the root's date) and type-specific defaults (a proposal's
currency, sums and validity; a person's contact details).

Built-ins (a Sales Lead with its background questions, a Sales Proposal
outline, an Order with its fulfilment tasks, a Contact Note for a call) are
made in a user's private cloud the first time that user lists or uses
templates, once: a built-in deleted stays deleted. Each user has their
own, to change or delete without touching a colleague's.

Creating from a template copies its tree in one transaction through the
records' own commands (history, actors, sale rows and the search index as
for any new record), with the placeholders filled
(`core.templates.fill_placeholders`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..config import default_currency
from ..core.dates import When
from ..core.errors import NotFound, UserError
from ..core.money import Terms, from_cents
from ..core.process import (
    CONTACT_NOTE,
    CONTACT_PERSON,
    DEAL_KEYS,
    ORDER,
    SALE_KEYS,
    SALES_LEAD,
    SALES_PROPOSAL,
    TASK,
    RecordType,
    parse_type,
    type_of,
    with_article,
)
from ..core.templates import fill_placeholders, placeholders_in
from ..core.text import one_line, one_line_field
from ..models import ContactDetails, Meta, Record, Sale, Template
from . import write
from .access import (
    cloud_by_name,
    get_record,
    get_records,
    participants,
    records,
    templates,
)
from .session import Session, private_cloud

MAX_NAME = 100
# A template is a pattern, not an archive: a deal of more records than this
# is refused rather than copied whole.
MAX_RECORDS = 200
# How deep a tree is read (as `deals.MAX_DEPTH` walks a deal).
MAX_DEPTH = 20


# -- the built-ins --------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """A template as the code defines it (the built-ins)."""

    type: RecordType
    title: str
    body: str = ""
    day_offset: int | None = None
    data: dict = field(default_factory=dict)
    children: tuple[Pattern, ...] = ()


LEAD_CHECKLIST = """Background questions
- Company: who is {client}, what do they do, how big are they?
- Need: what problem do they want solved, and why now?
- Decision maker: who decides, and who else has a say?
- Budget: is there one, and how big?
- Timeline: by when must it be in use?
- Competitors: who else are they talking to?"""

PROPOSAL_OUTLINE = """Outline
1. {client}'s situation and need
2. What we propose
3. Scope and delivery
4. Price and terms
5. Valid until {valid_until}
6. Next steps
Prepared by {me}, {today}"""

CALL_NOTE = "Who:\nWhat was agreed:\nNext step:"

FULFILMENT = (
    ("Pack and deliver", 2),
    ("Activate the service", 7),
    ("Send the bill", 14),
)
VALID_DAYS = 30


def builtins() -> tuple[tuple[str, Pattern], ...]:
    """(name, pattern) of each built-in; the currency read when they are made."""
    return (
        ("Sales Lead", Pattern(SALES_LEAD, "{client}", LEAD_CHECKLIST, 0)),
        (
            "Sales Proposal",
            Pattern(
                SALES_PROPOSAL,
                "Proposal for {client}",
                PROPOSAL_OUTLINE,
                None,
                {"currency": default_currency(), "valid_days": VALID_DAYS},
            ),
        ),
        (
            "Order",
            Pattern(
                ORDER,
                "Order of {client}",
                "Fulfilment: deliver, activate, bill.",
                None,
                {"currency": default_currency()},
                tuple(Pattern(TASK, title, "", days) for title, days in FULFILMENT),
            ),
        ),
        ("Contact Note", Pattern(CONTACT_NOTE, "Call with {client}", CALL_NOTE)),
    )


def ensure_builtins(session: Session) -> bool:
    """Make the built-ins in the user's private cloud, if this user never
    had them; True if they were made now. One transaction; the database's
    facts remember it, so a deleted built-in does not come back."""
    key = f"builtin_templates:{session.user_id}"
    if Meta.get_or_none(Meta.key == key) is not None:
        return False  # the usual case: a read, no write transaction
    with session.transaction():
        key = f"builtin_templates:{session.user_id}"  # the user may be new
        if not write.claim_once(session, key):
            return False
        cloud_id = private_cloud(session.user).id
        for name, pattern in builtins():
            _add_pattern(session, pattern, cloud_id, None, name)
    return True


def _add_pattern(
    session: Session,
    pattern: Pattern,
    cloud_id: int,
    parent_id: int | None,
    name: str | None,
) -> None:
    record = write.add_template_record(
        session,
        pattern.type,
        pattern.title,
        cloud_id=cloud_id,
        parent_id=parent_id,
        body=pattern.body,
        name=name,
        day_offset=pattern.day_offset,
        data=pattern.data,
    )
    for child in pattern.children:
        _add_pattern(session, child, cloud_id, record.id, None)


# -- finding one -------------------------------------------------------------------


def _shown(text: str) -> str:
    text = one_line(text)
    return repr(text if len(text) <= 40 else text[:39] + "…")


def clean_name(name: str) -> str:
    return one_line_field(name, "template name", MAX_NAME, "A template needs a name.")


def find_template(session: Session, template: str | int) -> Record:
    """The template (its root) called `name` (any case) that the user may
    see, or `#ID`. The same name in several of the user's clouds: the
    private cloud's wins, else the answer asks for the id."""
    name = template
    if isinstance(name, int) or str(name).strip().startswith("#"):
        from .access import parse_id

        rid = parse_id(name)
        found = (
            templates(session, Record, Template.name)
            .join(Template, on=(Template.record == Record.id))
            .where((Record.id == rid) & Template.name.is_null(False))
            .objects()
            .first()
        )
        if found is None:
            raise NotFound(f"There is no template #{rid} that you can see.")
        return found
    wanted = _folded(str(name))
    if not wanted:
        raise UserError("Name a template (focus-tui templates lists them).")
    found = [t for t in _named(session) if _folded(t.name) == wanted]
    if not found:
        raise UserError(
            f"No template called {_shown(str(name))} that you can see "
            "(focus-tui templates lists them)."
        )
    if len(found) > 1:
        own = private_cloud(session.user).id
        mine = [t for t in found if t.cloud_id == own]
        if len(mine) == 1:
            return mine[0]
        ids = ", ".join(f"#{t.id}" for t in found)
        raise UserError(
            f"Several templates are called {_shown(str(name))} ({ids}): "
            "give the one you mean as #ID."
        )
    return found[0]


def _folded(name: str) -> str:
    # Compared here, not by SQL LOWER(), which folds only ASCII on SQLite.
    return " ".join(name.split()).casefold()


def _named(session: Session) -> list[Record]:
    """Every template (root) the user may see, with its name: a team's few
    dozen at most."""
    return list(
        templates(session, Record, Template.name)
        .join(Template, on=(Template.record == Record.id))
        .where(Template.name.is_null(False))
        .objects()
    )


def _name_taken(session: Session, cloud_id: int, name: str, but: int | None = None):
    wanted = _folded(name)
    for other in _named(session):
        if (
            other.cloud_id == cloud_id
            and other.id != but
            and _folded(other.name) == wanted
        ):
            raise UserError(
                f"There is a template called {_shown(name)} in that cloud already."
            )


@dataclass(frozen=True)
class Node:
    """A template's record as read: the record, its offset and defaults."""

    record: Record
    day_offset: int | None
    data: dict
    depth: int


def template_tree(session: Session, template_id: int) -> list[Node]:
    """The template's records, root first, each after its parent."""
    root = find_template(session, int(template_id))
    meta = {
        rid: (offset, data)
        for rid, offset, data in Template.select(
            Template.record, Template.day_offset, Template.data
        )
        .where(Template.record == root.id)
        .tuples()
    }
    nodes = [Node(root, *_meta(meta.get(root.id)), 0)]
    level = [root.id]
    depth = 0
    while level and depth < MAX_DEPTH and len(nodes) <= MAX_RECORDS:
        depth += 1
        children = list(
            templates(session, Record, Template.day_offset, Template.data)
            .join(Template, on=(Template.record == Record.id))
            .where(Record.parent.in_(level))
            .order_by(Record.id)
            .limit(MAX_RECORDS + 1)
            .objects()
        )
        for child in children:
            offset, data = child.day_offset, child.data
            nodes.append(Node(child, *_meta((offset, data)), depth))
        level = [c.id for c in children]
    return nodes


def _meta(row) -> tuple[int | None, dict]:
    if row is None:
        return None, {}
    offset, data = row
    try:
        loaded = json.loads(data or "{}")
    except ValueError:
        loaded = {}
    return offset, loaded if isinstance(loaded, dict) else {}


# -- placeholders ------------------------------------------------------------------


def placeholder_values(
    session: Session,
    *,
    parent_id: int | None = None,
    own_title: str | None = None,
    rtype: RecordType | None = None,
    data: dict | None = None,
    person_ids: Iterable[int] = (),
    final: bool = False,
) -> dict[str, str]:
    """What `{client}`, `{today}`, `{me}`, `{lead}` (and `{valid_until}`)
    stand for where the new record goes: under `parent_id` the deal above it
    gives the lead's title and the client (the organisation of a person
    tagged on the deal, else its title); a new deal is its own lead and
    client (`own_title`, known once typed), its client the organisation of
    one of the people to be tagged on it (`person_ids`). `final`: what is still unknown
    becomes empty, so no brace reaches the record."""
    today = session.clock.today()
    values = {"today": today.isoformat(), "me": session.user.display_name}
    valid_days = (data or {}).get("valid_days")
    if isinstance(valid_days, int) and 0 <= valid_days < 3650:
        values["valid_until"] = (today + timedelta(days=valid_days)).isoformat()
    deal = None
    if parent_id is not None:
        from .deals import deal_of

        deal = deal_of(session, get_record(session, parent_id))
    if deal is not None:
        values["lead"] = deal.title
        values["client"] = _client_of(session, deal)
    elif own_title and rtype is not None and rtype.key in DEAL_KEYS:
        values["lead"] = values["client"] = own_title
        person_ids = list(person_ids)
        if person_ids:
            values["client"] = _organisation(
                session, get_records(session, person_ids), own_title
            )
    if final:
        for key in ("client", "lead", "valid_until"):
            values.setdefault(key, "")
    return values


def _client_of(session: Session, deal: Record) -> str:
    return _organisation(session, participants(session, deal.id), deal.title)


def _organisation(session: Session, people: Iterable[Record], otherwise: str) -> str:
    """The first organisation among the people (Contact Persons), else
    `otherwise`."""
    for person in people:
        details = ContactDetails.get_or_none(ContactDetails.record == person.id)
        if details is not None and details.organisation.strip():
            return details.organisation.strip()
    return otherwise


def _fill_title(text: str, values: dict[str, str], fallback: str) -> str:
    filled = " ".join(fill_placeholders(text, values).split())
    return filled or fallback


# -- creating from a template ------------------------------------------------------


_UNSET = object()


def _day(base: date, offset: int | None) -> When | None:
    if offset is None:
        return None
    return When(base + timedelta(days=int(offset)))


def _terms_of(data: dict) -> Terms | None:
    """A proposal's or order's default sums and currency."""
    currency = data.get("currency")
    one_time, monthly = data.get("one_time_cents"), data.get("monthly_cents")
    if not currency and one_time is None and monthly is None:
        return None
    return Terms(
        from_cents(one_time) if isinstance(one_time, int) else None,
        from_cents(monthly) if isinstance(monthly, int) else None,
        str(currency) if currency else None,
    )


def _contact_of(data: dict):
    from .records import ContactFields

    fields = {k: str(data.get(k) or "") for k in ("organisation", "email", "phone")}
    return ContactFields(**fields) if any(fields.values()) else None


def check_type(template: Record, name: object, rtype: RecordType) -> None:
    if template.type != rtype.key:
        raise UserError(
            f"The template {_shown(str(name))} makes {with_article(template.type)}, "
            f"not {with_article(rtype)}."
        )


def create_from_template(
    session: Session,
    template: str | int,
    *,
    type_: RecordType | str | None = None,
    title: str | None = None,
    body: str | None = None,
    when: When | None | object = _UNSET,
    parent_id: int | None = None,
    cloud: str | None = None,
    terms: Terms | None = None,
    contact=None,
    participant_ids: list[int] | tuple[int, ...] = (),
    new_people: list[str] | tuple[str, ...] = (),
) -> Record:
    """A new record from the template, and its children from the
    template's, in one transaction. What is given (the form's or the
    command line's title, notes, date, sums) is taken as it is; the rest
    comes from the template. Under `parent_id` it lives in the parent's
    cloud; else in `cloud`, else in the template's. Dates: the root's from
    its offset (or `when`),
    each child's as its offset from the root's date (today if it has
    none)."""
    from .records import create_record
    from .sales import set_terms

    if isinstance(type_, str):
        type_ = parse_type(type_)
    name = template
    with session.transaction():
        parent = get_record(session, parent_id) if parent_id is not None else None
        template = find_template(session, name)
        if type_ is not None:
            check_type(template, name, type_)
        rtype = type_of(template.type)
        nodes = template_tree(session, template.id)
        root = nodes[0]
        if parent is None and cloud is None:
            # A team's template makes the team's work: it goes where the
            # template lives (the built-ins: the user's private cloud).
            cloud = template.cloud.name
        today = session.clock.today()
        if when is _UNSET:
            when = _day(today, root.day_offset)
        own = title if title is not None else template.title
        under = parent.id if parent else None
        known = placeholder_values(session, parent_id=under, data=root.data)
        # A new deal is its own lead and client: its title, once filled.
        own_title = " ".join(fill_placeholders(own, known).split())
        if placeholders_in(own_title):
            own_title = ""
        values = placeholder_values(
            session,
            parent_id=under,
            own_title=own_title or None,
            rtype=rtype,
            data=root.data,
            person_ids=participant_ids,
            final=True,
        )
        title_text = _fill_title(own, values, template.name or rtype.name)
        body_text = fill_placeholders(template.body if body is None else body, values)
        record = create_record(
            session,
            rtype,
            title_text,
            body=body_text,
            when=when,  # type: ignore[arg-type]
            parent_id=parent.id if parent else None,
            cloud=cloud,
            contact=contact if contact is not None else _contact_of(root.data),
            participant_ids=participant_ids,
            new_people=new_people,
        )
        sums = terms if terms is not None else _terms_of(root.data)
        if rtype.key in SALE_KEYS and sums is not None:
            set_terms(session, record.id, sums, log=False)
        base = record.date or today
        made = {template.id: record.id}
        for node in nodes[1:]:
            child = node.record
            if child.parent_id not in made:
                continue
            ctype = type_of(child.type)
            copy = create_record(
                session,
                ctype,
                _fill_title(child.title, values, ctype.name),
                body=fill_placeholders(child.body, values),
                when=_day(base, node.day_offset) if ctype.is_activity else None,
                parent_id=made[child.parent_id],
                contact=_contact_of(node.data),
            )
            child_sums = _terms_of(node.data)
            if ctype.key in SALE_KEYS and child_sums is not None:
                set_terms(session, copy.id, child_sums, log=False)
            made[child.id] = copy.id
    return get_record(session, record.id)


def fulfilment_tasks(
    session: Session, template: str | int, record_id: int, sold_date: date | None = None
) -> list[tuple[str, When | None, str]]:
    """The Sold step's tasks for the proposal `record_id` from an Order
    template: (title, date, notes) of each of its children, dated the sold
    day (today unless given) + offset."""
    order = get_record(session, record_id)
    name, template = template, find_template(session, template)
    check_type(template, name, ORDER)
    sold_day = sold_date or session.clock.today()
    values = placeholder_values(session, parent_id=order.id, final=True)
    return [
        (
            _fill_title(node.record.title, values, TASK.name),
            _day(sold_day, node.day_offset),
            fill_placeholders(node.record.body, values),
        )
        for node in template_tree(session, template.id)[1:]
        if node.depth == 1
    ]


def sold_from_template(
    session: Session,
    record_id: int,
    template: str | int,
    *,
    sold_date: date | None = None,
    **step,
):
    """Sold, with the fulfilment tasks of an Order template (`sales.mark_sold`
    otherwise as it is)."""
    from .sales import mark_sold

    with session.transaction():
        tasks = fulfilment_tasks(session, template, record_id, sold_date)
        return mark_sold(session, record_id, sold_date=sold_date, tasks=tasks, **step)


# -- saving, renaming, deleting ------------------------------------------------------


def _data_of(record: Record) -> dict:
    """The type-specific defaults a template keeps of a record."""
    if record.type in SALE_KEYS:
        sale = Sale.get_or_none(Sale.record == record.id)
        if sale is None:
            return {}
        data: dict = {"currency": sale.currency}
        if sale.one_time_cents is not None:
            data["one_time_cents"] = sale.one_time_cents
        if sale.monthly_cents is not None:
            data["monthly_cents"] = sale.monthly_cents
        return data
    if record.type == CONTACT_PERSON.key:
        details = ContactDetails.get_or_none(ContactDetails.record == record.id)
        if details is None:
            return {}
        return {
            k: getattr(details, k)
            for k in ("organisation", "email", "phone")
            if getattr(details, k)
        }
    return {}


def _work_tree(session: Session, root: Record) -> list[tuple[Record, int]]:
    """The record and the records under it that the user may see, each
    after its parent; refused beyond MAX_RECORDS."""
    tree = [(root, 0)]
    level, depth = [root.id], 0
    while level and depth < MAX_DEPTH:
        depth += 1
        children = list(
            records(session)
            .where(Record.parent.in_(level))
            .order_by(Record.id)
            .limit(MAX_RECORDS + 1)
        )
        tree += [(c, depth) for c in children]
        if len(tree) > MAX_RECORDS:
            raise UserError(
                f"#{root.id} has more than {MAX_RECORDS} records under it: too "
                "many for a template. Save a smaller part of it."
            )
        level = [c.id for c in children]
    return tree


def save_template(
    session: Session,
    record_id: int,
    name: str,
    *,
    cloud: str | None = None,
    replace: bool = False,
) -> Record:
    """The record and its children as a new template called `name`, in the
    record's cloud (or `cloud`); dates become offsets from the record's
    date (an Order's: from its sold day, as Sold uses them). `replace`: a template of that name there is replaced (how a
    template is edited: make a record from it, change it, save it over).
    Returns the template's root."""
    name = clean_name(name)
    with session.transaction():
        root = get_record(session, record_id, lock=True)
        cloud_id = cloud_by_name(session, cloud).id if cloud else root.cloud_id
        if replace:
            for old in _named(session):
                if old.cloud_id == cloud_id and _folded(old.name) == _folded(name):
                    ids = [n.record.id for n in template_tree(session, old.id)]
                    write.delete_template(session, ids)
        _name_taken(session, cloud_id, name)
        tree = _work_tree(session, root)
        base = root.date or session.clock.today()
        if root.type == ORDER.key:
            # Sold dates an Order template's tasks from the sold day
            # (fulfilment_tasks); the order's own date is its check date,
            # often weeks later, which put the tasks in the past.
            sale = Sale.get_or_none(Sale.record == root.id)
            if sale is not None and sale.sold_date is not None:
                base = sale.sold_date
        made: dict[int, int] = {}
        first = None
        for record, _depth in tree:
            is_root = record.id == root.id
            if is_root:
                offset = 0 if record.date is not None else None
            else:
                offset = (record.date - base).days if record.date else None
            copy = write.add_template_record(
                session,
                type_of(record.type),
                record.title,
                cloud_id=cloud_id,
                parent_id=None if is_root else made.get(record.parent_id),
                body=record.body,
                name=name if is_root else None,
                day_offset=offset,
                data=_data_of(record),
            )
            made[record.id] = copy.id
            first = first or copy
    assert first is not None
    return first


def rename_template(session: Session, template: str | int, new_name: str) -> Record:
    new_name = clean_name(new_name)
    with session.transaction():
        template = find_template(session, template)
        _name_taken(session, template.cloud_id, new_name, but=template.id)
        write.rename_template(session, template.id, new_name)
    return template


def delete_template(session: Session, template: str | int) -> int:
    """Remove the template and its children; returns how many records went."""
    with session.transaction():
        template = find_template(session, template)
        ids = [node.record.id for node in template_tree(session, template.id)]
        write.delete_template(session, ids)
    return len(ids)
