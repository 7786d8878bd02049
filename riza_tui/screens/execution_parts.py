"""Texts the execution screen shows besides the panes: the raw view, the error body, why a view is raw."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from riza_tui.api.errors import InvalidResponseError, RizaError
from riza_tui.api.models import Execution, Fetched
from riza_tui.format import pretty_json
from riza_tui.safety.mask import mask_body_text
from riza_tui.safety.sanitize import safe_text
from riza_tui.widgets.palette import Palette

NO_KEY_HELP = (
    "No API key is set, so nothing can be looked up yet.\n\n"
    "  export RIZA_API_KEY=<your key>      then run riza-tui again, or pass --api-key\n"
    "  riza-tui --demo                     to explore the bundled sample data\n"
)


def raw_text(fetched: Fetched, raw: dict[str, Any], *, reveal: bool) -> str:
    """The raw view's text: the JSON as parsed, or for a body too deep to read whole, the body exactly as it
    came (masked as text). Built in the splitting thread when the body is big."""
    if fetched.received is None:
        return pretty_json(raw)
    return fetched.received if reveal else mask_body_text(fetched.received)[0]


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


def why_raw(execution: Execution, palette: Palette) -> Text:
    if execution.details is None:
        return Text(" · the server sent no details for this execution", palette.warn)
    return Text.assemble((" · details of a type this version does not know: ", palette.warn), safe_text(execution.kind))
