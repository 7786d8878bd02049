"""A failure group's executions, newest first, as the triage table shows them (from the archive: no request)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from riza_tui.safety.sanitize import safe_text
from riza_tui.tui.keys import bindings
from riza_tui.tui.messages import LookupRequested, MembersChanged
from riza_tui.tui.widgets.key_bar import KeyBar
from riza_tui.tui.widgets.triage_table import TriageTable

if TYPE_CHECKING:
    from riza_tui.core.session import Session


class MembersScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("members")
    KEY_SCOPE = "members"
    AUTO_FOCUS = "TriageTable"
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, session: Session, title: str) -> None:
        super().__init__()
        self.session = session
        self.title_text = title

    def compose(self) -> ComposeResult:
        yield Static(id="members-heading", markup=False)
        yield TriageTable(self.session.members, id="members")
        yield KeyBar()

    def on_mount(self) -> None:
        self._draw()

    def on_members_changed(self, _message: MembersChanged) -> None:
        table = self.query_one(TriageTable)
        table.store = self.session.members  # the session's store for the group asked for last
        self._draw()

    def _draw(self) -> None:
        heading = Text("Failure group", "bold")
        heading.append(" · ")
        heading.append_text(safe_text(self.title_text))
        self.query_one("#members-heading", Static).update(heading)
        self.query_one(TriageTable).rows_changed()

    def on_triage_table_selected(self, message: TriageTable.Selected) -> None:
        message.stop()
        self.post_message(LookupRequested(message.execution_id))

    def on_triage_table_wanted_changed(self, message: TriageTable.WantedChanged) -> None:
        message.stop()  # every row came with what its details say: nothing to fetch

    def on_triage_table_more_wanted(self, message: TriageTable.MoreWanted) -> None:
        message.stop()

    def on_triage_table_counts_changed(self, message: TriageTable.CountsChanged) -> None:
        message.stop()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        from riza_tui.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen("members", self.session.keymap))
