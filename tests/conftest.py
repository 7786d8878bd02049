"""Shared fixtures: the bundled data, a real loopback server per test, and a client pointed at it."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot

from riza_tui.api.client import RizaClient
from riza_tui.api.settings import ClientSettings
from riza_tui.server.data import ServerData, load_data
from riza_tui.tui.app import RizaApp
from riza_tui.tui.widgets.text_view import TextView
from tests.loopback import ScriptedServer

Record = dict[str, Any]


@pytest.fixture(scope="session")
def store() -> ServerData:
    return load_data()


@pytest.fixture
def server(store: ServerData) -> Iterator[ScriptedServer]:
    with ScriptedServer(store, api_key="test-key") as running:
        yield running


@pytest.fixture
def settings(server: ScriptedServer) -> ClientSettings:
    """Settings for the test server with fast retries so retry tests take milliseconds."""
    return ClientSettings(api_key=server.api_key, base_url=server.url, timeout=5.0, retry_initial_delay=0.01)


@pytest.fixture
async def client(settings: ClientSettings) -> AsyncIterator[RizaClient]:
    async with RizaClient(settings) as riza:
        yield riza


@pytest.fixture
def make_client(settings: ClientSettings) -> Callable[..., RizaClient]:
    def make(**changes: Any) -> RizaClient:
        return RizaClient(replace(settings, **changes))

    return make


def find(store: ServerData, predicate: Callable[[Record], bool]) -> Record:
    """The newest bundled execution matching ``predicate``; tests name what they need, not an ID."""
    for record in store.records:
        if predicate(record):
            return record
    raise LookupError("no bundled execution matches")


def of_type(kind: str | None) -> Callable[[Record], bool]:
    return lambda record: (record.get("details") or {}).get("type") == kind


def function_details(execution_id: str, output: Any) -> Record:
    """The ``details`` of a successful function execution that returned ``output``."""
    return {
        "type": "function",
        "request": {"language": "python", "code": "x"},
        "response": {
            "output": output,
            "output_status": "valid",
            "execution": {"id": execution_id, "exit_code": 0, "stdout": "", "stderr": "", "duration": 1},
        },
    }


def script_record(execution_id: str, code: str, *, stdout: str = "", **fields: Any) -> Record:
    """A script execution for a test's own server; ``fields`` go to the request (stdin, args, env, http,
    limits) or the response (stderr, exit_code, duration)."""
    request = {"language": "python", "code": code}
    request |= {key: value for key, value in fields.items() if key in ("stdin", "args", "env", "http", "limits")}
    response = {"id": execution_id, "duration": 10, "exit_code": 0, "stdout": stdout, "stderr": ""}
    response |= {key: value for key, value in fields.items() if key in ("stderr", "exit_code", "duration")}
    return {
        "id": execution_id,
        "language": "python",
        "duration": response["duration"],
        "exit_code": response["exit_code"],
        "started_at": "2026-11-28T08:00:00Z",
        "details": {"type": "script", "request": request, "response": response},
    }


FROZEN_NOW = datetime(2026, 11, 28, 9, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative ages ("3 h ago") and local times are the same on every run and machine."""
    monkeypatch.setattr("riza_tui.core.formatting.utc_now", lambda: FROZEN_NOW)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.fixture(autouse=True)
def private_state_dir(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The lookup history, the config file and the archive of a test are in directories of its own, never the
    user's."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def make_app(settings: ClientSettings) -> Callable[..., RizaApp]:
    def make(initial_id: str | None = None, **changes: Any) -> RizaApp:
        return RizaApp(replace(settings, **changes), initial_id=initial_id, server_label="test server")

    return make


LONG_RUNNING_GROUPS = frozenset({"watch"})  # workers that run until stopped: settling never waits for them


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every worker that ends (lookups, list pages, row details, highlighters, searches) is done
    and what it started is drawn; watch mode runs until stopped, so it is not waited for (as harlequin's
    ``wait_for_workers`` leaves out its long-running ones). Work that starts more work (a page, then its
    rows' details) is waited for round after round."""
    for _ in range(100):  # a bound on rounds, not on time: each round waits for real work to end
        pending = [
            worker for worker in pilot.app.workers if worker.group not in LONG_RUNNING_GROUPS and not worker.is_finished
        ]
        if not pending:
            # Quiet for two frames in a row: work a frame schedules after it is drawn (the rows now in view
            # asking for their details) has had its chance to start.
            for _frame in range(2):
                await pilot.pause()
                if any(w.group not in LONG_RUNNING_GROUPS and not w.is_finished for w in pilot.app.workers):
                    break
            else:
                return
            continue
        # A worker cancelled meanwhile (a row scrolled away) is as done as a finished one.
        await asyncio.gather(*(worker.wait() for worker in pending), return_exceptions=True)
        await pilot.pause()
    raise AssertionError("workers kept starting new work: the app never settled")


def pane_lines(pane: TextView) -> list[str]:
    """What a pane draws on screen, row by row, through its real render path."""
    return [pane.render_line(y).text.rstrip() for y in range(pane.scrollable_content_region.height)]


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers a CPU. App tests mostly wait (Textual's pilot sleeps until the process is idle,
    loopback servers answer in threads), so one a CPU left them half idle: on 2 CPUs the default run took
    148 s with 2 workers and 109 s with 4."""
    return 2 * (os.cpu_count() or 1)
