"""Every kind of failed lookup shows a clear message in the detail pane, and the app keeps running."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import ContentSwitcher, Static

from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from riza_tui.tui.widgets.text_view import TextView
from tests.app_helpers import lookup_of, type_text
from tests.conftest import pane_lines, settle
from tests.loopback import Fault, ScriptedServer

WIDE = (120, 40)


def error_message(app: RizaApp) -> str:
    return str(app.screen.query_one("#error-message", Static).render())


async def lookup_and_settle(app: RizaApp, pilot: object, execution_id: str) -> None:
    """Wait for the lookup the app was opened on (``make_app(execution_id)``), as a deep link from an alert."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot) and app.initial_id == execution_id
    await settle(pilot)


@pytest.mark.parametrize(
    ("faults", "expected", "hint"),
    [
        ([], "Not found", "check the execution ID"),
        (
            [Fault(503, b'{"code":14,"message":"backend unavailable"}')] * 3,
            "HTTP 503: backend unavailable",
            "try again",
        ),
        ([Fault(502, b"<html>Bad Gateway</html>")] * 3, "HTTP 502: <html>Bad Gateway</html>", "server failed"),
        ([Fault(200, b"this is not json")], "did not send JSON", "executions API server"),
        ([Fault(200, b'{"id": 7}')], "does not match the API schema: id: Input should be a valid string", ""),
        ([Fault(200, b'{"id":"x","language":"python"', truncate_to=10)], "closed the connection", ""),
    ],
)
async def test_error_kinds(
    make_app: Callable[..., RizaApp], server: ScriptedServer, faults: list[Fault], expected: str, hint: str
) -> None:
    server.add_fault(
        *[Fault(f.status, f.body, truncate_to=f.truncate_to, path="/v1/executions/exec_broken") for f in faults]
    )
    app = make_app("exec_broken", max_retries=2 if len(faults) == 3 else 0)
    async with app.run_test(size=WIDE) as pilot:
        await lookup_and_settle(app, pilot, "exec_broken")
        assert app.screen.query_one(ContentSwitcher).current == "error"
        message = error_message(app)
        assert expected in message and "exec_broken" in message
        assert hint in message
        assert app.is_running
        await pilot.press("ctrl+l")
        await type_text(pilot, "exec_next")
        await pilot.press("enter")
        await settle(pilot)
        assert lookup_of(app).execution_id == "exec_next", "the app keeps taking lookups after an error"


async def test_invalid_body_offers_the_raw_body(make_app: Callable[..., RizaApp], server: ScriptedServer) -> None:
    server.add_fault(
        Fault(200, b'{"id": "exec_x", "language": "python", "exit_code": "zero"}', path="/v1/executions/exec_x")
    )
    app = make_app("exec_x")
    async with app.run_test(size=WIDE) as pilot:
        await lookup_and_settle(app, pilot, "exec_x")
        body = app.screen.query_one("#error-body", TextView)
        assert body.display
        assert any('"exit_code": "zero"' in line for line in pane_lines(body))
        assert "exit_code" in error_message(app) and "duration" in error_message(app)


async def test_unauthenticated(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    app = make_app(store.records[0]["id"], api_key="wrong")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        message = error_message(app)
        assert "Unauthenticated" in message and "HTTP 401: unauthenticated" in message and "RIZA_API_KEY" in message


async def test_timeout(make_app: Callable[..., RizaApp], server: ScriptedServer) -> None:
    server.hold("/v1/executions/exec_slow")
    app = make_app("exec_slow", timeout=0.2, max_retries=0)
    async with app.run_test(size=WIDE) as pilot:
        await lookup_and_settle(app, pilot, "exec_slow")
        assert "Timed out" in error_message(app) and "within 0.2 s" in error_message(app)


async def test_unreachable_server(make_app: Callable[..., RizaApp]) -> None:
    app = make_app("exec_1", base_url="http://127.0.0.1:9", max_retries=0)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        message = error_message(app)
        assert "Connection failed" in message and "RIZA_BASE_URL" in message


async def test_hostile_server_message_is_shown_as_text(
    make_app: Callable[..., RizaApp], server: ScriptedServer
) -> None:
    server.add_fault(
        Fault(
            path="/v1/executions/exec_evil",
            status=404,
            body=b'{"code":5,"message":"[@click=app.quit]gone[/] \\u001b]0;pwned\\u0007"}',
        )
    )
    app = make_app("exec_evil")
    async with app.run_test(size=WIDE) as pilot:
        await lookup_and_settle(app, pilot, "exec_evil")
        message = error_message(app)
        assert "[@click=app.quit]gone[/]" in message
        assert "\\x1b]0;pwned\\x07" in message and "\x1b" not in message


async def test_invalid_id_is_refused_without_a_request(
    make_app: Callable[..., RizaApp], server: ScriptedServer
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        before = len(server.requests)
        await pilot.press("ctrl+l")
        await type_text(pilot, "..")
        await pilot.press("enter")
        await settle(pilot)
        assert "Invalid execution ID" in error_message(app)
        assert len(server.requests) == before


async def test_a_display_bug_shows_the_raw_json_instead_of_crashing(
    make_app: Callable[..., RizaApp], store: ServerData, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_view(_execution: object) -> None:
        raise ValueError("layout exploded")

    monkeypatch.setattr("riza_tui.tui.widgets.execution_view.build_view", broken_view)
    record = store.records[0]
    app = make_app(record["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.screen.query_one(ContentSwitcher).current == "error"
        message = error_message(app)
        assert "Could not display this execution" in message and "ValueError: layout exploded" in message
        raw = "\n".join(pane_lines(app.screen.query_one("#error-body", TextView)))
        assert record["id"] in raw
        assert app.is_running
