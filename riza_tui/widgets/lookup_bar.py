"""The lookup bar: an input that takes a pasted execution ID, like a browser's address bar."""

from __future__ import annotations

from textual.widgets import Input

from riza_tui.messages import LookupRequested
from riza_tui.safety.sanitize import UNSAFE_CHARS


class LookupBar(Input):
    """Strips control characters and surrounding whitespace from what is typed or pasted.

    A stock ``Input`` would write a pasted ESC straight to the terminal; no execution ID contains one.
    """

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(value, placeholder="Execution ID (exec_…) — Enter to look up", id=id, select_on_focus=True)
        self.cursor_blink = False  # a blinking cursor redraws twice a second forever: bytes over SSH while idle

    def replace(self, text: str, start: int, end: int) -> None:
        cleaned = UNSAFE_CHARS.sub("", text.replace("\t", ""))
        if start == 0 and end >= len(self.value):
            cleaned = cleaned.strip()
        super().replace(cleaned, start, end)

    def restricted(self) -> None:
        """No bell: a refused character is not an event worth a noise."""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        execution_id = event.value.strip()
        self.value = execution_id
        if execution_id:
            self.post_message(LookupRequested(execution_id))
