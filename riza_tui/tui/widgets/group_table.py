"""The failure groups as a table: one row a group, most recent first, in the triage table's style."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.geometry import Size
from textual.message import Message

from riza_tui.core.groups import FailureGroup
from riza_tui.tui.render.colors import Palette
from riza_tui.tui.render.group_columns import group_cells, header_text, row_text, shown_columns
from riza_tui.tui.widgets.cursor_table import CursorTable


class GroupTable(CursorTable):
    class Selected(Message):
        def __init__(self, group: FailureGroup) -> None:
            super().__init__()
            self.group = group

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.groups: list[FailureGroup] = []
        self.now: datetime | None = None
        self.mark_new = True

    def show_groups(self, groups: list[FailureGroup], now: datetime, *, mark_new: bool = True) -> None:
        """New counts: the cursor stays on its group when it is still there. ``mark_new``: the archive reaches
        back before the window, so a group first seen inside it is new."""
        self.mark_new = mark_new
        on = self.highlighted.signature if self.highlighted is not None else None
        self.groups, self.now = groups, now
        positions = {group.signature: index for index, group in enumerate(groups)}
        self.virtual_size = Size(self.size.width, len(groups) + 1)
        self.set_reactive(CursorTable.cursor, positions.get(on, 0) if on is not None else 0)
        self.refresh()

    @property
    def highlighted(self) -> FailureGroup | None:
        return self.groups[self.cursor] if 0 <= self.cursor < len(self.groups) else None

    @property
    def row_count(self) -> int:
        return len(self.groups)

    def header(self, width: int) -> Text:
        return header_text(shown_columns(width))

    def row(self, index: int, width: int, palette: Palette) -> Text:
        columns = shown_columns(width)
        buckets = dict(columns).get("when", 16)
        now = self.now or self.groups[index].window_end
        return row_text(group_cells(self.groups[index], now, buckets, palette, mark_new=self.mark_new), columns)

    def selected(self, index: int) -> None:
        self.post_message(self.Selected(self.groups[index]))
