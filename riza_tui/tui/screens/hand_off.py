"""The keys that hand evidence off: copy (y, Y), pager (o), editor (e), mark and compare (m, d)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from riza_tui.core.external_tools import run_editor, run_pager
from riza_tui.core.formatting import byte_size
from riza_tui.safety.sanitize import one_line
from riza_tui.tui.widgets.text_view import TextView

if TYPE_CHECKING:
    from riza_tui.tui.screens.execution import ExecutionScreen


def _pane_name(pane: TextView) -> str:
    return pane.id or "pane"


def copy_pane(screen: ExecutionScreen) -> None:
    """``y``: the focused pane's text as shown (masked unless revealed, escapes visible) to the clipboard, by
    OSC 52, which works over SSH and inside tmux."""
    pane = screen.focused
    if not isinstance(pane, TextView):
        screen.notify("Focus a pane first (tab), then y copies it", severity="warning")
        return
    text = pane.shown_text()
    screen.app.copy_to_clipboard(text)
    lines = text.count("\n") + 1 if text else 0
    size = len(text.encode("utf-8", "surrogatepass"))
    secrets = "secrets REVEALED" if screen.reveal_secrets else "masked"
    screen.notify(
        f"Copied {_pane_name(pane)}: {lines:,} line{'s' if lines != 1 else ''}, {byte_size(size)} ({secrets})"
    )


def copy_id(screen: ExecutionScreen) -> None:
    execution_id = screen.state.execution_id
    if execution_id:
        screen.app.copy_to_clipboard(execution_id)
        screen.notify(f"Copied the execution ID {one_line(execution_id)}", markup=False)


def _hand_to(screen: ExecutionScreen, tool: str) -> None:
    pane = screen.focused
    if not isinstance(pane, TextView):
        screen.notify(f"Focus a pane first (tab), then {tool[0]} opens it in the {tool}", severity="warning")
        return
    if tool == "editor" and screen.reveal_secrets:
        screen.notify("Hide secrets first (s): the editor reads a file on disk", severity="warning")
        return
    text = pane.shown_text()
    try:
        with screen.app.suspend():
            problem = run_pager(text) if tool == "pager" else run_editor(text)
    except SuspendNotSupported:
        problem = "this terminal cannot hand over to another program (the app cannot suspend here)"
    if problem:
        screen.notify(problem, severity="error", markup=False)


def open_in_pager(screen: ExecutionScreen) -> None:
    _hand_to(screen, "pager")


def open_in_editor(screen: ExecutionScreen) -> None:
    _hand_to(screen, "editor")


def mark(screen: ExecutionScreen) -> None:
    """``m``: this execution is the left side of the next comparison (``d``)."""
    execution_id = screen.state.execution_id
    if screen.marked_id == execution_id:
        screen.marked_id = ""
        screen.store.keep("", slot="marked")
        screen.notify("Unmarked")
        return
    screen.marked_id = execution_id
    screen.store.keep(execution_id, slot="marked")
    screen.notify(f"Marked {one_line(execution_id)}: open another execution and press d to compare", markup=False)


def diff_with_marked(screen: ExecutionScreen) -> None:
    from riza_tui.tui.screens.diff import DiffScreen

    left = screen.store.peek(screen.marked_id)
    right = screen.fetched
    if left is None or right is None:
        screen.notify("Mark an execution (m), open another, then press d", severity="warning")
        return
    screen.app.push_screen(DiffScreen(left, right, reveal_secrets=screen.reveal_secrets))
