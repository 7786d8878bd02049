"""A comparison as styled lines for the text pane: unified, or side by side, changed words highlighted.

Plain functions (no widget), run in the diff screen's thread. Both layouts draw the one grouping of
:func:`riza_tui.core.line_diff.grouped`, as ``riza-tui diff`` prints it. Every piece of data goes through
``safe_text``.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from riza_tui.core.compare import PartDiff, changed_words
from riza_tui.core.line_diff import Budget, Hunk, Skipped, grouped
from riza_tui.safety.sanitize import safe_text
from riza_tui.tui.render.colors import Palette

CHANGED_WORD = Style(reverse=True, bold=True)
Spans = list[tuple[int, int]]


def _line(prefix: str, text: str, style: Style, spans: Spans | None = None) -> Text:
    line = Text(prefix, style)
    body = safe_text(text.expandtabs(4) if "\t" in text else text, style)
    for start, end in spans or []:
        body.stylize(CHANGED_WORD, start, end)
    line.append_text(body)
    return line


def _marker(text: str) -> Text:
    return Text(text, "dim italic")


def summary_lines(parts: list[PartDiff], palette: Palette) -> list[Text]:
    same = [part.name for part in parts if part.equal]
    changed = [part.name for part in parts if not part.equal]
    lines = []
    if changed:
        lines.append(Text.assemble(("≠ ", palette.fail), (f"{len(changed)} changed: ", "bold"), ", ".join(changed)))
    else:
        lines.append(Text("= the two executions are the same in every part compared", palette.ok))
    if same:
        lines.append(Text.assemble(("= ", palette.ok), (f"{len(same)} identical: ", "bold"), ", ".join(same)))
    return lines


def _word_spans(hunk: Hunk, budget: Budget) -> list[tuple[Spans, Spans]]:
    """Changed words of the line pairs of a replacement; none for lines that were not aligned."""
    pairs = min(len(hunk.left), len(hunk.right)) if hunk.op == "replace" and hunk.aligned else 0
    return [changed_words(hunk.left[i], hunk.right[i], budget) for i in range(pairs)]


def unified(parts: list[PartDiff], palette: Palette, budget: Budget | None = None) -> list[Text]:
    """``budget`` bounds the search for changed words over the whole rendering, and can cancel it."""
    lines = summary_lines(parts, palette)
    removed, added = Style(color=palette.fail.color), Style(color=palette.ok.color)
    budget = budget or Budget()
    for part in parts:
        if part.equal:
            continue
        lines += [Text(""), Text(f"── {part.name} ", "bold") + Text("─" * 40, "dim")]
        for shown in grouped(part.hunks):
            budget.check()
            if isinstance(shown, Skipped):
                lines.append(_marker(f"  {shown.text}"))
            elif shown.op == "equal":
                lines += [_line("  ", text, Style()) for text in shown.left]
            else:
                if not shown.aligned:
                    lines.append(_marker(f"  {shown.note}"))
                spans = _word_spans(shown, budget)
                pairs = len(spans)
                lines += [
                    _line("- ", text, removed, spans[i][0] if i < pairs else None) for i, text in enumerate(shown.left)
                ]
                lines += [
                    _line("+ ", text, added, spans[i][1] if i < pairs else None) for i, text in enumerate(shown.right)
                ]
    return lines


def side_by_side(parts: list[PartDiff], palette: Palette, width: int, budget: Budget | None = None) -> list[Text]:
    lines = summary_lines(parts, palette)
    column = max((width - 3) // 2, 10)
    removed, added = Style(color=palette.fail.color), Style(color=palette.ok.color)
    budget = budget or Budget()

    def row(left: Text | None, right: Text | None) -> Text:
        left = left or Text("")
        right = right or Text("")
        left.truncate(column, overflow="ellipsis", pad=True)
        right.truncate(column, overflow="ellipsis")
        return Text.assemble(left, (" │ ", "dim"), right)

    for part in parts:
        if part.equal:
            continue
        lines += [
            Text(""),
            Text(f"── {part.name} ", "bold") + Text("─" * max(column * 2 - cell_len(part.name), 3), "dim"),
        ]
        for shown in grouped(part.hunks):
            budget.check()
            if isinstance(shown, Skipped):
                lines.append(row(_marker(shown.text), _marker(shown.text)))
                continue
            if shown.op == "equal":
                lines += [row(_line("", text, Style()), _line("", text, Style())) for text in shown.left]
                continue
            if not shown.aligned:
                lines.append(row(_marker(shown.note), _marker(shown.note)))
            spans = _word_spans(shown, budget)
            for i in range(max(len(shown.left), len(shown.right))):
                left_spans, right_spans = spans[i] if i < len(spans) else (None, None)
                lines.append(
                    row(
                        _line("", shown.left[i], removed, left_spans) if i < len(shown.left) else None,
                        _line("", shown.right[i], added, right_spans) if i < len(shown.right) else None,
                    )
                )
    return lines
