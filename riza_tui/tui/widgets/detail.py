"""The detail pane: request on the left, response on the right, laid out by the execution's type."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll

from riza_tui.core.formatting import byte_size
from riza_tui.core.triage import (
    FailingLine,
    exception_line_numbers,
    failing_line_in,
    frames,
    is_submitted,
    traceback_lines,
)
from riza_tui.core.view import ExecutionView, Field, TextBlock
from riza_tui.safety.sanitize import safe_text
from riza_tui.tui.render.colors import Palette, palette_for
from riza_tui.tui.widgets.text_view import TextView

REQUEST_PANES = ("code", "input", "request", "files")
RESPONSE_PANES = ("output", "stdout", "stderr")
TRACEBACK_LIMIT = 1024 * 1024  # styling frames needs every line: a bigger stream is not a traceback


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

    failing: FailingLine | None = None

    def pane(self, name: str) -> TextView:
        return self.query_one(f"#{name}", TextView)

    def show_view(self, view: ExecutionView, *, revealed: bool = False) -> None:
        palette = palette_for(self.app)
        for pane in self.query(TextView):
            pane.revealed = revealed
        self._fill("code", view.code)
        self._fill("input", view.input)
        fields = TextBlock("request", fields_text(view.request), "text", "no args, env, http rules or limits")
        self._fill("request", fields)
        self._fill("files", files_block(view.files) if view.files else None)
        status = None
        if view.output_status is not None:
            status = safe_text(f" {view.output_status} ", palette.badge(view.output_status))
        self._fill("output", view.output, status)
        self._fill("stdout", view.stdout)
        self._fill("stderr", view.stderr)
        self._mark_failure(view, palette)
        self.scroll_home(animate=False)

    def _fill(self, name: str, block: TextBlock | None, extra: Text | None = None) -> None:
        pane = self.pane(name)
        pane.display = block is not None
        if block is None:
            pane.show_text("")
            return
        # A pane is no taller than its text: a one-line stdout leaves the room to the code and stderr.
        pane.fits_content = True
        pane.show_text(
            block.text, block.syntax, note=block.empty_note, title=pane_title(block.title, block.text, extra)
        )

    # Why it failed ----------------------------------------------------------------------------------

    def _mark_failure(self, view: ExecutionView, palette: Palette) -> None:
        """Style tracebacks as tracebacks and mark the line of the submitted code they point to."""
        self.failing = None
        streams = {block.title: block.text for block in (view.stderr, view.stdout) if block is not None}
        lines_by_stream = traceback_lines(streams)  # split once, for the styles and the failing line
        for name, lines in lines_by_stream.items():
            if len(streams[name]) <= TRACEBACK_LIMIT:
                self.pane(name).set_line_styles(traceback_styles(lines, palette))
        if view.code is None or not view.code.text:
            return
        self.failing = failing_line_in(lines_by_stream, view.code.text.count("\n") + 1)
        if self.failing is None:
            return
        code = self.pane("code")
        code.set_line_styles({self.failing.code_line - 1: Style(bold=True, underline=True)}, self.failing.code_line - 1)
        code.border_title = pane_title(
            view.code.title, view.code.text, Text(f"· fails at {self.failing.code_line} (t)", palette.fail)
        )
        self.call_after_refresh(code.scroll_to_line, self.failing.code_line - 1)

    @property
    def has_failing_line(self) -> bool:
        return self.failing is not None

    def show_failing_line(self) -> TextView | None:
        """``t``: the failing line in view in the code pane, and its traceback line in the stream's pane."""
        failing = self.failing
        if failing is None:
            return None
        code = self.pane("code")
        code.scroll_to_line(failing.code_line - 1)
        self.pane(failing.stream).scroll_to_line(failing.frame_line)
        return code

    def why_pane(self, *, failed: bool) -> TextView:
        """The pane that answers "why": stderr for a failure, else output or stdout with content, never empty."""
        order = ("stderr", "output", "stdout") if failed else ("output", "stdout", "stderr")
        candidates = [self.pane(name) for name in order] + [self.pane("code")]
        # A big pane is still being split (0 lines so far) but is the one with content: loading counts.
        has_content = [pane for pane in candidates if pane.display and (pane.line_count or pane.preparing)]
        return has_content[0] if has_content else candidates[-1]


def traceback_styles(lines: list[str], palette: Palette) -> dict[int, Style]:
    """The frames that point into the submitted code in bold, the exception in the failure colour."""
    styles = {frame.text_line: Style(bold=True) for frame in frames(lines) if is_submitted(frame.file)}
    for number in exception_line_numbers(lines):
        styles[number] = palette.fail
    return styles
