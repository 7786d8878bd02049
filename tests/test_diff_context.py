"""The context kept around each change of a diff: one grouping (``diff -u``'s, 3 lines), the same lines and
the same "… N unchanged lines" markers in ``riza-tui diff``, its ``--json`` and both layouts of the screen."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from riza_tui.api.client import RizaClient
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.diff import run_diff
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from riza_tui.tui.screens.diff import DiffScreen
from riza_tui.tui.widgets.text_view import TextView
from tests.app_helpers import press_and_settle
from tests.conftest import script_record, settle
from tests.loopback import ScriptedServer

SEVEN_BETWEEN = ["x", *"1234567", "y"]
# diff -u (and difflib's grouped opcodes) split an equal run longer than twice the context: 3, 1 skipped, 3.
EXPECTED = ["-x", "+X", " 1", " 2", " 3", "… 1 unchanged line", " 5", " 6", " 7", "-y", "+Y"]
PAIR = [
    script_record("exec_left", "pass\n", stdout="\n".join(SEVEN_BETWEEN) + "\n"),
    script_record("exec_right", "pass\n", stdout="\n".join(["X", *"1234567", "Y"]) + "\n"),
]


def section(lines: list[str], header: str) -> list[str]:
    """The lines of one part: after its header, up to the blank line that ends it."""
    start = next(index for index, line in enumerate(lines) if header in line) + 1
    end = next((index for index in range(start, len(lines)) if not lines[index].strip()), len(lines))
    return lines[start:end]


def screen_unified(line: str) -> str:
    """A unified screen row ("- x", "  1", "  … 1 unchanged line") in the CLI's form ("-x", " 1", "… …")."""
    return line.strip() if line.strip().startswith("…") else line[0] + line[2:]


async def printed(settings: ClientSettings) -> list[str]:
    out = io.StringIO()
    assert await run_diff(settings, "exec_left", "exec_right", color="never", streams=(out, io.StringIO())) == 1
    return out.getvalue().splitlines()


async def json_parts(settings: ClientSettings) -> dict[str, Any]:
    out = io.StringIO()
    await run_diff(settings, "exec_left", "exec_right", as_json=True, streams=(out, io.StringIO()))
    return {part["part"]: part for part in json.loads(out.getvalue())["parts"]}


async def open_diff(app: RizaApp, pilot: Pilot[None], settings: ClientSettings) -> TextView:
    async with RizaClient(settings) as client:
        left, right = await client.retrieve("exec_left"), await client.retrieve("exec_right")
    await settle(pilot)
    await app.push_screen(DiffScreen(left, right))
    await settle(pilot)
    return app.screen.query_one(TextView)


def cells(rows: list[str]) -> list[tuple[str, ...]]:
    return [tuple(cell.strip() for cell in row.split(" │ ")) for row in rows]


async def test_seven_equal_lines_between_two_changes_are_grouped_alike_everywhere(
    make_app: Callable[..., RizaApp],
) -> None:
    with ScriptedServer(ServerData(PAIR), api_key="k") as server:
        settings = ClientSettings(api_key="k", base_url=server.url)
        assert section(await printed(settings), "@@ stdout @@") == EXPECTED
        assert (await json_parts(settings))["stdout"]["unified"] == EXPECTED
        app = make_app(base_url=server.url, api_key="k")
        async with app.run_test(size=(120, 50)) as pilot:
            view = await open_diff(app, pilot, settings)
            unified = section(view.shown_text().splitlines(), "── stdout")
            assert [screen_unified(line) for line in unified] == EXPECTED
            await press_and_settle(pilot, "tab")
            assert cells(section(view.shown_text().splitlines(), "── stdout")) == [
                ("x", "X"),
                ("1", "1"),
                ("2", "2"),
                ("3", "3"),
                ("… 1 unchanged line", "… 1 unchanged line"),
                ("5", "5"),
                ("6", "6"),
                ("7", "7"),
                ("y", "Y"),
            ]


async def test_lines_too_costly_to_align_carry_the_same_marker_everywhere(make_app: Callable[..., RizaApp]) -> None:
    draw = random.Random(7)
    records = [
        script_record(f"exec_{side}", "pass\n", stdout="\n".join(f"tick {draw.randrange(4)}" for _ in range(5_000)))
        for side in ("left", "right")
    ]
    with ScriptedServer(ServerData(records), api_key="k") as server:
        settings = ClientSettings(api_key="k", base_url=server.url)
        (marker,) = [line for line in await printed(settings) if "too costly to align" in line]
        assert marker.startswith("… ") and " lines against " in marker
        stdout = (await json_parts(settings))["stdout"]
        assert stdout["aligned"] is False and marker in stdout["unified"]
        app = make_app(base_url=server.url, api_key="k")
        async with app.run_test(size=(200, 50)) as pilot:
            view = await open_diff(app, pilot, settings)
            assert [line.strip() for line in view.shown_text().splitlines() if "too costly" in line] == [marker]
            await press_and_settle(pilot, "tab")
            assert cells([row for row in view.shown_text().splitlines() if "too costly" in row]) == [(marker, marker)]
