"""The app with its archive: what it fetches is written through (masked, off the UI thread), a second start fills
the table from the archive without a request, ``--offline`` reads only the archive with the server gone, a
server that cannot answer offers the archived copy, an archive that cannot be used is one line while the app
goes on, and the palette syncs the last day."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from riza_tui.api.settings import ClientSettings
from riza_tui.core.archive import Archive, open_archive
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from riza_tui.tui.widgets.triage_table import TriageTable
from tests.app_helpers import (
    WIDE,
    Arrivals,
    body,
    list_heading,
    palette_hits,
    rendered_text,
    summary_of,
    table_rows,
    toasts,
    type_text,
)
from tests.archive_helpers import CANARIES, canary_records, files_of, locked, readable
from tests.conftest import settle
from tests.loopback import ScriptedServer


def archive_for(server: ScriptedServer, tmp_path: Path) -> Archive:
    return open_archive(server.url, None, path=tmp_path / "archive.db")


def app_with(settings: ClientSettings, archive: Archive | None, **options: object) -> RizaApp:
    return RizaApp(settings, archive=archive, server_label="test server", **options)  # type: ignore[arg-type]


def detail_requests(server: ScriptedServer) -> list[str]:
    return [r.raw_path for r in server.requests if r.raw_path.startswith("/v1/executions/")]


async def test_what_the_app_fetches_is_kept_masked_and_a_second_start_needs_no_request(
    tmp_path: Path, settings: ClientSettings
) -> None:
    with ScriptedServer(ServerData(canary_records()), api_key="k") as server:
        settings = ClientSettings(api_key="k", base_url=server.url)
        first = app_with(settings, archive_for(server, tmp_path))
        async with first.run_test(size=WIDE) as pilot:
            await settle(pilot)
            table = first.screen.query_one(TriageTable)
            shown = [row.id for row in table.shown]
            assert detail_requests(server), "the rows on screen were fetched once"
            await pilot.press("enter")
            await settle(pilot)
        written = b"".join(files_of(tmp_path).values())
        for name, secret in CANARIES.items():
            assert secret.encode() not in readable(written), f"{name} reached the disk"
        with sqlite3.connect(tmp_path / "archive.db") as check:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        server.requests.clear()
        second = app_with(settings, archive_for(server, tmp_path))
        async with second.run_test(size=WIDE) as pilot:
            await settle(pilot)
            rows = "\n".join(table_rows(second))
            assert detail_requests(server) == [], "every row on screen came from the archive"
            assert "script" in rows and "VisibleMarkerError" in rows, "type and error line without a request"
            assert [row.id for row in second.screen.query_one(TriageTable).shown] == shown


async def test_offline_reads_only_the_archive_with_the_server_gone(tmp_path: Path, store: ServerData) -> None:
    records = store.records[:30]
    with ScriptedServer(ServerData(records), api_key="k") as server:
        url = server.url
        archive = archive_for(server, tmp_path)
        archive.put_many(records)
        archive.close()
    offline_archive = open_archive(url, None, path=tmp_path / "archive.db")
    app = app_with(ClientSettings(base_url=url), offline_archive, offline=True)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TriageTable)
        assert [row.id for row in table.shown] == [record["id"] for record in records]
        assert "W" not in str(app.screen.query_one("KeyBar").render()).split(), "nothing to watch offline"
        await pilot.press("j", "enter")
        await settle(pilot)
        assert records[1]["id"] in summary_of(app) and "archived copy" in summary_of(app)
        await pilot.press("ctrl+l")
        await type_text(pilot, "exec_not_archived")
        await pilot.press("enter")
        await settle(pilot)
        assert body(app) == "error" and "not in the archive" in rendered_text(app.screen.query_one("#error-message"))


async def test_a_server_that_cannot_answer_offers_the_archived_copy(tmp_path: Path, store: ServerData) -> None:
    record = store.records[4]
    with ScriptedServer(ServerData([record]), api_key="k") as server:
        archive = archive_for(server, tmp_path)
        archive.put_many([record])
        settings = ClientSettings(api_key="k", base_url=server.url, max_retries=0)
    app = app_with(settings, archive)  # the server is gone now
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("ctrl+l")
        await type_text(pilot, record["id"])
        await pilot.press("enter")
        await settle(pilot)
        assert body(app) == "detail" and record["id"] in summary_of(app)
        assert "archived copy, kept" in summary_of(app), "marked as the archived copy, with its age"
        assert "showing the archived copy" in toasts(app)


@pytest.mark.parametrize("fault", ["corrupt", "locked"])
async def test_an_archive_that_cannot_be_used_is_one_line_and_the_app_goes_on(
    fault: str, tmp_path: Path, make_app: Callable[..., RizaApp], server: ScriptedServer, store: ServerData
) -> None:
    from riza_tui.cli.archive_use import open_for_app

    path = tmp_path / "archive.db"
    archive_for(server, tmp_path).close()
    if fault == "corrupt":
        path.write_bytes(b"this is not a database" * 100)
    options = argparse.Namespace(archive=path, no_archive=False, demo=False, config=None, archive_max_size=None)
    with locked(path) if fault == "locked" else _nothing():
        archive, problem = open_for_app(options, make_app().settings)
    assert archive is None and len(problem.splitlines()) == 1 and str(path) in problem
    app = app_with(make_app().settings, None, archive_problem=problem)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        assert "No archive" in toasts(app) and "nothing fetched now will be kept" in toasts(app)
        assert len(app.screen.query_one(TriageTable).shown) == 100, "the list works without it"
        await pilot.press("enter")
        await settle(pilot)
        assert store.records[0]["id"] in summary_of(app)


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc: object) -> None:
        return None


async def test_the_palette_syncs_the_last_day_with_a_few_progress_lines(
    tmp_path: Path, server: ScriptedServer, store: ServerData, settings: ClientSettings
) -> None:
    archive = archive_for(server, tmp_path)
    app = app_with(settings, archive)
    arrivals = Arrivals()
    async with app.run_test(size=WIDE, message_hook=arrivals, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Sync the archive")
        await settle(pilot)
        assert any("Sync the archive: the last day" in hit for hit in palette_hits(app))
        await pilot.press("enter")
        await settle(pilot)
        assert "Synced:" in toasts(app) and "syncing" not in list_heading(app)
        day = [r for r in store.records if r["started_at"] >= "2026-11-27T09:00:00"]  # the frozen clock's last day
        assert archive.stats().executions >= len(day) > 0


async def test_the_filter_matches_what_every_archived_row_says(
    tmp_path: Path, server: ScriptedServer, store: ServerData, settings: ClientSettings
) -> None:
    archive = archive_for(server, tmp_path)
    archive.put_many(store.records)
    app = app_with(settings, archive)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        server.requests.clear()
        await pilot.press("slash")
        await type_text(pilot, "KeyError")
        await settle(pilot)
        table = app.screen.query_one(TriageTable)
        loaded = [row.id for row in app.session.store.rows]
        wanted = [r["id"] for r in store.records if r["id"] in loaded and "KeyError" in str(r.get("details"))]
        assert len(wanted) >= 2 and [row.id for row in table.shown] == wanted, "rows far below the screen too"
        assert f"({len(loaded)} with details)" in list_heading(app)
        assert detail_requests(server) == [], "from the archive, not the server"
