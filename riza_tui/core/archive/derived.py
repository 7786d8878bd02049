"""What the archive works out from an execution beyond its summary: its failure signature, what ran, its text.

Computed from the masked JSON, before the write lock is taken, when an execution is written, and again from
the stored body when a row is caught up (an older version's row) or its index entry must be removed (a
contentless index needs the values it was given). One model validation serves all three.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from riza_tui.api import json_text  # noqa: F401 - raises the recursion limit for deep bodies
from riza_tui.api.models import Execution, FunctionDetails, ScriptDetails, ToolDetails
from riza_tui.core.archive.records import body_bytes, storable
from riza_tui.core.search_text import searchable_fields
from riza_tui.core.signature import SIGNATURE_VERSION, failure_signature

NO_TEXT: dict[str, str] = {}


@dataclass(frozen=True)
class Derived:
    signature: str | None  # the failure's signature digest; None for a success
    failure: str  # the failure's representative line (one safe line), '' for a success
    subject: str  # what ran, for the last good run: 'tool:ID', or 'code:' and a digest of language and code
    fields: dict[str, str]  # the searchable text, field by field ({} when not wanted)

    @property
    def text_bytes(self) -> int:
        return sum(len(text.encode("utf-8", "surrogatepass")) for text in self.fields.values())

    def columns(self) -> tuple[str | None, int, str, int, str]:
        """signature, signature_version, subject, text_bytes, failure (the order of the writes' SQL)."""
        return self.signature, SIGNATURE_VERSION, self.subject, self.text_bytes, self.failure


NOTHING = Derived(None, "", "", NO_TEXT)


def subject_of(execution: Execution) -> str:
    details = execution.details
    if isinstance(details, ToolDetails):
        return storable(f"tool:{details.tool_id}")
    if isinstance(details, ScriptDetails | FunctionDetails):
        code = f"{details.type}\x1f{details.request.language}\x1f{details.request.code}"
        return "code:" + hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return ""


def derive(masked: dict[str, Any], *, text: bool) -> Derived:
    """Signature, subject and (with ``text``) the searchable fields of an execution's masked JSON. A record the
    models refuse has none: it is archived, but in no group and not searchable."""
    try:
        execution = Execution.model_validate(masked)
    except (ValidationError, ValueError, RecursionError):
        return NOTHING
    signature = failure_signature(execution)
    return Derived(
        signature.digest if signature is not None else None,
        storable(signature.error) if signature is not None else "",
        subject_of(execution),
        {name: storable(value) for name, value in searchable_fields(execution).items()} if text else NO_TEXT,
    )


def stored_fields(body: bytes) -> dict[str, str]:
    """The searchable text of a stored body, as it was indexed ({} for one that cannot be read)."""
    try:
        raw = json.loads(body_bytes(body))
        execution = Execution.model_validate(raw)
    except (zlib.error, ValidationError, ValueError, RecursionError):
        return NO_TEXT
    return {name: storable(value) for name, value in searchable_fields(execution).items()}


def derive_stored(body: bytes, *, text: bool) -> Derived:
    """The same from a stored body (NOTHING for one that cannot be read: it was never indexed either)."""
    try:
        raw = json.loads(body_bytes(body))
    except (zlib.error, ValueError, RecursionError):
        return NOTHING
    return derive(raw, text=text) if isinstance(raw, dict) else NOTHING
