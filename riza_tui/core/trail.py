"""The trail of opened executions, for back and forward, as a browser keeps it."""

from __future__ import annotations

MAX_TRAIL = 100


class Trail:
    def __init__(self) -> None:
        self._ids: list[str] = []
        self._position = -1

    def visit(self, execution_id: str) -> None:
        """Opening an execution drops whatever was ahead (as following a link does) unless it is the same."""
        if self._position >= 0 and self._ids[self._position] == execution_id:
            return
        del self._ids[self._position + 1 :]
        self._ids.append(execution_id)
        if len(self._ids) > MAX_TRAIL:
            del self._ids[0]
        self._position = len(self._ids) - 1

    def back(self) -> str | None:
        if self._position <= 0:
            return None
        self._position -= 1
        return self._ids[self._position]

    def forward(self) -> str | None:
        if self._position >= len(self._ids) - 1:
            return None
        self._position += 1
        return self._ids[self._position]

    @property
    def current(self) -> str | None:
        return self._ids[self._position] if self._position >= 0 else None

    @property
    def can_go_back(self) -> bool:
        return self._position > 0

    @property
    def can_go_forward(self) -> bool:
        return self._position < len(self._ids) - 1
