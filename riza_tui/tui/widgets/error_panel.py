"""How a failed lookup looks: what went wrong, the server's words, a hint, and the raw body if any."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from riza_tui.api.errors import InvalidResponseError, RizaError
from riza_tui.safety.errors import masked_error
from riza_tui.safety.mask import mask_body_text
from riza_tui.safety.sanitize import safe_text
from riza_tui.tui.render.colors import Palette, palette_for
from riza_tui.tui.widgets.text_view import TextView


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


def error_view(error: RizaError, *, reveal: bool) -> tuple[str | None, str]:
    """The body a failed request got, masked unless revealed, and a note saying how many values were masked."""
    raw = error.raw if isinstance(error, InvalidResponseError) else getattr(error, "body", None) or None
    if raw is None:
        return None, ""
    if reveal:
        return raw, "secrets REVEALED (s hides)"
    raw, masked = mask_body_text(raw)
    note = f"{masked} secret-looking value{'s' if masked != 1 else ''} masked (s reveals)" if masked else ""
    return raw, note


class ErrorPanel(Vertical, can_focus=True):
    """Focusable so r (retry) works at once, while ctrl+l still goes to the lookup bar."""

    def compose(self) -> ComposeResult:
        yield Static(id="error-message")
        yield TextView(id="error-body", classes="pane")

    def show_lookup_error(self, error: RizaError, execution_id: str, *, reveal: bool) -> None:
        """A failed lookup, with the body the server sent masked like every other view unless revealed."""
        raw, note = error_view(error, reveal=reveal)
        self.query_one("#error-body", TextView).revealed = reveal
        shown = masked_error(error)  # the message line stays masked: it is not the body that s reveals
        self.show_error(shown.title, shown.message, shown.hint, execution_id, raw, raw_note=note)

    def show_display_failure(self, error: Exception, execution_id: str, masked_json: str) -> None:
        """A bug of ours laying an execution out: say so, and show what the server sent instead."""
        self.show_error(
            "Could not display this execution",
            f"riza-tui failed to lay it out ({type(error).__name__}: {error})",
            "the JSON below is what the server sent; please report this",
            execution_id,
            masked_json,
        )

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
