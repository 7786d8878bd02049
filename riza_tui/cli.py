"""Command line: ``riza-tui [ID]`` opens the app, ``riza-tui show ID`` prints, ``riza-tui serve`` serves."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from riza_tui import __version__
from riza_tui.api.config import ClientSettings

SUBCOMMANDS = ("show", "serve")


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("the timeout must be between 0 and 3600 seconds")
    return value


def _connection_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api-key", help="bearer token (default: $RIZA_API_KEY)")
    parser.add_argument("--base-url", help="API server (default: $RIZA_BASE_URL or https://api.riza.io)")
    parser.add_argument("--timeout", type=_positive_seconds, help="seconds to wait for an answer (default: 30)")
    parser.add_argument(
        "--demo", action="store_true", help="serve the bundled sample data on loopback in this process and use it"
    )


def app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="riza-tui",
        description="Inspect executions of the Riza executions API in your terminal.",
        epilog="Also: 'riza-tui show ID' prints one execution; 'riza-tui serve' runs the embedded API server.",
    )
    parser.add_argument("execution_id", nargs="?", metavar="ID", help="an execution ID to open at once")
    _connection_flags(parser)
    parser.add_argument("--version", action="version", version=f"riza-tui {__version__}")
    return parser


def show_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="riza-tui show", description="Print one execution.")
    parser.add_argument("execution_id", metavar="ID")
    parser.add_argument("--json", action="store_true", help="print the execution as the API shapes it")
    parser.add_argument("--reveal-secrets", action="store_true", help="do not mask env values, tokens and passwords")
    _connection_flags(parser)
    return parser


def serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="riza-tui serve", description="Serve executions read-only over HTTP.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    parser.add_argument("--api-key", help="the bearer token clients must send (default: a new random one)")
    parser.add_argument("--data", type=Path, help="executions as JSON ({'data': [...]} or a list) or JSON Lines")
    return parser


def _settings(options: argparse.Namespace) -> ClientSettings:
    return ClientSettings.resolve(api_key=options.api_key, base_url=options.base_url, timeout=options.timeout)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "serve":
        return _serve(serve_parser().parse_args(args[1:]))
    if args and args[0] == "show":
        return _show(show_parser().parse_args(args[1:]))
    return _app(app_parser().parse_args(args))


def _show(options: argparse.Namespace) -> int:
    from riza_tui.show import run_show

    settings = _settings(options)
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
    from riza_tui.app import RizaApp

    if options.demo:
        from riza_tui.server.demo import demo_server

        with demo_server() as server:
            settings = ClientSettings.resolve(api_key=server.api_key, base_url=server.url, timeout=options.timeout)
            RizaApp(settings, initial_id=options.execution_id, demo=True).run()
            return 0
    RizaApp(_settings(options), initial_id=options.execution_id).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
