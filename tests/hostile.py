"""A hostile loopback server for tests: it speaks raw sockets so it can trickle, stall or lie."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Behaviour = Callable[[socket.socket, threading.Event], None]


@contextmanager
def hostile_server(behaviour: Behaviour) -> Iterator[str]:
    """Serve every connection with ``behaviour(conn, stopping)`` until the block ends; yields the base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    stopping = threading.Event()

    def accept() -> None:
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=_serve, args=(conn,), daemon=True).start()

    def _serve(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                behaviour(conn, stopping)
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stopping.set()
        listener.close()


def trickle(conn: socket.socket, stopping: threading.Event) -> None:
    """Headers promising a body, then one byte a second, forever."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    while not stopping.wait(1.0):
        conn.sendall(b" ")


def silent(conn: socket.socket, stopping: threading.Event) -> None:
    """Accept the request and never answer."""
    stopping.wait(60)


def rate_limited(conn: socket.socket, stopping: threading.Event) -> None:
    """429 asking the client to come back in a minute."""
    body = b'{"code":8,"message":"slow down"}'
    conn.sendall(
        b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 60\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
