"""The layers of DESIGN §6 hold: import contracts, no Textual below the UI,
one write path."""

from __future__ import annotations

import ast
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import focus_tui

PACKAGE = Path(focus_tui.__file__).parent
ROOT = PACKAGE.parent
UI = ("focus_tui.app", "focus_tui.screens", "focus_tui.widgets")


def _modules() -> list[str]:
    found = ["focus_tui"]
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="focus_tui."):
        found.append(info.name)
    return sorted(found)


def test_the_import_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is part of the test extras"
    result = subprocess.run(
        [lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_no_module_below_the_ui_imports_textual_or_rich():
    below = [
        m
        for m in _modules()
        if not m.startswith(UI) and m not in ("focus_tui.cli", "focus_tui.__main__")
    ]
    assert "focus_tui.domain.sales" in below and "focus_tui.views.board" in below
    code = (
        "import importlib, sys\n"
        f"for name in {below!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_headless_command_imports_no_textual(tmp_path):
    code = (
        "import sys\n"
        "from focus_tui.cli import main\n"
        f"main(['--db', {str(tmp_path / 'x.db')!r}, 'status'])\n"
        "assert not any(m.startswith('textual') for m in sys.modules), 'textual'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


# Who may write to tables: the domain's write path, the copied columns'
# writer, shipped migrations and the demo's bulk fill.
WRITERS = {
    "domain/write.py",
    "models/copies.py",
    "models/search.py",
    "models/migrations.py",
    "demo/fill.py",
}
WRITE_METHODS = {
    "create",
    "update",
    "insert",
    "insert_many",
    "insert_from",
    "replace",
    "delete",
    "delete_instance",
    "get_or_create",
    "save",
    "bulk_create",
    "bulk_update",
}


def _model_names() -> set[str]:
    from focus_tui.models import MODELS

    return {m.__name__ for m in MODELS}


def test_only_the_write_path_writes_to_tables():
    models = _model_names()
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in WRITERS:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            ):
                continue
            target, method = node.func.value, node.func.attr
            if method not in WRITE_METHODS:
                continue
            if isinstance(target, ast.Name) and target.id in models:
                offenders.append(f"{rel}:{node.lineno} {target.id}.{method}")
            # SQL written by hand: INSERT/UPDATE/DELETE statements
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                head = node.value.lstrip().upper()
                if head.startswith(("INSERT ", "UPDATE ", "DELETE ")):
                    offenders.append(f"{rel}:{node.lineno} SQL {head[:20]!r}")
    assert offenders == []


def test_the_write_path_check_finds_a_write():
    """The check above is not blind: a write in a view would be reported."""
    models = _model_names()
    tree = ast.parse("Record.update(title='x').execute()\n")
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in WRITE_METHODS
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id in models
    ]
    assert len(calls) == 1


def test_the_package_root_holds_entry_points_only():
    root_modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root_modules) <= 10
    assert set(root_modules) <= {
        "__init__.py",
        "__main__.py",
        "app.py",
        "cli.py",
        "config.py",
    }
    layers = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name[0] != "_"}
    assert {"core", "models", "domain", "views", "screens", "widgets"} <= layers
