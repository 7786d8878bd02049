"""What the user is doing, in one UI-free object: the one source of truth that screens read.

The app holds one :class:`Session`. Workers put what they fetch in it (the store, the listing state) and post a
message; screens react by reading it. Nothing else keeps a copy: the list's filter, failures-only and watch
state, the trail of opened executions, the marked execution and the connection all live here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from riza_tui.api.errors import RizaError
from riza_tui.core.archive import Archive
from riza_tui.core.groups import FailureGroup
from riza_tui.core.history import LookupHistory
from riza_tui.core.search import SearchHit
from riza_tui.core.store import ExecutionStore
from riza_tui.core.trail import Trail

Phase = Literal["loading", "loaded", "failed", "cancelled"]


@dataclass(frozen=True)
class LookupState:
    """The execution asked for and where its lookup stands; the execution itself is in the store."""

    execution_id: str = ""
    phase: Phase = "loading"
    error: RizaError | None = None


@dataclass(frozen=True)
class Connection:
    """Which server the session talks to, as it may be shown (never the key)."""

    label: str = ""
    has_key: bool = False  # or, offline, an archive to read
    profile: str | None = None
    offline: bool = False  # reading only the archive: nothing is sent anywhere


@dataclass
class Listing:
    """Where paging the list stands: waiting for a page, every page loaded, or a page failed."""

    requested: bool = False
    waiting: bool = False
    complete: bool = False
    error: str = ""


@dataclass
class Watch:
    """Watch mode: polling every ``seconds`` (0 when off), and what it last said (may carry server words)."""

    seconds: float = 0.0
    note: str = ""
    new_groups: int = 0  # failures it found that started a failure group


WINDOWS = (("the last day", 24.0), ("the last 7 days", 24.0 * 7), ("the last 30 days", 24.0 * 30), ("all", None))


@dataclass
class GroupsView:
    """The failure groups screen: which window (an index into WINDOWS), what was counted, when."""

    window: int = 1  # the last 7 days
    groups: list[FailureGroup] = field(default_factory=list)
    loading: bool = False
    error: str = ""
    counted_at: datetime | None = None
    history_before: bool = True  # the archive holds executions from before the window: "new" can be told

    @property
    def window_name(self) -> str:
        return WINDOWS[self.window][0]

    @property
    def hours(self) -> float | None:
        """How far back the window goes (None: everything archived)."""
        return WINDOWS[self.window][1]

    def next_window(self) -> None:
        self.window = (self.window + 1) % len(WINDOWS)


@dataclass
class SearchView:
    """The archive search screen: the query asked, the hits so far, whether there are more."""

    query: str = ""
    hits: list[SearchHit] = field(default_factory=list)
    running: bool = False
    complete: bool = False
    error: str = ""


@dataclass
class Session:
    store: ExecutionStore = field(default_factory=ExecutionStore)
    history: LookupHistory = field(default_factory=lambda: LookupHistory(None))
    connection: Connection = field(default_factory=Connection)
    trail: Trail = field(default_factory=Trail)
    lookup: LookupState | None = None
    marked_id: str = ""
    only_failures: bool = False
    list_filter: str = ""
    listing: Listing = field(default_factory=Listing)
    watch: Watch = field(default_factory=Watch)
    keymap: dict[str, str] = field(default_factory=dict)  # [keymap] of config.toml: key id -> keys pressed
    archive: Archive | None = None  # where what is fetched is kept, and what --offline reads
    sync_note: str = ""  # what a sync started from the app is doing ("" when none runs)
    groups: GroupsView = field(default_factory=GroupsView)
    members: ExecutionStore = field(default_factory=ExecutionStore)  # the rows of the group being looked at
    search: SearchView = field(default_factory=SearchView)
    search_rows: ExecutionStore = field(default_factory=ExecutionStore)  # the hits as list rows
    group_hints: dict[str, FailureGroup] = field(default_factory=dict)  # execution id -> its failure group
    pending_search: tuple[str, str] | None = None  # (pane, text) to search once the execution opened from a hit

    def mark(self, execution_id: str) -> bool:
        """Mark ``execution_id`` for the next comparison, or unmark it when it is the one marked; True when
        it is marked now. The store never evicts the marked execution."""
        self.marked_id = "" if self.marked_id == execution_id else execution_id
        self.store.keep(self.marked_id, slot="marked")
        return bool(self.marked_id)

    def reconnect(self, connection: Connection) -> None:
        """Another server: nothing from the last one may be shown as if from this one."""
        self.connection = connection
        self.store.clear()
        self.trail = Trail()
        self.lookup = None
        self.marked_id = ""
        self.listing = Listing()
        self.watch = Watch()
