"""The app: owns the one API client, the store and the workers, and wires them to the screen with messages."""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import RizaError
from riza_tui.api.settings import ClientSettings, display_url
from riza_tui.core.history import LookupHistory
from riza_tui.core.memory import release_freed_memory
from riza_tui.core.session import LookupState
from riza_tui.core.store import ExecutionStore
from riza_tui.tui.list_feed import ListFeed
from riza_tui.tui.messages import LastGoodWanted, LookupCancelled, LookupRequested, RecentRequested, WatchToggled
from riza_tui.tui.screens.execution import ExecutionScreen
from riza_tui.tui.terminal import exit_cleanly_on_signals, tolerate_invalid_input
from riza_tui.tui.widgets.triage_table import TriageTable

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.driver import Driver

RELEASE_AFTER_BYTES = 1024 * 1024


def _riza_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens: the first screen does not need it."""
    from riza_tui.tui.commands import RizaCommands

    return RizaCommands


DEFAULT_WATCH_SECONDS = 5.0


class RizaApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "riza-tui"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", priority=True, show=False)]
    COMMANDS = App.COMMANDS | {lambda: _riza_commands()}

    def __init__(
        self,
        settings: ClientSettings,
        *,
        initial_id: str | None = None,
        demo: bool = False,
        server_label: str | None = None,
        watch_seconds: float = 0.0,
        history: LookupHistory | None = None,
        profile: str | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            # One key, one frame: an animated PageDown was ~19 frames and 120 KB over SSH (measured).
            self.animation_level = "none"
        self.settings = settings
        self.initial_id = (initial_id or "").strip()
        self.demo = demo
        self.watch_seconds = watch_seconds
        self.profile = profile
        self._config_theme = theme
        self.client: RizaClient | None = None
        self.feed: ListFeed | None = None
        self.store = ExecutionStore()
        self.history = history if history is not None else LookupHistory()
        self._last_size = 0
        label = self._server_label() if server_label is None else server_label
        self.main_screen = ExecutionScreen(
            self.store,
            initial_id=self.initial_id,
            server_label=label,
            has_key=bool(settings.api_key),
            history=self.history,
        )

    def _server_label(self) -> str:
        """Where the data comes from: the profile and host (never the key)."""
        shown = display_url(self.settings.base_url)
        host = urlsplit(shown).netloc or shown
        if self.demo:
            return f"demo data · {host}"
        return f"{self.profile} · {host}" if self.profile else host

    def get_driver_class(self) -> type[Driver]:
        tolerate_invalid_input()
        return super().get_driver_class()

    async def on_mount(self) -> None:
        exit_cleanly_on_signals(lambda code: self.exit(return_code=code))
        if self._config_theme in self.available_themes:
            self.theme = self._config_theme
        self.client = RizaClient(self.settings)
        if self.settings.api_key and self.initial_id:
            self.main_screen.trail.visit(self.initial_id)
            self.lookup(self.initial_id)  # the request is in flight while the screen is built
        await self.push_screen(self.main_screen)
        self.feed = ListFeed(self, self.client, self.store, self.main_screen.triage)
        if self.settings.api_key and not self.initial_id:
            self.main_screen.triage.show_loading()
            self.feed.load_page(False)
        if self.settings.api_key and self.watch_seconds:
            self.feed.toggle_watch(self.watch_seconds)

    async def on_unmount(self) -> None:
        if self.client is not None:
            await self.client.aclose()

    def on_lookup_requested(self, message: LookupRequested) -> None:
        self.lookup(message.execution_id, reload=message.reload)

    def on_lookup_cancelled(self, message: LookupCancelled) -> None:
        self.workers.cancel_group(self, "lookup")
        if not message.quiet:
            self.main_screen.state = LookupState(self.main_screen.state.execution_id, "cancelled")

    def on_recent_requested(self, message: RecentRequested) -> None:
        if self.feed is not None and self.settings.api_key:
            if message.starting_after is None:
                self.main_screen.triage.show_loading()
            self.feed.load_page(message.only_failures, message.starting_after)

    def on_triage_table_wanted_changed(self, message: TriageTable.WantedChanged) -> None:
        if self.feed is not None and self.settings.api_key:
            self.feed.want_details(message.execution_ids)

    def on_watch_toggled(self, _message: WatchToggled) -> None:
        if self.feed is not None:
            self.feed.toggle_watch(self.watch_seconds or DEFAULT_WATCH_SECONDS)

    def profile_names(self) -> list[str]:
        """The profiles of the config file, for the palette (none when the file is missing or broken)."""
        from riza_tui.core.config import ConfigError, load_config

        try:
            return sorted(load_config().profiles)
        except ConfigError:
            return []

    async def action_switch_profile(self, name: str) -> None:
        """Reconnect with another profile's URL and key: the list and store start again, nothing is mixed."""
        from riza_tui.core.config import ConfigError, load_config, resolve_settings

        try:
            profile = load_config().profiles[name]
            settings = resolve_settings(timeout=self.settings.timeout, environ={}, profile=profile)
        except (ConfigError, KeyError) as error:
            self.notify(f"Cannot switch to {name}: {error}", severity="error", markup=False)
            return
        self.workers.cancel_group(self, "lookup")
        self.workers.cancel_group(self, "details")
        self.workers.cancel_group(self, "watch")
        if self.client is not None:
            await self.client.aclose()
        self.settings, self.profile = settings, name
        self.client = RizaClient(settings)
        self.store.clear()
        self.feed = ListFeed(self, self.client, self.store, self.main_screen.triage)
        self.main_screen.reconnected(self._server_label(), has_key=bool(settings.api_key))
        if settings.api_key:
            self.main_screen.triage.show_loading()
            self.feed.load_page(False)
        self.notify(f"Switched to profile {name}", markup=False)

    def on_last_good_wanted(self, _message: LastGoodWanted) -> None:
        self.compare_with_last_good()

    @work(exclusive=True, group="last-good", exit_on_error=False, description="find the last good run")
    async def compare_with_last_good(self) -> None:
        from riza_tui.tui.screens.diff import DiffScreen

        current = self.main_screen.fetched
        if current is None or self.feed is None:
            return
        self.notify("Looking for the last good run of the same tool or code…", timeout=3)
        try:
            good = await self.feed.last_good_run(current)
        except RizaError as error:
            self.notify(f"Could not look for it: {error}", severity="error", markup=False)
            return
        if good is None:
            self.notify("No earlier successful run of the same tool or code was found", severity="warning")
            return
        await self.push_screen(DiffScreen(good, current, reveal_secrets=self.main_screen.reveal_secrets))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker ends up (workers are started with exit_on_error=False): a message on
        screen, and the app goes on."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                f"{event.worker.description or event.worker.name} failed: {type(error).__name__}: {error}",
                title="riza-tui hit a bug; please report it",
                severity="error",
                markup=False,
                timeout=10,
            )

    @work(exclusive=True, group="memory", exit_on_error=False, description="release freed memory")
    async def release_memory(self) -> None:
        """Once the panes' text is prepared (the splitting leaves garbage too), give freed memory back."""
        preparing = [worker.wait() for worker in self.workers if worker.group == "prepare"]
        await asyncio.gather(*preparing, return_exceptions=True)  # a cancelled one is as done as a finished one
        await asyncio.to_thread(release_freed_memory)

    @work(exclusive=True, group="lookup", exit_on_error=False)
    async def lookup(self, execution_id: str, *, reload: bool = False) -> None:
        """Show one execution: at once from the store, else fetched (``reload`` always fetches). A newer lookup
        cancels this one, and every failure becomes state."""
        screen = self.main_screen
        execution_id = execution_id.strip()
        if self.client is None or not self.settings.api_key:
            self.notify("Set RIZA_API_KEY or run riza-tui --demo first", severity="warning", markup=False)
            return
        # An execution that has ended does not change, so what the store has is the answer.
        fetched = None if reload else self.store.get(execution_id)
        if fetched is None:
            # The loading state is one still line in the summary (no spinner over the body), so it costs no
            # frames while waiting; cancelling this worker cancels the request inside it.
            screen.state = LookupState(execution_id, "loading")
            try:
                fetched = await self.client.retrieve(execution_id)
            except RizaError as error:
                screen.state = LookupState(execution_id, "failed", error=error)
                return
            except Exception as error:  # a bug of ours must not take the app down mid-incident
                unexpected = RizaError(f"unexpected {type(error).__name__}: {error}", hint="please report this")
                screen.state = LookupState(execution_id, "failed", error=unexpected)
                return
            self.store.put(fetched, as_id=execution_id)
        self.store.keep(execution_id)
        self.history.add(execution_id)
        screen.state = LookupState(execution_id, "loaded")
        # Releasing costs a full collection (~50 ms holding the GIL): worth it only when a big execution
        # came or went, and only once its panes are prepared.
        if max(fetched.size, self._last_size) >= RELEASE_AFTER_BYTES:
            self.release_memory()
        self._last_size = fetched.size
