"""Opening an archive: the user's own (masked, bounded, for one server) or a data file to serve (read-only).

Each check has its own one-line failure: a link or a foreign file is refused, a file of another server or of
unmasked served data is refused, a newer schema is refused, an older one is migrated.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from riza_tui.core.archive import text_index
from riza_tui.core.archive.errors import ArchiveMissing, ArchiveUnavailable, translate
from riza_tui.core.archive.location import archive_path, secure_file, server_identity, still_same_file
from riza_tui.core.archive.schema import SCHEMA_VERSION, check_readable, connect, connect_reader, migrate, user_version
from riza_tui.core.archive.store import Archive
from riza_tui.core.sizes import DEFAULT_MAX_BYTES

DEFAULT_BUSY_TIMEOUT = 5.0
# meta 'masked': '1' in a user's archive, '0' in a data set written for serving (its values as the file had them).
MASKED, UNMASKED = "1", "0"


def open_archive(
    base_url: str,
    profile: str | None,
    *,
    path: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    read_only: bool = False,
    busy_timeout: float | None = None,
) -> Archive:
    """The archive of the server at ``base_url`` (reached through ``profile``, or none): the default file of
    :func:`archive_path`, or ``path`` (``--archive PATH``). Created for writing if need be; ``read_only``
    (``--offline``) never creates nor changes it, and raises :class:`ArchiveMissing` when there is none.
    Raises :class:`ArchiveUnavailable` (one line) for any file that cannot be used. ``busy_timeout``: how long
    to wait for another process's write (default :data:`DEFAULT_BUSY_TIMEOUT` seconds)."""
    busy_timeout = DEFAULT_BUSY_TIMEOUT if busy_timeout is None else busy_timeout
    chosen = path if path is not None else archive_path(base_url, profile)
    identity = server_identity(base_url)
    if read_only:
        archive = open_read_only(chosen, private_dir=path is None, busy_timeout=busy_timeout, max_bytes=max_bytes)
        try:
            _check_meta(archive, chosen, identity)
        except BaseException:
            archive.close()
            raise
        return archive
    checked = secure_file(chosen, writable=True, private_dir=path is None)
    with _closed_on_failure(chosen, busy_timeout) as opened:
        writer = opened.add(connect(chosen, read_only=False, busy_timeout=busy_timeout))
        still_same_file(chosen, checked)
        migrate(writer, chosen)
        _claim(writer, chosen, identity)
        searchable = _prepare_index(writer)
        reader = opened.add(connect(chosen, read_only=True, busy_timeout=busy_timeout))
    return Archive(
        chosen,
        reader=reader,
        writer=writer,
        max_bytes=max_bytes,
        busy_timeout=busy_timeout,
        schema_version=SCHEMA_VERSION,
        searchable=searchable,
    )


def open_read_only(
    path: Path, *, private_dir: bool = False, busy_timeout: float | None = None, max_bytes: int | None = None
) -> Archive:
    """Any archive file, for reading only (``serve --data FILE.db``, ``--offline``)."""
    busy_timeout = DEFAULT_BUSY_TIMEOUT if busy_timeout is None else busy_timeout
    if not os.path.lexists(path):
        raise ArchiveMissing(path)
    checked = secure_file(path, writable=False, private_dir=private_dir)
    with _closed_on_failure(path, busy_timeout) as opened:
        reader = opened.add(connect_reader(path, busy_timeout=busy_timeout))
        still_same_file(path, checked)
        check_readable(reader, path)
        version = user_version(reader)
        searchable = version >= 2 and text_index.readable(reader)
    return Archive(
        path,
        reader=reader,
        writer=None,
        max_bytes=max_bytes,
        busy_timeout=busy_timeout,
        schema_version=version,
        searchable=searchable,
    )


class _Opened:
    def __init__(self) -> None:
        self.connections: list[sqlite3.Connection] = []

    def add(self, connection: sqlite3.Connection) -> sqlite3.Connection:
        self.connections.append(connection)
        return connection


@contextmanager
def _closed_on_failure(path: Path, busy_timeout: float) -> Iterator[_Opened]:
    """Connections opened inside are closed again if opening fails; SQLite's errors become one line."""
    opened = _Opened()
    try:
        yield opened
    except BaseException as error:
        for connection in opened.connections:
            connection.close()
        if isinstance(error, sqlite3.Error):
            raise translate(error, path, busy_seconds=busy_timeout) from None
        raise


def _prepare_index(writer: sqlite3.Connection) -> bool:
    """The full-text index as this code writes it (see :func:`text_index.prepare`), in its own transaction."""
    writer.execute("BEGIN IMMEDIATE")
    try:
        searchable = text_index.prepare(writer)
        writer.execute("COMMIT")
    except BaseException:
        writer.execute("ROLLBACK")
        raise
    return searchable


def _claim(writer: sqlite3.Connection, path: Path, identity: str) -> None:
    """A new archive is marked as this server's and masked; an existing one must be both."""
    writer.execute("BEGIN IMMEDIATE")
    try:
        writer.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('server', ?)", (identity,))
        writer.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('masked', ?)", (MASKED,))
        meta = dict(writer.execute("SELECT key, value FROM meta WHERE key IN ('server', 'masked')").fetchall())
        writer.execute("COMMIT")
    except BaseException:
        writer.execute("ROLLBACK")
        raise
    _refuse_foreign(meta, path, identity)


def _check_meta(archive: Archive, path: Path, identity: str) -> None:
    _refuse_foreign({"server": identity, "masked": MASKED} | archive.meta(), path, identity)


def _refuse_foreign(meta: dict[str, str], path: Path, identity: str) -> None:
    if meta.get("masked") == UNMASKED:
        raise ArchiveUnavailable(
            path, "holds a served data set with its secrets, not an archive", "pass another --archive"
        )
    if meta.get("server") != identity:
        raise ArchiveUnavailable(
            path,
            f"holds the executions of {meta.get('server')}, not of {identity}",
            "pass another --archive (one file per server)",
        )
