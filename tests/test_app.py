"""The app, driven by a pilot, against the embedded server over real loopback sockets."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from riza_tui.api.json_text import pretty_json
from riza_tui.safety.mask import MASK
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from riza_tui.tui.widgets.detail import DetailPane
from riza_tui.tui.widgets.lookup_bar import LookupBar
from riza_tui.tui.widgets.text_view import TextView
from riza_tui.tui.widgets.triage_table import TriageTable
from tests.app_helpers import (
    WIDE,
    body,
    fully_on_screen,
    lookup_of,
    pane,
    press_and_settle,
    rendered_text,
    summary_of,
    title_of,
    type_text,
)
from tests.conftest import find, of_type, pane_lines, settle
from tests.loopback import Fault, ScriptedServer


async def test_script_layout_shows_request_beside_response(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    record = find(
        store,
        lambda r: of_type("script")(r) and r["exit_code"] == 1 and "KeyError" in r["details"]["response"]["stderr"],
    )
    app = make_app(record["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert body(app) == "detail"
        summary = summary_of(app)
        assert record["id"] in summary and "script · python" in summary and "exit 1" in summary
        for name in ("code", "input", "stdout", "stderr"):
            assert fully_on_screen(app, name), name
        assert not pane(app, "output").display
        assert pane(app, "code").region.x < pane(app, "stdout").region.x, "request on the left, response on the right"
        assert pane_lines(pane(app, "code"))[0].startswith("1 import json")
        assert any("KeyError" in line for line in pane_lines(pane(app, "stderr")))
        assert pane(app, "code").is_highlighted
        assert app.focused is pane(app, "stderr"), "a failed run opens on its stderr"


async def test_function_layout_has_output_with_status(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    record = find(store, lambda r: of_type("function")(r) and r["details"]["response"]["output_status"] == "valid")
    app = make_app(record["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        for name in ("code", "input", "output", "stdout", "stderr"):
            assert fully_on_screen(app, name), name
        assert "valid" in title_of(pane(app, "output").border_title)
        assert pane_lines(pane(app, "output"))[0] == "1 {"
        assert " valid " in summary_of(app)


async def test_tool_layout_shows_tool_env_and_no_code(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    record = find(store, lambda r: of_type("tool")(r) and "weather" in r["details"]["tool_id"].lower())
    app = make_app(record["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert not pane(app, "code").display
        request = "\n".join(pane_lines(pane(app, "request")))
        assert "tool_01JD7WEATHER" in request
        assert "env WEATHER_API_KEY" in request and "secret sec_01JD7WXKEY" in request
        assert "env UNITS" in request and MASK in request
        assert "http api.open-meteo.com" in request
        assert fully_on_screen(app, "output") and fully_on_screen(app, "input")
        assert "tool tool_01JD7WEATHER" in summary_of(app)


@pytest.mark.parametrize(
    ("predicate", "reason"),
    [(lambda r: "details" not in r, "sent no details"), (of_type("workflow"), "does not know: workflow")],
)
async def test_missing_or_unknown_details_show_raw_json(
    make_app: Callable[..., RizaApp], store: ServerData, predicate: Callable[[dict[str, object]], bool], reason: str
) -> None:
    record = find(store, predicate)
    app = make_app(record["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert body(app) == "raw"
        assert reason in title_of(pane(app, "raw").border_title)
        raw = "\n".join(pane_lines(pane(app, "raw")))
        assert record["id"] in raw


async def test_ctrl_l_focuses_the_lookup_bar_from_a_pane(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    app = make_app(store.records[0]["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, TextView)
        await pilot.press("ctrl+l")
        assert isinstance(app.focused, LookupBar)


async def start_slow_lookup(pilot: Pilot[None], server: ScriptedServer) -> Fault:
    """Begin a lookup the server holds until the test releases it, and return once it is in flight."""
    held = server.hold("/v1/executions/exec_slow")
    await settle(pilot)
    await pilot.press("ctrl+l")
    await type_text(pilot, "exec_slow")
    await pilot.press("enter")
    await asyncio.to_thread(held.arrived.wait, 10)
    await pilot.pause()
    return held


async def test_escape_cancels_a_slow_lookup(make_app: Callable[..., RizaApp], server: ScriptedServer) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await start_slow_lookup(pilot, server)
        assert lookup_of(app).phase == "loading"
        assert "looking up exec_slow" in summary_of(app)
        await pilot.press("escape")
        await settle(pilot)
        state = lookup_of(app)
        assert state.phase == "cancelled"
        assert "cancelled lookup of exec_slow" in summary_of(app)


async def test_new_lookup_replaces_the_one_in_flight(
    make_app: Callable[..., RizaApp], server: ScriptedServer, store: ServerData
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await start_slow_lookup(pilot, server)
        app.screen.query_one(LookupBar).value = store.records[0]["id"]
        await pilot.press("enter")
        await settle(pilot)
        assert lookup_of(app).phase == "loaded"
        assert lookup_of(app).execution_id == store.records[0]["id"]


async def test_secrets_are_masked_until_revealed(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    record = find(store, lambda r: of_type("function")(r) and "GITHUB_TOKEN" in r["details"]["request"].get("env", {}))
    token = record["details"]["request"]["env"]["GITHUB_TOKEN"]
    app = make_app(record["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        request = "\n".join(pane_lines(pane(app, "request")))
        assert token not in request
        assert re.search(rf"env GITHUB_TOKEN +{MASK}", request)
        assert "3 secrets masked" in summary_of(app)
        await pilot.press("s")
        await settle(pilot)
        assert token[:20] in "\n".join(pane_lines(pane(app, "request")))
        assert "REVEALED" in summary_of(app)
        await pilot.press("j")
        await settle(pilot)
        assert token in "\n".join(pane_lines(pane(app, "raw")))
        await pilot.press("s")
        await settle(pilot)
        assert token not in "\n".join(pane_lines(pane(app, "raw")))


async def test_raw_toggle_and_reload(
    make_app: Callable[..., RizaApp], store: ServerData, server: ScriptedServer
) -> None:
    record = find(store, of_type("script"))
    app = make_app(record["id"])
    async with app.run_test(size=WIDE) as pilot:
        await press_and_settle(pilot, "j")
        assert body(app) == "raw"
        assert pane_lines(pane(app, "raw"))[1].strip().startswith('2   "id":')
        await pilot.press("j")
        await settle(pilot)
        assert body(app) == "detail"
        before = len(server.requests)
        await pilot.press("r")
        await settle(pilot)
        assert len(server.requests) == before + 1
        assert server.requests[-1].raw_path.endswith(record["id"])


async def test_raw_view_of_a_big_body_is_built_off_the_ui_thread(
    make_app: Callable[..., RizaApp], store: ServerData, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = find(store, lambda r: len(str(r)) > 1_000_000)
    built_on: list[str] = []
    real_pretty_json = pretty_json

    def recording_pretty_json(value: object) -> str:
        built_on.append(threading.current_thread().name)
        return real_pretty_json(value)

    monkeypatch.setattr("riza_tui.tui.widgets.execution_view.pretty_json", recording_pretty_json)
    app = make_app(record["id"])
    async with app.run_test(size=WIDE) as pilot:
        await press_and_settle(pilot, "j")
        assert body(app) == "raw"
        assert built_on and threading.main_thread().name not in built_on
        assert not pane(app, "raw").preparing
        assert record["id"] in "\n".join(pane_lines(pane(app, "raw")))


async def test_help_lists_every_key_the_key_bar_offers_with_the_same_key(
    make_app: Callable[..., RizaApp], store: ServerData
) -> None:
    app = make_app(find(store, of_type("script"))["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        execution_screen = app.screen
        offered = [
            (app.get_key_display(binding), binding.tooltip)
            for _node, binding, enabled, _tip in execution_screen.active_bindings.values()
            if binding.show and enabled
        ]
        assert len(offered) >= 8, "the execution screen and its focused pane offer their keys"
        await pilot.press("question_mark")
        await pilot.pause()
        rows = [line.strip() for line in rendered_text(app.screen.query_one("#help-keys")).splitlines()]
        for key, meaning in offered:
            assert any(row.startswith(key) and meaning[:40] in row for row in rows), f"{key}: {meaning}"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is execution_screen


async def test_zoom_fills_the_screen_with_one_pane(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    app = make_app(find(store, of_type("script"))["id"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        focused = app.focused
        assert isinstance(focused, TextView)
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.maximized is focused
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.maximized is None


async def test_80x24_stacks_panes_and_scrolls_to_them(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    record = find(store, lambda r: of_type("function")(r) and r["details"]["response"]["execution"]["stderr"])
    app = make_app(record["id"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        detail = app.screen.query_one(DetailPane)
        assert detail.max_scroll_y > 0, "panes that do not fit are reached by scrolling"
        assert pane(app, "code").region.width >= 76, "one column at 80 wide"
        assert app.focused is pane(app, "stderr")
        assert fully_on_screen(app, "stderr"), "the focused pane is scrolled into view"
        pane(app, "code").focus()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert fully_on_screen(app, "code"), "tab to a pane and it scrolls into view"


async def test_no_api_key_says_how_to_set_one(make_app: Callable[..., RizaApp], server: ScriptedServer) -> None:
    app = make_app("exec_anything", api_key=None)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        text = str(app.screen.query_one("#list-heading", Static).render())
        assert "export RIZA_API_KEY" in text and "riza-tui --demo" in text
        assert not app.screen.query_one(TriageTable).display
        assert server.requests == []


async def test_first_focus_with_a_big_stdout_is_the_stdout_pane(
    make_app: Callable[..., RizaApp], store: ServerData
) -> None:
    record = max(
        (r for r in store.records if r.get("details")), key=lambda r: len(r["details"]["response"].get("stdout", ""))
    )
    assert len(record["details"]["response"]["stdout"]) > 1_000_000 and not record["details"]["response"]["stderr"]
    app = make_app(record["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.focused is pane(app, "stdout"), "not the empty stderr pane"
        await pilot.press("down")
        assert pane(app, "stdout").scroll_y == 1, "the first Down scrolls the output"
