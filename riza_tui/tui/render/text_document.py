"""Text prepared for the line-API pane: split into lines, measured in terminal cells, cut into windows.

Plain functions, safe to run in a thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

from riza_tui.safety.sanitize import UNSAFE_CHARS, sanitize, split_lines

CHUNK_CHARS = 1024 * 1024


@dataclass(frozen=True)
class Document:
    """Prepared text: its lines and widest line, and the highlighted lines once they exist."""

    lines: list[str]
    width: int
    highlighted: list[Text] | None = None
    simple: bool = True  # ASCII with nothing escaped: one cell a character


def prepare(text: str) -> Document:
    lines = split_lines(text)
    if lines and lines[-1] == "":
        lines.pop()
    if text.isascii() and "\t" not in text and not UNSAFE_CHARS.search(text):
        return Document(lines, max(map(len, lines), default=0))  # one cell a character: the fast, common case
    return Document(lines, max(map(line_cells, lines), default=0), simple=False)


def line_cells(line: str) -> int:
    """How many terminal cells a line takes as drawn: escapes are wider than what they replace, CJK is 2 wide."""
    shown = sanitize(line)
    return cell_len(shown.expandtabs(4) if "\t" in shown else shown)


def cell_window(line: str, start_cell: int, width: int) -> str:
    """The part of a (long, sanitised) line that covers cells ``start_cell`` to ``start_cell + width``."""
    if line.isascii():
        return line[start_cell : start_cell + width]
    index = cells = 0
    step = 1024
    while index < len(line) and cells + (step_cells := cell_len(line[index : index + step])) <= start_cell:
        cells += step_cells
        index += step
    while index < len(line) and cells < start_cell:
        cells += cell_len(line[index])
        index += 1
    end = index
    taken = 0
    while end < len(line) and taken < width:
        taken += cell_len(line[end])
        end += 1
    return line[index:end]


def chunks_at_newlines(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """``text`` in pieces of about ``size`` characters, each ending just after a newline (or at the end).

    Splitting 50 MB in one call holds the GIL for ~0.4 s, and the UI thread cannot draw or answer a key
    meanwhile; piece by piece, the longest stall is one piece.
    """
    start = 0
    while start < len(text):
        newline = text.find("\n", start + size)
        end = len(text) if newline == -1 else newline + 1
        yield text[start:end]
        start = end
