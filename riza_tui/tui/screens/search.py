"""Search across executions: the archive's code, input, stdout, stderr and output, newest first, one row per
execution with the line that matched. Enter opens the execution with its pane searched for the match.

The query: words (all must match), "a phrase", and a field prefix (``stderr:``, ``code:``…). A query the
index cannot take says why in the heading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from riza_tui.safety.sanitize import safe_text
from riza_tui.tui.keys import bindings
from riza_tui.tui.messages import LookupRequested, SearchChanged, SearchWanted
from riza_tui.tui.render.colors import palette_for
from riza_tui.tui.widgets.key_bar import KeyBar
from riza_tui.tui.widgets.quiet_input import QuietInput
from riza_tui.tui.widgets.triage_table import TriageTable

if TYPE_CHECKING:
    from riza_tui.core.session import Session

PANE_OF_FIELD = {"code": "code", "input": "input", "stdout": "stdout", "stderr": "stderr", "output": "output"}


class QueryBox(QuietInput):
    def __init__(self, value: str) -> None:
        super().__init__(value, placeholder='search the archive: words, "a phrase", stderr: code: … — Enter')


class SearchScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("search")
    KEY_SCOPE = "search"
    AUTO_FOCUS = "QueryBox"
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield QueryBox(self.session.search.query)
        yield Static(id="search-heading", markup=False)
        yield TriageTable(self.session.search_rows, id="hits", detail_title="match")
        yield KeyBar()

    def on_mount(self) -> None:
        self._draw()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.post_message(SearchWanted(event.value))

    def on_search_changed(self, _message: SearchChanged) -> None:
        table = self.query_one(TriageTable)
        if table.store is not self.session.search_rows:  # a new query: new rows
            table.store = self.session.search_rows
        self._draw()
        if self.session.search.hits and isinstance(self.focused, QueryBox) and not self.session.search.running:
            self.set_focus(table)

    def _draw(self) -> None:
        view, palette = self.session.search, palette_for(self.app)
        text = Text("Search the archive", "bold")
        if view.error:
            text.append_text(safe_text(f" · {view.error}", palette.fail))
        elif view.running:
            text.append(" · searching…", "dim")
        elif view.query:
            count = f"{len(view.hits):,}" + ("" if view.complete else "+")
            text.append(f" · {count} execution{'s' if len(view.hits) != 1 else ''}, newest first", "dim")
        else:
            text.append(' · words must all match; "a phrase"; stderr: stdout: code: input: output:', "dim")
        self.query_one("#search-heading", Static).update(text)
        self.query_one(TriageTable).rows_changed()

    def on_triage_table_selected(self, message: TriageTable.Selected) -> None:
        message.stop()
        hit = next((hit for hit in self.session.search.hits if hit.id == message.execution_id), None)
        if hit is not None and hit.field in PANE_OF_FIELD:
            start, end = hit.match
            self.session.pending_search = (PANE_OF_FIELD[hit.field], hit.line[start:end])
        self.post_message(LookupRequested(message.execution_id))

    def on_triage_table_more_wanted(self, message: TriageTable.MoreWanted) -> None:
        message.stop()
        view = self.session.search
        if view.query and view.hits and not view.complete and not view.running and not view.error:
            self.post_message(SearchWanted(view.query, more=True))

    def on_triage_table_wanted_changed(self, message: TriageTable.WantedChanged) -> None:
        message.stop()  # every hit came with what its details say: nothing to fetch

    def on_triage_table_counts_changed(self, message: TriageTable.CountsChanged) -> None:
        message.stop()

    def action_edit_query(self) -> None:
        box = self.query_one(QueryBox)
        self.set_focus(box)
        box.select_all()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        from riza_tui.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen("search", self.session.keymap))
