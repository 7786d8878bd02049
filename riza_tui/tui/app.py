"""The app: owns the one API client and the session, runs the workers, and wires them to the screens.

Screens ask with messages (``LookupRequested``, ``ListRequested``…); a worker does the I/O, puts what it got in
the session and posts a ``…Changed`` message to the screen that shows it. The list screen is built only when
it is first needed, so ``riza-tui ID`` draws the execution without composing the list.
"""

from __future__ import annotations

import asyncio
import copy
import os
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

from textual import work
from textual.app import App
from textual.binding import BindingType
from textual.message import Message
from textual.worker import Worker, WorkerState

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import RizaError
from riza_tui.api.settings import ClientSettings, display_url
from riza_tui.core import formatting
from riza_tui.core.archive import Archive
from riza_tui.core.archive_reader import ArchiveReader, ExecutionReader
from riza_tui.core.history import LookupHistory
from riza_tui.core.session import Connection, LookupState, Session
from riza_tui.safety.errors import safe_error_message
from riza_tui.safety.sanitize import one_line
from riza_tui.tui.archive_feed import ArchiveFeed
from riza_tui.tui.archive_requests import ArchiveRequests
from riza_tui.tui.keys import bindings
from riza_tui.tui.list_feed import ListFeed
from riza_tui.tui.messages import (
    CharacterTyped,
    FilterTyped,
    LastGoodWanted,
    ListChanged,
    ListRequested,
    LookupCancelled,
    LookupChanged,
    LookupRequested,
    WatchToggled,
)
from riza_tui.tui.profile_switch import ProfileSwitching
from riza_tui.tui.screens.execution import ExecutionScreen
from riza_tui.tui.terminal import exit_cleanly_on_signals, on_final_exit, tolerate_invalid_input

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.driver import Driver

    from riza_tui.tui.screens.list import ListScreen
    from riza_tui.tui.widgets.triage_table import TriageTable

RELEASE_AFTER_BYTES = 1024 * 1024
DEFAULT_WATCH_SECONDS = 5.0


def _riza_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens: the first screen does not need it."""
    from riza_tui.tui.commands import RizaCommands

    return RizaCommands


class RizaApp(ArchiveRequests, ProfileSwitching):
    CSS_PATH = "app.tcss"
    TITLE = "riza-tui"
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")
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
        keymap: dict[str, str] | None = None,
        archive: Archive | None = None,
        offline: bool = False,
        archive_problem: str = "",
    ) -> None:
        """``archive``: where what is fetched is kept (None: nothing is kept); ``offline``: read only it, send
        nothing anywhere; ``archive_problem``: why there is no archive, said once the app is up."""
        super().__init__()
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            # One key, one frame: an animated PageDown was ~19 frames and 120 KB over SSH (measured).
            self.animation_level = "none"
        self.settings = settings
        self.initial_id = (initial_id or "").strip()
        self.demo = demo
        self.watch_seconds = watch_seconds
        self._config_theme = theme
        self.client: ExecutionReader | None = None
        self.feed: ListFeed | None = None
        self.offline = offline and archive is not None
        self._archive_problem = archive_problem
        self._last_size = 0
        label = self._server_label(profile) if server_label is None else server_label
        self.session = Session(
            history=history if history is not None else LookupHistory(),
            connection=Connection(
                label, has_key=bool(settings.api_key) or self.offline, profile=profile, offline=self.offline
            ),
            keymap=dict(keymap or {}),
            archive=archive,
        )
        self.archive_feed = ArchiveFeed(
            self, self.session, lambda: self.client, self.broadcast, offline=self.offline, clock=self._clock
        )
        # Installed, so that leaving a screen keeps it (its cursor, filter, scroll) for coming back.
        self.execution_screen = ExecutionScreen(self.session, leave=self.leave_execution)
        self.install_screen(self.execution_screen, "execution")
        self.list_screen: ListScreen | None = None

    def _clock(self) -> datetime:
        """What the archive's windows count back from: now, or for the demo its newest execution."""
        if self.demo:
            from riza_tui.demo.generate import NEWEST

            return NEWEST
        return formatting.utc_now()

    def _server_label(self, profile: str | None) -> str:
        """Where the data comes from: the profile and host (never the key)."""
        shown = display_url(self.settings.base_url)
        host = urlsplit(shown).netloc or shown
        if self.demo:
            return f"demo data · {host}"
        return f"{profile} · {host}" if profile else host

    def get_driver_class(self) -> type[Driver]:
        tolerate_invalid_input()
        return super().get_driver_class()

    async def on_mount(self) -> None:
        exit_cleanly_on_signals(lambda code: self.exit(return_code=code))
        if self._config_theme in self.available_themes:
            self.theme = self._config_theme
        if self.session.keymap:
            self.set_keymap(self.session.keymap)
        if self.offline and self.session.archive is not None:
            self.client = ArchiveReader(self.session.archive, self.session.connection.label)
        else:
            self.client = RizaClient(self.settings)
        if self._archive_problem:
            self.notify(self._archive_problem, title="No archive", severity="warning", markup=False, timeout=8)
        feed = self._start_feeds()
        has_key = self.session.connection.has_key
        if has_key and self.initial_id:
            self.session.trail.visit(self.initial_id)
            self.lookup(self.initial_id)  # the request is in flight while the screen is built
            # Pushed once Textual's start-up batch has ended: a frame rendered inside it is thrown away (~20 ms,
            # and the highlighter started after it competed with the frame that was written; bench/first_paint).
            self.call_later(self.push_screen, self.execution_screen)
        else:
            await self.push_screen(self._list_screen())
        if has_key and self.watch_seconds and not self.offline:
            feed.toggle_watch(self.watch_seconds)
        if self.demo and self.archive_feed.keeper is not None:
            self.sync_archive(None, quiet=True)  # the demo's archive holds the sample data: groups and search work

    async def on_unmount(self) -> None:
        if self.client is not None:
            await self.client.aclose()
        await asyncio.to_thread(self.archive_feed.write_now)
        if self.session.archive is not None:
            self.session.archive.close()

    def broadcast(self, message: Message) -> None:
        """News from the archive's workers for whichever screens are up (each reads the session when shown)."""
        for screen in self.screen_stack:
            screen.post_message(copy.copy(message))

    def _list_screen(self) -> ListScreen:
        if self.list_screen is None:
            from riza_tui.tui.screens.list import ListScreen  # not needed to open one execution

            self.list_screen = ListScreen(self.session)
            self.install_screen(self.list_screen, "list")
        return self.list_screen

    def tell_list(self, message: Message) -> None:
        """News for the list screen, if it exists (opened on an ID, it is built only when first wanted)."""
        if self.list_screen is not None:
            self.list_screen.post_message(message)

    # Requests from the screens ------------------------------------------------------------------------

    async def on_lookup_requested(self, message: LookupRequested) -> None:
        if not message.from_trail:
            self.session.trail.visit(message.execution_id)
        self.lookup(message.execution_id, reload=message.reload)
        if self.execution_screen not in self.screen_stack:
            await self.push_screen(self.execution_screen)
        else:  # asked from a screen over it (a group's executions): back to it, showing the new one
            while self.screen is not self.execution_screen:
                self.pop_screen()

    def on_lookup_cancelled(self, message: LookupCancelled) -> None:
        self.workers.cancel_group(self, "lookup")
        lookup = self.session.lookup
        if lookup is not None and lookup.phase == "loading":
            self.session.lookup = LookupState(lookup.execution_id, "cancelled")
            if not message.quiet:  # quiet: the user has gone back to the list, nothing to report there
                self.execution_screen.post_message(LookupChanged())

    def leave_execution(self, *, to_list: bool) -> None:
        """Escape: back to the screen the execution was opened from (a group, a search); ``b``: to the list."""
        below = self.screen_stack[-2] if len(self.screen_stack) > 2 else None
        if to_list or below is None or below is self.list_screen:
            self.show_list()
        else:
            self.pop_screen()

    def show_list(self) -> None:
        """Back to the list, at once: below the execution screen it is popped to, with the table focused before
        the next key arrives; opened on an ID, the list takes the execution screen's place."""
        list_screen = self._list_screen()
        if list_screen in self.screen_stack:
            if list_screen.built and list_screen.table.display:
                list_screen.set_focus(list_screen.table)
            while self.screen is not list_screen:
                self.pop_screen()
        else:
            self.switch_screen(list_screen)

    def on_character_typed(self, message: CharacterTyped) -> None:
        if self.list_screen is not None and self.screen is self.list_screen:
            self.list_screen.take_typed(message.character)

    def on_list_requested(self, message: ListRequested) -> None:
        if self.feed is None or not self.session.connection.has_key:
            return
        if message.next_page:
            self.feed.load_next_page()
        else:
            self.feed.load_first_page()
            self.tell_list(ListChanged())  # the heading says "loading…"

    def on_triage_table_wanted_changed(self, message: TriageTable.WantedChanged) -> None:
        if self.feed is not None and self.session.connection.has_key:
            self.feed.want_details(message.execution_ids)

    def on_filter_typed(self, _message: FilterTyped) -> None:
        if self.feed is not None:
            self.feed.facts_for_filter()

    def on_watch_toggled(self, _message: WatchToggled) -> None:
        if self.feed is not None:
            self.feed.toggle_watch(self.watch_seconds or DEFAULT_WATCH_SECONDS)

    def _start_feeds(self) -> ListFeed:
        """The workers' feeds for the client of now (at start, and again after a profile switch)."""
        assert self.client is not None
        self.archive_feed = ArchiveFeed(
            self, self.session, lambda: self.client, self.broadcast, offline=self.offline, clock=self._clock
        )
        if self.archive_feed.keeper is not None:  # whatever is still queued is written however the process ends
            on_final_exit(self.archive_feed.keeper.flush)
        self.feed = ListFeed(
            self,
            self.client,
            self.session,
            self.tell_list,
            keep=self.archive_feed.keep,
            opened_groups=self.archive_feed.opened_groups,
        )
        return self.feed

    # Workers ------------------------------------------------------------------------------------------

    def on_last_good_wanted(self, _message: LastGoodWanted) -> None:
        self.compare_with_last_good()

    @work(exclusive=True, group="last-good", exit_on_error=False, description="find the last good run")
    async def compare_with_last_good(self) -> None:
        from riza_tui.tui.screens.diff import DiffScreen

        current = self.execution_screen.fetched
        if current is None or self.feed is None:
            return
        self.notify("Looking for the last good run of the same tool or code…", timeout=3)
        try:
            good = await self.feed.last_good_run(current)
        except RizaError as error:
            self.notify(f"Could not look for it: {safe_error_message(error)}", severity="error", markup=False)
            return
        if good is None:
            self.notify("No earlier successful run of the same tool or code was found", severity="warning")
            return
        await self.push_screen(DiffScreen(good, current, reveal_secrets=self.execution_screen.reveal_secrets))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker ends up (workers are started with exit_on_error=False): a message on
        screen, and the app goes on."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                one_line(f"{event.worker.description or event.worker.name} failed: {type(error).__name__}: {error}"),
                title="riza-tui hit a bug; please report it",
                severity="error",
                markup=False,
                timeout=10,
            )

    @work(exclusive=True, group="memory", exit_on_error=False, description="release freed memory")
    async def release_memory(self) -> None:
        """Once the panes' text is prepared (the splitting leaves garbage too), give freed memory back."""
        from riza_tui.core.memory import release_freed_memory

        preparing = [worker.wait() for worker in self.workers if worker.group == "prepare"]
        await asyncio.gather(*preparing, return_exceptions=True)  # a cancelled one is as done as a finished one
        await asyncio.to_thread(release_freed_memory)

    def _set_lookup(self, state: LookupState) -> None:
        self.session.lookup = state
        self.execution_screen.post_message(LookupChanged())

    @work(exclusive=True, group="lookup", exit_on_error=False)
    async def lookup(self, execution_id: str, *, reload: bool = False) -> None:
        """Show one execution: at once from the store, else fetched (``reload`` always fetches). A newer lookup
        cancels this one, and every failure becomes state."""
        execution_id = execution_id.strip()
        if self.client is None or not self.session.connection.has_key:
            self.notify("Set RIZA_API_KEY or run riza-tui --demo first", severity="warning", markup=False)
            return
        store = self.session.store
        # An execution that has ended does not change, so what the store has is the answer.
        fetched = None if reload else store.get(execution_id)
        if fetched is None:
            # The loading state is one still line in the summary (no spinner over the body), so it costs no
            # frames while waiting; cancelling this worker cancels the request inside it.
            self._set_lookup(LookupState(execution_id, "loading"))
            try:
                fetched = await self.client.retrieve(execution_id)
            except RizaError as error:
                copy = await self.archive_feed.archived_copy(execution_id, error)
                if copy is None:
                    self._set_lookup(LookupState(execution_id, "failed", error=error))
                    return
                fetched = copy
                self.notify(
                    f"The server could not answer ({error.title.lower()}): showing the archived copy",
                    severity="warning",
                    markup=False,
                )
            except Exception as error:  # a bug of ours must not take the app down mid-incident
                unexpected = RizaError(f"unexpected {type(error).__name__}: {error}", hint="please report this")
                self._set_lookup(LookupState(execution_id, "failed", error=unexpected))
                return
            store.put(fetched, as_id=execution_id)
            self.archive_feed.keep(fetched)
        store.keep(execution_id)
        self.session.history.add(execution_id)
        self._set_lookup(LookupState(execution_id, "loaded"))
        if fetched.execution.exit_code != 0 and self.session.archive is not None:
            self.run_worker(self.archive_feed.group_hint(fetched), group="group-hint", exclusive=True)
        # Releasing costs a full collection (~50 ms holding the GIL): worth it only when a big execution
        # came or went, and only once its panes are prepared.
        if max(fetched.size, self._last_size) >= RELEASE_AFTER_BYTES:
            self.release_memory()
        self._last_size = fetched.size
