"""What to show for an execution, by details type, as plain data.

``show`` prints an :class:`ExecutionView` and the app lays it out in panes, so the two can never
disagree on which fields a type has. Values are the untrusted text as sent; the edges sanitise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from riza_tui.api.json_text import pretty_json
from riza_tui.api.models import (
    EnvVar,
    Execution,
    ExecutionResult,
    Fetched,
    File,
    FunctionDetails,
    HTTPConfig,
    Limits,
    ScriptDetails,
    ToolDetails,
    UnknownDetails,
)
from riza_tui.core.formatting import human_duration, local_time, relative_age
from riza_tui.core.triage import exit_text
from riza_tui.safety.mask import mask_execution

LEXER_BY_EXTENSION = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".ts": "typescript",
    ".rb": "ruby",
    ".php": "php",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".csv": "text",
    ".md": "markdown",
    ".html": "html",
    ".sql": "sql",
    ".sh": "bash",
}


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class TextBlock:
    """One pane's worth of text. ``syntax`` is a pygments lexer name, "ansi" for program output, or "text"."""

    title: str
    text: str
    syntax: str = "text"
    empty_note: str = ""


@dataclass
class ExecutionView:
    kind: str
    summary: list[Field]
    request: list[Field] = field(default_factory=list)
    code: TextBlock | None = None
    input: TextBlock | None = None
    files: list[TextBlock] = field(default_factory=list)
    output: TextBlock | None = None
    output_status: str | None = None
    stdout: TextBlock | None = None
    stderr: TextBlock | None = None
    exit_code: int | None = None

    @property
    def has_details(self) -> bool:
        return self.stdout is not None


def lexer_for_path(path: str) -> str:
    lowered = path.lower()
    for extension, lexer in LEXER_BY_EXTENSION.items():
        if lowered.endswith(extension):
            return lexer
    return "text"


def build_view(execution: Execution) -> ExecutionView:
    """Lay an execution out by its details type; an unknown or missing type gets the summary and raw JSON."""
    view = ExecutionView(kind=execution.kind or "none", summary=_summary(execution))
    details = execution.details
    if isinstance(details, ScriptDetails):
        script = details.request
        view.code = TextBlock(f"code · {script.language}", script.code, script.language, "no code")
        view.input = TextBlock("stdin", script.stdin or "", "text", "no stdin")
        view.request = _common_request(script.args, script.env, script.http, script.limits)
        view.request += _optional("runtime revision", script.runtime_revision_id)
        view.files = _files(script.files)
        _result(view, details.response)
    elif isinstance(details, FunctionDetails):
        function = details.request
        view.code = TextBlock(f"code · {function.language}", function.code, function.language, "no code")
        view.input = _json_block("input", function.input if "input" in function.model_fields_set else _ABSENT)
        view.request = _common_request(None, function.env, function.http, function.limits)
        view.request += _optional("runtime revision", function.runtime_revision_id)
        view.files = _files(function.files)
        view.output = _json_block("output", details.response.output)
        view.output_status = details.response.output_status
        _result(view, details.response.execution)
    elif isinstance(details, ToolDetails):
        tool = details.request
        view.request = [Field("tool", details.tool_id), *_optional("revision", tool.revision_id)]
        view.request += _tool_env(tool.env) + http_fields(tool.http)
        view.input = _json_block("input", tool.input if "input" in tool.model_fields_set else _ABSENT)
        view.output = _json_block("output", details.response.output)
        view.output_status = details.response.output_status
        _result(view, details.response.execution)
    if details is not None and not isinstance(details, UnknownDetails):
        view.request += _extras(details)
    return view


_ABSENT = object()


def _json_block(title: str, value: Any) -> TextBlock:
    if value is _ABSENT:
        return TextBlock(title, "", "json", f"no {title}")
    return TextBlock(title, pretty_json(value), "json", f"no {title}")


def _summary(execution: Execution) -> list[Field]:
    fields = [
        Field("id", execution.id),
        Field("type", execution.kind or "no details"),
        Field("language", execution.language),
        Field("exit code", exit_text(execution.exit_code)),
        Field("duration", human_duration(execution.duration)),
        Field("started", local_time(execution.started_at)),
    ]
    details = execution.details
    if isinstance(details, ToolDetails):
        fields.append(Field("tool", details.tool_id))
        fields += _optional("revision", details.request.revision_id)
    elif isinstance(details, ScriptDetails | FunctionDetails):
        fields += _optional("runtime revision", details.request.runtime_revision_id)
    if isinstance(details, FunctionDetails | ToolDetails):
        fields.append(Field("output status", details.response.output_status))
    for name, value in (execution.model_extra or {}).items():
        fields.append(Field(name, value if isinstance(value, str) else json.dumps(value, default=str)))
    return fields


def _optional(label: str, value: str | None) -> list[Field]:
    return [Field(label, value)] if value else []


def _result(view: ExecutionView, result: ExecutionResult) -> None:
    view.stdout = TextBlock("stdout", result.stdout, "ansi", "no stdout")
    view.stderr = TextBlock("stderr", result.stderr, "ansi", "no stderr")
    view.exit_code = result.exit_code


def _common_request(
    args: list[str] | None, env: dict[str, str] | None, http: HTTPConfig | None, limits: Limits | None
) -> list[Field]:
    fields: list[Field] = []
    if args is not None:
        fields.append(Field("args", " ".join(json.dumps(arg) if not arg or " " in arg else arg for arg in args)))
    for name, value in (env or {}).items():
        fields.append(Field(f"env {name}", value))
    fields += http_fields(http)
    if limits is not None:
        if limits.execution_timeout is not None:
            fields.append(Field("timeout limit", f"{limits.execution_timeout} s"))
        if limits.memory_size is not None:
            fields.append(Field("memory limit", f"{limits.memory_size} MiB"))
    return fields


def _tool_env(env: list[EnvVar] | None) -> list[Field]:
    fields = []
    for var in env or []:
        parts = []
        if var.value is not None:
            parts.append(var.value)
        if var.secret_id:
            parts.append(f"secret {var.secret_id}")
        fields.append(Field(f"env {var.name}", "  ".join(parts) or "(no value)"))
    return fields


def http_fields(http: HTTPConfig | None) -> list[Field]:
    fields = []
    for rule in (http.allow if http and http.allow else []) or []:
        auth = rule.auth
        described: list[str] = []
        if auth is not None:
            if auth.bearer is not None:
                described.append(_auth("bearer", token=auth.bearer.token, secret=auth.bearer.secret_id))
            if auth.basic is not None:
                described.append(
                    _auth("basic", user=auth.basic.user_id, password=auth.basic.password, secret=auth.basic.secret_id)
                )
            if auth.header is not None:
                described.append(_auth("header", **{str(auth.header.name or "?"): auth.header.value}))
            if auth.query is not None:
                described.append(_auth("query", **{str(auth.query.key or "?"): auth.query.value}))
                if auth.query.secret_id:
                    described.append(f"secret {auth.query.secret_id}")
        fields.append(Field(f"http {rule.host or '(any host)'}", ", ".join(described) or "allowed, no auth"))
    return fields


def _auth(scheme: str, **parts: str | None) -> str:
    shown = [f"{name}={value}" for name, value in parts.items() if value is not None]
    return f"{scheme} " + " ".join(shown) if shown else scheme


def _files(files: list[File] | None) -> list[TextBlock]:
    return [
        TextBlock(
            f"file {item.path or '(unnamed)'}", item.contents or "", lexer_for_path(item.path or ""), "empty file"
        )
        for item in files or []
    ]


def _extras(details: BaseModel) -> list[Field]:
    """Fields a newer server sent that this version has no place for, so they are still seen."""
    found: list[Field] = []
    stack: list[tuple[str, BaseModel]] = [("", details)]
    while stack:
        prefix, model = stack.pop()
        for name, value in (model.model_extra or {}).items():
            found.append(Field(f"{prefix}{name}", value if isinstance(value, str) else json.dumps(value, default=str)))
        for name in type(model).model_fields:
            child = getattr(model, name)
            if isinstance(child, BaseModel):
                stack.append((f"{prefix}{name}.", child))
    return found


def shown_execution(fetched: Fetched, *, reveal_secrets: bool) -> tuple[Execution, dict[str, Any], int]:
    """The execution and raw JSON to display, masked unless secrets are revealed, and how many were masked.

    Without secrets the fetched model is reused: re-validating copies every string (~50 ms for 50 MB).
    """
    masked_raw, count = mask_execution(fetched.raw)
    if reveal_secrets:
        return fetched.execution, fetched.raw, count
    if not count:
        return fetched.execution, fetched.raw, 0
    return Execution.model_validate(masked_raw), masked_raw, count


def fetched_warnings(fetched: Fetched) -> list[str]:
    """What a reader must know before trusting what is shown: another execution than asked for, a cut body."""
    warnings = []
    if fetched.id_mismatch:
        warnings.append(f"asked for {fetched.requested_id} but the server sent {fetched.execution.id}")
    if fetched.cut_note:
        warnings.append(fetched.cut_note)
    return warnings


def archived_note(fetched: Fetched) -> str:
    """For a copy read from the archive instead of the server: when it was kept (its secrets were masked)."""
    if fetched.archived_at is None:
        return ""
    return f"archived copy, kept {relative_age(fetched.archived_at)} (secrets masked in it)"
