"""The line diff of two texts, in bounded work that can be cancelled, and the context ``diff -u`` keeps.

difflib's matcher finds diffs people read well, but it is quadratic on repeated lines (8,000 lines of four
distinct values: over a minute) and its recursion makes a pass over the text per change. So every step is
counted against a budget: difflib's longest matches while they are cheap (distinct lines), then Myers'
O(ND) algorithm, fast whenever two sides differ little however their lines repeat (git's default diff);
a region too costly for both is shown whole, marked as not aligned line by line.
"""

from __future__ import annotations

import difflib
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from math import isqrt
from typing import Literal

Op = Literal["equal", "delete", "insert", "replace"]
Block = tuple[int, int, int]  # a run of equal lines: left start, right start, length
CONTEXT = 3  # lines kept around a change, as diff -u
WORK_BUDGET = 2_000_000  # matcher steps a part: about a third of a second on a slow core


class Cancelled(Exception):
    """Whoever asked for the comparison no longer wants it (the screen was closed)."""


class Budget:
    """Steps a comparison may still take, and the question whether it is still wanted, asked as it goes."""

    def __init__(self, steps: int = WORK_BUDGET, cancelled: Callable[[], bool] = lambda: False) -> None:
        self.limit = steps
        self.spent = 0
        self.cancelled = cancelled

    @property
    def left(self) -> int:
        return self.limit - self.spent

    def check(self) -> None:
        """Raise :class:`Cancelled` if the comparison is no longer wanted."""
        if self.cancelled():
            raise Cancelled

    def spend(self, steps: int) -> bool:
        """Take ``steps`` if the budget has them (False, and nothing taken, if not); raise if cancelled."""
        self.check()
        if steps > self.left:
            return False
        self.spent += steps
        return True


@dataclass(frozen=True)
class Hunk:
    """A run of lines: equal in both, or the left lines replaced by the right ones. ``aligned`` is False for
    a replacement the budget did not allow to align line by line: its lines are not paired."""

    op: Op
    left: list[str]
    right: list[str]
    aligned: bool = True

    @property
    def note(self) -> str:
        """What a reader is told before an unaligned hunk (the CLI, its JSON and the screen say the same)."""
        return f"… {len(self.left):,} lines against {len(self.right):,}: too costly to align line by line"


@dataclass(frozen=True)
class Skipped:
    """Equal lines left out of a diff -u: before the first change, after the last, or between two."""

    count: int

    @property
    def text(self) -> str:
        return f"… {self.count:,} unchanged line{'s' if self.count != 1 else ''}"


def line_hunks(left: str, right: str, budget: Budget | None = None) -> list[Hunk]:
    """The lines of ``left`` and ``right`` as equal runs and changes, covering both texts in order."""
    return sequence_hunks(left.splitlines(), right.splitlines(), budget or Budget())


def sequence_hunks(a: list[str], b: list[str], budget: Budget) -> list[Hunk]:
    """Two sequences (lines, or the words of a line) as equal runs and changes: their common first and last
    items first (linear), then the middle as the budget allows."""
    head = _common_head(a, b)
    tail = _common_tail(a, b, min(len(a), len(b)) - head)
    blocks, unaligned = _middle_blocks(a[head : len(a) - tail], b[head : len(b) - tail], budget)
    shifted = [(i + head, j + head, size) for i, j, size in blocks]
    edges = [(0, 0, head)] if head else []
    blocks = edges + shifted + ([(len(a) - tail, len(b) - tail, tail)] if tail else [])
    return _paired(_hunks(a, b, blocks, {(i + head, j + head) for i, j in unaligned}))


def _common_head(a: Sequence[str], b: Sequence[str]) -> int:
    count, most = 0, min(len(a), len(b))
    while count < most and a[count] == b[count]:
        count += 1
    return count


def _common_tail(a: Sequence[str], b: Sequence[str], most: int) -> int:
    count = 0
    while count < most and a[-1 - count] == b[-1 - count]:
        count += 1
    return count


def _middle_blocks(a: list[str], b: list[str], budget: Budget) -> tuple[list[Block], list[tuple[int, int]]]:
    """Equal runs of two texts that share no first or last line, and the starts of the regions left unaligned.

    difflib's recursion (``get_matching_blocks``) with half the budget, each longest-match search paid for in
    advance (at most one step per left line plus one per position of that line on the right): cheap on
    distinct lines, but a pass over a region per equal run found. Regions it cannot pay for go to Myers with
    whatever is left: steps that grow with how much two texts differ, not with their length or repeats."""
    if not a or not b:
        return [], []
    if len(a) == 1 or len(b) == 1:  # at most one equal run, the first place the lone line is found (as difflib)
        (lone, other), swapped = ((a[0], b), False) if len(a) == 1 else ((b[0], a), True)
        if lone not in other:
            return [], []
        at = other.index(lone)
        return [(at, 0, 1) if swapped else (0, at, 1)], []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    on_right = Counter(b)
    cost = [0, *accumulate(1 + on_right[line] for line in a)]
    blocks: list[Block] = []
    unaligned: list[tuple[int, int]] = []
    regions = [(0, len(a), 0, len(b))]
    difflib_share = budget.left // 2
    while regions:
        alo, ahi, blo, bhi = regions.pop()
        search = cost[ahi] - cost[alo]
        if search <= difflib_share and budget.spend(search):
            difflib_share -= search
            i, j, size = matcher.find_longest_match(alo, ahi, blo, bhi)
        else:
            found = _myers(a[alo:ahi], b[blo:bhi], budget)
            if found is None:
                unaligned.append((alo, blo))
            else:
                blocks += [(alo + i, blo + j, size) for i, j, size in found]
            continue
        if size:
            blocks.append((i, j, size))
            if alo < i and blo < j:
                regions.append((alo, i, blo, j))
            if i + size < ahi and j + size < bhi:
                regions.append((i + size, ahi, j + size, bhi))
    return sorted(blocks), unaligned


def _myers(a: Sequence[str], b: Sequence[str], budget: Budget) -> list[Block] | None:
    """The equal runs of a shortest edit script (Myers 1986, greedy forward), or None when that would take
    more steps than the budget has left. Steps: each diagonal tried, each line followed along one."""
    n, m = len(a), len(b)
    rounds = min(n + m, isqrt(budget.left))  # round d costs 2d + 1 steps: no more rounds can be paid for
    offset = rounds + 1
    reach = [0] * (2 * offset + 1)  # furthest x on each diagonal k = x - y, at index offset + k
    trace: list[array[int]] = []  # reach after each round d, diagonals -d..d (compact: kept to the end)
    for d in range(rounds + 1):
        if not budget.spend(2 * d + 1):
            return None
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and reach[offset + k - 1] < reach[offset + k + 1]):
                x = reach[offset + k + 1]
            else:
                x = reach[offset + k - 1] + 1
            y = x - k
            start = x
            while x < n and y < m and a[x] == b[y]:
                x, y = x + 1, y + 1
            if x > start and not budget.spend(x - start):
                return None
            reach[offset + k] = x
            if x >= n and y >= m:
                trace.append(array("i", reach[offset - d : offset + d + 1]))
                return _backtrack(trace, n, m)
        trace.append(array("i", reach[offset - d : offset + d + 1]))
    return None


def _backtrack(trace: list[array[int]], n: int, m: int) -> list[Block]:
    blocks: list[Block] = []
    x, y = n, m
    for d in range(len(trace) - 1, 0, -1):
        before = trace[d - 1]  # diagonal k at index k + d - 1
        k = x - y
        down = k == -d or (k != d and before[k - 1 + d - 1] < before[k + 1 + d - 1])
        previous_k = k + 1 if down else k - 1
        previous_x = before[previous_k + d - 1]
        moved_x = previous_x if down else previous_x + 1
        if x > moved_x:
            blocks.append((moved_x, moved_x - k, x - moved_x))
        x, y = previous_x, previous_x - previous_k
    if x:
        blocks.append((0, 0, x))
    return blocks[::-1]


def _hunks(a: list[str], b: list[str], blocks: list[Block], unaligned: set[tuple[int, int]]) -> list[Hunk]:
    hunks: list[Hunk] = []
    i = j = 0
    for block_i, block_j, size in [*blocks, (len(a), len(b), 0)]:
        if i < block_i or j < block_j:
            op: Op = "replace" if i < block_i and j < block_j else "delete" if i < block_i else "insert"
            hunks.append(Hunk(op, a[i:block_i], b[j:block_j], aligned=(i, j) not in unaligned))
        if size:
            hunks.append(Hunk("equal", a[block_i : block_i + size], b[block_j : block_j + size]))
        i, j = block_i + size, block_j + size
    return hunks


def _paired(hunks: list[Hunk]) -> list[Hunk]:
    """An insertion and a deletion a few equal lines apart that could as well be one replacement in place
    become that replacement: on repeated lines a shortest edit script often drifts so ("+changed", " tick",
    "-tick" for a line that was replaced), and a replacement pairs the lines for their changed words."""
    paired: list[Hunk] = []
    index = 0
    while index < len(hunks):
        window = hunks[index : index + 3]
        if len(window) == 3 and window[1].op == "equal" and {window[0].op, window[2].op} == {"insert", "delete"}:
            left = [line for hunk in window for line in hunk.left]
            right = [line for hunk in window for line in hunk.right]
            removed, added = len(left) - len(window[1].left), len(right) - len(window[1].right)
            if left[removed:] == right[added:]:
                paired += [
                    Hunk("replace", left[:removed], right[:added]),
                    Hunk("equal", left[removed:], left[removed:]),
                ]
                index += 3
                continue
        if paired and paired[-1].op == hunks[index].op == "equal":
            previous = paired.pop()
            paired.append(Hunk("equal", previous.left + hunks[index].left, previous.right + hunks[index].right))
        else:
            paired.append(hunks[index])
        index += 1
    return paired


def grouped(hunks: list[Hunk], context: int = CONTEXT) -> list[Hunk | Skipped]:
    """The hunks as ``diff -u`` shows them, by the rule of difflib's ``get_grouped_opcodes``: ``context``
    equal lines before and after each change; an equal run longer than twice that between two changes keeps
    ``context`` lines on each side of one Skipped marker. Every renderer of a diff draws this list."""
    shown: list[Hunk | Skipped] = []
    for index, hunk in enumerate(hunks):
        before = 0 if index == 0 else context  # kept after the change before this run
        after = 0 if index == len(hunks) - 1 else context  # kept before the change after it
        if hunk.op != "equal" or len(hunk.left) <= before + after:
            shown.append(hunk)
            continue
        lines = hunk.left
        if before:
            shown.append(Hunk("equal", lines[:before], lines[:before]))
        shown.append(Skipped(len(lines) - before - after))
        if after:
            shown.append(Hunk("equal", lines[-after:], lines[-after:]))
    return shown
