"""Serving from disk: an archive file as it is (read-only), or a data file streamed into a temporary archive.

A data file (JSON or JSON Lines, gzipped or not) is read one record at a time, each validated, into an
archive in a private temporary directory (``$TMPDIR``), deleted when the server stops. Its values are kept as
the file gave them (a server sends what its data holds; see ``core.archive.dataset``). Pages come from the
archive's index, so the last page costs what the first does, and memory does not grow with the data.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from riza_tui.core.archive import Archive, ArchiveUnavailable, open_read_only
from riza_tui.core.archive.dataset import DataSetWriter, DuplicateExecution
from riza_tui.core.archive.records import NotAnExecution
from riza_tui.server.data import DataError, check_record, load_data
from riza_tui.server.source import ExecutionSource
from riza_tui.server.stream import iter_records, open_data

SQLITE_MAGIC = b"SQLite format 3\x00"


class ArchiveSource:
    """An archive served as the API serves executions."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._count = len(archive)  # read-only: the count cannot change

    def __len__(self) -> int:
        return self._count

    def body(self, execution_id: str) -> bytes | None:
        return self.archive.body(execution_id)

    def knows(self, execution_id: str) -> bool:
        return bool(self.archive.known([execution_id]))

    def page(self, *, limit: int, starting_after: str | None, only_failures: bool) -> list[dict[str, Any]]:
        summaries = self.archive.page(limit, before_id=starting_after, only_failures=only_failures)
        return [summary.item for summary in summaries]


def is_archive(path: Path) -> bool:
    with open(path, "rb") as file:
        return file.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


@contextmanager
def served_data(path: Path | None) -> Iterator[ExecutionSource]:
    """The executions ``serve`` serves: the bundled sample (in memory), an archive file, or a data file streamed
    into a temporary archive. DataError (one line, naming the file and record) when they cannot be had."""
    if path is None:
        yield load_data()
        return
    try:
        if not path.is_file():  # a FIFO or a device would block the read forever
            raise DataError(f"{path}: not a regular file")
        served_as_is = is_archive(path)
    except OSError as error:
        raise DataError(f"{path}: cannot read: {error}") from None
    if served_as_is:
        with _opened(open_read_only, path) as archive:
            yield ArchiveSource(archive)
        return
    with (
        tempfile.TemporaryDirectory(prefix="riza-tui-serve-") as folder,
        _opened(_stream_into, path, Path(folder) / "data.db") as archive,
    ):
        yield ArchiveSource(archive)


@contextmanager
def _opened(opener: Any, *args: Path) -> Iterator[Archive]:
    try:
        archive: Archive = opener(*args)
    except ArchiveUnavailable as error:
        raise DataError(f"{error.path}: {error.problem}") from None
    try:
        yield archive
    finally:
        archive.close()


def _stream_into(path: Path, database: Path) -> Archive:
    writer = DataSetWriter(database)
    try:
        with open_data(path) as stream:
            for where, record, text in iter_records(stream, str(path)):
                check_record(record, f"{path}: {where}")
                writer.add(record, f"{path}: {where}", text)
        return writer.finish()
    except (DuplicateExecution, NotAnExecution) as error:
        raise DataError(str(error)) from None
    except (OSError, EOFError, sqlite3.Error) as error:  # a gzip stream cut short, a bad gzip header
        raise DataError(f"{path}: cannot read: {error}") from None
    finally:
        writer.close()
