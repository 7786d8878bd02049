"""``--offline`` for ``show``, ``list`` and ``diff``: read only the server's archive; nothing is sent anywhere.

The key is not looked for (a profile's key command does not run); the server is chosen as online (flags,
environment, profile) only to find its archive. Each command says in one stderr line that it is offline.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from riza_tui.cli.archive_use import open_for_reading
from riza_tui.cli.args import EXIT_USAGE
from riza_tui.cli.diff import diff_offline
from riza_tui.cli.listing import list_offline
from riza_tui.cli.output import standard_streams
from riza_tui.cli.show import Printing, show_offline
from riza_tui.core.archive import Archive, ArchiveUnavailable
from riza_tui.core.config import ConfigError
from riza_tui.safety.sanitize import one_line

# What each command exits with when its archive cannot be read: show as for a failed lookup, the others 2.
EXIT_UNAVAILABLE = {"show": 1, "diff": 2, "list": 2}


def run_offline(options: argparse.Namespace, command: str) -> int:
    if options.no_archive:
        print(f"riza-tui {command}: error: --offline reads the archive: drop --no-archive", file=sys.stderr)
        return EXIT_USAGE
    try:
        archive, server = open_for_reading(options)
    except ConfigError as error:
        print(f"riza-tui {command}: error: {one_line(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except ArchiveUnavailable as error:
        print(f"riza-tui {command}: offline: {one_line(str(error))}", file=sys.stderr)
        return EXIT_UNAVAILABLE[command]
    with archive:
        try:
            return _offline_command(options, command, archive, server)
        except ArchiveUnavailable as error:
            print(f"riza-tui {command}: offline: {one_line(str(error))}", file=sys.stderr)
            return EXIT_UNAVAILABLE[command]


def _offline_command(options: argparse.Namespace, command: str, archive: Archive, server: str) -> int:
    if command == "show":
        printing = Printing(
            options.json,
            options.reveal_secrets,
            options.markdown,
            options.field,
            options.exit_status,
            options.color,
            options.diff_last_good,
        )
        return show_offline(archive, server, options.execution_id, printing, *standard_streams())
    if command == "diff":
        return asyncio.run(
            diff_offline(archive, server, options.left, options.right, as_json=options.json, color=options.color)
        )
    return list_offline(archive, server, only_failures=options.failures, limit=options.limit, as_json=options.json)
