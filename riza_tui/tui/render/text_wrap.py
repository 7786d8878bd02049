"""Soft wrap for the line-API text pane: which line and which cells each screen row shows.

Wrapping is by terminal cells, not characters, so CJK and visible escapes wrap where they are drawn and a
wide character is never cut in two. Only a table of where each line's rows begin is kept (one integer a
line); the cells of a row are worked out when it is drawn.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from itertools import accumulate

from rich.cells import get_character_cell_size

from riza_tui.safety.sanitize import sanitize

CACHED_LINES = 64


def shown_line(line: str) -> str:
    """A line as the pane draws it: escapes made visible, tabs expanded."""
    shown = sanitize(line)
    return shown.expandtabs(4) if "\t" in shown else shown


def row_starts(line: str, width: int) -> list[int]:
    """The first cell of each row of ``line`` wrapped at ``width`` cells, breaking only between characters."""
    starts = [0]
    row_cells = cells = 0
    for char in shown_line(line):
        size = get_character_cell_size(char)
        if row_cells + size > width and row_cells:
            starts.append(cells)
            row_cells = 0
        row_cells += size
        cells += size
    return starts


class WrapMap:
    def __init__(self, lines: list[str], width: int, *, simple: bool) -> None:
        self.width = max(width, 1)
        self._lines = lines
        self._simple = simple  # one cell a character: rows are plain arithmetic
        self._starts_cache: OrderedDict[int, list[int]] = OrderedDict()
        counts = (len(self.starts_of(index)) for index in range(len(lines)))
        self._first_rows = [0, *accumulate(counts)]

    @property
    def rows(self) -> int:
        return self._first_rows[-1]

    def starts_of(self, index: int) -> list[int]:
        line = self._lines[index]
        if self._simple:
            return list(range(0, max(len(line), 1), self.width))
        cached = self._starts_cache.get(index)
        if cached is None:
            cached = self._starts_cache[index] = row_starts(line, self.width)
            if len(self._starts_cache) > CACHED_LINES:
                self._starts_cache.popitem(last=False)
        return cached

    def locate(self, row: int) -> tuple[int, int, int]:
        """(line index, first cell, end cell) shown on screen row ``row``."""
        line = bisect_right(self._first_rows, row) - 1
        piece = row - self._first_rows[line]
        starts = self.starts_of(line)
        end = starts[piece + 1] if piece + 1 < len(starts) else starts[piece] + self.width
        return line, starts[piece], end

    def first_row(self, line: int) -> int:
        return self._first_rows[min(line, len(self._first_rows) - 1)]
