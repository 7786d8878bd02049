"""Turn untrusted text into styled lines: syntax highlighting with pygments, ANSI colours for output.

Pure functions with no widget state, so they can run in a thread worker. Text is sanitised *before*
it is lexed, so a highlighter can never emit a control character that came from the data.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Span, Text

from riza_tui.safety.sanitize import safe_ansi_line, safe_text, sanitize

HIGHLIGHT_LIMIT = 1_000_000
DARK_THEME, LIGHT_THEME = "monokai", "friendly"
PLAIN_KINDS = ("text", "ansi", "")


def highlight_lines(text: str, lexer: str, *, dark: bool = True) -> list[Text] | None:
    """Every line of ``text`` highlighted as ``lexer``, or None when it is too big or not code."""
    if lexer in PLAIN_KINDS or len(text) > HIGHLIGHT_LIMIT:
        return None
    from rich.syntax import Syntax  # with pygments: imported by the highlighter thread, not at start-up

    prepared = sanitize(text.replace("\r\n", "\n"))
    syntax = Syntax(
        prepared, lexer, theme=DARK_THEME if dark else LIGHT_THEME, background_color="default", word_wrap=False
    )
    highlighted = syntax.highlight(prepared)
    lines = [_without_background(line) for line in highlighted.split("\n", allow_blank=True)]
    expected = prepared.count("\n") + 1
    while len(lines) < expected:
        lines.append(Text())
    return lines[:expected]


def plain_line(raw: str, kind: str) -> Text:
    """One line without the highlighter: SGR colours kept for program output, everything else escaped."""
    return safe_ansi_line(raw) if kind == "ansi" else safe_text(raw)


def _without_background(line: Text) -> Text:
    """Keep the theme's colours but not its backgrounds, so code sits on the pane's own background."""
    spans = [
        Span(span.start, span.end, Style(color=style.color, bold=style.bold, italic=style.italic))
        for span in line.spans
        if isinstance(style := span.style, Style)
    ]
    return Text(line.plain, spans=spans, end="")
