"""Text for a terminal or a pipe, for the commands that print (``show``, ``diff``, ``list``).

Programs colour their output with SGR sequences (``ESC [ … m``); on a terminal those are kept as colour, in a
pipe (or with ``--color never`` or NO_COLOR) they are stripped. Every other control character becomes a
visible escape either way, so nothing from the data can drive the terminal.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from riza_tui.safety.sanitize import SGR_SEQUENCE, sanitize

RESET = "\x1b[0m"
RED, GREEN, BOLD, DIM, CYAN = "\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[2m", "\x1b[36m"


def use_color(choice: str, stream: TextIO) -> bool:
    """``always``, ``never``, or ``auto``: colour on a terminal unless NO_COLOR is set (https://no-color.org)."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def program_text(text: str, *, color: bool) -> str:
    """Program output with its colours kept (``color``) or stripped, and everything else made visible."""
    if "\x1b" not in text:
        return sanitize(text)
    if not color:
        return sanitize(SGR_SEQUENCE.sub("", text))
    lines = []
    for line in text.split("\n"):
        pieces, position = [], 0
        for match in SGR_SEQUENCE.finditer(line):
            pieces.append(sanitize(line[position : match.start()]))
            pieces.append(match.group())
            position = match.end()
        pieces.append(sanitize(line[position:]))
        coloured = "".join(pieces)
        lines.append(coloured + RESET if coloured != sanitize(line) else coloured)  # no colour bleeds on
    return "\n".join(lines)


def paint(text: str, style: str, *, color: bool) -> str:
    return f"{style}{text}{RESET}" if color and text else text


def tolerant(stream: TextIO) -> TextIO:
    """A stream that cannot encode a character (PYTHONIOENCODING=latin-1) writes an escape, not a traceback."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
    return stream


def standard_streams() -> tuple[TextIO, TextIO]:
    return tolerant(sys.stdout), tolerant(sys.stderr)
