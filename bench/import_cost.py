"""Start-up import cost: what riza-tui adds on top of Textual itself, in wall time and by import.

Each statement runs in a fresh interpreter, several times, timed by the clock around it (the median): that is
what a start pays. ``python -X importtime`` then names the imports behind riza-tui's share, by self time (the
tool's own overhead inflates those figures, ~1.5x here: read them as shares). An import is charged to the
first of riza-tui's modules or of the pydantic stack that pulled it in, so ``importlib.metadata``, which
pydantic's plugin loader imports, counts as pydantic's.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict

from bench.common import ROOT, median, table

RUNS = 7
TREE_RUNS = 3
# What the floor has imported by its first paint, as far as riza-tui imports it up front (the driver too).
FLOOR = "import textual.app, textual.drivers.linux_driver, httpx, json; from textual.widgets import Static"
FIRST_SCREEN = "import riza_tui.cli.main, riza_tui.cli.launch, riza_tui.tui.app"
STATEMENTS = {
    "textual.app (Textual itself)": "import textual.app",
    "floor: textual.app + driver + httpx + Static": FLOOR,
    "floor + riza_tui.api.models (pydantic)": FLOOR + "; import riza_tui.api.models",
    "riza_tui.cli.main (the entry point)": "import riza_tui.cli.main",
    "riza-tui ID: all the first screen needs": FIRST_SCREEN,
    "the same, collector paused (as riza-tui starts)": "import gc; gc.disable(); " + FIRST_SCREEN,
}
PYDANTIC_STACK = ("pydantic", "pydantic_core", "annotated_types", "typing_inspection")


def wall_ms(statement: str) -> float:
    code = f"import time; started = time.perf_counter(); {statement}; print(time.perf_counter() - started)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(result.stdout) * 1000


def import_tree(statement: str) -> list[tuple[str, int, int]]:
    """(module, self µs, depth) in the order ``-X importtime`` reports them (a module after what it imported)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement], capture_output=True, text=True, check=True, cwd=ROOT
    )
    tree = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = line.removeprefix("import time:").split("|")
        tree.append((name.strip(), int(self_us), (len(name) - len(name.lstrip(" "))) // 2))
    return tree


def charged_to(name: str) -> str | None:
    """The group an import is charged to, if it names one: riza-tui's module, or the pydantic stack."""
    if name.startswith("riza_tui.api.models"):
        return "riza_tui.api.models (our classes: schemas built at import)"
    if name.startswith("riza_tui."):
        return ".".join(name.split(".")[:3])
    if name.split(".")[0] in PYDANTIC_STACK:
        return "pydantic stack (pydantic, pydantic_core, annotated_types, …)"
    return None


def added_by_group(statement: str, floor: str) -> dict[str, float]:
    """Self ms of the imports ``statement`` makes and ``floor`` does not, each charged to the nearest of itself
    and its importers that names a group."""
    floor_names = {name for name, _, _ in import_tree(floor)}
    tree = import_tree(statement)
    added: defaultdict[str, float] = defaultdict(float)
    for index, (name, self_us, depth) in enumerate(tree):
        if name in floor_names:
            continue
        group, reach = charged_to(name), depth
        for parent, _, parent_depth in tree[index + 1 :]:  # an importer comes after, one level up
            if group is not None:
                break
            if parent_depth < reach:
                group, reach = charged_to(parent), parent_depth
        added[group or f"other: {name.split('.')[0]}"] += self_us / 1000
    return dict(added)


def breakdown() -> str:
    """Wall time of each import set, and what riza-tui's first screen imports beyond the floor, by group."""
    samples: defaultdict[str, list[float]] = defaultdict(list)
    for _ in range(RUNS):  # alternated, so that a busy moment of the machine spreads over all of them
        for label, code in STATEMENTS.items():
            samples[label].append(wall_ms(code))
    totals = {label: median(times) for label, times in samples.items()}
    floor_ms = totals["floor: textual.app + driver + httpx + Static"]
    rows = [[label, f"{ms:.0f}", f"{ms - floor_ms:+.0f}"] for label, ms in totals.items()]
    runs = [added_by_group(FIRST_SCREEN, FLOOR) for _ in range(TREE_RUNS)]
    added = {group: median([run.get(group, 0.0) for run in runs]) for group in set().union(*runs)}
    ranked = sorted(added.items(), key=lambda item: -item[1])
    shown = [*ranked[:14], ("everything else", sum(ms for _, ms in ranked[14:]))]
    return (
        f"Import cost, wall clock, median of {RUNS} fresh interpreters\n\n"
        + table(["imports", "ms", "vs floor ms"], rows)
        + "\n\nWhat riza-tui's first screen imports beyond the floor, by who pulled it in (-X importtime self ms, "
        f"median of {TREE_RUNS}, {sum(added.values()):.0f} in all)\n\n"
        + table(["imported by", "self ms"], [[name, f"{ms:.1f}"] for name, ms in shown])
    )


def run() -> str:
    return breakdown()


if __name__ == "__main__":
    print(run())
