"""The text pane of the app: a :class:`LineView` that can be searched (``/``, ``n``, ``N``), selected with the
mouse (Textual's selection protocol), and handed off as shown (``y`` copy, ``o`` pager, ``e`` editor).

"As shown" is one thing for all of these: escapes visible, colour codes dropped, tabs expanded, masked unless
the screen revealed secrets. Search finds what is shown too, so what it counts is what it highlights.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import SuspendNotSupported
from textual.binding import BindingType
from textual.message import Message
from textual.selection import Selection
from textual.worker import get_current_worker

from riza_tui.core.external_tools import run_editor, run_pager
from riza_tui.core.formatting import byte_size
from riza_tui.safety.sanitize import SGR_SEQUENCE
from riza_tui.tui.keys import bindings
from riza_tui.tui.render.text_search import Matches, compile_query, scan
from riza_tui.tui.render.text_wrap import shown_line
from riza_tui.tui.widgets.line_view import LONG_LINE, LineView

MATCH_STYLE = Style(reverse=True)
CURRENT_MATCH_STYLE = Style(reverse=True, bold=True, underline=True)
# OSC 52 carries the clipboard in one escape sequence; terminals cap it (and a 28 MB one took 7 s to send).
MAX_CLIPBOARD_BYTES = 1024 * 1024


def capped_for_clipboard(text: str) -> tuple[str, str]:
    """``text`` cut to what one OSC 52 sequence carries, and a note saying what was cut ("" when nothing)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= MAX_CLIPBOARD_BYTES:
        return text, ""
    kept = text.encode("utf-8", "surrogatepass")[:MAX_CLIPBOARD_BYTES].decode("utf-8", "ignore")
    return kept, f"; only the first {byte_size(MAX_CLIPBOARD_BYTES)} of {byte_size(size)}"


class TextView(LineView):
    BINDINGS: ClassVar[list[BindingType]] = bindings("pane")

    class SearchWanted(Message):
        """``/`` in a pane: the screen opens its search bar for this pane."""

        def __init__(self, pane: TextView) -> None:
            super().__init__()
            self.pane = pane

    class SearchProgress(Message):
        """Matches were found, or the selected one changed: the search bar's count is out of date."""

        def __init__(self, pane: TextView, status: str) -> None:
            super().__init__()
            self.pane = pane
            self.status = status

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TextView.SearchProgress) and message.pane is self.pane

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._matches: Matches | None = None
        self.revealed = False  # the screen shows secrets in this pane: said on copy, refused for the editor

    @property
    def matches(self) -> Matches | None:
        return self._matches

    # What is shown ------------------------------------------------------------------------------------

    def _shown_lines_of(self) -> Callable[[list[str]], list[str]]:
        """How raw lines become shown lines (safe to call in a thread): the identity for plain ASCII text."""
        if self._kind == "ansi":
            return lambda lines: [shown_line(SGR_SEQUENCE.sub("", line)) for line in lines]
        if self._document.simple:
            return lambda lines: lines
        return lambda lines: [shown_line(line) for line in lines]

    def shown_text(self) -> str:
        """The text as the pane shows it: escapes visible, colours (SGR) dropped, tabs expanded."""
        return "\n".join(self._shown_lines_of()(self._document.lines))

    # Search ---------------------------------------------------------------------------------------------

    def action_search(self) -> None:
        self.post_message(self.SearchWanted(self))

    def search(self, query: str) -> None:
        """Find ``query`` in a thread; matches arrive in chunks, and the first one at or below the view is shown."""
        self.end_search()
        if not query:
            return
        self._matches = Matches(query, compile_query(query))
        self._search_in_thread(self._matches, self._document.lines, self._shown_lines_of())

    def end_search(self) -> None:
        self.workers.cancel_group(self, "search")
        if self._matches is not None:
            self._matches = None
            self._redecorate()
            self.post_message(self.SearchProgress(self, ""))

    @work(thread=True, exclusive=True, group="search", description="search a text pane", exit_on_error=False)
    def _search_in_thread(
        self, matches: Matches, lines: list[str], shown_lines: Callable[[list[str]], list[str]]
    ) -> None:
        worker = get_current_worker()
        for batch in scan(lines, matches.pattern, lambda: worker.is_cancelled, shown_lines=shown_lines):
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._matches_found, matches, batch, False)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._matches_found, matches, [], True)

    def _matches_found(self, matches: Matches, lines: list[int], done: bool) -> None:
        if matches is not self._matches:
            return
        first_batch_with_matches = not matches.lines and lines
        matches.lines += lines
        matches.done = done
        if first_batch_with_matches:
            matches.current = matches.first_from(self._top_line())
            self._show_match()
        elif lines or done:
            self._redecorate()
        self.post_message(self.SearchProgress(self, matches.status()))

    def action_next_match(self, direction: int) -> None:
        if self._matches is not None and self._matches.step(direction) >= 0:
            self._show_match()
            self.post_message(self.SearchProgress(self, self._matches.status()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_match":
            return self._matches is not None and bool(self._matches.lines)
        return True

    def _show_match(self) -> None:
        matches = self._matches
        if matches is None or matches.current < 0:
            return
        line = matches.lines[matches.current]
        self.scroll_to_line(line)
        if self._wrap_map is None:
            ordinal = matches.current_ordinal_in(line)
            plain = self._styled_line(line).plain if len(self._document.lines[line]) <= LONG_LINE else ""
            found = list(matches.pattern.finditer(plain))
            if 0 <= ordinal < len(found):
                column = cell_len(plain[: found[ordinal].start()])
                if not self.scroll_x <= column < self.scroll_x + self._body_width() - 1:
                    self.scroll_to(x=max(0, column - self._body_width() // 3), animate=False, immediate=True)
        self._redecorate()

    def _content_replaced(self) -> None:
        self.end_search()

    def _document_completed(self) -> None:
        if self._matches is not None:  # it searched the first piece only
            self.search(self._matches.query)

    # Selection ----------------------------------------------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract(self.shown_text()), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._redecorate()

    def _decorate(self, index: int, text: Text) -> Text:
        text = self._with_matches(index, text)
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(index)) is not None:
            start, end = span
            text = text.copy()
            text.stylize(
                self.screen.get_component_rich_style("screen--selection"), start, len(text) if end == -1 else end
            )
        return text

    def _with_matches(self, index: int, text: Text) -> Text:
        matches = self._matches
        if matches is None or not matches.in_line(index):
            return text
        text = text.copy()
        current = matches.current_ordinal_in(index)
        for ordinal, found in enumerate(matches.pattern.finditer(text.plain)):
            text.stylize(CURRENT_MATCH_STYLE if ordinal == current else MATCH_STYLE, found.start(), found.end())
        return text

    # Hand-off -------------------------------------------------------------------------------------------

    @property
    def pane_name(self) -> str:
        return self.id or "pane"

    def action_copy(self) -> None:
        """``y``: the pane as shown to the clipboard by OSC 52, which works over SSH and inside tmux."""
        text, cut = capped_for_clipboard(self.shown_text())
        if cut:
            cut += " (o opens it all)"
        self.app.copy_to_clipboard(text)
        lines = text.count("\n") + 1 if text else 0
        secrets = "secrets REVEALED" if self.revealed else "masked"
        self.notify(
            f"Copied {self.pane_name}: {lines:,} line{'s' if lines != 1 else ''}, "
            f"{byte_size(len(text.encode('utf-8', 'surrogatepass')))} ({secrets}){cut}",
            severity="warning" if cut else "information",
            markup=False,
        )

    def action_pager(self) -> None:
        self._hand_to("pager")

    def action_editor(self) -> None:
        if self.revealed:
            self.notify("Hide secrets first (s): the editor reads a file on disk", severity="warning")
            return
        self._hand_to("editor")

    def _hand_to(self, tool: str) -> None:
        text = self.shown_text()
        try:
            with self.app.suspend():
                problem = run_pager(text) if tool == "pager" else run_editor(text)
        except SuspendNotSupported:
            problem = "this terminal cannot hand over to another program (the app cannot suspend here)"
        if problem:
            self.notify(problem, severity="error", markup=False)
