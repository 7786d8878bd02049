"""The detail pane: request on the left, response on the right, laid out by the execution's type."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll

from riza_tui.format import byte_size
from riza_tui.safety.sanitize import safe_text
from riza_tui.view import ExecutionView, Field, TextBlock
from riza_tui.widgets.palette import palette_for
from riza_tui.widgets.text_view import TextView

REQUEST_PANES = ("code", "input", "request", "files")
RESPONSE_PANES = ("output", "stdout", "stderr")


def pane_title(title: str, text: str, extra: Text | None = None) -> Text:
    """'stdout · 120 lines · 4.1 KB', with the untrusted part of the title sanitised."""
    result = safe_text(title, "bold")
    if text:
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        # isascii() is O(1) on CPython; encoding 50 MB only to size it cost ~25 ms on the UI thread.
        size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
        result.append(f" · {lines:,} line{'s' if lines != 1 else ''} · {byte_size(size)}", "dim")
    if extra is not None:
        result.append(" ")
        result.append_text(extra)
    return result


def fields_text(fields: list[Field]) -> str:
    width = min(max((len(item.label) for item in fields), default=0), 40)
    return "\n".join(f"{item.label:<{width}}  {item.value}" for item in fields)


def files_block(files: list[TextBlock]) -> TextBlock:
    """One pane for every file: highlighted by extension when there is one file, headed when there are more."""
    if len(files) == 1:
        return files[0]
    text = "\n".join(f"── {block.title[5:]} ──\n{block.text.rstrip()}" for block in files)
    return TextBlock(f"files ({len(files)})", text, "text", "no files")


class DetailPane(VerticalScroll, can_focus=False):
    """Every pane exists once; a type shows the ones it has. Narrow terminals stack them and scroll."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="columns"):
            with Vertical(id="request-side"):
                for name in REQUEST_PANES:
                    yield TextView(id=name, classes="pane")
            with Vertical(id="response-side"):
                for name in RESPONSE_PANES:
                    yield TextView(id=name, classes="pane")

    def pane(self, name: str) -> TextView:
        return self.query_one(f"#{name}", TextView)

    def show_view(self, view: ExecutionView) -> None:
        self._fill("code", view.code)
        self._fill("input", view.input)
        fields = TextBlock("request", fields_text(view.request), "text", "no args, env, http rules or limits")
        self._fill("request", fields)
        self._fill("files", files_block(view.files) if view.files else None)
        status = None
        if view.output_status is not None:
            status = safe_text(f" {view.output_status} ", palette_for(self.app).badge(view.output_status))
        self._fill("output", view.output, status)
        self._fill("stdout", view.stdout)
        self._fill("stderr", view.stderr)
        self.scroll_home(animate=False)

    def _fill(self, name: str, block: TextBlock | None, extra: Text | None = None) -> None:
        pane = self.pane(name)
        pane.display = block is not None
        if block is None:
            pane.show_text("")
            return
        pane.show_text(
            block.text, block.syntax, note=block.empty_note, title=pane_title(block.title, block.text, extra)
        )
