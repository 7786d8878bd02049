"""Command line: ``riza-tui [ID]`` opens the app, ``riza-tui show ID`` prints, ``riza-tui serve`` serves."""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from collections.abc import Coroutine, Sequence
from typing import Any

from riza_tui.api.settings import ClientSettings
from riza_tui.cli.args import EXIT_USAGE, app_parser, diff_parser, list_parser, serve_parser, show_parser
from riza_tui.cli.connect import run_connected
from riza_tui.cli.launch import launch_app, usage_error

SUBCOMMANDS = ("show", "diff", "list", "serve")
# An execution ID (exec_01J…), or a URL or alert text holding one, has an underscore, a digit or a slash;
# a bare word without any ("shwo", "list") is a mistyped command, not a lookup.
ID_SHAPE = re.compile(r"[_0-9/:.]")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "serve":
            from riza_tui.cli.serve import run_serve

            return run_serve(serve_parser().parse_args(args[1:]))
        if args and args[0] in ("show", "diff", "list"):
            parser = {"show": show_parser, "diff": diff_parser, "list": list_parser}[args[0]]
            options = parser().parse_args(args[1:])
            return run_connected(options, args[0], lambda settings: _command(options, args[0], settings))
        options = app_parser().parse_args(args)
    except SystemExit as leaving:  # argparse's own usage errors and --help
        return leaving.code if isinstance(leaving.code, int) else EXIT_USAGE
    word = options.execution_id
    if word is not None and not ID_SHAPE.search(word):
        nearest = difflib.get_close_matches(word, SUBCOMMANDS, n=1, cutoff=0.5)
        suggestion = f"; did you mean 'riza-tui {nearest[0]}'?" if nearest else f"; commands: {', '.join(SUBCOMMANDS)}"
        return usage_error(f"{word!r} is neither a command nor an execution ID{suggestion}")
    if not sys.stdout.isatty() and not os.environ.get("TEXTUAL_DRIVER"):
        return usage_error("stdout is not a terminal, so the app cannot start; for pipes use 'riza-tui show ID'")
    return launch_app(options)


def _command(options: argparse.Namespace, command: str, settings: ClientSettings) -> Coroutine[Any, Any, int]:
    """The coroutine that runs ``command`` with ``settings`` (imported here: the app's start needs none)."""
    if command == "show":
        from riza_tui.cli.show import run_show

        return run_show(
            settings,
            options.execution_id,
            as_json=options.json,
            reveal_secrets=options.reveal_secrets,
            markdown=options.markdown,
            field=options.field,
            with_exit_status=options.exit_status,
            color=options.color,
        )
    if command == "diff":
        from riza_tui.cli.diff import run_diff

        return run_diff(settings, options.left, options.right, as_json=options.json, color=options.color)
    from riza_tui.cli.listing import run_list

    return run_list(settings, only_failures=options.failures, limit=options.limit, as_json=options.json)


if __name__ == "__main__":
    sys.exit(main())
