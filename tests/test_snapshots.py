"""Snapshot tests of each layout, an error, the empty state and 80x24, from the bundled data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from riza_tui.api.settings import ClientSettings
from riza_tui.core.archive import open_archive
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from tests.app_helpers import type_text
from tests.conftest import find, of_type, settle
from tests.loopback import ScriptedServer

CASES: dict[str, Callable[[dict[str, Any]], bool]] = {
    "script": lambda r: of_type("script")(r) and "KeyError" in r["details"]["response"]["stderr"],
    "function": lambda r: of_type("function")(r) and "GITHUB_TOKEN" in r["details"]["request"].get("env", {}),
    "tool": lambda r: of_type("tool")(r) and "CRM" in r["details"]["tool_id"],
    "unknown_type": of_type("workflow"),
    "hostile_output": lambda r: "pwned" in str(r),
}


@pytest.mark.parametrize("case", list(CASES))
def test_layout(case: str, snap_compare: Any, make_app: Callable[..., RizaApp], store: ServerData) -> None:
    app = make_app(find(store, CASES[case])["id"])
    assert snap_compare(app, terminal_size=(120, 40), run_before=settle)


def test_narrow_80x24(snap_compare: Any, make_app: Callable[..., RizaApp], store: ServerData) -> None:
    app = make_app(find(store, CASES["function"])["id"])
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_not_found_error(snap_compare: Any, make_app: Callable[..., RizaApp]) -> None:
    assert snap_compare(make_app("exec_does_not_exist"), terminal_size=(120, 40), run_before=settle)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["160x50", "80x24"])
def test_list_as_a_triage_table(size: tuple[int, int], snap_compare: Any, make_app: Callable[..., RizaApp]) -> None:
    async def on_a_failure(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(*["down"] * 10)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=on_a_failure)


def test_list_filtered(snap_compare: Any, make_app: Callable[..., RizaApp]) -> None:
    async def filtered(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("slash")
        # A word every list row says (its language), not one only fetched details say: which rows have
        # details when each letter arrives depends on timing, and a snapshot must not.
        await type_text(pilot, "javascript")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 30), run_before=filtered)


def test_search_with_matches(snap_compare: Any, make_app: Callable[..., RizaApp], store: ServerData) -> None:
    record = find(store, lambda r: "still polling" in str(r))

    async def searched(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("shift+tab", "slash")
        await type_text(pilot, "polling")
        await pilot.press("enter", "n")
        await settle(pilot)

    assert snap_compare(make_app(record["id"]), terminal_size=(120, 40), run_before=searched)


def test_failing_line_marked(snap_compare: Any, make_app: Callable[..., RizaApp], store: ServerData) -> None:
    record = find(store, lambda r: of_type("script")(r) and "DivisionByZeroError" in str(r))
    assert snap_compare(make_app(record["id"]), terminal_size=(120, 40), run_before=settle)


def test_no_api_key(snap_compare: Any, make_app: Callable[..., RizaApp]) -> None:
    assert snap_compare(make_app(api_key=None), terminal_size=(100, 30), run_before=settle)


def _archived_app(server: ScriptedServer, tmp_path: Path) -> RizaApp:
    archive = open_archive(server.url, None, path=tmp_path / "archive.db")
    settings = ClientSettings(api_key=server.api_key, base_url=server.url)
    return RizaApp(settings, archive=archive, server_label="test server")


def test_failure_groups(snap_compare: Any, server: ScriptedServer, tmp_path: Path) -> None:
    async def groups(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)

    assert snap_compare(_archived_app(server, tmp_path), terminal_size=(140, 32), run_before=groups)


def test_search_across_executions(snap_compare: Any, server: ScriptedServer, tmp_path: Path) -> None:
    async def searched(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("i", "escape", "s")  # the groups screen syncs the archive first
        await type_text(pilot, "backoff")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(_archived_app(server, tmp_path), terminal_size=(140, 32), run_before=searched)
