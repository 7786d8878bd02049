"""Incidents in the TUI, on a real archive filled over loopback from the sample data (its recurring failures):
the groups screen and a group's executions, the execution's group line, comparing a group's first failure with
its last good run, the archive search screen and its hand-off to the pane search, watch mode marking a failure
that starts a new group, and the incident report on the clipboard."""

from __future__ import annotations

from pathlib import Path

from riza_tui.api.settings import ClientSettings
from riza_tui.core.archive import open_archive
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from riza_tui.tui.screens.diff import DiffScreen
from riza_tui.tui.screens.execution import ExecutionScreen
from riza_tui.tui.screens.groups import GroupsScreen
from riza_tui.tui.screens.members import MembersScreen
from riza_tui.tui.screens.search import SearchScreen
from riza_tui.tui.widgets.group_table import GroupTable
from riza_tui.tui.widgets.text_view import TextView
from riza_tui.tui.widgets.triage_table import TriageTable
from tests.app_helpers import (
    WIDE,
    list_heading,
    palette_hits,
    rendered_text,
    run_from_palette,
    summary_of,
    table_rows,
    toasts,
    type_text,
)
from tests.conftest import script_record, settle
from tests.loopback import ScriptedServer


def app_on(server: ScriptedServer, tmp_path: Path) -> RizaApp:
    archive = open_archive(server.url, None, path=tmp_path / "archive.db")
    settings = ClientSettings(api_key=server.api_key, base_url=server.url, timeout=5.0)
    return RizaApp(settings, archive=archive, server_label="test server")


def heading(app: RizaApp, selector: str) -> str:
    return rendered_text(app.screen.query_one(selector))


async def test_groups_say_how_many_since_when_and_lead_to_their_executions(
    server: ScriptedServer, store: ServerData, tmp_path: Path
) -> None:
    app = app_on(server, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")  # the groups screen syncs the window into the archive, then counts
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        groups = app.screen.query_one(GroupTable).groups
        payments = next(group for group in groups if "gave up on https://payments" in group.error)
        assert payments.count == 10 and len(payments.ids) == 10, "ten runs that failed on the same statement"
        text = heading(app, "#groups-heading")
        assert "Failure groups · the last 7 days" in text and f"{len(groups)} groups" in text
        rows = rendered_text(app.screen.query_one(GroupTable))
        line = next(row for row in rows.splitlines() if "gave up on https://payments" in row)
        assert line.split()[0] == "10" and any(bar in line for bar in "▁▂▃▄▅▆▇█"), "the count and its sparkline"
        app.screen.query_one(GroupTable).cursor = groups.index(payments)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        members = [row.id for row in app.screen.query_one(TriageTable).shown]
        assert members == list(payments.ids), "the group's executions, newest first"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExecutionScreen) and members[0] in summary_of(app)
        assert "group: 9 others since" in summary_of(app), "one-off or outbreak, on the execution itself"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen), "back to where it was opened from"


async def test_a_group_is_compared_with_its_last_good_run(server: ScriptedServer, tmp_path: Path) -> None:
    app = app_on(server, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        table = app.screen.query_one(GroupTable)
        invoice = next(g for g in table.groups if "VAT id" in g.error)
        assert invoice.last_good_id is not None, "the tool succeeded before its group started"
        table.cursor = table.groups.index(invoice)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        assert (app.screen.left.execution.id, app.screen.right.execution.id) == (invoice.last_good_id, invoice.first_id)
        diff = app.screen.query_one(TextView).shown_text()
        assert "rev_07" in diff and "rev_08" in diff, "the revision that started it shows in the difference"


async def test_search_finds_substrings_and_opens_the_pane_that_matched(
    server: ScriptedServer, store: ServerData, tmp_path: Path
) -> None:
    app = app_on(server, tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await run_from_palette(pilot, "Sync the archive")
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await type_text(pilot, '"unterminated')
        await pilot.press("enter")
        await settle(pilot)
        assert "unterminated" in heading(app, "#search-heading").lower(), "a query that cannot be searched says why"
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "stderr:backoff")
        await pilot.press("enter")
        await settle(pilot)
        hits = app.screen.query_one(TriageTable).shown
        expected = [r["id"] for r in store.records if "backoff" in str((r.get("details") or {}).get("response"))]
        assert hits and {hit.id for hit in hits} <= set(expected), "substrings inside identifiers (fetch_with_backoff)"
        assert any("stderr:" in row for row in table_rows(app)[1:]), "each row shows where it matched"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExecutionScreen)
        stderr = app.screen.query_one("#stderr", TextView)
        assert (
            app.focused is stderr
            and stderr.matches is not None
            and stderr.matches.status().endswith(tuple("0123456789"))
        ), "its pane is searched for what matched"


async def test_watch_marks_a_failure_that_starts_a_new_group(store: ServerData, tmp_path: Path) -> None:
    newest = store.records[0]
    older = [record for record in store.records if record is not newest]
    with ScriptedServer(ServerData(older), api_key="k") as moving:
        app = app_on(moving, tmp_path)
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            await settle(pilot)
            await run_from_palette(pilot, "Sync the archive")
            novel = script_record(
                "exec_01JZZZZZZZZZZZZZZZZZZZNEW1",
                "import json\nprint(json.loads('{'))",
                exit_code=1,
                stderr='Traceback (most recent call last):\n  File "/src/main.py", line 2, in <module>\n'
                "json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes\n",
            )
            novel["started_at"] = "2026-11-28T08:59:00Z"
            moving.store = ServerData([novel, *older])
            assert app.feed is not None and await app.feed.poll_newest() == [novel["id"]]
            await settle(pilot)
            assert "1 new failure group" in list_heading(app)
            assert table_rows(app)[1].lstrip().startswith("✱"), "the row that started it is marked"
            assert "starting a new failure group" in toasts(app)


async def test_the_incident_report_with_its_group_goes_to_the_clipboard(server: ScriptedServer, tmp_path: Path) -> None:
    app = app_on(server, tmp_path)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "incident report")
        await settle(pilot)
        assert any("Copy the incident report" in hit for hit in palette_hits(app))
        await pilot.press("enter")
        await settle(pilot)
        assert app.clipboard is not None and "## Failure group" in app.clipboard
        assert "Copied the incident report" in toasts(app)


async def test_a_window_with_nothing_archived_before_it_does_not_call_every_group_new(
    server: ScriptedServer, tmp_path: Path
) -> None:
    app = app_on(server, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert " new" in heading(app, "#groups-heading"), "the last 7 days, with older runs archived: some are new"
        await pilot.press("w")  # the last 30 days: the sample data's whole history, nothing archived before it
        await settle(pilot)
        text = heading(app, "#groups-heading")
        assert "the last 30 days" in text and "nothing archived before the window" in text
        rows = rendered_text(app.screen.query_one(GroupTable)).splitlines()[1:]
        assert rows and not any(" new " in row for row in rows), "no group is marked new without history to tell"


async def test_a_narrow_search_row_shows_what_matched(server: ScriptedServer, tmp_path: Path) -> None:
    app = app_on(server, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await run_from_palette(pilot, "Sync the archive")
        await pilot.press("s")
        await type_text(pilot, 'stderr:"gave up on"')
        await pilot.press("enter")
        await settle(pilot)
        rows = table_rows(app)[1:]
        assert rows and all("gave up on" in row for row in rows if row.strip()), "the match, not the line's start"
        await pilot.press("slash", "ctrl+a", "ctrl+k")
        await type_text(pilot, "backoff")  # inside fetch_with_backoff( and retryWithBackoff: a substring
        await pilot.press("enter")
        await settle(pilot)
        rows = [row for row in table_rows(app)[1:] if row.strip()]
        assert rows and all("backoff" in row.lower() for row in rows), rows
