"""The archive's tables, the connection settings every reader and writer uses, and migrations between versions.

``PRAGMA user_version`` holds the schema version. A file is brought up to :data:`SCHEMA_VERSION` by running,
in order and in one transaction, every migration above its version; each migration is a function of the
connection, so a later one can add a column and fill it from the stored bodies (issue 17's signatures), or
create an FTS5 table and index what is archived. Version 1 is the first migration: an empty file and a file
of any older version take the same path.

Version 2 (issue 17) rebuilds the table around ``seq``, an integer key that grows with ``started_at`` (the
full-text index's rowid, so the newest matches come first without a sort), with the small columns before the
body (a scan of them never reads a body's overflow pages), and adds each failure's signature, what ran (the
last good run is the newest success of the same ``subject``) and whether its text is indexed. Migrating
copies the rows in SQL alone (fast, whatever the archive holds); their signatures and index entries are
computed afterwards, newest first and a batch per transaction, by :meth:`Archive.catch_up`, which the
commands that read them run first (a big migration inside ``open`` would hold the file for minutes, and be
lost whole to a kill).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from riza_tui.core.archive.errors import SQLITE_CANTOPEN, SQLITE_READONLY, ArchiveUnavailable

JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024
# The columns every version has; reading a file checks them, so a foreign database is one clear line.
EXECUTION_COLUMNS = (
    "id, started_at, started_us, exit_code, duration, language, kind, tool_id, error, archived_at, size, head, body"
)


@dataclass(frozen=True)
class Migration:
    version: int
    summary: str
    apply: Callable[[sqlite3.Connection], None]


def _first_version(connection: sqlite3.Connection) -> None:
    statements = [
        """CREATE TABLE executions (
            id TEXT PRIMARY KEY NOT NULL,
            started_at TEXT NOT NULL,      -- as the server sent it
            started_us INTEGER NOT NULL,   -- microseconds since 1970 (UTC), to sort and to page by
            exit_code INTEGER NOT NULL,    -- clamped to 64 bits; the head keeps the value as sent
            duration INTEGER NOT NULL,
            language TEXT NOT NULL,
            kind TEXT NOT NULL,            -- the details type, '' without details
            tool_id TEXT NOT NULL,
            error TEXT NOT NULL,           -- the error line of a failure, '' otherwise
            archived_at REAL NOT NULL,     -- seconds since 1970 when it was written here
            size INTEGER NOT NULL,         -- bytes of the execution's JSON
            head TEXT NOT NULL,            -- the list item (JSON), or '' when the columns above say it all
            body BLOB NOT NULL             -- the execution's JSON (masked in a user's archive), maybe zlib'd
        )""",
        "CREATE INDEX executions_newest ON executions (started_us, id)",
        "CREATE INDEX failures_newest ON executions (started_us, id) WHERE exit_code != 0",
        "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",
    ]
    for statement in statements:
        connection.execute(statement)


# seq is the first free integer at or after started_us // SEQ_US: the 10 ms a run started in, so it sorts as
# started_at does (to 10 ms; a burst of more than one run per 10 ms moves a few slots on). Coarser than the
# microsecond on purpose: the index stores each entry's rowid as a delta from the one before, and at one
# execution a second a gap of 100 takes one byte where microseconds would take four (measured: ms << 19 made
# the index 5.3x the text, dense rowids 3.0x).
SEQ_US = 10_000
V2_COLUMNS = (
    "id, started_at, started_us, exit_code, duration, language, kind, tool_id, archived_at, size, error, head, body"
)


def _second_version(connection: sqlite3.Connection) -> None:
    statements = [
        """CREATE TABLE executions_v2 (
            seq INTEGER PRIMARY KEY,       -- grows with started_at; the full-text index's rowid
            id TEXT NOT NULL UNIQUE,
            started_at TEXT NOT NULL,      -- as the server sent it
            started_us INTEGER NOT NULL,   -- microseconds since 1970 (UTC), to sort and to page by
            exit_code INTEGER NOT NULL,    -- clamped to 64 bits; the head keeps the value as sent
            duration INTEGER NOT NULL,
            language TEXT NOT NULL,
            kind TEXT NOT NULL,            -- the details type, '' without details
            tool_id TEXT NOT NULL,
            signature TEXT,                -- a failure's signature (core.signature); NULL for a success
            signature_version INTEGER,     -- the SIGNATURE_VERSION it was computed with; NULL: not yet
            subject TEXT NOT NULL DEFAULT '',   -- what ran: 'tool:' and its id, or a digest of the code
            indexed INTEGER NOT NULL DEFAULT 0, -- 1 when its text is in the full-text index
            text_bytes INTEGER NOT NULL DEFAULT 0, -- bytes of its searchable text
            archived_at REAL NOT NULL,     -- seconds since 1970 when it was written here
            size INTEGER NOT NULL,         -- bytes of the execution's JSON
            failure TEXT NOT NULL DEFAULT '',   -- a failure's representative line (Signature.error)
            error TEXT NOT NULL,           -- the error line of a failure, '' otherwise
            head TEXT NOT NULL,            -- the list item (JSON), or '' when the columns above say it all
            body BLOB NOT NULL             -- the execution's JSON (masked in a user's archive), maybe zlib'd
        )""",
        # In time order, seq = max(base, the seq before + 1): rn + the running maximum of (base - rn).
        f"""INSERT INTO executions_v2 (seq, {V2_COLUMNS})
            SELECT rn + max(base - rn) OVER (ORDER BY started_us, id ROWS UNBOUNDED PRECEDING), {V2_COLUMNS}
            FROM (SELECT *, started_us / {SEQ_US} AS base, row_number() OVER (ORDER BY started_us, id) AS rn
                  FROM executions)""",
        "DROP TABLE executions",
        "ALTER TABLE executions_v2 RENAME TO executions",
        "CREATE INDEX executions_newest ON executions (started_us, id)",
        "CREATE INDEX failures_newest ON executions (started_us, id) WHERE exit_code != 0",
        # A group's members and its first failure; the failures of a window, newest first, by their groups.
        "CREATE INDEX groups_members ON executions (signature, started_us, id) WHERE signature IS NOT NULL",
        "CREATE INDEX groups_window ON executions (started_us, signature, id) WHERE signature IS NOT NULL",
        # The last good run: the newest success of the same subject before a group's first failure.
        """CREATE INDEX successes_by_subject ON executions (subject, started_us)
            WHERE signature IS NULL AND signature_version IS NOT NULL""",
    ]
    for statement in statements:
        connection.execute(statement)
    connection.execute("DELETE FROM meta WHERE key = 'caught_up'")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1, "executions with summary columns and a compressed body; newest-first and failure indexes", _first_version
    ),
    Migration(
        2,
        "a time-ordered key, failure signatures and subjects with their indexes, and the full-text index's state",
        _second_version,
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def connect(path: Path, *, read_only: bool, busy_timeout: float, immutable: bool = False) -> sqlite3.Connection:
    """A connection with the archive's settings: WAL for writers (readers never wait for a writer), a busy
    timeout for the moments two processes write, temporary tables and sorts in memory only (no temporary
    file ever holds archived text), and no trust in SQL stored in the file (it may come from elsewhere)."""
    mode = "ro" if read_only else "rw"  # rw: never creates a file; the caller created it, privately
    uri = f"file:{quote(str(path))}?mode={mode}" + ("&immutable=1" if immutable else "")
    connection = sqlite3.connect(
        uri, uri=True, timeout=busy_timeout, isolation_level=None, check_same_thread=False, cached_statements=64
    )
    try:
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.execute("PRAGMA temp_store = MEMORY")
        if not read_only:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")  # with WAL: sound after a crash, fsync at checkpoints
            connection.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
        connection.execute("PRAGMA user_version").fetchone()  # opens the file now, so errors surface here
    except BaseException:
        connection.close()
        raise
    return connection


def connect_reader(path: Path, *, busy_timeout: float) -> sqlite3.Connection:
    """A read-only connection; for a file in a directory the user cannot write (no ``-shm`` can be made), the
    file is read as immutable (what a writer left unmerged in its log is then not seen)."""
    try:
        return connect(path, read_only=True, busy_timeout=busy_timeout)
    except sqlite3.OperationalError as error:
        if (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF not in (SQLITE_CANTOPEN, SQLITE_READONLY):
            raise
    return connect(path, read_only=True, busy_timeout=busy_timeout, immutable=True)


def user_version(connection: sqlite3.Connection) -> int:
    row = connection.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def newer_than_known(path: Path, version: int) -> ArchiveUnavailable:
    return ArchiveUnavailable(
        path,
        f"was written by a newer riza-tui (schema {version}; this one knows up to {SCHEMA_VERSION})",
        "upgrade riza-tui, pass --archive PATH, or run with --no-archive",
    )


def migrate(connection: sqlite3.Connection, path: Path, *, up_to: int = SCHEMA_VERSION) -> None:
    """Bring the file to version ``up_to``; two processes opening an old file at once migrate it once."""
    if user_version(connection) == up_to:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = user_version(connection)  # again, inside the write lock: another process may have done it
        if version > SCHEMA_VERSION:
            raise newer_than_known(path, version)
        for migration in MIGRATIONS:
            if version < migration.version <= up_to:
                migration.apply(connection)
                connection.execute(f"PRAGMA user_version = {migration.version:d}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def check_readable(connection: sqlite3.Connection, path: Path) -> None:
    """A file opened for reading only: one of ours, of a version this code can read."""
    version = user_version(connection)
    if version > SCHEMA_VERSION:
        raise newer_than_known(path, version)
    try:
        connection.execute(f"SELECT {EXECUTION_COLUMNS} FROM executions LIMIT 0").fetchall()
        connection.execute("SELECT key, value FROM meta LIMIT 0").fetchall()
    except sqlite3.OperationalError:
        raise ArchiveUnavailable(
            path, "is not a riza-tui archive (no executions table of ours)", "pass another file"
        ) from None
