"""The archive read the way the app reads the API (``--offline``): the same calls as ``RizaClient`` for list pages
and retrieving, answered from the file in a thread, so the app's workers do not care which one they hold.

Nothing is sent anywhere. An execution that is not archived is a ``NotFoundError`` that says so, and an archive
that fails (locked, corrupt) is a ``RizaError`` in one line, like a server that fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Protocol

from riza_tui.api.errors import NotFoundError, RizaError
from riza_tui.api.models import Execution, ExecutionList, Fetched
from riza_tui.core.archive import Archive, ArchiveUnavailable
from riza_tui.safety.sanitize import one_line


class ExecutionReader(Protocol):
    """What the app's workers ask of a source of executions: the API client, or the archive offline."""

    async def retrieve(self, execution_id: str) -> Fetched: ...

    async def list_executions(
        self, *, limit: int | None = None, starting_after: str | None = None, only_failures: bool = False
    ) -> ExecutionList: ...

    def iter_executions(self, *, page_size: int = 100, only_failures: bool = False) -> AsyncIterator[Execution]: ...

    async def aclose(self) -> None: ...


class ArchiveReader:
    def __init__(self, archive: Archive, server: str) -> None:
        self.archive = archive
        self.server = server

    async def retrieve(self, execution_id: str) -> Fetched:
        execution_id = execution_id.strip()
        try:
            copy = await asyncio.to_thread(self.archive.get, execution_id)
        except ArchiveUnavailable as error:
            raise RizaError(one_line(str(error)), hint="the archive cannot be read; try again online") from None
        if copy is None:
            raise NotFoundError(
                404,
                server_message=f"{execution_id} is not in the archive of {self.server}",
                hint="offline, only archived executions can be shown: riza-tui sync archives more",
            )
        return copy.fetched()

    async def list_executions(
        self, *, limit: int | None = None, starting_after: str | None = None, only_failures: bool = False
    ) -> ExecutionList:
        try:
            rows = await asyncio.to_thread(
                self.archive.page, limit or 100, before_id=starting_after, only_failures=only_failures
            )
        except KeyError:
            return ExecutionList(data=[])  # the row it pages after was evicted meanwhile: the end of the list
        except ArchiveUnavailable as error:
            raise RizaError(one_line(str(error)), hint="the archive cannot be read; try again online") from None
        return ExecutionList(data=[row.execution() for row in rows])

    async def iter_executions(self, *, page_size: int = 100, only_failures: bool = False) -> AsyncIterator[Execution]:
        cursor: str | None = None
        while True:
            page = await self.list_executions(limit=page_size, starting_after=cursor, only_failures=only_failures)
            if not page.data:
                return
            for execution in page.data:
                yield execution
            cursor = page.data[-1].id

    async def aclose(self) -> None:
        """The archive belongs to the app, which closes it when it ends."""
