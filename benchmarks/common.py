"""Shared by the benchmark scripts."""

from __future__ import annotations

import compileall
from pathlib import Path

import focus_tui


def compile_package() -> None:
    """Write focus_tui's .pyc files, as `pip install .` does.

    An editable install has none, and with PYTHONDONTWRITEBYTECODE set (as on
    this machine) every process would compile the package from source again,
    which a user's install never does.
    """
    compileall.compile_dir(str(Path(focus_tui.__file__).parent), quiet=1)
