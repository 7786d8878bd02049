"""An error's texts as they may be shown: secrets masked in each of them (a server's Status message may quote a
bearer token, an invalid-response message quotes the start of the body), for every place that shows one: the
command line's error line, the app's error panel, its notifications."""

from __future__ import annotations

from dataclasses import dataclass

from riza_tui.api.errors import RizaError
from riza_tui.safety.mask import mask_text
from riza_tui.safety.sanitize import one_line


@dataclass(frozen=True)
class ShownError:
    """The texts of an error, masked; not yet made terminal-safe (``safe_text`` or ``one_line`` does that)."""

    title: str
    message: str
    hint: str
    server_message: str


def masked_error(error: RizaError) -> ShownError:
    server_message = getattr(error, "server_message", None)
    return ShownError(
        error.title,
        mask_text(error.message),
        mask_text(error.hint),
        mask_text(server_message) if isinstance(server_message, str) else "",
    )


def safe_error_message(error: RizaError) -> str:
    """The error in one line, as ``str(error)`` words it (the message, then the hint in parentheses), with
    secrets masked and every control character a visible escape: ready for a terminal or a notification."""
    shown = masked_error(error)
    return one_line(f"{shown.message} ({shown.hint})" if shown.hint else shown.message)
