"""Start-up import cost (``python -X importtime``): what riza-tui adds on top of Textual itself.

Each statement runs in a fresh interpreter, several times; the cumulative import time of its top module is
the median. The table after it names the packages behind riza-tui's share, by self time.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict

from bench.common import ROOT, median, table

RUNS = 7
STATEMENTS = {
    "textual.app (Textual itself)": "import textual.app",
    "floor: textual.app + httpx": "import textual.app, httpx",
    "riza_tui.cli.main (the entry point)": "import riza_tui.cli.main",
    "riza_tui.tui.app (all the first screen needs)": "import riza_tui.cli.main, riza_tui.tui.app",
}


def import_times(statement: str) -> dict[str, tuple[int, int]]:
    """Module -> (self µs, cumulative µs) for one fresh interpreter running ``statement``."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement], capture_output=True, text=True, check=True, cwd=ROOT
    )
    times: dict[str, tuple[int, int]] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        times[name] = (int(self_us), int(cumulative_us))
    return times


def total_ms(times: dict[str, tuple[int, int]]) -> float:
    return sum(self_us for self_us, _ in times.values()) / 1000


def run() -> str:
    totals = {label: median([total_ms(import_times(code)) for _ in range(RUNS)]) for label, code in STATEMENTS.items()}
    textual_ms = totals["textual.app (Textual itself)"]
    rows = [[label, ms, f"{ms - textual_ms:+.0f}"] for label, ms in totals.items()]

    textual = import_times(STATEMENTS["floor: textual.app + httpx"])
    ours = import_times(STATEMENTS["riza_tui.tui.app (all the first screen needs)"])
    added: defaultdict[str, float] = defaultdict(float)
    for name, (self_us, _) in ours.items():
        if name not in textual:
            added[name.split(".")[0]] += self_us / 1000
    top = sorted(added.items(), key=lambda item: -item[1])[:8]
    return (
        f"Import cost, median of {RUNS} fresh interpreters (sum of self times)\n\n"
        + table(["imports", "ms", "vs Textual ms"], rows)
        + "\n\nWhat riza-tui's first screen imports beyond Textual + httpx, one run, by package\n\n"
        + table(["package", "self ms"], [[name, ms] for name, ms in top])
    )


if __name__ == "__main__":
    print(run())
