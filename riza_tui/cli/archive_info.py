"""``riza-tui archive``: where a server's archive is, what it holds, how big it is, when it was last synced."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from riza_tui.cli.archive_use import server_label, server_of
from riza_tui.cli.output import standard_streams
from riza_tui.core.archive import ArchiveMissing, ArchiveStats, ArchiveUnavailable, archive_path, open_archive
from riza_tui.core.config import ConfigError
from riza_tui.core.formatting import byte_size, local_time
from riza_tui.safety.sanitize import one_line

EXIT_OK, EXIT_TROUBLE = 0, 2


def stats_json(stats: ArchiveStats | None, path: str) -> dict[str, Any]:
    if stats is None:
        return {"path": path, "executions": 0, "bytes": 0, "oldest": None, "newest": None, "last_sync": None}
    last = stats.last_sync
    return {
        "path": path,
        "server": stats.server,
        "executions": stats.executions,
        "failures": stats.failures,
        "bytes": stats.bytes,
        "oldest": stats.oldest,
        "newest": stats.newest,
        "last_sync": last.at.isoformat() if last else None,
        "last_sync_fetched": last.fetched if last else None,
        "last_sync_errors": last.errors if last else None,
        "last_sync_complete": last.complete if last else None,
    }


def stats_lines(stats: ArchiveStats, server: str) -> list[str]:
    last = stats.last_sync
    synced = "never"
    if last is not None:
        outcome = "complete" if last.complete else "stopped before the end"
        synced = f"{local_time(last.at.isoformat())}: {last.fetched:,} fetched, {last.errors:,} errors, {outcome}"
    rows = [
        ("archive", str(stats.path)),
        ("server", server),
        ("executions", f"{stats.executions:,} ({stats.failures:,} failed)"),
        ("size", f"{byte_size(stats.bytes)} on disk"),
        ("oldest", local_time(stats.oldest) if stats.oldest else "-"),
        ("newest", local_time(stats.newest) if stats.newest else "-"),
        ("last sync", synced),
    ]
    return [f"{label:<10}  {one_line(value)}" for label, value in rows]


def run_archive_info(options: argparse.Namespace, streams: tuple[TextIO, TextIO] | None = None) -> int:
    stdout, stderr = streams or standard_streams()
    try:
        base_url, profile = server_of(options)
    except ConfigError as error:
        print(f"riza-tui archive: error: {one_line(str(error))}", file=stderr)
        return EXIT_TROUBLE
    path = options.archive if options.archive is not None else archive_path(base_url, profile)
    server = server_label(base_url)
    try:
        with open_archive(base_url, profile, path=options.archive, read_only=True) as archive:
            stats: ArchiveStats | None = archive.stats()
    except ArchiveMissing:
        stats = None
    except ArchiveUnavailable as error:
        print(f"riza-tui archive: {one_line(str(error))}", file=stderr)
        return EXIT_TROUBLE
    if options.json:
        stdout.write(json.dumps(stats_json(stats, str(path)), ensure_ascii=True) + "\n")
    elif stats is None:
        stdout.write(
            f"no archive of {one_line(server)} yet at {one_line(str(path))} (riza-tui sync fills it, as does "
            "every execution fetched online)\n"
        )
    else:
        stdout.write("\n".join(stats_lines(stats, server)) + "\n")
    return EXIT_OK
