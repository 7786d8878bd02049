"""The ``--demo`` server: the bundled sample data on a free loopback port with a random key."""

from __future__ import annotations

from riza_tui.server.data import load_data
from riza_tui.server.http import EmbeddedServer


def demo_server() -> EmbeddedServer:
    """An unstarted server; use it as a context manager so it starts and stops with the caller."""
    return EmbeddedServer(load_data(), host="127.0.0.1", port=0)
