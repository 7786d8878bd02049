"""The list of executions as a triage table: a header, one row per execution, drawn with the line API.

Rows are drawn only when on screen, from the store: a row whose details arrive is redrawn alone, a filter
re-selects row indices without building any widgets, and new executions inserted on top keep the cursor on
the execution it was on. The table asks (``WantedChanged``) for the details of the rows on screen and a
page ahead; the app fetches them and tells the table when each is stored.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message

from riza_tui.api.models import Execution
from riza_tui.core.store import ExecutionStore
from riza_tui.tui.render.colors import Palette
from riza_tui.tui.render.table_columns import (
    EXIT_WIDTHS,
    Column,
    cell_texts,
    exit_width,
    header_text,
    layout_columns,
    matches_filter,
    row_text,
)
from riza_tui.tui.widgets.cursor_table import CursorTable

LOOKAHEAD_ROWS = 30


class TriageTable(CursorTable):
    class Selected(Message):
        def __init__(self, execution_id: str) -> None:
            super().__init__()
            self.execution_id = execution_id

    class WantedChanged(Message):
        """The rows on screen and a page ahead: fetch the details of these, forget the others."""

        def __init__(self, execution_ids: tuple[str, ...]) -> None:
            super().__init__()
            self.execution_ids = execution_ids

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TriageTable.WantedChanged)

    class MoreWanted(Message):
        """The cursor or the view is near the end of what is loaded."""

    class CountsChanged(Message):
        """How many rows are shown of how many loaded changed (a filter, a page, new arrivals)."""

    def __init__(self, store: ExecutionStore, *, id: str | None = None, detail_title: str = "error") -> None:
        """``detail_title``: the last column's heading (the search screen shows the matching line there)."""
        super().__init__(id=id)
        self.store = store
        self.detail_title = detail_title
        # Set by a screen that takes some keys before they act on the table (typing an ID on the list): True
        # when it took the key.
        self.take_key: Callable[[events.Key], bool] | None = None
        self._shown: list[Execution] = []
        self._words: list[str] = []
        self._columns: list[tuple[Column, int]] = []
        self._exit_cells = EXIT_WIDTHS[0]  # the exit column's width wanted by the rows shown
        self._new_ids: set[str] = set()
        self._last_wanted: tuple[str, ...] = ()

    # What is shown --------------------------------------------------------------------------------------

    @property
    def shown(self) -> list[Execution]:
        return self._shown

    @property
    def filter_words(self) -> list[str]:
        return self._words

    def highlighted_id(self) -> str | None:
        return self._shown[self.cursor].id if 0 <= self.cursor < len(self._shown) else None

    def rows_changed(self, *, new_ids: set[str] | None = None) -> None:
        """The store's rows changed (a page, a reload, new executions on top): show them, cursor kept."""
        keep = self.highlighted_id()
        if new_ids is not None:
            self._new_ids |= new_ids
        self._select_rows(keep)

    def set_filter(self, text: str) -> None:
        self._words = text.lower().split()
        self._select_rows(self.highlighted_id())

    def _select_rows(self, keep: str | None) -> None:
        old_top = self._shown[int(self.scroll_y)].id if self._shown and self.scroll_y < len(self._shown) else None
        rows = self.store.rows
        if self._words:
            rows = [row for row in rows if matches_filter(row, self.store.facts(row.id), self._words)]
        self._shown = list(rows)
        wanted = exit_width(row.exit_code for row in self._shown)
        if wanted != self._exit_cells:
            self._exit_cells, self._columns = wanted, []
        positions = {execution.id: index for index, execution in enumerate(self._shown)}
        self.virtual_size = Size(self.size.width, len(self._shown) + 1)
        cursor = positions.get(keep, 0) if keep is not None else 0
        self.set_reactive(CursorTable.cursor, min(cursor, max(len(self._shown) - 1, 0)))
        # Rows inserted above the top row push it down: scroll with it, unless the top of the list was in view.
        if old_top is not None and self.scroll_y > 0 and old_top in positions:
            self.scroll_to(y=positions[old_top], animate=False, immediate=True)
        self.refresh()
        self.post_message(self.CountsChanged())
        self.call_after_refresh(self._rows_in_view_changed)

    def execution_stored(self, execution_id: str) -> None:
        """A row's details arrived (or failed): redraw that row alone (over SSH, one line of bytes), or
        re-filter when a filter is on."""
        if self._words:
            self._select_rows(self.highlighted_id())
            return
        top = int(self.scroll_y)
        for index in range(top, min(top + self._page_rows, len(self._shown))):
            if self._shown[index].id == execution_id:
                self.refresh_line(index + 1)

    def on_key(self, event: events.Key) -> None:
        if self.take_key is not None and self.take_key(event):
            event.stop()
            event.prevent_default()

    # Drawing ------------------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._shown)

    def on_resize(self, event: events.Resize) -> None:
        self._columns = layout_columns(self.scrollable_content_region.width, self._exit_cells)
        self.virtual_size = Size(event.size.width, len(self._shown) + 1)
        self.call_after_refresh(self._rows_in_view_changed)

    def _layout(self, width: int) -> list[tuple[Column, int]]:
        if not self._columns:
            self._columns = layout_columns(width, self._exit_cells)
        return self._columns

    def header(self, width: int) -> Text:
        line = header_text(self._layout(width))
        if self.detail_title != "error":
            line = Text(line.plain.replace("error", self.detail_title.ljust(5), 1), end="")
        return line

    def row(self, index: int, width: int, palette: Palette) -> Text:
        execution = self._shown[index]
        cells = cell_texts(execution, self.store.facts(execution.id), self.store.failure(execution.id), palette)
        if execution.id in self._new_ids:  # arrived while watching: marked until the list is reloaded
            cells["status"].stylize("reverse")
        if self.store.opens_group(execution.id):  # a failure unlike any archived before it
            cells["status"] = Text("✱", palette.warn + Style(bold=True, reverse=True))
        return row_text(cells, self._layout(width))

    # Moving ----------------------------------------------------------------------------------------------

    def cursor_moved(self) -> None:
        self._want_more_if_near_end()

    def selected(self, index: int) -> None:
        self.post_message(self.Selected(self._shown[index].id))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._rows_in_view_changed()

    def _rows_in_view_changed(self) -> None:
        top = int(self.scroll_y)
        wanted = tuple(row.id for row in self._shown[top : top + 2 * self._page_rows])
        if wanted != self._last_wanted:
            self._last_wanted = wanted
            # This runs after a refresh, in the app's context: without naming the table as the sender, the
            # message would stop at the screen (Textual does not bubble a message back to its sender).
            self.post_message(self.WantedChanged(wanted).set_sender(self))
        self._want_more_if_near_end()

    def near_end(self) -> bool:
        """The cursor or the view is within a page or so of the last row loaded (asked again when the request
        is handled: rows may have arrived since it was posted)."""
        last_in_view = int(self.scroll_y) + self._page_rows
        return bool(self.store.rows) and max(self.cursor, last_in_view) >= len(self._shown) - LOOKAHEAD_ROWS

    def _want_more_if_near_end(self) -> None:
        if self.near_end():
            self.post_message(self.MoreWanted())
