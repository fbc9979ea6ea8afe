"""Templates as read: the list (`t`, `focus-tui templates`) and what the new
record form opens with when it starts from one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..core.money import format_amount, from_cents
from ..core.process import ALL_TYPES, RecordType, type_of
from ..core.templates import PLACEHOLDERS, fill_placeholders
from ..domain.access import cloud_names, templates
from ..domain.records import ContactFields
from ..domain.session import Session
from ..domain.templates import placeholder_values, template_tree
from ..models import Record, Template

_TYPE_ORDER = {t.key: i for i, t in enumerate(ALL_TYPES)}


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    type: str
    cloud: str
    children: int  # records under it, at any depth


def template_rows(
    session: Session, type_keys: tuple[str, ...] = ()
) -> list[TemplateRow]:
    """The templates the user may see (of these types), by type and name."""
    every = list(
        templates(session, Record.id, Record.parent, Record.type, Record.cloud)
        .tuples()
        .limit(100_000)
    )
    parent_of = {rid: parent for rid, parent, _, _ in every}
    under: dict[int, int] = {}
    for rid in parent_of:
        seen, up = set(), parent_of.get(rid)
        while up is not None and up not in seen:  # each ancestor counts it
            seen.add(up)
            under[up] = under.get(up, 0) + 1
            up = parent_of.get(up)
    roots = dict(
        Template.select(Template.record, Template.name)
        .where(
            Template.record.in_([rid for rid, parent, _, _ in every if parent is None])
            & Template.name.is_null(False)
        )
        .tuples()
    )
    clouds = cloud_names(session)
    rows = [
        TemplateRow(rid, roots[rid], rtype, clouds.get(cloud, ""), under.get(rid, 0))
        for rid, _parent, rtype, cloud in every
        if rid in roots and (not type_keys or rtype in type_keys)
    ]
    rows.sort(key=lambda r: (_TYPE_ORDER.get(r.type, 99), r.name.lower(), r.id))
    return rows


@dataclass(frozen=True)
class TemplateStart:
    """What the new-record form opens with, from a template: the known
    placeholders filled; the others stay for the save to fill."""

    template_id: int
    name: str
    type: RecordType
    title: str
    body: str
    date: str  # the form's Date field (a day), "" for none
    one_time: str
    monthly: str
    currency: str
    contact: ContactFields | None
    children: int


def template_start(
    session: Session, template_id: int, parent_id: int | None = None
) -> TemplateStart:
    nodes = template_tree(session, int(template_id))
    root = nodes[0]
    template = root.record
    values = placeholder_values(session, parent_id=parent_id, data=root.data)
    day = ""
    if root.day_offset is not None:
        day = (session.clock.today() + timedelta(days=root.day_offset)).isoformat()
    data = root.data

    def amount(key: str) -> str:
        cents = data.get(key)
        return format_amount(from_cents(cents)) if isinstance(cents, int) else ""

    contact = None
    if any(data.get(k) for k in ("organisation", "email", "phone")):
        contact = ContactFields(
            *(str(data.get(k) or "") for k in ("organisation", "email", "phone"))
        )
    return TemplateStart(
        template_id=template.id,
        name=str(template.name),
        type=type_of(template.type),
        # A placeholder the title cannot fill yet goes: the user types the
        # title (a new lead's is its client), and the notes' are filled
        # from it when saved.
        title=" ".join(
            fill_placeholders(
                template.title, {k: "" for k in PLACEHOLDERS} | values
            ).split()
        ),
        body=fill_placeholders(template.body, values),
        date=day,
        one_time=amount("one_time_cents"),
        monthly=amount("monthly_cents"),
        currency=str(data.get("currency") or ""),
        contact=contact,
        children=len(nodes) - 1,
    )


def fitting_types(parent_type: str | None) -> tuple[str, ...]:
    """The template types `t` offers: on the main view any but an Order (the
    Sold step makes orders and offers theirs); under a record, not a new
    deal either."""
    from ..core.process import DEAL_KEYS, ORDER

    return tuple(
        t.key
        for t in ALL_TYPES
        if t is not ORDER and (parent_type is None or t.key not in DEAL_KEYS)
    )
