"""Messages between widgets, screens and the app."""

from __future__ import annotations

from textual.message import Message


class LookupRequested(Message):
    """Someone asked to see an execution: typed in the lookup bar, picked from the list, or back/forward.

    ``reload`` asks the server again even when the store has it; ``from_trail`` (back/forward) does not add
    to the trail of opened executions.
    """

    def __init__(self, execution_id: str, *, reload: bool = False, from_trail: bool = False) -> None:
        super().__init__()
        self.execution_id = execution_id
        self.reload = reload
        self.from_trail = from_trail


class RecentRequested(Message):
    """The list wants its first page (re)loading, or the page after ``starting_after``."""

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


class WatchToggled(Message):
    """W: poll the list's first page for new executions, or stop."""


class ExecutionStored(Message):
    """A list row's details arrived in the store, or failed to: the row redraws."""

    def __init__(self, execution_id: str) -> None:
        super().__init__()
        self.execution_id = execution_id


class ListPageArrived(Message):
    """A list page is in the store (or failed: ``error``); ``new_ids`` are executions watch mode found."""

    def __init__(
        self, *, first_page: bool, complete: bool = False, new_ids: set[str] | None = None, error: str = ""
    ) -> None:
        super().__init__()
        self.first_page = first_page
        self.complete = complete
        self.new_ids = new_ids
        self.error = error


class WatchStatus(Message):
    """What watch mode is doing: empty when off, else its interval, or the error it is backing off from."""

    def __init__(self, note: str) -> None:
        super().__init__()
        self.note = note


class LastGoodWanted(Message):
    """Compare the open (failed) execution with the newest earlier success of the same tool or code."""
