"""The sales process as one table: record types, stages, steps, events, phases.

Everything that names a part of the Focus sales process reads it from here:
the sales steps, the board, undo, the reports, the phase of a time entry,
history text, CLI messages and the demo. A stage, type or event-kind string
written anywhere else is a copy waiting to disagree (`tests/unit/
test_process_table.py` looks for them).

    Sales Lead ─ Sales Proposal: Draft ─send─▶ Sent ─sold─▶ Order: Ordered
                                   │            │ ▲revise     ─delivered─▶ Delivered
                                   └──lost──────┴─▶ Lost      ─billed─▶ Billed

Keys (`sales_lead`, `sent`, ...) are what the database, JSON and the CLI
use; names ("Sales Lead", "Sent") are what people read.
"""

from __future__ import annotations

from collections import namedtuple
from enum import StrEnum

from .errors import UserError

# -- record types ------------------------------------------------------------


# The value types a short CLI command meets on its way (record types, stages,
# the focus, a time edit) are named tuples: a frozen dataclass costs about a
# millisecond to define, and `focus-tui status` must answer at once.
class RecordType(namedtuple("RecordType", "key name short is_activity")):
    """A kind of record: its key in the database, its name, a short name
    that fits a narrow list column, and whether it is an activity."""

    __slots__ = ()


TASK = RecordType("task", "Task", "Task", True)
SALES_LEAD = RecordType("sales_lead", "Sales Lead", "Lead", True)
CONTACT_NOTE = RecordType("contact_note", "Contact Note", "Note", True)
SALES_PROPOSAL = RecordType("sales_proposal", "Sales Proposal", "Proposal", True)
ORDER = RecordType("order", "Order", "Order", True)
CLIENT_RELATIONSHIP = RecordType(
    "client_relationship", "Client Relationship", "Client", True
)
CONTACT_PERSON = RecordType("contact_person", "Contact Person", "Person", False)

ALL_TYPES: tuple[RecordType, ...] = (
    TASK,
    SALES_LEAD,
    CONTACT_NOTE,
    SALES_PROPOSAL,
    ORDER,
    CLIENT_RELATIONSHIP,
    CONTACT_PERSON,
)
BY_KEY = {t.key: t for t in ALL_TYPES}
ACTIVITY_KEYS = tuple(t.key for t in ALL_TYPES if t.is_activity)

# What the "new record" form offers; orders and client relationships are made
# by the Sold step, not typed in from scratch.
CREATABLE: tuple[RecordType, ...] = (
    TASK,
    SALES_LEAD,
    CONTACT_NOTE,
    SALES_PROPOSAL,
    CONTACT_PERSON,
)

# A deal is the tree under one of these (see `domain.deals`).
DEAL_TYPES: tuple[RecordType, ...] = (SALES_LEAD, CLIENT_RELATIONSHIP)
DEAL_KEYS = tuple(t.key for t in DEAL_TYPES)
# Records with sums and a sales stage (a `Sale` row).
SALE_TYPES: tuple[RecordType, ...] = (SALES_PROPOSAL, ORDER)
SALE_KEYS = tuple(t.key for t in SALE_TYPES)


def _normalise(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


_LOOKUP = {}
for _t in ALL_TYPES:
    _LOOKUP[_normalise(_t.key)] = _t
    _LOOKUP[_normalise(_t.name)] = _t
    _LOOKUP[_normalise(_t.short)] = _t


# What the method also calls a proposal ("revise an offer"): quick add's
# `offer 12 000 EUR` and `focus-tui add offer ...`.
_LOOKUP["offer"] = SALES_PROPOSAL


def find_type(text: str) -> RecordType | None:
    """A type from its key, display name or short name (any case); None if
    `text` names none."""
    return _LOOKUP.get(_normalise(text))


def parse_type(text: str) -> RecordType:
    """A type from its key, display name or short name (any case)."""
    found = find_type(text)
    if found is None:
        keys = ", ".join(t.key for t in ALL_TYPES)
        raise UserError(f"Unknown record type {_quoted(text)}. Use one of: {keys}.")
    return found


def _quoted(text: str) -> str:
    from .text import one_line

    text = one_line(text)
    return repr(text if len(text) <= 30 else text[:29] + "…")


def type_of(key: str) -> RecordType:
    return BY_KEY[key]


def with_article(rtype: RecordType | str) -> str:
    """'a Task', 'an Order'."""
    if isinstance(rtype, str):
        rtype = type_of(rtype)
    return ("an " if rtype.name[0] in "AEIOU" else "a ") + rtype.name


# -- phases ------------------------------------------------------------------------


class Phase(StrEnum):
    """The phase of the sales process a piece of work belongs to."""

    LEAD = "lead"
    PROPOSAL = "proposal"
    FOLLOW_UP = "follow_up"
    FULFILMENT = "fulfilment"
    BILLING = "billing"
    CLIENT_CARE = "client_care"
    OTHER = "other"

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]


PHASES: tuple[Phase, ...] = tuple(Phase)


def phase_label(key: str) -> str:
    """A phase as people read it ("Client care" for client_care); a key of
    no phase as it is, "" for none (a total row)."""
    try:
        return Phase(key).label if key else ""
    except ValueError:
        return key


PHASE_LABELS = {
    Phase.LEAD: "Lead",
    Phase.PROPOSAL: "Proposal",
    Phase.FOLLOW_UP: "Follow-up",
    Phase.FULFILMENT: "Fulfilment",
    Phase.BILLING: "Billing",
    Phase.CLIENT_CARE: "Client care",
    Phase.OTHER: "Other",
}


# -- clouds ---------------------------------------------------------------------------


class CloudRole(StrEnum):
    """What a member may do in a cloud: an owner also manages its members,
    renames and archives it."""

    OWNER = "owner"
    MEMBER = "member"


class CloudKind(StrEnum):
    PRIVATE = "private"  # one per user, theirs alone
    TEAM = "team"


# -- history events -----------------------------------------------------------------


class EventKind(StrEnum):
    """What a line of a record's history says happened."""

    CREATED = "created"
    EDITED = "edited"
    MOVED = "moved"
    FINISHED = "finished"
    UNFINISHED = "unfinished"
    FOCUSED = "focused"
    PARTICIPANTS = "participants"
    TERMS = "terms"  # the sums changed, same revision
    SENT = "sent"
    REVISED = "revised"
    LOST = "lost"
    SOLD = "sold"
    BECAME_CLIENT = "became_client"
    DELIVERED = "delivered"
    BILLED = "billed"
    UNDONE = "undone"
    CLOUD_CHANGED = "cloud_changed"  # moved to another cloud, with its subtree
    ACTOR_ADDED = "actor_added"
    ACTOR_REMOVED = "actor_removed"
    TIME_ADDED = "time_added"  # a forgotten entry, added by hand
    TIME_CHANGED = "time_changed"
    TIME_DELETED = "time_deleted"
    ATTACHED = "attached"  # a file put on the record
    DETACHED = "detached"  # a file taken off it


# Steps that keep the state they changed, so `u` can put it back.
UNDOABLE: tuple[EventKind, ...] = (
    EventKind.MOVED,
    EventKind.FINISHED,
    EventKind.UNFINISHED,
    EventKind.SENT,
    EventKind.REVISED,
    EventKind.TERMS,
    EventKind.LOST,
    EventKind.SOLD,
    EventKind.DELIVERED,
    EventKind.BILLED,
    EventKind.TIME_ADDED,
    EventKind.TIME_CHANGED,
    EventKind.TIME_DELETED,
)

# How a step reads in a sentence ("The last step on #3 was a revision").
STEP_NAMES: dict[EventKind, str] = {
    EventKind.SENT: "Send",
    EventKind.SOLD: "Sold",
    EventKind.DELIVERED: "Delivered",
    EventKind.BILLED: "Billed",
    EventKind.LOST: "Lost",
    EventKind.REVISED: "a revision",
    EventKind.TERMS: "a change of sums",
    EventKind.MOVED: "a move",
    EventKind.FINISHED: "finishing it",
    EventKind.UNFINISHED: "opening it again",
    EventKind.TIME_ADDED: "adding time",
    EventKind.TIME_CHANGED: "a change of time",
    EventKind.TIME_DELETED: "deleting time",
}


def step_name(kind: str) -> str:
    """'a revision', '“Sold”' — a step's name inside a sentence."""
    name = STEP_NAMES.get(kind, str(kind).replace("_", " "))  # type: ignore[call-overload]
    return name if name[0].islower() else f"“{name}”"


def step_verb(kind: str) -> str:
    """'sold', 'became client' — the undone step in a short confirmation."""
    return str(kind).replace("_", " ")


# -- sales stages ---------------------------------------------------------------------


class Stage(StrEnum):
    """Where a proposal or order stands (`Sale.stage`)."""

    DRAFT = "draft"
    SENT = "sent"
    ORDERED = "ordered"
    DELIVERED = "delivered"
    BILLED = "billed"
    LOST = "lost"

    @property
    def info(self) -> StageInfo:
        return PROCESS[self]

    @property
    def label(self) -> str:
        return PROCESS[self].name


class StageInfo(
    namedtuple(
        "StageInfo",
        "stage name record_type step_into next phase closed",
        defaults=(False,),
    )
):
    """A stage of the sales process: its name; the record type a record in
    it is; `step_into`, the step that brings a record here (None: made
    here); `next`, where the next step (the board's `>`) takes it; the
    phase work on such a record is in; `closed`: open stages list unfinished
    records only (a proposal finished with `x` leaves the board), Billed
    and Lost list every record."""

    __slots__ = ()


PROCESS: dict[Stage, StageInfo] = {
    info.stage: info
    for info in (
        StageInfo(
            Stage.DRAFT, "Draft", SALES_PROPOSAL, None, Stage.SENT, Phase.PROPOSAL
        ),
        StageInfo(
            Stage.SENT,
            "Sent",
            SALES_PROPOSAL,
            EventKind.SENT,
            Stage.ORDERED,
            Phase.FOLLOW_UP,
        ),
        StageInfo(
            Stage.ORDERED,
            "Ordered",
            ORDER,
            EventKind.SOLD,
            Stage.DELIVERED,
            Phase.FULFILMENT,
        ),
        StageInfo(
            Stage.DELIVERED,
            "Delivered",
            ORDER,
            EventKind.DELIVERED,
            Stage.BILLED,
            Phase.BILLING,
        ),
        StageInfo(
            Stage.BILLED,
            "Billed",
            ORDER,
            EventKind.BILLED,
            None,
            Phase.CLIENT_CARE,
            closed=True,
        ),
        StageInfo(
            Stage.LOST,
            "Lost",
            SALES_PROPOSAL,
            EventKind.LOST,
            None,
            Phase.FOLLOW_UP,
            closed=True,
        ),
    )
}

# Board order: the process from left to right, Lost last (hidden by default).
STAGES: tuple[Stage, ...] = tuple(PROCESS)
STAGE_NAMES: dict[str, str] = {stage: info.name for stage, info in PROCESS.items()}
MAIN_STAGES = tuple(s for s in STAGES if s is not Stage.LOST)
CLOSED_STAGES = tuple(s for s in STAGES if PROCESS[s].closed)
# A proposal that reached one of these was won.
WON_STAGES = tuple(s for s in STAGES if PROCESS[s].record_type is ORDER)
# The stage a new sale row starts in, by record type.
FIRST_STAGE = {SALES_PROPOSAL.key: Stage.DRAFT, ORDER.key: Stage.ORDERED}
# Stages of a proposal that has gone out to the client.
OFFERED_STAGES = (Stage.SENT, Stage.LOST)


def parse_stage(text: str) -> Stage:
    key = text.strip().lower()
    for stage in STAGES:
        if key in (stage.value, PROCESS[stage].name.lower()):
            return stage
    raise UserError(
        f"Unknown sales stage {_quoted(text)}. Use one of: {', '.join(STAGES)}."
    )


def phase_of_stage(stage: str | None) -> Phase:
    """The phase of work on a proposal or order in `stage` (draft if unknown)."""
    info = PROCESS.get(stage) if stage else None  # type: ignore[call-overload]
    return info.phase if info else Phase.PROPOSAL


def plural_name(rtype: RecordType) -> str:
    """'Sales Leads', 'Contact Persons': a list of records of one type."""
    return f"{rtype.name}s"
