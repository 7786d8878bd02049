"""The archive of one server: what riza-tui fetched, kept masked on disk for offline reading and for the list.

Threads: an :class:`Archive` may be used from any thread (a worker writing, the UI thread reading). It holds
two connections, opened with ``check_same_thread=False``, each behind its own lock: one that writes and one
that reads. In WAL mode a reader never waits for a writer, so the UI thread's lookups do not wait for a
worker's batch; masking, encoding and compressing a batch happen before the write lock is taken.

Every method raises :class:`ArchiveUnavailable` (one line: what, where, what to do) when the file cannot be
used; callers show it and go on without the archive.

Writing an execution also writes its failure signature and its full-text entry, in the same transaction
(:mod:`~riza_tui.core.archive.writes`); rows an older riza-tui wrote are brought up to date by
:meth:`Archive.catch_up`. What is read from signatures and the index is in :mod:`riza_tui.core.groups` and
:mod:`riza_tui.core.search`, through :meth:`Archive.run_read`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from riza_tui.api import json_text  # noqa: F401 - raises the recursion limit for deep bodies
from riza_tui.core import formatting
from riza_tui.core.archive import catch_up as behind
from riza_tui.core.archive.catch_up import CatchUp
from riza_tui.core.archive.errors import ArchiveUnavailable, damaged, translate
from riza_tui.core.archive.eviction import make_room
from riza_tui.core.archive.location import file_bytes
from riza_tui.core.archive.records import (
    EPOCH,
    IDS_PER_QUERY,
    MICROSECOND,
    NotAnExecution,
    bindable,
    body_bytes,
)
from riza_tui.core.archive.results import (
    SUMMARY_COLUMNS,
    ArchivedExecution,
    ArchivedSummary,
    ArchiveStats,
    SyncNote,
    moment,
    summary_of,
    sync_note,
)
from riza_tui.core.archive.text_index import upkeep
from riza_tui.core.archive.writes import Prepared, prepare, write
from riza_tui.core.triage import RowFacts
from riza_tui.safety.sanitize import one_line

SIGNATURES_SCHEMA = 2  # the first schema with signatures, subjects and the full-text index
T = TypeVar("T")


class Archive:
    """Open one with :func:`riza_tui.core.archive.open_archive`; close it with :meth:`close` (or ``with``)."""

    def __init__(
        self,
        path: Path,
        *,
        reader: sqlite3.Connection,
        writer: sqlite3.Connection | None,
        max_bytes: int | None,
        busy_timeout: float,
        schema_version: int | None = None,
        searchable: bool = False,
    ) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.schema_version = schema_version  # as the file is (a read-only one is never migrated)
        self.searchable = searchable  # it has a full-text index this code can read and write
        self._reader: sqlite3.Connection | None = reader
        self._writer = writer
        self._busy_timeout = busy_timeout
        self._read_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._pinned: frozenset[str] = frozenset()

    @property
    def read_only(self) -> bool:
        return self._writer is None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.ProgrammingError as error:  # a closed connection, or a value SQLite cannot take
            raise ArchiveUnavailable(self.path, f"cannot be used ({one_line(str(error))})", "reopen it") from None
        except sqlite3.Error as error:
            raise translate(error, self.path, busy_seconds=self._busy_timeout) from None

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._read_lock, self._guard():
            if self._reader is None:
                raise ArchiveUnavailable(self.path, "is closed", "reopen it")
            yield self._reader

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; ``BEGIN IMMEDIATE`` takes the write lock at once (waiting up to the busy
        timeout for another process), so a transaction never fails half way for want of it."""
        with self._write_lock, self._guard():
            writer = self._writer
            if writer is None:
                problem = "is closed" if self._reader is None else "is open read-only"
                raise ArchiveUnavailable(self.path, problem, "open it for writing")
            writer.execute("BEGIN IMMEDIATE")
            try:
                yield writer
                writer.execute("COMMIT")
            except BaseException:
                with suppress(sqlite3.Error):
                    writer.execute("ROLLBACK")
                raise

    # Writing ------------------------------------------------------------------------------------------

    def put_many(self, executions: Iterable[dict[str, Any]]) -> int:
        """Archive executions as the API sent them (``Fetched.raw``): each is masked, summarised, given its
        failure signature and its full-text entry, and written, all in one transaction; an ID already archived
        is replaced (the same body again only renews its ``archived_at``). Records without an execution's
        summary fields are skipped, as is one too big for the size limit. Returns how many were written.

        Call it from a worker thread: masking, the signature and the searchable text are computed before the
        write lock is taken (bench/incidents.py measures it). When the archive would pass its size limit the
        oldest executions are evicted first, with their index entries, never a pinned one."""
        prepared: dict[str, Prepared] = {}
        for raw in executions:
            try:
                item = prepare(raw, text=self.searchable)
            except NotAnExecution:
                continue
            if self.max_bytes is None or item.stored_bytes <= self.max_bytes // 2:
                prepared[item.row.id] = item
        if not prepared:
            return 0
        now = formatting.utc_now().timestamp()
        incoming = sum(item.stored_bytes for item in prepared.values())
        with self._transaction() as writer:
            removed = 0
            if self.max_bytes is not None:
                removed = make_room(writer, incoming, self.max_bytes, self._pinned, index=self.searchable)[1]
            removed += write(writer, list(prepared.values()), now, index=self.searchable)
            if self.searchable:
                upkeep(writer, removed_text=removed, written=incoming)
        return len(prepared)

    def catch_up(
        self,
        *,
        batch: int = behind.BATCH,
        cancelled: Callable[[], bool] = lambda: False,
        on_progress: behind.Progress | None = None,
    ) -> CatchUp:
        """Bring rows an older riza-tui wrote up to date (signatures, index entries), newest first, ``batch``
        rows a transaction (~0.3 ms a row, most of it reading the body and indexing its text); what was done
        stays done if it is stopped. ``cancelled`` is asked between batches, ``on_progress(done, total)``
        called after each. Instant when nothing is behind. Read-only: nothing is done, what is behind is said."""
        total = self.behind()
        if self.read_only or total == 0:
            if total == 0 and not self.read_only:
                with self._transaction() as writer:
                    if not behind.is_caught_up(writer, self.searchable):
                        behind.note_caught_up(writer, self.searchable)
            return CatchUp(0, total)
        done, below = 0, None
        while not cancelled():
            with self._reading() as reader:
                rows = behind.next_behind(reader, below, self.searchable, batch)
            if not rows:
                with self._transaction() as writer:
                    behind.note_caught_up(writer, self.searchable)
                return CatchUp(done, 0)
            derived = behind.derive_behind(rows, self.searchable)
            with self._transaction() as writer:
                behind.bring_up(writer, derived, self.searchable)
            done += len(rows)
            below = rows[-1].seq
            if on_progress is not None:
                on_progress(done, total)
        return CatchUp(done, max(total - done, 0))

    def behind(self) -> int:
        """How many rows :meth:`catch_up` has still to bring up to date (a scan, unless none are); in a file of
        the first schema (read-only, so never migrated), every row."""
        if not self.current_schema:
            return len(self)
        with self._reading() as reader:
            return behind.count_behind(reader, self.searchable)

    @property
    def current_schema(self) -> bool:
        """False for a file of an older schema opened read-only: it has no signatures nor index to read."""
        return self.schema_version is None or self.schema_version >= SIGNATURES_SCHEMA

    def pin(self, ids: Collection[str]) -> None:
        """The executions that must never be evicted (the one open on screen, the one marked for a diff):
        this set replaces the last one. Pins belong to this process only."""
        self._pinned = frozenset(ids)

    def note_sync(self, note: SyncNote) -> None:
        """Remember what a sync did, for :meth:`stats`."""
        with self._transaction() as writer:
            writer.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_sync', ?)", (json.dumps(note.to_json()),)
            )

    # Reading ------------------------------------------------------------------------------------------

    def get(self, execution_id: str) -> ArchivedExecution | None:
        """One execution's masked JSON, when it was archived and its size; None when it is not archived."""
        if not bindable([execution_id]):
            return None
        with self._reading() as reader:
            row = reader.execute(
                "SELECT body, archived_at, size FROM executions WHERE id = ?", (execution_id,)
            ).fetchone()
        if row is None:
            return None
        try:
            raw = json.loads(body_bytes(row[0]))
        except (zlib.error, ValueError, RecursionError):
            raise damaged(self.path, f"the body of {one_line(execution_id)} cannot be read") from None
        return ArchivedExecution(raw, moment(row[1]), int(row[2]))

    def body(self, execution_id: str) -> bytes | None:
        """The execution's JSON as stored, for serving it as it is."""
        if not bindable([execution_id]):
            return None
        with self._reading() as reader:
            row = reader.execute("SELECT body FROM executions WHERE id = ?", (execution_id,)).fetchone()
        if row is None:
            return None
        try:
            return body_bytes(row[0])
        except zlib.error:
            raise damaged(self.path, f"the body of {one_line(execution_id)} cannot be read") from None

    def _select_ids(self, columns: str, ids: Iterable[str]) -> list[tuple[Any, ...]]:
        wanted = bindable(dict.fromkeys(ids))
        found: list[tuple[Any, ...]] = []
        with self._reading() as reader:
            for start in range(0, len(wanted), IDS_PER_QUERY):
                chunk = wanted[start : start + IDS_PER_QUERY]
                marks = ",".join("?" * len(chunk))
                found += reader.execute(f"SELECT {columns} FROM executions WHERE id IN ({marks})", chunk).fetchall()
        return found

    def known(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` are archived."""
        return {row[0] for row in self._select_ids("id", ids)}

    def summaries(self, ids: Iterable[str]) -> list[ArchivedSummary]:
        """The list rows of the archived ones of ``ids``, in the order given (a failure group's members)."""
        wanted = list(dict.fromkeys(ids))
        found = {summary.id: summary for summary in map(summary_of, self._select_ids(SUMMARY_COLUMNS, wanted))}
        return [found[execution_id] for execution_id in wanted if execution_id in found]

    def row_facts(self, ids: Iterable[str]) -> dict[str, RowFacts]:
        """Type, tool and error line (one safe line) of each archived one of ``ids``, so the triage table can
        fill its rows without a request."""
        return {
            row[0]: RowFacts(row[1] or "none", row[2], one_line(row[3]))
            for row in self._select_ids("id, kind, tool_id, error", ids)
        }

    def page(
        self, limit: int, *, before_id: str | None = None, only_failures: bool = False, since: datetime | None = None
    ) -> list[ArchivedSummary]:
        """Up to ``limit`` executions, newest first (as the API lists them), after ``before_id`` (KeyError when
        that ID is not archived) and started at ``since`` or later. Pages come from an index by key, so the
        last page costs what the first does."""
        key: tuple[int, str] | None = None
        if before_id is not None:
            with self._reading() as reader:
                found = reader.execute("SELECT started_us, id FROM executions WHERE id = ?", (before_id,)).fetchone()
            if found is None:
                raise KeyError(before_id)
            key = (int(found[0]), str(found[1]))
        return self._page_after(limit, key, only_failures, since)

    def iter_summaries(
        self, *, only_failures: bool = False, since: datetime | None = None, page_size: int = 200
    ) -> Iterator[ArchivedSummary]:
        """Every archived execution, newest first, a page at a time (a row evicted meanwhile is just skipped)."""
        key: tuple[int, str] | None = None
        while page := self._page_after(page_size, key, only_failures, since):
            yield from page
            key = (page[-1].started_us, page[-1].id)

    def _page_after(
        self, limit: int, key: tuple[int, str] | None, only_failures: bool, since: datetime | None
    ) -> list[ArchivedSummary]:
        conditions: list[str] = []
        params: list[object] = []
        if only_failures:
            conditions.append("exit_code != 0")  # as written in the partial index, so that it is used
        if since is not None:
            conditions.append("started_us >= ?")
            params.append((since - EPOCH) // MICROSECOND)
        if key is not None:
            conditions.append("(started_us, id) < (?, ?)")
            params += key
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        query = f"SELECT {SUMMARY_COLUMNS} FROM executions{where} ORDER BY started_us DESC, id DESC LIMIT ?"
        with self._reading() as reader:
            rows = reader.execute(query, (*params, limit)).fetchall()
        return [summary_of(row) for row in rows]

    def run_read(self, query: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``query`` on the reading connection, under its lock, SQLite's errors as ArchiveUnavailable: how
        the core's readers of signatures and the index (groups, search) reach the file."""
        with self._reading() as reader:
            return query(reader)

    def __bool__(self) -> bool:
        """An open archive is one, empty or not (``if archive:`` must not read as ``if len(archive):``)."""
        return True

    def __len__(self) -> int:
        with self._reading() as reader:
            return int(reader.execute("SELECT count(*) FROM executions").fetchone()[0])

    def count(self, *, only_failures: bool = False) -> int:
        if not only_failures:
            return len(self)
        with self._reading() as reader:
            return int(reader.execute("SELECT count(*) FROM executions WHERE exit_code != 0").fetchone()[0])

    def stats(self) -> ArchiveStats:
        """Where the file is, what it holds, how big it is on disk (with its log), and the last sync."""
        with self._reading() as reader:
            total = reader.execute("SELECT count(*) FROM executions").fetchone()[0]
            failures = reader.execute("SELECT count(*) FROM executions WHERE exit_code != 0").fetchone()[0]
            oldest = reader.execute("SELECT started_at FROM executions ORDER BY started_us, id LIMIT 1").fetchone()
            newest = reader.execute(
                "SELECT started_at FROM executions ORDER BY started_us DESC, id DESC LIMIT 1"
            ).fetchone()
        meta = self.meta()
        return ArchiveStats(
            path=self.path,
            server=meta.get("server"),
            executions=int(total),
            failures=int(failures),
            bytes=file_bytes(self.path),
            max_bytes=self.max_bytes,
            oldest=oldest[0] if oldest else None,
            newest=newest[0] if newest else None,
            last_sync=sync_note(meta.get("last_sync")),
        )

    def meta(self) -> dict[str, str]:
        """The file's own notes: ``server`` (whose executions these are), ``masked``, ``last_sync``."""
        with self._reading() as reader:
            return dict(reader.execute("SELECT key, value FROM meta").fetchall())

    def close(self) -> None:
        """Close both connections, the writer last: the last connection out merges the log into the file.
        Idempotent."""
        with self._read_lock:
            if self._reader is not None:
                with suppress(sqlite3.Error):
                    self._reader.close()
                self._reader = None
        with self._write_lock:
            if self._writer is not None:
                with suppress(sqlite3.Error):
                    self._writer.close()
                self._writer = None
