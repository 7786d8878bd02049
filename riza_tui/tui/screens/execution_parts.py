"""What the execution screen works out besides filling panes: the raw view's text, why a view is raw, and
which keys work right now."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from riza_tui.api.json_text import pretty_json
from riza_tui.api.models import Execution, Fetched
from riza_tui.safety.mask import mask_body_text
from riza_tui.safety.sanitize import safe_text
from riza_tui.tui.render.colors import Palette
from riza_tui.tui.widgets.detail import DetailPane

if TYPE_CHECKING:
    from riza_tui.tui.screens.execution import ExecutionScreen

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


def why_raw(execution: Execution, palette: Palette) -> Text:
    if execution.details is None:
        return Text(" · the server sent no details for this execution", palette.warn)
    return Text.assemble((" · details of a type this version does not know: ", palette.warn), safe_text(execution.kind))


def key_works(screen: ExecutionScreen, action: str, parameters: tuple[object, ...]) -> bool:
    """Which of the screen's keys work right now (the key bar and the palette show only those)."""
    phase = screen.state.phase
    on_list = phase == "idle"
    if action == "toggle_secrets":
        return phase in ("loaded", "failed")
    if action in ("toggle_raw", "copy_pane", "copy_id", "pager", "editor", "mark"):
        return phase == "loaded"
    if action == "failing_line":
        return screen.query_one(DetailPane).has_failing_line
    if action in ("zoom", "back"):
        return not on_list
    if action == "last_good":
        return screen.fetched is not None and screen.fetched.execution.exit_code != 0
    if action == "diff":
        return phase == "loaded" and bool(screen.marked_id) and screen.marked_id != screen.state.execution_id
    if action == "reload":
        return screen.has_key and (on_list or bool(screen.state.execution_id))
    if action in ("toggle_failures", "toggle_watch"):
        return on_list and screen.has_key
    if action == "trail":
        if on_list:
            return screen.trail.current is not None
        return screen.trail.can_go_back if parameters == (-1,) else screen.trail.can_go_forward
    return True
