"""A read-only text pane that renders only the rows on screen (the line API), as toolong does.

Stock text widgets style everything up front (a read-only TextArea took ~10 s for 10 MB here). This
view keeps the raw lines, styles a line the first time it is drawn (LRU cache), and highlights code in
a thread worker, showing plain lines until the highlighted ones arrive. Splitting a big payload into
lines also happens in a thread, so the first screen comes up while the rest is prepared.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from riza_tui.safety.sanitize import UNSAFE_CHARS, sanitize, split_lines
from riza_tui.widgets.highlight import highlight_lines, plain_line

SPLIT_IN_THREAD_CHARS = 256 * 1024
CHUNK_CHARS = 1024 * 1024
FIRST_SCREEN_WAIT = 1.0
LONG_LINE = 4096
CACHE_LINES = 4096
NUMBER_STYLE = Style(dim=True)  # dim, not a colour: legible on light and dark themes and under NO_COLOR
NOTE_STYLE = Style(italic=True, dim=True)


@dataclass(frozen=True)
class Document:
    """Prepared text: its lines and widest line, and the highlighted lines once they exist."""

    lines: list[str]
    width: int
    highlighted: list[Text] | None = None


def prepare(text: str) -> Document:
    lines = split_lines(text)
    if lines and lines[-1] == "":
        lines.pop()
    if text.isascii() and "\t" not in text and not UNSAFE_CHARS.search(text):
        return Document(lines, max(map(len, lines), default=0))  # one cell a character: the fast, common case
    return Document(lines, max(map(line_cells, lines), default=0))


def line_cells(line: str) -> int:
    """How many terminal cells a line takes as drawn: escapes are wider than what they replace, CJK is 2 wide."""
    shown = sanitize(line)
    return cell_len(shown.expandtabs(4) if "\t" in shown else shown)


def cell_window(line: str, start_cell: int, width: int) -> str:
    """The part of a (long, sanitised) line that covers cells ``start_cell`` to ``start_cell + width``."""
    if line.isascii():
        return line[start_cell : start_cell + width]
    index = cells = 0
    step = 1024
    while index < len(line) and cells + (step_cells := cell_len(line[index : index + step])) <= start_cell:
        cells += step_cells
        index += step
    while index < len(line) and cells < start_cell:
        cells += cell_len(line[index])
        index += 1
    end = index
    taken = 0
    while end < len(line) and taken < width:
        taken += cell_len(line[end])
        end += 1
    return line[index:end]


def chunks_at_newlines(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """``text`` in pieces of about ``size`` characters, each ending just after a newline (or at the end).

    Splitting 50 MB in one call holds the GIL for ~0.4 s, and the UI thread cannot draw or answer a key
    meanwhile; piece by piece, the longest stall is one piece.
    """
    start = 0
    while start < len(text):
        newline = text.find("\n", start + size)
        end = len(text) if newline == -1 else newline + 1
        yield text[start:end]
        start = end


class TextView(ScrollView, can_focus=True):
    """Shows one block of untrusted text; empty text shows a note instead of a blank box."""

    ALLOW_MAXIMIZE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]
    DEFAULT_CSS = """
    TextView { background: $surface; scrollbar-size: 1 1; }
    TextView:focus { background-tint: $foreground 4%; }
    """

    line_numbers: reactive[bool] = reactive(False)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._document = Document([], 0)
        self._kind = "text"
        self._note = ""
        self._generation = 0
        self._cache: OrderedDict[int, Text] = OrderedDict()
        self._long_lines: OrderedDict[int, str] = OrderedDict()
        self._frame_style: Style | None = None
        self._dark = True
        self.preparing = False  # a big text is being split in a thread; nothing to show yet

    @property
    def line_count(self) -> int:
        return len(self._document.lines)

    @property
    def is_highlighted(self) -> bool:
        return self._document.highlighted is not None

    def show_text(self, text: str, kind: str = "text", *, note: str = "", title: Text | None = None) -> None:
        """Replace the content. ``kind`` is a pygments lexer name, "ansi" for program output, or "text"."""
        self._begin(kind, note, title, empty=not text)
        self._dark = self.app.current_theme.dark
        if len(text) > SPLIT_IN_THREAD_CHARS:
            self._prepare_while_loading(text, kind)
            return
        self._set_document(prepare(text))
        if kind not in ("text", "ansi"):
            # Plain lines are drawn first; the highlighter thread would only compete with that frame for the GIL.
            self.call_after_refresh(self._prepare_in_thread, text, kind, self._generation, self._dark, split=False)

    def show_built_text(
        self, build: Callable[[], str], kind: str, *, size_hint: int, title: Text | None = None
    ) -> None:
        """Like :meth:`show_text` for text that is itself costly to build (pretty-printing a big body): when
        ``size_hint`` says it is big, it is built in the thread that splits it, not on the UI thread."""
        if size_hint <= SPLIT_IN_THREAD_CHARS:
            self.show_text(build(), kind, title=title)
            return
        self._begin(kind, "", title, empty=False)
        self._prepare_while_loading(build, kind)

    def _prepare_while_loading(self, source: str | Callable[[], str], kind: str) -> None:
        # A still note, not Textual's loading indicator: that animates (bytes every frame over SSH) and
        # makes the pane unfocusable, so the first focus could not land on the pane that has the output.
        self._set_document(Document([], 0))
        self.preparing = True
        self.refresh()
        self._prepare_in_thread(source, kind, self._generation, self.app.current_theme.dark, split=True)

    def _begin(self, kind: str, note: str, title: Text | None, *, empty: bool) -> None:
        self._generation += 1
        self._kind = kind
        self._note = note
        self.line_numbers = kind not in ("text", "ansi")
        self.set_class(empty, "-empty")
        if title is not None:
            self.border_title = title

    def _set_document(self, document: Document) -> None:
        self._document = document
        self._cache.clear()
        self._long_lines.clear()
        self._update_virtual_size()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def _update_virtual_size(self) -> None:
        rows = self.line_count or (1 if self._note else 0)
        width = self._document.width + self._gutter_width() if self.line_count else len(self._note)
        self.virtual_size = Size(min(width, 10_000_000), rows)

    # An explicit description: without one, @work builds it from repr() of the arguments, which for 50 MB of
    # text cost 0.2 s on the UI thread (measured).
    @work(
        thread=True, exclusive=True, group="prepare", description="split and highlight a text pane", exit_on_error=False
    )
    def _prepare_in_thread(
        self, source: str | Callable[[], str], kind: str, generation: int, dark: bool, *, split: bool
    ) -> None:
        """Build the text if it is not built yet, split it when ``split`` (the UI thread has not), then highlight."""
        worker = get_current_worker()
        text = source if isinstance(source, str) else source()
        if split:
            lines: list[str] = []
            width = 0
            for number, chunk in enumerate(chunks_at_newlines(text)):
                if worker.is_cancelled:
                    return
                piece = prepare(chunk)
                lines += piece.lines
                width = max(width, piece.width)
                if number == 0:
                    # Show the first piece, and let that frame be drawn before competing for the GIL again.
                    drawn = threading.Event()
                    self.app.call_from_thread(self._accept, generation, Document(list(lines), width), drawn)
                    drawn.wait(timeout=FIRST_SCREEN_WAIT)
            self.app.call_from_thread(self._accept, generation, Document(lines, width))
        highlighted = highlight_lines(text, kind, dark=dark, cancelled=lambda: worker.is_cancelled)
        if highlighted is not None and not worker.is_cancelled:
            self.app.call_from_thread(self._accept_highlighting, generation, highlighted)

    def _accept(self, generation: int, document: Document, drawn: threading.Event | None = None) -> None:
        if drawn is not None:
            self.call_after_refresh(drawn.set)
        if generation != self._generation:
            return
        first_time = self.preparing
        self.preparing = False
        if first_time:
            self._set_document(document)
        else:
            self._document = document
            self._cache.clear()
            self._update_virtual_size()
            self.refresh()

    def _accept_highlighting(self, generation: int, highlighted: list[Text]) -> None:
        """Highlighted lines for the document already shown (call_from_thread keeps the order)."""
        if generation == self._generation:
            self._document = replace(self._document, highlighted=highlighted)
            self._cache.clear()
            self.refresh()

    def _gutter_width(self) -> int:
        return len(str(self.line_count)) + 1 if self.line_numbers and self.line_count else 0

    def _styled_line(self, index: int) -> Text:
        cached = self._cache.get(index)
        if cached is not None:
            self._cache.move_to_end(index)
            return cached
        highlighted = self._document.highlighted
        if highlighted is not None and index < len(highlighted):
            text = highlighted[index]
        else:
            text = plain_line(self._document.lines[index], self._kind)
        if "\t" in text.plain:
            text = text.copy()
            text.expand_tabs(4)
        if self.line_numbers:
            number = Text(str(index + 1).rjust(self._gutter_width() - 1) + " ", NUMBER_STYLE)
            text = number + text
        self._cache[index] = text
        if len(self._cache) > CACHE_LINES:
            self._cache.popitem(last=False)
        return text

    def render_lines(self, crop: Region) -> list[Strip]:
        # rich_style walks every ancestor (~0.15 ms); once a frame instead of once a row.
        self._frame_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index = scroll_y + y
        style = self.rich_style if self._frame_style is None else self._frame_style
        if not self.line_count:
            if y == 0 and self.preparing:
                return self._strip(Text("preparing…", NOTE_STYLE), scroll_x, width, style)
            if y == 0 and self._note:
                return self._strip(Text(self._note, NOTE_STYLE), scroll_x, width, style)
            return Strip.blank(width, style)
        if index >= self.line_count:
            return Strip.blank(width, style)
        raw = self._document.lines[index]
        if len(raw) > LONG_LINE:
            # Style only the visible window of a huge line; only its sanitised text is cached, for a few lines.
            gutter = self._gutter_width()
            start = max(0, scroll_x - gutter)
            window = Text(cell_window(self._sanitised_long_line(index, raw), start, width))
            if gutter:
                window = Text(str(index + 1).rjust(gutter - 1) + " ", NUMBER_STYLE) + window
            return self._strip(window, 0, width, style)
        return self._strip(self._styled_line(index), scroll_x, width, style)

    def _sanitised_long_line(self, index: int, raw: str) -> str:
        shown = self._long_lines.get(index)
        if shown is None:
            shown = self._long_lines[index] = sanitize(raw)
            if len(self._long_lines) > 8:
                self._long_lines.popitem(last=False)
        return shown

    def _strip(self, text: Text, scroll_x: int, width: int, style: Style) -> Strip:
        segments = [
            Segment(seg.text, style + seg.style if seg.style else style) for seg in text.render(self.app.console)
        ]
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def watch_line_numbers(self) -> None:
        self._cache.clear()
        self._update_virtual_size()
