"""A comparison as styled lines for the text pane: unified, or side by side, changed words highlighted.

Plain functions (no widget), run in a thread for big parts. Every piece of data goes through ``safe_text``.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from riza_tui.core.compare import Hunk, PartDiff, changed_words
from riza_tui.safety.sanitize import safe_text
from riza_tui.tui.render.colors import Palette

CONTEXT = 3
CHANGED_WORD = Style(reverse=True, bold=True)


def _line(prefix: str, text: str, style: Style, spans: list[tuple[int, int]] | None = None) -> Text:
    line = Text(prefix, style)
    body = safe_text(text.expandtabs(4) if "\t" in text else text, style)
    for start, end in spans or []:
        body.stylize(CHANGED_WORD, start, end)
    line.append_text(body)
    return line


def _skipped(count: int) -> Text:
    return Text(f"  … {count} unchanged line{'s' if count != 1 else ''}", "dim italic")


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


def _equal_run(hunk: Hunk, first: bool, last: bool) -> tuple[list[str], int, list[str]]:
    """Context to keep around a run of equal lines: (head, skipped, tail)."""
    kept = hunk.left
    head = [] if first else kept[:CONTEXT]
    tail = [] if last else kept[-CONTEXT:]
    if len(head) + len(tail) >= len(kept):
        return kept, 0, []
    return head, len(kept) - len(head) - len(tail), tail


def unified(parts: list[PartDiff], palette: Palette) -> list[Text]:
    lines = summary_lines(parts, palette)
    removed, added = Style(color=palette.fail.color), Style(color=palette.ok.color)
    for part in parts:
        if part.equal:
            continue
        lines += [Text(""), Text(f"── {part.name} ", "bold") + Text("─" * 40, "dim")]
        for index, hunk in enumerate(part.hunks):
            if hunk.op == "equal":
                head, skipped, tail = _equal_run(hunk, index == 0, index == len(part.hunks) - 1)
                lines += [_line("  ", text, Style()) for text in head]
                if skipped:
                    lines.append(_skipped(skipped))
                lines += [_line("  ", text, Style()) for text in tail]
                continue
            pairs = min(len(hunk.left), len(hunk.right)) if hunk.op == "replace" else 0
            word_spans = [changed_words(hunk.left[i], hunk.right[i]) for i in range(pairs)]
            lines += [
                _line("- ", text, removed, word_spans[i][0] if i < pairs else None) for i, text in enumerate(hunk.left)
            ]
            lines += [
                _line("+ ", text, added, word_spans[i][1] if i < pairs else None) for i, text in enumerate(hunk.right)
            ]
    return lines


def side_by_side(parts: list[PartDiff], palette: Palette, width: int) -> list[Text]:
    lines = summary_lines(parts, palette)
    column = max((width - 3) // 2, 10)
    removed, added = Style(color=palette.fail.color), Style(color=palette.ok.color)

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
        for index, hunk in enumerate(part.hunks):
            if hunk.op == "equal":
                head, skipped, tail = _equal_run(hunk, index == 0, index == len(part.hunks) - 1)
                lines += [row(_line("", text, Style()), _line("", text, Style())) for text in head]
                if skipped:
                    lines.append(row(_skipped(skipped), _skipped(skipped)))
                lines += [row(_line("", text, Style()), _line("", text, Style())) for text in tail]
                continue
            for i in range(max(len(hunk.left), len(hunk.right))):
                left_text = hunk.left[i] if i < len(hunk.left) else None
                right_text = hunk.right[i] if i < len(hunk.right) else None
                spans = (
                    changed_words(left_text, right_text)
                    if left_text is not None and right_text is not None
                    else ([], [])
                )
                lines.append(
                    row(
                        _line("", left_text, removed, spans[0]) if left_text is not None else None,
                        _line("", right_text, added, spans[1]) if right_text is not None else None,
                    )
                )
    return lines
