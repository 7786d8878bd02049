"""Where a server's archive lives, and opening it safely: one file per server, private, never through a link.

The default directory is ``$XDG_DATA_HOME/riza-tui`` (``~/.local/share/riza-tui``), kept at mode 0700; files
are 0600 whatever the umask. The file name says which server it is for (profile and host) and ends with a
hash of the whole server address, so two servers can never share a file even when their sanitised names
agree. Nothing secret is in the name: the address's user and password are left out of the hash too.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from riza_tui.core.archive.errors import ArchiveUnavailable, translate, unsafe

SUFFIX = ".db"
COMPANIONS = ("-wal", "-shm", "-journal")
UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9@._-]+")
MAX_NAME = 80
# The bundled sample data of --demo is served on a new port each time; its archive is one file for all of them.
DEMO_SERVER = "demo"


def data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "riza-tui"


def server_identity(base_url: str) -> str:
    """The server an archive belongs to: scheme, host, port and path, without user or password."""
    try:
        parts = urlsplit(base_url.strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return base_url.strip()
    if not host:
        return base_url.strip()
    shown_host = f"[{host}]" if ":" in host else host
    where = f"{shown_host}:{port}" if port else shown_host
    return f"{parts.scheme.lower()}://{where}{parts.path.rstrip('/')}"


def archive_name(base_url: str, profile: str | None) -> str:
    """``staging@riza.example.com-1a2b3c4d.db``: readable, safe as a file name, unique per server and profile."""
    identity = server_identity(base_url)
    try:
        parts = urlsplit(identity)
        host = parts.hostname or identity
        if parts.port:
            host += f"_{parts.port}"
    except ValueError:
        host = identity
    readable = f"{profile}@{host}" if profile else host
    readable = UNSAFE_CHARACTERS.sub("_", readable).lstrip(".-")[:MAX_NAME] or "server"
    digest = hashlib.sha256(f"{identity}\n{profile or ''}".encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{readable}-{digest}{SUFFIX}"


def archive_path(base_url: str, profile: str | None) -> Path:
    """The default archive of a server (``base_url``) as reached through a profile (or none)."""
    return data_dir() / archive_name(base_url, profile)


@dataclass(frozen=True)
class FileIdentity:
    device: int
    inode: int


def _private_directory(directory: Path, *, create: bool) -> None:
    """riza-tui's own data directory (created for writing) at 0700; one that is a link or not the user's is
    refused."""
    try:
        if create:
            directory.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                directory.mkdir(mode=0o700)
        info = os.lstat(directory)
    except OSError as error:
        raise translate(error, directory) from None
    if stat.S_ISLNK(info.st_mode):
        raise unsafe(directory, "is a symbolic link (riza-tui does not follow links for its archive)")
    if not stat.S_ISDIR(info.st_mode):
        raise unsafe(directory, "is not a directory")
    if info.st_uid != os.getuid():
        raise unsafe(directory, "belongs to another user")
    if stat.S_IMODE(info.st_mode) != 0o700:
        try:
            os.chmod(directory, 0o700, follow_symlinks=False)
        except OSError as error:
            raise translate(error, directory) from None


def secure_file(path: Path, *, writable: bool, private_dir: bool) -> FileIdentity:
    """Check (and for writing, create) the archive file without following a link: a regular file, mode 0600.
    Its companions (``-wal``, ``-shm``) may not be links either. Returns the file's identity, so the caller
    can check SQLite opened this very file."""
    if private_dir:
        _private_directory(path.parent, create=writable)
    for companion in COMPANIONS:
        _check_companion(Path(f"{path}{companion}"), writable=writable)
    flags = os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_RDWR | os.O_CREAT if writable else os.O_RDONLY)
    try:
        descriptor = os.open(path, flags, 0o600)
    except OSError as error:
        raise translate(error, path) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise unsafe(path, "is not a regular file")
        if writable and stat.S_IMODE(info.st_mode) != 0o600:
            os.fchmod(descriptor, 0o600)  # a file made under a loose umask, or one the user loosened
    except OSError as error:
        raise translate(error, path) from None
    finally:
        os.close(descriptor)
    return FileIdentity(info.st_dev, info.st_ino)


def _check_companion(companion: Path, *, writable: bool) -> None:
    try:
        info = os.lstat(companion)
    except FileNotFoundError:
        return
    except OSError as error:
        raise translate(error, companion) from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        raise unsafe(companion, "is not a regular file (riza-tui does not follow links for its archive)")
    if writable and stat.S_IMODE(info.st_mode) & 0o077:
        try:
            os.chmod(companion, 0o600, follow_symlinks=False)
        except OSError as error:
            raise translate(error, companion) from None


def still_same_file(path: Path, expected: FileIdentity) -> None:
    """After SQLite opened ``path`` by name: it is still the file that was checked (not swapped for a link)."""
    try:
        info = os.lstat(path)
    except OSError as error:
        raise translate(error, path) from None
    if stat.S_ISLNK(info.st_mode) or FileIdentity(info.st_dev, info.st_ino) != expected:
        raise ArchiveUnavailable(path, "was replaced while it was being opened", "try again, or pass --archive PATH")


def file_bytes(path: Path) -> int:
    """The archive's size on disk with its write-ahead log."""
    total = 0
    for name in (str(path), f"{path}-wal"):
        with contextlib.suppress(OSError):
            total += os.stat(name).st_size
    return total
