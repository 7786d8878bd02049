"""The list view: a heading that says what is listed, a filter box, and the triage table.

It keeps the paging state (waiting for a page, all loaded, a page failed) and turns the table's wishes into
messages for the app; the rows themselves live in the store.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from riza_tui.core.store import ExecutionStore
from riza_tui.safety.sanitize import one_line, safe_text
from riza_tui.tui.messages import ExecutionStored, ListPageArrived, LookupRequested, RecentRequested, WatchStatus
from riza_tui.tui.render.colors import palette_for
from riza_tui.tui.widgets.quiet_input import QuietInput
from riza_tui.tui.widgets.triage_table import TriageTable


class FilterBox(QuietInput):
    """The list filter."""

    def __init__(self) -> None:
        super().__init__(placeholder="filter: id, language, type, tool, exit code, error text")


class TriageList(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("slash", "filter", "Filter")]

    def __init__(self, store: ExecutionStore, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.only_failures = False
        self.watch_note = ""
        self.first_page_requested = False
        self._waiting = False
        self._complete = False
        self._error = ""

    def compose(self) -> ComposeResult:
        yield Static(id="list-heading", markup=False)
        yield FilterBox()
        yield TriageTable(self.store, id="table")

    def on_mount(self) -> None:
        self.query_one(FilterBox).display = False
        self._update_heading()

    @property
    def table(self) -> TriageTable:
        return self.query_one(TriageTable)

    # Paging -----------------------------------------------------------------------------------------

    def show_loading(self) -> None:
        self.first_page_requested = True
        self._waiting = True
        self._complete = False
        self._error = ""
        self._update_heading()

    def page_arrived(self, *, complete: bool, new_ids: set[str] | None = None) -> None:
        self._waiting = False
        self._complete = complete
        self._error = ""
        self.table.rows_changed(new_ids=new_ids)

    def show_error(self, message: str) -> None:
        """A failed page: the rows shown stay; paging stops until the list is reloaded."""
        self._waiting = False
        self._complete = True
        self._error = message
        self.table.rows_changed()

    def show_no_key(self, help_text: str) -> None:
        """Without an API key there is nothing to list: the heading says how to set one."""
        self.query_one("#list-heading", Static).update(Text(help_text, palette_for(self.app).warn))
        self.table.display = False

    def set_watch_note(self, note: str) -> None:
        self.watch_note = note
        self._update_heading()

    # What the list's workers report (they post to this widget) ------------------------------------

    def on_execution_stored(self, message: ExecutionStored) -> None:
        self.table.execution_stored(message.execution_id)

    def on_list_page_arrived(self, message: ListPageArrived) -> None:
        if message.error:
            self.show_error(message.error)
        elif message.new_ids is not None:
            self.table.rows_changed(new_ids=message.new_ids)
        else:
            self.page_arrived(complete=message.complete)

    def on_watch_status(self, message: WatchStatus) -> None:
        self.set_watch_note(message.note)

    def on_triage_table_more_wanted(self, message: TriageTable.MoreWanted) -> None:
        message.stop()
        rows = self.store.rows
        if self._waiting or self._complete or not rows:
            return
        self._waiting = True
        self._update_heading()
        self.post_message(RecentRequested(self.only_failures, starting_after=rows[-1].id))

    def on_triage_table_selected(self, message: TriageTable.Selected) -> None:
        message.stop()
        self.post_message(LookupRequested(message.execution_id))

    def on_triage_table_counts_changed(self, message: TriageTable.CountsChanged) -> None:
        message.stop()
        self._update_heading()

    def _update_heading(self) -> None:
        palette = palette_for(self.app)
        loaded = len(self.store.rows)
        heading = Text("Recent executions", "bold")
        heading.append(" · failures only" if self.only_failures else " · newest first", "dim")
        if self.watch_note:  # may carry the server's words: one safe line
            style = palette.warn if self.watch_note.startswith("watch error") else "dim"
            heading.append_text(safe_text(f" · {one_line(self.watch_note)}", style))
        shown = len(self.table.shown) if self.is_mounted else loaded
        if self.table.filter_words:
            heading.append(f" · {shown:,} of {loaded:,} loaded match", "bold")
            # Type, tool and error text are known only for rows whose details were fetched (the rows shown).
            with_details = sum(1 for row in self.store.rows if row.id in self.store)
            heading.append(f" ({with_details:,} with details)", "dim")
        elif self._error:
            heading.append_text(safe_text(f" · could not list executions: {self._error}", palette.fail))
        elif self._waiting and not loaded:
            heading.append(" · loading…", "dim")
        elif self._complete:
            heading.append(f" · all {loaded:,} loaded" if loaded else " · no executions yet", "dim")
        else:
            heading.append(f" · {loaded:,} loaded" + (" · loading more…" if self._waiting else " · more below"), "dim")
        self.query_one("#list-heading", Static).update(heading)

    # Filtering ----------------------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one(FilterBox)
        box.display = True
        self.screen.set_focus(box)  # at once: the next keys typed are the filter

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, FilterBox):
            event.stop()
            self.table.set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if isinstance(event.input, FilterBox):
            event.stop()
            self.screen.set_focus(self.table)
            if not event.value:
                event.input.display = False

    def clear_filter(self) -> bool:
        """Escape: end filtering. False when there was no filter to clear."""
        box = self.query_one(FilterBox)
        if not box.display:
            return False
        box.value = ""
        box.display = False
        self.table.set_filter("")
        self.screen.set_focus(self.table)
        return True

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" and self.clear_filter():
            event.stop()
