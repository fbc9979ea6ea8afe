"""`focus-tui serve`: the app in a browser through textual-serve (extra)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cli(db, *args, timeout=60):
    env = dict(os.environ, FOCUS_TUI_DB=str(db), FOCUS_TUI_USER="tester")
    return subprocess.run(
        [sys.executable, "-m", "focus_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def test_serve_answers_over_http_and_runs_the_app(db_path):
    pytest.importorskip("textual_serve")
    aiohttp = pytest.importorskip("aiohttp")
    import asyncio

    assert _cli(db_path, "add", "task", "Call Anna").returncode == 0
    port = _free_port()
    env = dict(os.environ, FOCUS_TUI_DB=str(db_path), FOCUS_TUI_USER="tester")
    server = subprocess.Popen(
        [sys.executable, "-m", "focus_tui", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        page = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/", timeout=2
                ) as r:
                    page = r.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert page is not None, "the server did not answer"
        assert f"ws://127.0.0.1:{port}/ws" in page and "Focus TUI" in page

        async def first_screen() -> bytes:
            seen = b""
            url = f"http://127.0.0.1:{port}/ws?width=80&height=24"
            async with (
                aiohttp.ClientSession() as client,
                client.ws_connect(url) as ws,
            ):
                deadline = time.monotonic() + 40
                while b"Call Anna" not in seen and time.monotonic() < deadline:
                    try:
                        message = await ws.receive(timeout=5)
                    except TimeoutError:
                        continue
                    if message.type == aiohttp.WSMsgType.BINARY:
                        seen += message.data
                    elif message.type != aiohttp.WSMsgType.TEXT:
                        break
            return seen

        # The app itself ran for this "browser": its main view came back.
        assert b"Call Anna" in asyncio.run(first_screen())
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_stays_on_loopback_unless_told(db_path):
    proc = _cli(db_path, "serve", "--host", "0.0.0.0")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "0.0.0.0 is not loopback" in proc.stderr and "--public" in proc.stderr
    assert proc.stderr.count("\n") == 1
    proc = _cli(db_path, "serve", "--port", "70000")
    assert proc.returncode == 2 and "70000 is not a port" in proc.stderr


def test_serve_without_the_extra_says_how_to_install_it(db_path, monkeypatch, capsys):
    from focus_tui import cli

    monkeypatch.setenv("FOCUS_TUI_DB", str(db_path))
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # not installed
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert cli.main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'focus-tui[serve]'" in err and "Traceback" not in err
