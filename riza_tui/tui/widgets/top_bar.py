"""The line at the top of the list and execution screens: the lookup bar, and which server the data is from."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from riza_tui.core.history import LookupHistory
from riza_tui.safety.sanitize import safe_text
from riza_tui.tui.widgets.lookup_bar import LookupBar


class TopBar(Horizontal):
    def __init__(self, *, history: LookupHistory, server_label: str, value: str = "") -> None:
        super().__init__()
        self._history = history
        self._server_label = server_label
        self._value = value

    def compose(self) -> ComposeResult:
        yield LookupBar(self._value, history=self._history, id="lookup")
        yield Static(safe_text(self._server_label), id="server", markup=False)

    @property
    def lookup(self) -> LookupBar:
        return self.query_one(LookupBar)

    def show_server(self, label: str) -> None:
        self.query_one("#server", Static).update(safe_text(label))

    def look_up_pasted(self, text: str) -> None:
        """A paste outside an input (inputs take their own) is an ID or alert text to look up."""
        lookup = self.lookup
        self.screen.set_focus(lookup)
        lookup.value = ""
        lookup.post_message(events.Paste(text))  # the bar takes the ID out of it
