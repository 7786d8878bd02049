"""Comparing two executions: ``compare`` (what ``riza-tui diff`` and the diff screen run, all parts) and the
screen's styling of the result, on repeated lines (the shape difflib is quadratic on) and the bundled data.

Floors in the same run, on the same texts: one ``difflib.unified_diff`` (stdlib defaults, autojunk on: fast
on repeated lines because it gives up aligning them) and ``diff -u`` (GNU diff, process start included).
"""

from __future__ import annotations

import difflib
import random
import secrets
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

from bench.common import bundled_records, median, table

RUNS = 3
SIZES = (8_000, 50_000)
Record = dict[str, Any]
LinePairs = list[tuple[list[str], list[str]]]


def fetched(record: Record) -> Any:
    from riza_tui.api.models import Execution, Fetched

    return Fetched(Execution.model_validate(record), record, 0, 0.0)


def script(execution_id: str, stdout: str) -> Record:
    response = {"id": execution_id, "duration": 10, "exit_code": 0, "stdout": stdout, "stderr": ""}
    return {
        "id": execution_id,
        "language": "python",
        "duration": 10,
        "exit_code": 0,
        "started_at": "2026-11-28T08:00:00Z",
        "details": {"type": "script", "request": {"language": "python", "code": "pass"}, "response": response},
    }


def repeated_cases() -> Iterator[tuple[str, list[str], list[str]]]:
    """(name, left lines, right lines) of stdout."""
    for size in SIZES:
        same = ["ok"] * size
        yield f"{size:,} × one line, one changed", same, [*same[: size // 2], "bad", *same[size // 2 + 1 :]]
        draw = random.Random(size)
        ticks = [f"tick {draw.randrange(4)}" for _ in range(size)]
        changed = ["changed" if index % 97 == 0 else line for index, line in enumerate(ticks)]
        yield f"{size:,} × four lines, every 97th changed", ticks, changed
        other = [f"tick {draw.randrange(4)}" for _ in range(size)]
        yield f"{size:,} × four lines, unrelated", ticks, other


def stdout_of(record: Record) -> str:
    return str(((record.get("details") or {}).get("response") or {}).get("stdout") or "")


def with_stdout(record: Record, lines: list[str]) -> Record:
    details = record["details"]
    response = {**details["response"], "stdout": "\n".join(lines) + "\n"}
    return {**record, "id": record["id"] + "_b", "details": {**details, "response": response}}


def bundled_big_cases() -> Iterator[tuple[str, Record, Record]]:
    """The biggest bundled execution (a 40,000-line log) against itself changed a little, then throughout."""
    big = max(bundled_records(), key=lambda record: len(stdout_of(record)))
    lines = stdout_of(big).splitlines()
    megabytes = len(stdout_of(big)) / 1e6
    every_500th = [f"{line} retried" if index % 500 == 0 else line for index, line in enumerate(lines)]
    yield f"bundled {megabytes:.1f} MB stdout, every 500th line changed", big, with_stdout(big, every_500th)
    shifted = [line.replace("2026-11-27", "2026-11-28", 1) for line in lines]
    yield f"bundled {megabytes:.1f} MB stdout, every line changed", big, with_stdout(big, shifted)


def cases() -> Iterator[tuple[str, Record, Record]]:
    for name, left, right in repeated_cases():
        yield name, script("exec_a", "\n".join(left)), script("exec_b", "\n".join(right))
    yield from bundled_big_cases()


def seconds(call: Callable[[], object]) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return median(samples)


def part_pairs(left: Record, right: Record) -> LinePairs:
    """The parts that differ, as the lines the floors diff."""
    from riza_tui.core.compare import part_texts

    key = secrets.token_bytes(16)
    left_parts, right_parts = part_texts(fetched(left), key), part_texts(fetched(right), key)
    names = dict.fromkeys([*left_parts, *right_parts])
    pairs = [(left_parts.get(name, ""), right_parts.get(name, "")) for name in names]
    return [(a.splitlines(), b.splitlines()) for a, b in pairs if a != b]


def unified_floor(pairs: LinePairs) -> float:
    return seconds(lambda: [list(difflib.unified_diff(a, b, n=3, lineterm="")) for a, b in pairs])


def gnu_diff_floor(pairs: LinePairs) -> float:
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for number, (a, b) in enumerate(pairs):
            left, right = Path(folder) / f"{number}.a", Path(folder) / f"{number}.b"
            left.write_text("\n".join(a) + "\n")
            right.write_text("\n".join(b) + "\n")
            files.append((left, right))

        def run() -> None:
            for left, right in files:
                subprocess.run(["diff", "-u", str(left), str(right)], stdout=subprocess.DEVNULL, check=False)

        return seconds(run)


def measure(name: str, left: Record, right: Record) -> list[object]:
    from riza_tui.core.compare import compare
    from riza_tui.tui.render.colors import NO_COLOR_PALETTE
    from riza_tui.tui.render.diff_lines import unified

    a, b = fetched(left), fetched(right)
    compared = seconds(lambda: compare(a, b))
    parts = compare(a, b)
    styled = seconds(lambda: unified(parts, NO_COLOR_PALETTE))
    pairs = part_pairs(left, right)
    floor, gnu = unified_floor(pairs), gnu_diff_floor(pairs)
    changed = sum(1 for part in parts if not part.equal)
    aligned = all(getattr(part, "aligned", True) for part in parts)
    return [name, changed, "yes" if aligned else "no", compared, styled, floor, gnu, compared / floor, compared / gnu]


def neighbours() -> list[object]:
    """Every bundled execution against the next one: the everyday comparisons, many small parts."""
    from riza_tui.core.compare import compare

    pairs = list(pairwise(bundled_records()))
    executions = [(fetched(left), fetched(right)) for left, right in pairs]
    compared = seconds(lambda: [compare(a, b) for a, b in executions])
    lines = [pair for left, right in pairs for pair in part_pairs(left, right)]
    floor, gnu = unified_floor(lines), gnu_diff_floor(lines)
    name = f"bundled: {len(pairs)} neighbouring pairs, all parts"
    return [name, len(lines), "yes", compared, "", floor, gnu, compared / floor, compared / gnu]


def run() -> str:
    headers = [
        "case",
        "parts changed",
        "aligned",
        "compare s",
        "styled s",
        "unified_diff s",
        "diff -u s",
        "x unified_diff",
        "x diff -u",
    ]
    return table(headers, [*(measure(*case) for case in cases()), neighbours()])
