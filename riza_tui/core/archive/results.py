"""What the archive hands back: an archived execution, a row of a list, the file's figures, the last sync."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from riza_tui.api.models import Execution, Fetched
from riza_tui.core.archive.records import list_item
from riza_tui.core.triage import RowFacts
from riza_tui.safety.sanitize import one_line


@dataclass(frozen=True)
class ArchivedExecution:
    """One archived execution: its JSON (masked in a user's archive), when it was archived, its size in bytes."""

    raw: dict[str, Any]
    archived_at: datetime
    size: int

    def fetched(self) -> Fetched:
        """As the client would have returned it (no time spent fetching), for the views that take a Fetched."""
        execution_id = str(self.raw.get("id", ""))
        return Fetched(
            Execution.model_validate(self.raw), self.raw, self.size, 0.0, execution_id, archived_at=self.archived_at
        )


@dataclass(frozen=True)
class ArchivedSummary:
    """A row of a list: the execution as a list page carries it (no details), and what its details said."""

    item: dict[str, Any]
    facts: RowFacts
    archived_at: datetime
    started_us: int

    @property
    def id(self) -> str:
        return str(self.item["id"])

    def execution(self) -> Execution:
        return Execution.model_validate(self.item)


@dataclass(frozen=True)
class SyncNote:
    """What the last ``riza-tui sync`` did, kept in the archive for ``riza-tui archive``."""

    at: datetime
    fetched: int
    errors: int
    complete: bool

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "fetched": self.fetched, "errors": self.errors, "complete": self.complete}


@dataclass(frozen=True)
class ArchiveStats:
    path: Path
    server: str | None
    executions: int
    failures: int
    bytes: int
    max_bytes: int | None
    oldest: str | None  # started_at as the server sent it
    newest: str | None
    last_sync: SyncNote | None


def moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def sync_note(text: str | None) -> SyncNote | None:
    if not text:
        return None
    try:
        value = json.loads(text)
        return SyncNote(
            datetime.fromisoformat(value["at"]), int(value["fetched"]), int(value["errors"]), bool(value["complete"])
        )
    except (ValueError, KeyError, TypeError):
        return None


SUMMARY_COLUMNS = "head, kind, tool_id, error, archived_at, started_us, id, language, duration, exit_code, started_at"


def summary_of(row: tuple[Any, ...]) -> ArchivedSummary:
    """A row of :data:`SUMMARY_COLUMNS` as a list row."""
    head, kind, tool_id, error, at, started, execution_id, *summary = row
    return ArchivedSummary(
        list_item(head, execution_id, *summary), RowFacts(kind or "none", tool_id, one_line(error)), moment(at),
        started,
    )  # fmt: skip
