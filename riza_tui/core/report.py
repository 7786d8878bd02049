"""``riza-tui show ID --markdown``: an incident report to paste into a ticket or a chat.

A summary table, the code with its failing line marked, the tails of stderr and stdout, input and output;
masked like every other view, every control character made visible, and fences longer than any run of
backticks in the data so nothing can close them early.
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


def fenced(text: str, info: str = "") -> str:
    longest = max((len(run) for run in BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip()}\n{fence}"


def _cell(value: str) -> str:
    return one_line(value).replace("|", "\\|")


def _tail(text: str) -> tuple[str, int]:
    lines = text.rstrip("\n").split("\n")
    return "\n".join(lines[-TAIL_LINES:]), max(len(lines) - TAIL_LINES, 0)


def markdown_report(execution: Execution) -> str:
    """The report of an (already masked) execution."""
    view = build_view(execution)
    title = f"exit {exit_text(execution.exit_code)}"
    out = [f"# Execution `{_cell(execution.id)}` — {title}", "", "| | |", "|---|---|"]
    out += [f"| {_cell(item.label)} | {_cell(item.value)} |" for item in view.summary]
    stderr = view.stderr.text if view.stderr else ""
    error = error_line(stderr, view.stdout.text if view.stdout else "")
    if error:
        out += ["", f"**Error:** `{_cell(error).replace('`', chr(39))}`"]
    if view.request:
        out += ["", "## Request", ""] + [f"- {_cell(item.label)}: {_cell(item.value)}" for item in view.request]
    out += _code_section(view)
    for block in (view.input, view.output):
        if block is not None and block.text:
            info = "json" if block.syntax == "json" else ""
            out += ["", f"## {sanitize(block.title)}", "", fenced(sanitize(block.text), info)]
    for block in (view.stderr, view.stdout):
        if block is not None and block.text:
            tail, skipped = _tail(program_text(block.text, color=False))
            heading = f"## {block.title}" + (f" (last {TAIL_LINES} lines; {skipped:,} before)" if skipped else "")
            out += ["", heading, "", fenced(tail)]
    return "\n".join(out) + "\n"


def _code_section(view: ExecutionView) -> list[str]:
    code: TextBlock | None = view.code
    if code is None or not code.text:
        return []
    streams = {block.title: block.text for block in (view.stderr, view.stdout) if block is not None}
    failing = failing_line(streams, code.text.count("\n") + 1)
    lines = sanitize(code.text.rstrip("\n")).split("\n")
    heading = f"## Code ({sanitize(code.syntax)})"
    if failing is not None:
        heading += f" — fails at line {failing.code_line}"
        marker = COMMENT.get(code.syntax, "#")
        lines[failing.code_line - 1] += f"  {marker} ◀ fails here"
    return ["", heading, "", fenced("\n".join(lines), code.syntax if code.syntax.isalnum() else "")]
