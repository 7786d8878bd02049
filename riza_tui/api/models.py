"""Pydantic models for the executions API.

Every model keeps unknown fields (``extra="allow"``) so the UI can show what a newer server sends, and
the details union falls back to :class:`UnknownDetails` for a ``type`` this version does not know.
Enumerated strings (language, output_status) are plain ``str`` for the same reason: a new value is
shown, not rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

KNOWN_LANGUAGES = ("python", "javascript", "typescript", "ruby", "php")
KNOWN_DETAIL_TYPES = ("tool", "function", "script")


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Status(ApiModel):
    """A google.rpc Status error body."""

    code: int | None = None
    message: str | None = None


class EnvVar(ApiModel):
    name: str
    secret_id: str | None = None
    value: str | None = None


class File(ApiModel):
    path: str | None = None
    contents: str | None = None


class Limits(ApiModel):
    execution_timeout: int | None = None
    memory_size: int | None = None


class HTTPBasic(ApiModel):
    user_id: str | None = None
    password: str | None = None
    secret_id: str | None = None


class HTTPBearer(ApiModel):
    token: str | None = None
    secret_id: str | None = None


class HTTPHeader(ApiModel):
    name: str | None = None
    value: str | None = None


class HTTPQuery(ApiModel):
    key: str | None = None
    value: str | None = None
    secret_id: str | None = None


class HTTPAuth(ApiModel):
    """Auth for one allowed host; covers both the script/function and the tool variants."""

    basic: HTTPBasic | None = None
    bearer: HTTPBearer | None = None
    header: HTTPHeader | None = None
    query: HTTPQuery | None = None


class HTTPAllow(ApiModel):
    host: str | None = None
    auth: HTTPAuth | None = None


class HTTPConfig(ApiModel):
    allow: list[HTTPAllow] | None = None


class ExecutionResult(ApiModel):
    """What ran: stdout, stderr, exit code. Shared by every details type's response."""

    id: str
    exit_code: int
    stdout: str
    stderr: str
    duration: int


class ExecuteRequest(ApiModel):
    """A script request."""

    language: str
    code: str
    args: list[str] | None = None
    stdin: str | None = None
    env: dict[str, str] | None = None
    files: list[File] | None = None
    http: HTTPConfig | None = None
    limits: Limits | None = None
    runtime_revision_id: str | None = None


ExecuteResponse = ExecutionResult


class ExecuteFunctionRequest(ApiModel):
    language: str
    code: str
    input: Any = None
    env: dict[str, str] | None = None
    files: list[File] | None = None
    http: HTTPConfig | None = None
    limits: Limits | None = None
    runtime_revision_id: str | None = None


class OutputResponse(ApiModel):
    """A function or tool response: the returned value, its status, and what ran."""

    output: Any
    output_status: str
    execution: ExecutionResult


class ExecuteToolRequest(ApiModel):
    input: Any = None
    env: list[EnvVar] | None = None
    http: HTTPConfig | None = None
    revision_id: str | None = None


class ScriptDetails(ApiModel):
    type: Literal["script"]
    request: ExecuteRequest
    response: ExecutionResult


class FunctionDetails(ApiModel):
    type: Literal["function"]
    request: ExecuteFunctionRequest
    response: OutputResponse


class ToolDetails(ApiModel):
    type: Literal["tool"]
    tool_id: str
    request: ExecuteToolRequest
    response: OutputResponse


class UnknownDetails(ApiModel):
    """Details of a ``type`` this version does not know; every field is kept as sent."""

    type: str | None = None


def _details_tag(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if kind in KNOWN_DETAIL_TYPES else "unknown"


Details = Annotated[
    Annotated[ScriptDetails, Tag("script")]
    | Annotated[FunctionDetails, Tag("function")]
    | Annotated[ToolDetails, Tag("tool")]
    | Annotated[UnknownDetails, Tag("unknown")],
    Discriminator(_details_tag),
]


class Execution(ApiModel):
    id: str
    language: str
    duration: int
    exit_code: int
    started_at: str
    details: Details | None = None

    @property
    def kind(self) -> str:
        """The details type, "unknown" for a new one, or "" when the server sent no details."""
        if self.details is None:
            return ""
        if isinstance(self.details, UnknownDetails):
            return self.details.type or "unknown"
        return self.details.type

    @property
    def result(self) -> ExecutionResult | None:
        """What ran, wherever the details type keeps it."""
        details = self.details
        if isinstance(details, ScriptDetails):
            return details.response
        if isinstance(details, FunctionDetails | ToolDetails):
            return details.response.execution
        return None


class ExecutionList(ApiModel):
    # Built at the first list page, not at import: opening one execution never needs it (2.5 ms of start-up).
    model_config = ConfigDict(defer_build=True)

    data: list[Execution] = Field(default_factory=list)


@dataclass(frozen=True)
class Fetched:
    """One retrieved execution with the JSON exactly as the server sent it, and what it cost."""

    execution: Execution
    raw: dict[str, Any]
    size: int
    elapsed: float
    requested_id: str = ""
    # Set only when the body nested too deep to read whole: the body as received, and why it was cut.
    received: str | None = None
    cut_note: str = ""
    # Set for a copy read from the archive instead of the server: when it was archived (its secrets are masked).
    archived_at: datetime | None = None

    @property
    def id_mismatch(self) -> bool:
        """The server answered with another execution than the one asked for."""
        return bool(self.requested_id) and self.execution.id != self.requested_id


def field_path(loc: tuple[int | str, ...]) -> str:
    """A validation error's location as a dotted path, without the union tags pydantic inserts."""
    parts = [str(part) for part in loc]
    if len(parts) > 1 and parts[0] == "details" and parts[1] in (*KNOWN_DETAIL_TYPES, "unknown"):
        del parts[1]
    return ".".join(parts) or "(body)"
