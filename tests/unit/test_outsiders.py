"""Every public read and command, run by an outsider, sees and changes nothing.

The functions are found by introspection — every public function of
`focus_tui.domain`, `focus_tui.views` and `focus_tui.export` whose first
parameter is `session` — so one added later is covered without anyone
remembering to add it here. If it takes a parameter this test has no sample
for, the test fails and says so.

The data belongs to alice: a team cloud and her private cloud, with every
kind of record and every sales stage, people, time and history. Mallory is a
user of no cloud of the data (she has her own, empty, private cloud). For
each function, called with every id of alice's data where it takes one:

- an id is answered with NotFound ("no record #N that you can see");
- nothing it returns mentions anything of alice's (every title, name, phone,
  e-mail, reason, sum and cloud name of the data holds a marker);
- no row of the data changed, and no new row points at the data.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import itertools
import pkgutil
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import peewee
import pytest
from conftest import advance

import focus_tui.domain
import focus_tui.export
import focus_tui.views
from focus_tui.core.dates import When
from focus_tui.core.errors import NotFound, UserError
from focus_tui.core.money import Terms
from focus_tui.core.process import STAGES, EventKind, Phase
from focus_tui.domain import records, sales, tracker
from focus_tui.domain.attachments import BytesFile
from focus_tui.domain.records import ContactFields
from focus_tui.domain.session import Session, ensure_user
from focus_tui.importing.mail import parse_message
from focus_tui.importing.time_history import parse_history
from focus_tui.models import (
    MODELS,
    Attachment,
    Cloud,
    CloudMember,
    Record,
    TimeEntry,
    User,
)
from focus_tui.views.feed import CloudFeedSettings
from focus_tui.views.report_view import ViewSettings
from focus_tui.views.reports import GROUPS, Filters

MARK = "secret"  # in every text of the data (compared case-insensitively)
SUMS = ("123457", "12345789", "98765", "9876500")  # its sums and cents
SECONDS = 4242  # each of alice's focus sessions lasts this long

# The write path is not an entry point: only the domain's commands call it,
# after their checks (an import contract keeps it so), and they are tested
# here. to_rows formats the rows of a query its caller has scoped; the CTE
# builders write SQL text, which the functions tested here run.
NOT_ENTRY_POINTS = {
    "focus_tui.domain.write",
    "focus_tui.views.listing.to_rows",
    "focus_tui.domain.deals.deal_chain_cte",
    "focus_tui.domain.deals.deal_tree_cte",
    "focus_tui.domain.access.cloud_ids_sql",
    # A stand-in session for building prepared queries: reads nothing.
    "focus_tui.domain.access.probe",
    # Undo's second half: puts back rows `undo` found in a visible record's
    # own history, after its checks (undo is tested here).
    "focus_tui.domain.time_edits.restore_entries",
}
# Parameters that name records: given each id of the data.
ID_PARAMS = {"record_id", "parent_id", "deal_id", "context_id"}
ID_LIST_PARAMS = {"record_ids", "ids", "person_ids", "participant_ids"}


@dataclasses.dataclass
class Data:
    ids: list[int]
    people: list[int]
    alice: User
    clouds: list[int]


@pytest.fixture
def data(session: Session) -> Data:
    """Alice's work, in her team cloud and her private cloud."""
    alice_user = ensure_user("alice", session.clock, "Alice Secretsson")
    alice = Session(db=session.db, user=alice_user, clock=session.clock)
    now = session.clock.now_utc_naive()
    team = Cloud.create(name="Secret Team", kind="team", created_at=now)
    CloudMember.create(cloud=team, user=alice_user, role="owner")
    zed = records.create_record(
        alice,
        "contact_person",
        "Zed Secretperson",
        cloud="Secret Team",
        contact=ContactFields("Secretco", "zed@secret.example", "+358 secret"),
    )
    hidden = records.create_record(alice, "contact_person", "Private Secretfriend")
    lead = records.create_record(
        alice, "sales_lead", "Secret lead", cloud="Secret Team", body="secret notes"
    )
    note = records.create_record(
        alice,
        "contact_note",
        "Secret call",
        parent_id=lead.id,
        participant_ids=[zed.id],
        when=When(session.clock.today()),
    )
    proposal = sales.create_proposal(
        alice,
        note.id,
        "Secret offer",
        terms=Terms(Decimal("123457.89"), Decimal("98765"), "SEK"),
    )
    sales.send(alice, proposal.id)
    sales.revise(alice, proposal.id, Terms(Decimal("123457.89")))
    sold = sales.mark_sold(alice, proposal.id, tasks=["Secret delivery"])
    sales.mark_delivered(alice, proposal.id)
    sales.mark_billed(alice, proposal.id, monthly=True)
    lost = sales.create_proposal(
        alice, lead.id, "Secret lost offer", terms=Terms(Decimal("98765"))
    )
    sales.send(alice, lost.id)
    sales.mark_lost(alice, lost.id, "secret price")
    draft = sales.create_proposal(alice, lead.id, "Secret draft")
    task = records.create_record(
        alice, "task", "Secret task", when=When(session.clock.today() + timedelta(1))
    )
    for target in (task, note, draft):
        tracker.focus(alice, target.id)
        advance(alice, seconds=SECONDS)
    from focus_tui.domain.attachments import BytesFile, attach

    attach(alice, lead.id, [BytesFile("Secret plan.txt", "text/plain", b"secret")])
    from focus_tui.domain import templates

    templates.ensure_builtins(alice)
    kept = [
        templates.save_template(alice, lead.id, "Secret template"),
        templates.save_template(alice, task.id, "Secret own template", cloud=None),
    ]
    session.clock = alice.clock  # mallory lives at the same moment
    running = tracker.current_focus(alice)
    assert running is not None and running.record_id == draft.id
    ids = [
        r.id
        for r in (
            lead,
            note,
            proposal,
            lost,
            draft,
            task,
            zed,
            hidden,
            *sold.tasks,
            *kept,
        )
    ]
    return Data(
        ids=ids,
        people=[zed.id, hidden.id],
        alice=alice_user,
        clouds=[team.id, Cloud.get(Cloud.owner == alice_user.id).id],
    )


@pytest.fixture
def mallory(session: Session) -> Session:
    user = ensure_user("mallory", session.clock)
    return Session(db=session.db, user=user, clock=session.clock)


def entry_points() -> list[tuple[str, object]]:
    found = []
    for package in (focus_tui.domain, focus_tui.views, focus_tui.export):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            if info.name in NOT_ENTRY_POINTS:
                continue
            module = importlib.import_module(info.name)
            for name, obj in vars(module).items():
                full = f"{info.name}.{name}"
                if name.startswith("_") or full in NOT_ENTRY_POINTS:
                    continue
                if getattr(obj, "__module__", None) != info.name:
                    continue
                if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                    continue
                try:
                    params = list(inspect.signature(obj).parameters)
                except (TypeError, ValueError):
                    continue
                if params[:1] == ["session"]:
                    found.append((full, obj))
    return found


def samples(mallory: Session, data: Data, tmp_path: Path) -> dict[str, list]:
    today = mallory.clock.today()
    return {
        # what the data is looked up by
        "record": [Record.get_by_id(i) for i in data.ids],
        "user_id": [data.alice.id],
        "user_ids": [[data.alice.id]],
        "actor_id": [None, data.alice.id],
        "name": ["Secret Team", "alice"],
        # templates: alice's (mallory has her own built-ins of the same names)
        "template": ["Secret template", "Sales Lead", f"#{data.ids[-1]}"],
        "template_id": [data.ids[-2], data.ids[-1]],
        "type_keys": [(), ("order", "sales_lead")],
        "own_title": [None, "Outsider's lead"],
        "rtype": [None],
        "data": [{}, {"valid_days": 30}],
        "final": [True],
        "replace": [True],
        "cloud": ["Secret Team"],
        "cloud_id": [None, *data.clouds],
        "text": ["Zed", "secret", "Secretco", "note Secret #Secret @alice"],
        "context": ["Secretco"],
        "seed": ["SELECT id FROM record"],
        # search: words of alice's titles, notes, people and their details
        "words": [["secret"], ["zed"], ["secretco"], ["358"], ["secret", "s"]],
        "title_only": [True, False],
        "type_key": [None, "contact_person", "sales_lead", "order"],
        "order": ["date", "title"],
        "chunk": [1000],
        # the rest of what callers pass
        "columns": [()],
        "lock": [True],
        "type_": ["task"],
        "title": ["Outsider's title"],
        "body": [""],
        "when": [When(today + timedelta(1))],
        "date": [today],
        "due_at": [None],
        "contact": [ContactFields()],
        "new_people": [["Outsider's person"]],
        "log": [True],
        "finished": [True, False],
        "terms": [Terms(Decimal("5"))],
        "sent_date": [None],
        "sold_date": [None],
        "delivered_date": [None],
        "billed_date": [None],
        "follow_up": [When(today + timedelta(7))],
        "relationship_when": [None],
        "check_when": [None],
        "finish_lead": [True],
        "tasks": [["Outsider's task"]],
        "reason": ["outsider"],
        "monthly": [False],
        "expect": [None, EventKind.SOLD],
        "stage": list(STAGES),
        "stages": [tuple(STAGES)],
        "wanted": [{stage: (0, 50) for stage in STAGES}],
        "totals": [None],
        "total": [None],
        "mine": [False],
        "offset": [0],
        "limit": [50],
        "dated_count": [100],
        "files": [0, 5],
        "cursor": [0],
        "batch": [2000],
        "page": [2000],
        "types": [()],
        "include_finished": [True],
        "settings": [ViewSettings(), ViewSettings(types=("order",))],
        "filters": [Filters(), Filters(user_id=data.alice.id)],
        "by": list(GROUPS),
        "months": [12],
        "view": ["report", "sales-process"],
        "folder": [tmp_path],
        "path": [tmp_path / "outsider.xlsx"],
        "progress": [None],
        "logged": [None, True],
        # e-mail from one of alice's people, into one of alice's records
        "messages": [
            [
                parse_message(
                    b"From: Zed <zed@secret.example>\r\nSubject: Outsider mail\r\n"
                    b"Message-ID: <m@outsider>\r\n\r\nHello\r\n",
                    "outsider.eml",
                )
            ]
        ],
        "phase": [Phase.OTHER],
        # files: alice's attachments, and a file of mallory's own
        "attachment_id": [a.id for a in Attachment.select()],
        "sources": [[BytesFile("outsider.txt", "text/plain", b"outsider")]],
        "source": [BytesFile("outsider.txt", "text/plain", b"outsider")],
        "force": [True],
        # time from another tool, on a deal named like one of alice's
        "history": [
            parse_history(
                "watson", b'[[1700000000, 1700003600, "Secret lead", "s1"]]', "frames"
            )
        ],
        # clouds and members: alice's cloud, alice herself, a cloud of one's own
        "archived": [True],
        "new_name": ["Outsider cloud"],
        "user_name": ["alice", "mallory"],
        "owner": [True, False],
        "password": [None],
        # time: alice's entries, and moments around them
        "entry_id": [
            e.id for e in TimeEntry.select().where(TimeEntry.user == data.alice.id)
        ],
        "started_at": [mallory.clock.now_utc_naive() - timedelta(hours=3)],
        "ended_at": [None, mallory.clock.now_utc_naive() - timedelta(hours=2)],
        "at": [None, mallory.clock.now_utc_naive() - timedelta(minutes=5)],
        "trim": [True],
        "exclude": [None],
        "first_day": [None, today - timedelta(30)],
        "last_day": [None],
        "feed_settings": [
            CloudFeedSettings(),
            CloudFeedSettings(types=("task",), actor_id=data.alice.id, finished=False),
        ],
    }


def _calls(function, mallory: Session, data: Data, tmp_path: Path):
    """(kwargs, names an id of the data?) for every call of `function`."""
    table = samples(mallory, data, tmp_path)
    params = list(inspect.signature(function).parameters.values())[1:]
    choices = {}
    for param in params:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.name in ID_PARAMS:
            choices[param.name] = [("id", i) for i in data.ids]
        elif param.name in ID_LIST_PARAMS:
            choices[param.name] = [
                ("id", data.ids if "person" not in param.name else data.people)
            ]
        elif param.name in table:
            choices[param.name] = [("value", v) for v in table[param.name]]
        else:
            raise AssertionError(
                f"{function.__module__}.{function.__name__} takes {param.name!r}: "
                "add a sample for it to tests/unit/test_outsiders.py"
            )
    names = list(choices)
    id_params = [n for n in names if n in ID_PARAMS]
    # Every id param gets the same id at once; other params vary.
    other = [n for n in names if n not in ID_PARAMS]
    ids = data.ids if id_params else [None]
    for rid in ids:
        for combo in itertools.product(*(choices[n] for n in other)):
            kwargs = dict(zip(other, (value for _kind, value in combo), strict=True))
            for n in id_params:
                kwargs[n] = rid
            scalar_id = bool(id_params)
            yield kwargs, scalar_id


def _text(value, depth: int = 0) -> str:
    """Everything a result holds, as text to search."""
    if depth > 6:
        return ""
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        return repr(value)
    if isinstance(value, str):
        return value
    if isinstance(value, Path):
        if value.suffix == ".xlsx" and value.exists():
            from openpyxl import load_workbook

            book = load_workbook(value, read_only=True)
            return " ".join(
                str(cell)
                for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True)
                for cell in row
            )
        return str(value)
    if isinstance(value, peewee.Model):  # a row
        return repr(value.__data__)
    if isinstance(value, peewee.Query):  # a scope: run it
        return " ".join(_text(row, depth + 1) for row in value.tuples())
    if isinstance(value, peewee.Node):  # a condition: no data in it
        return ""
    if dataclasses.is_dataclass(value):
        return " ".join(
            _text(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value)
        )
    if isinstance(value, dict):
        return " ".join(
            _text(k, depth + 1) + " " + _text(v, depth + 1) for k, v in value.items()
        )
    if hasattr(value, "__iter__"):  # lists, generators, queries (run here)
        return " ".join(_text(v, depth + 1) for v in value)
    if hasattr(value, "rows"):  # ExportResult and the like
        return repr(vars(value))
    if hasattr(value, "ids"):  # ViewIndex
        return repr(list(value.ids)) + _text(value.page(0, 100), depth + 1)
    return repr(value)


def _key(model, row: tuple) -> tuple:
    fields = model._meta.sorted_fields
    keys = model._meta.get_primary_keys()
    # By identity: a Field's == builds an SQL expression.
    return tuple(row[next(i for i, f in enumerate(fields) if f is k)] for k in keys)


def _dump() -> dict[str, dict]:
    return {
        model._meta.table_name: {
            _key(model, row): row for row in model.select().tuples()
        }
        for model in MODELS
    }


def _is_nothing(result) -> bool:
    """No answer: None, False, an empty collection, a query without rows.
    (A number is an answer: position 0 of a column is a place.)"""
    if result is None or result is False:
        return True
    if isinstance(result, peewee.Query):
        return not result.exists()
    if isinstance(result, list | tuple | set | frozenset | dict | str):
        return not result
    return False


def _changes(before: dict, data: Data) -> list[str]:
    found = []
    data_ids, data_clouds = set(data.ids), set(data.clouds)
    for model in MODELS:
        name = model._meta.table_name
        columns = [f.name for f in model._meta.sorted_fields]
        old = before[name]
        for key, row in old.items():
            now = (
                model.select()
                .where(
                    *[
                        getattr(model, f.name) == k
                        for f, k in zip(
                            model._meta.get_primary_keys(), key, strict=True
                        )
                    ]
                )
                .tuples()
                .first()
            )
            if now != row:
                found.append(f"{name} {key}: {row} -> {now}")
        for row in model.select().tuples():
            key = _key(model, row)
            if key in old:
                continue
            values = dict(zip(columns, row, strict=True))
            for column, value in values.items():
                if column in ("record", "parent", "person") and value in data_ids:
                    found.append(f"new {name} row points at #{value}")
                if column == "cloud" and value in data_clouds:
                    found.append(f"new {name} row in a cloud of the data")
    return found


def test_every_public_read_and_command_shows_an_outsider_nothing(
    mallory: Session, data: Data, tmp_path
):
    points = entry_points()
    names = {name for name, _ in points}
    # The discovery finds what exists (a sample of each layer).
    assert {
        "focus_tui.domain.access.get_record",
        "focus_tui.domain.sales.mark_sold",
        "focus_tui.views.board.column_pages",
        "focus_tui.views.feed.feed_page",
        "focus_tui.export.xlsx.export_xlsx",
        "focus_tui.views.report_view.ViewIndex",
    } <= names
    before = _dump()
    problems = []
    calls = 0
    for name, function in points:
        for kwargs, names_an_id in _calls(function, mallory, data, tmp_path):
            calls += 1
            try:
                with mallory.transaction():
                    result = function(mallory, **kwargs)
                    text = _text(result).lower()
                    empty = _is_nothing(result)
            except NotFound:
                continue
            except UserError as exc:
                if names_an_id:
                    problems.append(f"{name}({kwargs}): {exc!s} (not 'not found')")
                # A message may repeat what the outsider typed; nothing else.
                text = str(exc).lower()
                for value in kwargs.values():
                    if isinstance(value, str):
                        text = text.replace(value.lower(), "")
            else:
                if names_an_id and not empty:
                    problems.append(
                        f"{name}({kwargs}) answered for a hidden id: {text[:80]}"
                    )
            leaked = [s for s in (MARK, *SUMS) if s in text]
            if leaked:
                problems.append(f"{name}({kwargs}) shows {leaked}: {text[:200]}")
            changes = _changes(before, data)
            if changes:
                problems.append(f"{name}({kwargs}) changed {changes[:3]}")
                before = _dump()
    assert calls > 300
    assert problems == [], "\n".join(problems)


def test_the_outsider_test_sees_a_leak(mallory: Session, data: Data, tmp_path):
    """Not blind: a read that skips the access path is reported."""

    def leaky(session, record_id):
        return Record.get_by_id(record_id)

    leaky.__module__ = "focus_tui.views.leaky"
    found = []
    for kwargs, _ in _calls(leaky, mallory, data, tmp_path):
        try:
            result = leaky(mallory, **kwargs)
        except NotFound:
            continue
        found.append(MARK in _text(result).lower())
    assert found and all(found[:6])


def test_the_data_is_rich(data: Data, session: Session):
    """Alice herself sees what mallory must not (so the test means something)."""
    from focus_tui.views import board, feed

    alice = Session(db=session.db, user=data.alice, clock=session.clock)
    totals = board.column_totals(alice)
    assert totals["billed"].count == 1 and totals["lost"].count == 1
    note = data.ids[1]
    history = " ".join(
        item.text
        for item in feed.feed_page(alice, note, 0, 50)
        if hasattr(item, "text")
    )
    assert "Zed Secretperson" in history
    assert tracker.focused_seconds(alice, [note])[note] == SECONDS
    assert isinstance(datetime.now(), datetime)
