"""The search bar under the panes: what ``/`` searches for in the focused pane, and how many matches so far."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from riza_tui.tui.widgets.quiet_input import QuietInput
from riza_tui.tui.widgets.text_view import TextView


class SearchInput(QuietInput):
    def __init__(self) -> None:
        super().__init__(placeholder="search this pane · Enter keeps it, n/N move, Escape ends")


class SearchBar(Horizontal):
    """Hidden until ``/``; searches as you type, Enter hands the keys back to the pane for n/N."""

    DEFAULT_CSS = """
    SearchBar { height: 1; display: none; background: $boost; }
    SearchBar > #search-label { width: auto; padding: 0 1; color: $accent; text-style: bold; }
    SearchBar > SearchInput { width: 1fr; }
    SearchBar > #search-status { width: auto; min-width: 12; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.pane: TextView | None = None

    def compose(self) -> ComposeResult:
        yield Static("/", id="search-label", markup=False)
        yield SearchInput()
        yield Static(id="search-status", markup=False)

    def begin(self, pane: TextView, text: str = "") -> None:
        if self.pane is not None and self.pane is not pane:
            self.pane.end_search()
        self.pane = pane
        self.display = True
        search_input = self.query_one(SearchInput)
        if text:  # opened from an archive search hit: searched already, the keys stay with the pane
            search_input.value = text
            pane.search(text)
            return
        self.screen.set_focus(search_input)  # at once: the next keys typed are the query
        search_input.select_all()

    def end(self) -> bool:
        """Escape: clear the matches and hide. False when no search was open."""
        if self.pane is None:
            return False
        pane, self.pane = self.pane, None
        pane.end_search()
        self.display = False
        self.query_one(SearchInput).value = ""
        if self.screen.focused is self.query_one(SearchInput):
            self.screen.set_focus(pane)
        return True

    def show_status(self, pane: TextView, status: str) -> None:
        if pane is self.pane:
            self.query_one("#search-status", Static).update(Text(status, "bold"))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.pane is not None:
            self.pane.search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.pane is not None:
            self.screen.set_focus(self.pane)

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            self.end()
