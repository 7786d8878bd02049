"""Switching profile from the palette: another server, its own key, its own archive; nothing of the last one is
kept in the list, the store or the archive that is open."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual.app import App

from riza_tui.api.client import RizaClient
from riza_tui.core.session import Connection
from riza_tui.safety.sanitize import one_line
from riza_tui.tui.messages import ListChanged

if TYPE_CHECKING:
    from textual.message import Message

    from riza_tui.api.settings import ClientSettings
    from riza_tui.core.archive_reader import ExecutionReader
    from riza_tui.core.session import Session
    from riza_tui.tui.archive_feed import ArchiveFeed
    from riza_tui.tui.list_feed import ListFeed
    from riza_tui.tui.screens.execution import ExecutionScreen
    from riza_tui.tui.screens.list import ListScreen

# Every worker group that talks to the server or its archive: none may answer for the old one after a switch.
SERVER_WORKER_GROUPS = ("lookup", "details", "watch", "list", "sync", "groups", "search-archive")


class ProfileSwitching(App[None]):
    settings: ClientSettings
    client: ExecutionReader | None
    session: Session
    archive_feed: ArchiveFeed
    execution_screen: ExecutionScreen

    def _server_label(self, profile: str | None) -> str:
        raise NotImplementedError

    def _start_feeds(self) -> ListFeed:
        raise NotImplementedError

    def _list_screen(self) -> ListScreen:
        raise NotImplementedError

    def show_list(self) -> None:
        raise NotImplementedError

    def tell_list(self, message: Message) -> None:
        raise NotImplementedError

    def profile_names(self) -> list[str]:
        """The profiles of the config file, for the palette (none when the file is missing or broken)."""
        from riza_tui.core.config import ConfigError, load_config

        try:
            return sorted(load_config().profiles)
        except ConfigError:
            return []

    async def action_switch_profile(self, name: str) -> None:
        """Reconnect with another profile's URL and key: the list and store start again, nothing is mixed."""
        from riza_tui.core.config import ConfigError, profile_settings

        try:  # in a thread: a key command may take seconds, and the UI keeps drawing and answering meanwhile
            settings = await asyncio.to_thread(profile_settings, name, timeout=self.settings.timeout)
        except ConfigError as error:
            self.notify(f"Cannot switch to {one_line(name)}: {one_line(str(error))}", severity="error", markup=False)
            return
        for group in SERVER_WORKER_GROUPS:
            self.workers.cancel_group(self, group)
        if self.client is not None:
            await self.client.aclose()
        self.settings = settings
        self.client = RizaClient(settings)
        self.session.reconnect(Connection(self._server_label(name), has_key=bool(settings.api_key), profile=name))
        await self._switch_archive(settings.base_url, name)
        feed = self._start_feeds()
        self.show_list()
        list_screen = self._list_screen()
        list_screen.reconnected()
        if self.execution_screen.built:
            self.execution_screen.reconnected()
        if settings.api_key:
            feed.load_first_page()
            self.tell_list(ListChanged())
        self.notify(f"Switched to profile {one_line(name)}", markup=False)

    async def _switch_archive(self, base_url: str, profile: str) -> None:
        """Another server, another archive: the last one's executions are never shown as this one's."""
        from riza_tui.core.archive import DEFAULT_MAX_BYTES, ArchiveUnavailable, open_archive

        old = self.session.archive
        if old is None:
            return  # switched off (--no-archive, archive = false): it stays off
        await asyncio.to_thread(self.archive_feed.write_now)
        old.close()
        try:
            limit = old.max_bytes or DEFAULT_MAX_BYTES
            self.session.archive = await asyncio.to_thread(open_archive, base_url, profile, max_bytes=limit)
        except ArchiveUnavailable as error:
            self.session.archive = None
            self.notify(f"{one_line(str(error))}; going on without it", title="No archive", severity="warning")
