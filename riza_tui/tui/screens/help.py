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
    ("Enter", "open the highlighted execution / look up what is in the lookup bar"),
    ("ctrl+l, or paste", "the lookup bar: an ID, a dashboard or API URL, or alert text; → takes a suggestion"),
    ("/", "list: filter as you type (id, language, type, tool, exit code, error) · pane: search it"),
    ("n / N", "next / previous search match"),
    ("Escape", "one step back: restore a zoom, end a search or filter, cancel a lookup, back to the list"),
    ("f", "list: failures only / all (asked of the server)"),
    ("W", "list: watch for new executions (--watch SECONDS sets how often)"),
    ("r", "reload the list, or the execution from the server"),
    ("[ ]  alt+← alt+→", "back / forward between opened executions"),
    ("t", "the failing line of the code, from the traceback"),
    ("w", "soft wrap the focused pane"),
    ("z", "zoom the focused pane to the whole screen, and back"),
    ("s", "reveal / hide masked secrets (env values, tokens, passwords)"),
    ("j", "raw JSON of the whole execution / back to panes"),
    ("y / Y", "copy the focused pane as shown (masked) / the execution ID, over OSC 52 (works over SSH)"),
    ("o / e", "open the focused pane in $PAGER (less -R) / $EDITOR"),
    ("m / d", "mark this execution / compare the open one with the marked one (tab: side by side)"),
    ("ctrl+p", "commands: compare with the last good run, recent IDs, profiles, theme…"),
    ("b", "back to the list"),
    ("tab / shift+tab", "move between panes"),
    ("↑ ↓ ← → PgUp PgDn g G", "move in the list, scroll the focused pane (the mouse wheel works too)"),
    ("q / ctrl+q", "quit (q only when not typing)"),
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
