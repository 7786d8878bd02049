"""One exception for every way the archive can fail, with a message a person can act on.

A corrupt, locked, read-only or full archive must never stop riza-tui: callers catch
:class:`ArchiveUnavailable`, show its one line, and go on without the archive.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

GO_ON = "or run with --no-archive"
# SQLite's primary result codes (the low byte of an extended code).
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 3, 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26


class ArchiveUnavailable(Exception):
    """The archive cannot be used. ``str()`` is one line: what is wrong, with which file, what to do.
    The path and reason are untrusted text: sanitise them where they are shown."""

    def __init__(self, path: Path | str, problem: str, action: str = GO_ON) -> None:
        self.path = Path(path)
        self.problem = problem
        self.action = action
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"archive {self.path}: {self.problem}; {self.action}"


def _reason(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def translate(error: sqlite3.Error | OSError, path: Path, *, busy_seconds: float = 0.0) -> ArchiveUnavailable:
    """The one-line failure for an error SQLite or the operating system raised about the archive at ``path``."""
    reason = _reason(error)
    if isinstance(error, OSError):
        code = error.errno
        if code in (errno.EACCES, errno.EPERM, errno.EROFS):
            return ArchiveUnavailable(
                path, f"is read-only ({reason})", f"fix its permissions, pass --archive PATH, {GO_ON}"
            )
        if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return ArchiveUnavailable(path, f"the disk is full ({reason})", f"free some space, {GO_ON}")
        if code == errno.ELOOP:
            return unsafe(path, "is a symbolic link (riza-tui does not follow links for its archive)")
        return ArchiveUnavailable(path, f"cannot be opened ({reason})")
    primary = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return ArchiveUnavailable(
            path,
            f"is locked by another process (waited {busy_seconds:g} s)",
            f"close the other program using it and try again, {GO_ON}",
        )
    if primary in (SQLITE_READONLY, SQLITE_PERM):
        return ArchiveUnavailable(
            path, f"is read-only ({reason})", f"fix its permissions, pass --archive PATH, {GO_ON}"
        )
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return damaged(path, reason)
    if primary == SQLITE_FULL:
        return ArchiveUnavailable(
            path, f"the disk is full ({reason})", f"free some space or lower archive_max_size, {GO_ON}"
        )
    if primary == SQLITE_IOERR:
        return ArchiveUnavailable(path, f"a disk error ({reason})", f"check the disk and free space, {GO_ON}")
    if primary == SQLITE_CANTOPEN:
        return ArchiveUnavailable(path, f"cannot be opened ({reason})", f"check the directory's permissions, {GO_ON}")
    return ArchiveUnavailable(path, f"cannot be used ({reason})")


def damaged(path: Path, reason: str) -> ArchiveUnavailable:
    return ArchiveUnavailable(
        path, f"is damaged ({reason})", f"move it aside (riza-tui then starts a new one), {GO_ON}"
    )


def unsafe(path: Path, problem: str) -> ArchiveUnavailable:
    return ArchiveUnavailable(path, problem, f"remove it or pass --archive PATH, {GO_ON}")


class ArchiveMissing(ArchiveUnavailable):
    """Reading an archive that was never written: nothing is archived for this server yet."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "does not exist yet", "riza-tui sync fills it, as does every execution fetched online")
