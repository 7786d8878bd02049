"""Messages between widgets, screens and the app.

Requests go up (a widget or screen asks; the app's workers do the I/O). News comes back down: a worker puts
what it got in the session and posts one of the ``…Changed`` messages to the screen that shows it, whose
handler reads the session.
"""

from __future__ import annotations

from textual.message import Message

# Requests: from widgets and screens to the app -------------------------------------------------------------


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


class LookupCancelled(Message):
    """Escape while a lookup is in flight: stop waiting for it. ``quiet`` when the user has moved on
    (back to the list), so the cancellation is not reported."""

    def __init__(self, *, quiet: bool = False) -> None:
        super().__init__()
        self.quiet = quiet


class ListRequested(Message):
    """The list wants its first page (re)loading (the session says failures-only or not), or the next page."""

    def __init__(self, *, next_page: bool = False) -> None:
        super().__init__()
        self.next_page = next_page


class FilterTyped(Message):
    """The list's filter has text: what the rows say (type, tool, error) is wanted for every loaded row."""


class WatchToggled(Message):
    """W: poll the list's first page for new executions, or stop."""


class CharacterTyped(Message):
    """A printable key that no list key took: the list screen takes it once the keys before it are resolved."""

    def __init__(self, character: str) -> None:
        super().__init__()
        self.character = character


class SyncWanted(Message):
    """Sync the archive with the server for the last ``hours`` (the palette's "Sync the last day")."""

    def __init__(self, hours: float = 24.0) -> None:
        super().__init__()
        self.hours = hours


class LastGoodWanted(Message):
    """Compare the open (failed) execution with the newest earlier success of the same tool or code."""


# News: from the app's workers to the screen that shows it ---------------------------------------------------


class LookupChanged(Message):
    """``session.lookup`` changed: loading, loaded, failed or cancelled."""


class GroupHintChanged(Message):
    """``session.group_hints`` learnt the group of ``execution_id``: its summary says how many share it."""

    def __init__(self, execution_id: str) -> None:
        super().__init__()
        self.execution_id = execution_id


class ListChanged(Message):
    """The session's list rows or paging state changed; ``new_ids`` are executions watch mode just found."""

    def __init__(self, *, new_ids: set[str] | None = None) -> None:
        super().__init__()
        self.new_ids = new_ids


class ExecutionStored(Message):
    """A list row's details arrived in the store, or failed to: the row redraws."""

    def __init__(self, execution_id: str) -> None:
        super().__init__()
        self.execution_id = execution_id


class SyncChanged(Message):
    """``session.sync_note`` changed: a sync's progress (at most a few times a second), or its end."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncChanged)


class GroupsWanted(Message):
    """The groups screen wants its groups counted (again); ``sync_first`` fetches the window's news first."""

    def __init__(self, *, sync_first: bool = False) -> None:
        super().__init__()
        self.sync_first = sync_first


class GroupsChanged(Message):
    """``session.groups`` changed: counting, counted, or failed."""


class MembersWanted(Message):
    """Show these executions (a failure group's members) as list rows."""

    def __init__(self, execution_ids: tuple[str, ...], title: str) -> None:
        super().__init__()
        self.execution_ids = execution_ids
        self.title = title


class LastGoodOfGroupWanted(Message):
    """Compare a group's first failure with the last good run before it (both from the archive)."""

    def __init__(self, first_id: str, last_good_id: str) -> None:
        super().__init__()
        self.first_id = first_id
        self.last_good_id = last_good_id


class GroupOfWanted(Message):
    """``i`` on an execution: show the executions of its failure group."""

    def __init__(self, execution_id: str) -> None:
        super().__init__()
        self.execution_id = execution_id


class IncidentReportWanted(Message):
    """Copy the open execution's incident report (Markdown, with its group and the last good run's diff)."""


class MembersChanged(Message):
    """``session.members`` holds the rows of the group asked for."""


class SearchWanted(Message):
    """Search the archive for ``query`` (``more``: the next page of the same query)."""

    def __init__(self, query: str, *, more: bool = False) -> None:
        super().__init__()
        self.query = query
        self.more = more


class SearchChanged(Message):
    """``session.search`` changed: searching, hits arrived, or the query could not be searched."""


class WatchChanged(Message):
    """``session.watch`` changed: on, off, or what it last said."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, WatchChanged)
