"""Search in a text pane: the matches found so far, found in a thread in chunks so 50 MB never freezes the UI."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

CHUNK_LINES = 20_000
MAX_MATCHES = 1_000_000  # past this the count says "1,000,000+": enough to know the query is too broad


def compile_query(query: str) -> re.Pattern[str]:
    """Literal text, case-insensitive unless the query has a capital letter (smart case, as in less and vim)."""
    flags = 0 if any(char.isupper() for char in query) else re.IGNORECASE
    return re.compile(re.escape(query), flags)


def scan(
    lines: list[str],
    pattern: re.Pattern[str],
    cancelled: Callable[[], bool],
    chunk_lines: int = CHUNK_LINES,
    *,
    shown_lines: Callable[[list[str]], list[str]] = lambda lines: lines,
) -> Iterator[list[int]]:
    """The line index of every match (a line with three matches appears three times), a chunk at a time.

    ``shown_lines`` turns raw lines into the lines as drawn (escapes visible, colours dropped, tabs expanded), so
    what is counted is what is highlighted. A chunk is joined and searched in one regex pass; the line of a
    match is found by counting newlines since the previous match, so the cost follows the text's size and the
    number of matches, not its lines.
    """
    found = 0
    for start in range(0, len(lines), chunk_lines):
        if cancelled():
            return
        joined = "\n".join(shown_lines(lines[start : start + chunk_lines]))
        batch: list[int] = []
        line = start
        position = 0
        for match in pattern.finditer(joined):
            line += joined.count("\n", position, match.start())
            position = match.start()
            batch.append(line)
        found += len(batch)
        yield batch
        if found >= MAX_MATCHES:
            return


@dataclass
class Matches:
    """Matches of one query in one document; ``current`` is the index of the selected match or -1."""

    query: str
    pattern: re.Pattern[str]
    lines: list[int] = field(default_factory=list)
    current: int = -1
    done: bool = False

    def status(self) -> str:
        """'3/17', '0/17' before one is selected, '3/17…' while the search runs, 'no matches'."""
        total = f"{len(self.lines):,}" + ("+" if len(self.lines) >= MAX_MATCHES else "")
        if self.done and not self.lines:
            return "no matches"
        shown = f"{self.current + 1:,}/{total}" if self.current >= 0 else f"0/{total}"
        return shown if self.done else shown + "…"

    def in_line(self, line: int) -> bool:
        index = bisect_left(self.lines, line)
        return index < len(self.lines) and self.lines[index] == line

    def current_ordinal_in(self, line: int) -> int:
        """Which occurrence within ``line`` is the selected match, or -1 when it is on another line."""
        if self.current < 0 or self.lines[self.current] != line:
            return -1
        return self.current - bisect_left(self.lines, line)

    def first_from(self, line: int) -> int:
        """The first match at or after ``line`` (wrapping to the top), as ``less`` starts from the screen."""
        index = bisect_left(self.lines, line)
        return index if index < len(self.lines) else 0

    def step(self, direction: int) -> int:
        if not self.lines:
            return -1
        self.current = (self.current + direction) % len(self.lines) if self.current >= 0 else 0
        return self.current
