"""Reading one execution: search, wrap, the failing line of each language, first focus, pane heights, zoom."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.message import Message

from riza_tui.api.settings import ClientSettings
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from riza_tui.tui.widgets.search_bar import SearchBar
from riza_tui.tui.widgets.text_view import TextView
from tests.app_helpers import WIDE, pane, press_and_settle, screen_text, title_of, type_text
from tests.conftest import Record, find, pane_lines, script_record, settle
from tests.loopback import ScriptedServer

FAILING_LINES = {
    "python": ("KeyError", 6),
    "javascript": ("TypeError: Cannot read", 5),
    "typescript": ("Invalid URL", 8),
    "ruby": ("NoMethodError", 5),
    "php": ("DivisionByZeroError", 4),
}


def failing_script(language: str) -> Callable[[Record], bool]:
    marker = FAILING_LINES[language][0]

    def matches(record: Record) -> bool:
        details = record.get("details") or {}
        return details.get("type") == "script" and record["language"] == language and marker in str(details)

    return matches


@pytest.mark.parametrize("language", list(FAILING_LINES))
async def test_the_failing_line_is_marked_in_the_code_for_each_language(
    make_app: Callable[..., RizaApp], store: ServerData, language: str
) -> None:
    record = find(store, failing_script(language))
    line = FAILING_LINES[language][1]
    app = make_app(record["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        code = pane(app, "code")
        assert code.marked_line == line - 1
        assert f"fails at {line} (t)" in title_of(str(code.border_title))
        drawn = [row for row in pane_lines(code) if row.startswith(f"{line}▶")]
        assert drawn, "the line is drawn marked, and in view"
        assert app.focused is pane(app, "stderr"), "a failure with stderr opens on stderr"


async def test_t_jumps_to_the_failing_line_from_anywhere(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    record = find(store, failing_script("python"))
    app = make_app(record["id"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane(app, "stdout").focus()
        await press_and_settle(pilot, "z")
        await press_and_settle(pilot, "t")
        assert app.focused is pane(app, "code") and app.screen.maximized is None
        assert any(row.startswith("6▶") for row in pane_lines(pane(app, "code")))


@pytest.mark.parametrize(
    ("describe", "predicate", "expected"),
    [
        (
            "failure with stderr",
            lambda r: r["exit_code"] != 0 and "stderr" in str(r) and "Traceback" in str(r),
            "stderr",
        ),
        (
            "function that returned",
            lambda r: (r.get("details") or {}).get("type") == "function" and r["exit_code"] == 0,
            "output",
        ),
        (
            "script with stdout",
            lambda r: (r.get("details") or {}).get("type") == "script" and r["exit_code"] == 0,
            "stdout",
        ),
    ],
)
async def test_first_focus_goes_to_the_pane_that_says_why(
    make_app: Callable[..., RizaApp],
    store: ServerData,
    describe: str,
    predicate: Callable[[Record], bool],
    expected: str,
) -> None:
    app = make_app(find(store, predicate)["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.focused is pane(app, expected), describe
        assert pane(app, expected).line_count > 0, "never an empty pane"


async def test_panes_are_no_taller_than_their_text(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    record = find(store, failing_script("python"))
    app = make_app(record["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert pane(app, "stdout").outer_size.height == 3, "one line of stdout takes one line and its border"
        code = pane(app, "code")
        assert code.outer_size.height >= code.line_count + 2, "the code is not cut off"


async def test_zoom_keeps_the_execution_id_in_view(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    record = find(store, failing_script("ruby"))
    app = make_app(record["id"])
    async with app.run_test(size=(80, 24)) as pilot:
        await press_and_settle(pilot, "z")
        assert app.screen.maximized is not None
        assert record["id"] in screen_text(app)


async def test_wrap_folds_long_lines_by_cells_and_numbers_first_rows(make_app: Callable[..., RizaApp]) -> None:
    code = "x = '" + "界" * 60 + "'\nprint(x)\n"
    record = script_record("exec_wrap", code, stdout="ok\n")
    with ScriptedServer(ServerData([record]), api_key="k") as one:
        app = make_app("exec_wrap", base_url=one.url, api_key="k")
        async with app.run_test(size=(80, 30)) as pilot:
            await settle(pilot)
            code_pane = pane(app, "code")
            code_pane.focus()
            assert pane_lines(code_pane)[0].endswith("›"), "cut, and says it goes on"
            await press_and_settle(pilot, "w")
            rows = pane_lines(code_pane)
            assert rows[0].startswith("1 x = '界") and rows[1].startswith("  界"), "continuation rows have no number"
            second = next(number for number, row in enumerate(rows) if row.startswith("2 print(x)"))
            assert second >= 2 and all(row.startswith("  ") for row in rows[1:second])
            assert "".join(row[2:] for row in rows[:second]).count("界") == 60, "every character shown, none cut"
            assert all(len(row) <= code_pane.scrollable_content_region.width for row in rows)
            await press_and_settle(pilot, "w")
            assert pane_lines(code_pane)[1].startswith("2 print(x)")


def big_stdout_record(size: int, needle_every: int) -> Record:
    lines = [f"2026-11-27 08:00:{n % 60:02d} INFO batch={n} rows=100" for n in range(size // 45)]
    for index in range(0, len(lines), needle_every):
        lines[index] += " needle"
    return script_record("exec_big", "print()", stdout="\n".join(lines) + "\n")


async def search_big_stdout(settings: ClientSettings, size: int) -> None:
    record = big_stdout_record(size, needle_every=5_000)
    lines = record["details"]["response"]["stdout"].count("\n")
    expected = -(-lines // 5_000)
    progress: list[str] = []

    def hook(message: Message) -> None:
        if isinstance(message, TextView.SearchProgress) and message.status:
            progress.append(message.status)

    with ScriptedServer(ServerData([record]), api_key="k") as one:
        app = RizaApp(
            ClientSettings(api_key="k", base_url=one.url, timeout=60), initial_id="exec_big", server_label="big"
        )
        async with app.run_test(size=WIDE, message_hook=hook) as pilot:
            await settle(pilot)
            stdout = pane(app, "stdout")
            assert app.focused is stdout
            await pilot.press("slash")
            await type_text(pilot, "needle")
            await pilot.press("enter", "n", "n")  # keys go on being answered while the search runs
            await settle(pilot)
            matches = stdout.matches
            assert matches is not None and matches.done and len(matches.lines) == expected
            assert matches.current == 2
            status = str(app.screen.query_one(SearchBar).query_one("#search-status").render())
            assert status == f"3/{expected:,}"
            assert any(row.endswith("needle") for row in pane_lines(stdout))
            assert len(progress) > 2 and progress[0].endswith("…"), "the count streams in as chunks are searched"
            await pilot.press("escape")
            await pilot.pause()
            assert stdout.matches is None and not app.screen.query_one(SearchBar).display


async def test_search_in_a_big_pane_streams_matches_and_n_moves(settings: ClientSettings) -> None:
    await search_big_stdout(settings, 4 * 1024 * 1024)


@pytest.mark.slow
async def test_search_in_50_mb_of_stdout(settings: ClientSettings) -> None:
    await search_big_stdout(settings, 50 * 1024 * 1024)


async def test_search_a_small_pane_highlights_and_counts(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    record = find(store, failing_script("python"))
    app = make_app(record["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "charge")
        await settle(pilot)
        stderr = pane(app, "stderr")
        assert stderr.matches is not None and stderr.matches.status() == "1/1"
        strip = stderr.render_line(2)
        styles: list[Any] = [segment.style for segment in strip if segment.text == "charge"]
        assert styles and styles[0].reverse, "the match is drawn highlighted"
