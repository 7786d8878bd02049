"""Triage costs: filling a screen of list rows with their details, and searching 50 MB of stdout.

Hydration: from the first page drawn to every row on screen showing its type and error line, at 160x50
(47 rows), with the requests counted at the store; against a floor of the same requests made by the bare
client, four at a time, with nothing drawn. Second start: the same screen from the app's start, with an archive
that a first run filled (rows from the archive) against no archive (details from the network, four at a time),
detail requests counted in the server's access log. Search: the pane's threaded search over 50 MB of log lines,
against a floor of one regex pass over the same text as one string; and how long a key takes to be answered
while that search runs.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import time
from pathlib import Path

from bench.common import API_KEY, median, served, table

RUNS = 5
SEARCH_MB = 50
SECOND_START_HEADERS = [
    "rows' details",
    "start to filled ms",
    "first page to filled ms",
    "detail requests",
    "vs no archive",
]


async def hydrate_once(url: str, archive_path: Path | None = None) -> tuple[float, float, int, int]:
    """Seconds from the app's start and from the first page arriving to every row on screen filled (their type
    and error line drawn); rows on screen; executions in the store. With ``archive_path``, the app keeps what it
    fetches there and reads rows from it first, as ``riza-tui`` does with its archive."""
    from textual.message import Message

    from riza_tui.api.settings import ClientSettings
    from riza_tui.core.archive import open_archive
    from riza_tui.tui.app import RizaApp
    from riza_tui.tui.messages import ListChanged
    from riza_tui.tui.widgets.triage_table import TriageTable

    arrived: list[float] = []

    def hook(message: Message) -> None:
        if isinstance(message, ListChanged) and app.session.store.rows and not arrived:
            arrived.append(time.perf_counter())

    started = time.perf_counter()
    archive = open_archive(url, None, path=archive_path) if archive_path is not None else None
    app = RizaApp(ClientSettings(api_key=API_KEY, base_url=url), server_label="bench", archive=archive)
    async with app.run_test(size=(160, 50), message_hook=hook) as pilot:
        table = app.screen.query_one(TriageTable)
        while not table.shown:
            await asyncio.sleep(0.001)
        rows = table.scrollable_content_region.height - 1
        while any(app.session.store.facts(row.id) is None for row in table.shown[:rows]):
            await asyncio.sleep(0.001)
        filled = asyncio.Event()
        app.call_after_refresh(filled.set)
        await filled.wait()
        done = time.perf_counter()
        await app.workers.wait_for_complete()
        await pilot.pause()
        fetched = len(app.session.store)
    return done - started, done - arrived[0], rows, fetched  # the app closes the archive, its writes flushed


async def client_floor(url: str, ids: list[str]) -> float:
    from riza_tui.api.client import RizaClient
    from riza_tui.api.settings import ClientSettings

    async with RizaClient(ClientSettings(api_key=API_KEY, base_url=url)) as client:
        slots = asyncio.Semaphore(4)

        async def one(execution_id: str) -> None:
            async with slots:
                await client.retrieve(execution_id)

        started = time.perf_counter()
        await asyncio.gather(*(one(execution_id) for execution_id in ids))
        return time.perf_counter() - started


def hydration() -> list[list[object]]:
    from bench.common import bundled_records

    with served() as server:
        runs = [asyncio.run(hydrate_once(server.url)) for _ in range(RUNS)]
        rows = runs[0][2]
        ids = [record["id"] for record in bundled_records()[:rows]]
        floors = [asyncio.run(client_floor(server.url, ids)) for _ in range(RUNS)]
    app_seconds = median([run[1] for run in runs])
    floor = median(floors)
    return [
        ["rows on screen (160x50)", rows],
        ["details fetched (screen + a page ahead)", runs[0][3]],
        ["screen filled, ms", app_seconds * 1000],
        ["floor: the same requests, bare client, ms", floor * 1000],
        ["per row, ms", app_seconds * 1000 / rows],
        ["app / floor", f"{app_seconds / floor:.2f}x"],
    ]


def detail_requests(log: Path, since: int) -> tuple[int, int]:
    """Detail requests (``GET /v1/executions/ID``) in the server's access log after byte ``since``; its end."""
    text = log.read_text()
    return text[since:].count('"GET /v1/executions/'), len(text)


def second_start() -> list[list[object]]:
    """The list at 160x50 started again with an archive a first run filled, against no archive, alternated."""
    timed: dict[str, list[tuple[float, float, int]]] = {"archive": [], "network": []}
    with tempfile.TemporaryDirectory(prefix="riza-bench-second-") as name:
        folder = Path(name)
        log, archive_path = folder / "access.log", folder / "archive.db"
        with served(access_log=log) as server:
            asyncio.run(hydrate_once(server.url, archive_path))  # the first run: fills the archive
            mark = detail_requests(log, 0)[1]
            for _ in range(RUNS):
                for label, path in (("archive", archive_path), ("network", None)):
                    start_s, page_s, _rows, _ = asyncio.run(hydrate_once(server.url, path))
                    asked, mark = detail_requests(log, mark)
                    timed[label].append((start_s, page_s, asked))
    by_start = {label: median([run[0] for run in runs]) for label, runs in timed.items()}
    rows_out: list[list[object]] = []
    for label, what in (("archive", "rows from the archive a first run filled"), ("network", "no archive")):
        runs = timed[label]
        rows_out.append(
            [
                what,
                by_start[label] * 1000,
                median([run[1] for run in runs]) * 1000,
                median([float(run[2]) for run in runs]),
                f"{by_start[label] / by_start['network']:.2f}x",
            ]
        )
    return rows_out


def big_lines() -> list[str]:
    count = SEARCH_MB * 1024 * 1024 // 56
    lines = [f"2026-11-27 08:00:{n % 60:02d},{n % 1000:03d} INFO etl batch={n} rows=1234" for n in range(count)]
    for index in range(0, count, 10_000):
        lines[index] += " needle"
    return lines


async def search_in_app(lines: list[str]) -> tuple[float, float, int]:
    """Seconds for the pane's search to finish, the median key latency while a second search ran, the matches."""
    from textual.app import App, ComposeResult

    from riza_tui.tui.render.text_document import Document
    from riza_tui.tui.widgets.text_view import TextView

    class OnePane(App[None]):
        def compose(self) -> ComposeResult:
            yield TextView(id="view")

    app = OnePane()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(TextView)
        view._set_document(Document(lines, max(map(len, lines[:1000]))))
        view.focus()
        await pilot.pause()
        started = time.perf_counter()
        view.search("needle")
        matches = view.matches
        assert matches is not None
        while not matches.done:
            await asyncio.sleep(0.005)
        seconds = time.perf_counter() - started
        found = len(matches.lines)
        view.search("batch=7")  # a broader one, so that keys arrive while it runs
        running = view.matches
        assert running is not None
        keys: list[float] = []
        while not running.done:
            before = view.scroll_y
            pressed = time.perf_counter()
            app.simulate_key("pagedown")
            while view.scroll_y == before:
                await asyncio.sleep(0.0005)
            keys.append(time.perf_counter() - pressed)
            await asyncio.sleep(0.02)
        await pilot.pause()  # the last key is answered before the app closes
    return seconds, median(keys) if keys else 0.0, found


def search() -> list[list[object]]:
    lines = big_lines()
    size_mb = sum(map(len, lines)) / 1024 / 1024
    text = "\n".join(lines)
    floors = []
    for _ in range(3):
        started = time.perf_counter()
        count = sum(1 for _ in re.finditer(re.escape("needle"), text, re.IGNORECASE))
        floors.append(time.perf_counter() - started)
    del text
    results = [asyncio.run(search_in_app(lines)) for _ in range(3)]
    seconds = median([result[0] for result in results])
    floor = median(floors)
    assert all(result[2] == count for result in results), "the pane found what the regex found"
    return [
        ["text searched, MB", f"{size_mb:.0f}"],
        ["matches", count],
        ["pane search (thread, chunks of 20,000 lines), s", f"{seconds:.2f}"],
        ["throughput, MB/s", f"{size_mb / seconds:.0f}"],
        ["floor: one regex pass over one string, s", f"{floor:.2f}"],
        ["pane / floor", f"{seconds / floor:.2f}x"],
        ["key answered during the search, median ms", median([result[1] for result in results]) * 1000],
    ]


def run() -> str:
    hydrated = hydration()
    restarted = second_start()
    searched = search()
    return (
        f"List hydration: one screen of rows at 160x50, median of {RUNS}\n\n"
        + table(["", "value"], hydrated)
        + f"\n\nSecond start of the triage table, 160x50: app start to every row on screen showing its type and error "
        f"line, median of {RUNS} alternated (detail requests counted in the server's access log)\n\n"
        + table(SECOND_START_HEADERS, restarted)
        + f"\n\nSearch in a pane: {SEARCH_MB} MB of log lines, median of 3\n\n"
        + table(["", "value"], searched)
    )


if __name__ == "__main__":
    print(run())
