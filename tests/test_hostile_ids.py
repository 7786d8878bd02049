"""Execution IDs are server text too: in a real pty, an ID carrying OSC 52 and OSC 0 sequences (ended by ESC \\)
goes through every screen and input — the list, Enter into the execution and its lookup bar, back and forward,
the diff screen and back, the filter, the pane search, the help and the palette — and none of its control
characters reaches the terminal."""

from __future__ import annotations

import os
import sys
import time

import pytest

from riza_tui.server.data import ServerData
from tests.conftest import script_record
from tests.loopback import ScriptedServer
from tests.test_pty import app_in_pty, quit_app, read_until, visible

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

CLIPBOARD = "exec_clip\x1b]52;c;ZWNobyBwd25lZA==\x1b\\"
TITLE = "exec_title\x1b]0;pwned-title\x1b\\"
FORBIDDEN = {
    "OSC 52 clipboard from data": b"\x1b]52;c;ZWNobyBwd25lZA==",
    "OSC 0 title": b"\x1b]0;pwned",
    "ST (ESC \\) from data": b"\x1b\\",
}


def hostile_records() -> list[dict[str, object]]:
    first = script_record(CLIPBOARD, "print('clip')", stdout="clip\n", stderr="ValueError: bad\n", exit_code=1)
    second = script_record(TITLE, "print('title')", stdout="title\n")
    first["started_at"], second["started_at"] = "2026-11-28T08:30:00Z", "2026-11-28T08:20:00Z"
    return [first, second]


def test_hostile_ids_never_reach_the_terminal_on_any_screen_or_input() -> None:
    with (
        ScriptedServer(ServerData(hostile_records()), api_key="k") as server,
        app_in_pty(server, size=(140, 40), env={"RIZA_API_KEY": "k"}) as (process, parent),
    ):
        drawn = read_until(parent, b"exec_title", time.monotonic() + 30)
        assert b"exec_title" in drawn, "the list is drawn"
        # Each step waits for something only its destination draws: a lone ESC followed too soon by a key
        # would be read as alt+key (or ESC [ as the start of a sequence).
        steps = [
            (b"\r", b"Secrets"),  # Enter: the first row opens (its key bar), its id goes into the lookup bar
            (b"m", b"Marked"),
            (b"b", b"Recent executions"),  # back to the list
            (b"j\r", b"Raw JSON"),  # the second one
            (b"d", b"Side by side"),  # the diff screen names both ids
            (b"\x1b", b"Raw JSON"),  # back from the diff
            (b"[", b"ValueError"),  # back along the trail to the first
            (b"]", b"Raw JSON"),  # and forward again
            (b"/", b"Enter keeps it"),  # the pane search, then its query
            (b"tit", b"tit"),
            (b"\r", b"Raw JSON"),
            (b"?", b"riza-tui keys"),  # the help over the execution screen
            (b"\x1b", b"Raw JSON"),
            (b"\x10", b"for commands"),  # the palette (ctrl+p)
            (b"Mark", b"Mark for comparison"),
            (b"\r", b"Marked exec_title"),  # run from the palette: a notification names the id
            (b"b", b"Recent executions"),
            (b"/exec", b"loaded match"),  # the list filter
        ]
        for keys, marker in steps:
            os.write(parent, keys)
            seen = read_until(parent, marker, time.monotonic() + 30)
            assert marker in seen, f"after {keys!r}: {visible(seen)}"
            drawn += seen
        drawn += quit_app(process, parent)
    for name, sequence in FORBIDDEN.items():
        assert sequence not in drawn, f"{name} reached the terminal"
    assert b"\\x1b]52;c;" in drawn and b"\\x1b]0;pwned-title" in drawn, "the ids are shown, escapes visible"
