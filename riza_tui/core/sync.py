"""Sync: page the list newest first back to a moment, fetch the details of what is not archived, write them.

The list has no time filter, so paging stops at the first execution older than ``since``. Each page's
missing executions are fetched with bounded concurrency over one client and written in batches from a
thread; the next page is asked for only once this page is written, so whatever was fetched before a kill
is on disk and a second run fetches only what is still missing. A failed fetch is counted and named, not
fatal; a list page that fails, or an archive that cannot be written, stops the sync and says why.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import RizaError
from riza_tui.api.models import Execution
from riza_tui.core import formatting
from riza_tui.core.archive.errors import ArchiveUnavailable
from riza_tui.core.archive.results import SyncNote
from riza_tui.core.archive.store import Archive
from riza_tui.core.formatting import parse_timestamp

PAGE_SIZE = 100
BATCH = 50
FLUSH_SECONDS = 1.0
NAMED_FAILURES = 5
DEFAULT_CONCURRENCY = 8


@dataclass
class SyncState:
    """What a sync has done so far; the caller may read it at any time (and after an interruption)."""

    listed: int = 0  # executions listed within the window
    already: int = 0  # of which were archived before
    queued: int = 0  # of which had to be fetched
    fetched: int = 0  # fetched and written
    failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # the first few: (id, reason)
    stopped: str = ""  # why it stopped before the end of the window
    interrupted: bool = False
    started: float = field(default_factory=time.monotonic)
    finished_after: float | None = None

    @property
    def done(self) -> int:
        return self.fetched + self.failed

    @property
    def seconds(self) -> float:
        return self.finished_after if self.finished_after is not None else time.monotonic() - self.started

    @property
    def complete(self) -> bool:
        return not self.stopped and not self.interrupted and self.finished_after is not None

    def fail(self, execution_id: str, reason: str) -> None:
        self.failed += 1
        if len(self.failures) < NAMED_FAILURES:
            self.failures.append((execution_id, reason))

    def to_json(self) -> dict[str, Any]:
        return {
            "listed": self.listed,
            "already_archived": self.already,
            "fetched": self.fetched,
            "errors": self.failed,
            "failed": [{"id": execution_id, "reason": reason} for execution_id, reason in self.failures],
            "stopped": self.stopped or None,
            "interrupted": self.interrupted,
            "complete": self.complete,
            "seconds": round(self.seconds, 3),
        }


Progress = Callable[[SyncState], None]


class _Batches:
    """Fetched executions waiting to be written: written from a thread once there are enough, or a second
    after the first one waiting, and at the end of every page."""

    def __init__(self, archive: Archive, state: SyncState) -> None:
        self.archive = archive
        self.state = state
        self.waiting: list[dict[str, Any]] = []
        self.since = time.monotonic()

    async def add(self, raw: dict[str, Any]) -> None:
        if not self.waiting:
            self.since = time.monotonic()
        self.waiting.append(raw)
        if len(self.waiting) >= BATCH or time.monotonic() - self.since >= FLUSH_SECONDS:
            await self.flush()

    async def flush(self) -> None:
        batch, self.waiting = self.waiting, []
        if not batch:
            return
        writing = asyncio.ensure_future(asyncio.to_thread(self.archive.put_many, batch))
        try:
            await asyncio.shield(writing)
        except asyncio.CancelledError:
            await writing  # a batch being written is finished before the cancellation goes on
            self.state.fetched += len(batch)
            raise
        self.state.fetched += len(batch)

    def flush_now(self) -> None:
        """On the way out of a cancelled sync: write what is waiting, here and now."""
        batch, self.waiting = self.waiting, []
        if batch:
            self.archive.put_many(batch)
            self.state.fetched += len(batch)


def _older(execution: Execution, since: datetime) -> bool:
    moment = parse_timestamp(execution.started_at)
    return moment is not None and moment < since


async def _fetch(
    client: RizaClient, execution_id: str, slots: asyncio.Semaphore, batches: _Batches, progress: Progress
) -> None:
    state = batches.state
    async with slots:
        try:
            fetched = await client.retrieve(execution_id)
        except RizaError as error:
            state.fail(execution_id, str(error))
        else:
            if fetched.cut_note:
                state.fail(execution_id, "nested too deep to archive whole")
            elif fetched.id_mismatch:
                state.fail(execution_id, f"the server sent {fetched.execution.id} instead")
            else:
                await batches.add(fetched.raw)
    progress(state)


async def sync_archive(
    client: RizaClient,
    archive: Archive,
    *,
    since: datetime | None = None,
    only_failures: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
    state: SyncState | None = None,
    on_progress: Progress | None = None,
) -> SyncState:
    """Sync ``archive`` with the server behind ``client``. Cancelled (Ctrl-C, a worker cancelled), it writes
    what was fetched, notes the sync and re-raises; ``state`` (pass your own to read it then) says how far it
    got. ``on_progress`` is called after every execution, on the event loop: throttle drawing there."""
    state = state if state is not None else SyncState()
    progress = on_progress or (lambda _state: None)
    batches = _Batches(archive, state)
    slots = asyncio.Semaphore(max(1, concurrency))
    try:
        try:
            await _pages(client, archive, batches, slots, since, only_failures, progress)
        except* ArchiveUnavailable as group:
            state.stopped = str(group.exceptions[0])
    except asyncio.CancelledError:
        state.interrupted = True
        state.finished_after = state.seconds
        try:
            batches.flush_now()
        except ArchiveUnavailable as error:
            state.stopped = str(error)
        _note(archive, state)
        raise
    state.finished_after = state.seconds
    _note(archive, state)
    return state


async def _pages(
    client: RizaClient,
    archive: Archive,
    batches: _Batches,
    slots: asyncio.Semaphore,
    since: datetime | None,
    only_failures: bool,
    progress: Progress,
) -> None:
    state = batches.state
    cursor: str | None = None
    while True:
        try:
            page = await client.list_executions(limit=PAGE_SIZE, starting_after=cursor, only_failures=only_failures)
        except RizaError as error:
            state.stopped = f"listing failed: {error}"
            return
        window = page.data
        if since is not None:
            older = next((index for index, execution in enumerate(window) if _older(execution, since)), None)
            window = window if older is None else window[:older]
        ids = list(dict.fromkeys(execution.id for execution in window))
        known = await asyncio.to_thread(archive.known, ids)
        missing = [execution_id for execution_id in ids if execution_id not in known]
        state.listed += len(ids)
        state.already += len(ids) - len(missing)
        state.queued += len(missing)
        progress(state)
        async with asyncio.TaskGroup() as group:
            for execution_id in missing:
                group.create_task(_fetch(client, execution_id, slots, batches, progress))
        await batches.flush()
        if not page.data or len(window) < len(page.data):
            return
        if page.data[-1].id == cursor:
            state.stopped = "the server returned the same page twice"
            return
        cursor = page.data[-1].id


def _note(archive: Archive, state: SyncState) -> None:
    with suppress(ArchiveUnavailable):  # an archive that failed the sync is already named in state.stopped
        archive.note_sync(SyncNote(formatting.utc_now().astimezone(UTC), state.fetched, state.failed, state.complete))
