"""Why did it fail: exit code meanings, the error line of stderr, and the failing line of the submitted code.

Plain functions over text, shared by the list, the panes, and ``show``. They read tracebacks as Python,
Node (JavaScript and TypeScript), Ruby and PHP print them, and only trust a frame that points into the
submitted code (``main.py``, ``/src/main.ts``, ``<string>``…), never into a library or the runtime.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

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

# A frame of each language's traceback, with the file and line it names (and the function, where it says).
PYTHON_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<function>.*\S))?')
NODE_FRAME = re.compile(r"^\s*at (?:(?P<function>[^()]*?)\s*\()?(?P<file>[^\s()]+?):(?P<line>\d+):\d+\)?\s*$")
NODE_HEADER = re.compile(r"^(?P<file>(?:file://)?/[^\s:]+\.[cm]?[jt]sx?):(?P<line>\d+)\s*$")
RUBY_FRAME = re.compile(r"^\s*(?:from )?(?P<file>[^\s:]+\.rb):(?P<line>\d+):in (?:[`'](?P<function>[^`']*)')?")
PHP_FRAME = re.compile(
    r"(?:in (?P<file>\S+\.php)(?::(?P<line>\d+)| on line (?P<line2>\d+)))"
    r"|^#\d+ (?P<file3>\S+\.php)\((?P<line3>\d+)\)(?:: (?P<callee>[^\s(]+)\()?"
)
# A PHP stack line ``#1 {main}`` or ``#1 /src/main.php(9): charge()``: it names the function the frame above ran in.
PHP_STACK_LINE = re.compile(r"^#\d+ (?:\{main\}|\S+\.php\(\d+\): (?P<callee>[^\s(]+)\()")
CARETS = re.compile(r"^\s*[~^]+\s*$")
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
    """A traceback line that names a place: which line of the text it is on, the file and line it names, and
    the function that line is in when the traceback says ("" when it does not: Node's top level, PHP's header)."""

    text_line: int
    file: str
    line: int
    function: str = ""


@dataclass(frozen=True)
class FailingLine:
    """The line of the submitted code that failed (1-based), and the traceback line that says so (0-based),
    with the file and function the traceback names for it."""

    code_line: int
    stream: str
    frame_line: int
    file: str = ""
    function: str = ""


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
    found: list[Frame] = []
    php_frame_above: int | None = None  # a PHP stack line names the function of the frame printed above it
    for number, line in enumerate(lines):
        if len(line) > 2000 or not might_be_frame(line):
            continue
        if php_frame_above is not None and (stack := PHP_STACK_LINE.match(line)) is not None:
            found[php_frame_above] = replace(found[php_frame_above], function=stack["callee"] or "{main}")
            php_frame_above = None
        match = PYTHON_FRAME.match(line) or NODE_FRAME.match(line) or NODE_HEADER.match(line)
        match = match or RUBY_FRAME.match(line)
        if match is not None:
            function = match.groupdict().get("function") or ""
            found.append(Frame(number, match["file"], int(match["line"]), function.removeprefix("async ")))
            continue
        php = PHP_FRAME.search(line)
        if php is not None:
            file = php["file"] or php["file3"]
            found.append(Frame(number, file, int(php["line"] or php["line2"] or php["line3"])))
            php_frame_above = len(found) - 1 if php["file3"] else None
    return found


def might_be_frame(line: str) -> bool:
    """What every frame pattern needs, tested first: substring tests are ~5x cheaper than the five regexes,
    and most lines of a big stream are no frame."""
    return 'File "' in line or "at " in line or line.startswith(("/", "file:", "#")) or ".rb:" in line or ".php" in line


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


def failing_line_in(lines_by_stream: dict[str, list[str]], code_lines: int | None) -> FailingLine | None:
    """:func:`failing_line` for streams already split by :func:`traceback_lines`; ``code_lines`` None when the
    code is not known (a tool's), so any line of a submitted file counts."""
    last_line = code_lines if code_lines is not None else 1 << 31
    for stream in ("stderr", "stdout"):
        lines = lines_by_stream.get(stream)
        if not lines:
            continue
        ours = [frame for frame in frames(lines) if is_submitted(frame.file) and 0 < frame.line <= last_line]
        if not ours:
            continue
        # Python prints the innermost frame last; Node, Ruby and PHP print it first.
        python = any(PYTHON_TRACEBACK in line for line in lines)
        frame = ours[-1] if python else ours[0]
        # A header line (Node's ``file:///src/main.js:5``, PHP's ``in /src/main.php:4``) names no function; another
        # frame of the same place may.
        same_place = (other.function for other in ours if (other.file, other.line) == (frame.file, frame.line))
        function = frame.function or next((name for name in same_place if name), "")
        return FailingLine(frame.line, stream, frame.text_line, frame.file.removeprefix("file://"), function)
    return None


def quoted_source(lines: list[str], frame_line: int) -> str:
    """The source line a traceback prints under a frame (Python, Node's header), or "" when it prints none."""
    if frame_line + 1 >= len(lines):
        return ""
    below = lines[frame_line + 1]
    if not below.strip() or CARETS.match(below) or len(below) > 2000 or frames([below]):
        return ""
    return below.strip()


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
