"""Program output may colour itself but not hide text (issue 16): SGR 8 (conceal) and a background equal to the
foreground passed through, in the app (Rich styles) and on the command line (SGR kept for a terminal). What
each path writes is read back as a terminal would, by a parser of the test's own."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from riza_tui.cli.main import main
from riza_tui.safety.sanitize import program_text, safe_ansi_line
from tests.conftest import script_record
from tests.loopback import Fault, ScriptedServer

HIDING = {
    "conceal": "\x1b[8mhidden-1\x1b[0m",
    "conceal among others": "\x1b[1;8;31mhidden-2\x1b[0m",
    "red on red": "\x1b[31;41mhidden-3\x1b[0m",
    "set apart": "\x1b[34m\x1b[44mhidden-4\x1b[0m",
    "256 colours": "\x1b[38;5;196;48;5;196mhidden-5\x1b[0m",
    "bright on bright": "\x1b[97;107mhidden-6\x1b[0m",
    "truecolour a shade apart": "\x1b[38;2;20;20;20;48;2;24;24;24mhidden-7\x1b[0m",
    "colon form": "\x1b[38:2::9:9:9;48:2::9:9:9mhidden-8\x1b[0m",
    "indexed black on basic black": "\x1b[38;5;16;40mhidden-9\x1b[0m",
}
STANDARD = {0: (0, 0, 0), 1: (128, 0, 0), 4: (0, 0, 128), 9: (255, 0, 0), 15: (255, 255, 255), 16: (0, 0, 0)}
STANDARD |= {196: (255, 0, 0)}


def colour(params: list[int], index: int) -> tuple[tuple[int, int, int] | None, int]:
    """The colour that ``params[index]`` (38 or 48) sets, and how many parameters it took."""
    if params[index + 1] == 5:
        return STANDARD.get(params[index + 2], (params[index + 2],) * 3), 3
    return (params[index + 2], params[index + 3], params[index + 4]), 5


def hidden_text(written: str) -> list[str]:
    """The text a terminal would draw concealed or in its own background colour (the test's own SGR reader)."""
    hidden: list[str] = []
    fg: tuple[int, int, int] | None = None
    bg: tuple[int, int, int] | None = None
    conceal = False
    for piece in re.split(r"(\x1b\[[0-9;:]*m)", written):
        if not piece.startswith("\x1b["):
            close = fg is not None and bg is not None and all(abs(a - b) < 16 for a, b in zip(fg, bg, strict=True))
            if piece.strip() and (conceal or close):
                hidden.append(piece)
            continue
        params = [int(p) if p else 0 for p in re.split("[;:]", piece[2:-1]) if p != ""] or [0]
        index = 0
        while index < len(params):
            number, taken = params[index], 1
            if number == 0:
                fg, bg, conceal = None, None, False
            elif number == 8:
                conceal = True
            elif number == 28:
                conceal = False
            elif 30 <= number <= 37 or 90 <= number <= 97:
                fg = STANDARD.get(number - 30 if number < 90 else number - 82, (number,) * 3)
            elif 40 <= number <= 47 or 100 <= number <= 107:
                bg = STANDARD.get(number - 40 if number < 100 else number - 92, (number,) * 3)
            elif number in (38, 48):
                value, taken = colour(params, index)
                fg, bg = (value, bg) if number == 38 else (fg, value)
            elif number == 39:
                fg = None
            elif number == 49:
                bg = None
            index += taken
    return hidden


def test_the_reader_sees_what_hides() -> None:
    """The test's reader is not blind: it finds every hiding trick in the raw output."""
    for payload in HIDING.values():
        assert hidden_text(payload), payload


@pytest.mark.parametrize("payload", HIDING.values(), ids=HIDING.keys())
def test_the_app_path_draws_no_hidden_text(payload: str) -> None:
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=200)
    line = safe_ansi_line(f"\x1b[32mvisible\x1b[0m {payload} after")
    console.print(line)
    written = console.file.getvalue()  # type: ignore[attr-defined]
    assert hidden_text(written) == [], (written, [str(span.style) for span in line.spans])
    assert "hidden-" in line.plain and "visible" in line.plain
    assert any(str(span.style) == "color(2)" for span in line.spans), "colours are still kept"


@pytest.mark.parametrize("payload", HIDING.values(), ids=HIDING.keys())
def test_the_command_line_path_prints_no_hidden_text(payload: str) -> None:
    written = program_text(f"\x1b[32mvisible\x1b[0m {payload} after\nnext", color=True)
    assert hidden_text(written) == [], repr(written)
    assert "\x1b[32m" in written and "hidden-" in written


def test_show_on_a_terminal_prints_no_hidden_text(server: ScriptedServer, capsys: pytest.CaptureFixture[str]) -> None:
    stdout = "\n".join(f"line {name}: {payload}" for name, payload in HIDING.items())
    record = script_record("exec_hiding", "print()", stdout=stdout)
    server.add_fault(Fault(200, json.dumps(record).encode(), path="/v1/executions/"))
    flags = ["--base-url", server.url, "--api-key", server.api_key, "--color", "always"]
    assert main(["show", "exec_hiding", "--field", "stdout", *flags]) == 0
    written = capsys.readouterr().out
    assert hidden_text(written) == [] and all(f"hidden-{n}" in written for n in range(1, 10)), repr(written)
