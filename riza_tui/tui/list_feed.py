"""The list's workers: pages of executions, the details of the rows on screen, and watch mode.

Each puts what it gets in the store and posts a message to the list view; none touches a widget.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual.worker import Worker

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import RizaError
from riza_tui.api.models import Fetched, FunctionDetails, ScriptDetails, ToolDetails
from riza_tui.core.formatting import parse_timestamp
from riza_tui.core.store import ExecutionStore
from riza_tui.tui.messages import ExecutionStored, ListPageArrived, WatchStatus

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

LIST_PAGE = 100
WATCH_PAGE = 50
MAX_DETAILS_IN_FLIGHT = 4
MAX_BACKOFF_SECONDS = 300.0
LAST_GOOD_SCAN = 1000  # list entries looked at
LAST_GOOD_FETCHES = 50  # details fetched to compare the tool or code


class ListFeed:
    def __init__(self, app: App[None], client: RizaClient, store: ExecutionStore, target: MessagePump) -> None:
        self.app = app
        self.client = client
        self.store = store
        self.target = target  # the list view: it reacts to what arrives
        self.only_failures = False
        self.watch_seconds = 0.0
        self._slots = asyncio.Semaphore(MAX_DETAILS_IN_FLIGHT)
        self._hydrating: dict[str, Worker[None]] = {}

    # Pages --------------------------------------------------------------------------------------------

    def load_page(self, only_failures: bool, starting_after: str | None = None) -> None:
        """One page of the list; reloading (a new filter) cancels a page still in flight."""
        self.only_failures = only_failures
        self.app.run_worker(
            self._load_page(only_failures, starting_after),
            group="recent",
            exclusive=True,
            exit_on_error=False,
            description="load a page of the list",
        )

    async def _load_page(self, only_failures: bool, starting_after: str | None) -> None:
        first_page = starting_after is None
        try:
            page = await self.client.list_executions(
                limit=LIST_PAGE, starting_after=starting_after, only_failures=only_failures
            )
        except RizaError as error:
            self.target.post_message(ListPageArrived(first_page=first_page, error=str(error)))
            return
        except Exception as error:  # a bug of ours: the list says so, and the app goes on
            self.target.post_message(
                ListPageArrived(first_page=first_page, error=f"unexpected {type(error).__name__}: {error}")
            )
            raise
        if first_page:
            self.store.replace_rows(page.data)
        else:
            self.store.append_rows(page.data)
        self.target.post_message(ListPageArrived(first_page=first_page, complete=not page.data))

    # Details of the rows on screen --------------------------------------------------------------------

    def want_details(self, execution_ids: tuple[str, ...]) -> None:
        """Fetch the details of these rows, at most four at a time; stop fetching rows no longer wanted."""
        wanted = set(execution_ids)
        for execution_id in [key for key in self._hydrating if key not in wanted]:
            self._hydrating.pop(execution_id).cancel()
        for execution_id in execution_ids:
            if execution_id in self._hydrating or execution_id in self.store or self.store.failure(execution_id):
                continue
            self._hydrating[execution_id] = self.app.run_worker(
                self._fetch_details(execution_id),
                group="details",
                exit_on_error=False,
                description="load a list row's details",
            )

    @property
    def in_flight(self) -> int:
        return len(self._hydrating)

    async def _fetch_details(self, execution_id: str) -> None:
        try:
            async with self._slots:
                fetched = await self.client.retrieve(execution_id)
        except RizaError as error:
            self.store.fail(execution_id, error.title)
        else:
            self.store.put(fetched, as_id=execution_id)
        self._hydrating.pop(execution_id, None)
        self.target.post_message(ExecutionStored(execution_id))

    # Watch mode ---------------------------------------------------------------------------------------

    def toggle_watch(self, seconds: float) -> None:
        if self.watch_seconds:
            self.watch_seconds = 0.0
            self.app.workers.cancel_group(self.app, "watch")
            self.target.post_message(WatchStatus(""))
            return
        self.watch_seconds = seconds
        self.app.run_worker(self._watch(), group="watch", exclusive=True, exit_on_error=False, description="watch")

    async def _watch(self) -> None:
        """Poll the first page; on errors wait twice as long each time (up to 5 min), and say so."""
        failures = 0
        while self.watch_seconds:
            delay = self.watch_seconds
            try:
                await self.poll_newest()
            except RizaError as error:
                failures += 1
                delay = min(self.watch_seconds * 2**failures, MAX_BACKOFF_SECONDS)
                reason = error.message[:120]
                self.target.post_message(WatchStatus(f"watch error: {reason}; retrying in {delay:.0f} s"))
            else:
                failures = 0
                self.target.post_message(WatchStatus(f"watching every {self.watch_seconds:g} s"))
            await asyncio.sleep(delay)

    async def poll_newest(self) -> list[str]:
        """New executions from the first page, put on top of the list in order; their ids."""
        page = await self.client.list_executions(limit=WATCH_PAGE, only_failures=self.only_failures)
        fresh = self.store.insert_newest(page.data)
        if fresh:
            failed = sum(1 for execution in fresh if execution.exit_code != 0)
            self.target.post_message(ListPageArrived(first_page=False, new_ids={execution.id for execution in fresh}))
            note = f"{len(fresh)} new execution{'s' if len(fresh) != 1 else ''}"
            self.app.notify(
                note + (f", {failed} failed" if failed else ""), severity="warning" if failed else "information"
            )
        return [execution.id for execution in fresh]

    # The last good run ----------------------------------------------------------------------------------

    async def last_good_run(self, current: Fetched) -> Fetched | None:
        """The newest execution before ``current`` that succeeded with the same tool (``tool_id``) or the same
        code; bounded: the first 1,000 listed, and at most 50 fetched to compare."""
        key = _run_key(current)
        started = parse_timestamp(current.execution.started_at)
        if key is None or started is None:
            return None
        scanned = fetched_count = 0
        async for candidate in self.client.iter_executions():
            scanned += 1
            if scanned > LAST_GOOD_SCAN or fetched_count >= LAST_GOOD_FETCHES:
                return None
            moment = parse_timestamp(candidate.started_at)
            if candidate.exit_code != 0 or candidate.language != current.execution.language:
                continue
            if moment is None or moment >= started or candidate.id == current.execution.id:
                continue
            fetched = self.store.get(candidate.id)
            if fetched is None:
                fetched_count += 1
                fetched = await self.client.retrieve(candidate.id)
                self.store.put(fetched, as_id=candidate.id)
            if _run_key(fetched) == key:
                return fetched
        return None


def _run_key(fetched: Fetched) -> tuple[str, str] | None:
    """What makes two runs "the same": the tool, or the code."""
    details = fetched.execution.details
    if isinstance(details, ToolDetails):
        return ("tool", details.tool_id)
    if isinstance(details, ScriptDetails | FunctionDetails):
        return ("code", details.request.code)
    return None
