"""Make untrusted text safe for a terminal.

Every control character but newline and tab (C0, DEL, C1 and so ESC), the Unicode bidi controls and
the line/paragraph separators and lone UTF-16 surrogates (JSON may carry ``\\ud800``; a terminal
cannot encode them) become visible escapes such as ``\\x1b``. Colour SGR sequences
(``ESC [ … m``) may optionally be kept, as styles, less what could hide text (see ``sgr``); nothing else
passes. Results are ``rich.text.Text`` objects or plain strings, never markup, so ``[@click=…]`` in data
stays text.
"""

from __future__ import annotations

import re

from rich.ansi import AnsiDecoder
from rich.style import Style
from rich.text import Text

from riza_tui.safety.sgr import SgrState, visible_sgr

UNSAFE_CHARS = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
SGR_SEQUENCE = re.compile(r"\x1b\[[0-9;:]{0,64}m")
ESCAPE_STYLE = Style(color="magenta", bold=True)
RESET = "\x1b[0m"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\r":
        return "\\r"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def sanitize(text: str) -> str:
    """Replace every unsafe character with a visible escape."""
    return UNSAFE_CHARS.sub(_escape, text)


def one_line(text: str) -> str:
    """``sanitize`` for a place that is one line long: newline and tab become escapes too."""
    return sanitize(text).replace("\n", "\\n").replace("\t", "\\t")


def safe_text(text: str, style: Style | str = "") -> Text:
    """A ``Text`` of untrusted text with its escapes shown in a distinct style so they stand out."""
    result = Text(style=style, end="")
    position = 0
    for match in UNSAFE_CHARS.finditer(text):
        result.append(text[position : match.start()])
        result.append(_escape(match), ESCAPE_STYLE)
        position = match.end()
    result.append(text[position:])
    return result


def safe_ansi_line(line: str) -> Text:
    """One line of program output: SGR colours kept as styles, every other control made visible."""
    if "\x1b" not in line:
        return safe_text(line)
    decoded = AnsiDecoder().decode_line(_coloured_line(line))
    decoded.end = ""
    return decoded


def split_lines(text: str) -> list[str]:
    """Split on newlines only (not on the separators ``str.splitlines`` honours), treating CRLF as one."""
    lines = text.split("\n")
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines


def program_text(text: str, *, color: bool) -> str:
    """Program output with its colours kept (``color``) or stripped, and everything else made visible."""
    if "\x1b" not in text:
        return sanitize(text)
    if not color:
        return sanitize(SGR_SEQUENCE.sub("", text))
    lines = []
    for line in text.split("\n"):
        coloured = _coloured_line(line)
        lines.append(coloured + RESET if coloured != sanitize(line) else coloured)  # no colour bleeds on
    return "\n".join(lines)


def _coloured_line(line: str) -> str:
    """One line with its SGR sequences kept (less conceal and invisible colours) and all else made visible."""
    pieces: list[str] = []
    position = 0
    state = SgrState()
    for match in SGR_SEQUENCE.finditer(line):
        pieces.append(sanitize(line[position : match.start()]))
        pieces.append(visible_sgr(match.group(), state))
        position = match.end()
    pieces.append(sanitize(line[position:]))
    return "".join(pieces)
