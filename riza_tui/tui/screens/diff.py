"""The comparison of two executions: every part, identical ones collapsed, unified or side by side."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, get_current_worker

from riza_tui.api.models import Fetched
from riza_tui.core.compare import PartDiff, compare
from riza_tui.core.line_diff import Budget, Cancelled
from riza_tui.safety.sanitize import safe_text
from riza_tui.tui.keys import bindings
from riza_tui.tui.render import diff_lines
from riza_tui.tui.render.colors import Palette, palette_for
from riza_tui.tui.widgets.key_bar import KeyBar
from riza_tui.tui.widgets.text_view import TextView


class DiffScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("diff")
    KEY_SCOPE = "diff"
    AUTO_FOCUS = "#diff"

    def __init__(self, left: Fetched, right: Fetched, *, reveal_secrets: bool = False) -> None:
        super().__init__()
        self.left = left
        self.right = right
        self.reveal_secrets = reveal_secrets
        self.side_by_side = False
        self.parts: list[PartDiff] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="diff-heading", markup=False)
        yield TextView(id="diff", classes="pane")
        yield KeyBar()

    def on_mount(self) -> None:
        heading = Text.assemble(
            ("compare  ", "bold"),
            ("- ", palette_for(self.app).fail),
            safe_text(self.left.execution.id, "bold"),
            ("   + ", palette_for(self.app).ok),
            safe_text(self.right.execution.id, "bold"),
        )
        self.query_one("#diff-heading", Static).update(heading)
        self.query_one(TextView).show_text("", note="comparing…")
        self._compare()

    @work(thread=True, exclusive=True, group="compare", description="compare two executions", exit_on_error=False)
    def _compare(self) -> None:
        """Comparing big parts is bounded work, but still up to a second a part: in a thread, the screen stays
        live meanwhile, and closing the screen cancels the worker, which stops the comparison where it is."""
        worker = get_current_worker()
        try:
            parts = compare(
                self.left, self.right, reveal_secrets=self.reveal_secrets, cancelled=lambda: worker.is_cancelled
            )
        except Cancelled:
            return
        self.app.call_from_thread(self._compared, parts, worker)

    def _compared(self, parts: list[PartDiff], worker: Worker[None]) -> None:
        if not worker.is_cancelled:  # on the UI thread, where cancelling happens: no race with closing
            self.parts = parts
            self._draw()

    def _draw(self) -> None:
        if self.parts is not None:
            view = self.query_one(TextView)
            width = view.scrollable_content_region.width or self.size.width
            self._style(self.parts, palette_for(self.app), self.side_by_side, width)

    @work(thread=True, exclusive=True, group="render", description="draw the comparison", exit_on_error=False)
    def _style(self, parts: list[PartDiff], palette: Palette, side_by_side: bool, width: int) -> None:
        """Styling tens of thousands of lines (and finding their changed words) takes longer than a frame;
        a newer layout or closing the screen cancels it."""
        worker = get_current_worker()
        budget = Budget(cancelled=lambda: worker.is_cancelled)
        try:
            if side_by_side:
                lines = diff_lines.side_by_side(parts, palette, width, budget)
            else:
                lines = diff_lines.unified(parts, palette, budget)
        except Cancelled:
            return
        self.app.call_from_thread(self._show, lines, side_by_side, worker)

    def _show(self, lines: list[Text], side_by_side: bool, worker: Worker[None]) -> None:
        if worker.is_cancelled:
            return
        layout = "side by side" if side_by_side else "unified"
        title = Text.assemble(("difference", "bold"), (f" · {layout} · tab switches", "dim"))
        self.query_one(TextView).show_lines(lines, title=title)

    def on_resize(self, _event: Resize) -> None:
        if self.side_by_side:
            self.call_after_refresh(self._draw)

    def action_toggle_layout(self) -> None:
        self.side_by_side = not self.side_by_side
        self._draw()

    def action_close(self) -> None:
        self.dismiss(None)
