"""The footer as a single line of text: the keys that work right now, clickable.

Textual's ``Footer`` recomposes (one widget per key, each styled and mounted) on every bindings change,
which happens at every lookup and focus move; measured here that cost ~100 ms between an execution
arriving and it being drawn. This widget redraws one line of text instead, built when it is drawn: the
bindings change several times before a frame (five times before the first one of ``riza-tui ID``), and each
build asks every binding whether it works now.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from riza_tui.tui.keys import is_printable_key


class KeyBar(Static):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._key_spans: list[tuple[int, int, str]] = []
        self._keys: Text | None = None  # None: to be built when next drawn

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self._keys = None
            self.refresh()  # one line, always: no relayout of the screen

    def render(self) -> RenderResult:
        if self._keys is None:
            self._keys = self._keys_text()
        return self._keys

    def _keys_text(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        self._key_spans = []
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        shown_actions: set[str] = set()
        active = list(self.screen.active_bindings.values())
        # The screen's own keys first (what this view is for), then the focused widget's, then the app's.
        active.sort(key=lambda item: 0 if item[0] is self.screen else 2 if item[0] is self.app else 1)
        typing = isinstance(self.screen.focused, Input)
        for _node, binding, enabled, _tooltip in active:
            if not binding.show or binding.action in shown_actions:
                continue
            if typing and is_printable_key(binding.key):  # a letter typed in an input is text, not a key
                continue
            shown_actions.add(binding.action)
            start = len(text)
            text.append(f" {self.app.get_key_display(binding)} ", key_style if enabled else "dim")
            text.append(f"{binding.description} ", "" if enabled else "dim")
            self._key_spans.append((start, len(text), binding.key))
        if self.app.ENABLE_COMMAND_PALETTE:  # Textual's own binding is hidden; its palette holds our commands
            start = len(text)
            text.append(f" {self.app.get_key_display(Binding('ctrl+p', ''))} ", key_style)
            text.append("Commands ")
            self._key_spans.append((start, len(text), "ctrl+p"))
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._key_spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
