"""Writing executions into a user's archive: the row, its signature and subject, its full-text entry, one
transaction; and forgetting rows (eviction, replacement) with their entries.

Each row gets a ``seq`` that grows with ``started_at`` (see :mod:`riza_tui.core.archive.schema`): the first
free one from its 10 ms on. An execution written again with the same
body (a lookup of one already archived) only has its ``archived_at`` renewed: its row, seq and entry stay.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from riza_tui.core.archive import text_index
from riza_tui.core.archive.derived import Derived, derive, stored_fields
from riza_tui.core.archive.records import Row, masked_row
from riza_tui.core.archive.schema import SEQ_US
from riza_tui.core.signature import SIGNATURE_VERSION

INSERT_ARCHIVED = (
    "INSERT INTO executions (seq, id, started_at, started_us, exit_code, duration, language, kind, tool_id,"
    " signature, signature_version, subject, text_bytes, failure, indexed, archived_at, size, error, head, body)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class Prepared:
    """An execution ready to be written: its row and what was derived from its masked JSON."""

    row: Row
    derived: Derived

    @property
    def stored_bytes(self) -> int:
        """About what it takes in the file, its index entry included."""
        return self.row.stored_bytes + text_index.INDEX_BYTES_PER_TEXT_BYTE * self.derived.text_bytes


def prepare(raw: dict[str, Any], *, text: bool) -> Prepared:
    """Mask, summarise and derive (NotAnExecution for a record without an execution's summary fields)."""
    row, masked = masked_row(raw)
    return Prepared(row, derive(masked, text=text))


def allocate_seq(connection: sqlite3.Connection, started_us: int) -> int:
    """The first free seq at or after the execution's 10 ms (the end of the run of taken ones from there)."""
    base = started_us // SEQ_US
    if connection.execute("SELECT 1 FROM executions WHERE seq = ?", (base,)).fetchone() is None:
        return base
    gap = connection.execute(
        "SELECT taken.seq + 1 FROM executions AS taken WHERE taken.seq >= ?"
        " AND NOT EXISTS (SELECT 1 FROM executions AS next WHERE next.seq = taken.seq + 1) ORDER BY taken.seq LIMIT 1",
        (base,),
    ).fetchone()
    return int(gap[0])


# The ``indexed`` column: not yet (no index, or an older row), in the index, nothing to index (unreadable).
NOT_INDEXED, INDEXED, UNINDEXABLE = 0, 1, -1


def index_state(derived: Derived, *, index: bool) -> int:
    if not index:
        return NOT_INDEXED
    return INDEXED if derived.fields else UNINDEXABLE


@dataclass(frozen=True)
class Stored:
    seq: int
    indexed: int
    body: bytes


def forget(connection: sqlite3.Connection, rows: Iterable[Stored], *, index: bool) -> int:
    """Delete rows and their index entries (recomputed from their bodies); the bytes of text those entries
    covered. Without an index here, an indexed row's entry cannot be removed: the index is marked stale."""
    doomed = list(rows)
    entries = []
    for stored in doomed:
        if stored.indexed != INDEXED:
            continue
        fields = stored_fields(stored.body) if index else {}
        if fields:
            entries.append((stored.seq, fields))
        else:
            text_index.mark_stale(connection)  # its values are lost: only a rebuild removes the entry
    if entries:
        text_index.remove(connection, entries)
    connection.executemany("DELETE FROM executions WHERE seq = ?", ((stored.seq,) for stored in doomed))
    return sum(len(text.encode("utf-8", "surrogatepass")) for _, fields in entries for text in fields.values())


def write(connection: sqlite3.Connection, prepared: list[Prepared], archived_at: float, *, index: bool) -> int:
    """Inside a write transaction: write each execution (replacing one of the same ID), its index entry with
    ``index``; the bytes of text of the index entries removed on the way (see :func:`forget`)."""
    marks = ",".join("?" * len(prepared))
    existing = {
        execution_id: (Stored(seq, indexed, body), version)
        for execution_id, seq, indexed, body, version in connection.execute(
            f"SELECT id, seq, indexed, body, signature_version FROM executions WHERE id IN ({marks})",
            [item.row.id for item in prepared],
        )
    }
    replaced, fresh = [], []
    for item in prepared:
        old = existing.get(item.row.id)
        if old is not None:
            stored, version = old
            if (
                stored.body == item.row.body
                and version == SIGNATURE_VERSION
                and (stored.indexed != NOT_INDEXED or not index)
            ):
                connection.execute("UPDATE executions SET archived_at = ? WHERE seq = ?", (archived_at, stored.seq))
                continue
            replaced.append(stored)
        fresh.append(item)
    removed = forget(connection, replaced, index=index) if replaced else 0
    entries = []
    # Oldest first, whatever order they came in (a sync sends newest first): keys inserted in descending order
    # leave every b-tree page they split half empty (bench/incidents.py: the table 1.9x bigger), and a burst of
    # runs in one 10 ms then takes its seqs in the order they started.
    for item in sorted(fresh, key=lambda item: (item.row.started_us, item.row.id)):
        row, derived = item.row, item.derived
        seq = allocate_seq(connection, row.started_us)
        indexed = index_state(derived, index=index)
        connection.execute(
            INSERT_ARCHIVED,
            (
                seq, row.id, row.started_at, row.started_us, row.exit_code, row.duration, row.language, row.kind,
                row.tool_id, *derived.columns(), indexed, archived_at, row.size, row.error, row.head, row.body,
            ),
        )  # fmt: skip
        if indexed == INDEXED:
            entries.append((seq, derived.fields))
    if entries:
        text_index.add(connection, entries)
    return removed
