"""The archive: ``serve --data`` of a million executions from disk, ``sync`` against the server's own rate, and
what writing costs.

(1) ``serve --data FILE.jsonl`` of 1,000,000 small script executions (100,000 with ``--quick``): seconds until
it serves, peak RSS (VmHWM) of the server process, the temporary archive's size, and the latency of the
first and the last list page, by key; then the same archive served as ``--data FILE.db``. Floors from the
same run: the per-record work no reader can skip (json.loads and validation by the models, one process),
the RSS of a process that only imported the server, and the old in-memory ``ServerData`` at 100,000.
(2) ``sync`` of 10,000 executions (2,000 with ``--quick``) at concurrency 1, 4 and 8, against plain httpx
making the same GETs at the same concurrency (the server's own rate: the limit). (3) ``put_many`` of 50
small executions: per execution, against the SQL insert alone (no masking, encoding or compressing).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import API_KEY, ROOT, median, served, table

IN_MEMORY = 100_000
PAGE_SAMPLES = 100
NEWEST = datetime(2026, 11, 28, tzinfo=UTC)


def small_execution(number: int) -> dict[str, Any]:
    """A small script execution, a second older than the one before; one in ten fails with a traceback."""
    failed = number % 10 == 0
    stderr = 'Traceback (most recent call last):\n  File "main.py", line 2\nValueError: bad row 7\n' if failed else ""
    started = (NEWEST - timedelta(seconds=number)).isoformat().replace("+00:00", "Z")
    return {
        "id": f"exec_bench_{number:09d}",
        "language": "python",
        "duration": 12 + number % 50,
        "exit_code": 1 if failed else 0,
        "started_at": started,
        "details": {
            "type": "script",
            "request": {"language": "python", "code": "import sys\nprint(sys.argv)\n", "env": {"TOKEN": "t0k3n"}},
            "response": {"id": f"exec_bench_{number:09d}", "exit_code": 1 if failed else 0, "stdout": "['main.py']\n",
                         "stderr": stderr, "duration": 12 + number % 50},
        },
    }  # fmt: skip


def write_jsonl(path: Path, count: int) -> None:
    with open(path, "w") as file:
        for start in range(0, count, 10_000):
            file.write("".join(json.dumps(small_execution(n)) + "\n" for n in range(start, min(count, start + 10_000))))


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


def child_figures(code: str, *args: str) -> dict[str, float]:
    """Run ``code`` in a fresh process that prints one JSON object of figures (its peak RSS added)."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True, timeout=3600
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


VALIDATE_ONLY = """
import json, sys, time, re
from pathlib import Path
from riza_tui.api.models import Execution
started = time.perf_counter()
with open(sys.argv[1], "rb") as file:
    for line in file:
        Execution.model_validate(json.loads(line))
seconds = time.perf_counter() - started
hwm = int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024
print(json.dumps({"seconds": seconds, "rss": hwm}))
"""
IN_MEMORY_LOAD = """
import json, sys, time, re
from pathlib import Path
started = time.perf_counter()
from riza_tui.server.data import ServerData, parse_records
data = ServerData(parse_records(Path(sys.argv[1]).read_text(), sys.argv[1]))
seconds = time.perf_counter() - started
hwm = int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024
print(json.dumps({"seconds": seconds, "rss": hwm, "count": len(data)}))
"""
IMPORT_ONLY = """
import json, re
from pathlib import Path
import riza_tui.server.archived, riza_tui.server.http, riza_tui.cli.serve
hwm = int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024
print(json.dumps({"rss": hwm}))
"""


def page_latencies(url: str, last_cursor: str) -> tuple[float, float]:
    """Median seconds for the first list page and for the last, asked for in turn so both see the same noise."""
    import httpx

    pages: dict[str, dict[str, str]] = {
        "first": {"limit": "100"},
        "last": {"limit": "100", "starting_after": last_cursor},
    }
    samples: dict[str, list[float]] = {"first": [], "last": []}
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {API_KEY}"}) as client:
        for params in pages.values():
            client.get("/v1/executions", params=params).raise_for_status()
        for _ in range(PAGE_SAMPLES):
            for name, params in pages.items():
                started = time.perf_counter()
                reply = client.get("/v1/executions", params=params)
                samples[name].append(time.perf_counter() - started)
                assert reply.status_code == 200 and len(reply.json()["data"]) == 100
    return median(samples["first"]), median(samples["last"])


def serve_once(data: Path, count: int, folder: Path, keep_db: Path | None = None) -> dict[str, float]:
    """Start ``riza-tui serve --data``; seconds to the first line, peak RSS, archive size, page latencies."""
    command = [sys.executable, "-m", "riza_tui", "serve", "--port", "0", "--api-key", API_KEY, "--data", str(data)]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
        env={**os.environ, "TMPDIR": str(folder)},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        ready = time.perf_counter() - started
        found = re.search(r"http://[\d.]+:\d+", first)
        if not found:
            raise RuntimeError(f"serve did not start: {first!r}")
        rss_ready = peak_rss_mb(process.pid)
        databases = list(folder.glob("riza-tui-serve-*/data.db"))
        size = (databases[0] if databases else data).stat().st_size
        if keep_db is not None and databases:
            shutil.copyfile(databases[0], keep_db)
        first_page, last_page = page_latencies(found.group(), f"exec_bench_{count - 101:09d}")
        rss = peak_rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=60)
    return {"ready": ready, "rss_ready": rss_ready, "rss": rss, "size": size, "first": first_page, "last": last_page}


def serve_figures(count: int) -> str:
    with tempfile.TemporaryDirectory(prefix="riza-bench-archive-") as name:
        folder = Path(name)
        data = folder / "executions.jsonl"
        write_jsonl(data, count)
        small = folder / "small.jsonl"
        write_jsonl(small, IN_MEMORY)
        validate = child_figures(VALIDATE_ONLY, str(data))
        imported = child_figures(IMPORT_ONLY)
        memory = child_figures(IN_MEMORY_LOAD, str(small))
        from_jsonl = serve_once(data, count, folder, keep_db=folder / "archive.db")
        from_db = serve_once(folder / "archive.db", count, folder)
        jsonl_mb = data.stat().st_size / 1e6
    rows = [
        [f"serve --data {count:,} JSONL ({jsonl_mb:,.0f} MB)", from_jsonl["ready"], from_jsonl["rss"],
         from_jsonl["size"] / 1e6, from_jsonl["first"] * 1000, from_jsonl["last"] * 1000,
         f"{from_jsonl['last'] / from_jsonl['first']:.2f}x"],
        ["serve --data the same as .db", from_db["ready"], from_db["rss"], from_db["size"] / 1e6,
         from_db["first"] * 1000, from_db["last"] * 1000, f"{from_db['last'] / from_db['first']:.2f}x"],
        [f"floor: json.loads + validation of {count:,}", validate["seconds"], validate["rss"], "", "", "", ""],
        ["floor: a process that imported the server", "", imported["rss"], "", "", "", ""],
        [f"before: in memory, {IN_MEMORY:,} (ServerData)", memory["seconds"], memory["rss"], "", "", "", ""],
    ]  # fmt: skip
    return (
        f"serve --data from disk: seconds to serving, peak RSS (VmHWM, MB), archive MB, list page by key (median of "
        f"{PAGE_SAMPLES}, ms). Import / floor: {from_jsonl['ready'] / validate['seconds']:.2f}x; RSS over the "
        f"import-only floor: {from_jsonl['rss'] - imported['rss']:.0f} MB\n\n"
        + table(["data", "ready s", "peak RSS MB", "archive MB", "first page ms", "last page ms", "last / first"], rows)
    )


async def sync_rate(url: str, concurrency: int, folder: Path, count: int) -> float:
    from riza_tui.api.client import RizaClient
    from riza_tui.api.settings import ClientSettings
    from riza_tui.core.archive import open_archive
    from riza_tui.core.sync import sync_archive

    with open_archive(url, None, path=folder / f"sync-{concurrency}-{time.monotonic_ns()}.db") as archive:
        async with RizaClient(ClientSettings(api_key=API_KEY, base_url=url)) as client:
            started = time.perf_counter()
            state = await sync_archive(client, archive, concurrency=concurrency)
            seconds = time.perf_counter() - started
        assert state.fetched == count and state.complete, state
    return seconds


async def httpx_rate(url: str, concurrency: int) -> float:
    """The same GETs as a sync, by plain httpx at the same concurrency: list pages, then each page's details."""
    import httpx

    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {API_KEY}"}) as client:
        slots = asyncio.Semaphore(concurrency)

        async def detail(execution_id: str) -> None:
            async with slots:
                (await client.get(f"/v1/executions/{execution_id}")).raise_for_status()

        started = time.perf_counter()
        cursor = None
        while True:
            params = {"limit": "100"} | ({"starting_after": cursor} if cursor else {})
            page = (await client.get("/v1/executions", params=params)).json()["data"]
            if not page:
                break
            await asyncio.gather(*(detail(item["id"]) for item in page))
            cursor = page[-1]["id"]
        return time.perf_counter() - started


def sync_figures(count: int, runs: int) -> str:
    records = [small_execution(number) for number in range(count)]
    rows = []
    with served(records) as server, tempfile.TemporaryDirectory(prefix="riza-bench-sync-") as name:
        for concurrency in (1, 4, 8):
            ours = median([asyncio.run(sync_rate(server.url, concurrency, Path(name), count)) for _ in range(runs)])
            floor = median([asyncio.run(httpx_rate(server.url, concurrency)) for _ in range(runs)])
            rows.append([concurrency, count / ours, count / floor, f"{ours / floor:.2f}x"])
    return f"sync of {count:,} executions, executions a second (median of {runs})\n\n" + table(
        ["concurrency", "riza-tui sync /s", "floor: httpx, same GETs /s", "sync time / floor"], rows
    )


def write_figures() -> str:
    from riza_tui.core.archive import open_archive
    from riza_tui.core.archive.records import INSERT_ROW, row_for

    batches = [[small_execution(start + n) for n in range(50)] for start in range(0, 50 * 200, 50)]
    with tempfile.TemporaryDirectory(prefix="riza-bench-write-") as name:
        archive = open_archive("http://127.0.0.1:9", None, path=Path(name) / "a.db")
        put = []
        for batch in batches[:100]:
            started = time.perf_counter()
            archive.put_many(batch)
            put.append(time.perf_counter() - started)
        rows_only = []
        for batch in batches[100:]:
            started = time.perf_counter()
            [row_for(raw, mask=True) for raw in batch]
            rows_only.append(time.perf_counter() - started)
        prepared = [[row_for(raw, mask=True).values(0.0) for raw in batch] for batch in batches[100:]]
        insert = []
        writer = archive._writer
        assert writer is not None
        for values in prepared:
            started = time.perf_counter()
            writer.execute("BEGIN IMMEDIATE")
            writer.executemany(INSERT_ROW, values)
            writer.execute("COMMIT")
            insert.append(time.perf_counter() - started)
        archive.close()
    per = 1e6 / 50
    rows = [
        ["put_many (mask, summarise, compress, write)", median(put) * 1000, median(put) * per],
        ["of which: mask, summarise, compress", median(rows_only) * 1000, median(rows_only) * per],
        ["floor: the SQL insert alone, one transaction", median(insert) * 1000, median(insert) * per],
    ]
    return (
        "archive write cost, a batch of 50 small executions (median of 100)\n\n"
        + table(["", "ms a batch", "µs an execution"], rows)
        + f"\n\nput_many / insert floor: {median(put) / median(insert):.1f}x"
    )


def run() -> str:
    quick = bool(os.environ.get("RIZA_BENCH_QUICK"))
    served_count, synced_count, runs = (100_000, 2_000, 3) if quick else (1_000_000, 10_000, 1)
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC" + (" (--quick)" if quick else "")
    return "\n\n".join([f"run {when}", serve_figures(served_count), sync_figures(synced_count, runs), write_figures()])
