"""The executions bench/incidents.py archives: drawn like the demo's (bench/search_index.py draws the same
shapes, as searchable text), as the API sends them, newest first over the last days, with a long tail of
one-off problems beside the demo's outbreaks and a request id planted in a few."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.search_index import RARE, RARE_COUNT, demo_makers

SPAN = timedelta(days=6)  # inside the TUI's default groups window (7 days)
TAIL = 1_000  # one-off problems: as many signatures of a few runs each


def one_off(rng: random.Random) -> tuple[str, dict[str, Any]]:
    """A failure from a long tail of rare problems (a section missing from a config), each its own signature:
    a real archive has hundreds of small groups beside its few outbreaks, and each group costs lookups."""
    from riza_tui.demo.scripts import script_run

    number = rng.randrange(TAIL)
    name = "".join(chr(97 + number // 26**power % 26) for power in (2, 1, 0))
    code = (
        f'import sys\n\n\ndef load_{name}(text):\n    raise ValueError(f"{name} section is not configured")\n\n\n'
        f"load_{name}(sys.stdin.read())\n"
    )
    stderr = (
        f'Traceback (most recent call last):\n  File "/src/main.py", line 8, in <module>\n    load_{name}(sys.stdin'
        f'.read())\n  File "/src/main.py", line 5, in load_{name}\n    raise ValueError(f"{name} section is not '
        f'configured")\nValueError: {name} section is not configured\n'
    )
    return script_run("python", code, "", stderr, 1, stdin="{}")


def catalogue() -> tuple[list[Callable[[random.Random], Any]], list[int]]:
    """The demo's makers with their weights (as bench/search_index.py draws them), and the long tail."""
    makers, weights = demo_makers()
    return [*makers, one_off], [*weights, 1]


def drawn(count: int, seed: int, *, success_share: float | None = None) -> Iterator[dict[str, Any]]:
    """``count`` executions as the API sends them, newest first, evenly over :data:`SPAN` back from now; with
    ``success_share``, each is drawn again until it is a success or a failure in that proportion."""
    from riza_tui.demo import generate

    rng = random.Random(seed)
    makers, weights = catalogue()
    newest = datetime.now(UTC).replace(microsecond=0)
    step = SPAN / count
    for number in range(count):
        failure = None if success_share is None else rng.random() >= success_share
        while True:
            record = generate.record(rng, newest, *rng.choices(makers, weights)[0](rng))
            if failure is None or (record["exit_code"] != 0) == failure:
                break
        started = newest - number * step
        record["started_at"] = started.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        yield record


def planted(records: Iterator[dict[str, Any]], count: int) -> Iterator[dict[str, Any]]:
    """The rare request id, as an alert quotes it, in the stderr of :data:`RARE_COUNT` of them."""
    chosen = set(random.Random(17).sample(range(count), RARE_COUNT))
    for number, record in enumerate(records):
        if number in chosen:
            details = record["details"]
            result = details["response"] if details["type"] == "script" else details["response"]["execution"]
            result["stderr"] = result.get("stderr", "") + f"upstream failed: request_id={RARE}\n"
        yield record
