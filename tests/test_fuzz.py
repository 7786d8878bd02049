"""Fuzzing: bodies generated from the spec's schemas and broken bodies, through the client, ``show`` and the app."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import ContentSwitcher

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import InvalidResponseError
from riza_tui.api.models import Execution, Fetched
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.show import render_plain, run_show
from riza_tui.core.view import build_view, shown_execution
from riza_tui.safety.sanitize import sanitize
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from riza_tui.tui.messages import LookupRequested
from riza_tui.tui.widgets.summary import SummaryStrip
from riza_tui.tui.widgets.triage_table import TriageTable
from tests.app_helpers import assert_terminal_safe, lookup_of, screen_is_encodable
from tests.conftest import settle
from tests.fuzz_strategies import SPEC_PATH, broken_bodies, from_spec, fuzz_settings, spec_executions
from tests.loopback import Fault, ScriptedServer

FUZZED_ID = "exec_fuzzed"
RETRIEVE_PATH = f"/v1/executions/{FUZZED_ID}"


def settings_for(server: ScriptedServer) -> ClientSettings:
    return ClientSettings(api_key=server.api_key, base_url=server.url, timeout=10.0, max_retries=0)


def show(server: ScriptedServer, body: bytes, *, as_json: bool, reveal_secrets: bool) -> tuple[int, str, str]:
    server.add_fault(Fault(200, body, path=RETRIEVE_PATH))
    out, err = io.StringIO(), io.StringIO()
    code = asyncio.run(
        run_show(
            settings_for(server), FUZZED_ID, as_json=as_json, reveal_secrets=reveal_secrets, stdout=out, stderr=err
        )
    )
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
@fuzz_settings(100)
@given(raw=spec_executions())
def test_spec_executions_parse_and_print_through_show(raw: dict[str, Any]) -> None:
    body = json.dumps(raw).encode()
    with ScriptedServer(ServerData([]), api_key="fuzz-key") as server:
        # A generated id is not the one asked for, so show warns: that warning, and nothing else, on stderr.
        mismatch = "" if raw["id"] == FUZZED_ID else f"riza-tui: warning: asked for {FUZZED_ID} but the server sent "
        code, text, err = show(server, body, as_json=False, reveal_secrets=False)
        assert code == 0 and err.startswith(mismatch) and err.count("\n") == bool(mismatch)
        assert_terminal_safe(err)
        assert f"execution {sanitize(raw['id'])}" in text
        assert_terminal_safe(text)

        code, text, err = show(server, body, as_json=True, reveal_secrets=True)
        assert code == 0 and err.startswith(mismatch) and err.count("\n") == bool(mismatch)
        assert json.loads(text) == raw, "show --json --reveal-secrets must give back exactly what the server sent"


@pytest.mark.slow
@fuzz_settings(50)
@given(page=from_spec("ExecutionList"))
def test_spec_list_pages_parse(page: dict[str, Any]) -> None:
    async def fetch() -> list[Execution]:
        with ScriptedServer(ServerData([]), api_key="fuzz-key") as server:
            server.add_fault(Fault(200, json.dumps(page).encode(), path="/v1/executions?"))
            async with RizaClient(settings_for(server)) as client:
                return (await client.list_executions(limit=100)).data

    assert [execution.id for execution in asyncio.run(fetch())] == [item["id"] for item in page.get("data", [])]


async def render_each(executions: list[dict[str, Any]]) -> None:
    """Serve ``executions`` as the recent list and then one by one; every one must draw, in both views."""
    with ScriptedServer(ServerData([]), api_key="fuzz-key") as server:
        listed = [{key: value for key, value in raw.items() if key != "details"} for raw in executions]
        server.add_fault(Fault(200, json.dumps({"data": listed}).encode(), path="/v1/executions?"))
        server.add_fault(Fault(200, b'{"data": []}', path="/v1/executions?"))
        server.add_fault(*[Fault(200, json.dumps(raw).encode(), path=RETRIEVE_PATH) for raw in executions])
        app = RizaApp(settings_for(server), server_label="fuzz")
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            recent = app.screen.query_one(TriageTable)
            assert len(recent.shown) == len(executions)
            assert str(app.screen.query_one("#list-heading").render()).endswith(f"all {len(executions)} loaded")
            screen_is_encodable(app)
            for raw in executions:
                app.post_message(LookupRequested(FUZZED_ID, reload=True))
                await settle(pilot)
                state = lookup_of(app)
                assert state.phase == "loaded", state.error
                fetched = app.execution_screen.fetched
                assert fetched is not None and fetched.raw == raw
                assert app.screen.query_one(ContentSwitcher).current in ("detail", "raw")
                assert sanitize(raw["id"]) in str(app.screen.query_one(SummaryStrip).render())
                screen_is_encodable(app)
                await pilot.press("j", "s")
                await settle(pilot)
                screen_is_encodable(app)
                await pilot.press("j", "s")
            assert app.is_running


@pytest.mark.slow
@fuzz_settings(8, shrink=False)
@given(executions=st.lists(spec_executions(), min_size=1, max_size=4))
def test_spec_executions_render_headless_in_the_app(executions: list[dict[str, Any]]) -> None:
    asyncio.run(render_each(executions))


def retrieve_body(body: bytes) -> Fetched:
    """The client's whole parse path (decode, depth check, validation) on one body, without a socket."""

    async def fetch() -> Fetched:
        transport = httpx.MockTransport(lambda _request: httpx.Response(200, content=body))
        settings = ClientSettings(api_key="k", base_url="http://fuzz.invalid", max_retries=0)
        async with RizaClient(settings, transport=transport) as client:
            return await client.retrieve(FUZZED_ID)

    return asyncio.run(fetch())


@fuzz_settings(300)
@given(body=broken_bodies())
def test_broken_bodies_are_refused_clearly_or_shown_safely(body: bytes) -> None:
    try:
        fetched = retrieve_body(body)
    except InvalidResponseError as error:
        assert error.message and "Traceback" not in error.message
        assert any(
            phrase in error.message
            for phrase in ("does not match the API schema", "did not send JSON", "not an object", "nests more than")
        ), error.message
        assert error.raw is not None
        return
    execution, raw, _ = shown_execution(fetched, reveal_secrets=False)
    assert_terminal_safe(render_plain(build_view(execution), raw))


@pytest.mark.slow
@fuzz_settings(6, shrink=False)
@given(bodies=st.lists(broken_bodies(), min_size=3, max_size=3))
def test_broken_bodies_leave_the_app_running(bodies: list[bytes]) -> None:
    async def run() -> None:
        with ScriptedServer(ServerData([]), api_key="fuzz-key") as server:
            server.add_fault(Fault(200, b'{"data": []}', path="/v1/executions?"))
            server.add_fault(*[Fault(200, body, path=RETRIEVE_PATH) for body in bodies])
            app = RizaApp(settings_for(server), server_label="fuzz")
            async with app.run_test(size=(100, 30)) as pilot:
                await settle(pilot)
                for _body in bodies:
                    app.post_message(LookupRequested(FUZZED_ID, reload=True))
                    await settle(pilot)
                    state = lookup_of(app)
                    assert state.phase in ("loaded", "failed")
                    if state.phase == "failed":
                        assert isinstance(state.error, InvalidResponseError), state.error
                        assert "Traceback" not in state.error.message
                        assert app.screen.query_one(ContentSwitcher).current == "error"
                    screen_is_encodable(app)  # (a bundled stderr may hold a Python traceback: that is data)
                assert app.is_running

    asyncio.run(run())


SHARED_SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "executions.openapi.yaml"


@pytest.mark.skipif(not SHARED_SPEC.exists(), reason="no ../shared/spec beside this checkout to compare with")
def test_the_spec_the_fuzzers_use_is_the_shared_one() -> None:
    assert SPEC_PATH.read_bytes() == SHARED_SPEC.read_bytes(), "copy ../shared/spec/executions.openapi.yaml again"
