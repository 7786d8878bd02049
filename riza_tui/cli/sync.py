"""``riza-tui sync``: archive a server's executions back to ``--since``, with a progress bar on a terminal.

On a terminal a progress bar on stderr (count, rate, time left); then one summary line on stdout, or with
``--json`` the summary as one JSON object. Exit 0, 2 when an execution failed or the sync stopped early
(like ``list``), 130 when interrupted. Ctrl-C and SIGTERM keep everything fetched so far.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from typing import Any, TextIO

from riza_tui.api.client import RizaClient
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.archive_use import open_for_syncing
from riza_tui.cli.output import standard_streams
from riza_tui.cli.show import lacks_key
from riza_tui.core.archive import Archive, ArchiveUnavailable
from riza_tui.core.sync import SyncState, sync_archive
from riza_tui.safety.sanitize import one_line

EXIT_OK, EXIT_TROUBLE, EXIT_INTERRUPTED = 0, 2, 130


@contextmanager
def progress_bar(stream: TextIO) -> Iterator[Any]:
    """A rich progress bar on a terminal (it redraws itself at most 10 times a second), else nothing."""
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task("fetching", total=None, rate="")

        def update(current: SyncState) -> None:
            rate = current.done / current.seconds if current.seconds > 0 else 0.0
            bar.update(
                task,
                completed=current.done,
                total=current.queued or None,
                description=f"listed {current.listed:,}, {current.already:,} archived before; fetching",
                rate=f"{rate:,.0f}/s",
            )

        yield update


def summary_line(state: SyncState, server: str, archive: Archive) -> str:
    seconds = state.seconds
    rate = f" ({state.done / seconds:,.0f} a second)" if seconds > 0 and state.done else ""
    line = (
        f"synced {one_line(server)}: {state.listed:,} listed, {state.already:,} archived before, "
        f"{state.fetched:,} fetched, {state.failed:,} errors in {seconds:.1f} s{rate}"
    )
    if state.failures:
        named = "; ".join(f"{one_line(execution_id)}: {one_line(reason)}" for execution_id, reason in state.failures)
        more = f" and {state.failed - len(state.failures):,} more" if state.failed > len(state.failures) else ""
        line += f" — {named}{more}"
    if state.interrupted:
        line += " — interrupted: what was fetched is kept; run it again to go on"
    if state.stopped:
        line += f" — stopped: {one_line(state.stopped)}"
    return line + f" — archive {one_line(str(archive.path))}"


async def run_sync(
    settings: ClientSettings,
    archive: Archive,
    server: str,
    *,
    since: datetime | None,
    only_failures: bool = False,
    concurrency: int = 8,
    as_json: bool = False,
    streams: tuple[TextIO, TextIO] | None = None,
) -> int:
    stdout, stderr = streams or standard_streams()
    state = SyncState()
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    if main is not None and hasattr(signal, "SIGTERM"):
        loop.add_signal_handler(signal.SIGTERM, main.cancel)  # a kill asked politely is a Ctrl-C
    bar = progress_bar(stderr) if not as_json else nullcontext(None)
    try:
        with bar as update:
            async with RizaClient(settings) as client:
                await sync_archive(
                    client,
                    archive,
                    since=since,
                    only_failures=only_failures,
                    concurrency=concurrency,
                    state=state,
                    on_progress=update,
                )
    except asyncio.CancelledError:
        pass  # the state says so; what was fetched is written
    finally:
        if hasattr(signal, "SIGTERM"):
            loop.remove_signal_handler(signal.SIGTERM)
    if as_json:
        summary = {
            "server": server,
            "archive": str(archive.path),
            "since": since.isoformat() if since else None,
            **state.to_json(),
        }
        stdout.write(json.dumps(summary, ensure_ascii=True) + "\n")
    else:
        stdout.write(summary_line(state, server, archive) + "\n")
    if state.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_TROUBLE if state.failed or state.stopped else EXIT_OK


def start_sync(options: argparse.Namespace, settings: ClientSettings) -> Coroutine[Any, Any, int]:
    """The coroutine ``riza-tui sync`` runs once the server is chosen; the archive is opened for it."""

    async def started() -> int:
        _, stderr = standard_streams()
        if lacks_key(settings, stderr):
            return EXIT_TROUBLE
        try:
            archive, server = open_for_syncing(options, settings)
        except ArchiveUnavailable as error:
            print(f"riza-tui sync: {one_line(str(error))}", file=stderr)
            return EXIT_TROUBLE
        with archive:
            return await run_sync(
                settings,
                archive,
                server,
                since=options.since,
                only_failures=options.failures,
                concurrency=options.concurrency,
                as_json=options.json,
            )

    return started()
