"""The ``--demo`` server: the bundled sample data on a free loopback port with a random key."""

from __future__ import annotations

from riza_tui.server.http import EmbeddedServer
from riza_tui.server.store import load_store


def demo_server() -> EmbeddedServer:
    """An unstarted server; use it as a context manager so it starts and stops with the caller."""
    return EmbeddedServer(load_store(), host="127.0.0.1", port=0)
