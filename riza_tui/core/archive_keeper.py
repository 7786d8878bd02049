"""Write-through to the archive for the app: what its workers fetch is kept here, and written in batches from a
thread (masking, compressing and SQLite cost ~50 µs an execution: never on the UI thread, never a frame).

A write that fails (the disk is full, the file was locked past the busy timeout) switches writing off for the
session with one line saying why: the app goes on without the archive.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from typing import Any

from riza_tui.api.models import Fetched
from riza_tui.core.archive import Archive, ArchiveUnavailable
from riza_tui.safety.sanitize import one_line

BATCH = 50


class ArchiveKeeper:
    def __init__(self, archive: Archive, kept: Callable[[], Collection[str]]) -> None:
        """``kept``: the executions the app keeps in view (on screen, marked): pinned before every write, so
        the archive never evicts them to make room."""
        self.archive = archive
        self._kept = kept
        self.problem = ""  # why writing stopped, once it did (one safe line)
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def keep(self, fetched: Fetched) -> bool:
        """Queue one fetched execution; True when it is the first queued, so the caller schedules a flush. A body
        cut short (nested too deep) or a copy read from the archive is not written."""
        if self.problem or fetched.cut_note or fetched.archived_at is not None:
            return False
        with self._lock:
            self._pending.append(fetched.raw)
            return len(self._pending) == 1

    def flush(self) -> int:
        """Write everything queued, in batches; call from a thread (the final-exit callback calls it too)."""
        written = 0
        while True:
            with self._lock:
                batch, self._pending = self._pending[:BATCH], self._pending[BATCH:]
            if not batch or self.problem:
                return written
            try:
                self.archive.pin(set(self._kept()))
                written += self.archive.put_many(batch)
            except ArchiveUnavailable as error:
                self.problem = one_line(str(error))
                return written
