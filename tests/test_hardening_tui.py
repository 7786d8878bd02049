"""Hardening, round 2, the TUI's part: hostile servers for paging, watch mode and row details (bounded in time
and memory), hand-off keys that cut or refuse what they must, a watch note that stays masked, and profile
switching that resolves keys from the real environment, off the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from riza_tui.api.settings import ClientSettings
from riza_tui.server.data import ServerData
from riza_tui.server.http import ApiHandler, EmbeddedServer
from riza_tui.tui.app import RizaApp
from riza_tui.tui.messages import WatchChanged
from riza_tui.tui.screens.help import HelpScreen
from riza_tui.tui.widgets.triage_table import TriageTable
from tests.app_helpers import WIDE, Arrivals, list_heading, pane, toasts
from tests.conftest import script_record, settle
from tests.loopback import HELD_AT_MOST, Fault, ScriptedServer
from tests.test_pty import app_in_pty, quit_app, read_until

Record = dict[str, Any]


NEWEST = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def records(count: int, prefix: str = "exec_row") -> list[Record]:
    """``count`` small script executions, newest first, a second apart."""
    made = []
    for number in range(count):
        record = script_record(f"{prefix}{number:05d}", "print(1)", stdout="1\n")
        record["started_at"] = (NEWEST - timedelta(seconds=number)).isoformat().replace("+00:00", "Z")
        made.append(record)
    return made


class RepeatingData(ServerData):
    """A server whose cursors do nothing: every page is the first one."""

    def page(self, *, limit: int, starting_after: str | None, only_failures: bool) -> list[dict[str, Any]]:
        return super().page(limit=limit, starting_after=None, only_failures=only_failures)


class FloodingData(ServerData):
    """A server that answers far more than the limit asked for, new rows every time, and repeats ids in a page."""

    def __init__(self, records: list[Record]) -> None:
        super().__init__(records)
        self.polls = 0

    def page(self, *, limit: int, starting_after: str | None, only_failures: bool) -> list[dict[str, Any]]:
        self.polls += 1
        fresh = [
            {key: value for key, value in record.items() if key != "details"}
            for record in records(2000, prefix=f"exec_flood{self.polls:03d}_")
        ]
        return fresh + fresh[:10]


async def test_a_server_that_repeats_its_pages_is_not_paged_for_ever(make_app: Callable[..., RizaApp]) -> None:
    with ScriptedServer(RepeatingData(records(150)), api_key="k") as server:
        app = make_app(base_url=server.url, api_key="k")
        async with app.run_test(size=WIDE) as pilot:
            await settle(pilot)
            for _ in range(5):  # the user holding End: each time near the end asks for more
                await pilot.press("end")
                await settle(pilot)
            pages = [r for r in server.requests if r.raw_path.startswith("/v1/executions?")]
            assert len(pages) <= 3, f"{len(pages)} list requests"
            assert "paging stopped" in list_heading(app)
            assert len(app.screen.query_one(TriageTable).shown) == 100, "each row once"


async def test_watch_takes_no_more_than_it_asked_for_and_keeps_a_bounded_list(
    make_app: Callable[..., RizaApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("riza_tui.core.store.MAX_ROWS", 180)
    flooding = FloodingData(records(120))
    with ScriptedServer(flooding, api_key="k") as server:
        app = make_app(base_url=server.url, api_key="k")
        async with app.run_test(size=WIDE) as pilot:
            await settle(pilot)
            table = app.screen.query_one(TriageTable)
            await pilot.press("j", "j")
            on = table.highlighted_id()
            app.session.store.keep(str(on))  # open on screen: never dropped
            assert app.feed is not None
            first = await app.feed.poll_newest()
            assert len(first) == 50 and len(set(first)) == 50, "the page size asked for, each id once"
            for _ in range(5):
                await app.feed.poll_newest()
            await settle(pilot)
            rows = app.session.store.rows
            assert len(rows) <= 180, "the oldest rows went"
            assert on in [row.id for row in rows], "but not the one kept on screen"


class HoldingHandler(ApiHandler):
    """Holds every retrieve until released, watching whether the client hangs up meanwhile."""

    server: Any

    def route(self) -> None:
        owner: HoldingServer = self.server.owner
        if not self.path.startswith("/v1/executions/"):
            super().route()
            return
        owner.count(held=1)
        try:
            # Wait for the release, or for the client to hang up (its socket reads as ended): a request the
            # client cancelled must not keep a connection open here.
            while not owner.release.is_set():
                readable, _, _ = select.select([self.connection, owner.wake], [], [])
                if self.connection in readable and self.connection.recv(1, socket.MSG_PEEK) == b"":
                    owner.count(hung_up=1)
                    self.close_connection = True
                    return
        finally:
            owner.count(held=-1)
        super().route()


class HoldingServer(EmbeddedServer):
    def __init__(self, data: ServerData) -> None:
        super().__init__(data, api_key="k", handler=HoldingHandler)
        self.changed = threading.Condition()
        self.release = threading.Event()
        self.wake, self._waker = socket.socketpair()  # readable once released: held handlers stop waiting
        self.held = 0
        self.hung_up = 0

    def count(self, *, held: int = 0, hung_up: int = 0) -> None:
        with self.changed:
            self.held += held
            self.hung_up += hung_up
            self.changed.notify_all()

    async def until(self, condition: Callable[[], bool]) -> None:
        """Wait, off the event loop (the app keeps running), for the handlers to report ``condition``; the bound
        only turns a broken build into a failure instead of a hang."""

        def wait() -> bool:
            with self.changed:
                return self.changed.wait_for(condition, HELD_AT_MOST)

        assert await asyncio.to_thread(wait), f"held {self.held}, hung up {self.hung_up}"

    def stop(self) -> None:
        self.release.set()
        self._waker.send(b"x")
        super().stop()
        self.wake.close()
        self._waker.close()


async def test_row_details_scrolled_away_are_cancelled_at_the_server_too() -> None:
    with HoldingServer(ServerData(records(2000))) as server:
        app = RizaApp(ClientSettings(api_key="k", base_url=server.url, max_retries=0), server_label="test")
        async with app.run_test(size=WIDE) as pilot:
            await server.until(lambda: server.held == 4)
            for _ in range(10):
                await pilot.press("pagedown")
                await pilot.pause()
            await server.until(lambda: server.hung_up >= 4 and server.held <= 4)
            assert server.held <= 4, "no more than four requests open at the server"
            assert app.feed is not None and app.feed.in_flight <= 2 * 38


async def test_y_of_a_huge_pane_is_cut_and_says_so_and_Y_copies_a_safe_id(make_app: Callable[..., RizaApp]) -> None:
    big = "x" * 99 + "\n"
    record = script_record("exec_big\nrm -rf ~", "print(1)", stdout=big * 25_000)  # 2.5 MB
    with ScriptedServer(ServerData([record]), api_key="k") as server:
        app = make_app(record["id"], base_url=server.url, api_key="k")
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            await settle(pilot)
            assert app.focused is pane(app, "stdout")
            await pilot.press("y")
            await settle(pilot)
            assert app.clipboard is not None and len(app.clipboard.encode()) <= 1024 * 1024
            assert "only the first 1.0 MB of 2.4 MB (o opens it all)" in toasts(app)
            await pilot.press("Y")
            await settle(pilot)
            assert app.clipboard == "exec_big\\nrm -rf ~", "a newline in an id pastes as no second command"


async def test_the_watch_note_masks_what_the_server_says(
    make_app: Callable[..., RizaApp], server: ScriptedServer
) -> None:
    app = make_app(max_retries=0)
    arrivals = Arrivals()
    async with app.run_test(size=WIDE, message_hook=arrivals) as pilot:
        await settle(pilot)
        server.add_fault(Fault(503, b'{"code":14,"message":"upstream said Bearer othertoken123 is bad"}'))
        await pilot.press("W")
        await arrivals.until(WatchChanged, lambda: "watch error" in list_heading(app), pilot)
        assert "othertoken123" not in list_heading(app) and "Bearer ••••" in list_heading(app)
        await pilot.press("W")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
@pytest.mark.parametrize("pager", ['"less', "   "], ids=["unterminated quote", "blank"])
def test_a_malformed_pager_is_a_notification_and_the_app_goes_on(
    server: ScriptedServer, store: ServerData, pager: str
) -> None:
    record = store.records[0]
    with app_in_pty(server, str(record["id"]), size=(120, 40), env={"PAGER": pager}) as (process, parent):
        assert b"stdout" in read_until(parent, b"stdout", time.monotonic() + 30)
        os.write(parent, b"o")
        said = read_until(parent, b"PAGER", time.monotonic() + 30)
        assert b"PAGER" in said and process.poll() is None, "one line, and the app is still running"
        quit_app(process, parent)


def profile_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, gate: Path) -> None:
    """Two profiles: one whose key is in an environment variable, one whose key command answers only once the
    test opens ``gate`` (a FIFO: the command blocks reading it, no polling)."""
    script = tmp_path / "slow_key.py"
    script.write_text(f"open({str(gate)!r}).read()\nprint('k')\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("STAGE_KEY", "k")
    folder = tmp_path / "riza-tui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(
        f'[profiles.env]\nbase_url = "{url}"\napi_key_env = "STAGE_KEY"\n\n'
        f'[profiles.slow]\nbase_url = "{url}"\napi_key_command = "{sys.executable} {script}"\n'
    )


def open_gate(path: Path, *, wait: bool = True) -> None:
    """Let the key command reading the FIFO at ``path`` go on (``wait``: until it has opened it)."""
    with contextlib.suppress(OSError):  # no reader left (it ended, or never started): nothing to let go
        os.close(os.open(path, os.O_WRONLY | (0 if wait else os.O_NONBLOCK)))


@pytest.fixture
def gate(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "gate"
    os.mkfifo(path)
    yield path
    open_gate(path, wait=False)  # whatever happened, the key command ends


async def test_switching_profile_reads_the_real_environment_and_a_slow_key_command_keeps_the_ui_live(
    server: ScriptedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gate: Path
) -> None:
    profile_config(tmp_path, monkeypatch, server.url, gate)
    app = RizaApp(ClientSettings(api_key="other", base_url="http://127.0.0.1:9"), profile="none", server_label="x")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await app.run_action("switch_profile('env')")
        await settle(pilot)
        assert "Switched to profile env" in toasts(app)
        assert "env ·" in app.session.connection.label and app.session.connection.has_key
        assert server.requests and server.requests[-1].headers["authorization"] == "Bearer k"
        switching = app.run_worker(app.action_switch_profile("slow"), exit_on_error=False)
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen), "the app answered a key while the key command ran"
        await pilot.press("escape")
        await asyncio.to_thread(open_gate, gate)
        await switching.wait()
        await settle(pilot)
        assert "slow ·" in app.session.connection.label
