"""What the HTTP server serves from: executions in memory (``ServerData``) or in an archive file
(``ArchiveSource``); the handler needs only these four methods."""

from __future__ import annotations

from typing import Any, Protocol


class ExecutionSource(Protocol):
    def __len__(self) -> int: ...

    def body(self, execution_id: str) -> bytes | None:
        """One execution's JSON, as the retrieve endpoint sends it; None when unknown."""

    def knows(self, execution_id: str) -> bool: ...

    def page(self, *, limit: int, starting_after: str | None, only_failures: bool) -> list[dict[str, Any]]:
        """A list page, newest first, after ``starting_after`` (which the caller checked is known)."""
