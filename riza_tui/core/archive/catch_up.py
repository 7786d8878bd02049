"""Catching up rows an older riza-tui wrote: their signatures (an older ``SIGNATURE_VERSION``, or none before
schema 2) and their full-text entries (none before schema 2, or the index was rebuilt).

Lazy by design: ``open`` stays instant whatever the archive holds, and the work is done newest first, a batch
per transaction, so what is newest is grouped and searchable first and a kill loses one batch at most. The
commands that read signatures or the index (``groups``, ``search``, ``sync``) run it first; the app can run it
in a worker. A ``caught_up`` note in ``meta`` (the versions it was done for) spares the scan for pending rows
once there are none; every row written since is current.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from riza_tui.core.archive.derived import Derived, derive_stored
from riza_tui.core.archive.text_index import add, meta_value, set_meta
from riza_tui.core.archive.writes import INDEXED, NOT_INDEXED, index_state
from riza_tui.core.search_text import SEARCH_TEXT_VERSION
from riza_tui.core.signature import SIGNATURE_VERSION

BATCH = 200
PENDING = "(signature_version IS NOT ? OR (? AND indexed = 0))"


@dataclass(frozen=True)
class CatchUp:
    """What :meth:`Archive.catch_up` did: rows brought up to date, and how many are still behind (0: none)."""

    done: int
    remaining: int


Progress = Callable[[int, int], None]  # (done, of how many)


@dataclass(frozen=True)
class Behind:
    seq: int
    body: bytes
    indexed: int
    signature_version: int | None


def flag(index: bool) -> str:
    return f"{SIGNATURE_VERSION}:{SEARCH_TEXT_VERSION if index else 'none'}"


def is_caught_up(connection: sqlite3.Connection, index: bool) -> bool:
    return meta_value(connection, "caught_up") == flag(index)


def count_behind(connection: sqlite3.Connection, index: bool) -> int:
    """Rows behind (a scan of the table's small columns: ~20 ms per 100,000 rows; skipped once caught up)."""
    if is_caught_up(connection, index):
        return 0
    query = f"SELECT count(*) FROM executions WHERE {PENDING}"
    return int(connection.execute(query, (SIGNATURE_VERSION, int(index))).fetchone()[0])


def next_behind(connection: sqlite3.Connection, below: int | None, index: bool, limit: int = BATCH) -> list[Behind]:
    """The newest rows behind, below seq ``below``."""
    params: list[object] = [SIGNATURE_VERSION, int(index)]
    where = PENDING
    if below is not None:
        where += " AND seq < ?"
        params.append(below)
    rows = connection.execute(
        f"SELECT seq, body, indexed, signature_version FROM executions WHERE {where} ORDER BY seq DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [Behind(*row) for row in rows]


def derive_behind(rows: list[Behind], index: bool) -> list[tuple[Behind, Derived]]:
    """Done before the write lock is taken: the costly part (reading bodies, validating, the signature)."""
    return [(row, derive_stored(row.body, text=index and row.indexed == NOT_INDEXED)) for row in rows]


def bring_up(connection: sqlite3.Connection, derived: list[tuple[Behind, Derived]], index: bool) -> None:
    """Inside a write transaction: store the signatures and add the entries, for rows still as they were read
    (one another process replaced meanwhile is current already and is left alone)."""
    entries = []
    for row, found in derived:
        signature, version, subject, text_bytes, failure = found.columns()
        wants_entry = index and row.indexed == NOT_INDEXED
        state = index_state(found, index=True) if wants_entry else row.indexed
        cursor = connection.execute(
            "UPDATE executions SET signature = ?, signature_version = ?, subject = ?, failure = ?, indexed = ?,"
            " text_bytes = CASE WHEN ? THEN ? ELSE text_bytes END"
            " WHERE seq = ? AND indexed = ? AND signature_version IS ?",
            (
                signature, version, subject, failure, state, wants_entry, text_bytes,
                row.seq, row.indexed, row.signature_version,
            ),
        )  # fmt: skip
        if cursor.rowcount == 1 and state == INDEXED and wants_entry:
            entries.append((row.seq, found.fields))
    if entries:
        add(connection, entries)


def note_caught_up(connection: sqlite3.Connection, index: bool) -> None:
    set_meta(connection, "caught_up", flag(index))
