"""Text for a terminal or a pipe, for the commands that print (``show``, ``diff``, ``list``).

Programs colour their output with SGR sequences (``ESC [ … m``); on a terminal those are kept as colour, in a
pipe (or with ``--color never`` or NO_COLOR) they are stripped. Every other control character becomes a
visible escape either way, so nothing from the data can drive the terminal.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from riza_tui.safety.sanitize import RESET

RED, GREEN, BOLD, DIM, CYAN = "\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[2m", "\x1b[36m"


def use_color(choice: str, stream: TextIO) -> bool:
    """``always``, ``never``, or ``auto``: colour on a terminal unless NO_COLOR is set (https://no-color.org)."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


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
