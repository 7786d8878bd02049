"""``riza-tui show ID``: one execution as plain text or JSON, masked and sanitised unless asked otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TextIO

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import RizaError, server_unreachable
from riza_tui.api.json_text import pretty_json
from riza_tui.api.models import Execution, Fetched
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.archive_use import keep, warn
from riza_tui.cli.output import standard_streams, use_color
from riza_tui.core.archive import Archive, ArchiveUnavailable
from riza_tui.core.formatting import relative_age
from riza_tui.core.group_report import incident_report
from riza_tui.core.report import markdown_report
from riza_tui.core.view import ExecutionView, Field, TextBlock, build_view, fetched_warnings, shown_execution
from riza_tui.safety.errors import safe_error_message
from riza_tui.safety.sanitize import one_line, program_text, sanitize

EXIT_OK, EXIT_API_ERROR, EXIT_USAGE = 0, 1, 2
FIELDS = ("code", "stdout", "stderr", "input", "output")
NO_KEY_MESSAGE = (
    "riza-tui: no API key. Set RIZA_API_KEY (export RIZA_API_KEY=...), pass --api-key, "
    "or try the bundled sample data with --demo"
)


def render_plain(view: ExecutionView, raw: dict[str, Any], *, color: bool = False) -> str:
    out: list[str] = []
    out.append(_heading(f"execution {view.summary[0].value}"))
    out += _fields(view.summary)
    if not view.has_details:
        note = "no details in this response" if view.kind == "none" else f"details of unknown type {view.kind!r}"
        out += ["", _heading(f"raw JSON ({note})"), sanitize(pretty_json(raw))]
        return "\n".join(out) + "\n"
    if view.request:
        out += ["", _heading("request"), *_fields(view.request)]
    blocks: list[TextBlock | None] = [view.code, view.input, *view.files, view.output, view.stdout, view.stderr]
    for block in blocks:
        if block is not None:
            text = block.text.rstrip("\n")
            shown = program_text(text, color=color) if block.syntax == "ansi" else sanitize(text)
            out += ["", _heading(block.title), shown if block.text else f"({block.empty_note})"]
    return "\n".join(out) + "\n"


def _heading(title: str) -> str:
    return f"── {sanitize(title)} " + "─" * max(3, 60 - len(title))


def _fields(fields: list[Field]) -> list[str]:
    width = max((len(item.label) for item in fields), default=0)
    return [f"{sanitize(item.label):<{width}}  {sanitize(item.value)}" for item in fields]


def field_text(view: ExecutionView, name: str, *, color: bool) -> str | None:
    """One field for a pipe: the text as sent, masked and sanitised, colours kept only for a terminal."""
    blocks = {"code": view.code, "stdout": view.stdout, "stderr": view.stderr, "input": view.input}
    block = blocks.get(name, view.output)
    if block is None:
        return None
    return program_text(block.text, color=color) if block.syntax == "ansi" else sanitize(block.text)


def lacks_key(settings: ClientSettings, stderr: TextIO) -> bool:
    """Without a key nothing can be asked of the server: say how to get one (the commands exit 2)."""
    if settings.api_key:
        return False
    print(NO_KEY_MESSAGE, file=stderr)
    return True


def report_error(error: RizaError, stderr: TextIO, code: int) -> int:
    """One line on stderr for a failed request; ``code`` is the command's exit code for it."""
    print(f"riza-tui: {error.title.lower()}: {safe_error_message(error)}", file=stderr)
    return code


def exit_status(exit_code: int) -> int:
    """The execution's exit code as a process exit code: a failure never wraps round to 0."""
    if exit_code == 0:
        return 0
    return exit_code if 0 < exit_code < 256 else 1


@dataclass(frozen=True)
class Printing:
    """How ``show`` prints an execution, wherever it came from."""

    as_json: bool = False
    reveal_secrets: bool = False
    markdown: bool = False
    field: str | None = None
    with_exit_status: bool = False
    color: str = "auto"
    diff_last_good: bool = False


def print_execution(
    fetched: Fetched, printing: Printing, stdout: TextIO, stderr: TextIO, archive: Archive | None = None
) -> int:
    """Print as asked; the Markdown report carries the failure's group when ``archive`` holds it."""
    for warning in fetched_warnings(fetched):
        print(f"riza-tui: warning: {one_line(warning)}", file=stderr)
    execution, raw, _ = shown_execution(fetched, reveal_secrets=printing.reveal_secrets)
    colored = use_color(printing.color, stdout)
    if printing.as_json:
        # ASCII-only JSON is lossless (jq decodes it back) and can carry no control sequence.
        stdout.write(pretty_json(raw, ascii_only=True) + "\n")
    elif printing.markdown:
        stdout.write(_report(fetched, execution, printing, archive, stderr))
    elif printing.field is not None:
        text = field_text(build_view(execution), printing.field, color=colored)
        if text is None:
            print(f"riza-tui: this execution ({execution.kind or 'no details'}) has no {printing.field}", file=stderr)
            return EXIT_API_ERROR
        stdout.write(text)
    else:
        stdout.write(render_plain(build_view(execution), raw, color=colored))
    return exit_status(execution.exit_code) if printing.with_exit_status else EXIT_OK


def _report(fetched: Fetched, execution: Execution, printing: Printing, archive: Archive | None, stderr: TextIO) -> str:
    try:
        return incident_report(
            fetched, archive, diff_last_good=printing.diff_last_good, reveal_secrets=printing.reveal_secrets
        )
    except ArchiveUnavailable as trouble:
        warn(trouble, stderr)
        return markdown_report(execution)


async def run_show(
    settings: ClientSettings,
    execution_id: str,
    *,
    as_json: bool,
    reveal_secrets: bool,
    markdown: bool = False,
    field: str | None = None,
    with_exit_status: bool = False,
    color: str = "auto",
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    archive: Archive | None = None,
    diff_last_good: bool = False,
) -> int:
    """Fetch and print one execution, and keep it in ``archive``. When the server cannot answer, an archived
    copy is printed instead, said so in one line on stderr with its age, and the exit code is what the
    execution would have given: an execution does not change once it has run, so its copy is the answer a
    script asked for (secrets stay masked: with --reveal-secrets the failure stands, as nothing can be revealed)."""
    streams = standard_streams() if stdout is None or stderr is None else (stdout, stderr)
    stdout, stderr = stdout or streams[0], stderr or streams[1]
    printing = Printing(as_json, reveal_secrets, markdown, field, with_exit_status, color, diff_last_good)
    if lacks_key(settings, stderr):
        return EXIT_USAGE
    async with RizaClient(settings) as client:
        try:
            fetched = await client.retrieve(execution_id)
        except RizaError as error:
            return _instead(error, archive, execution_id, printing, stdout, stderr)
    if markdown:  # kept first: the report counts it in its group
        keep(archive, [fetched], stderr)
        return print_execution(fetched, printing, stdout, stderr, archive)
    code = print_execution(fetched, printing, stdout, stderr)
    keep(archive, [fetched], stderr)
    return code


def _instead(
    error: RizaError, archive: Archive | None, execution_id: str, printing: Printing, stdout: TextIO, stderr: TextIO
) -> int:
    """The archived copy when the server cannot answer, else the error as one line."""
    copy = None
    if archive is not None and server_unreachable(error):
        try:
            copy = archive.get(execution_id.strip())
        except ArchiveUnavailable as trouble:
            warn(trouble, stderr)
    if copy is None:
        return report_error(error, stderr, EXIT_API_ERROR)
    if printing.reveal_secrets:
        print(
            f"riza-tui: {error.title.lower()}: {sanitize(str(error))} (the archived copy keeps its secrets masked: "
            "riza-tui show ID --offline prints it)",
            file=stderr,
        )
        return EXIT_API_ERROR
    print(
        f"riza-tui: {error.title.lower()}: {sanitize(str(error))}; printing the archived copy "
        f"(archived {relative_age(copy.archived_at)})",
        file=stderr,
    )
    return print_execution(copy.fetched(), printing, stdout, stderr, archive)


def show_offline(
    archive: Archive, server: str, execution_id: str, printing: Printing, stdout: TextIO, stderr: TextIO
) -> int:
    """``show --offline``: the archived copy, printed as ``show`` prints a fetched one; nothing is sent."""
    copy = archive.get(execution_id.strip())
    if copy is None:
        print(
            f"riza-tui: offline: {one_line(execution_id.strip())} is not in the archive of {one_line(server)} "
            f"({one_line(str(archive.path))}); fetch it online or run riza-tui sync",
            file=stderr,
        )
        return EXIT_API_ERROR
    if printing.reveal_secrets:
        print("riza-tui: offline: the archive keeps secrets masked; --reveal-secrets needs the server", file=stderr)
        return EXIT_USAGE
    print(
        f"riza-tui: offline: from the archive of {one_line(server)}, archived {relative_age(copy.archived_at)}",
        file=stderr,
    )
    return print_execution(copy.fetched(), printing, stdout, stderr, archive)
