"""The embedded server under abuse: bounded memory, idle connections, smuggled bodies, odd input, IPv6."""

from __future__ import annotations

import gc
import json
import socket
import tracemalloc
from collections.abc import Iterator
from contextlib import closing
from urllib.parse import urlsplit

import httpx
import pytest

from riza_tui.server.data import ServerData
from riza_tui.server.http import LISTEN_BACKLOG, EmbeddedServer

SAFETY_TIMEOUT = 10.0  # a bound on a blocking read, never a synchronisation


@pytest.fixture
def plain_server(store: ServerData) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(store, api_key="test-key", idle_timeout=0.5) as running:
        yield running


def connect(server: EmbeddedServer) -> socket.socket:
    where = urlsplit(server.url)
    sock = socket.create_connection((str(where.hostname), int(where.port or 0)), timeout=SAFETY_TIMEOUT)
    return sock


def exchange(server: EmbeddedServer, raw: bytes) -> bytes:
    """Send raw bytes, half-close, and read everything the server answers until it closes."""
    with closing(connect(server)) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_memory_stays_bounded_under_many_requests_with_big_headers(store: ServerData) -> None:
    big = {f"X-Junk-{n}": "x" * 8000 for n in range(6)}
    # The default idle timeout: with plain_server's 0.5 s, a loaded machine pausing between two requests saw the
    # kept-alive connection closed under it (tracemalloc slows every allocation).
    with EmbeddedServer(store, api_key="test-key") as plain_server, httpx.Client() as http:
        http.get(plain_server.url + "/v1/executions?limit=1", headers=big)  # warm up caches and threads
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(150):
            assert http.get(plain_server.url + "/v1/executions/nope", headers=big).status_code == 401
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
    # 150 requests carried 7 MB of headers; keeping them (as the request log did) would grow by that much.
    assert grown < 1_000_000, grown


def test_idle_connection_is_closed_after_the_timeout(plain_server: EmbeddedServer) -> None:
    with closing(connect(plain_server)) as sock:
        assert sock.recv(1) == b"", "the server closes a connection that sends nothing"


def test_many_idle_connections_do_not_delay_a_real_client(plain_server: EmbeddedServer) -> None:
    idle = [connect(plain_server) for _ in range(200)]
    try:
        response = httpx.get(
            plain_server.url + "/v1/executions?limit=1", headers={"Authorization": "Bearer test-key"}, timeout=5
        )
        assert response.status_code == 200
    finally:
        for sock in idle:
            sock.close()
    assert LISTEN_BACKLOG >= 512


def test_a_request_body_is_never_read_as_a_second_request(plain_server: EmbeddedServer) -> None:
    smuggled = b"GET /v1/executions?limit=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-key\r\n\r\n"
    first = b"GET /v1/executions/nope HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(smuggled)
    replies = exchange(plain_server, first + smuggled)
    assert replies.count(b"HTTP/1.1 ") == 1, replies
    chunked = b"GET /v1/executions/nope HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    replies = exchange(plain_server, chunked + b"%x\r\n" % len(smuggled) + smuggled + b"\r\n0\r\n\r\n" + smuggled)
    assert replies.count(b"HTTP/1.1 ") == 1, replies


@pytest.mark.parametrize("limit", ["²", "١٢", "1" * 5001, "-1", "+5", " 5"])
def test_limit_takes_ascii_digits_only(plain_server: EmbeddedServer, limit: str) -> None:
    response = httpx.get(
        plain_server.url + "/v1/executions", params={"limit": limit}, headers={"Authorization": "Bearer test-key"}
    )
    assert response.status_code == 400
    assert response.json() == {"code": 3, "message": "limit must be an integer from 1 to 100"}


def _status_and_body(reply: bytes) -> tuple[int, bytes]:
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"OPTIONS /v1/executions HTTP/1.1\r\nHost: x\r\n\r\n", 405),
        (b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 501),
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /v1/executions HTTP/9.9\r\n\r\n", 505),
        (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
    ],
)
def test_every_error_is_a_json_status_body(plain_server: EmbeddedServer, raw: bytes, status: int) -> None:
    got, body = _status_and_body(exchange(plain_server, raw))
    assert got == status
    parsed = json.loads(body)
    assert set(parsed) == {"code", "message"} and isinstance(parsed["code"], int)


def test_head_answers_like_get_without_a_body(plain_server: EmbeddedServer) -> None:
    unauthorised = exchange(plain_server, b"HEAD /v1/executions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    status, body = _status_and_body(unauthorised)
    assert (status, body) == (401, b"")
    assert b"Content-Type: application/json" in unauthorised


@pytest.mark.parametrize("host", ["::1", "::"])
def test_ipv6_hosts_work(store: ServerData, host: str) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        server = EmbeddedServer(store, host=host, api_key="k")
    except OSError as error:
        pytest.skip(f"IPv6 loopback unavailable: {error}")
    with server:
        port = server.url.rsplit(":", 1)[1]
        response = httpx.get(f"http://[::1]:{port}/v1/executions?limit=2", headers={"Authorization": "Bearer k"})
        assert response.status_code == 200 and len(response.json()["data"]) == 2
