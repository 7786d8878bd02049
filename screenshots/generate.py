"""Regenerate the README screenshots from the bundled demo data: ``python screenshots/generate.py``.

Runs the real app headless against the embedded server, saves each screen as SVG, and converts it to
PNG with ``rsvg-convert`` (Debian: librsvg2-bin) when that is installed.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import riza_tui.core.formatting
from riza_tui.api.client import RizaClient
from riza_tui.api.settings import ClientSettings
from riza_tui.core.archive import open_archive
from riza_tui.core.sync import sync_archive
from riza_tui.demo.generate import NEWEST
from riza_tui.server.data import load_data
from riza_tui.server.http import EmbeddedServer
from riza_tui.tui.app import RizaApp

HERE = Path(__file__).parent
Record = dict[str, Any]


def _kind(record: Record) -> str | None:
    return (record.get("details") or {}).get("type")


def _failed_tool(record: Record) -> bool:
    return _kind(record) == "tool" and record["exit_code"] != 0


Shot = tuple[str, tuple[int, int], Callable[[Record], bool] | None, tuple[str, ...]]
# These need the archive: a copy of the sample data synced into a temporary one first.
ARCHIVED_SHOTS: list[Shot] = [
    ("groups", (150, 36), None, ("i",)),
    ("group-executions", (150, 36), None, ("i", "enter")),
    ("execution-in-its-group", (150, 36), None, ("i", "enter", "enter")),
    ("archive-search", (150, 36), None, ("s", *"backoff", "enter")),
]
SHOTS: list[Shot] = [
    ("script", (160, 45), lambda r: _kind(r) == "script" and "KeyError" in r["details"]["response"]["stderr"], ()),
    (
        "function",
        (160, 45),
        lambda r: _kind(r) == "function" and "GITHUB_TOKEN" in r["details"]["request"].get("env", {}),
        (),
    ),
    ("tool", (160, 45), lambda r: _kind(r) == "tool" and "WEATHER" in r["details"]["tool_id"], ()),
    ("hostile-output", (120, 32), lambda r: "pwned" in str(r), ()),
    ("unknown-type", (120, 32), lambda r: _kind(r) == "workflow", ()),
    ("list-160x50", (160, 50), None, ("down",) * 10),
    ("list-80x24", (80, 24), None, ("down",) * 10),
    ("list-filtered", (120, 32), None, ("slash", "1", "3", "7")),
    ("failing-line", (120, 32), lambda r: _kind(r) == "script" and "Invalid URL" in str(r), ()),
    ("search", (120, 32), lambda r: "still polling" in str(r), ("shift+tab", "slash", *"polling", "enter", "n")),
    ("narrow-80x24", (80, 24), lambda r: _kind(r) == "script" and "csv" in r["details"]["request"]["code"], ()),
    ("palette", (120, 32), _failed_tool, ("ctrl+p", *"compare")),
    ("diff-side-by-side", (160, 45), _failed_tool, ("ctrl+p", *"last good", "enter", "tab")),
]


async def _shoot(
    server: EmbeddedServer,
    name: str,
    size: tuple[int, int],
    execution_id: str | None,
    keys: tuple[str, ...] = (),
    archive_at: Path | None = None,
) -> Path:
    settings = ClientSettings(api_key=server.api_key, base_url=server.url)
    archive = open_archive(server.url, None, path=archive_at) if archive_at is not None else None
    app = RizaApp(settings, initial_id=execution_id, server_label="demo data · 127.0.0.1", archive=archive)
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:  # one at a time: the palette searches as it is typed
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
        target = HERE / f"{name}.svg"
        target.write_text(app.export_screenshot(title=f"riza-tui — {name}"))
    return target


def _to_png(svg: Path) -> None:
    """rsvg drops leading non-breaking spaces, so give it plain spaces it is told to preserve."""
    converter = shutil.which("rsvg-convert")
    if converter is None:
        return
    text = svg.read_text().replace("&#160;", " ")
    text = re.sub(r"<svg ", '<svg xml:space="preserve" ', text, count=1)
    prepared = svg.with_suffix(".tmp.svg")
    prepared.write_text(text)
    subprocess.run([converter, str(prepared), "-o", str(svg.with_suffix(".png"))], check=True)
    prepared.unlink()


def main() -> None:
    os.environ["TZ"] = "UTC"
    time.tzset()
    riza_tui.core.formatting.utc_now = lambda: NEWEST + timedelta(hours=16)
    store = load_data()
    with EmbeddedServer(store) as server, tempfile.TemporaryDirectory() as folder:
        for name, size, predicate, keys in SHOTS:
            execution_id = next(r["id"] for r in store.records if predicate(r)) if predicate else None
            svg = asyncio.run(_shoot(server, name, size, execution_id, keys))
            _to_png(svg)
            print(f"wrote {svg.name}")
        archived = Path(folder) / "archive.db"
        asyncio.run(_fill(server, archived))
        for name, size, _predicate, keys in ARCHIVED_SHOTS:
            svg = asyncio.run(_shoot(server, name, size, None, keys, archived))
            _to_png(svg)
            print(f"wrote {svg.name}")
    error = asyncio.run(_error_shot())
    _to_png(error)
    print(f"wrote {error.name}")


async def _fill(server: EmbeddedServer, path: Path) -> None:
    """The sample data, synced into an archive as ``riza-tui sync --since all`` would."""
    settings = ClientSettings(api_key=server.api_key, base_url=server.url)
    with open_archive(server.url, None, path=path) as archive:
        async with RizaClient(settings) as client:
            await sync_archive(client, archive)


async def _error_shot() -> Path:
    with EmbeddedServer(load_data()) as server:
        return await _shoot(server, "error-not-found", (120, 32), "exec_01JXXXXNOTAREALID000000000")


if __name__ == "__main__":
    main()
