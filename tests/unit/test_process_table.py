"""The sales process is one table (`core.process`): no stage, record-type,
event-kind or phase key is written as a string anywhere else in the code.

A key used as data — compared with, stored, looked up, passed to the query
layer, or quoted inside SQL — must come from the table. The same words as
plain text (a CLI command called `sold`, the label "sent" in a sentence)
are not keys and are left alone. Shipped migrations keep their literals:
they must go on doing what they did.
"""

from __future__ import annotations

import ast
from pathlib import Path

import focus_tui
from focus_tui.core.process import (
    ALL_TYPES,
    PHASES,
    PROCESS,
    STAGES,
    UNDOABLE,
    EventKind,
    Phase,
    Stage,
)

PACKAGE = Path(focus_tui.__file__).parent
EXEMPT = {"core/process.py", "models/migrations.py"}
KEYS = (
    {t.key for t in ALL_TYPES}
    | {s.value for s in Stage}
    | {k.value for k in EventKind}
    | {p.value for p in Phase}
)
DATA_KEYWORDS = {"type", "type_", "rtype", "stage", "kind", "phase", "default"}
DATA_NAMES = ("stage", "type", "kind", "phase")
KEY_CALLS = {
    "add",
    "add_record",
    "create_record",
    "parse_type",
    "type_of",
    "with_article",
    "parse_stage",
    "log_event",
    "in_",
    "not_in",
}
TABLES = {"PROCESS", "STAGE_NAMES", "BY_KEY", "PHASE_LABELS", "STEP_NAMES"}


def _name_of(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _quoted_keys(text: str) -> list[str]:
    return [key for key in KEYS if f"'{key}'" in text]


def literal_keys(source: str) -> list[tuple[int, str]]:
    """(line, key) of every key written as data in `source`."""
    tree = ast.parse(source)
    parent: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parent[child] = node
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        value = node.value
        for key in _quoted_keys(value):
            found.append((node.lineno, key))
        if value not in KEYS:
            continue
        child, up = node, parent.get(node)
        if isinstance(up, ast.IfExp) and child is not up.test:
            child, up = up, parent.get(up)  # "order" if won else "lead"
        if isinstance(up, ast.Tuple | ast.List | ast.Set):
            holder = parent.get(up)
            if isinstance(holder, ast.Assign) and any(
                _name_of(t).isupper()
                and _name_of(t).endswith(("TYPES", "STAGES", "KINDS", "PHASES", "KEYS"))
                for t in holder.targets
            ):
                found.append((node.lineno, value))
                continue
            child, up = up, holder
        data = (
            isinstance(up, ast.Compare)
            or (isinstance(up, ast.keyword) and up.arg in DATA_KEYWORDS)
            or (
                isinstance(up, ast.Assign | ast.AnnAssign)
                and any(
                    any(word in _name_of(t).lower() for word in DATA_NAMES)
                    for t in (up.targets if isinstance(up, ast.Assign) else [up.target])
                )
            )
            or (
                isinstance(up, ast.Call)
                and child in up.args
                and _name_of(up.func) in KEY_CALLS
            )
            or (
                isinstance(up, ast.Subscript)
                and child is up.slice
                and _name_of(up.value) in TABLES
            )
        )
        if data:
            found.append((node.lineno, value))
    return found


def test_no_key_of_the_process_is_written_outside_the_table():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in EXEMPT:
            continue
        for line, key in literal_keys(path.read_text()):
            offenders.append(f"{rel}:{line} {key!r}")
    assert offenders == []


def test_the_search_finds_keys_used_as_data():
    source = "\n".join(
        [
            'if sale.stage == "sent": pass',  # 1 compare
            'q.where(Record.type.in_(["order", "task"]))',  # 2 query
            'Sale.insert(stage="draft")',  # 3 stored
            'stage = "billed"',  # 4 assigned
            "sql = \"WHERE type = 'sales_lead'\"",  # 5 in SQL
            'STAGE_NAMES["lost"]',  # 6 looked up
            'SALE_TYPES = ("sales_proposal", "order")',  # 7 a table of its own
            'add("order" if won else "task", title)',  # 8 passed on
            'parser.add_parser("sold")',  # a command's name: not a key
            'print("created")',  # a word in text: not a key
        ]
    )
    lines = sorted({line for line, _key in literal_keys(source)})
    assert lines == [1, 2, 3, 4, 5, 6, 7, 8]


def test_the_table_is_complete_and_consistent():
    assert STAGES[0] is Stage.DRAFT and STAGES[-1] is Stage.LOST
    # Each stage's step leads into it; following `next` walks the process.
    stage, walked = Stage.DRAFT, []
    while stage is not None:
        walked.append(stage)
        stage = PROCESS[stage].next
    assert walked == [
        Stage.DRAFT,
        Stage.SENT,
        Stage.ORDERED,
        Stage.DELIVERED,
        Stage.BILLED,
    ]
    for stage in walked[1:]:
        assert PROCESS[stage].step_into in UNDOABLE
    assert {PROCESS[s].phase for s in STAGES} <= set(PHASES)
