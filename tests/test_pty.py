"""Run the real app in a real pseudo-terminal and search every byte it writes for smuggled sequences.

Textual's stock widgets pass ESC/OSC/C1 and bidi controls straight to the terminal; this proves that
riza-tui's panes, summary and titles do not, on an execution whose stdout tries exactly that.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from riza_tui.server.data import ServerData
from tests.conftest import find
from tests.loopback import ScriptedServer as EmbeddedServer

FORBIDDEN = {
    "OSC title": b"\x1b]0;pwned",
    "OSC 52 clipboard": b"\x1b]52;",
    "right-to-left override": "\u202e".encode(),
    "C1 CSI": "\x9b".encode(),
}


def read_until(fd: int, marker: bytes, deadline: float) -> bytes:
    """Read the terminal until ``marker`` has been drawn or the deadline passes."""
    seen = b""
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_hostile_output_never_reaches_the_terminal(server: EmbeddedServer, store: ServerData) -> None:
    record = find(store, lambda r: "pwned" in str(r))
    with app_in_pty(server, record["id"], size=(120, 40)) as (process, parent):
        drawn = read_until(parent, b"gnp.exe", time.monotonic() + 30)
        assert b"gnp.exe" in drawn, "the stdout pane was drawn"
        assert b"\\u202e" in drawn, "the override shows as a visible escape"
        assert b"\\x1b" in drawn and b"]0;pwned" in drawn, "the title sequence shows as text"
        for name, sequence in FORBIDDEN.items():
            assert sequence not in drawn, f"{name} reached the terminal"
        drawn += quit_app(process, parent)
        for name, sequence in FORBIDDEN.items():
            assert sequence not in drawn, f"{name} reached the terminal"


@contextmanager
def app_in_pty(
    server: EmbeddedServer, *args: str, size: tuple[int, int] = (100, 30), env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """The app in a new pty, pointed at ``server``: the process and the terminal's side of the pty, both
    cleaned up when the block ends, however it ends."""
    parent, child = pty.openpty()
    columns, lines = (str(n) for n in size)
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": columns,
        "LINES": lines,
        "RIZA_API_KEY": server.api_key,
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "riza_tui", "--base-url", server.url, *args],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        start_new_session=True,
    )
    os.close(child)
    try:
        yield process, parent
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(parent)


def quit_app(process: subprocess.Popen[bytes], parent: int) -> bytes:
    """ctrl+q, then read what the app writes until it has restored the terminal (reading keeps the pty from
    filling up and blocking the app's last writes); returns those bytes."""
    os.write(parent, b"\x11")
    drawn = read_until(parent, RESTORED[0], time.monotonic() + 30)
    assert process.wait(timeout=30) == 0
    return drawn


RESTORED = (b"\x1b[?1049l", b"\x1b[?1000l")  # alternate screen left, mouse tracking off


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_signals_restore_the_terminal(server: EmbeddedServer, signal_number: int) -> None:
    with app_in_pty(server) as (process, parent):
        drawn = read_until(parent, b"Recent executions", time.monotonic() + 30)
        assert b"Recent executions" in drawn
        process.send_signal(signal_number)
        drawn = read_until(parent, RESTORED[0], time.monotonic() + 10)
        assert process.wait(timeout=10) == 128 + signal_number
        for sequence in RESTORED:
            assert sequence in drawn, sequence


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_invalid_utf8_typed_or_pasted_is_survived(server: EmbeddedServer) -> None:
    with app_in_pty(server) as (process, parent):
        assert b"Recent executions" in read_until(parent, b"Recent executions", time.monotonic() + 30)
        os.write(parent, b"ab\xffcd\x9b")
        os.write(parent, b"\x1b[200~pasted\xfe\x1b[201~")
        drawn = read_until(parent, b"pasted", time.monotonic() + 10)
        assert b"pasted" in drawn, "the app lives on and still takes keys"
        assert process.poll() is None
        quit_app(process, parent)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_keys_in_one_burst_are_not_lost(server: EmbeddedServer, store: ServerData) -> None:
    newest, other = store.records[0], next(r for r in store.records[1:] if r.get("details") is not None)

    def summary(record: dict[str, object]) -> bytes:
        """What only this execution's summary strip says: when it started (the tests run in UTC)."""
        return b"started " + str(record["started_at"])[:19].replace("T", " ").encode()

    with app_in_pty(server) as (process, parent):
        newest_id = str(newest["id"]).encode()
        assert newest_id in read_until(parent, newest_id, time.monotonic() + 30), "the list is loaded"
        os.write(parent, b"\r")  # the list has focus from the start: open its first row
        assert summary(newest) in read_until(parent, summary(newest), time.monotonic() + 30)
        os.write(parent, b"\x0c" + str(other["id"]).encode() + b"\r")  # ctrl+l, the ID, Enter: one write
        opened = read_until(parent, summary(other), time.monotonic() + 30)
        assert summary(other) in opened, f"the ID reached the lookup bar and opened: {visible(opened)}"
        os.write(parent, b"b\r")  # back to the list and Enter on its highlighted first row: one write
        opened = read_until(parent, summary(newest), time.monotonic() + 30)
        assert summary(newest) in opened, f"Enter reached the list: {visible(opened)}"
        quit_app(process, parent)


def visible(output: bytes) -> str:
    """The text of what was drawn, without the escape sequences, for an assertion message."""
    import re

    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b" ", output).decode(errors="replace")[-3000:]


def quiet_for(parent: int, seconds: float) -> bytes:
    """Everything written during ``seconds`` in which nothing is pressed (the window is what is measured)."""
    seen = b""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([parent], [], [], left)
        if ready:
            seen += os.read(parent, 65536)
    return seen


@pytest.mark.slow  # each watches the pty for seconds of silence
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
@pytest.mark.parametrize(
    ("args", "ready"),
    [((), b"Recent executions"), (("--demo",), b"Recent executions"), (("EXECUTION",), b"stdout")],
    ids=["first screen", "--demo", "an execution open"],
)
def test_nothing_is_written_while_idle(
    server: EmbeddedServer, store: ServerData, args: tuple[str, ...], ready: bytes
) -> None:
    args = tuple(store.records[0]["id"] if arg == "EXECUTION" else arg for arg in args)
    with app_in_pty(server, *args) as (process, parent):
        assert ready in read_until(parent, ready, time.monotonic() + 30)
        settled = False
        for _ in range(20):  # settle: the first screen's work (list rows, highlighting) may still be drawing
            if not quiet_for(parent, 1.0):
                settled = True
                break
        assert settled, "the app kept writing"
        assert quiet_for(parent, 2.0) == b"", "no cursor blink, spinner or timer writes while idle"
        quit_app(process, parent)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_a_key_typed_before_the_app_is_up_reaches_the_execution_screen(
    server: EmbeddedServer, store: ServerData
) -> None:
    """The execution screen is pushed once Textual's start-up ends; a key typed ahead (while the process starts)
    is not lost on the blank screen before it. Only the execution screen has ``?`` here: opened on an ID, the
    app builds no list screen."""
    with app_in_pty(server, store.records[0]["id"], size=(120, 40)) as (process, parent):
        os.write(parent, b"?")
        drawn = read_until(parent, b"One execution", time.monotonic() + 30)
        assert b"riza-tui keys" in drawn and b"One execution" in drawn, "the help of the execution screen opened"
        quit_app(process, parent)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_the_demo_offline_reads_its_archive_and_starts_no_server(server: EmbeddedServer, tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path)}
    synced = subprocess.run(
        [sys.executable, "-m", "riza_tui", "sync", "--demo", "--since", "2000-01-01"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert synced.returncode == 0, synced.stderr
    with app_in_pty(server, "--demo", "--offline", size=(140, 30), env=env) as (process, parent):
        drawn = read_until(parent, b"newest", time.monotonic() + 30)
        assert b"offline \xc2\xb7 archive of demo data \xc2\xb7 newest" in drawn, visible(drawn)
        assert b"127.0.0.1" not in drawn, "no demo server was started"
        quit_app(process, parent)
