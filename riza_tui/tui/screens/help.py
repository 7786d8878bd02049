"""The key reference, shown with ``?``: made from the key table, so it shows the keys as remapped."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from riza_tui.tui.keys import KEYS, SCOPE_TITLES, SCREENS, bindings, current_keys

EXTRA = (
    ("tab / shift+tab", "move between panes"),
    ("ctrl+p", "commands: compare with the last good run, recent IDs, profiles, theme…"),
)


def keys_table(screen: str, keymap: Mapping[str, str], shown: Callable[[str], str]) -> Group:
    """The keys of ``screen``'s scopes first (the screen's own, then its widgets'), then the rest, each under its
    heading, keys in one column as wide as the widest."""
    scopes = [scope for scope in SCREENS.get(screen, ()) if scope != "app"]
    scopes += [scope for scope in SCOPE_TITLES if scope not in scopes and scope not in ("app", "help")] + ["app"]
    rows: dict[str, list[tuple[str, str]]] = {scope: [] for scope in scopes}
    for key in KEYS:
        scope = key.id.split(".", 1)[0]
        if scope in rows:
            rows[scope].append((" / ".join(shown(name) for name in current_keys(key, keymap)), key.help))
    rows["pane"] += list(EXTRA)
    width = max(len(keys) for pairs in rows.values() for keys, _ in pairs)
    parts: list[RenderableType] = []
    for scope in scopes:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True, width=width)
        table.add_column()
        for keys, meaning in rows[scope]:
            table.add_row(keys, meaning)
        parts += [Text(SCOPE_TITLES[scope], "bold"), table, Text("")]
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("help")

    def __init__(self, screen: str, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self._screen = screen
        self._keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("riza-tui keys", "bold"), id="help-title")
            shown = keys_table(self._screen, self._keymap, lambda name: self.app.get_key_display(Binding(name, "")))
            yield Static(shown, id="help-keys")
            yield Static(Text("Esc or ? to close", "dim"))

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)
