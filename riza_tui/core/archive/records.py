"""An execution as the archive stores it: summary columns, the list item, and the body (masked, compressed).

Masking happens here, before anything reaches SQLite, so no secret can be in the file, its log or its
memory-only temporary tables. A user's archive compresses bodies of 256 bytes and more with zlib at level 1:
on the bundled sample data that makes small executions 1.7x smaller for ~20 µs each (most of it zlib setting
up its state, whatever the size), and a 2.7 MB log 5.7x smaller in 12 ms, where level 6 took three times as
long for 15% less on the log and the same on small ones. A served data set (temporary, rebuilt at every
start) keeps bodies as they are, which made importing a million executions ~25% faster. A stored body that
starts with ``{`` is JSON as it is; anything else is a zlib stream.

The list item (``head``) is stored only when the summary columns cannot give it back: a record with fields
of its own, or a value the columns had to change (an integer past 64 bits, a lone surrogate).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from riza_tui.core.formatting import parse_timestamp
from riza_tui.core.triage import RowFacts, error_line
from riza_tui.safety.mask import mask_execution

COMPRESSION_LEVEL = 1
COMPRESS_FROM = 256
MAX_ERROR_LINE = 2000
IDS_PER_QUERY = 500  # ids bound in one IN (...): well under SQLite's limit on variables
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# A started_at that is not a date sorts oldest, as the server's own list puts it (datetime.min).
UNDATED_US = (datetime.min.replace(tzinfo=UTC) - EPOCH) // MICROSECOND
INT64 = (-(2**63), 2**63 - 1)
SUMMARY_FIELDS = {"id": str, "language": str, "duration": int, "exit_code": int, "started_at": str}
LIST_ITEM_KEYS = {*SUMMARY_FIELDS, "details"}


INSERT_NEW_ROW = (
    "INSERT INTO executions (id, started_at, started_us, exit_code, duration, language, kind, tool_id, error,"
    " archived_at, size, head, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_ROW = INSERT_NEW_ROW.replace("INSERT", "INSERT OR REPLACE", 1)


class NotAnExecution(ValueError):
    """A record without the summary fields every execution has; it is not archived."""


@dataclass(frozen=True)
class Row:
    id: str
    started_at: str
    started_us: int
    exit_code: int
    duration: int
    language: str
    kind: str
    tool_id: str
    error: str
    size: int
    head: str
    body: bytes

    def values(self, archived_at: float) -> tuple[object, ...]:
        """The row's values in the order of :data:`INSERT_ROW`."""
        return (
            self.id, self.started_at, self.started_us, self.exit_code, self.duration, self.language, self.kind,
            self.tool_id, self.error, archived_at, self.size, self.head, self.body,
        )  # fmt: skip

    @property
    def stored_bytes(self) -> int:
        """About what the row takes in the file: its two big columns and the summary's share."""
        return len(self.body) + len(self.head) + len(self.error) + 200


def started_us(started_at: str) -> int:
    moment = parse_timestamp(started_at)
    if moment is None:
        return UNDATED_US
    return (moment - EPOCH) // MICROSECOND


def _clamped(value: int) -> int:
    return min(max(value, INT64[0]), INT64[1])


def bindable(ids: Iterable[str]) -> list[str]:
    """IDs SQLite can be asked about (an ID with a lone surrogate is in no archive)."""
    found = []
    for execution_id in ids:
        try:
            execution_id.encode("utf-8")
        except UnicodeEncodeError:
            continue
        found.append(execution_id)
    return found


def storable(text: str) -> str:
    """Text SQLite can hold: a lone surrogate (JSON allows ``"\\ud800"``) becomes U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def _result(details: dict[str, Any]) -> dict[str, Any] | None:
    """What ran, wherever the details type keeps it (as ``Execution.result``)."""
    response = details.get("response")
    if not isinstance(response, dict):
        return None
    if details.get("type") == "script":
        return response
    if details.get("type") in ("function", "tool") and isinstance(response.get("execution"), dict):
        execution: dict[str, Any] = response["execution"]
        return execution
    return None


def facts_of(raw: dict[str, Any]) -> RowFacts:
    """Kind, tool and error line, read from the JSON as sent (no model validation: it copies every string)."""
    details = raw.get("details")
    if not isinstance(details, dict):
        return RowFacts("none", "", "")
    kind = details.get("type")
    kind = kind if isinstance(kind, str) and kind else "unknown"
    tool_id = details.get("tool_id", "") if kind == "tool" else ""
    result = _result(details) if kind in ("script", "function", "tool") else None
    error = ""
    if result is not None and (raw.get("exit_code") != 0 or result.get("exit_code") != 0):
        stderr, stdout = result.get("stderr"), result.get("stdout")
        error = error_line(stderr if isinstance(stderr, str) else "", stdout if isinstance(stdout, str) else "")
    return RowFacts(kind, tool_id if isinstance(tool_id, str) else "", error[:MAX_ERROR_LINE])


def _check_summary(raw: Any) -> None:
    if not isinstance(raw, dict):
        raise NotAnExecution("an execution must be a JSON object")
    for name, kind in SUMMARY_FIELDS.items():
        value = raw.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise NotAnExecution(f"{name}: missing or not a {kind.__name__}")
    if raw["id"] != storable(raw["id"]):
        raise NotAnExecution("id: not valid Unicode text")


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON; ASCII escapes only when the text holds a lone surrogate, so it is always valid UTF-8."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":")).encode("ascii")


def row_for(raw: dict[str, Any], *, mask: bool, text: bytes | None = None) -> Row:
    """The row for one execution: masked and compressed when ``mask`` (a user's archive), else kept as sent
    (a served data set, whose ``text`` may be given as read, to spare encoding it again)."""
    if mask:
        return masked_row(raw)[0]
    _check_summary(raw)
    return _row(raw, text, compress=False)


def masked_row(raw: dict[str, Any]) -> tuple[Row, dict[str, Any]]:
    """The row for one execution of a user's archive (masked, compressed), and the masked JSON it holds."""
    _check_summary(raw)
    masked, _ = mask_execution(raw)
    return _row(masked, None, compress=True), masked


def _row(raw: dict[str, Any], text: bytes | None, *, compress: bool) -> Row:
    body = text if text is not None else encode_json(raw)
    facts = facts_of(raw)
    started_at, language = storable(raw["started_at"]), storable(raw["language"])
    exit_code, duration = _clamped(raw["exit_code"]), _clamped(raw["duration"])
    said_by_columns = raw.keys() <= LIST_ITEM_KEYS and (started_at, language, exit_code, duration) == (
        raw["started_at"],
        raw["language"],
        raw["exit_code"],
        raw["duration"],
    )
    head = (
        ""
        if said_by_columns
        else json.dumps(
            {key: value for key, value in raw.items() if key != "details"}, ensure_ascii=True, separators=(",", ":")
        )
    )
    return Row(
        id=raw["id"],
        started_at=started_at,
        started_us=started_us(raw["started_at"]),
        exit_code=exit_code,
        duration=duration,
        language=language,
        kind="" if facts.kind == "none" else storable(facts.kind),
        tool_id=storable(facts.tool_id),
        error=storable(facts.error),
        size=len(body),
        head=head,
        body=zlib.compress(body, COMPRESSION_LEVEL) if compress and len(body) >= COMPRESS_FROM else body,
    )


def list_item(head: str, execution_id: str, language: str, duration: int, exit_code: int, started_at: str) -> Any:
    """The execution as a list page carries it, from its stored head or, when none was needed, its columns."""
    if head:
        return json.loads(head)
    return {"id": execution_id, "language": language, "duration": duration, "exit_code": exit_code,
            "started_at": started_at}  # fmt: skip


def body_bytes(blob: bytes) -> bytes:
    """The execution's JSON as stored (raises zlib.error for a damaged body)."""
    return blob if blob[:1] == b"{" else zlib.decompress(blob)
