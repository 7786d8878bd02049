"""``riza-tui show ID``: one execution as plain text or JSON, masked and sanitised unless asked otherwise."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from riza_tui.api.client import RizaClient
from riza_tui.api.config import ClientSettings
from riza_tui.api.errors import RizaError
from riza_tui.format import pretty_json
from riza_tui.safety.sanitize import one_line, sanitize
from riza_tui.view import ExecutionView, Field, TextBlock, build_view, fetched_warnings, shown_execution

EXIT_OK, EXIT_API_ERROR, EXIT_USAGE = 0, 1, 2
NO_KEY_MESSAGE = (
    "riza-tui: no API key. Set RIZA_API_KEY (export RIZA_API_KEY=...), pass --api-key, "
    "or try the bundled sample data with --demo"
)


def render_plain(view: ExecutionView, raw: dict[str, Any]) -> str:
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
            out += [
                "",
                _heading(block.title),
                sanitize(block.text.rstrip("\n")) if block.text else f"({block.empty_note})",
            ]
    return "\n".join(out) + "\n"


def _heading(title: str) -> str:
    return f"── {sanitize(title)} " + "─" * max(3, 60 - len(title))


def _fields(fields: list[Field]) -> list[str]:
    width = max((len(item.label) for item in fields), default=0)
    return [f"{sanitize(item.label):<{width}}  {sanitize(item.value)}" for item in fields]


def _tolerant(stream: TextIO) -> TextIO:
    """A stream that cannot encode a character (PYTHONIOENCODING=latin-1) writes an escape, not a traceback."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
    return stream


async def run_show(
    settings: ClientSettings,
    execution_id: str,
    *,
    as_json: bool,
    reveal_secrets: bool,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    stdout = stdout or _tolerant(sys.stdout)
    stderr = stderr or _tolerant(sys.stderr)
    if not settings.api_key:
        print(NO_KEY_MESSAGE, file=stderr)
        return EXIT_USAGE
    async with RizaClient(settings) as client:
        try:
            fetched = await client.retrieve(execution_id)
        except RizaError as error:
            print(f"riza-tui: {error.title.lower()}: {sanitize(str(error))}", file=stderr)
            return EXIT_API_ERROR
    for warning in fetched_warnings(fetched):
        print(f"riza-tui: warning: {one_line(warning)}", file=stderr)
    execution, raw, _ = shown_execution(fetched, reveal_secrets=reveal_secrets)
    if as_json:
        # ASCII-only JSON is lossless (jq decodes it back) and can carry no control sequence.
        stdout.write(pretty_json(raw, ascii_only=True) + "\n")
    else:
        stdout.write(render_plain(build_view(execution), raw))
    return EXIT_OK
