"""Why did it fail: exit code meanings, the error line of stderr, and the failing line of the submitted code.

Plain functions over text, shared by the list, the panes, and ``show``. They read tracebacks as Python,
Node (JavaScript and TypeScript), Ruby and PHP print them, and only trust a frame that points into the
submitted code (``main.py``, ``/src/main.ts``, ``<string>``…), never into a library or the runtime.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from riza_tui.api.models import Execution
from riza_tui.safety.sanitize import SGR_SEQUENCE, one_line, split_lines

EXIT_MEANINGS = {
    1: "error",
    2: "usage error",
    124: "timed out",
    126: "not executable",
    127: "not found",
    130: "interrupted",
    137: "killed — out of memory?",
    139: "crashed (segfault)",
    143: "terminated",
    255: "fatal",
}

# A frame of each language's traceback, with the file and line it names.
PYTHON_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')
NODE_FRAME = re.compile(r"^\s*at (?:.*?\()?(?P<file>[^\s()]+?):(?P<line>\d+):\d+\)?\s*$")
NODE_HEADER = re.compile(r"^(?P<file>(?:file://)?/[^\s:]+\.[cm]?[jt]sx?):(?P<line>\d+)\s*$")
RUBY_FRAME = re.compile(r"^\s*(?:from )?(?P<file>[^\s:]+\.rb):(?P<line>\d+):in ")
PHP_FRAME = re.compile(
    r"(?:in (?P<file>\S+\.php)(?::(?P<line>\d+)| on line (?P<line2>\d+)))|^#\d+ (?P<file3>\S+\.php)\((?P<line3>\d+)\)"
)
PYTHON_TRACEBACK = "Traceback (most recent call last)"
TRACEBACK_TEXT_LIMIT = 4 * 1024 * 1024
EXCEPTION_NAME = re.compile(r"\b(?:[A-Z][A-Za-z0-9_]*)?(?:Error|Exception|Interrupt|Exit)\b")
RUBY_EXCEPTION = re.compile(r":in [^:]*: (?P<message>.*) \((?P<name>[A-Z][A-Za-z0-9_:]*)\)\s*$")
LIBRARY_PATH = re.compile(r"node:|node_modules|site-packages|dist-packages|/lib/python|/usr/|/gems/|/vendor/|internal/")
SUBMITTED_NAMES = re.compile(
    r"(?:^|/)(?:main|index|script|code|app|handler|function|tool)\.\w+$|^<(?:string|stdin)>$|^\[stdin\]$"
)


@dataclass(frozen=True)
class Frame:
    """A traceback line that names a place: which line of the text it is on, and the file and line it names."""

    text_line: int
    file: str
    line: int


@dataclass(frozen=True)
class FailingLine:
    """The line of the submitted code that failed (1-based), and the traceback line that says so (0-based)."""

    code_line: int
    stream: str
    frame_line: int


@dataclass(frozen=True)
class RowFacts:
    """What a list row says once its details are known: the details type, the tool, the error line."""

    kind: str
    tool_id: str
    error: str


def exit_meaning(exit_code: int) -> str:
    return EXIT_MEANINGS.get(exit_code, "")


def exit_text(exit_code: int) -> str:
    """The exit code with what it usually means, "137 (killed — out of memory?)", or "3": one formatter for
    every view (the list, the summary, show, list, the report, compare)."""
    meaning = exit_meaning(exit_code)
    return f"{exit_code} ({meaning})" if meaning else str(exit_code)


def row_facts(execution: Execution) -> RowFacts:
    """The list row's facts of a fetched execution (one safe line of error text)."""
    details = execution.details
    tool_id = str(getattr(details, "tool_id", "") or "")
    result = execution.result
    error = ""
    if result is not None and (execution.exit_code != 0 or result.exit_code != 0):
        error = error_line(result.stderr, result.stdout)
    return RowFacts(execution.kind or "none", tool_id, one_line(error))


def plain_lines(text: str) -> list[str]:
    """Lines without colour codes: tracebacks from test runners come coloured."""
    return split_lines(SGR_SEQUENCE.sub("", text) if "\x1b" in text else text)


def frames(lines: list[str]) -> list[Frame]:
    """Every frame of every language found in ``lines``, in the order printed."""
    found = []
    for number, line in enumerate(lines):
        if len(line) > 2000:
            continue
        match = PYTHON_FRAME.match(line) or NODE_FRAME.match(line) or NODE_HEADER.match(line)
        match = match or RUBY_FRAME.match(line)
        if match is not None:
            found.append(Frame(number, match["file"], int(match["line"])))
            continue
        php = PHP_FRAME.search(line)
        if php is not None:
            file = php["file"] or php["file3"]
            found.append(Frame(number, file, int(php["line"] or php["line2"] or php["line3"])))
    return found


def is_submitted(file: str) -> bool:
    """Does a frame's file look like the submitted code rather than a library or the runtime?"""
    path = file.removeprefix("file://")
    return not LIBRARY_PATH.search(path) and (path.startswith("/src/") or bool(SUBMITTED_NAMES.search(path)))


def traceback_lines(streams: dict[str, str]) -> dict[str, list[str]]:
    """The streams worth reading for a traceback, as plain lines (a traceback is not buried in megabytes)."""
    return {name: plain_lines(text) for name, text in streams.items() if text and len(text) <= TRACEBACK_TEXT_LIMIT}


def failing_line(streams: dict[str, str], code_lines: int) -> FailingLine | None:
    """The innermost frame that points into the submitted code, from stderr first, then stdout."""
    return failing_line_in(traceback_lines(streams), code_lines)


def failing_line_in(lines_by_stream: dict[str, list[str]], code_lines: int) -> FailingLine | None:
    """:func:`failing_line` for streams already split by :func:`traceback_lines`."""
    for stream in ("stderr", "stdout"):
        lines = lines_by_stream.get(stream)
        if not lines:
            continue
        ours = [frame for frame in frames(lines) if is_submitted(frame.file) and 0 < frame.line <= code_lines]
        if not ours:
            continue
        # Python prints the innermost frame last; Node, Ruby and PHP print it first.
        python = any(PYTHON_TRACEBACK in line for line in lines)
        frame = ours[-1] if python else ours[0]
        return FailingLine(frame.line, stream, frame.text_line)
    return None


def error_line(stderr: str, stdout: str = "") -> str:
    """The line that says what went wrong: a traceback's exception line, else the last non-empty stderr line;
    with no stderr, an exception stated on stdout (test runners print failures there)."""
    if not stderr.strip():
        return next((line.strip() for line in plain_lines(stdout[-64 * 1024 :]) if states_exception(line)), "")
    lines = [line.rstrip() for line in plain_lines(stderr[-64 * 1024 :]) if line.strip()]
    if not lines:
        return ""
    if any(PYTHON_TRACEBACK in line for line in lines):
        unindented = [line for line in lines if not line[0].isspace() and PYTHON_TRACEBACK not in line]
        if unindented:
            return unindented[-1]
    for line in lines:
        ruby = RUBY_EXCEPTION.search(line)
        if ruby is not None:
            return f"{ruby['name']}: {ruby['message']}"
        if states_exception(line):
            return line.strip()
    return lines[-1].strip()


def states_exception(line: str) -> bool:
    """A line that names an exception and is not a frame of the stack (those are indented or numbered)."""
    return bool(line) and not line[0].isspace() and not line.startswith("#") and bool(EXCEPTION_NAME.search(line))


def exception_line_numbers(lines: list[str]) -> set[int]:
    """Which lines of a traceback state the exception, to style them as the error."""
    return {number for number, line in enumerate(lines) if states_exception(line) or RUBY_EXCEPTION.search(line)}
