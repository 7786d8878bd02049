"""Lookup latency inside a running app: Enter in the lookup bar until the detail is drawn, against the floor
of the same request made with ``httpx`` and decoded with ``json.loads`` alone (warm connection both ways).

The app runs headless at 120x40 in this process; ``riza-tui serve`` runs in its own process.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

from bench.common import API_KEY, bundled_records, median, served, table

RUNS = 15


def pick(records: list[dict[str, Any]]) -> dict[str, str]:
    """One execution of each type, and the biggest one."""
    chosen: dict[str, str] = {}
    for record in records:
        kind = (record.get("details") or {}).get("type")
        if kind in ("script", "function", "tool") and kind not in chosen and len(json.dumps(record)) < 20_000:
            chosen[kind] = record["id"]
    biggest = max(records, key=lambda record: len(json.dumps(record)))
    chosen[f"biggest ({len(json.dumps(biggest)) / 1e6:.1f} MB)"] = biggest["id"]
    return chosen


async def floor_seconds(url: str, execution_id: str) -> float:
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {API_KEY}"}) as client:
        await client.get(f"/v1/executions/{execution_id}")
        samples = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = await client.get(f"/v1/executions/{execution_id}")
            json.loads(response.content)
            samples.append(time.perf_counter() - started)
    return median(samples)


async def app_seconds(url: str, execution_id: str, other_id: str) -> float:
    """Seconds from Enter (the lookup bar's submit action) until the frame showing the execution is drawn."""
    from riza_tui.api.settings import ClientSettings
    from riza_tui.core.session import LookupState
    from riza_tui.tui.app import RizaApp
    from riza_tui.tui.widgets.lookup_bar import LookupBar

    app = RizaApp(ClientSettings(api_key=API_KEY, base_url=url), server_label="bench")
    samples = []
    async with app.run_test(size=(120, 40)) as pilot:
        drawn = asyncio.Event()

        def on_state(state: LookupState) -> None:
            if state.phase == "loaded":
                app.call_after_refresh(drawn.set)

        screen = app.execution_screen
        screen.watch(screen, "state", on_state, init=False)
        await app.workers.wait_for_complete()
        await pilot.pause()
        for run in range(RUNS + 1):
            for target in (other_id, execution_id):  # alternate, so every lookup changes what is shown
                bar = screen.query_one(LookupBar)
                bar.value = target
                drawn.clear()
                started = time.perf_counter()
                await bar.action_submit()
                await drawn.wait()
                elapsed = time.perf_counter() - started
                if run and target == execution_id:
                    samples.append(elapsed)
                await app.workers.wait_for_complete()
                await pilot.pause()  # let highlighting finish so runs do not overlap
    return median(samples)


async def measure() -> str:
    records = bundled_records()
    chosen = pick(records)
    small = chosen["script"]
    rows = []
    with served() as server:
        for label, execution_id in chosen.items():
            floor = await floor_seconds(server.url, execution_id)
            app = await app_seconds(server.url, execution_id, small if execution_id != small else chosen["tool"])
            rows.append([label, floor, app, f"{app / floor:.1f}x", f"{(app - floor) * 1000:.0f}"])
    heading = f"Lookup latency, Enter to detail drawn, 120x40 headless, median of {RUNS}"
    return heading + "\n\n" + table(["execution", "httpx + json.loads s", "riza-tui s", "ratio", "added ms"], rows)


def run() -> str:
    return asyncio.run(measure())


if __name__ == "__main__":
    print(run())
