"""First useful paint: process start to the execution's data on a real terminal, against a bare floor.

``riza-tui ID`` and ``bench/floor_app.py ID`` (Textual + httpx, one field) run alternately on a 120x40 pty
against the same ``riza-tui serve`` process; the clock stops when the first line of the execution's stdout
has been written to the terminal. Goal: riza-tui <= 1.3x the floor. A second floor adds validation with
riza-tui's pydantic models, the part of the mandated stack that the bare floor does not pay for.

riza-tui runs as a user's install does: its archive (a temporary one, created in the first, untimed round, so
the timed rounds open an existing file) and its bytecode compiled, as ``pip install`` compiles it (with
``PYTHONDONTWRITEBYTECODE`` set, an editable checkout would otherwise compile ~70 modules on every start,
~70 ms). Config, history and archive live in a temporary XDG home. Then where the time goes: the same runs
with a clock around each step (``paint_steps.py``), and what riza-tui imports beyond the floor.
"""

from __future__ import annotations

import compileall
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.common import API_KEY, ROOT, bundled_records, median, served, table, time_in_pty
from bench.import_cost import breakdown

RUNS = 9
STEP_RUNS = 5
GOAL = 1.3


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


def paint_times(commands: dict[str, list[str]], env: dict[str, str], marker: bytes, runs: int) -> dict[str, Any]:
    """Seconds to the first byte and to the marker, per command, alternated; the first round only warms up."""
    paint: dict[str, list[float]] = {name: [] for name in commands}
    first_byte: dict[str, list[float]] = {name: [] for name in commands}
    for attempt in range(runs + 1):
        for name, command in commands.items():
            result = time_in_pty(command, marker, env=env)
            if result.seconds_to_marker is None:
                raise RuntimeError(f"{name} never drew {marker!r}: {result.output[-400:]!r}")
            if attempt:
                paint[name].append(result.seconds_to_marker)
                first_byte[name].append(result.seconds_to_first_byte or 0.0)
    return {"paint": paint, "first_byte": first_byte}


def step_times(program: list[str], env: dict[str, str], marker: bytes, folder: Path) -> list[tuple[str, float]]:
    """Median ms since the interpreter ran ``paint_steps.py`` at which each step ended, in order."""
    ended: defaultdict[str, list[float]] = defaultdict(list)
    for attempt in range(STEP_RUNS + 1):
        out = folder / f"steps-{attempt}.tsv"
        command = [sys.executable, "bench/paint_steps.py", str(out), *program]
        time_in_pty(command, marker, env={**env, "PAINT_MARKER": marker.decode()})
        if attempt and out.exists():
            last = dict(line.split("\t") for line in out.read_text().splitlines())
            for step, ms in last.items():
                ended[step].append(float(ms))
        out.unlink(missing_ok=True)
    return sorted(((step, median(times)) for step, times in ended.items()), key=lambda item: item[1])


def steps_table(riza: list[tuple[str, float]], floor: list[tuple[str, float]]) -> str:
    floor_at = dict(floor)
    rows, previous = [], 0.0
    for step, at in riza:
        floor_step = f"{floor_at[step]:.0f}" if step in floor_at else ""
        rows.append([step, f"{at:.0f}", f"{at - previous:+.0f}", floor_step])
        previous = at
    return table(["step ended", "riza-tui ms", "step ms", "floor ms"], rows)


def run(runs: int = RUNS) -> str:
    compileall.compile_dir(ROOT / "riza_tui", quiet=1)  # as pip install does
    execution_id, marker = pick_execution(bundled_records())
    with tempfile.TemporaryDirectory(prefix="riza-bench-paint-") as name:
        folder = Path(name)
        archive = str(folder / "archive.db")
        riza = [execution_id, "--archive", archive]
        commands = {
            "riza-tui": [sys.executable, "-m", "riza_tui", *riza],
            "riza-tui --no-archive": [sys.executable, "-m", "riza_tui", execution_id, "--no-archive"],
            "floor (Textual + httpx)": [sys.executable, "bench/floor_app.py", execution_id],
            "floor + pydantic models": [sys.executable, "bench/floor_app.py", execution_id, "--pydantic"],
        }
        home = {f"XDG_{kind}_HOME": str(folder / kind.lower()) for kind in ("CONFIG", "DATA", "STATE")}
        with served() as server:
            env = {"RIZA_BASE_URL": server.url, "RIZA_API_KEY": API_KEY, **home}
            times = paint_times(commands, env, marker, runs)
            riza_steps = step_times(["riza", *riza], env, marker, folder)
            floor_steps = step_times(["floor", execution_id], env, marker, folder)
    paint, first_byte = times["paint"], times["first_byte"]
    floor = median(paint["floor (Textual + httpx)"])
    rows = [
        [name, median(first_byte[name]), median(paint[name]), f"{median(paint[name]) / floor:.2f}x"]
        for name in commands
    ]
    ratio = median(paint["riza-tui"]) / floor
    verdict = "met" if ratio <= GOAL else "not met"
    heading = f"First useful paint, 120x40 pty, median of {runs} (execution {execution_id}, marker {marker.decode()!r})"
    return (
        f"{heading}\n\n"
        + table(["program", "first byte s", "data drawn s", "vs floor"], rows)
        + f"\n\nriza-tui / floor: {ratio:.2f}x (goal <= {GOAL}x: {verdict})"
        + f"\n\nWhere the time goes: when each step ended, median of {STEP_RUNS} runs with a clock around each "
        "step (ms since the interpreter ran bench/paint_steps.py; interpreter start-up comes before)\n\n"
        + steps_table(riza_steps, floor_steps)
        + "\n\n"
        + breakdown()
    )


if __name__ == "__main__":
    print(run())
