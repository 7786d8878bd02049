"""The archive's workers: write-through of what the app fetches, the archived copy when the server cannot answer,
sync, failure groups, a group's members, search across executions, and the incident report.

Like the list's feed, each puts what it gets in the session and hands a message to ``deliver``; none touches a
widget. Every read of the file runs in a thread (a lock held by another process waits its busy timeout there,
never on the UI thread).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual.message import Message

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import RizaError, server_unreachable
from riza_tui.api.models import Fetched
from riza_tui.core import formatting
from riza_tui.core.archive import ArchiveUnavailable
from riza_tui.core.archive_keeper import ArchiveKeeper
from riza_tui.core.groups import archived_before
from riza_tui.core.session import SearchView, Session
from riza_tui.core.store import ExecutionStore
from riza_tui.core.triage import RowFacts
from riza_tui.safety.sanitize import one_line
from riza_tui.tui.messages import GroupHintChanged, GroupsChanged, MembersChanged, SearchChanged, SyncChanged
from riza_tui.tui.render.table_columns import COLUMNS

if TYPE_CHECKING:
    from textual.app import App

    from riza_tui.core.archive_reader import ExecutionReader

ARCHIVE_FLUSH_SECONDS = 0.5  # what arrives within this is written in one transaction
SYNC_DRAW_SECONDS = 0.25  # a sync's progress line is drawn at most this often
SEARCH_PAGE = 100
# The narrowest the triage table's last column gets: a hit's line is shown so its match is inside that.
MATCH_COLUMN_CELLS = next(column.minimum for column in COLUMNS if column.key == "error")


class ArchiveFeed:
    def __init__(
        self,
        app: App[None],
        session: Session,
        client: Callable[[], ExecutionReader | None],
        deliver: Callable[[Message], None],
        *,
        offline: bool,
        clock: Callable[[], datetime] = formatting.utc_now,
    ) -> None:
        """``client``: the app's client now (it changes with the profile); ``deliver`` posts news to the screens;
        ``clock``: what windows count back from (the demo's: its newest execution, so its week stays recent)."""
        self.app = app
        self.session = session
        self.client = client
        self.deliver = deliver
        self.offline = offline
        self.clock = clock
        archive = session.archive
        keeping = archive is not None and not offline
        self.keeper = (
            ArchiveKeeper(archive, lambda: session.store.kept_ids) if keeping and archive is not None else None
        )

    # Write-through ------------------------------------------------------------------------------------

    def keep(self, fetched: Fetched) -> None:
        """Write a fetched execution through to the archive: batched, from a thread, a moment later."""
        if self.keeper is not None and self.keeper.keep(fetched):
            self.app.set_timer(ARCHIVE_FLUSH_SECONDS, self._flush)

    def _flush(self) -> None:
        self.app.run_worker(self.write_now, thread=True, group="archive", description="write to the archive")

    def write_now(self) -> None:
        """Write what is queued (in a thread); a write that fails stops writing for the session, said once."""
        keeper = self.keeper
        if keeper is None:
            return
        keeper.flush()
        if keeper.problem:
            self.keeper = None
            self.app.call_from_thread(
                self.app.notify,
                f"{keeper.problem}; going on without it",
                title="The archive stopped",
                severity="warning",
                markup=False,
            )

    async def opened_groups(self, fetched: list[Fetched]) -> set[str]:
        """Archive these (watch mode's new failures) now, and say which of them start a failure group."""
        from riza_tui.core.groups import opened_groups

        archive = self.session.archive
        if archive is None or self.keeper is None or not fetched:
            return set()
        try:
            await asyncio.to_thread(archive.put_many, [item.raw for item in fetched if not item.cut_note])
            return await asyncio.to_thread(opened_groups, archive, [item.execution.id for item in fetched])
        except ArchiveUnavailable:
            return set()

    async def archived_copy(self, execution_id: str, error: RizaError) -> Fetched | None:
        """When the server cannot answer (down, unreachable, overloaded), the archived copy, if there is one."""
        archive = self.session.archive
        if archive is None or self.offline or not server_unreachable(error):
            return None
        try:
            copy = await asyncio.to_thread(archive.get, execution_id)
        except ArchiveUnavailable:
            return None
        return copy.fetched() if copy is not None else None

    # Sync ---------------------------------------------------------------------------------------------

    async def sync(self, hours: float | None, *, quiet: bool = False) -> None:
        """Fetch what the archive lacks of the last ``hours`` (all, for None), with a progress line in the
        headings drawn at most four times a second (nothing is written while nothing changes)."""
        from riza_tui.core.sync import SyncState, sync_archive

        archive, client = self.session.archive, self.client()
        if archive is None or self.offline or not isinstance(client, RizaClient):
            return
        state = SyncState()
        drawn = [0.0]

        def progress(now: SyncState) -> None:
            if time.monotonic() - drawn[0] >= SYNC_DRAW_SECONDS:
                drawn[0] = time.monotonic()
                self.session.sync_note = f"syncing the archive: {now.done:,} of {now.queued:,} fetched"
                self.deliver(SyncChanged())

        since = formatting.utc_now() - timedelta(hours=hours) if hours is not None else None
        try:
            await sync_archive(client, archive, since=since, state=state, on_progress=progress)
        finally:
            self.session.sync_note = ""
            self.deliver(SyncChanged())
        summary = f"Synced: {state.fetched:,} fetched, {state.already:,} already archived"
        if state.failed or state.stopped:
            detail = one_line(state.stopped or f"{state.failed:,} could not be fetched")
            self.app.notify(f"{summary}; {detail}", severity="warning", markup=False)
        elif not quiet:
            self.app.notify(summary, markup=False)

    # Failure groups -----------------------------------------------------------------------------------

    async def load_groups(self, *, sync_first: bool) -> None:
        """The groups of the session's window, from the archive; first synced from the server when asked (what
        the archive lacks of the window is fetched, so "still happening?" is answered now)."""
        from riza_tui.core.groups import groups

        view, archive = self.session.groups, self.session.archive
        if archive is None:
            view.error = "no archive: groups are counted in the archive (archive = false or --no-archive?)"
            self.deliver(GroupsChanged())
            return
        view.loading = True
        self.deliver(GroupsChanged())
        if sync_first:
            await self.sync(view.hours, quiet=True)
        hours = view.hours
        now = self._now()
        since = now - timedelta(hours=hours) if hours is not None else None
        try:
            view.groups, view.history_before = await asyncio.to_thread(
                lambda: (groups(archive, since=since, now=now), archived_before(archive, since))
            )
            view.error = ""
        except ArchiveUnavailable as error:
            view.error = one_line(str(error))
        view.loading, view.counted_at = False, now
        self.deliver(GroupsChanged())

    def _now(self) -> datetime:
        return self.clock()

    async def load_members(self, execution_ids: tuple[str, ...]) -> None:
        """A group's executions as list rows (with what their details say), into the session's members store."""
        archive = self.session.archive
        members = self.session.members = ExecutionStore()
        if archive is not None:
            try:
                rows = await asyncio.to_thread(archive.summaries, execution_ids)
            except ArchiveUnavailable:
                rows = []
            members.replace_rows([row.execution() for row in rows])
            for row in rows:
                members.learn_facts(row.id, row.facts)
        self.deliver(MembersChanged())

    async def group_hint(self, fetched: Fetched) -> None:
        """For the execution screen's summary: how many others share this failure's group, since when."""
        from riza_tui.core.groups import group_of

        archive, execution = self.session.archive, fetched.execution
        if archive is None or execution.exit_code == 0:
            return
        try:
            if self.keeper is not None:
                await asyncio.to_thread(self.write_now)  # it may be queued still: its group counts it
            group = await asyncio.to_thread(group_of, archive, execution.id, now=self._now())
        except ArchiveUnavailable:
            return
        if group is not None and group.count > 1:
            self.session.group_hints[execution.id] = group
            self.deliver(GroupHintChanged(execution.id))

    # Search across executions -------------------------------------------------------------------------

    async def search(self, query: str, *, more: bool = False) -> None:
        """The archive's executions matching ``query``, newest first, a page at a time, as list rows whose last
        column is the matching line."""
        from riza_tui.core.search import SearchUnavailable, search
        from riza_tui.core.search_query import QueryError

        view, archive = self.session.search, self.session.archive
        if archive is None:
            view.error = "no archive: search reads the archive (archive = false or --no-archive?)"
            self.deliver(SearchChanged())
            return
        if not more:
            self.session.search = view = SearchView(query=query)
            self.session.search_rows = ExecutionStore()
        view.running = True
        self.deliver(SearchChanged())
        before = view.hits[-1].id if more and view.hits else None
        try:
            hits = await asyncio.to_thread(search, archive, query, limit=SEARCH_PAGE, before=before)
        except (QueryError, SearchUnavailable) as error:
            view.error, view.running = one_line(str(error)), False
            self.deliver(SearchChanged())
            return
        except (ArchiveUnavailable, KeyError) as error:
            view.error, view.running = one_line(f"the archive could not be searched: {error}"), False
            self.deliver(SearchChanged())
            return
        view.hits += hits
        view.complete = len(hits) < SEARCH_PAGE
        view.running, view.error = False, ""
        rows = self.session.search_rows
        rows.append_rows([hit.summary.execution() for hit in hits])
        for hit in hits:
            where = f"{hit.field}:{hit.line_number}  "
            matched = where + hit.shown_line(MATCH_COLUMN_CELLS - len(where))
            rows.learn_facts(hit.id, RowFacts(hit.summary.facts.kind, hit.summary.facts.tool_id, matched))
        self.deliver(SearchChanged())

    # The hand-off -------------------------------------------------------------------------------------

    def incident_report(self, fetched: Fetched) -> str:
        """``show --markdown`` of the execution with its group and what changed since its last good run; in a
        thread (the comparison may take a while)."""
        from riza_tui.core.group_report import incident_report

        try:
            return incident_report(fetched, self.session.archive, diff_last_good=True)
        except ArchiveUnavailable:
            return incident_report(fetched, None)
