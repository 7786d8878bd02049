"""A one-line input that is quiet over SSH and takes no control characters."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from riza_tui.safety.sanitize import UNSAFE_CHARS


class QuietInput(Input):
    """Compact, with no blinking cursor (a blink redraws twice a second forever: bytes over SSH while idle),
    and control characters dropped from what is typed or pasted (a stock Input writes a pasted ESC straight to
    the terminal). Subclasses choose what replaces them."""

    REPLACEMENT = ""

    def __init__(self, value: str = "", **options: Any) -> None:
        super().__init__(value, compact=True, **options)
        self.cursor_blink = False

    def clean(self, text: str) -> str:
        return UNSAFE_CHARS.sub(self.REPLACEMENT, text)

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(self.clean(text), start, end)
