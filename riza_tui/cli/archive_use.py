"""Which archive a command uses, from the flags over the config file, opened so that a failure is one line.

``--no-archive`` (or ``archive = false`` in the config file, unless ``--archive PATH`` asks for one) keeps
nothing on disk; ``--archive PATH`` names another file; ``--archive-max-size`` (or ``archive_max_size``)
bounds it. ``--demo`` has an archive of its own, whatever port its server had.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from typing import TextIO
from urllib.parse import urlsplit

from riza_tui.api.models import Fetched
from riza_tui.api.settings import ClientSettings, display_url
from riza_tui.cli.connect import chosen_profile
from riza_tui.core.archive import DEFAULT_MAX_BYTES, DEMO_SERVER, Archive, ArchiveUnavailable, open_archive
from riza_tui.core.config import Config, load_config, resolve_base_url
from riza_tui.core.formatting import parse_timestamp, relative_age
from riza_tui.safety.sanitize import one_line

# The app waits at most this long for another process's lock (a sync writes in batches of milliseconds): a start
# behind a lock held for longer goes on without the archive instead.
APP_BUSY_TIMEOUT = 2.0


def wanted(options: argparse.Namespace) -> bool:
    if getattr(options, "archive", None) is not None:
        return True
    config: Config | None = getattr(options, "config", None)
    return not getattr(options, "no_archive", False) and (config is None or config.archive)


def max_bytes(options: argparse.Namespace) -> int:
    config: Config | None = getattr(options, "config", None)
    chosen = getattr(options, "archive_max_size", None) or (config.archive_max_size if config else None)
    return chosen or DEFAULT_MAX_BYTES


def server_of(options: argparse.Namespace, settings: ClientSettings | None = None) -> tuple[str, str | None]:
    """The server whose archive this is, and the profile it was reached through."""
    if getattr(options, "demo", False):
        return DEMO_SERVER, None
    if settings is not None:
        return settings.base_url, getattr(options, "profile_name", None)
    return offline_server(options)


def offline_server(options: argparse.Namespace) -> tuple[str, str | None]:
    """The server of the flags, environment and profile, without a key (ConfigError for a bad config file)."""
    config = load_config()
    profile = chosen_profile(options, config)
    options.config = config
    options.profile_name = profile.name if profile is not None else None
    explicit = bool(getattr(options, "profile", None))
    return resolve_base_url(getattr(options, "base_url", None), os.environ, profile, explicit_profile=explicit), (
        options.profile_name
    )


def server_label(base_url: str) -> str:
    return "the bundled sample data" if base_url == DEMO_SERVER else display_url(base_url)


def warn(error: ArchiveUnavailable, stderr: TextIO | None = None) -> None:
    print(f"riza-tui: warning: {one_line(str(error))} (going on without it)", file=stderr or sys.stderr)


def open_for_writing(
    options: argparse.Namespace, settings: ClientSettings, stderr: TextIO | None = None
) -> Archive | None:
    """The command's archive for keeping what it fetches, or None (switched off, or unusable: said in one line)."""
    if not wanted(options):
        return None
    try:
        return open_for_syncing(options, settings)[0]
    except ArchiveUnavailable as error:
        warn(error, stderr)
        return None


def open_for_app(options: argparse.Namespace, settings: ClientSettings) -> tuple[Archive | None, str]:
    """The app's archive, or None and why not (one line the app shows once it is up: printed before it starts,
    the line would vanish behind its screen)."""
    if not wanted(options):
        return None, ""
    base_url, profile = server_of(options, settings)
    try:
        archive = open_archive(
            base_url, profile, path=options.archive, max_bytes=max_bytes(options), busy_timeout=APP_BUSY_TIMEOUT
        )
        return archive, ""
    except ArchiveUnavailable as error:
        return None, f"{one_line(str(error))}; nothing fetched now will be kept"


def open_for_syncing(options: argparse.Namespace, settings: ClientSettings) -> tuple[Archive, str]:
    """The archive a command writes what it fetches into, and the server it holds (ArchiveUnavailable)."""
    base_url, profile = server_of(options, settings)
    archive = open_archive(base_url, profile, path=options.archive, max_bytes=max_bytes(options))
    return archive, server_label(base_url)


def offline_summary(archive: Archive, server: str, now: datetime | None = None) -> str:
    """What an offline answer is read from: "180 executions in the archive of HOST, newest 12 min ago"."""
    stats = archive.stats()
    newest = parse_timestamp(stats.newest) if stats.newest else None
    age = f", newest {relative_age(newest, now)}" if newest else ""
    return f"{stats.executions:,} executions in the archive of {one_line(server)}{age}"


def offline_label(archive: Archive, server: str) -> str:
    """The header of the app offline: "offline · archive of HOST · newest 12 min ago"."""
    newest = parse_timestamp(archive.stats().newest or "")
    age = f" · newest {relative_age(newest)}" if newest is not None else " · empty"
    host = urlsplit(server).netloc or server
    return f"offline · archive of {host}{age}"


def open_for_reading(options: argparse.Namespace) -> tuple[Archive, str]:
    """The archive to read offline and the server it holds; ArchiveUnavailable or ConfigError when it cannot be."""
    base_url, profile = server_of(options)
    archive = open_archive(base_url, profile, path=options.archive, read_only=True)
    return archive, server_label(base_url)


def keep(archive: Archive | None, fetched: list[Fetched], stderr: TextIO | None = None) -> None:
    """Write what a command fetched through to its archive. A body that was cut (nested too deep) is not kept:
    the archive holds only whole executions."""
    if archive is None:
        return
    try:
        archive.put_many([item.raw for item in fetched if not item.cut_note])
    except ArchiveUnavailable as error:
        warn(error, stderr)
