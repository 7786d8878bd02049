"""Command line: ``riza-tui [ID]`` opens the app, ``riza-tui show ID`` prints, ``riza-tui serve`` serves."""

from __future__ import annotations

import argparse
import asyncio
import difflib
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from riza_tui import __version__
from riza_tui.api.config import ClientSettings, check_base_url

if TYPE_CHECKING:
    from riza_tui.app import RizaApp

SUBCOMMANDS = ("show", "serve")
EXIT_USAGE = 2
# An execution ID (exec_01J…), or a URL or alert text holding one, has an underscore, a digit or a slash;
# a bare word without any ("shwo", "list") is a mistyped command, not a lookup.
ID_SHAPE = re.compile(r"[_0-9/:.]")


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line, exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


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
    return text


def _connection_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api-key", type=_api_key, help="bearer token (default: $RIZA_API_KEY)")
    parser.add_argument(
        "--base-url", type=_base_url, help="API server (default: $RIZA_BASE_URL or https://api.riza.io)"
    )
    parser.add_argument("--timeout", type=_positive_seconds, help="seconds to wait for an answer (default: 30)")
    parser.add_argument(
        "--demo", action="store_true", help="serve the bundled sample data on loopback in this process and use it"
    )


def app_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="riza-tui",
        description="Inspect executions of the Riza executions API in your terminal.",
        epilog="Also: 'riza-tui show ID' prints one execution; 'riza-tui serve' runs the embedded API server.",
    )
    parser.add_argument("execution_id", nargs="?", metavar="ID", help="an execution ID to open at once")
    _connection_flags(parser)
    parser.add_argument("--version", action="version", version=f"riza-tui {__version__}")
    return parser


def show_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="riza-tui show", description="Print one execution.")
    parser.add_argument("execution_id", metavar="ID")
    parser.add_argument("--json", action="store_true", help="print the execution as the API shapes it")
    parser.add_argument("--reveal-secrets", action="store_true", help="do not mask env values, tokens and passwords")
    _connection_flags(parser)
    return parser


def serve_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="riza-tui serve", description="Serve executions read-only over HTTP.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port (default: 8000; 0 picks a free one)")
    parser.add_argument(
        "--api-key", type=_api_key, help="the bearer token clients must send (default: a new random one)"
    )
    parser.add_argument("--data", type=Path, help="executions as JSON ({'data': [...]} or a list) or JSON Lines")
    return parser


def _settings(options: argparse.Namespace) -> ClientSettings:
    """Flags over the environment; a bad RIZA_BASE_URL is a usage error like a bad --base-url."""
    settings = ClientSettings.resolve(api_key=options.api_key, base_url=options.base_url, timeout=options.timeout)
    try:
        check_base_url(settings.base_url)
    except ValueError as error:
        raise SettingsError(f"RIZA_BASE_URL {error}") from None
    return settings


class SettingsError(Exception):
    """Settings from the environment that cannot work; reported like a bad flag."""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "serve":
            return _serve(serve_parser().parse_args(args[1:]))
        if args and args[0] == "show":
            return _show(show_parser().parse_args(args[1:]))
        options = app_parser().parse_args(args)
    except SystemExit as leaving:  # argparse's own usage errors and --help
        return leaving.code if isinstance(leaving.code, int) else EXIT_USAGE
    word = options.execution_id
    if word is not None and not ID_SHAPE.search(word):
        nearest = difflib.get_close_matches(word, SUBCOMMANDS, n=1, cutoff=0.5)
        suggestion = f"; did you mean 'riza-tui {nearest[0]}'?" if nearest else f"; commands: {', '.join(SUBCOMMANDS)}"
        return _usage_error(f"{word!r} is neither a command nor an execution ID{suggestion}")
    if not sys.stdout.isatty() and not os.environ.get("TEXTUAL_DRIVER"):
        return _usage_error("stdout is not a terminal, so the app cannot start; for pipes use 'riza-tui show ID'")
    return _app(options)


def _usage_error(message: str) -> int:
    print(f"riza-tui: error: {message} (see riza-tui --help)", file=sys.stderr)
    return EXIT_USAGE


def _show(options: argparse.Namespace) -> int:
    from riza_tui.show import run_show

    try:
        settings = _settings(options)
    except SettingsError as error:
        print(f"riza-tui show: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if options.demo:
        from riza_tui.server.demo import demo_server

        with demo_server() as server:
            settings = ClientSettings.resolve(api_key=server.api_key, base_url=server.url, timeout=options.timeout)
            return asyncio.run(
                run_show(settings, options.execution_id, as_json=options.json, reveal_secrets=options.reveal_secrets)
            )
    return asyncio.run(
        run_show(settings, options.execution_id, as_json=options.json, reveal_secrets=options.reveal_secrets)
    )


def _serve(options: argparse.Namespace) -> int:
    from riza_tui.server.http import EmbeddedServer
    from riza_tui.server.store import DataError, load_store

    try:
        store = load_store(options.data)
    except DataError as error:
        print(f"riza-tui serve: {error}", file=sys.stderr)
        return 2
    try:
        server = EmbeddedServer(store, host=options.host, port=options.port, api_key=options.api_key, access_log=True)
    except OSError as error:
        print(f"riza-tui serve: cannot listen on {options.host}:{options.port}: {error}", file=sys.stderr)
        return 1
    if options.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: listening on {options.host}, not loopback: anyone who can reach it can read it", file=sys.stderr
        )
    print(f"Serving {len(store)} executions read-only on {server.url}")
    if options.api_key is None:
        print(f"API key (generated): {server.api_key}")
    print(f"Try: RIZA_BASE_URL={server.url} RIZA_API_KEY=<key> riza-tui", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _app(options: argparse.Namespace) -> int:
    from riza_tui.app import RizaApp  # here, so that show and serve start without Textual

    if options.demo:
        from riza_tui.server.demo import demo_server

        with demo_server() as server:
            settings = ClientSettings.resolve(api_key=server.api_key, base_url=server.url, timeout=options.timeout)
            return _run(RizaApp(settings, initial_id=options.execution_id, demo=True))
    try:
        settings = _settings(options)
    except SettingsError as error:
        return _usage_error(str(error))
    return _run(RizaApp(settings, initial_id=options.execution_id))


def _run(app: RizaApp) -> NoReturn:
    """Run the app and end the process with its code (non-zero for an exit it did not choose: a crash, a
    signal). The terminal is restored when ``run`` returns; the interpreter's own teardown, freeing every
    object of a 50 MB execution, took another 0.25 s before the shell came back, so it is skipped."""
    app.run()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(app.return_code or 0)


if __name__ == "__main__":
    sys.exit(main())
