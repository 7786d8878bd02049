"""Contract test against software we did not write: Stoplight Prism serving random bodies from the spec.

Prism (``@stoplight/prism-cli``, npm) runs in dynamic mode on loopback; every reply is a fresh random
execution or list page that Prism itself validated against ``tests/spec/executions.openapi.yaml``.
``.ci/run`` installs it and sets ``RIZA_PRISM`` (its path) and ``RIZA_REQUIRE_PRISM=1``; elsewhere the tests
look for ``prism`` on PATH and are skipped, with the reason, when it is missing.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import ContentSwitcher

from riza_tui.api.client import RizaClient
from riza_tui.api.models import Execution
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.show import run_show
from riza_tui.tui.app import RizaApp
from riza_tui.tui.messages import LookupRequested
from tests.app_helpers import assert_terminal_safe, lookup_of, screen_is_encodable
from tests.conftest import settle
from tests.fuzz_strategies import SPEC_PATH

pytestmark = pytest.mark.slow

SHOWN_EXECUTIONS = 200
LIST_PAGES = 40
APP_LOOKUPS = 100
STARTUP_SECONDS = 60.0


def prism_command() -> str | None:
    return os.environ.get("RIZA_PRISM") or shutil.which("prism")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_listening(process: subprocess.Popen[bytes], log: Path) -> None:
    """Read Prism's output until it says it is listening (no polling), then keep draining it to ``log``
    so a full pipe never stalls it. Raw ``os.read`` on the descriptor: a buffered ``readline`` could pull
    the line into Python's buffer where ``select`` no longer sees it."""
    assert process.stdout is not None
    descriptor = process.stdout.fileno()
    deadline = time.monotonic() + STARTUP_SECONDS
    seen = b""
    while b"Prism is listening" not in seen:
        ready, _, _ = select.select([descriptor], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(descriptor, 65536) if ready else b""
        if not chunk:
            raise RuntimeError(f"prism did not start (exit code {process.poll()}):\n{seen.decode(errors='replace')}")
        seen += chunk

    def drain() -> None:
        with log.open("ab") as sink:
            sink.write(seen)
            while chunk := os.read(descriptor, 65536):
                sink.write(chunk)

    threading.Thread(target=drain, daemon=True).start()


@pytest.fixture(scope="module")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    command = prism_command()
    if command is None:
        if os.environ.get("RIZA_REQUIRE_PRISM"):
            pytest.fail("RIZA_REQUIRE_PRISM is set but prism is not installed")
        pytest.skip("prism is not installed: npm install @stoplight/prism-cli, or run .ci/run")
    port = free_port()
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    process = subprocess.Popen(
        [command, "mock", "--dynamic", "--host", "127.0.0.1", "--port", str(port), str(SPEC_PATH)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_listening(process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def prism_settings(url: str) -> ClientSettings:
    return ClientSettings(api_key="prism-key", base_url=url, timeout=20.0)


def test_show_survives_random_executions(prism_url: str) -> None:
    async def show(execution_id: str, *, as_json: bool) -> str:
        out, err = io.StringIO(), io.StringIO()
        settings = prism_settings(prism_url)
        code = await run_show(settings, execution_id, as_json=as_json, reveal_secrets=False, stdout=out, stderr=err)
        # Prism's random ids are not the ones asked for: show warns about that, and about nothing else.
        warnings = err.getvalue().splitlines()
        assert code == 0, execution_id
        assert all(line.startswith(f"riza-tui: warning: asked for {execution_id} but") for line in warnings), warnings
        return out.getvalue()

    async def show_all() -> Counter[str]:
        kinds: Counter[str] = Counter()
        for number in range(SHOWN_EXECUTIONS):
            assert_terminal_safe(await show(f"exec_prism_{number}", as_json=False))
            raw = json.loads(await show(f"exec_prism_{number}", as_json=True))
            kinds[(raw.get("details") or {}).get("type", "none")] += 1
        return kinds

    kinds = asyncio.run(show_all())
    assert sum(kinds.values()) == SHOWN_EXECUTIONS
    assert {"script", "function", "tool"} <= set(kinds), f"Prism should send every details type: {kinds}"


def test_show_command_line_against_prism(prism_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "riza_tui", "show", "exec_cli", "--base-url", prism_url, "--json"],
        capture_output=True,
        env={**os.environ, "RIZA_API_KEY": "prism-key"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode("ascii").lstrip().startswith("{")


def test_random_list_pages_parse(prism_url: str) -> None:
    async def pages() -> list[list[Execution]]:
        async with RizaClient(prism_settings(prism_url)) as client:
            return [
                (await client.list_executions(limit=1 + number % 100, starting_after=f"exec_{number}")).data
                for number in range(LIST_PAGES)
            ]

    fetched = asyncio.run(pages())
    assert len(fetched) == LIST_PAGES
    assert any(fetched), "Prism sent only empty pages"


async def test_app_survives_random_executions(prism_url: str) -> None:
    app = RizaApp(prism_settings(prism_url), server_label="prism")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen_is_encodable(app)
        for number in range(APP_LOOKUPS):
            app.post_message(LookupRequested(f"exec_prism_{number}"))
            await settle(pilot)
            state = lookup_of(app)
            assert state.phase == "loaded", state.error
            assert app.screen.query_one(ContentSwitcher).current in ("detail", "raw")
            if number % 10 == 0:
                await pilot.press("j", "s")
                await settle(pilot)
                screen_is_encodable(app)
                await pilot.press("j", "s")
            screen_is_encodable(app)
        assert app.is_running
