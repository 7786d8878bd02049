"""The diff screen: its keys (and their ids, so they can be remapped), and closing it stops the comparison
in its thread instead of letting it run on."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest

from riza_tui.api.client import RizaClient
from riza_tui.api.models import Fetched
from riza_tui.api.settings import ClientSettings
from riza_tui.core.compare import compare
from riza_tui.core.line_diff import Cancelled
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from riza_tui.tui.screens import diff as diff_screen
from riza_tui.tui.screens.diff import DiffScreen
from riza_tui.tui.widgets.text_view import TextView
from tests.app_helpers import press_and_settle
from tests.conftest import script_record, settle
from tests.loopback import ScriptedServer

PAIR = [
    script_record("exec_left", "print(1)\n", stdout="one\ntwo\n"),
    script_record("exec_right", "print(2)\n", stdout="one\nthree\n"),
]
GUARD_SECONDS = 60  # only so that a broken build fails instead of hanging; nothing waits on it


async def fetched_pair(url: str) -> tuple[Fetched, Fetched]:
    async with RizaClient(ClientSettings(api_key="k", base_url=url)) as client:
        return await client.retrieve("exec_left"), await client.retrieve("exec_right")


def layout(app: RizaApp) -> str:
    rows = app.screen.query_one(TextView).shown_text().splitlines()
    side_by_side = any(row.split(" │ ")[0].strip() == "print(1)" and row.endswith("print(2)") for row in rows)
    return "side by side" if side_by_side else "unified"


@pytest.mark.parametrize("keymap", [{}, {"diff.close": "x", "diff.toggle_layout": "s"}])
async def test_diff_keys_toggle_the_layout_and_close_and_can_be_remapped(
    keymap: dict[str, str], make_app: Callable[..., RizaApp]
) -> None:
    with ScriptedServer(ServerData(PAIR), api_key="k") as server:
        left, right = await fetched_pair(server.url)
        app = make_app(base_url=server.url, api_key="k")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.set_keymap(keymap)
            toggles, closes = (["s"], ["x"]) if keymap else (["tab", "v"], ["escape", "q"])
            for close in closes:
                await app.push_screen(DiffScreen(left, right))
                await settle(pilot)
                assert layout(app) == "unified"
                for toggle in toggles:
                    await press_and_settle(pilot, toggle)
                    assert layout(app) == "side by side", toggle
                    await press_and_settle(pilot, toggle)
                    assert layout(app) == "unified", toggle
                await press_and_settle(pilot, close)
                assert not isinstance(app.screen, DiffScreen), close


async def test_closing_the_diff_screen_stops_its_comparison(
    make_app: Callable[..., RizaApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked, closed, ended = threading.Event(), threading.Event(), threading.Event()
    outcome: list[str] = []

    def held_compare(*args: Any, cancelled: Callable[[], bool], **options: Any) -> Any:
        """The real comparison, its first question held until the screen is closed."""

        def question() -> bool:
            if not asked.is_set():
                asked.set()
                assert closed.wait(GUARD_SECONDS)
            return cancelled()

        try:
            parts = compare(*args, cancelled=question, **options)
        except Cancelled:
            outcome.append("cancelled")
            raise
        finally:
            ended.set()
        outcome.append("completed")
        return parts

    monkeypatch.setattr(diff_screen, "compare", held_compare)
    with ScriptedServer(ServerData(PAIR), api_key="k") as server:
        left, right = await fetched_pair(server.url)
        app = make_app(base_url=server.url, api_key="k")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = DiffScreen(left, right)
            await app.push_screen(screen)
            assert await asyncio.to_thread(asked.wait, GUARD_SECONDS)
            (worker,) = [worker for worker in app.workers if worker.node is screen]
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, DiffScreen)
            assert worker.is_cancelled
            closed.set()
            assert await asyncio.to_thread(ended.wait, GUARD_SECONDS)
            assert outcome == ["cancelled"], "the comparison stopped at its next question"
            assert screen.parts is None
