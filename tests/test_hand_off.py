"""Handing evidence off, in a real pty: the OSC 52 bytes ``y`` writes, and what a stub $PAGER and $EDITOR
receive (sanitised and masked, no raw ESC)."""

from __future__ import annotations

import base64
import os
import stat
import sys
import time
from pathlib import Path

import pytest

from riza_tui.server.data import ServerData
from tests.conftest import find
from tests.loopback import ScriptedServer
from tests.test_pty import app_in_pty, quit_app, read_until

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def hostile(store: ServerData) -> dict[str, object]:
    return find(store, lambda r: "pwned" in str(r))


def test_y_writes_the_pane_as_shown_to_the_clipboard_with_osc_52(server: ScriptedServer, store: ServerData) -> None:
    record = hostile(store)
    with app_in_pty(server, str(record["id"]), size=(120, 40)) as (process, parent):
        assert b"gnp.exe" in read_until(parent, b"gnp.exe", time.monotonic() + 30)
        os.write(parent, b"y")
        written = read_until(parent, b"\x07", time.monotonic() + 30)
        start = written.index(b"\x1b]52;c;") + len(b"\x1b]52;c;")
        copied = base64.b64decode(written[start : written.index(b"\x07", start)]).decode()
        assert "\\x1b]0;pwned\\x07" in copied and "\\u202egnp.exe" in copied, "escapes copied as shown"
        assert "\x1b" not in copied and "\u202e" not in copied, "no raw control character in the clipboard"
        assert b"Copied stdout" in read_until(parent, b"Copied stdout", time.monotonic() + 30)
        quit_app(process, parent)


def recording_tool(folder: Path, name: str) -> Path:
    """A stand-in for less or vim that saves what it was given (stdin, or the file it was asked to open)."""
    script = folder / name
    received = folder / f"{name}.received"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ -n "$1" ]; then cat "$1" > {received}; echo "$1" > {received}.path; else cat > {received}; fi\n'
        f"printf '{name.upper()}-HAS-IT'\n"  # on the terminal, once everything is written: what the test waits on
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return received


def test_pager_and_editor_receive_the_sanitised_masked_text(
    server: ScriptedServer, store: ServerData, tmp_path: Path
) -> None:
    record = find(store, lambda r: "ORDERS_TOKEN" in str(r))
    token = record["details"]["request"]["env"]["ORDERS_TOKEN"]
    paged = recording_tool(tmp_path, "pager")
    edited = recording_tool(tmp_path, "editor")
    env = {"PAGER": str(tmp_path / "pager"), "EDITOR": str(tmp_path / "editor"), "VISUAL": ""}
    with app_in_pty(server, str(record["id"]), size=(120, 40), env=env) as (process, parent):
        assert b"TypeError" in read_until(parent, b"TypeError", time.monotonic() + 30)
        os.write(parent, b"o")
        assert b"PAGER-HAS-IT" in read_until(parent, b"PAGER-HAS-IT", time.monotonic() + 30)
        assert b"TypeError" in read_until(parent, b"TypeError", time.monotonic() + 30), "the app is back"
        os.write(parent, b"e")
        assert b"EDITOR-HAS-IT" in read_until(parent, b"EDITOR-HAS-IT", time.monotonic() + 30)
        # Keys typed before the app has taken the terminal back are flushed by Textual: wait for its redraw.
        assert b"TypeError" in read_until(parent, b"TypeError", time.monotonic() + 30), "the app is back"
        quit_app(process, parent)
    stderr = paged.read_text()
    assert "TypeError: Cannot read properties of undefined" in stderr
    assert "\x1b" not in stderr
    edited_text = edited.read_text()
    assert edited_text == stderr, "the editor got the same text, from a file"
    assert token not in stderr
    assert not Path((tmp_path / "editor.received.path").read_text().strip()).exists(), "the file was deleted"
