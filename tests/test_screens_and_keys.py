"""One screen per view, and keys defined once: the list and the execution are separate screens that keep their
state; typing an ID on the first screen looks it up; every key has an id, a [keymap] remaps it, and the key bar,
the help and the palette all show the key as remapped; a pane searches what it shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.binding import Binding
from textual.widget import Widget

from riza_tui.cli.connect import checked_keymap
from riza_tui.cli.main import main
from riza_tui.core.config import load_config
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from riza_tui.tui.keys import BY_ID, KEYS, KeymapError, check_keymap
from riza_tui.tui.screens.diff import DiffScreen
from riza_tui.tui.screens.execution import ExecutionScreen
from riza_tui.tui.screens.help import HelpScreen
from riza_tui.tui.screens.list import FilterBox, ListScreen
from riza_tui.tui.widgets.key_bar import KeyBar
from riza_tui.tui.widgets.lookup_bar import LookupBar
from riza_tui.tui.widgets.text_view import TextView
from riza_tui.tui.widgets.triage_table import TriageTable
from tests.app_helpers import WIDE, list_heading, palette_hits, pane, rendered_text, summary_of, type_text
from tests.conftest import settle
from tests.loopback import ScriptedServer


async def test_typing_an_id_on_the_first_screen_looks_it_up(
    make_app: Callable[..., RizaApp], store: ServerData
) -> None:
    wanted = store.records[7]["id"]
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        table = app.screen.query_one(TriageTable)
        assert table.highlighted_id() == store.records[2]["id"], "the list's own keys still work"
        await type_text(pilot, wanted)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExecutionScreen)
        assert wanted in summary_of(app), "the typed ID was looked up, not the row under the cursor"


async def test_list_and_execution_are_separate_screens_and_going_back_keeps_the_list(
    make_app: Callable[..., RizaApp], store: ServerData
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "python")
        await pilot.press("enter", "down", "down")
        await settle(pilot)
        list_screen = app.screen
        table = list_screen.query_one(TriageTable)
        on, shown = table.highlighted_id(), [row.id for row in table.shown]
        assert on is not None and len(shown) < len(store.records)
        for back in ("escape", "b"):
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ExecutionScreen) and on in summary_of(app)
            assert list_screen in app.screen_stack, "the list is under the execution, not replaced"
            await pilot.press(back)
            await settle(pilot)
            assert app.screen is list_screen
            assert table.highlighted_id() == on, f"{back}: the cursor is where it was"
            assert [row.id for row in table.shown] == shown, f"{back}: the filter still applies"
            assert list_screen.query_one(FilterBox).value == "python"
            assert app.focused is table, f"{back}: the list's keys work at once"


async def test_opened_on_an_id_the_list_is_built_only_when_wanted(
    make_app: Callable[..., RizaApp], store: ServerData, server: ScriptedServer
) -> None:
    app = make_app(store.records[3]["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert not any(isinstance(screen, ListScreen) for screen in app.screen_stack)
        assert app.list_screen is None, "nothing of the list was composed to show one execution"
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ListScreen) and len(app.screen.query_one(TriageTable).shown) == 100
        assert ExecutionScreen not in [type(screen) for screen in app.screen_stack], "it took the execution's place"


def every_binding(owner: type[Widget] | type[App[None]]) -> list[Binding]:
    return [binding for binding in owner.BINDINGS if isinstance(binding, Binding)]


@pytest.mark.parametrize(
    "owner", [RizaApp, ListScreen, ExecutionScreen, TriageTable, TextView, DiffScreen, HelpScreen], ids=str
)
def test_every_binding_has_an_id_from_the_key_table(owner: type[Widget]) -> None:
    bindings = every_binding(owner)
    assert bindings, "it has keys"
    for binding in bindings:
        assert binding.id in BY_ID, f"{binding.key} ({binding.action}) has no id in the key table"
        assert BY_ID[binding.id].keys == binding.key, "the key table is where the key is written"


def write_keymap(tmp_path: Path, lines: str) -> Path:
    path = tmp_path / "riza-tui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'theme = "textual-dark"\n\n[keymap]\n{lines}')
    return path


async def test_a_remapped_key_works_and_shows_in_the_key_bar_help_and_palette(
    make_app: Callable[..., RizaApp], server: ScriptedServer, tmp_path: Path
) -> None:
    config = load_config(write_keymap(tmp_path, '"list.failures" = "F"\n"pane.copy" = "c"\n'))
    keymap = checked_keymap(config)
    app = RizaApp(make_app().settings, keymap=keymap, server_label="test server")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        bar = str(app.screen.query_one(KeyBar).render())
        assert " F Failures " in bar and " f Failures " not in bar
        await pilot.press("F")
        await settle(pilot)
        assert "failures only" in list_heading(app)
        pages = [request.raw_path for request in server.requests if request.raw_path.startswith("/v1/executions?")]
        assert "only_non_zero_exit_codes=true" in pages[-1]
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = rendered_text(app.screen.query_one("#help-keys"))
        help_lines = [line for line in help_text.splitlines() if "failures only / all" in line]
        assert help_lines and help_lines[0].split()[0] == "F", "the help shows the key as remapped"
        await pilot.press("escape", "ctrl+p")
        await type_text(pilot, "Failures")
        await settle(pilot)
        hits = palette_hits(app)
        assert any("Failures only: toggle" in hit and "(F)" in hit for hit in hits), hits
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.focused, LookupBar) and app.focused.value == "f", "f is no longer a list key"


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        ('"list.nope" = "x"\n', ":4: keymap.list.nope: no key has the id 'list.nope'"),
        (
            '"list.failures" = "slash"\n',
            ":4: keymap.list.failures: 'slash' would be both list.filter and list.failures",
        ),
        ('"pane.copy" = "tab"\n', ":4: keymap.pane.copy: 'tab' is kept for moving focus"),
        ('"pane.copy" = "two words"\n', ":4: keymap.pane.copy: 'two words' is not a key name"),
    ],
)
def test_a_keymap_that_cannot_work_is_one_line_naming_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lines: str, said: str
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("TEXTUAL_DRIVER", "headless")  # past the "not a terminal" check: the keymap fails first
    write_keymap(tmp_path, lines)
    assert main(["--api-key", "k", "--base-url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and said in err and "config.toml" in err


def test_the_default_keys_do_not_clash_and_remapping_to_a_free_key_is_accepted() -> None:
    assert check_keymap({}) == {}
    assert check_keymap({"list.failures": "F", "pane.copy": "c,ctrl+y"}) == {
        "list.failures": "F",
        "pane.copy": "c,ctrl+y",
    }
    with pytest.raises(KeymapError) as caught:
        check_keymap({"execution.mark": "d"})
    assert caught.value.key_id == "execution.mark"
    assert len({key.id for key in KEYS}) == len(KEYS), "ids are unique"


async def test_a_pane_searches_what_it_shows(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    app = make_app(store.records[0]["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        stdout = pane(app, "stdout")
        stdout.show_text("\x1b[31mred\x1b[0m plain\na\tb tab\nraw \x07 bell", "ansi")
        await settle(pilot)
        for query, found in (("31m", "no matches"), ("red", "1/1"), ("a   b", "1/1"), ("\\x07", "1/1")):
            stdout.search(query)
            await settle(pilot)
            assert stdout.matches is not None and stdout.matches.status() == found, query
        stdout.search("a   b")
        await settle(pilot)
        row = stdout.render_line(1)
        assert any(segment.style is not None and segment.style.reverse for segment in row), "highlighted as counted"
        assert stdout.shown_text().splitlines()[1] == "a   b tab", "copy gives the same text search sees"
