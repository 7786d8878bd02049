"""The command line's parsers: one line per usage error (exit 2), flags shared by the commands that connect."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from riza_tui import __version__
from riza_tui.api.settings import check_base_url, checked_api_key
from riza_tui.core.config import profile_name_problem
from riza_tui.core.since import parse_since
from riza_tui.core.sizes import parse_size

EXIT_USAGE = 2
MAX_LIMIT = 10_000_000
FIELDS = ("code", "stdout", "stderr", "input", "output")


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line, exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def usage_error(message: str) -> int:
    print(f"riza-tui: error: {message} (see riza-tui --help)", file=sys.stderr)
    return EXIT_USAGE


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("the timeout must be between 0 and 3600 seconds")
    return value


def _port(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535)")
    return int(text)


def _base_url(text: str) -> str:
    try:
        return check_base_url(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r}: {error}") from None


def _api_key(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("the API key is empty")
    try:
        return checked_api_key(text, "the key")
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _profile(text: str) -> str:
    if problem := profile_name_problem(text):
        raise argparse.ArgumentTypeError(problem)
    return text


def _connection_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api-key", type=_api_key, help="bearer token (default: $RIZA_API_KEY)")
    parser.add_argument("--timeout", type=_positive_seconds, help="seconds to wait for an answer (default: 30)")
    _server_flags(parser, demo="serve the bundled sample data on loopback in this process and use it")


def _server_flags(parser: argparse.ArgumentParser, *, demo: str) -> None:
    """Which server: the flags the commands that only need to know it share with those that talk to it."""
    parser.add_argument(
        "--base-url", type=_base_url, help="API server (default: $RIZA_BASE_URL or https://api.riza.io)"
    )
    parser.add_argument(
        "--profile", type=_profile, help="a profile from ~/.config/riza-tui/config.toml (default: its default_profile)"
    )
    parser.add_argument("--demo", action="store_true", help=demo)


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _since(text: str) -> datetime | None:
    if text.strip().lower() == "all":
        return None
    try:
        return parse_since(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


@dataclass(frozen=True)
class Window:
    """``--since`` of groups and search, kept as typed: its moment is counted back from the command's clock
    (the sample data's with --demo), known only once the server is chosen."""

    text: str

    def start(self, now: datetime) -> datetime | None:
        return None if self.text.strip().lower() == "all" else parse_since(self.text, now)


def _window(text: str) -> Window:
    _since(text)  # a usage error now, not after a sync
    return Window(text)


def _concurrency(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of requests at once (1 to 64)")
    return int(text)


def _archive_flags(parser: argparse.ArgumentParser, *, offline: bool = False, switch: bool = True) -> None:
    """Which archive a command uses: the server's own (default), another file, none; ``--offline`` reads only it."""
    if switch:
        parser.add_argument("--no-archive", action="store_true", help="keep nothing on disk (config: archive = false)")
    parser.add_argument("--archive", type=Path, metavar="PATH", help="use this archive file instead of the server's")
    parser.add_argument(
        "--archive-max-size",
        type=_size,
        metavar="SIZE",
        help="the archive's size limit, such as 500MB or 2GB; the oldest go first (default: 1GB)",
    )
    if offline:
        parser.add_argument("--offline", action="store_true", help="read only the archive; never touch the network")


def app_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="riza-tui",
        description="Inspect executions of the Riza executions API in your terminal.",
        epilog=(
            "Also: 'riza-tui show ID' prints one execution, 'riza-tui diff A B' compares two, 'riza-tui list' lists "
            "them; 'riza-tui sync' archives them, 'riza-tui archive' says what is archived; 'riza-tui serve' runs "
            "the embedded API server."
        ),
    )
    parser.add_argument("execution_id", nargs="?", metavar="ID", help="an execution ID to open at once")
    parser.add_argument(
        "--watch",
        nargs="?",
        const=5.0,
        type=_watch_seconds,
        metavar="SECONDS",
        help="watch the list for new executions (every 5 s, or SECONDS)",
    )
    _connection_flags(parser)
    _archive_flags(parser, offline=True)
    parser.add_argument("--version", action="version", version=f"riza-tui {__version__}")
    return parser


def _watch_seconds(text: str) -> float:
    seconds = _positive_seconds(text)
    if seconds < 1:
        raise argparse.ArgumentTypeError("watch every 1 s at the most often")
    return seconds


def _limit(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not text.strip("0"):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a positive whole number")
    if len(text.lstrip("0")) > len(str(MAX_LIMIT)) or int(text) > MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"at most {MAX_LIMIT:,} (leave --limit out to list them all)")
    return int(text)


def _color_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour program output and diffs: on a terminal (auto, unless NO_COLOR is set), always, never",
    )


def show_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="riza-tui show", description="Print one execution.")
    parser.add_argument("execution_id", metavar="ID")
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print the execution as the API shapes it")
    shape.add_argument("--markdown", action="store_true", help="print an incident report in Markdown")
    shape.add_argument("--field", choices=FIELDS, help="print one field alone, for pipes")
    parser.add_argument("--exit-status", action="store_true", help="exit with the execution's exit code")
    parser.add_argument("--reveal-secrets", action="store_true", help="do not mask env values, tokens and passwords")
    parser.add_argument(
        "--diff-last-good",
        action="store_true",
        help="with --markdown: add what changed since the last good run of the failure's group",
    )
    _color_flag(parser)
    _connection_flags(parser)
    _archive_flags(parser, offline=True)
    return parser


def diff_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="riza-tui diff",
        description="Compare two executions part by part; exit 0 when equal, 1 when they differ, 2 on errors.",
    )
    parser.add_argument("left", metavar="A", help="an execution ID")
    parser.add_argument("right", metavar="B", help="another execution ID")
    parser.add_argument("--json", action="store_true", help="print the difference as JSON")
    _color_flag(parser)
    _connection_flags(parser)
    _archive_flags(parser, offline=True)
    return parser


def list_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="riza-tui list", description="Print executions, newest first, paging as needed.")
    parser.add_argument("--failures", action="store_true", help="only executions with a non-zero exit code")
    parser.add_argument("--limit", type=_limit, help="at most this many (default: all)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line (masked), for jq")
    _connection_flags(parser)
    _archive_flags(parser, offline=True)
    return parser


def sync_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="riza-tui sync",
        description=(
            "Archive the executions of the last day (or --since): page the list newest first, fetch the details "
            "of those not archived yet, write them. Run it again to fetch only what is missing."
        ),
    )
    parser.add_argument(
        "--since",
        type=_since,
        default="24h",
        metavar="WHEN",
        help="how far back: 24h, 7d, 30m, 2w, a date such as 2026-11-20, or all (default: 24h)",
    )
    parser.add_argument("--failures", action="store_true", help="only executions with a non-zero exit code")
    parser.add_argument(
        "--concurrency", type=_concurrency, default=8, metavar="N", help="requests at once (default: 8)"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    _connection_flags(parser)
    _archive_flags(parser, switch=False)
    return parser


def _reading_flags(parser: argparse.ArgumentParser, *, since_default: str | None, since_help: str) -> None:
    parser.add_argument("--since", type=_window, default=since_default, metavar="WHEN", help=since_help)
    parser.add_argument("--json", action="store_true", help="JSON Lines, one object per line, for jq")
    _connection_flags(parser)
    _archive_flags(parser, offline=True)


def groups_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="riza-tui groups",
        description=(
            "Failures grouped by their signature (same kind and tool, exception, failing statement, message with "
            "its ids and numbers taken out), most recent first: is it a one-off or an outbreak, since when, is it "
            "still happening. Syncs the window first, unless --offline."
        ),
    )
    _reading_flags(
        parser,
        since_default="24h",
        since_help="the window: 24h, 7d, 30m, 2w, a date such as 2026-11-20, or all (default: 24h)",
    )
    return parser


def search_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="riza-tui search",
        description=(
            'Search archived executions: words (all must match), "quoted phrases", a field prefix (stderr:, '
            "stdout:, code:, input:, output:, error:); substrings match, case aside. Newest first, one line per "
            "execution with its matching line. Syncs the last day (or --since) first, unless --offline. "
            "Exit 0 when something matched, 1 when nothing did, 2 on errors."
        ),
    )
    parser.add_argument("query", nargs="+", metavar="QUERY", help='what to find, such as backoff stderr:"gave up"')
    parser.add_argument("--failures", action="store_true", help="only failed executions")
    parser.add_argument("--limit", type=_limit, default=100, help="at most this many, newest first (default: 100)")
    _reading_flags(
        parser,
        since_default=None,
        since_help="only executions started since: 24h, 7d, a date, or all (default: every archived one; the "
        "last 24 h are synced first)",
    )
    return parser


def archive_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="riza-tui archive",
        description="Say where a server's archive is, what it holds, and when it was last synced.",
    )
    parser.add_argument(
        "--json", action="store_true", help="an object with path, executions, bytes, oldest, newest, last_sync"
    )
    _server_flags(parser, demo="the archive of the bundled sample data")
    parser.add_argument("--archive", type=Path, metavar="PATH", help="this archive file instead of the server's")
    return parser


def serve_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="riza-tui serve", description="Serve executions read-only over HTTP.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port (default: 8000; 0 picks a free one)")
    parser.add_argument(
        "--api-key", type=_api_key, help="the bearer token clients must send (default: a new random one)"
    )
    parser.add_argument(
        "--data",
        type=Path,
        help="an archive (.db) served read-only, or executions as JSON ({'data': [...]} or a list) or JSON Lines",
    )
    return parser
