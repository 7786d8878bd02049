"""The line diff: it covers both texts whatever its budget, keeps diff -u's context (difflib's grouped
opcodes), aligns repeated lines in place within its budget, and stops at its budget or when cancelled,
counted in lines executed rather than seconds."""

from __future__ import annotations

import difflib
import random
import sys
from collections import Counter
from collections.abc import Callable
from itertools import count, pairwise
from types import FrameType
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from riza_tui.core import line_diff
from riza_tui.core.line_diff import WORK_BUDGET, Budget, Cancelled, Hunk, Skipped, grouped, sequence_hunks

LINES = st.lists(st.sampled_from(["a", "b", "c", "", "}"]), max_size=14)


def ticks(count: int, seed: int) -> list[str]:
    """A log of few distinct lines, the shape difflib is quadratic on."""
    draw = random.Random(seed)
    return [f"tick {draw.randrange(4)}" for _ in range(count)]


def executed_lines(call: Callable[[], Any]) -> int:
    """Lines of Python run inside difflib and the line diff while ``call`` runs: work, not time."""
    watched = {difflib.__file__, line_diff.__file__}
    executed = 0

    def local(frame: FrameType, event: str, _arg: object) -> Any:
        nonlocal executed
        executed += event == "line"
        return local

    def trace(frame: FrameType, _event: str, _arg: object) -> Any:
        return local if frame.f_code.co_filename in watched else None

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(previous)
    return executed


@given(LINES, LINES, st.integers(min_value=0, max_value=400) | st.just(10**9))
def test_hunks_cover_both_sides_whatever_the_budget(left: list[str], right: list[str], steps: int) -> None:
    budget = Budget(steps)
    hunks = sequence_hunks(left, right, budget)
    assert [line for hunk in hunks for line in hunk.left] == left
    assert [line for hunk in hunks for line in hunk.right] == right
    assert all(hunk.left == hunk.right for hunk in hunks if hunk.op == "equal")
    assert all(hunk.op == "replace" for hunk in hunks if not hunk.aligned)
    assert not any(first.op == second.op == "equal" for first, second in pairwise(hunks))
    assert budget.spent <= steps
    if steps == 10**9:
        assert all(hunk.aligned for hunk in hunks)


@given(LINES, LINES)
def test_the_context_kept_is_difflibs_grouped_opcodes(left: list[str], right: list[str]) -> None:
    assume(left != right)
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    hunks = [Hunk(tag, left[i1:i2], right[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
    expected: list[Hunk | Skipped] = []
    shown_up_to = 0
    for group in matcher.get_grouped_opcodes(3):
        if group[0][1] > shown_up_to:
            expected.append(Skipped(group[0][1] - shown_up_to))
        expected += [Hunk(tag, left[i1:i2], right[j1:j2]) for tag, i1, i2, j1, j2 in group]  # type: ignore[arg-type]
        shown_up_to = group[-1][2]
    if shown_up_to < len(left):
        expected.append(Skipped(len(left) - shown_up_to))
    assert grouped(hunks) == expected


def test_markers_say_how_many_lines() -> None:
    assert Skipped(1).text == "… 1 unchanged line" and Skipped(12_000).text == "… 12,000 unchanged lines"
    assert Hunk("replace", ["a"] * 50_000, ["b"] * 49_999, aligned=False).note == (
        "… 50,000 lines against 49,999: too costly to align line by line"
    )


@pytest.mark.parametrize("lines", [8_000, 50_000])
def test_repeated_lines_are_aligned_in_place_within_the_budget(lines: int) -> None:
    left = ticks(lines, seed=1)
    right = ["changed" if index % 97 == 0 else line for index, line in enumerate(left)]
    budget = Budget()
    hunks = sequence_hunks(left, right, budget)
    changes = [hunk for hunk in hunks if hunk.op != "equal"]
    assert all(hunk.aligned for hunk in hunks)
    assert changes == [Hunk("replace", [left[index]], ["changed"]) for index in range(0, lines, 97)]
    assert budget.spent <= WORK_BUDGET
    on_right = Counter(right)
    first_search = sum(times * on_right[line] for line, times in Counter(left).items())
    assert first_search > 5 * WORK_BUDGET, "difflib alone steps through every position of each left line"


def test_a_long_log_with_many_changes_is_aligned_within_the_budget() -> None:
    """Distinct lines cost difflib a pass over the text per change: past half the budget Myers takes over."""
    left = [f"2026-11-27 00:00:{index:06d} INFO batch={index}" for index in range(40_000)]
    right = [f"{line} retried" if index % 500 == 0 else line for index, line in enumerate(left)]
    budget = Budget()
    hunks = sequence_hunks(left, right, budget)
    assert all(hunk.aligned for hunk in hunks) and budget.spent <= WORK_BUDGET
    changes = [hunk for hunk in hunks if hunk.op != "equal"]
    assert changes == [Hunk("replace", [left[index]], [right[index]]) for index in range(0, 40_000, 500)]


def test_a_diff_too_costly_to_align_stops_at_its_budget_and_is_marked() -> None:
    left, right = ticks(3_000, seed=1), ticks(3_000, seed=2)
    small, large = Budget(30_000), Budget(300_000)
    small_work = executed_lines(lambda: sequence_hunks(left, right, small))
    large_work = executed_lines(lambda: sequence_hunks(left, right, large))
    assert small.spent <= small.limit and large.spent <= large.limit
    assert small_work < large_work / 5, "the work done follows the budget"
    assert small_work < 20 * small.limit, "the budget counts the real steps"
    hunks = sequence_hunks(left, right, Budget(30_000))
    unaligned = [hunk for hunk in hunks if not hunk.aligned]
    assert unaligned and all("too costly to align" in hunk.note for hunk in unaligned)


def test_cancelling_stops_a_long_part_at_the_next_question() -> None:
    left, right = ticks(50_000, seed=1), ticks(50_000, seed=2)
    asked = count()
    sequence_hunks(left, right, Budget(cancelled=lambda: next(asked) < 0))
    questions = next(asked)
    assert questions > 1_000, "asked all along the part, not once"

    asked_after = count()
    flip = questions // 10

    def cancelled() -> bool:
        return next(asked_after) >= flip

    with pytest.raises(Cancelled):
        sequence_hunks(left, right, Budget(cancelled=cancelled))
    assert next(asked_after) == flip + 1, "no question after the one answered yes"
