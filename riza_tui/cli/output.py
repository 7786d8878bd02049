"""Text for a terminal or a pipe, for the commands that print (``show``, ``diff``, ``list``).

Programs colour their output with SGR sequences (``ESC [ … m``); on a terminal those are kept as colour, in a
pipe (or with ``--color never`` or NO_COLOR) they are stripped. Every other control character becomes a
visible escape either way, so nothing from the data can drive the terminal.
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import datetime
from typing import TextIO

from rich.cells import cell_len, set_cell_size

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


def short_time(when: datetime) -> str:
    """A moment in the viewer's local time, to the minute (as sent, in UTC, at the calendar's edges)."""
    try:
        return f"{when.astimezone():%Y-%m-%d %H:%M}"
    except (OverflowError, ValueError, OSError):
        return f"{when:%Y-%m-%d %H:%M} UTC"


def terminal_width(stream: TextIO) -> int | None:
    """The width of the terminal ``stream`` writes to, or None for a pipe (lines are then not cut)."""
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return None
    return shutil.get_terminal_size().columns


def cut(line: str, width: int | None) -> str:
    """``line`` (already one safe line) cut to ``width`` terminal cells, with an ellipsis where it was cut."""
    if width is None or cell_len(line) <= width:
        return line
    return set_cell_size(line, max(width - 1, 0)) + "…"


LAST_COLUMN_MIN = 40  # cells the last column (the error line, the matching line) keeps, up to half the width
SHRUNK_COLUMN_MIN = 12  # a column given up for the last one keeps this much, then an ellipsis


def leading_widths(
    rows: list[list[str]], header: list[str], width: int, *, keep: frozenset[int] = frozenset()
) -> list[int]:
    """The widths of every column but the last on a ``width``-cell terminal: as wide as their cells, but on a
    narrow terminal the widest (not those in ``keep``, such as an ID to copy) are cut first, so the last
    column still says something (at 80 wide the error line had 4 cells next to a tool's id)."""
    leading = [row[:-1] for row in [header, *rows]]
    widths = [max(cell_len(cell) for cell in column) for column in zip(*leading, strict=True)]
    room = width - min(LAST_COLUMN_MIN, width // 2) - 2 * len(widths)
    while sum(widths) > room:
        shrinkable = [index for index in range(len(widths)) if index not in keep and widths[index] > SHRUNK_COLUMN_MIN]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda index: widths[index])
        widths[widest] -= 1
    return widths


def columns(
    rows: list[list[str]], header: list[str], width: int | None, *, keep: frozenset[int] = frozenset()
) -> list[str]:
    """Rows of one-line cells: on a terminal aligned under ``header`` (:func:`leading_widths`), the last column
    taking what is left and every line cut to the width; in a pipe tab-separated, without the header, for
    ``cut -f``."""
    if width is None:
        return ["\t".join(row) for row in rows]
    widths = leading_widths(rows, header, width, keep=keep)
    lines = []
    for row in [header, *rows]:
        cells = [set_cell_size(cut(cell, size), size) for cell, size in zip(row[:-1], widths, strict=False)]
        lines.append(cut("  ".join([*cells, row[-1]]).rstrip(), width))
    return lines
