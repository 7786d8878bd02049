"""Soft wrap for the line-API text pane: which line and which cell offset each screen row shows.

Wrapping is by terminal cells, not characters, so CJK and visible escapes wrap where they are drawn. Only
a table of where each line's rows begin is built (one integer a line); rows are cut when they are drawn.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate


class WrapMap:
    def __init__(self, lines: list[str], width: int, cells: Callable[[str], int]) -> None:
        self.width = max(width, 1)
        counts = (max(1, -(-cells(line) // self.width)) for line in lines)
        self._starts = [0, *accumulate(counts)]

    @property
    def rows(self) -> int:
        return self._starts[-1]

    def locate(self, row: int) -> tuple[int, int]:
        """(line index, first cell) shown on screen row ``row``."""
        line = bisect_right(self._starts, row) - 1
        return line, (row - self._starts[line]) * self.width

    def first_row(self, line: int) -> int:
        return self._starts[min(line, len(self._starts) - 1)]
