"""The archive: every execution riza-tui fetches, kept masked in a SQLite file per server (UI-free).

What the app and the commands use::

    archive = open_archive(base_url, profile, max_bytes=...)   # ArchiveUnavailable: one line, go on without
    archive.put_many([fetched.raw, ...])                        # from a worker thread; masks, then writes
    archive.get(execution_id)                                   # ArchivedExecution | None
    archive.known(ids), archive.row_facts(ids)                  # the triage table, without a request
    archive.page(100, before_id=..., only_failures=...)         # newest first, by key
    archive.stats(), archive.note_sync(...), archive.pin(ids), archive.close()

Threads: see :mod:`riza_tui.core.archive.store` (two connections, each behind a lock; any thread may call).
"""

from riza_tui.core.archive.errors import ArchiveMissing, ArchiveUnavailable
from riza_tui.core.archive.location import DEMO_SERVER, archive_path, server_identity
from riza_tui.core.archive.opening import open_archive, open_read_only
from riza_tui.core.archive.results import ArchivedExecution, ArchivedSummary, ArchiveStats, SyncNote
from riza_tui.core.archive.store import Archive
from riza_tui.core.sizes import DEFAULT_MAX_BYTES, parse_size

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEMO_SERVER",
    "Archive",
    "ArchiveMissing",
    "ArchiveStats",
    "ArchiveUnavailable",
    "ArchivedExecution",
    "ArchivedSummary",
    "SyncNote",
    "archive_path",
    "open_archive",
    "open_read_only",
    "parse_size",
    "server_identity",
]
