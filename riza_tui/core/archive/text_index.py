"""The archive's full-text index: an FTS5 ``trigram`` table over the six searchable fields of each execution.

Chosen by measurement (bench/search_index.py, bench/RESULTS.md ``## search_index``): only ``trigram`` finds
substrings inside identifiers (``WithBackoff`` in ``retryWithBackoff``), and a contentless table
(``content=''``) is the index alone, 3.2x the text it covers where a table keeping its own copy is 5.4x.
Its rowid is the execution's ``seq``, which grows with ``started_at``, so the newest matches come first by
walking the index backwards (``ORDER BY rowid DESC LIMIT n``: 1.2 ms for the 50 newest of 78,000 matches,
against 250 ms sorting them by date).

A contentless table on SQLite 3.40 cannot be DELETEd from: an entry is removed with FTS5's ``'delete'``
command given the same values it was indexed with, recomputed from the stored (masked) body by
:func:`riza_tui.core.search_text.searchable_fields`; the ``SEARCH_TEXT_VERSION`` the index was built with is
kept in ``meta`` and a change to it rebuilds the index. Removed entries stay in the index's segments (with
a marker that they were removed) until a merge takes in the segment holding them; with rows evicted steadily
that garbage reached ~4x the live index in a measurement. So once removals may have left a fifth of the
file as garbage, an incremental full merge starts (``'merge'`` with a negative page count) and goes on at
every write (positive counts), which kept the index under ~1.7x its live size in the same measurement.

Without FTS5 or its trigram tokenizer (SQLite before 3.34) there is no index: the archive works as before
and search says so in one line.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from functools import cache

from riza_tui.core.search_query import FIELDS
from riza_tui.core.search_text import SEARCH_TEXT_VERSION

TABLE = "search"
CREATE = f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(FIELDS)}, tokenize='trigram', content='', detail=full)"
INSERT = f"INSERT INTO {TABLE} (rowid, {', '.join(FIELDS)}) VALUES (?, {', '.join('?' for _ in FIELDS)})"
DELETE = (
    f"INSERT INTO {TABLE} ({TABLE}, rowid, {', '.join(FIELDS)}) VALUES ('delete', ?, {', '.join('?' for _ in FIELDS)})"
)
# About what the index holds per byte of text it covers (bench: 3.16x as built, contentless trigram): what
# evicting an execution frees of it, for the size limit.
INDEX_BYTES_PER_TEXT_BYTE = 3
# A removed entry leaves itself and a marker that it was removed until a merge takes both in.
GARBAGE_BYTES_PER_TEXT_BYTE = INDEX_BYTES_PER_TEXT_BYTE + 1
# A full merge starts once removed entries may hold this share of the file's bytes.
GARBAGE_SHARE = 0.2
# Room the index's merges need at times beside the garbage: kept free, the file stays within its limit.
MERGE_ROOM = 0.2
MIN_MERGE_PAGES = 64
# Segments of a level merged into one once there are this many (FTS5's default is 4), so that a term is looked
# up in fewer of them. Measured on 200,000 executions written 500 a transaction: 10 segments instead of 14, a
# rare term counted in 0.9 ms instead of 2.0; the price, ~100 µs more an execution written (put_many 556 µs
# against 460, alternated on 100,000).
AUTOMERGE = 2
UNAVAILABLE = (
    "search needs SQLite's FTS5 with the trigram tokenizer (SQLite 3.34 or later); this Python's sqlite3 is "
    f"SQLite {sqlite3.sqlite_version} without it, so nothing archived is indexed"
)


@cache
def trigram_available() -> bool:
    """Whether this Python's SQLite has FTS5 and its trigram tokenizer."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text, tokenize='trigram', content='')")
    except sqlite3.Error:
        return False
    finally:
        probe.close()
    return True


def exists(connection: sqlite3.Connection) -> bool:
    found = connection.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (TABLE,)).fetchone()
    return found is not None


def meta_value(connection: sqlite3.Connection, key: str) -> str | None:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(connection: sqlite3.Connection, key: str, value: str | None) -> None:
    if value is None:
        connection.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def readable(connection: sqlite3.Connection) -> bool:
    """Whether a file opened read-only has an index this code can search."""
    current = meta_value(connection, "search_text_version") == str(SEARCH_TEXT_VERSION)
    return current and trigram_available() and exists(connection)


def prepare(connection: sqlite3.Connection) -> bool:
    """Inside a write transaction, at open: the index as this code writes it, or none. Creates it when FTS5 can
    (every row is then to be indexed), and rebuilds it when it was made by another ``SEARCH_TEXT_VERSION`` or
    went stale (an execution was evicted by a riza-tui that could not remove it). Whether there is an index."""
    if not trigram_available():
        return False
    current = str(SEARCH_TEXT_VERSION)
    present = exists(connection)
    if present and meta_value(connection, "search_text_version") == current:
        tune(connection)
        return True
    if present:
        connection.execute(f"DROP TABLE {TABLE}")
    connection.execute(CREATE)
    tune(connection)
    connection.execute("UPDATE executions SET indexed = 0 WHERE indexed != 0")
    set_meta(connection, "search_text_version", current)
    set_meta(connection, "caught_up", None)
    set_meta(connection, "index_garbage", None)
    set_meta(connection, "index_merging", None)
    return True


def tune(connection: sqlite3.Connection) -> None:
    """FTS5 merges a level's segments once :data:`AUTOMERGE` of them are there (its default is 4), so a term
    is looked up in fewer segments; kept in the index's own config table, so set once per file."""
    row = connection.execute(f"SELECT v FROM {TABLE}_config WHERE k = 'automerge'").fetchone()
    if row is None or row[0] != AUTOMERGE:
        connection.execute(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('automerge', ?)", (AUTOMERGE,))


def add(connection: sqlite3.Connection, entries: Sequence[tuple[int, Mapping[str, str]]]) -> None:
    """Index entries, in ascending rowid order whatever the order given: FTS5 writes what it holds in memory
    out as a new segment whenever a rowid is lower than the one before, so entries given newest first (as a
    sync writes) made a segment of each execution for its merges to take in again (measured on 20,000
    executions, 500 a transaction: put_many 1.4x slower, a rare term counted 1.5x slower)."""
    ordered = sorted(entries, key=lambda entry: entry[0])
    connection.executemany(INSERT, ((seq, *(fields[name] for name in FIELDS)) for seq, fields in ordered))


def remove(connection: sqlite3.Connection, entries: Sequence[tuple[int, Mapping[str, str]]]) -> None:
    """Remove entries given exactly the values they were indexed with (a contentless table needs them), in
    ascending rowid order as :func:`add` writes."""
    ordered = sorted(entries, key=lambda entry: entry[0])
    connection.executemany(DELETE, ((seq, *(fields[name] for name in FIELDS)) for seq, fields in ordered))


def mark_stale(connection: sqlite3.Connection) -> None:
    """An indexed execution was deleted without its entry (no FTS5 here): the next riza-tui with FTS5 rebuilds."""
    set_meta(connection, "search_text_version", "stale")


def upkeep(connection: sqlite3.Connection, *, removed_text: int, written: int) -> None:
    """Inside a write transaction that removed entries covering ``removed_text`` bytes of text and wrote about
    ``written`` bytes: count the garbage the removals left in the index, start a full merge once it is half of
    :data:`GARBAGE_SHARE` of the file, and go on with one that runs, twice as many pages a write as were
    written (so it ends before as much garbage again is made). A merge that finds nothing left to do has ended,
    and has freed the garbage there was when it started."""
    garbage = garbage_bytes(connection) + removed_text * GARBAGE_BYTES_PER_TEXT_BYTE
    merging = meta_value(connection, "index_merging")
    if merging is not None:
        page = int(connection.execute("PRAGMA page_size").fetchone()[0])
        before = connection.total_changes
        pages = max(MIN_MERGE_PAGES, 2 * written // page)
        connection.execute(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('merge', ?)", (pages,))
        if connection.total_changes - before < 2:  # FTS5's own sign that a merge had nothing to do
            garbage = max(garbage - int(merging), 0)
            merging = None
            set_meta(connection, "index_merging", None)
    if merging is None and garbage >= GARBAGE_SHARE * used_bytes(connection) / 2:
        connection.execute(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('merge', ?)", (-MIN_MERGE_PAGES,))
        set_meta(connection, "index_merging", str(garbage))
    set_meta(connection, "index_garbage", str(garbage) if garbage else None)


def garbage_bytes(connection: sqlite3.Connection) -> int:
    """About how much of the index is removed entries no merge has taken in yet."""
    return int(meta_value(connection, "index_garbage") or 0)


def used_bytes(connection: sqlite3.Connection) -> int:
    """Bytes of the file in use (pages less the free ones): what the size limit bounds."""
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    free = connection.execute("PRAGMA freelist_count").fetchone()[0]
    size = connection.execute("PRAGMA page_size").fetchone()[0]
    return int((pages - free) * size)
