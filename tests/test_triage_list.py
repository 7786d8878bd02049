"""The list as a triage table, against the embedded server: columns filled from the rows on screen only, at most
four requests in flight, the filter, watch mode, back and forward, history, pasted URLs and alert text."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual import events

from riza_tui.core.history import LookupHistory
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from riza_tui.tui.messages import WatchChanged
from riza_tui.tui.widgets.lookup_bar import LookupBar
from riza_tui.tui.widgets.triage_table import TriageTable
from tests.app_helpers import (
    Arrivals,
    body,
    focused_recent_list,
    list_heading,
    press_and_settle,
    summary_of,
    table_rows,
    toasts,
    type_text,
)
from tests.conftest import settle
from tests.loopback import ScriptedServer

TALL = (160, 50)


def retrieved(server: ScriptedServer) -> list[str]:
    """The execution IDs the client asked the server for one by one, in order."""
    return [r.raw_path.rsplit("/", 1)[1] for r in server.requests if r.raw_path.startswith("/v1/executions/")]


async def test_table_has_headers_and_fills_columns_for_the_rows_on_screen_only(
    make_app: Callable[..., RizaApp], store: ServerData, server: ScriptedServer
) -> None:
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        table = await focused_recent_list(app, pilot)
        rows = table_rows(app)
        assert rows[0].split() == ["started", "age", "id", "language", "took", "exit", "type", "tool", "error"]
        on_screen = table.scrollable_content_region.height - 1
        fetched = retrieved(server)
        ids = [record["id"] for record in store.records]
        assert fetched and set(fetched) <= set(ids[: 2 * on_screen]), "the rows on screen and a page ahead, no more"
        assert len(fetched) == len(set(fetched)), "each row once"
        failing = next(index for index, record in enumerate(store.records[:on_screen]) if record["exit_code"] == 1)
        row = rows[1 + failing]
        assert "1 (error)" in row and any(kind in row for kind in ("script", "function", "tool"))
        assert max(len(row) for row in rows) >= 155, "the error line reaches the right edge at 160 columns"


async def test_error_line_and_exit_meaning_for_an_out_of_memory_kill(
    make_app: Callable[..., RizaApp], store: ServerData
) -> None:
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        table = await focused_recent_list(app, pilot)
        await pilot.press("slash")
        await type_text(pilot, "137")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        oom = [record["id"] for record in store.records if record["exit_code"] == 137]
        assert [execution.id for execution in table.shown] == oom, "the filter pulls in pages until it has them"
        assert f"{len(oom)} of {len(store)} loaded match (" in list_heading(app)
        assert "137 (killed — out of memory?)" in table_rows(app)[1]
        assert "Killed: process exceeded" in table_rows(app)[1]
        await pilot.press("enter")
        await settle(pilot)
        assert oom[0] in summary_of(app) and "killed — out of memory?" in summary_of(app)


async def test_no_more_than_four_details_requests_in_flight(
    make_app: Callable[..., RizaApp], server: ScriptedServer
) -> None:
    held = [server.hold("/v1/executions/exec_") for _ in range(8)]
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        for fault in held[:4]:
            await asyncio.to_thread(fault.arrived.wait, 10)
        for _ in range(5):
            await pilot.pause()
        assert len(retrieved(server)) == 4
        assert app.feed is not None and app.feed.in_flight > 4, "the others wait their turn in the client"
        for fault in held:
            assert fault.release is not None
            fault.release.set()
        await settle(pilot)
        assert len(retrieved(server)) > 4


async def test_rows_scrolled_away_are_not_fetched(
    make_app: Callable[..., RizaApp], store: ServerData, server: ScriptedServer
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        table = await focused_recent_list(app, pilot)
        await press_and_settle(pilot, "end")
        await press_and_settle(pilot, "end")
        on_screen = table.scrollable_content_region.height - 1
        ids = [record["id"] for record in store.records]
        fetched = sorted(ids.index(execution_id) for execution_id in retrieved(server))
        # Shown at some point: the first screen, the end of page one (and the page ahead), the end of the list.
        passed_by = [index for index in fetched if 2 * on_screen <= index < 100 - on_screen]
        assert not passed_by, f"rows jumped over were fetched: {passed_by}"
        assert ids.index(table.shown[-1].id) in fetched
        assert app.feed is not None and app.feed.in_flight == 0


async def test_a_row_whose_details_fail_says_so_in_place(
    make_app: Callable[..., RizaApp], store: ServerData, server: ScriptedServer
) -> None:
    from tests.loopback import Fault

    server.add_fault(Fault(500, b'{"code":13,"message":"details backend down"}', path="/v1/executions/exec_"))
    app = make_app(max_retries=0)
    arrivals = Arrivals()
    async with app.run_test(size=TALL, message_hook=arrivals) as pilot:
        await focused_recent_list(app, pilot)
        rows = table_rows(app)
        assert sum("could not load details" in row for row in rows) == 1
        assert sum(row.startswith(("●", "✖")) for row in rows) > 20, "the other rows are filled"


async def test_filter_as_you_type_escape_clears_and_f_stays(
    make_app: Callable[..., RizaApp], store: ServerData, server: ScriptedServer
) -> None:
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        table = await focused_recent_list(app, pilot)
        await pilot.press("f")
        await settle(pilot)
        failures = len(table.shown)
        await pilot.press("slash")
        await type_text(pilot, "ruby")
        await settle(pilot)
        assert table.shown and all(execution.language == "ruby" for execution in table.shown)
        assert all(execution.exit_code != 0 for execution in table.shown), "f stays under the filter"
        await pilot.press("escape")
        await settle(pilot)
        assert len(table.shown) == failures and app.focused is table
        first_pages = [
            r for r in server.requests if r.raw_path == "/v1/executions?limit=100&only_non_zero_exit_codes=true"
        ]
        await pilot.press("r")
        await settle(pilot)
        again = [r for r in server.requests if r.raw_path == "/v1/executions?limit=100&only_non_zero_exit_codes=true"]
        assert len(again) == len(first_pages) + 1, "r reloads the list"


async def test_watch_inserts_new_executions_on_top_once_and_keeps_the_cursor(
    make_app: Callable[..., RizaApp], store: ServerData
) -> None:
    newest, *older = store.records
    with ScriptedServer(ServerData(older), api_key="k") as moving:
        app = make_app(base_url=moving.url, api_key="k")
        arrivals = Arrivals()
        async with app.run_test(size=TALL, notifications=True, message_hook=arrivals) as pilot:
            table = await focused_recent_list(app, pilot)
            await pilot.press("down", "down")
            on = table.highlighted_id()
            assert app.feed is not None and await app.feed.poll_newest() == []
            moving.store = ServerData(store.records)
            assert await app.feed.poll_newest() == [newest["id"]]
            assert await app.feed.poll_newest() == [], "never twice"
            await settle(pilot)
            assert [execution.id for execution in table.shown[:2]] == [newest["id"], older[0]["id"]]
            assert table.highlighted_id() == on, "the cursor stays on its execution"
            assert "1 new execution" in toasts(app)
            # The polling loop itself runs until W again: wait for what it reports, not for it to end.
            await pilot.press("W")
            await arrivals.until(WatchChanged, lambda: "watching" in list_heading(app), pilot)
            assert "watching every 5 s" in list_heading(app)
            await pilot.press("W")
            await settle(pilot)
            assert "watching" not in list_heading(app)


async def test_back_and_forward_between_opened_executions(
    make_app: Callable[..., RizaApp], store: ServerData, server: ScriptedServer
) -> None:
    first, second = store.records[0]["id"], store.records[1]["id"]
    app = make_app(first)
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await type_text(pilot, second)
        await pilot.press("enter")
        await settle(pilot)
        requests = len(server.requests)
        await press_and_settle(pilot, "left_square_bracket")
        assert first in summary_of(app)
        await press_and_settle(pilot, "alt+right")
        assert second in summary_of(app)
        await press_and_settle(pilot, "alt+left")
        assert first in summary_of(app)
        assert len(server.requests) == requests, "opened from the store, at once"
        await press_and_settle(pilot, "escape")
        assert body(app) == "list", "Escape goes back to the list"
        await press_and_settle(pilot, "left_square_bracket")
        assert first in summary_of(app)


async def test_history_suggests_and_persists_across_runs(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    target = store.records[7]["id"]
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        app.screen.query_one(LookupBar).post_message(
            events.Paste(f"https://dashboard.riza.io/executions/{target}?tab=logs")
        )
        await pilot.press("enter")
        await settle(pilot)
        assert target in summary_of(app), "the ID is taken out of a URL"
    assert LookupHistory().entries[0] == target
    again = make_app()
    async with again.run_test(size=TALL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await type_text(pilot, target[:12])
        await settle(pilot)
        lookup = again.screen.query_one(LookupBar)
        assert lookup.render_line(0).text.strip() == target, "the rest of the ID is suggested from the last run"
        await pilot.press("right", "enter")
        await settle(pilot)
        assert target in summary_of(again)


async def test_alert_text_pasted_on_the_list_is_looked_up(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    target = store.records[2]["id"]
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, TriageTable)
        app.focused.post_message(events.Paste(f"[FIRING] job failed\nexecution: {target}\nexit 1"))
        await pilot.pause()
        assert isinstance(app.focused, LookupBar) and app.focused.value == target
        await pilot.press("enter")
        await settle(pilot)
        assert target in summary_of(app)


async def test_q_quits_unless_typing(make_app: Callable[..., RizaApp]) -> None:
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l", "q")
        await pilot.pause()
        assert app.is_running and app.screen.query_one(LookupBar).value.endswith("q")
        app.screen.set_focus(app.screen.query_one(TriageTable))
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0 and not app.is_running


async def test_watch_backs_off_on_errors_and_says_so(make_app: Callable[..., RizaApp], server: ScriptedServer) -> None:
    from tests.loopback import Fault

    app = make_app(max_retries=0)
    arrivals = Arrivals()
    async with app.run_test(size=TALL, message_hook=arrivals) as pilot:
        await focused_recent_list(app, pilot)
        server.add_fault(Fault(503, b'{"code":14,"message":"list backend down"}', path="/v1/executions?"))
        await pilot.press("W")  # the first poll fails at once; then the loop waits 10 s, which the test does not
        await arrivals.until(WatchChanged, lambda: "watch error" in list_heading(app), pilot)
        assert "watch error: HTTP 503: list backend down; retrying in 10 s" in list_heading(app)
        assert len(app.screen.query_one(TriageTable).shown) == 100, "the rows shown stay"
        await pilot.press("W")
        await settle(pilot)
        assert "watch" not in list_heading(app)
