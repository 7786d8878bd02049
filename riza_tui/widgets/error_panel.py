"""How a failed lookup looks: what went wrong, the server's words, a hint, and the raw body if any."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from riza_tui.safety.sanitize import safe_text
from riza_tui.widgets.palette import Palette, palette_for
from riza_tui.widgets.text_view import TextView


def error_text(title: str, message: str, hint: str, execution_id: str, palette: Palette) -> Text:
    text = Text()
    text.append(f"✖ {title}", palette.fail)
    if execution_id:
        text.append(" looking up ")
        text.append_text(safe_text(execution_id, "bold"))
    text.append("\n\n")
    text.append_text(safe_text(message))
    if hint:
        text.append("\n\nHint: ", "bold")
        text.append_text(safe_text(hint))
    text.append("\n\nPress r to try again, or ctrl+l to look up another ID.", palette.muted)
    return text


class ErrorPanel(Vertical, can_focus=True):
    """Focusable so r (retry) works at once, while ctrl+l still goes to the lookup bar."""

    def compose(self) -> ComposeResult:
        yield Static(id="error-message")
        yield TextView(id="error-body", classes="pane")

    def show_error(
        self, title: str, message: str, hint: str, execution_id: str, raw: str | None, *, raw_note: str = ""
    ) -> None:
        """``raw`` is the body to show (already masked by the caller); ``raw_note`` says what was masked."""
        palette = palette_for(self.app)
        self.query_one("#error-message", Static).update(error_text(title, message, hint, execution_id, palette))
        body = self.query_one("#error-body", TextView)
        body.display = raw is not None
        if raw is not None:
            body.show_text(raw, "json" if raw.lstrip().startswith(("{", "[")) else "text", note="empty body")
            title_text = Text("response body as received", "bold")
            if raw_note:
                title_text.append(f" · {raw_note}", palette.warn)
            body.border_title = title_text
