"""The domain, the models and the headless CLI import no Textual."""

from __future__ import annotations

import subprocess
import sys

DOMAIN_MODULES = [
    "focus_tui.models",
    "focus_tui.views.agenda",
    "focus_tui.views.feed",
    "focus_tui.domain.records",
    "focus_tui.domain.tracker",
    "focus_tui.core.dates",
    "focus_tui.domain.phases",
    "focus_tui.domain.access",
    "focus_tui.domain.history",
    "focus_tui.demo.fill",
    "focus_tui.core.money",
    "focus_tui.domain.sales",
    "focus_tui.domain.undo",
    "focus_tui.views.reports",
    "focus_tui.views.report_view",
    "focus_tui.export.xlsx",
    "focus_tui.views.board",
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
