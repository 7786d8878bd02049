"""Big-output benchmark: time to first screen and key latency for large stdout, against stock widgets.

Run: ``python bench/big_output.py`` (prints a table; figures are medians of several runs and are
compared as ratios within one run, because machines here are noisy).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Log

from riza_tui.widgets.text_view import TextView

RUNS = 3


def payload(megabytes: int, single_line: bool = False) -> str:
    if single_line:
        return "x" * (megabytes * 1_000_000)
    line = "2026-11-27 00:00:00,000 INFO etl batch=123456 rows=789 latency_ms=42 status=ok\n"
    return line * (megabytes * 1_000_000 // len(line))


class Bench(App[None]):
    def __init__(self, make: Callable[[], Widget]) -> None:
        super().__init__()
        self.make = make

    def compose(self) -> ComposeResult:
        yield self.make()


async def measure(make: Callable[[], Widget], fill: Callable[[Widget], None]) -> tuple[float, float]:
    """Seconds from handing over the text to the first drawn screen, then to a key being answered."""
    app = Bench(make)
    async with app.run_test(size=(120, 40)) as pilot:
        widget = app.query_one(Widget)
        started = time.perf_counter()
        fill(widget)
        await pilot.pause()
        first_screen = time.perf_counter() - started
        key_started = time.perf_counter()
        widget.focus()
        await pilot.press("pagedown")
        await pilot.pause()
        key = time.perf_counter() - key_started
        await app.workers.wait_for_complete()
    return first_screen, key


def fill_text_view(text: str) -> Callable[[Widget], None]:
    return lambda widget: widget.show_text(text, "ansi") if isinstance(widget, TextView) else None


def fill_log(text: str) -> Callable[[Widget], None]:
    return lambda widget: widget.write_lines(text.splitlines()) if isinstance(widget, Log) else None


async def main() -> None:
    print(f"{'payload':<14}{'widget':<10}{'first screen s':>16}{'key s':>10}{'ratio vs Log':>14}")
    for label, text in [
        ("1 MB", payload(1)),
        ("10 MB", payload(10)),
        ("50 MB", payload(50)),
        ("5 MB one line", payload(5, single_line=True)),
    ]:
        results = {}
        for name, make, fill in [("TextView", TextView, fill_text_view(text)), ("Log", Log, fill_log(text))]:
            samples = [await measure(make, fill) for _ in range(RUNS)]
            results[name] = (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples))
        floor = results["Log"][0]
        for name, (first, key) in results.items():
            print(f"{label:<14}{name:<10}{first:>16.3f}{key:>10.3f}{first / floor:>14.2f}")


if __name__ == "__main__":
    asyncio.run(main())
