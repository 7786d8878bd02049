"""The app's requests of the archive: sync, failure groups, a group's executions, search across executions, the
last good run of a group and the incident report. Each is a worker that asks the archive feed (I/O in threads)
and pushes the screen that shows the answer."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App

from riza_tui.core.archive import ArchiveUnavailable
from riza_tui.safety.sanitize import one_line
from riza_tui.tui.messages import (
    GroupOfWanted,
    GroupsWanted,
    IncidentReportWanted,
    LastGoodOfGroupWanted,
    MembersWanted,
    SearchWanted,
    SyncWanted,
)
from riza_tui.tui.widgets.text_view import capped_for_clipboard

if TYPE_CHECKING:
    from riza_tui.core.session import Session
    from riza_tui.tui.archive_feed import ArchiveFeed
    from riza_tui.tui.screens.execution import ExecutionScreen


class ArchiveRequests(App[None]):
    session: Session
    archive_feed: ArchiveFeed
    execution_screen: ExecutionScreen

    def on_sync_wanted(self, message: SyncWanted) -> None:
        self.sync_archive(message.hours)

    @work(exclusive=True, group="sync", exit_on_error=False, description="sync the archive")
    async def sync_archive(self, hours: float | None, *, quiet: bool = False) -> None:
        await self.archive_feed.sync(hours, quiet=quiet)

    # Failure groups and search --------------------------------------------------------------------------

    @on(GroupsWanted)
    @work(exclusive=True, group="groups", exit_on_error=False, description="count the failure groups")
    async def load_groups(self, message: GroupsWanted) -> None:
        await self.archive_feed.load_groups(sync_first=message.sync_first)

    @on(MembersWanted)
    @work(exclusive=True, group="members", exit_on_error=False, description="read a group's executions")
    async def load_members(self, message: MembersWanted) -> None:
        await self.archive_feed.load_members(message.execution_ids)

    @on(SearchWanted)
    @work(exclusive=True, group="search-archive", exit_on_error=False, description="search the archive")
    async def search_archive(self, message: SearchWanted) -> None:
        await self.archive_feed.search(message.query, more=message.more)

    @on(LastGoodOfGroupWanted)
    @work(exclusive=True, group="last-good", exit_on_error=False, description="compare with the last good run")
    async def diff_group_last_good(self, message: LastGoodOfGroupWanted) -> None:
        from riza_tui.tui.screens.diff import DiffScreen

        archive = self.session.archive
        if archive is None:
            return
        try:
            first, good = await asyncio.gather(
                asyncio.to_thread(archive.get, message.first_id), asyncio.to_thread(archive.get, message.last_good_id)
            )
        except ArchiveUnavailable as error:
            self.notify(one_line(str(error)), severity="error", markup=False)
            return
        if first is None or good is None:
            self.notify("One of the two is no longer archived (evicted)", severity="warning")
            return
        await self.push_screen(DiffScreen(good.fetched(), first.fetched()))

    def on_group_of_wanted(self, message: GroupOfWanted) -> None:
        """``i`` on an execution: its group's executions, over the execution screen."""
        from riza_tui.tui.screens.members import MembersScreen

        group = self.session.group_hints.get(message.execution_id)
        if group is None:
            self.notify("No failure group for this execution in the archive", severity="warning")
            return
        title = f"{group.count:,} runs of: {one_line(group.error)}"
        self.post_message(MembersWanted(group.ids, title))
        self.push_screen(MembersScreen(self.session, title))

    @on(IncidentReportWanted)
    @work(exclusive=True, group="report", exit_on_error=False, description="build the incident report")
    async def copy_incident_report(self) -> None:
        fetched = self.execution_screen.fetched
        if fetched is None:
            return
        report = await asyncio.to_thread(self.archive_feed.incident_report, fetched)
        shown, cut = capped_for_clipboard(report)
        self.copy_to_clipboard(shown)
        self.notify(f"Copied the incident report ({len(report.splitlines()):,} lines, masked){cut}", markup=False)
