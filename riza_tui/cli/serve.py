"""``riza-tui serve``: the embedded read-only API server in the foreground, with an access log."""

from __future__ import annotations

import argparse
import sys


def run_serve(options: argparse.Namespace) -> int:
    from riza_tui.server.data import DataError, load_data
    from riza_tui.server.http import EmbeddedServer

    try:
        data = load_data(options.data)
    except DataError as error:
        print(f"riza-tui serve: {error}", file=sys.stderr)
        return 2
    try:
        server = EmbeddedServer(data, host=options.host, port=options.port, api_key=options.api_key, access_log=True)
    except OSError as error:
        print(f"riza-tui serve: cannot listen on {options.host}:{options.port}: {error}", file=sys.stderr)
        return 1
    if options.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: listening on {options.host}, not loopback: anyone who can reach it can read it", file=sys.stderr
        )
    print(f"Serving {len(data)} executions read-only on {server.url}")
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
