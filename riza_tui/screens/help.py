"""The key reference, shown with ``?``."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("Enter", "look up the ID in the lookup bar / open the highlighted recent execution"),
    ("ctrl+l", "focus the lookup bar, from anywhere"),
    ("Escape", "cancel the lookup in flight; restore a zoomed pane"),
    ("r", "reload the execution"),
    ("s", "reveal / hide masked secrets (env values, tokens, passwords)"),
    ("j", "raw JSON of the whole execution / back to panes"),
    ("z", "zoom the focused pane to the whole screen, and back"),
    ("b", "back to the recent executions"),
    ("f", "recent executions: failures only / all"),
    ("tab / shift+tab", "move between panes"),
    ("↑ ↓ ← → PgUp PgDn g G", "scroll the focused pane (the mouse wheel works too)"),
    ("End", "recent executions: go to the end; more are loaded as you near it"),
    ("ctrl+q", "quit"),
]


def keys_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key, meaning in KEYS:
        table.add_row(key, meaning)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Text("riza-tui keys", "bold"), id="help-title")
            yield Static(keys_table())
            yield Static(Text("Esc or ? to close", "dim"))

    def action_close(self) -> None:
        self.dismiss(None)
