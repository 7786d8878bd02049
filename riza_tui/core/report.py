"""``riza-tui show ID --markdown``: an incident report to paste into a ticket or a chat.

A summary table, the code with its failing line marked, the tails of stderr and stdout, input and output;
masked like every other view and every control character made visible. It is safe to paste: data inside a
fence is shown literally (each fence is longer than any run of backticks in it), and data outside one has
each character that could start markup backslash-escaped, which CommonMark shows as itself, so an id, a language,
a host or an unknown field can open no code span, link, image, emphasis, autolink or raw HTML. Only what can
start one is escaped (not the ``-``, ``.`` and ``(`` of every date and duration), so the source stays readable
where a chat shows it unrendered.
"""

from __future__ import annotations

import re

from riza_tui.api.models import Execution
from riza_tui.core.triage import error_line, exit_text, failing_line
from riza_tui.core.view import ExecutionView, TextBlock, build_view
from riza_tui.safety.sanitize import one_line, program_text, sanitize

TAIL_LINES = 40
COMMENT = {"python": "#", "ruby": "#", "javascript": "//", "typescript": "//", "php": "//"}
BACKTICKS = re.compile(r"`+")
# Code spans, emphasis, links and images, raw HTML and entities, table cells, strikethrough, math, GitHub's
# mentions and issue references; ``_`` only where it can be emphasis (not inside a word, as in exec_01J…); and
# what linkifiers take for a link: the ``:`` of ``scheme://`` and a dot before a letter (``www.x``, ``evil.com``,
# even ``main.py``), not the dot of ``1.40 s``.
MARKUP_STARTS = re.compile(
    r"[\\`*\[\]<>&|~$#@]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|:(?=//)|(?<=[A-Za-z0-9])\.(?=[A-Za-z])"
)


def fenced(text: str, info: str = "") -> str:
    longest = max((len(run) for run in BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip()}\n{fence}"


def inline(value: str) -> str:
    """Data as one line of Markdown text that renders as exactly that text (``|`` included, for table cells)."""
    return MARKUP_STARTS.sub(lambda match: "\\" + match.group(), one_line(value))


def code_span(value: str) -> str:
    """Data as one inline code span: delimited by more backticks than any run in it, padded when it starts or
    ends with one (CommonMark strips one space each side), so the data cannot close it."""
    text = one_line(value)
    longest = max((len(run) for run in BACKTICKS.findall(text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _tail(text: str) -> tuple[str, int]:
    lines = text.rstrip("\n").split("\n")
    return "\n".join(lines[-TAIL_LINES:]), max(len(lines) - TAIL_LINES, 0)


def markdown_report(execution: Execution) -> str:
    """The report of an (already masked) execution."""
    view = build_view(execution)
    title = f"exit {exit_text(execution.exit_code)}"
    out = [f"# Execution {code_span(execution.id)} — {title}", "", "| | |", "|---|---|"]
    out += [f"| {inline(item.label)} | {inline(item.value)} |" for item in view.summary]
    stderr = view.stderr.text if view.stderr else ""
    error = error_line(stderr, view.stdout.text if view.stdout else "")
    if error:
        out += ["", f"**Error:** {code_span(error)}"]
    if view.request:
        out += ["", "## Request", ""] + [f"- {inline(item.label)}: {inline(item.value)}" for item in view.request]
    out += _code_section(view)
    for block in (view.input, view.output):
        if block is not None and block.text:
            info = "json" if block.syntax == "json" else ""
            out += ["", f"## {inline(block.title)}", "", fenced(sanitize(block.text), info)]
    for block in (view.stderr, view.stdout):
        if block is not None and block.text:
            tail, skipped = _tail(program_text(block.text, color=False))
            cut_note = f" (last {TAIL_LINES} lines; {skipped:,} before)" if skipped else ""
            heading = f"## {inline(block.title)}{cut_note}"
            out += ["", heading, "", fenced(tail)]
    return "\n".join(out) + "\n"


def _code_section(view: ExecutionView) -> list[str]:
    code: TextBlock | None = view.code
    if code is None or not code.text:
        return []
    streams = {block.title: block.text for block in (view.stderr, view.stdout) if block is not None}
    failing = failing_line(streams, code.text.count("\n") + 1)
    lines = sanitize(code.text).split("\n")  # all of them: a traceback may point at a trailing blank line
    heading = f"## Code ({inline(code.syntax)})"
    if failing is not None:
        heading += f" — fails at line {failing.code_line}"
        marker = COMMENT.get(code.syntax, "#")
        lines[failing.code_line - 1] += f"  {marker} ◀ fails here"
    info = code.syntax if code.syntax.isascii() and code.syntax.isalnum() else ""
    return ["", heading, "", fenced("\n".join(lines), info)]
