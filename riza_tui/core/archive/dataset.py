"""A data set for ``riza-tui serve``, written into an archive file instead of held in memory.

The same schema as a user's archive, with one difference: nothing is masked. A server must send what its
data file holds (the demo and the tests rely on env values arriving, so that the client's masking and
reveal can be tested), so this writer keeps values as given and marks the file ``masked = 0``; a user's
archive refuses to open such a file. It lives in a private temporary directory of the server's and is
deleted when the server stops.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from riza_tui.core import formatting
from riza_tui.core.archive.errors import translate
from riza_tui.core.archive.location import secure_file
from riza_tui.core.archive.opening import UNMASKED, open_read_only
from riza_tui.core.archive.records import INSERT_NEW_ROW, NotAnExecution, Row, row_for
from riza_tui.core.archive.schema import connect, migrate
from riza_tui.core.archive.store import Archive

BATCH = 2000


class DuplicateExecution(ValueError):
    """Two records of a data set have the same ID; ``where`` names the second one."""

    def __init__(self, where: str, execution_id: str) -> None:
        super().__init__(f"{where}: duplicate id {execution_id!r}")


class DataSetWriter:
    """Add records one by one (validated by the caller); :meth:`finish` returns the data set, read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        secure_file(path, writable=True, private_dir=False)
        try:
            self._connection = connect(path, read_only=False, busy_timeout=5.0)
            self._connection.execute("PRAGMA synchronous = OFF")  # a temporary file: a crash loses nothing kept
            migrate(self._connection, path)
            self._connection.execute("INSERT INTO meta (key, value) VALUES ('masked', ?)", (UNMASKED,))
        except sqlite3.Error as error:
            raise translate(error, path) from None
        self._pending: list[tuple[str, Row]] = []
        self.count = 0

    def add(self, raw: dict[str, Any], where: str, text: bytes | None = None) -> None:
        """One record as the file gave it (``text``: its JSON as read, stored as it is)."""
        try:
            row = row_for(raw, mask=False, text=text)
        except NotAnExecution as error:
            raise NotAnExecution(f"{where}: {error}") from None
        self._pending.append((where, row))
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        """One transaction for the batch; when it holds a duplicate, row by row to name the record."""
        connection = self._connection
        now = formatting.utc_now().timestamp()
        try:
            try:
                connection.execute("BEGIN")
                connection.executemany(INSERT_NEW_ROW, (row.values(now) for _, row in self._pending))
                connection.execute("COMMIT")
            except sqlite3.IntegrityError:
                connection.execute("ROLLBACK")
                self._name_duplicate(now)
        except sqlite3.Error as error:
            raise translate(error, self.path) from None
        self.count += len(self._pending)
        self._pending.clear()

    def _name_duplicate(self, now: float) -> None:
        connection = self._connection
        connection.execute("BEGIN")
        for where, row in self._pending:
            try:
                connection.execute(INSERT_NEW_ROW, row.values(now))
            except sqlite3.IntegrityError:
                connection.execute("ROLLBACK")
                raise DuplicateExecution(where, row.id) from None
        connection.execute("COMMIT")

    def finish(self) -> Archive:
        self._flush()
        self.close()
        return open_read_only(self.path)

    def close(self) -> None:
        """Idempotent; the file stays (its directory is the caller's to delete)."""
        self._connection.close()
