"""List scale: 10,000 executions paged into the triage table, 100 at a time, by a user holding End.

The cost of each page (End pressed to the new rows drawn) must stay flat: page 100 should cost what page 1
costs. Scrolling must stay smooth at 10,000 rows: a cursor move is timed near the top and near the end.
The app runs headless at 120x40; ``riza-tui serve`` serves the synthetic executions from another process.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import API_KEY, bundled_records, median, served, table

EXECUTIONS = 10_000
PAGE = 100
KEY_SAMPLES = 15


def synthetic(count: int) -> list[dict[str, Any]]:
    """``count`` executions shaped like the bundled ones (list pages carry no details), one a minute apart."""
    base = [{key: value for key, value in record.items() if key != "details"} for record in bundled_records()]
    newest = datetime(2026, 11, 28, tzinfo=UTC)
    return [
        {
            **base[number % len(base)],
            "id": f"exec_scale_{number:05d}",
            "started_at": (newest - timedelta(minutes=number)).isoformat().replace("+00:00", "Z"),
        }
        for number in range(count)
    ]


async def measure(url: str) -> tuple[list[float], float, float]:
    from textual.message import Message

    from riza_tui.api.settings import ClientSettings
    from riza_tui.tui.app import RizaApp
    from riza_tui.tui.messages import ListChanged
    from riza_tui.tui.widgets.triage_table import TriageTable

    app = RizaApp(ClientSettings(api_key=API_KEY, base_url=url), server_label="bench")
    page_seconds: list[float] = []
    appended = asyncio.Event()

    def page_drawn(message: Message) -> None:
        """A page reached the list screen: the frame after it shows the new rows."""
        if isinstance(message, ListChanged):
            app.call_after_refresh(appended.set)

    async with app.run_test(size=(120, 40), message_hook=page_drawn) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        recent = app.screen.query_one(TriageTable)
        recent.focus()
        await pilot.pause()
        top_key = await key_seconds(app, recent)
        while len(recent.shown) < EXECUTIONS:
            appended.clear()
            started = time.perf_counter()
            recent.action_jump(-1)
            await appended.wait()
            page_seconds.append(time.perf_counter() - started)
        await app.workers.wait_for_complete()
        await pilot.pause()
        recent.action_jump(-1)
        await pilot.pause()
        end_key = await key_seconds(app, recent, upward=True)
    return page_seconds, top_key, end_key


async def key_seconds(app: Any, recent: Any, *, upward: bool = False) -> float:
    """Median time from a cursor key to the frame showing the moved highlight."""
    samples = []
    for _ in range(KEY_SAMPLES):
        before = recent.cursor
        drawn = asyncio.Event()
        started = time.perf_counter()
        app.simulate_key("up" if upward else "down")
        while recent.cursor == before:
            await asyncio.sleep(0)
        app.call_after_refresh(drawn.set)
        await drawn.wait()
        samples.append(time.perf_counter() - started)
    return median(samples)


def run() -> str:
    with served(synthetic(EXECUTIONS)) as server:
        pages, top_key, end_key = asyncio.run(measure(server.url))
    groups = {"pages 1-10": pages[:10], "pages 46-55": pages[45:55], "pages 91-100": pages[-10:]}
    rows: list[list[object]] = [[name, median(samples) * 1000] for name, samples in groups.items()]
    flatness = median(pages[-10:]) / median(pages[:10])
    rows.append(["last ten / first ten", f"{flatness:.2f}x"])
    keys: list[list[object]] = [
        ["cursor key near row 1", top_key * 1000],
        [f"cursor key near row {EXECUTIONS:,}", end_key * 1000],
        ["ratio", f"{end_key / top_key:.2f}x"],
    ]
    return (
        f"List scale: {EXECUTIONS:,} executions paged in {PAGE} at a time (End to new rows drawn), 120x40 headless"
        "\n\n"
        + table(["page", "median ms"], rows)
        + f"\n\nScrolling at scale, median of {KEY_SAMPLES}\n\n"
        + table(["key", "ms"], keys)
    )


if __name__ == "__main__":
    print(run())
