"""Big output: 1, 10 and 50 MB of stdout and one 5 MB line, end to end and against the stock ``Log`` widget.

End to end (each run in a fresh process, so peak RSS is its own): the app looks up an execution served by
``riza-tui serve`` from another process and we time the body being read, the first screen after it, a key
(``ctrl+l``, pressed as the first screen is drawn) answered while the rest is still being prepared, and everything
prepared; then peak RSS.
Goals: first screen of 10 MB < 0.5 s after the body is read; keys < 100 ms; RSS < 6x the payload.

Widget level: the same text handed to ``TextView`` and to ``Log.write_lines``, time to first screen.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Callable

from bench.common import API_KEY, median, served, table

RUNS = 3
LINE = "2026-11-27 00:00:00,000 INFO etl batch=123456 rows=789 latency_ms=42 status=ok\n"
CASES = {"1 MB": (1, False), "10 MB": (10, False), "50 MB": (50, False), "5 MB one line": (5, True)}


def payload(megabytes: int, single_line: bool) -> str:
    if single_line:
        return "x" * (megabytes * 1_000_000)
    return LINE * (megabytes * 1_000_000 // len(LINE))


def execution_with_stdout(stdout: str) -> dict[str, object]:
    return {
        "id": "exec_big",
        "language": "python",
        "duration": 1000,
        "exit_code": 0,
        "started_at": "2026-11-27T00:00:00Z",
        "details": {
            "type": "script",
            "request": {"language": "python", "code": "import sys\nsys.stdout.write(LOG)\n"},
            "response": {"id": "exec_big", "exit_code": 0, "duration": 1000, "stdout": stdout, "stderr": ""},
        },
    }


def rss_mb(field: str = "VmHWM") -> float:
    """Peak (VmHWM) or current (VmRSS) resident memory of this process. Not ``ru_maxrss``: Linux carries
    that across exec, so a child would report the parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise LookupError(field)


async def one_end_to_end_run(url: str) -> dict[str, float]:
    """Runs in a child process: one lookup of exec_big, with its timings and peak RSS."""
    import riza_tui.api.client as client_module
    from riza_tui.api.models import Fetched
    from riza_tui.api.settings import ClientSettings
    from riza_tui.core.session import LookupState
    from riza_tui.tui.app import RizaApp
    from riza_tui.tui.widgets.lookup_bar import LookupBar

    marks: dict[str, float] = {}
    retrieve = client_module.RizaClient.retrieve

    async def timed_retrieve(self: client_module.RizaClient, execution_id: str) -> Fetched:
        result = await retrieve(self, execution_id)
        marks["body"] = time.perf_counter()
        return result

    client_module.RizaClient.retrieve = timed_retrieve  # type: ignore[method-assign]
    app = RizaApp(ClientSettings(api_key=API_KEY, base_url=url, timeout=120), server_label="bench")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        idle_rss = rss_mb()
        drawn = asyncio.Event()
        screen = app.execution_screen

        def first_screen() -> None:
            drawn.set()
            marks["key pressed"] = time.perf_counter()
            app.simulate_key("ctrl+l")  # pressed at once, while the rest of the text is still being prepared

        def on_state(state: LookupState) -> None:
            if state.phase == "loaded":
                app.call_after_refresh(first_screen)

        screen.watch(screen, "state", on_state, init=False)
        started = time.perf_counter()
        app.lookup("exec_big")
        await drawn.wait()
        marks["first screen"] = time.perf_counter()
        while not isinstance(app.focused, LookupBar):
            await asyncio.sleep(0)
        answered = asyncio.Event()
        app.call_after_refresh(answered.set)
        await answered.wait()
        marks["key"] = time.perf_counter() - marks["key pressed"]
        await app.workers.wait_for_complete()
        marks["prepared"] = time.perf_counter()
    return {
        "body read s": marks["body"] - started,
        "first screen after body s": marks["first screen"] - marks["body"],
        "key ms": marks["key"] * 1000,
        "all prepared after body s": marks["prepared"] - marks["body"],
        "idle RSS MB": idle_rss,
        "peak RSS MB": rss_mb(),
    }


def end_to_end(label: str, megabytes: int, single_line: bool) -> list[object]:
    text = payload(megabytes, single_line)
    with served([execution_with_stdout(text)]) as server:
        runs = []
        for _ in range(RUNS):
            child = subprocess.run(
                [sys.executable, "-m", "bench.big_output", "--child", server.url],
                capture_output=True,
                text=True,
                check=True,
                timeout=300,
            )
            runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
    figures = {key: median([run[key] for run in runs]) for key in runs[0]}
    size_mb = len(text) / 1e6
    growth = figures["peak RSS MB"] - figures["idle RSS MB"]
    return [
        label,
        figures["body read s"],
        figures["first screen after body s"],
        f"{figures['key ms']:.0f}",
        figures["all prepared after body s"],
        f"{figures['peak RSS MB']:.0f}",
        f"{growth / size_mb:.1f}x",
    ]


async def widget_first_screen(make: Callable[[], object], fill: Callable[[object], None]) -> float:
    from textual.app import App, ComposeResult
    from textual.widget import Widget

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            widget = make()
            assert isinstance(widget, Widget)
            yield widget

    app = Bench()
    async with app.run_test(size=(120, 40)) as pilot:
        from textual.widget import Widget

        widget = app.query_one(Widget)
        drawn = asyncio.Event()
        started = time.perf_counter()
        fill(widget)
        app.call_after_refresh(drawn.set)
        await drawn.wait()
        elapsed = time.perf_counter() - started
        await app.workers.wait_for_complete()
        await pilot.pause()
    return elapsed


def widget_level(label: str, megabytes: int, single_line: bool) -> list[list[object]]:
    from textual.widgets import Log

    from riza_tui.tui.widgets.text_view import TextView

    text = payload(megabytes, single_line)

    def fill_text_view(widget: object) -> None:
        assert isinstance(widget, TextView)
        widget.show_text(text, "ansi")

    def fill_log(widget: object) -> None:
        assert isinstance(widget, Log)
        widget.write_lines(text.splitlines())

    results = {}
    for name, make, fill in [("TextView", TextView, fill_text_view), ("Log", Log, fill_log)]:
        results[name] = median([asyncio.run(widget_first_screen(make, fill)) for _ in range(RUNS)])
    return [[label, name, seconds, f"{seconds / results['Log']:.2f}x"] for name, seconds in results.items()]


def run() -> str:
    e2e_rows = [end_to_end(label, megabytes, single) for label, (megabytes, single) in CASES.items()]
    widget_rows = [row for label, (mb, single) in CASES.items() for row in widget_level(label, mb, single)]
    log_floor = {row[0]: float(str(row[2])) for row in widget_rows if row[1] == "Log"}
    for row in e2e_rows:
        first_screen = float(str(row[2]))
        row[3:3] = [log_floor[str(row[0])], f"{first_screen / log_floor[str(row[0])]:.2f}x"]
    return (
        f"Big output, end to end (120x40 headless app, server in another process, median of {RUNS} fresh processes)."
        " The floor is Textual's Log.write_lines showing the same text (widget level, below)."
        "\n\n"
        + table(
            [
                "stdout",
                "body read s",
                "first screen after body s",
                "Log floor s",
                "vs floor",
                "key ms",
                "all prepared after body s",
                "peak RSS MB",
                "RSS growth / payload",
            ],
            e2e_rows,
        )
        + f"\n\nBig output, widget level: text handed over to first screen drawn, median of {RUNS}\n\n"
        + table(["payload", "widget", "first screen s", "vs Log"], widget_rows)
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(asyncio.run(one_end_to_end_run(sys.argv[2]))))
    else:
        print(run())
