"""The lookup bar: an input that takes a pasted execution ID, URL or alert text, like a browser's address bar."""

from __future__ import annotations

from textual import events
from textual.suggester import Suggester
from textual.widgets import Input

from riza_tui.core.history import LookupHistory
from riza_tui.core.ids import extract_execution_id
from riza_tui.tui.messages import LookupRequested
from riza_tui.tui.widgets.quiet_input import QuietInput


class HistorySuggester(Suggester):
    """Completes from the IDs looked up before, newest first (→ or End accepts, as in a shell)."""

    def __init__(self, history: LookupHistory) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.history = history

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        return next((entry for entry in self.history.entries if entry.startswith(value) and entry != value), None)


class LookupBar(QuietInput):
    """Control characters (and tabs) become spaces, so the words of pasted alert text stay apart; whitespace
    around the whole value is dropped."""

    REPLACEMENT = " "

    def __init__(self, value: str = "", *, history: LookupHistory, id: str | None = None) -> None:
        super().__init__(
            value,
            placeholder="Execution ID, URL or alert text — Enter to look up",
            id=id,
            # ctrl+l selects the text itself, at once; selecting again when the (later) focus event arrives
            # would select what was typed in the same burst and the next key would replace it.
            select_on_focus=False,
            suggester=HistorySuggester(history),
        )

    def replace(self, text: str, start: int, end: int) -> None:
        cleaned = self.clean(text.replace("\t", " "))
        if start == 0 and end >= len(self.value):
            cleaned = cleaned.strip()
        super().replace(cleaned, start, end)

    def _on_paste(self, event: events.Paste) -> None:
        """A pasted alert is several lines and the ID may be on any of them: keep the ID when there is one."""
        event.stop()
        event.prevent_default()  # Input's own handler would insert the first line as well
        if event.text:
            found = extract_execution_id(" ".join(event.text.splitlines()))
            if self.selection.is_empty:
                self.insert_text_at_cursor(found)
            else:
                self.replace(found, *self.selection)

    def restricted(self) -> None:
        """No bell: a refused character is not an event worth a noise."""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        execution_id = extract_execution_id(event.value)
        self.value = execution_id
        if execution_id:
            self.post_message(LookupRequested(execution_id))
