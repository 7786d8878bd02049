"""``riza-tui serve``: the embedded read-only API server in the foreground, with an access log."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from riza_tui.server.http import EmbeddedServer


def _stop_on_terminate(_signal: int, _frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt  # so that a temporary archive is deleted on SIGTERM as on Ctrl-C


def run_serve(options: argparse.Namespace) -> int:
    previous = signal.signal(signal.SIGTERM, _stop_on_terminate)
    try:
        return _serve(options)
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def _serve(options: argparse.Namespace) -> int:
    from riza_tui.server.archived import served_data
    from riza_tui.server.data import DataError
    from riza_tui.server.http import EmbeddedServer

    try:
        with served_data(options.data) as data:
            try:
                server = EmbeddedServer(
                    data, host=options.host, port=options.port, api_key=options.api_key, access_log=True
                )
            except OSError as error:
                print(f"riza-tui serve: cannot listen on {options.host}:{options.port}: {error}", file=sys.stderr)
                return 1
            _announce(options, server, len(data))
            try:
                server.serve_forever()
            finally:
                server.stop()
    except DataError as error:
        print(f"riza-tui serve: {error}", file=sys.stderr)
        return 2
    return 0


def _announce(options: argparse.Namespace, server: EmbeddedServer, count: int) -> None:
    if options.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: listening on {options.host}, not loopback: anyone who can reach it can read it", file=sys.stderr
        )
    print(f"Serving {count} executions read-only on {server.url}")
    if options.api_key is None:
        print(f"API key (generated): {server.api_key}")
    print(f"Try: RIZA_BASE_URL={server.url} RIZA_API_KEY=<key> riza-tui", flush=True)
