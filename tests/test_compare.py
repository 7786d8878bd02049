"""Comparing executions: every part in the app (mark, d, both layouts) and in ``riza-tui diff`` (text, JSON,
exit codes as diff(1)); env values compared by fingerprint, never shown."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from textual.geometry import Offset
from textual.selection import Selection

from riza_tui.api.settings import ClientSettings
from riza_tui.cli.diff import run_diff
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from riza_tui.tui.screens.diff import DiffScreen
from riza_tui.tui.widgets.text_view import TextView
from tests.app_helpers import body, pane, press_and_settle, toasts, type_text
from tests.conftest import Record, pane_lines, script_record, settle
from tests.loopback import ScriptedServer

CODE = "import os\nprint('total', 41 + 1)\nprint(os.environ['TOKEN'])\n"


def script(execution_id: str, **changes: Any) -> Record:
    fields = {"stdin": "a\n", "args": ["--fast"], "env": {"TOKEN": "tok_SECRET_1"}} | changes
    return script_record(
        execution_id, str(fields.pop("code", CODE)), stdout=str(fields.pop("stdout", "total 42\n")), **fields
    )


PAIR = [
    script("exec_good"),
    script(
        "exec_bad",
        code=CODE.replace("41 + 1", "41 + 2"),
        stdin="b\n",
        args=["--slow"],
        env={"TOKEN": "tok_SECRET_2", "EXTRA": "x"},
        http={"allow": [{"host": "api.example.com"}]},
        limits={"execution_timeout": 5},
        stdout="total 43\n",
        stderr="Traceback (most recent call last):\nKeyError: 'x'\n",
        exit_code=1,
        duration=2500,
    ),
]
EVERY_PART = ["code", "input", "stdout", "stderr", "args", "env", "http", "limits", "exit code", "duration"]


async def run(settings: ClientSettings, *args: str, **options: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_diff(settings, *args, streams=(out, err), **options)
    return code, out.getvalue(), err.getvalue()


async def test_diff_command_prints_every_changed_part_and_exits_like_diff() -> None:
    with ScriptedServer(ServerData(PAIR), api_key="k") as two:
        settings = ClientSettings(api_key="k", base_url=two.url)
        code, out, _ = await run(settings, "exec_good", "exec_bad", color="never")
        assert code == 1
        for part in EVERY_PART:
            assert f"@@ {part} @@" in out, part
        assert "1 of 11 parts identical: output" in out
        assert "-print('total', 41 + 1)" in out and "+print('total', 41 + 2)" in out
        assert "tok_SECRET" not in out, "env values are never shown"
        assert "-TOKEN = value #" in out and "+EXTRA = value #" in out
        assert "\x1b[" not in out
        same, out_same, _ = await run(settings, "exec_good", "exec_good")
        assert same == 0 and "11 of 11 parts identical" in out_same
        missing, _, err = await run(settings, "exec_good", "exec_nope")
        assert missing == 2 and "not found" in err.lower()
        code, out, _ = await run(settings, "exec_good", "exec_bad", as_json=True)
        document = json.loads(out)
        assert code == 1 and document["equal"] is False
        changed = {part["part"] for part in document["parts"] if not part["equal"]}
        assert changed == set(EVERY_PART)
        coloured = (await run(settings, "exec_good", "exec_bad", color="always"))[1]
        assert "\x1b[31m-print" in coloured


async def test_mark_and_d_compare_in_the_app_both_layouts(make_app: Callable[..., RizaApp]) -> None:
    with ScriptedServer(ServerData(PAIR), api_key="k") as two:
        app = make_app("exec_good", base_url=two.url, api_key="k")
        async with app.run_test(size=(140, 50)) as pilot:
            await settle(pilot)
            await press_and_settle(pilot, "m")
            await pilot.press("ctrl+l")
            await type_text(pilot, "exec_bad")
            await pilot.press("enter")
            await settle(pilot)
            await press_and_settle(pilot, "d")
            assert isinstance(app.screen, DiffScreen)
            view = app.screen.query_one(TextView)
            text = "\n".join(view.shown_text().splitlines())
            assert "10 changed" in text and "= 1 identical: output" in text
            assert "- print('total', 41 + 1)" in text and "+ print('total', 41 + 2)" in text
            assert "tok_SECRET" not in text
            changed = [line for line in pane_lines(view) if line.startswith("- print('total'")]
            strip = view.render_line(pane_lines(view).index(changed[0]))
            assert any(segment.text.strip() == "1" and segment.style and segment.style.reverse for segment in strip), (
                "the changed word is highlighted"
            )
            await press_and_settle(pilot, "tab")
            rows = view.shown_text().splitlines()
            assert any("41 + 1" in row and "│" in row and "41 + 2" in row for row in rows), "side by side"
            await press_and_settle(pilot, "escape")
            assert not isinstance(app.screen, DiffScreen) and body(app) == "detail"


async def test_a_pane_supports_mouse_selection_and_copies_it(make_app: Callable[..., RizaApp]) -> None:
    with ScriptedServer(ServerData(PAIR), api_key="k") as two:
        app = make_app("exec_bad", base_url=two.url, api_key="k")
        async with app.run_test(size=(140, 50)) as pilot:
            await settle(pilot)
            stderr = pane(app, "stderr")
            app.screen.selections = {stderr: Selection(Offset(0, 1), Offset(8, 1))}
            await pilot.pause()
            assert app.screen.get_selected_text() == "KeyError"
            assert any(segment.text == "KeyError" for segment in stderr.render_line(1)), "drawn selected"
            region = stderr.content_region
            await pilot.mouse_down(offset=(region.x, region.y))
            await pilot.hover(offset=(region.x + 8, region.y))
            await pilot.mouse_up(offset=(region.x + 8, region.y))
            await pilot.pause()
            assert app.screen.get_selected_text() == "Traceback", "a drag selects"


async def test_palette_compares_a_failed_tool_run_with_its_last_good_run(
    make_app: Callable[..., RizaApp], store: ServerData
) -> None:
    def tool_of(record: Record) -> str:
        return str((record.get("details") or {}).get("tool_id", ""))

    failed = next(r for r in store.records if tool_of(r) and r["exit_code"] != 0)
    good = next(
        r
        for r in store.records
        if tool_of(r) == tool_of(failed) and r["exit_code"] == 0 and r["started_at"] < failed["started_at"]
    )
    app = make_app(failed["id"])
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "last good")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        assert app.screen.left.execution.id == good["id"] and app.screen.right.execution.id == failed["id"]
        assert "exit code" in app.screen.query_one(TextView).shown_text()


async def test_palette_offers_only_what_works_now(make_app: Callable[..., RizaApp]) -> None:
    from riza_tui.tui.commands import RizaCommands

    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        provider = RizaCommands(app.screen)
        titles = [hit.text for hit in [hit async for hit in provider.discover()]]
        assert "Failures only: toggle" in titles and "Watch for new executions: toggle" in titles
        assert "Copy the focused pane" not in titles and "Compare with the marked execution" not in titles


async def test_y_copies_the_pane_as_shown_and_Y_the_id_and_m_toggles(make_app: Callable[..., RizaApp]) -> None:
    with ScriptedServer(ServerData(PAIR), api_key="k") as two:
        app = make_app("exec_bad", base_url=two.url, api_key="k")
        async with app.run_test(size=(140, 50), notifications=True) as pilot:
            await settle(pilot)
            await press_and_settle(pilot, "y")
            assert app.clipboard == "Traceback (most recent call last):\nKeyError: 'x'"
            assert "Copied stderr: 2 lines" in toasts(app)
            await press_and_settle(pilot, "Y")
            assert app.clipboard == "exec_bad"
            await press_and_settle(pilot, "m")
            assert app.session.marked_id == "exec_bad"
            await press_and_settle(pilot, "m")
            assert app.session.marked_id == "" and not app.screen.check_action("diff", ())
            await press_and_settle(pilot, "s", "e")
            assert "Hide secrets first" in toasts(app)


async def test_pager_says_so_where_the_app_cannot_suspend(make_app: Callable[..., RizaApp]) -> None:
    with ScriptedServer(ServerData(PAIR), api_key="k") as two:
        app = make_app("exec_bad", base_url=two.url, api_key="k")
        async with app.run_test(
            size=(140, 50), notifications=True
        ) as pilot:  # headless: there is no terminal to hand over
            await press_and_settle(pilot, "o")
            assert "cannot hand over" in toasts(app)
            assert app.is_running
