"""A read-only text pane that renders only the rows on screen (the line API), as toolong does.

Stock text widgets style everything up front (a read-only TextArea took ~10 s for 10 MB here). This
view keeps the raw lines, styles a line the first time it is drawn (LRU cache), and highlights code in
a thread worker, showing plain lines until the highlighted ones arrive. Splitting a big payload into
lines also happens in a thread, so the first screen comes up while the rest is prepared.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import work
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from riza_tui.safety.sanitize import sanitize
from riza_tui.tui.render.highlight import highlight_lines, plain_line
from riza_tui.tui.render.text_document import Document, cell_window, chunks_at_newlines, prepare
from riza_tui.tui.render.text_wrap import WrapMap

SPLIT_IN_THREAD_CHARS = 256 * 1024
FIRST_SCREEN_WAIT = 1.0
LONG_LINE = 4096
CACHE_LINES = 4096
STRIP_CACHE_LINES = 1024
NUMBER_STYLE = Style(dim=True)  # dim, not a colour: legible on light and dark themes and under NO_COLOR
NOTE_STYLE = Style(italic=True, dim=True)
CONTINUES = "›"  # drawn in a line's last visible cell when the line goes on past the pane's edge


def full_strip(text: Text, console: Console, style: Style) -> Strip:
    """``text`` rendered over the widget's ``style`` as one uncropped row: what the strip cache keeps."""
    return Strip([Segment(seg.text, style + seg.style if seg.style else style) for seg in text.render(console)])


def text_strip(text: Text, console: Console, style: Style, start: int, width: int) -> Strip:
    """``width`` cells of ``text`` from cell ``start``, drawn over the widget's ``style`` (the line API's row)."""
    return full_strip(text, console, style).crop_extend(start, start + width, style)


class LineView(ScrollView, can_focus=True):
    """Shows one block of untrusted text; empty text shows a note instead of a blank box. Subclasses decorate
    drawn lines (search matches, selection) through :meth:`_decorate`."""

    ALLOW_MAXIMIZE = True
    DEFAULT_CSS = """
    LineView { background: $surface; scrollbar-size-vertical: 1; scrollbar-size-horizontal: 0; }
    LineView:focus { background-tint: $foreground 4%; }
    """

    line_numbers: reactive[bool] = reactive(False)
    wrap: reactive[bool] = reactive(False)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._document = Document([], 0)
        self._kind = "text"
        self._note = ""
        self._generation = 0
        # Styled lines, and the finished strips drawn from them (as Textual's Log and toolong keep them): a
        # frame crops cached strips instead of rendering segments again for every row.
        self._cache: LRUCache[int, Text] = LRUCache(CACHE_LINES)
        self._strips: LRUCache[int, Strip] = LRUCache(STRIP_CACHE_LINES)
        self._long_lines: OrderedDict[int, str] = OrderedDict()
        self._frame_style: Style | None = None
        self._dark = True
        self._wrap_map: WrapMap | None = None
        self._line_styles: dict[int, Style] = {}
        self.marked_line: int | None = None  # 0-based; the failing line of the code, drawn as such
        self.fits_content = False  # no taller than its rows (and border), so short text leaves room to others
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

    def show_lines(self, lines: list[Text], *, title: Text | None = None) -> None:
        """Show lines already styled (and made safe) by the caller, such as a comparison."""
        self._begin("text", "", title, empty=not lines)
        plain = [line.plain for line in lines]
        self._set_document(Document(plain, max((line.cell_len for line in lines), default=0), lines, simple=False))

    def set_line_styles(self, styles: dict[int, Style], marked_line: int | None = None) -> None:
        """Styles laid over whole lines (a traceback's frames and exception), and the line to mark as failing."""
        self._line_styles = styles
        self.marked_line = marked_line
        self._restyle()
        self.refresh()

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
        self._line_styles = {}
        self.marked_line = None
        self._content_replaced()
        self.line_numbers = kind not in ("text", "ansi")
        self.set_class(empty, "-empty")
        if title is not None:
            self.border_title = title

    def _set_document(self, document: Document) -> None:
        self._document = document
        self._restyle()
        self._long_lines.clear()
        self._update_virtual_size()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def _update_virtual_size(self) -> None:
        self._wrap_map = None
        if self.wrap and self.line_count:
            self._wrap_map = WrapMap(self._document.lines, self._body_width(), simple=self._document.simple)
            self.virtual_size = Size(self.scrollable_content_region.width, self._wrap_map.rows)
        else:
            rows = self.line_count or (1 if self._note else 0)
            width = self._document.width + self._gutter_width() if self.line_count else len(self._note)
            self.virtual_size = Size(min(width, 10_000_000), rows)
        if self.fits_content:
            rows = self.virtual_size.height
            self.styles.max_height = rows + 2 if self.line_count and not self.preparing else None

    def _body_width(self) -> int:
        return max(self.scrollable_content_region.width - self._gutter_width(), 1)

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
            simple = True
            for number, chunk in enumerate(chunks_at_newlines(text)):
                if worker.is_cancelled:
                    return
                piece = prepare(chunk)
                lines += piece.lines
                width = max(width, piece.width)
                simple = simple and piece.simple
                if number == 0:
                    # Show the first piece, and let that frame be drawn before competing for the GIL again.
                    drawn = threading.Event()
                    first = Document(list(lines), width, simple=simple)
                    self.app.call_from_thread(self._accept, generation, first, drawn)
                    drawn.wait(timeout=FIRST_SCREEN_WAIT)
            self.app.call_from_thread(self._accept, generation, Document(lines, width, simple=simple))
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
            self._restyle()
            self._update_virtual_size()
            self.refresh()
            self._document_completed()

    def _accept_highlighting(self, generation: int, highlighted: list[Text]) -> None:
        """Highlighted lines for the document already shown (call_from_thread keeps the order)."""
        if generation == self._generation:
            self._document = replace(self._document, highlighted=highlighted)
            self._restyle()
            self.refresh()

    def _content_replaced(self) -> None:
        """New content: whatever was decorated on the old one no longer applies."""

    def _document_completed(self) -> None:
        """A big text finished splitting: what was worked out on its first piece can be worked out again."""

    def _decorate(self, index: int, text: Text) -> Text:
        """Line ``index`` as drawn; a subclass returns a styled copy (matches, selection), never changes it."""
        return text

    def _top_line(self) -> int:
        if self._wrap_map is not None:
            return self._wrap_map.locate(int(self.scroll_y))[0]
        return int(self.scroll_y)

    def scroll_to_line(self, line: int) -> None:
        """Bring a line into view, a third of the way down, in one frame."""
        row = self._wrap_map.first_row(line) if self._wrap_map is not None else line
        height = self.scrollable_content_region.height
        if not self.scroll_y <= row < self.scroll_y + height:
            self.scroll_to(y=max(0, row - height // 3), animate=False, immediate=True)

    # Wrap -------------------------------------------------------------------------------------------

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap

    def watch_wrap(self) -> None:
        top = self._top_line()
        self._update_virtual_size()
        self.scroll_to(x=0, animate=False, immediate=True)
        self.scroll_to_line(top)
        self.refresh()

    def on_resize(self) -> None:
        if self.wrap:
            top = self._top_line()
            self._update_virtual_size()
            self.scroll_to_line(top)

    # Drawing ----------------------------------------------------------------------------------------

    def _gutter_width(self) -> int:
        return len(str(self.line_count)) + 1 if self.line_numbers and self.line_count else 0

    def _restyle(self) -> None:
        """What is drawn changed (the document, its styles, the theme, focus): draw every line anew."""
        self._cache.clear()
        self._strips.clear()

    def _redecorate(self) -> None:
        """Only the decorations changed (search matches, the selection): the styled lines still hold."""
        self._strips.clear()
        self.refresh()

    def _styled_line(self, index: int) -> Text:
        """A line styled as shown, without its line number; cached."""
        cached = self._cache.get(index)
        if cached is not None:
            return cached
        highlighted = self._document.highlighted
        if highlighted is not None and index < len(highlighted):
            text = highlighted[index]
        else:
            text = plain_line(self._document.lines[index], self._kind)
        if "\t" in text.plain:
            text = text.copy()
            text.expand_tabs(4)
        overlay = self._line_styles.get(index)
        if overlay is not None:
            text = text.copy()
            text.stylize(overlay)
        self._cache[index] = text
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
        style = self.rich_style if self._frame_style is None else self._frame_style
        if not self.line_count:
            if y == 0 and self.preparing:
                return self._strip(Text("preparing…", NOTE_STYLE), scroll_x, width, style)
            if y == 0 and self._note:
                return self._strip(Text(self._note, NOTE_STYLE), scroll_x, width, style)
            return Strip.blank(width, style)
        if self._wrap_map is not None:
            if scroll_y + y >= self._wrap_map.rows:
                return Strip.blank(width, style)
            index, first_cell, end_cell = self._wrap_map.locate(scroll_y + y)
            return self._line_strip(index, first_cell, end_cell - first_cell, width, style, wrapped=True)
        index = scroll_y + y
        if index >= self.line_count:
            return Strip.blank(width, style)
        gutter = self._gutter_width()
        return self._line_strip(index, scroll_x, width - gutter, width, style, wrapped=False)

    def _line_strip(self, index: int, start: int, cells: int, width: int, style: Style, *, wrapped: bool) -> Strip:
        """``cells`` cells of line ``index`` from cell ``start``, padded to the pane: the gutter stays put."""
        gutter = self._gutter_width()
        body = max(width - gutter, 0)
        numbered = start == 0 or not wrapped
        raw = self._document.lines[index]
        if len(raw) > LONG_LINE:
            # Style only the visible window of a huge line; only its sanitised text is cached, for a few lines.
            shown = self._sanitised_long_line(index, raw)
            text = self._decorate(index, Text(cell_window(shown, start, cells + 1)))
            line = self._strip(text, 0, cells, style)
            continues = cell_len(text.plain) > cells
        else:
            drawn = self._strips.get(index)
            if drawn is None:
                drawn = self._strips[index] = full_strip(
                    self._decorate(index, self._styled_line(index)), self.app.console, style
                )
            line = drawn.crop_extend(start, start + cells, style)
            continues = drawn.cell_length > start + cells
        if cells < body:
            line = line.extend_cell_length(body, style)
        if continues and not wrapped and body > 1:
            line = Strip.join([line.crop(0, body - 1), Strip([Segment(CONTINUES, style + NUMBER_STYLE)])])
        # Where each cell comes from in the text, so a mouse selection maps back to it (the gutter has none).
        line = line.apply_offsets(start, index)
        if not gutter:
            return line
        if index == self.marked_line and numbered:
            number = Text(str(index + 1).rjust(gutter - 1) + "▶", Style(bold=True, reverse=True))
        else:
            number = Text((str(index + 1) if numbered else "").rjust(gutter - 1) + " ", NUMBER_STYLE)
        return Strip.join([self._strip(number, 0, gutter, style), line])

    def _sanitised_long_line(self, index: int, raw: str) -> str:
        shown = self._long_lines.get(index)
        if shown is None:
            shown = self._long_lines[index] = sanitize(raw)
            if len(self._long_lines) > 8:
                self._long_lines.popitem(last=False)
        return shown

    def _strip(self, text: Text, scroll_x: int, width: int, style: Style) -> Strip:
        return text_strip(text, self.app.console, style, scroll_x, width)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._restyle()

    def watch_line_numbers(self) -> None:
        self._restyle()
        self._update_virtual_size()
