"""Command line: ``riza-tui [ID]`` opens the app, ``riza-tui show ID`` prints, ``riza-tui serve`` serves."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Coroutine, Sequence
from typing import Any

from riza_tui.api.settings import ClientSettings
from riza_tui.cli.args import (
    EXIT_USAGE,
    app_parser,
    archive_parser,
    diff_parser,
    groups_parser,
    list_parser,
    search_parser,
    serve_parser,
    show_parser,
    sync_parser,
    usage_error,
)
from riza_tui.cli.collector import collector_paused
from riza_tui.cli.connect import run_connected

SUBCOMMANDS = ("show", "diff", "list", "sync", "archive", "groups", "search", "serve")
CONNECTING = {"show": show_parser, "diff": diff_parser, "list": list_parser, "sync": sync_parser}
READING = {"groups": groups_parser, "search": search_parser}
# An execution ID (exec_01J…), or a URL or alert text holding one, has an underscore, a digit or a slash;
# a bare word without any ("shwo", "list") is a mistyped command, not a lookup.
ID_SHAPE = re.compile(r"[_0-9/:.]")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "serve":
            from riza_tui.cli.serve import run_serve

            return run_serve(serve_parser().parse_args(args[1:]))
        if args and args[0] == "archive":
            from riza_tui.cli.archive_info import run_archive_info

            return run_archive_info(archive_parser().parse_args(args[1:]))
        if args and args[0] in READING:
            return _reading(args[0], READING[args[0]]().parse_args(args[1:]))
        if args and args[0] in CONNECTING:
            options = CONNECTING[args[0]]().parse_args(args[1:])
            if getattr(options, "diff_last_good", False) and not options.markdown:
                return usage_error("--diff-last-good goes with --markdown (it adds to the report)")
            if getattr(options, "offline", False):
                from riza_tui.cli.offline import run_offline

                return run_offline(options, args[0])
            return run_connected(options, args[0], lambda settings: _command(options, args[0], settings))
        options = app_parser().parse_args(args)
    except SystemExit as leaving:  # argparse's own usage errors and --help
        return leaving.code if isinstance(leaving.code, int) else EXIT_USAGE
    word = options.execution_id
    if word is not None and not ID_SHAPE.search(word):
        import difflib

        nearest = difflib.get_close_matches(word, SUBCOMMANDS, n=1, cutoff=0.5)
        suggestion = f"; did you mean 'riza-tui {nearest[0]}'?" if nearest else f"; commands: {', '.join(SUBCOMMANDS)}"
        return usage_error(f"{word!r} is neither a command nor an execution ID{suggestion}")
    if not sys.stdout.isatty() and not os.environ.get("TEXTUAL_DRIVER"):
        return usage_error("stdout is not a terminal, so the app cannot start; for pipes use 'riza-tui show ID'")
    with collector_paused():  # the app's imports and build (riza_tui.cli.collector)
        from riza_tui.cli.launch import launch_app

        return launch_app(options)


def _reading(command: str, options: argparse.Namespace) -> int:
    """``groups`` and ``search``, which answer from the archive (after a sync of their window, unless offline)."""
    if command == "groups":
        from riza_tui.cli.groups import run_groups

        return run_groups(options)
    from riza_tui.cli.search import run_search

    return run_search(options)


def _command(options: argparse.Namespace, command: str, settings: ClientSettings) -> Coroutine[Any, Any, int]:
    """The coroutine that runs ``command`` with ``settings`` (imported here: the app's start needs none)."""
    if command == "sync":
        from riza_tui.cli.sync import start_sync

        return start_sync(options, settings)
    if command == "list":
        from riza_tui.cli.listing import run_list

        return run_list(settings, only_failures=options.failures, limit=options.limit, as_json=options.json)
    return _keeping(options, command, settings)


async def _keeping(options: argparse.Namespace, command: str, settings: ClientSettings) -> int:
    """``show`` and ``diff``, with the archive open to keep what they fetch (and, for show, to fall back on)."""
    from riza_tui.cli.archive_use import open_for_writing

    archive = open_for_writing(options, settings) if settings.api_key else None  # no key: nothing to keep
    try:
        if command == "show":
            from riza_tui.cli.show import run_show

            return await run_show(
                settings,
                options.execution_id,
                as_json=options.json,
                reveal_secrets=options.reveal_secrets,
                markdown=options.markdown,
                field=options.field,
                with_exit_status=options.exit_status,
                color=options.color,
                archive=archive,
                diff_last_good=options.diff_last_good,
            )
        from riza_tui.cli.diff import run_diff

        return await run_diff(
            settings, options.left, options.right, as_json=options.json, color=options.color, archive=archive
        )
    finally:
        if archive is not None:
            archive.close()


if __name__ == "__main__":
    sys.exit(main())
