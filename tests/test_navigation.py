"""Getting around: the lookup bar, the recent list and its paging, the key bar."""

from __future__ import annotations

from collections.abc import Callable

from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from riza_tui.tui.widgets.key_bar import KeyBar
from riza_tui.tui.widgets.lookup_bar import LookupBar
from riza_tui.tui.widgets.triage_table import TriageTable
from tests.app_helpers import WIDE, body, focused_recent_list, list_heading, press_and_settle, summary_of, type_text
from tests.conftest import settle
from tests.loopback import Fault, ScriptedServer


async def test_typed_lookup_and_recent_list(make_app: Callable[..., RizaApp], store: ServerData) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert body(app) == "list"
        recent = app.screen.query_one(TriageTable)
        assert app.focused is recent, "the list's keys work from the first screen"
        assert len(recent.shown) == 100, "one page until the user scrolls near its end"
        assert recent.shown[0].id == store.records[0]["id"]
        assert list_heading(app).endswith("100 loaded · more below")
        target = store.records[3]["id"]
        await pilot.press("ctrl+l")
        await type_text(pilot, f"  {target} ")
        await pilot.press("enter")
        await settle(pilot)
        assert target in summary_of(app)
        assert app.screen.query_one(LookupBar).value == target, "surrounding spaces are dropped"
        await press_and_settle(pilot, "b")
        assert body(app) == "list"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert store.records[1]["id"] in summary_of(app)
        assert app.screen.query_one(LookupBar).value == store.records[1]["id"], "like an address bar"


async def test_failures_filter_reloads_the_recent_list(
    make_app: Callable[..., RizaApp], store: ServerData, server: ScriptedServer
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        recent = await focused_recent_list(app, pilot)
        await press_and_settle(pilot, "f")
        failures = [r["id"] for r in store.records if r["exit_code"] != 0]
        assert [execution.id for execution in recent.shown] == failures
        listed = [request.raw_path for request in server.requests if request.raw_path.startswith("/v1/executions?")]
        assert "only_non_zero_exit_codes=true" in listed[-1]


async def test_recent_list_pages_in_the_rest_near_its_end(
    make_app: Callable[..., RizaApp], store: ServerData, server: ScriptedServer
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        recent = await focused_recent_list(app, pilot)
        await press_and_settle(pilot, "end")
        assert len(recent.shown) == len(store) and recent.cursor == 99
        assert list_heading(app).endswith(f"{len(store)} loaded · more below"), "no empty page seen yet"
        await press_and_settle(pilot, "end")
        assert [execution.id for execution in recent.shown] == [record["id"] for record in store.records]
        list_requests = [r.raw_path for r in server.requests if r.raw_path.startswith("/v1/executions?")]
        assert list_requests[1] == f"/v1/executions?limit=100&starting_after={store.records[99]['id']}"
        assert list_heading(app).endswith(f"all {len(store)} loaded")
        assert len(list_requests) == 3
        await press_and_settle(pilot, "enter")
        assert store.records[-1]["id"] in summary_of(app)


async def test_opening_on_an_id_lists_recent_executions_only_when_asked(
    make_app: Callable[..., RizaApp], store: ServerData, server: ScriptedServer
) -> None:
    app = make_app(store.records[5]["id"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert [r.raw_path for r in server.requests] == [f"/v1/executions/{store.records[5]['id']}"]
        await press_and_settle(pilot, "b")
        recent = app.screen.query_one(TriageTable)
        assert app.focused is recent and len(recent.shown) == 100


async def test_key_bar_shows_the_keys_that_work_now_and_takes_clicks(
    make_app: Callable[..., RizaApp], store: ServerData
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        keys = str(app.screen.query_one(KeyBar).render())
        assert "Failures" in keys and "Filter" in keys and "Raw JSON" not in keys
        await pilot.press("ctrl+l")
        assert str(app.screen.query_one(KeyBar).render()).split() == ["^l", "Lookup", "^p", "Commands"], (
            "while typing an ID, letters are text, not keys"
        )
        await type_text(pilot, store.records[0]["id"])
        await pilot.press("enter")
        await settle(pilot)
        keys = str(app.screen.query_one(KeyBar).render())
        assert "Raw JSON" in keys and "Secrets" in keys and "Failures" not in keys
        offset = keys.index("Raw JSON")
        await pilot.click(KeyBar, offset=(offset, 0))
        await settle(pilot)
        assert body(app) == "raw"


async def test_a_failed_later_page_keeps_the_rows_and_says_why(
    make_app: Callable[..., RizaApp], store: ServerData, server: ScriptedServer
) -> None:
    app = make_app(max_retries=0)
    async with app.run_test(size=WIDE) as pilot:
        recent = await focused_recent_list(app, pilot)
        server.add_fault(Fault(503, b'{"code":14,"message":"list backend down"}', path="/v1/executions?"))
        await press_and_settle(pilot, "end")
        assert len(recent.shown) == 100, "what was shown stays"
        assert "could not list executions: HTTP 503: list backend down" in list_heading(app)
        await press_and_settle(pilot, "enter")
        assert store.records[99]["id"] in summary_of(app), "and still opens"
