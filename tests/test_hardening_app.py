"""Hardening of the app (issue 8): masked error bodies, per-execution reveal, late answers, worker failures,
deep and mislabelled executions, cell widths, and colours that follow the theme and NO_COLOR."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import ContentSwitcher

from riza_tui.api.settings import ClientSettings
from riza_tui.safety.mask import MASK
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from riza_tui.tui.render.colors import NO_COLOR_PALETTE, palette_for
from riza_tui.tui.widgets.summary import SummaryStrip
from riza_tui.tui.widgets.text_view import TextView
from riza_tui.tui.widgets.triage_table import TriageTable
from tests.app_helpers import WIDE, body, lookup_of, pane, screen_text, summary_of, title_of, toasts, type_text
from tests.conftest import find, function_details, of_type, pane_lines, settle
from tests.loopback import Fault, ScriptedServer

ENV_SECRET = "env-secret-value-42"
TOKEN = "tok_abcdef123456"


def error_body_lines(app: RizaApp) -> str:
    return app.screen.query_one("#error-body", TextView).shown_text()


def drawn_colours(view: TextView) -> set[str]:
    """The foreground colours a pane draws its rows in (through its real render path)."""
    colours = set()
    for y in range(view.scrollable_content_region.height):
        for segment in view.render_line(y):
            if segment.style is not None and segment.style.color is not None:
                colours.add(str(segment.style.color))
    return colours


def invalid_execution_body() -> bytes:
    """An execution that breaks the schema (exit_code is text) and carries secrets in its request."""
    return json.dumps(
        {
            "id": "exec_bad",
            "language": "python",
            "duration": 1,
            "exit_code": "one",
            "started_at": "2026-11-28T08:00:00Z",
            "details": {
                "type": "script",
                "request": {
                    "language": "python",
                    "code": "x",
                    "env": {"DB_PASSWORD": ENV_SECRET},
                    "http": {"allow": [{"host": "api.example.com", "auth": {"bearer": {"token": TOKEN}}}]},
                },
            },
        }
    ).encode()


@pytest.mark.parametrize("cut", [False, True], ids=["schema-invalid", "truncated"])
async def test_error_body_is_masked_until_revealed(
    make_app: Callable[..., RizaApp], server: ScriptedServer, cut: bool
) -> None:
    raw = invalid_execution_body()
    if cut:
        raw = raw[: raw.index(TOKEN.encode()) + len(TOKEN) + 2]  # cut short just after the token: not JSON
    server.add_fault(Fault(200, raw, path="/v1/executions/exec_bad"))
    app = make_app("exec_bad")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert body(app) == "error"
        shown = error_body_lines(app)
        assert ENV_SECRET not in shown and TOKEN not in shown and MASK in shown
        title = title_of(app.screen.query_one("#error-body", TextView).border_title)
        assert "2 secret-looking values masked (s reveals)" in title
        await pilot.press("s")
        await settle(pilot)
        assert ENV_SECRET in error_body_lines(app) and TOKEN in error_body_lines(app)


async def test_revealing_is_for_one_execution(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    with_secrets = [r for r in store.records if of_type("function")(r) and r["details"]["request"].get("env")]
    first, second = with_secrets[0], with_secrets[1]
    app = make_app(first["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "REVEALED" in summary_of(app)
        await pilot.press("ctrl+l")
        await type_text(pilot, second["id"])
        await pilot.press("enter")
        await settle(pilot)
        assert lookup_of(app).execution_id == second["id"]
        assert "masked (s to reveal)" in summary_of(app) and "REVEALED" not in summary_of(app)


async def test_back_during_a_lookup_cancels_it(
    make_app: Callable[..., RizaApp], server: ScriptedServer, store: ServerData
) -> None:
    held = server.hold("/v1/executions/exec_late")
    app = make_app(store.records[0]["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await type_text(pilot, "exec_late")
        await pilot.press("enter")
        await asyncio.to_thread(held.arrived.wait, 10)
        pane(app, "stdout").focus()
        await pilot.pause()
        await pilot.press("b")
        assert held.release is not None
        held.release.set()
        await settle(pilot)
        assert body(app) == "list" and lookup_of(app).phase == "cancelled", "the late answer is dropped"


async def test_a_failing_worker_is_a_message_not_an_exit(
    make_app: Callable[..., RizaApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        assert app.client is not None

        async def broken(**_options: object) -> None:
            raise RuntimeError("boom in the list")

        monkeypatch.setattr(app.client, "list_executions", broken)
        await pilot.press("f")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert "boom in the list" in str(app.screen.query_one("#list-heading").render())
        assert "boom in the list" in toasts(app)


async def test_deep_output_and_a_recursion_bomb_are_shown(
    make_app: Callable[..., RizaApp], server: ScriptedServer
) -> None:
    output: object = "bottom"
    for _ in range(1000):
        output = [output]
    record = {
        "id": "exec_deep",
        "language": "python",
        "duration": 1,
        "exit_code": 0,
        "started_at": "2026-11-28T08:00:00Z",
        "details": function_details("exec_deep", output),
    }
    server.add_fault(Fault(200, json.dumps(record).encode(), path="/v1/executions/exec_deep"))
    bomb = json.dumps(record).replace('"bottom"', "[" * 50_000 + "]" * 50_000)
    server.add_fault(Fault(200, bomb.encode(), path="/v1/executions/exec_bomb"))
    app = make_app("exec_deep")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert body(app) == "detail"
        assert '"bottom"' in pane(app, "output").shown_text()
        await pilot.press("ctrl+l")
        await type_text(pilot, "exec_bomb")
        await pilot.press("enter")
        await settle(pilot)
        assert "exec_deep" in summary_of(app), "the summary of the execution is shown"
        assert "too deep to read whole" in summary_of(app)
        assert "cut here" in pane(app, "output").shown_text()
        await pilot.press("j")
        await settle(pilot)
        assert body(app) == "raw" and pane(app, "raw").shown_text().startswith('{"id": "exec_deep"'), (
            "the raw view shows the body as received"
        )


async def test_another_execution_than_asked_for_is_flagged(
    make_app: Callable[..., RizaApp], server: ScriptedServer, store: ServerData
) -> None:
    other = store.records[3]
    server.add_fault(Fault(200, json.dumps(other).encode(), path="/v1/executions/exec_asked"))
    app = make_app("exec_asked")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert f"asked for exec_asked but the server sent {other['id']}" in summary_of(app)


async def test_wide_characters_scroll_to_their_end(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    app = make_app(store.records[0]["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        view = pane(app, "raw")
        app.screen.query_one(ContentSwitcher).current = "raw"
        wide = "界" * 300 + "END"
        escapes = "\x1b" * 300 + "FIN"
        long_wide = "字" * 5000 + "LAST"
        view.show_text("\n".join([wide, escapes, long_wide]))
        await settle(pilot)
        assert view.virtual_size.width == 5000 * 2 + 4, "measured in cells"
        view.scroll_to(x=view.max_scroll_x, animate=False, immediate=True)
        await pilot.pause()
        lines = pane_lines(view)
        assert lines[2].endswith("LAST")
        view.scroll_to(x=600 + 3 - view.scrollable_content_region.width, animate=False, immediate=True)
        await pilot.pause()
        assert pane_lines(view)[0].endswith("END")


async def test_colours_follow_no_color_and_a_light_theme(
    make_app: Callable[..., RizaApp], store: ServerData, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed = find(store, lambda r: of_type("script")(r) and r["exit_code"] == 1)
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(failed["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert palette_for(app) is NO_COLOR_PALETTE
        drawn = app.screen.query_one(SummaryStrip).render_line(0)
        styles = [segment.style for segment in drawn if segment.style is not None]
        assert any(style.reverse for style in styles), "a failure is reverse video, not grey"
    monkeypatch.delenv("NO_COLOR")
    app = make_app(failed["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        dark_code = drawn_colours(pane(app, "code"))
        app.theme = "textual-light"
        await settle(pilot)
        assert not palette_for(app).dark
        light_code = drawn_colours(pane(app, "code"))
        assert len(dark_code) > 2 and len(light_code) > 2, "the code is highlighted"
        assert dark_code != light_code, "code follows the theme"


async def test_edge_values_in_the_list_and_the_detail_view() -> None:
    edges = [
        {"id": "exec_huge_duration", "duration": 10**400, "exit_code": 1},
        {"id": "exec_huge_exit", "duration": 5, "exit_code": 10**29 + 7},
        {"id": "exec_year_1", "duration": 5, "exit_code": 0, "started_at": "0001-01-01T00:00:00+00:04"},
        {"id": "exec_year_9999", "duration": 5, "exit_code": 0, "started_at": "9999-12-31T23:59:59-00:04"},
    ]
    records: list[dict[str, Any]] = [{"language": "python", "started_at": "2026-11-28T08:00:00Z"} | e for e in edges]
    with ScriptedServer(ServerData(records), api_key="k") as edge_server:
        settings = ClientSettings(api_key="k", base_url=edge_server.url)
        app = RizaApp(settings, server_label="edges")
        async with app.run_test(size=WIDE) as pilot:
            await settle(pilot)
            assert len(app.screen.query_one(TriageTable).shown) == 4
            shown = screen_text(app)
            assert "exec_huge_exit" in shown and "exec_year_9999" in shown
            for record in records:
                execution_id = str(record["id"])
                await pilot.press("ctrl+l")
                await type_text(pilot, execution_id)
                await pilot.press("enter")
                await settle(pilot)
                assert execution_id in summary_of(app) and body(app) == "raw"
