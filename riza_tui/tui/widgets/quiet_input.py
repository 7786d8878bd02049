"""A one-line input that is quiet over SSH and can hold no control character, however its value is set."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from riza_tui.safety.sanitize import UNSAFE_CHARS, one_line


class QuietInput(Input):
    """Compact, with no blinking cursor (a blink redraws twice a second forever: bytes over SSH while idle).

    A stock Input writes its value to the terminal as it is: an execution ID from a server put into the lookup
    bar carried an OSC 52 sequence straight to the terminal. Here every value is made safe on its way in:
    typed or pasted control characters are dropped (subclasses choose what replaces them), and a value set by
    the program (an ID from the list, the trail) shows them as visible escapes."""

    REPLACEMENT = ""

    def __init__(self, value: str = "", **options: Any) -> None:
        super().__init__(value, compact=True, **options)
        self.cursor_blink = False

    def clean(self, text: str) -> str:
        return UNSAFE_CHARS.sub(self.REPLACEMENT, text)

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(self.clean(text), start, end)

    def validate_value(self, value: str) -> str:
        """Called by Textual for every assignment to ``value``."""
        return one_line(value) if UNSAFE_CHARS.search(value) or "\n" in value or "\t" in value else value
