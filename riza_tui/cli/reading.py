"""``groups`` and ``search``: answered from the archive, after a sync of their window, or as it is (--offline).

Groups are computed in the archive (signatures are stored as executions are written), so their counts are only
as fresh as what was fetched: online, the window is synced first (the sync engine of ``riza-tui sync``: the
list paged back to the window's start, the details of what is not archived fetched; a second run fetches
nothing new), then rows an older riza-tui wrote are caught up (signatures, index entries), then the answer.
When the server cannot be reached the answer is what is archived, said in one line. ``--offline`` never
touches the network and never writes: rows not caught up are said to be left out.

With ``--demo`` windows are counted back from the sample data's newest execution, so that the demo always
shows its week of recurring failures.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from riza_tui.api.client import RizaClient
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.archive_use import offline_summary, open_for_reading, open_for_syncing
from riza_tui.cli.args import EXIT_USAGE, Window
from riza_tui.cli.connect import run_connected
from riza_tui.cli.output import standard_streams
from riza_tui.cli.show import lacks_key
from riza_tui.cli.sync import progress_bar
from riza_tui.core import formatting
from riza_tui.core.archive import Archive, ArchiveUnavailable
from riza_tui.core.archive.errors import GO_ON
from riza_tui.core.config import ConfigError
from riza_tui.core.sync import SyncState, sync_archive
from riza_tui.safety.sanitize import one_line

EXIT_TROUBLE, EXIT_INTERRUPTED = 2, 130
DEFAULT_SYNC_WINDOW = Window("24h")


@dataclass(frozen=True)
class Reading:
    """What a reading command answers from: the archive, whose it is, the command's clock and window."""

    archive: Archive
    server: str
    now: datetime
    since: datetime | None
    offline: bool


Answer = Callable[[Reading, TextIO, TextIO], int]


def clock(options: argparse.Namespace) -> datetime:
    """Now, or with --demo the sample data's newest execution (its week of failures is always "recent")."""
    if getattr(options, "demo", False):
        from riza_tui.demo.generate import NEWEST

        return NEWEST
    return formatting.utc_now()


def unusable(error: ArchiveUnavailable) -> str:
    """The archive's one line, less its "or run with --no-archive": groups and search have nothing else to
    read, and refuse that flag."""
    action = error.action.removesuffix(GO_ON).rstrip(", ")
    return one_line(f"archive {error.path}: {error.problem}" + (f"; {action}" if action else ""))


def run_reading(options: argparse.Namespace, command: str, answer: Answer) -> int:
    """Run ``groups`` or ``search``: offline from the archive alone, or online after syncing the window."""
    stdout, stderr = standard_streams()
    if options.no_archive:
        print(f"riza-tui {command}: error: {command} reads the archive: drop --no-archive", file=stderr)
        return EXIT_USAGE
    if options.offline:
        return _offline(options, command, answer, stdout, stderr)
    return run_connected(options, command, lambda settings: _online(options, command, answer, settings))


def _offline(options: argparse.Namespace, command: str, answer: Answer, stdout: TextIO, stderr: TextIO) -> int:
    try:
        archive, server = open_for_reading(options)
    except ConfigError as error:
        print(f"riza-tui {command}: error: {one_line(str(error))}", file=stderr)
        return EXIT_USAGE
    except ArchiveUnavailable as error:
        print(f"riza-tui {command}: offline: {unusable(error)}", file=stderr)
        return EXIT_TROUBLE
    now = clock(options)
    with archive:
        try:
            print(f"riza-tui {command}: offline: {offline_summary(archive, server, now)}", file=stderr)
            behind = archive.behind()
            if behind:
                print(
                    f"riza-tui {command}: offline: {behind:,} executions archived by an older riza-tui are left out "
                    f"until they are caught up: run riza-tui {command} without --offline (or riza-tui sync) once",
                    file=stderr,
                )
            since = options.since.start(now) if options.since is not None else None
            return answer(Reading(archive, server, now, since, True), stdout, stderr)
        except ArchiveUnavailable as error:
            print(f"riza-tui {command}: offline: {unusable(error)}", file=stderr)
            return EXIT_TROUBLE


async def _online(options: argparse.Namespace, command: str, answer: Answer, settings: ClientSettings) -> int:
    stdout, stderr = standard_streams()
    if lacks_key(settings, stderr):
        return EXIT_TROUBLE
    try:
        archive, server = open_for_syncing(options, settings)
    except ArchiveUnavailable as error:
        print(f"riza-tui {command}: {unusable(error)}", file=stderr)
        return EXIT_TROUBLE
    now = clock(options)
    since = options.since.start(now) if options.since is not None else None
    synced_since = since if options.since is not None else DEFAULT_SYNC_WINDOW.start(now)
    with archive:
        try:
            state = await _sync(settings, archive, synced_since, getattr(options, "failures", False), stderr)
            if state.interrupted:
                print(f"riza-tui {command}: interrupted: what was fetched is kept", file=stderr)
                return EXIT_INTERRUPTED
            _say_sync(command, state, server, stderr)
            _catch_up(archive, stderr)
            return answer(Reading(archive, server, now, since, False), stdout, stderr)
        except ArchiveUnavailable as error:
            print(f"riza-tui {command}: {unusable(error)}", file=stderr)
            return EXIT_TROUBLE


async def _sync(
    settings: ClientSettings, archive: Archive, since: datetime | None, only_failures: bool, stderr: TextIO
) -> SyncState:
    """The window synced, with the sync's progress bar on a terminal; a kill asked politely is a Ctrl-C."""
    state = SyncState()
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    if main is not None and hasattr(signal, "SIGTERM"):
        loop.add_signal_handler(signal.SIGTERM, main.cancel)
    try:
        with progress_bar(stderr) as update:
            async with RizaClient(settings) as client:
                await sync_archive(
                    client, archive, since=since, only_failures=only_failures, state=state, on_progress=update
                )
    except asyncio.CancelledError:
        pass  # the state says so; what was fetched is written
    finally:
        if hasattr(signal, "SIGTERM"):
            loop.remove_signal_handler(signal.SIGTERM)
    return state


def _say_sync(command: str, state: SyncState, server: str, stderr: TextIO) -> None:
    """One stderr line when the sync fetched something or could not finish; nothing when all was archived."""
    if state.stopped:
        print(
            f"riza-tui {command}: warning: could not sync with {one_line(server)} ({one_line(state.stopped)}); "
            "answering from what is archived",
            file=stderr,
        )
    elif state.fetched or state.failed:
        errors = f", {state.failed:,} could not be fetched" if state.failed else ""
        print(f"riza-tui {command}: synced {one_line(server)}: {state.fetched:,} fetched{errors}", file=stderr)


def _catch_up(archive: Archive, stderr: TextIO) -> None:
    """Rows an older riza-tui wrote, given their signatures and index entries (a progress bar on a terminal)."""
    with _catch_up_bar(stderr, archive.behind()) as update:
        archive.catch_up(on_progress=update)


@contextmanager
def _catch_up_bar(stream: TextIO, total: int) -> Iterator[Callable[[int, int], None] | None]:
    isatty = getattr(stream, "isatty", None)
    if not total or not (isatty and isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=stream), transient=True) as bar:
        task = bar.add_task("grouping and indexing what an older riza-tui archived", total=total)
        yield lambda done, _total: bar.update(task, completed=done)
