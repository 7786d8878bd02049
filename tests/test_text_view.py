"""The line-API text pane on its own: tabs, huge lines, big payloads prepared off the UI thread."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from riza_tui.tui.render.text_document import chunks_at_newlines, prepare
from riza_tui.tui.widgets.text_view import TextView
from tests.conftest import pane_lines


class OnePane(App[None]):
    def compose(self) -> ComposeResult:
        yield TextView(id="view")


async def test_tabs_controls_and_huge_lines_render() -> None:
    app = OnePane()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(TextView)
        view.show_text("a\tb\n\x1b[31mred\x1b[0m \x1b]0;t\x07\n" + "x" * 2_000_000 + "\n", "ansi")
        await pilot.pause()
        lines = pane_lines(view)
        assert lines[0] == "a   b"
        assert lines[1] == "red \\x1b]0;t\\x07"
        assert lines[2] == "x" * 59 + "›", "a cut line says it goes on"


async def test_big_text_is_split_in_a_worker_and_scrolls_to_the_end() -> None:
    app = OnePane()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(TextView)
        view.show_text("".join(f"line {n}\n" for n in range(200_000)), "ansi")
        assert view.preparing, "a big payload is prepared off the UI thread"
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert view.line_count == 200_000 and not view.preparing
        view.focus()
        await pilot.press("G")
        await pilot.pause()
        assert pane_lines(view)[-1] == "line 199999"


async def test_empty_text_shows_its_note() -> None:
    app = OnePane()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(TextView)
        view.show_text("", "ansi", note="no stderr")
        await pilot.pause()
        assert pane_lines(view)[0] == "no stderr"
        assert view.has_class("-empty")


@given(st.text(alphabet="ab\r\n", max_size=60), st.integers(min_value=1, max_value=8))
def test_splitting_in_pieces_gives_the_same_lines(text: str, size: int) -> None:
    pieces = [prepare(chunk) for chunk in chunks_at_newlines(text, size)]
    assert "".join(chunks_at_newlines(text, size)) == text
    assert [line for piece in pieces for line in piece.lines] == prepare(text).lines


def test_highlighting_stops_when_cancelled() -> None:
    from riza_tui.tui.render.highlight import highlight_lines

    code = "".join(f"def f_{n}():\n    return {n}\n" for n in range(5000))
    checks: list[int] = []

    def cancel_on_second_check() -> bool:
        checks.append(1)
        return len(checks) > 1

    assert highlight_lines(code, "python", cancelled=cancel_on_second_check) is None, "quitting never waits for it"
    assert len(checks) == 2
    lines = highlight_lines(code, "python")
    assert lines is not None and len(lines) == code.count("\n") + 1
    assert lines[0].plain == "def f_0():" and lines[0].spans, "highlighted"
