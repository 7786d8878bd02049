"""Failure signatures: which failed executions are the same problem, as Sentry groups errors.

Two failures share a signature when they share the kind of execution (and, for tools, the tool), the
exception type, the failing frame in the submitted code (its file, its function and the text of the failing
statement, never its line number) and the error message once what varies from run to run is taken out
(numbers, ids, URLs, e-mail addresses, quoted values, durations). Without a traceback, the exit meaning and
the normalised error line (the last line of stderr) stand in for the frame. Pure functions over one
execution; only the request side is masked, and nothing here reads it, so a masked copy gives the same
signature.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import astuple, dataclass
from typing import Any

from riza_tui.api.models import Execution, FunctionDetails, ScriptDetails, ToolDetails, UnknownDetails
from riza_tui.core.triage import error_line, exit_meaning, failing_line_in, plain_lines, quoted_source
from riza_tui.safety.sanitize import one_line

# Bump when the parts or their normalisation change, so stored signatures of older versions are recomputed.
SIGNATURE_VERSION = 1
# A traceback is at the end of what a program printed: read only the end of each stream.
STREAM_TAIL = 64 * 1024
PART_LIMIT = 300
ERROR_LIMIT = 300

# What varies from run to run, replaced in this order (a URL holds numbers, a duration is a number...).
VARYING: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>()\[\]]+"), "<url>"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<email>"),
    (re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"), "<uuid>"),
    (re.compile(r"\bexec_[0-9A-Za-z]+"), "<execution>"),
    (re.compile(r"\btool_[0-9A-Za-z]+"), "<tool>"),
    (re.compile(r"\b[a-z]{2,12}_(?=[0-9A-Za-z]*[0-9])[0-9A-Za-z]{6,}\b"), "<id>"),
    (re.compile(r"=\s*(?:\"[^\"]*\"|'[^']*')"), "=<value>"),
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "<hex>"),
    (re.compile(r"\b(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,}\b"), "<hex>"),
    (
        re.compile(r"\b\d+(?:\.\d+)?\s?(?:ns|us|µs|ms|s|secs?|seconds?|m|mins?|minutes?|h|hours?)\b", re.IGNORECASE),
        "<duration>",
    ),
    (re.compile(r"\d+(?:\.\d+)?"), "<n>"),
]
# ``Name: message``, where the name is an exception's (``KeyError``, ``urllib.error.HTTPError``,
# ``TypeError [ERR_INVALID_URL]``, Ruby's ``Foo::BarError``); pytest prefixes its failures with ``E``.
EXCEPTION_STATEMENT = re.compile(r"^(?:E\s+)?(?P<name>[A-Za-z_$][\w.$:]*(?: \[[A-Z0-9_]+\])?):(?:\s+(?P<message>.*))?$")
EXCEPTION_NAME = re.compile(r"(?:Error|Exception|Interrupt|Exit|Warning|Fault|Failure)\b")
PHP_UNCAUGHT = re.compile(r"Uncaught (?P<name>[\w\\]+)(?::\s*(?P<message>.*?))?(?: in \S+\.php(?::\d+| on line \d+))?$")


@dataclass(frozen=True)
class SignatureParts:
    """What a signature is made of, normalised; an empty string is a part the execution does not have."""

    kind: str
    tool: str
    exception: str
    file: str
    function: str
    statement: str
    message: str
    ending: str  # without a traceback: how it ended (exit meaning, output status)


@dataclass(frozen=True)
class Signature:
    """A failure's group: ``digest`` is the same for every failure of the same problem (for one ``version``)."""

    version: int
    digest: str
    error: str  # the representative error line: one sanitised line
    parts: SignatureParts

    def why(self) -> list[str]:
        """The parts that made the signature, one ``name: value`` line each, for showing why runs were grouped."""
        return [f"{name}: {value}" for name, value in vars(self.parts).items() if value]


def is_failure(execution: Execution) -> bool:
    """A non-zero exit, or a function or tool whose output is not valid (a value that did not serialise)."""
    details = execution.details
    status = details.response.output_status if isinstance(details, FunctionDetails | ToolDetails) else "valid"
    return execution.exit_code != 0 or status != "valid"


def failure_signature(execution: Execution) -> Signature | None:
    """The signature of a failed execution, or None for a success. Never raises on what a server sent."""
    if not is_failure(execution):
        return None
    details = execution.details
    stdout, stderr, code = streams(execution)
    lines_by_stream = {"stderr": plain_lines(stderr), "stdout": plain_lines(stdout)}
    code_lines = code.splitlines() if code is not None else None
    failing = failing_line_in(lines_by_stream, len(code_lines) if code_lines is not None else None)
    error = error_line(stderr, stdout)
    exception, message = exception_and_message(error)
    statement = ending = file = function = ""
    if failing is not None:
        file, function = failing.file, failing.function
        if code_lines is not None:
            statement = code_lines[failing.code_line - 1]
        else:
            statement = quoted_source(lines_by_stream[failing.stream], failing.frame_line)
    else:
        status = details.response.output_status if isinstance(details, FunctionDetails | ToolDetails) else "valid"
        output = f"output {status}" if status != "valid" else ""
        ending = " · ".join(part for part in (exit_ending(execution.exit_code), output) if part)
    parts = SignatureParts(
        kind=execution.kind,
        tool=details.tool_id if isinstance(details, ToolDetails) else "",
        exception=exception,
        file=clip(file),
        function=clip(function),
        statement=clip(" ".join(statement.split())),
        message=normalise_message(message),
        ending=ending,
    )
    digest = hashlib.sha256("\x1f".join((str(SIGNATURE_VERSION), *astuple(parts))).encode()).hexdigest()[:16]
    shown = error or exit_ending(execution.exit_code) or ending
    return Signature(SIGNATURE_VERSION, digest, one_line(shown[:ERROR_LIMIT]).strip(), parts)


def streams(execution: Execution) -> tuple[str, str, str | None]:
    """The ends of stdout and stderr (where tracebacks are), and the submitted code when the request has it."""
    details = execution.details
    code: str | None = None
    if isinstance(details, ScriptDetails | FunctionDetails):
        code = details.request.code
    result = execution.result
    if result is not None:
        return tail(result.stdout), tail(result.stderr), code
    if isinstance(details, UnknownDetails):
        return unknown_streams(details.model_extra or {})
    return "", "", None


def unknown_streams(fields: dict[str, Any]) -> tuple[str, str, None]:
    """stdout and stderr of a details type this version does not know, where the known types keep them."""
    response = fields.get("response")
    if isinstance(response, dict) and isinstance(response.get("execution"), dict):
        response = response["execution"]
    if not isinstance(response, dict):
        return "", "", None
    stdout, stderr = response.get("stdout"), response.get("stderr")
    return tail(stdout if isinstance(stdout, str) else ""), tail(stderr if isinstance(stderr, str) else ""), None


def tail(text: str) -> str:
    """The last :data:`STREAM_TAIL` characters of ``text``, from a line start."""
    if len(text) <= STREAM_TAIL:
        return text
    end = text[-STREAM_TAIL:]
    return end[end.find("\n") + 1 :]


def exception_and_message(error: str) -> tuple[str, str]:
    """The exception type an error line names (or "") and the message after it (or the whole line)."""
    php = PHP_UNCAUGHT.search(error)
    if php is not None:
        return php["name"], php["message"] or ""
    statement = EXCEPTION_STATEMENT.match(error)
    if statement is not None and EXCEPTION_NAME.search(statement["name"]):
        return statement["name"], statement["message"] or ""
    return "", error


def normalise_message(message: str) -> str:
    """A message with what varies from run to run replaced by placeholders, whitespace collapsed."""
    text = message[: PART_LIMIT * 4]
    for pattern, placeholder in VARYING:
        text = pattern.sub(placeholder, text)
    return clip(" ".join(text.split()))


def exit_ending(exit_code: int) -> str:
    if exit_code == 0:
        return ""
    return exit_meaning(exit_code) or f"exit {exit_code}"


def clip(text: str) -> str:
    return text[:PART_LIMIT]
