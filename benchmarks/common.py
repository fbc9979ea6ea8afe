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


class Repaints:
    """Base of the paint clocks: `painted` is when a watched widget last
    drew a line, i.e. when the screen was updated."""

    painted = 0.0

    async def wait_paint(self, since: float, timeout: float = 5.0) -> float:
        import asyncio
        import time

        deadline = since + timeout
        while self.painted <= since:
            if time.perf_counter() > deadline:
                raise TimeoutError("no repaint")
            await asyncio.sleep(0.0002)
        return self.painted - since


async def press(app, paint: Repaints, key: str) -> float:
    """Send a key the way the terminal driver does; time until repainted.

    Pilot's own waits (tens of ms of idle polling) would swamp the figure.
    """
    import asyncio
    import time

    from textual import events

    await asyncio.sleep(0.02)  # let the previous frame settle
    start = time.perf_counter()
    event = events.Key(key, None)
    event.set_sender(app)
    app._driver.send_message(event)
    return await paint.wait_paint(start)
