"""The failure groups screen: one row per problem (failures sharing a signature), most recent first, with how
many runs, when (a sparkline over the window), first and last seen, what failed and the error line.

Is it a one-off or an outbreak, since when, still happening? Enter shows the group's executions; ``d`` compares
its first failure with the last good run before it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from riza_tui.safety.sanitize import one_line, safe_text
from riza_tui.tui.keys import bindings
from riza_tui.tui.messages import GroupsChanged, GroupsWanted, LastGoodOfGroupWanted, MembersWanted, SyncChanged
from riza_tui.tui.render.colors import palette_for
from riza_tui.tui.widgets.group_table import GroupTable
from riza_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from riza_tui.core.session import Session


class GroupsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("groups")
    KEY_SCOPE = "groups"
    AUTO_FOCUS = "GroupTable"
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static(id="groups-heading", markup=False)
        yield GroupTable(id="groups")
        yield KeyBar()

    def on_mount(self) -> None:
        self._draw()
        self.post_message(GroupsWanted(sync_first=not self.session.connection.offline))

    def on_groups_changed(self, _message: GroupsChanged) -> None:
        self._draw()

    def on_sync_changed(self, _message: SyncChanged) -> None:
        self._draw_heading()

    def _draw(self) -> None:
        view = self.session.groups
        if view.counted_at is not None:
            self.query_one(GroupTable).show_groups(view.groups, view.counted_at, mark_new=view.history_before)
        self._draw_heading()

    def _draw_heading(self) -> None:
        view, palette = self.session.groups, palette_for(self.app)
        text = Text("Failure groups", "bold")
        text.append(f" · {view.window_name}", "dim")
        if view.counted_at is not None and not view.error:
            failures = sum(group.count for group in view.groups)
            new = sum(1 for group in view.groups if group.new_in_window)
            text.append(f" · {len(view.groups):,} group{'s' if len(view.groups) != 1 else ''}, {failures:,} failures")
            if not view.history_before:
                text.append(" · nothing archived before the window to tell new groups from old", "dim")
            elif new:
                text.append(f" · {new:,} new", palette.warn)
        if self.session.sync_note:
            text.append(f" · {self.session.sync_note}", "dim")
        elif view.loading:
            text.append(" · counting…", "dim")
        elif view.error:
            text.append_text(safe_text(f" · {view.error}", palette.fail))
        elif view.counted_at is not None and not view.groups:
            text.append(" · no failures archived in this window", "dim")
        self.query_one("#groups-heading", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        highlighted = self.query_one(GroupTable).highlighted if self.is_mounted else None
        if action == "diff_last_good":
            return highlighted is not None and highlighted.last_good_id is not None
        if action == "reload":
            return not self.session.connection.offline
        return True

    def on_group_table_selected(self, message: GroupTable.Selected) -> None:
        from riza_tui.tui.screens.members import MembersScreen

        group = message.group
        title = f"{group.count:,} runs of: {one_line(group.error)}"
        self.post_message(MembersWanted(group.ids, title))
        self.app.push_screen(MembersScreen(self.session, title))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_next_window(self) -> None:
        self.session.groups.next_window()
        self._draw_heading()
        self.post_message(GroupsWanted(sync_first=not self.session.connection.offline))

    def action_reload(self) -> None:
        self.post_message(GroupsWanted(sync_first=True))

    def action_diff_last_good(self) -> None:
        group = self.query_one(GroupTable).highlighted
        if group is not None and group.last_good_id is not None:
            self.post_message(LastGoodOfGroupWanted(group.first_id, group.last_good_id))

    def action_help(self) -> None:
        from riza_tui.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen("groups", self.session.keymap))
