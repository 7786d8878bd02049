"""The app: owns the one API client and the workers, and wires them to the screen with messages."""

from __future__ import annotations

import asyncio
from typing import ClassVar
from urllib.parse import urlsplit

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from riza_tui.api.client import RizaClient
from riza_tui.api.config import ClientSettings
from riza_tui.api.errors import RizaError
from riza_tui.messages import LookupCancelled, LookupRequested, RecentRequested
from riza_tui.screens.execution import ExecutionScreen
from riza_tui.state import LookupState

RECENT_PAGE = 100
LOADING_SHOWN_AFTER = 0.08


class RizaApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "riza-tui"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(
        self,
        settings: ClientSettings,
        *,
        initial_id: str | None = None,
        demo: bool = False,
        server_label: str | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.initial_id = (initial_id or "").strip()
        self.demo = demo
        self.client: RizaClient | None = None
        label = self._server_label() if server_label is None else server_label
        self.main_screen = ExecutionScreen(
            initial_id=self.initial_id, server_label=label, has_key=bool(settings.api_key)
        )

    def _server_label(self) -> str:
        host = urlsplit(self.settings.base_url).netloc or self.settings.base_url
        return f"demo data · {host}" if self.demo else host

    async def on_mount(self) -> None:
        self.client = RizaClient(self.settings)
        if self.settings.api_key and self.initial_id:
            self.lookup(self.initial_id)  # the request is in flight while the screen is built
        await self.push_screen(self.main_screen)
        if self.settings.api_key and not self.initial_id:
            self.load_recent(False)

    async def on_unmount(self) -> None:
        if self.client is not None:
            await self.client.aclose()

    def on_lookup_requested(self, message: LookupRequested) -> None:
        self.lookup(message.execution_id)

    def on_lookup_cancelled(self, _message: LookupCancelled) -> None:
        self.workers.cancel_group(self, "lookup")
        self.main_screen.state = LookupState(self.main_screen.state.execution_id, "cancelled")

    def on_recent_requested(self, message: RecentRequested) -> None:
        if self.settings.api_key:
            self.load_recent(message.only_failures, message.starting_after)

    @work(exclusive=True, group="lookup")
    async def lookup(self, execution_id: str) -> None:
        """Fetch one execution; a newer lookup cancels this one, and every failure becomes state."""
        screen = self.main_screen
        execution_id = execution_id.strip()
        if self.client is None or not self.settings.api_key:
            self.notify("Set RIZA_API_KEY or run riza-tui --demo first", severity="warning", markup=False)
            return
        retrieval = asyncio.ensure_future(self.client.retrieve(execution_id))
        try:
            # A spinner that flashes for a fast answer is noise, and drawing it delayed that answer ~8 ms.
            await asyncio.wait({retrieval}, timeout=LOADING_SHOWN_AFTER)
            if not retrieval.done():
                screen.state = LookupState(execution_id, "loading")
            fetched = await retrieval
        except RizaError as error:
            screen.state = LookupState(execution_id, "failed", error=error)
        except Exception as error:  # a bug of ours must not take the app down mid-incident
            unexpected = RizaError(f"unexpected {type(error).__name__}: {error}", hint="please report this")
            screen.state = LookupState(execution_id, "failed", error=unexpected)
        else:
            screen.state = LookupState(execution_id, "loaded", fetched=fetched)
        finally:
            retrieval.cancel()  # a newer lookup or Escape cancelled this worker: stop the request too

    @work(exclusive=True, group="recent")
    async def load_recent(self, only_failures: bool, starting_after: str | None = None) -> None:
        """One page of the recent list; reloading (a new filter) cancels a page still in flight."""
        if self.client is None:
            return
        first_page = starting_after is None
        if first_page:
            self.main_screen.show_recent_loading()
        try:
            page = await self.client.list_executions(
                limit=RECENT_PAGE, starting_after=starting_after, only_failures=only_failures
            )
        except RizaError as error:
            self.main_screen.show_recent_error(str(error), first_page=first_page)
        else:
            self.main_screen.show_recent(page.data, first_page=first_page)
