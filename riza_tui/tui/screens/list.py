"""The list screen: which executions ran, newest first, as a triage table, with a filter and watch mode.

It reads everything it shows from the session (rows, paging, filter, failures-only, watch) and asks the app for
pages with messages; the execution screen is pushed over it, so going back finds its cursor and filter as left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from riza_tui.safety.sanitize import safe_text
from riza_tui.tui.keys import bindings
from riza_tui.tui.messages import (
    CharacterTyped,
    ExecutionStored,
    FilterTyped,
    ListChanged,
    ListRequested,
    LookupRequested,
    SyncChanged,
    SyncWanted,
    WatchChanged,
    WatchToggled,
)
from riza_tui.tui.render.colors import palette_for
from riza_tui.tui.widgets.key_bar import KeyBar
from riza_tui.tui.widgets.quiet_input import QuietInput
from riza_tui.tui.widgets.top_bar import TopBar
from riza_tui.tui.widgets.triage_table import TriageTable

if TYPE_CHECKING:
    from riza_tui.core.session import Session

NO_KEY_HELP = (
    "No API key is set, so nothing can be looked up yet.\n\n"
    "  export RIZA_API_KEY=<your key>      then run riza-tui again, or pass --api-key\n"
    "  riza-tui --demo                     to explore the bundled sample data\n"
)


class FilterBox(QuietInput):
    """The list filter."""

    def __init__(self) -> None:
        super().__init__(placeholder="filter: id, language, type, tool, exit code, error text", id="filter")


class ListScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("list")
    KEY_SCOPE = "list"  # which keys of the key table are active here (help, palette)
    AUTO_FOCUS = None  # placed by on_mount: the table with a key, the lookup bar without
    # Screen.focused repaints the whole screen on every change; the widgets that gain and lose focus repaint
    # themselves, which is all that changes (a full repaint is ~36 KB at 120x40 over SSH).
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.built = False  # composed and mounted: the news handlers have widgets to draw on
        self._typing = False  # a character typed on the table is on its way to the lookup bar

    def compose(self) -> ComposeResult:
        yield TopBar(history=self.session.history, server_label=self.session.connection.label)
        yield Static(id="list-heading", markup=False)
        yield FilterBox()
        yield TriageTable(self.session.store, id="table")
        yield KeyBar()

    @property
    def table(self) -> TriageTable:
        return self.query_one(TriageTable)

    def on_mount(self) -> None:
        if self.app.return_code is not None:  # exiting before it was built (stdin at its end): nothing to set up
            return
        self.built = True
        self.table.take_key = self._key_at_table
        box = self.query_one(FilterBox)
        box.value = self.session.list_filter
        box.display = bool(self.session.list_filter)
        if not self.session.connection.has_key:
            self.table.display = False
            self.set_focus(self.query_one(TopBar).lookup)
        else:
            self.table.set_filter(self.session.list_filter)
            self.set_focus(self.table)  # the list's keys (f, /, ?, q) work from the first screen
            if not self.session.listing.requested:  # opened on an ID: the list was not needed until now
                self.post_message(ListRequested())
        self.show_heading()

    def reconnected(self) -> None:
        """Another profile: the header names the new server, the list starts again."""
        self.query_one(TopBar).show_server(self.session.connection.label)
        self.table.display = self.session.connection.has_key
        self.table.rows_changed()
        self.show_heading()

    # What the app's workers report ------------------------------------------------------------------

    def on_list_changed(self, message: ListChanged) -> None:
        if not self.built:
            return
        self.table.rows_changed(new_ids=message.new_ids)
        self.show_heading()

    def on_execution_stored(self, message: ExecutionStored) -> None:
        if not self.built:
            return
        self.table.execution_stored(message.execution_id)
        if self.session.list_filter:
            self.show_heading()

    def on_sync_changed(self, _message: SyncChanged) -> None:
        if not self.built:
            return
        self.show_heading()

    def on_watch_changed(self, _message: WatchChanged) -> None:
        if not self.built:
            return
        self.show_heading()

    def show_heading(self) -> None:
        """The line above the table: what is listed, how much is loaded, watch mode, errors."""
        heading = self.query_one("#list-heading", Static)
        session, palette = self.session, palette_for(self.app)
        if not session.connection.has_key:
            heading.update(Text(NO_KEY_HELP, palette.warn))
            return
        listing, loaded = session.listing, len(session.store.rows)
        text = Text("Recent executions", "bold")
        text.append(" · failures only" if session.only_failures else " · newest first", "dim")
        if session.watch.new_groups:
            count = session.watch.new_groups
            text.append(f" · {count} new failure group{'s' if count != 1 else ''} (✱; i lists them)", palette.warn)
        if session.sync_note:
            text.append(f" · {session.sync_note}", "dim")
        if session.watch.note:  # may carry the server's words: made one safe line by the feed
            style = palette.warn if session.watch.note.startswith("watch error") else "dim"
            text.append_text(safe_text(f" · {session.watch.note}", style))
        if session.list_filter:
            text.append(f" · {len(self.table.shown):,} of {loaded:,} loaded match", "bold")
            # Type, tool and error text are known only for rows whose details were seen.
            with_details = sum(1 for row in session.store.rows if session.store.facts(row.id))
            text.append(f" ({with_details:,} with details)", "dim")
        if listing.error:
            text.append_text(safe_text(f" · {listing.error}", palette.fail))
        elif listing.waiting and not loaded:
            text.append(" · loading…", "dim")
        elif listing.complete:
            text.append(f" · all {loaded:,} loaded" if loaded else " · no executions yet", "dim")
        elif not session.list_filter:
            text.append(f" · {loaded:,} loaded" + (" · loading more…" if listing.waiting else " · more below"), "dim")
        heading.update(text)

    # The table --------------------------------------------------------------------------------------

    def on_triage_table_more_wanted(self, message: TriageTable.MoreWanted) -> None:
        message.stop()
        listing = self.session.listing
        if listing.requested and not (listing.waiting or listing.complete) and self.table.near_end():
            self.post_message(ListRequested(next_page=True))

    def on_triage_table_selected(self, message: TriageTable.Selected) -> None:
        message.stop()
        self.post_message(LookupRequested(message.execution_id))

    def on_triage_table_counts_changed(self, message: TriageTable.CountsChanged) -> None:
        message.stop()
        self.show_heading()

    # Keys -------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Which keys work now (the key bar and the palette show only those)."""
        connection = self.session.connection
        if action == "toggle_watch":
            return connection.has_key and not connection.offline
        if action in ("groups", "search_archive"):
            return self.session.archive is not None
        if action == "sync_day":
            return connection.has_key and not connection.offline and self.session.archive is not None
        if action in ("toggle_failures", "reload", "filter"):
            return connection.has_key
        if action == "last_opened":
            return self.session.trail.current is not None
        return True

    def action_focus_lookup(self) -> None:
        """Like a browser's address bar: focused at once with its text selected, so typing replaces it (keys
        typed or pasted in the same burst as ctrl+l must reach it, not the old widget)."""
        lookup = self.query_one(TopBar).lookup
        self.set_focus(lookup)
        lookup.select_all()

    def action_filter(self) -> None:
        box = self.query_one(FilterBox)
        box.display = True
        self.set_focus(box)  # at once: the next keys typed are the filter

    def action_escape(self) -> None:
        """Escape steps back: out of the lookup bar (a key typed by mistake started it), or clears the filter."""
        lookup, box = self.query_one(TopBar).lookup, self.query_one(FilterBox)
        if self.focused is lookup:
            lookup.value = ""
        elif box.display:
            box.value = ""
            box.display = False
        if self.table.display:
            self.set_focus(self.table)

    def action_toggle_failures(self) -> None:
        self.session.only_failures = not self.session.only_failures
        self.post_message(ListRequested())

    def action_toggle_watch(self) -> None:
        self.post_message(WatchToggled())

    def action_groups(self) -> None:
        from riza_tui.tui.screens.groups import GroupsScreen  # not needed until asked for

        self.app.push_screen(GroupsScreen(self.session))

    def action_search_archive(self) -> None:
        from riza_tui.tui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(self.session))

    def action_sync_day(self) -> None:
        self.post_message(SyncWanted(24.0))

    def action_reload(self) -> None:
        self.post_message(ListRequested())

    def action_last_opened(self) -> None:
        if self.session.trail.current is not None:
            self.post_message(LookupRequested(self.session.trail.current, from_trail=True))

    def action_help(self) -> None:
        from riza_tui.tui.screens.help import HelpScreen  # not needed for the first screen

        self.app.push_screen(HelpScreen("list", self.session.keymap))

    # Typing and pasting -----------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, FilterBox):
            event.stop()
            self.session.list_filter = event.value
            self.table.set_filter(event.value)
            if event.value:
                self.post_message(FilterTyped())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if isinstance(event.input, FilterBox):
            event.stop()
            self.set_focus(self.table)
            if not event.value:
                event.input.display = False

    def _key_at_table(self, event: events.Key) -> bool:
        """The first screen invites typing an ID: a printable key that is no list key starts the lookup bar with
        that character (IDs begin with ``exec_``), so typing an ID and Enter looks it up.

        Keys come in bursts (a fast typist over SSH, a paste without bracketed paste), and Textual hands each
        to the widget focused when the app read it, resolving list keys only once the key has bubbled back up
        to the app. So the character is posted to this screen, to bubble up behind the keys before it (``/``
        then ``exec`` filters for "exec"); and once typing has begun, or focus has left the table, a printable
        key is a character, list key or not (an ID holds ``G`` and ``W``)."""
        if not event.is_printable or event.character is None:
            return False  # Enter, Escape…: resolved by the app against the focus of then, as they should be
        if self.focused is self.table and not self._typing:
            if any(binding.key == event.key for _node, binding, _on, _tip in self.active_bindings.values()):
                return False
            self._typing = True
        self.post_message(CharacterTyped(event.character))
        return True

    def take_typed(self, character: str) -> None:
        """A character typed on the list that no key took: into the input that has focus by now (a filter the
        key before it opened), else it starts the lookup bar."""
        self._typing = False
        if isinstance(self.focused, Input):
            self.focused.insert_text_at_cursor(character)
            return
        lookup = self.query_one(TopBar).lookup
        self.set_focus(lookup)
        lookup.value = ""
        lookup.insert_text_at_cursor(character)

    def on_paste(self, event: events.Paste) -> None:
        """A paste outside an input (inputs take their own) is an ID or alert text to look up."""
        event.stop()
        self.query_one(TopBar).look_up_pasted(event.text)
