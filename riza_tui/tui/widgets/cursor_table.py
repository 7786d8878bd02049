"""A table drawn with the line API: a header line, one row a line, a cursor row; only the rows on screen are
drawn, and moving the cursor redraws the two rows whose highlight changed (over SSH, two lines of bytes).

The triage table and the failure groups table are both this, with their own rows and columns.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from riza_tui.tui.keys import bindings
from riza_tui.tui.render.colors import Palette, palette_for
from riza_tui.tui.widgets.line_view import text_strip


class CursorTable(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"cursor-table--cursor", "cursor-table--header"}
    BINDINGS: ClassVar[list[BindingType]] = bindings("table")
    DEFAULT_CSS = """
    CursorTable { background: $surface; scrollbar-size-vertical: 1; overflow-x: hidden; }
    CursorTable > .cursor-table--cursor { background: $block-cursor-blurred-background; }
    CursorTable:focus > .cursor-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    CursorTable > .cursor-table--header { text-style: bold; color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._palette: Palette | None = None  # worked out from the theme once, not once a row

    # What a subclass says --------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def header(self, width: int) -> Text:
        raise NotImplementedError

    def row(self, index: int, width: int, palette: Palette) -> Text:
        raise NotImplementedError

    def selected(self, index: int) -> None:
        """Enter (or a click) on row ``index``."""

    def cursor_moved(self) -> None:
        """The cursor moved (a subclass asks for more rows near the end, say)."""

    # Drawing ----------------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._palette = None  # the theme changed

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        style = self.rich_style
        if y == 0:
            return self._strip(self.header(width), width, style + self.get_component_rich_style("cursor-table--header"))
        index = int(self.scroll_y) + y - 1
        if index >= self.row_count:
            return Strip.blank(width, style)
        if self._palette is None:
            self._palette = palette_for(self.app)
        line = self.row(index, width, self._palette)
        if index == self.cursor:
            return self._strip(line, width, style + self.get_component_rich_style("cursor-table--cursor"))
        return self._strip(line, width, style)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        return text_strip(text, self.app.console, style, 0, width)

    # Moving ----------------------------------------------------------------------------------------------

    @property
    def _page_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def watch_cursor(self, old: int, new: int) -> None:
        top = int(self.scroll_y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + self._page_rows:
            self.scroll_to(y=new - self._page_rows + 1, animate=False, immediate=True)
        else:  # the rows stay put: only the two lines whose highlight changed are drawn again
            self.refresh_line(old + 1)
            self.refresh_line(new + 1)
        self.cursor_moved()

    def action_cursor(self, step: int) -> None:
        if self.row_count:
            self.cursor = max(0, min(self.row_count - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * self._page_rows)

    def action_jump(self, where: int) -> None:
        if self.row_count:
            self.cursor = where % self.row_count

    def action_select(self) -> None:
        if 0 <= self.cursor < self.row_count:
            self.selected(self.cursor)

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y - 1
        if event.y >= 1 and 0 <= index < self.row_count:
            if index == self.cursor:
                self.action_select()
            self.cursor = index
