"""The app's store of what it has fetched: executions by id, the list in list order, rows that failed to load.

No UI in it. Workers put what arrives here and post a message; screens and widgets read from here when they
react. It is bounded: the least recently used executions go first once there are too many, or too many bytes.
"""

from __future__ import annotations

from collections import OrderedDict

from riza_tui.api.models import Execution, Fetched
from riza_tui.core.triage import RowFacts, row_facts

MAX_EXECUTIONS = 300
MAX_BYTES = 256 * 1024 * 1024
MAX_ROWS = 20_000  # list rows (summaries, ~1 KB each): watch mode inserts on top and the oldest go
MAX_FACTS = 50_000  # what a row says once its details were seen: kept after the execution itself is evicted


class ExecutionStore:
    """Fetched executions (least recently used first out), and the list's rows (details-less summaries)."""

    def __init__(
        self, *, max_executions: int = MAX_EXECUTIONS, max_bytes: int = MAX_BYTES, max_rows: int | None = None
    ) -> None:
        self._max_executions = max_executions
        self._max_bytes = max_bytes
        self._max_rows = MAX_ROWS if max_rows is None else max_rows
        self._fetched: OrderedDict[str, Fetched] = OrderedDict()
        self._bytes = 0
        self._failed: dict[str, str] = {}
        self._rows: list[Execution] = []
        self._row_ids: set[str] = set()
        self._kept: dict[str, str] = {}
        self._facts: OrderedDict[str, RowFacts] = OrderedDict()
        self._new_groups: set[str] = set()

    # Fetched executions -----------------------------------------------------------------------------

    def put(self, fetched: Fetched, *, as_id: str | None = None) -> None:
        """Keep one execution under the id it was asked for (the server may answer with another)."""
        key = as_id or fetched.execution.id
        old = self._fetched.pop(key, None)
        if old is not None:
            self._bytes -= old.size
        self._fetched[key] = fetched
        self._bytes += fetched.size
        self._failed.pop(key, None)
        self.learn_facts(key, row_facts(fetched.execution))
        self._evict()

    def learn_facts(self, execution_id: str, facts: RowFacts) -> None:
        """What a row says (type, tool, error line), from a fetched execution or from the archive."""
        self._facts[execution_id] = facts
        self._facts.move_to_end(execution_id)
        if len(self._facts) > MAX_FACTS:
            self._facts.popitem(last=False)

    def facts(self, execution_id: str) -> RowFacts | None:
        return self._facts.get(execution_id)

    def mark_new_group(self, execution_id: str) -> None:
        """This failure started a failure group (watch mode found it): its row says so."""
        self._new_groups.add(execution_id)

    def opens_group(self, execution_id: str) -> bool:
        return execution_id in self._new_groups

    def keep(self, execution_id: str, *, slot: str = "shown") -> None:
        """The execution on screen (and the one marked for a comparison) is never evicted, whatever the list's
        rows load meanwhile; an empty ``execution_id`` frees the slot."""
        self._kept[slot] = execution_id

    @property
    def kept_ids(self) -> set[str]:
        """The executions kept in view (on screen, marked for a comparison)."""
        return {execution_id for execution_id in self._kept.values() if execution_id}

    def _evict(self) -> None:
        while len(self._fetched) > self._max_executions or self._bytes > self._max_bytes:
            kept = set(self._kept.values())
            oldest = next((key for key in self._fetched if key not in kept), None)
            if oldest is None:
                return
            self._bytes -= self._fetched.pop(oldest).size

    def get(self, execution_id: str) -> Fetched | None:
        fetched = self._fetched.get(execution_id)
        if fetched is not None:
            self._fetched.move_to_end(execution_id)
        return fetched

    def peek(self, execution_id: str) -> Fetched | None:
        """Like :meth:`get`, without counting as a use (drawing a list row is not a use)."""
        return self._fetched.get(execution_id)

    def __contains__(self, execution_id: object) -> bool:
        return execution_id in self._fetched

    def __len__(self) -> int:
        return len(self._fetched)

    @property
    def size_in_bytes(self) -> int:
        return self._bytes

    def clear(self) -> None:
        """Another server: nothing fetched from the last one may be shown as if from this one."""
        self._fetched.clear()
        self._bytes = 0
        self._failed.clear()
        self._kept.clear()
        self._facts.clear()
        self.replace_rows([])

    def fail(self, execution_id: str, reason: str) -> None:
        """A row's details could not be loaded: the row says so until they are."""
        self._failed[execution_id] = reason

    def failure(self, execution_id: str) -> str | None:
        return self._failed.get(execution_id)

    # The list ---------------------------------------------------------------------------------------

    @property
    def rows(self) -> list[Execution]:
        return self._rows

    def replace_rows(self, executions: list[Execution]) -> list[Execution]:
        """A first page: the list starts again."""
        self._rows = []
        self._row_ids = set()
        return self.append_rows(executions)

    def append_rows(self, executions: list[Execution]) -> list[Execution]:
        """A later page; rows already listed (the list moved while paging, or a page repeats an id) are not
        listed twice, and nothing is added past the bound."""
        added = self._unlisted(executions)[: max(self._max_rows - len(self._rows), 0)]
        self._row_ids.update(execution.id for execution in added)
        self._rows.extend(added)
        return added

    def insert_newest(self, executions: list[Execution]) -> list[Execution]:
        """Executions from a fresh first page that are not listed yet, put on top in their order; past the bound
        the oldest rows go (never the one on screen or the marked one)."""
        fresh = self._unlisted(executions)[: self._max_rows]
        self._row_ids.update(execution.id for execution in fresh)
        self._rows[:0] = fresh
        excess = len(self._rows) - self._max_rows
        if excess > 0:
            kept = set(self._kept.values())
            oldest_first = (row.id for row in reversed(self._rows) if row.id not in kept)
            dropped = {row_id for row_id, _ in zip(oldest_first, range(excess), strict=False)}
            self._rows = [row for row in self._rows if row.id not in dropped]
            self._row_ids -= dropped
        return fresh

    @property
    def rows_full(self) -> bool:
        return len(self._rows) >= self._max_rows

    def _unlisted(self, executions: list[Execution]) -> list[Execution]:
        seen = set(self._row_ids)
        unlisted = []
        for execution in executions:
            if execution.id not in seen:
                seen.add(execution.id)
                unlisted.append(execution)
        return unlisted
