"""Turn untrusted text into styled lines: syntax highlighting with pygments, ANSI colours for output.

Pure functions with no widget state, so they can run in a thread worker. Text is sanitised *before*
it is lexed, so a highlighter can never emit a control character that came from the data.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Span, Text

from riza_tui.safety.sanitize import safe_ansi_line, safe_text, sanitize

HIGHLIGHT_LIMIT = 1_000_000
DARK_THEME, LIGHT_THEME = "monokai", "friendly"
PLAIN_KINDS = ("text", "ansi", "")


def highlight_lines(
    text: str, lexer: str, *, dark: bool = True, cancelled: Callable[[], bool] = lambda: False
) -> list[Text] | None:
    """Every line of ``text`` highlighted as ``lexer``, or None when it is too big, not code, or ``cancelled()``
    turned true on the way (checked every few thousand tokens, so quitting never waits for a big file).

    Tokens go straight from pygments into one ``Text`` per line: rich's ``Syntax.highlight`` and a split took
    12.9 s for 1 MB of Python and could not be stopped (quitting waited for it); this takes 5.9 s and stops
    at the next check.
    """
    if lexer in PLAIN_KINDS or len(text) > HIGHLIGHT_LIMIT:
        return None
    # pygments and rich.syntax are imported by the highlighter thread, not at start-up.
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound
    from rich.syntax import Syntax

    try:
        tokens_of = get_lexer_by_name(lexer, stripnl=False, ensurenl=True).get_tokens
    except ClassNotFound:
        return None
    theme = Syntax.get_theme(DARK_THEME if dark else LIGHT_THEME)
    styles: dict[object, Style | None] = {}
    prepared = sanitize(text.replace("\r\n", "\n"))
    lines: list[Text] = []
    parts: list[str] = []
    spans: list[Span] = []
    position = 0
    for count, (token_type, value) in enumerate(tokens_of(prepared)):
        if count % 4096 == 0 and cancelled():
            return None
        if token_type not in styles:
            styles[token_type] = _foreground(theme.get_style_for_token(token_type))
        style = styles[token_type]
        for index, piece in enumerate(value.split("\n")):
            if index:
                lines.append(Text("".join(parts), spans=spans, end=""))
                parts, spans, position = [], [], 0
            if piece:
                if style is not None:
                    spans.append(Span(position, position + len(piece), style))
                parts.append(piece)
                position += len(piece)
    lines.append(Text("".join(parts), spans=spans, end=""))
    expected = prepared.count("\n") + 1
    while len(lines) < expected:
        lines.append(Text())
    return lines[:expected]


def plain_line(raw: str, kind: str) -> Text:
    """One line without the highlighter: SGR colours kept for program output, everything else escaped."""
    return safe_ansi_line(raw) if kind == "ansi" else safe_text(raw)


def _foreground(style: Style) -> Style | None:
    """The theme's colour and weight, not its background, so code sits on the pane's own background."""
    if style.color is None and not style.bold and not style.italic:
        return None
    return Style(color=style.color, bold=style.bold, italic=style.italic)
