"""The domain, the models and the headless CLI import no Textual."""

from __future__ import annotations

import subprocess
import sys

DOMAIN_MODULES = [
    "focus_tui.models",
    "focus_tui.agenda",
    "focus_tui.feed",
    "focus_tui.records",
    "focus_tui.tracker",
    "focus_tui.dates",
    "focus_tui.phases",
    "focus_tui.permissions",
    "focus_tui.history",
    "focus_tui.demo",
    "focus_tui.money",
    "focus_tui.sales",
    "focus_tui.undo",
    "focus_tui.reports",
    "focus_tui.report_view",
    "focus_tui.export",
    "focus_tui.board",
    "focus_tui.cli",
]


def test_domain_imports_no_textual_or_rich():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in DOMAIN_MODULES)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        + "print(','.join(bad))\n"
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
