"""First useful paint: process start to the execution's data on a real terminal, against a bare floor.

``riza-tui ID`` and ``bench/floor_app.py ID`` (Textual + httpx, one field) run alternately on a 120x40 pty
against the same ``riza-tui serve`` process; the clock stops when the first line of the execution's stdout
has been written to the terminal. Goal: riza-tui <= 1.3x the floor. A second floor adds validation with
riza-tui's pydantic models, the part of the mandated stack that the bare floor does not pay for.
"""

from __future__ import annotations

import sys
from typing import Any

from bench.common import API_KEY, bundled_records, median, served, table, time_in_pty

RUNS = 9


def pick_execution(records: list[dict[str, Any]]) -> tuple[str, bytes]:
    """A script run whose first stdout line is distinctive and not also in its code (so only the stdout
    pane can draw it)."""
    for record in records:
        details = record.get("details") or {}
        if details.get("type") != "script":
            continue
        stdout = details["response"].get("stdout", "")
        first = stdout.splitlines()[0] if stdout else ""
        if len(first) >= 16 and first.isascii() and first not in details["request"].get("code", ""):
            return record["id"], first.encode()
    raise LookupError("no suitable execution in the bundled data")


def run(runs: int = RUNS) -> str:
    execution_id, marker = pick_execution(bundled_records())
    commands = {
        "riza-tui": [sys.executable, "-m", "riza_tui", execution_id],
        "floor (Textual + httpx)": [sys.executable, "bench/floor_app.py", execution_id],
        "floor + pydantic models": [sys.executable, "bench/floor_app.py", execution_id, "--pydantic"],
    }
    paint: dict[str, list[float]] = {name: [] for name in commands}
    first_byte: dict[str, list[float]] = {name: [] for name in commands}
    with served() as server:
        env = {"RIZA_BASE_URL": server.url, "RIZA_API_KEY": API_KEY}
        for attempt in range(runs + 1):
            for name, command in commands.items():
                result = time_in_pty(command, marker, env=env)
                if result.seconds_to_marker is None:
                    raise RuntimeError(f"{name} never drew {marker!r}: {result.output[-400:]!r}")
                if attempt:  # the first round only warms the disk cache
                    paint[name].append(result.seconds_to_marker)
                    first_byte[name].append(result.seconds_to_first_byte or 0.0)
    floor = median(paint["floor (Textual + httpx)"])
    rows = [
        [name, median(first_byte[name]), median(paint[name]), f"{median(paint[name]) / floor:.2f}x"]
        for name in commands
    ]
    heading = f"First useful paint, 120x40 pty, median of {runs} (execution {execution_id}, marker {marker.decode()!r})"
    return heading + "\n\n" + table(["program", "first byte s", "data drawn s", "vs floor"], rows)


if __name__ == "__main__":
    print(run())
