"""Messages between widgets, screens and the app."""

from __future__ import annotations

from textual.message import Message


class LookupRequested(Message):
    """Someone asked to see an execution: typed in the lookup bar or picked from the recent list."""

    def __init__(self, execution_id: str) -> None:
        super().__init__()
        self.execution_id = execution_id


class RecentRequested(Message):
    """The recent-executions list wants its first page (re)loading, or the page after ``starting_after``."""

    def __init__(self, only_failures: bool, *, starting_after: str | None = None) -> None:
        super().__init__()
        self.only_failures = only_failures
        self.starting_after = starting_after


class LookupCancelled(Message):
    """Escape while a lookup is in flight: stop waiting for it. ``quiet`` when the user has moved on
    (back to the list), so the cancellation is not reported."""

    def __init__(self, *, quiet: bool = False) -> None:
        super().__init__()
        self.quiet = quiet
