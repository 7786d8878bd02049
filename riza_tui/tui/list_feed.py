"""The list's workers: pages of executions, the details of the rows on screen, and watch mode.

Each puts what it gets in the session (its store, listing and watch state) and hands a message to ``deliver``
(the app posts it to the list screen); none touches a widget.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import Worker

from riza_tui.api.errors import RizaError
from riza_tui.api.models import Fetched, FunctionDetails, ScriptDetails, ToolDetails
from riza_tui.core.archive import ArchiveUnavailable
from riza_tui.core.archive_reader import ExecutionReader
from riza_tui.core.formatting import parse_timestamp
from riza_tui.core.session import Session
from riza_tui.safety.errors import masked_error, safe_error_message
from riza_tui.safety.sanitize import one_line
from riza_tui.tui.messages import ExecutionStored, ListChanged, WatchChanged

if TYPE_CHECKING:
    from textual.app import App

LIST_PAGE = 100
WATCH_PAGE = 50
MAX_DETAILS_IN_FLIGHT = 4
MAX_BACKOFF_SECONDS = 300.0
LAST_GOOD_SCAN = 1000  # list entries looked at
LAST_GOOD_FETCHES = 50  # details fetched to compare the tool or code


class ListFeed:
    def __init__(
        self,
        app: App[None],
        client: ExecutionReader,
        session: Session,
        deliver: Callable[[Message], None],
        *,
        keep: Callable[[Fetched], None] = lambda _fetched: None,
        opened_groups: Callable[[list[Fetched]], Awaitable[set[str]]] | None = None,
    ) -> None:
        """``deliver`` takes news for the list screen; ``keep`` writes a fetched execution through to the archive;
        ``opened_groups`` archives executions at once and says which of them start a failure group."""
        self.app = app
        self.client = client
        self.session = session
        self.deliver = deliver
        self.keep = keep
        self.opened_groups = opened_groups
        self._asked_archive: set[str] = set()  # rows the archive was asked about (it answers once)
        self._archive_pending: set[str] = set()  # rows whose answer is on its way
        self._wanted: set[str] = set()
        self._slots = asyncio.Semaphore(MAX_DETAILS_IN_FLIGHT)
        self._hydrating: dict[str, Worker[None]] = {}
        self._cursors_seen: set[str] = set()

    # Pages --------------------------------------------------------------------------------------------

    def load_first_page(self) -> None:
        """The list from the top (failures only or not, as the session says); cancels a page in flight."""
        listing = self.session.listing
        listing.requested, listing.waiting, listing.complete, listing.error = True, True, False, ""
        self._cursors_seen.clear()
        self._run_page(None)

    def load_next_page(self) -> None:
        """The page after the last row, unless one is on its way or paging has ended."""
        listing, rows = self.session.listing, self.session.store.rows
        if listing.waiting or listing.complete or not rows:
            return
        listing.waiting = True
        self._run_page(rows[-1].id)

    def _run_page(self, starting_after: str | None) -> None:
        self.app.run_worker(
            self._load_page(self.session.only_failures, starting_after),
            group="list",
            exclusive=True,
            exit_on_error=False,
            description="load a page of the list",
        )

    async def _load_page(self, only_failures: bool, starting_after: str | None) -> None:
        listing, store = self.session.listing, self.session.store
        try:
            page = await self.client.list_executions(
                limit=LIST_PAGE, starting_after=starting_after, only_failures=only_failures
            )
        except RizaError as error:
            listing.waiting, listing.complete = False, True
            listing.error = f"could not list executions: {safe_error_message(error)}"
            self.deliver(ListChanged())
            return
        except Exception as error:  # a bug of ours: the list says so, and the app goes on
            listing.waiting, listing.complete = False, True
            listing.error = one_line(f"could not list executions: unexpected {type(error).__name__}: {error}")
            self.deliver(ListChanged())
            raise
        data = page.data[:LIST_PAGE]  # a server that answers more than asked for is not trusted with memory
        added = store.replace_rows(data) if starting_after is None else store.append_rows(data)
        listing.waiting = False
        if not data:
            listing.complete = True
        elif not added or (starting_after is not None and starting_after in self._cursors_seen):
            # A server that repeats a page or cycles its cursors would be paged forever, with nobody typing.
            listing.complete = True
            listing.error = "the server sent a page already listed; paging stopped (r reloads)"
        if starting_after is not None:
            self._cursors_seen.add(starting_after)
        if added and self.session.list_filter:  # a filter pulls in pages: what their rows say is wanted too
            self.facts_for_filter()
        self.deliver(ListChanged())

    # Details of the rows on screen --------------------------------------------------------------------

    def want_details(self, execution_ids: tuple[str, ...]) -> None:
        """What these rows say once their details are known: from the archive first (no request), else fetched,
        at most four at a time; rows no longer wanted stop being fetched."""
        store = self.session.store
        self._wanted = set(execution_ids)
        for execution_id in [key for key in self._hydrating if key not in self._wanted]:
            self._hydrating.pop(execution_id).cancel()
        missing = [
            execution_id
            for execution_id in execution_ids
            if execution_id not in self._hydrating and not store.facts(execution_id) and not store.failure(execution_id)
        ]
        unasked = [execution_id for execution_id in missing if execution_id not in self._asked_archive]
        if self.session.archive is not None and unasked:
            self._ask_archive(unasked)
        # A row the archive is still being asked about waits for its answer (which fetches it if need be).
        self._fetch([execution_id for execution_id in missing if execution_id not in self._archive_pending])

    def _ask_archive(self, execution_ids: list[str]) -> None:
        self._asked_archive.update(execution_ids)
        self._archive_pending.update(execution_ids)
        self.app.run_worker(
            self._from_archive(execution_ids), exit_on_error=False, description="read list rows from the archive"
        )

    async def _from_archive(self, execution_ids: list[str]) -> None:
        """Rows the archive has seen are filled without a request; the rest are fetched if still wanted."""
        archive = self.session.archive
        try:
            facts = await asyncio.to_thread(archive.row_facts, execution_ids) if archive is not None else {}
        except ArchiveUnavailable:
            facts = {}
        finally:
            self._archive_pending.difference_update(execution_ids)
        for execution_id, known in facts.items():
            self.session.store.learn_facts(execution_id, known)
            self.deliver(ExecutionStored(execution_id))
        self._fetch([execution_id for execution_id in execution_ids if execution_id not in facts])

    def facts_for_filter(self) -> None:
        """The filter matches type, tool and error text: for every loaded row the archive has seen, not only the
        rows on screen whose details were fetched (one query, in a thread; nothing is fetched for the others)."""
        store = self.session.store
        unknown = [row.id for row in store.rows if not store.facts(row.id) and row.id not in self._asked_archive]
        if self.session.archive is None or not unknown:
            return
        self._ask_archive(unknown)

    def _fetch(self, execution_ids: list[str]) -> None:
        for execution_id in execution_ids:
            if execution_id not in self._wanted or execution_id in self._hydrating:
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
        store = self.session.store
        try:
            async with self._slots:
                fetched = await self.client.retrieve(execution_id)
        except RizaError as error:
            store.fail(execution_id, error.title)
        else:
            store.put(fetched, as_id=execution_id)
            self.keep(fetched)
        self._hydrating.pop(execution_id, None)
        self.deliver(ExecutionStored(execution_id))

    # Watch mode ---------------------------------------------------------------------------------------

    def toggle_watch(self, seconds: float) -> None:
        watch = self.session.watch
        if watch.seconds:
            watch.seconds, watch.note = 0.0, ""
            self.app.workers.cancel_group(self.app, "watch")
            self.deliver(WatchChanged())
            return
        watch.seconds = seconds
        self.app.run_worker(self._watch(), group="watch", exclusive=True, exit_on_error=False, description="watch")

    async def _watch(self) -> None:
        """Poll the first page; on errors wait twice as long each time (up to 5 min), and say so."""
        watch = self.session.watch
        failures = 0
        while watch.seconds:
            delay = watch.seconds
            try:
                await self.poll_newest()
            except RizaError as error:
                failures += 1
                delay = min(watch.seconds * 2**failures, MAX_BACKOFF_SECONDS)
                reason = one_line(masked_error(error).message)[:120]  # the server's words, masked, one safe line
                watch.note = f"watch error: {reason}; retrying in {delay:.0f} s"
            else:
                failures = 0
                watch.note = f"watching every {watch.seconds:g} s"
            self.deliver(WatchChanged())
            await asyncio.sleep(delay)

    async def poll_newest(self) -> list[str]:
        """New executions from the first page, put on top of the list in order; their ids."""
        store = self.session.store
        page = await self.client.list_executions(limit=WATCH_PAGE, only_failures=self.session.only_failures)
        fresh = store.insert_newest(page.data[:WATCH_PAGE])
        if fresh:
            failed = [execution.id for execution in fresh if execution.exit_code != 0]
            opened = await self._groups_opened_by(failed)
            self.deliver(ListChanged(new_ids={execution.id for execution in fresh}))
            note = f"{len(fresh)} new execution{'s' if len(fresh) != 1 else ''}"
            if failed:
                note += f", {len(failed)} failed"
            if opened:
                note += f", {len(opened)} starting a new failure group"
            self.app.notify(note, severity="warning" if failed else "information")
        return [execution.id for execution in fresh]

    async def _groups_opened_by(self, failed: list[str]) -> set[str]:
        """Which new failures start a failure group: their details are fetched (at most a page's worth, four at a
        time) and archived now, so that the archive's signatures can say; marked in the table and the heading."""
        if self.opened_groups is None or not failed:
            return set()
        store = self.session.store

        async def details(execution_id: str) -> Fetched | None:
            async with self._slots:
                try:
                    fetched = await self.client.retrieve(execution_id)
                except RizaError:
                    return None
            store.put(fetched, as_id=execution_id)
            return fetched

        found = await asyncio.gather(*(details(execution_id) for execution_id in failed[:WATCH_PAGE]))
        opened = await self.opened_groups([item for item in found if item is not None])
        for execution_id in opened:
            store.mark_new_group(execution_id)
        self.session.watch.new_groups += len(opened)
        return opened

    # The last good run ----------------------------------------------------------------------------------

    async def last_good_run(self, current: Fetched) -> Fetched | None:
        """The newest execution before ``current`` that succeeded with the same tool (``tool_id``) or the same
        code; bounded: the first 1,000 listed, and at most 50 fetched to compare."""
        key = _run_key(current)
        started = parse_timestamp(current.execution.started_at)
        if key is None or started is None:
            return None
        store = self.session.store
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
            fetched = store.get(candidate.id)
            if fetched is None:
                fetched_count += 1
                fetched = await self.client.retrieve(candidate.id)
                store.put(fetched, as_id=candidate.id)
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
