"""A read-only HTTP server of the two executions endpoints, on the standard library's threading server.

It runs in a thread of its own, so ``--demo`` can share a process with the app and tests can start one
per test on port 0. It keeps no per-request state (a request log here grew to ~1 GB under abuse), never
wakes while idle (no polling loop), closes idle and half-open connections, and answers every error, even
a malformed request, with a JSON Status body. Tests extend :class:`ApiHandler` to script faults.
"""

from __future__ import annotations

import hmac
import json
import os
import re
import secrets
import selectors
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, unquote

from riza_tui.server.source import ExecutionSource

LIST_PATH = "/v1/executions"
# google.rpc codes, as the API's Status bodies carry them.
UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, UNIMPLEMENTED, UNAUTHENTICATED = 2, 3, 4, 5, 12, 16
RPC_CODE_BY_STATUS = {400: INVALID_ARGUMENT, 404: NOT_FOUND, 405: UNIMPLEMENTED, 408: DEADLINE_EXCEEDED}
RPC_CODE_BY_STATUS |= {401: UNAUTHENTICATED, 413: INVALID_ARGUMENT, 414: INVALID_ARGUMENT, 431: INVALID_ARGUMENT}
RPC_CODE_BY_STATUS |= {501: UNIMPLEMENTED, 505: UNIMPLEMENTED}
TRUE_WORDS, FALSE_WORDS = {"true", "1"}, {"false", "0", ""}
LIMIT_PATTERN = re.compile(r"[0-9]{1,3}")  # ASCII digits only: str.isdigit() also takes '²' and other scripts
IDLE_TIMEOUT_SECONDS = 30.0
MAX_DRAINED_BODY = 64 * 1024
LISTEN_BACKLOG = 1024


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = LISTEN_BACKLOG
    owner: EmbeddedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-reply (a size cap, a cancelled lookup) is normal: nothing is said. Anything
        else is one line in the access log, never a traceback per connection."""
        error = sys.exc_info()[1]
        if not self.owner.access_log or isinstance(error, ConnectionError | TimeoutError):
            return
        host = client_address[0] if isinstance(client_address, tuple) and client_address else "?"
        print(f"riza-tui serve: a request from {host} failed: {type(error).__name__}: {error}", file=sys.stderr)


class _Server6(_Server):
    address_family = socket.AF_INET6


class ApiHandler(BaseHTTPRequestHandler):
    """Answers one connection. ``do_GET`` routes; tests subclass it to record requests and script faults."""

    protocol_version = "HTTP/1.1"
    server_version = "riza-tui-embedded"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.owner.idle_timeout)  # idle and half-open connections close
        # Headers and body go out in separate writes; without this, delayed ACKs stall each reply ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.owner.access_log:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self.drain_body()
        self.route()

    do_HEAD = do_GET  # send_body leaves out the body for HEAD

    def _refuse(self) -> None:
        self.drain_body()
        self.send_status(405, UNIMPLEMENTED, "this server is read-only: only GET and HEAD are supported")

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _refuse

    def drain_body(self) -> None:
        """Read a request body so it can never be taken for the next request; a body too big, or of unknown
        length, closes the connection after the reply instead."""
        length = self.headers.get("Content-Length", "0").strip() or "0"
        known = not self.headers.get("Transfer-Encoding") and length.isascii() and length.isdigit()
        if not known or int(length) > MAX_DRAINED_BODY:
            self.close_connection = True
        elif int(length):
            self.rfile.read(int(length))

    def route(self) -> None:
        owner = self.server.owner
        if not self._authorised(owner.api_key):
            self.send_status(401, UNAUTHENTICATED, "unauthenticated")
            return
        path, _, query = self.path.partition("?")
        if path == LIST_PATH:
            self._list(owner.store, query)
        elif path.startswith(LIST_PATH + "/") and "/" not in path[len(LIST_PATH) + 1 :]:
            self._retrieve(owner.store, unquote(path[len(LIST_PATH) + 1 :]))
        else:
            self.send_status(404, NOT_FOUND, "not found")

    def _authorised(self, api_key: str) -> bool:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), api_key.encode())

    def _retrieve(self, store: ExecutionSource, execution_id: str) -> None:
        body = store.body(execution_id)
        if body is None:
            self.send_status(404, NOT_FOUND, "execution not found")
        else:
            self.send_body(200, body)

    def _list(self, store: ExecutionSource, query: str) -> None:
        params = {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}
        raw_limit = params.get("limit", "100")
        if not LIMIT_PATTERN.fullmatch(raw_limit) or not 1 <= int(raw_limit) <= 100:
            self.send_status(400, INVALID_ARGUMENT, "limit must be an integer from 1 to 100")
            return
        failures = params.get("only_non_zero_exit_codes", "").lower()
        if failures not in TRUE_WORDS | FALSE_WORDS:
            self.send_status(400, INVALID_ARGUMENT, "only_non_zero_exit_codes must be true or false")
            return
        cursor = params.get("starting_after") or None
        if cursor is not None and not store.knows(cursor):
            self.send_status(400, INVALID_ARGUMENT, "starting_after names no execution")
            return
        items = store.page(limit=int(raw_limit), starting_after=cursor, only_failures=failures in TRUE_WORDS)
        self.send_body(200, json.dumps({"data": items}).encode())

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed requests too get a JSON Status body, not the standard library's HTML page."""
        self.close_connection = True
        self.request_version = "HTTP/1.1"  # a line too malformed to parse still gets a status line and headers
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "error"
        self.send_status(code, RPC_CODE_BY_STATUS.get(code, UNKNOWN), message or phrase)

    def send_status(self, status: int, code: int, message: str) -> None:
        self.send_body(status, json.dumps({"code": code, "message": message}).encode())

    def send_body(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if status == 405:
            self.send_header("Allow", "GET, HEAD")
        if self.close_connection:
            self.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if getattr(self, "command", "") != "HEAD":
            self.wfile.write(body)


def _server_class(host: str) -> type[_Server]:
    return _Server6 if ":" in host else _Server


class EmbeddedServer:
    """Serve a store on ``host:port`` (port 0 picks a free one; ``::1`` and ``::`` listen on IPv6)."""

    def __init__(
        self,
        store: ExecutionSource,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        access_log: bool = False,
        idle_timeout: float = IDLE_TIMEOUT_SECONDS,
        handler: type[ApiHandler] = ApiHandler,
    ) -> None:
        self.store = store
        self.api_key = api_key or "riza_demo_" + secrets.token_urlsafe(18)
        self.access_log = access_log
        self.idle_timeout = idle_timeout
        self._httpd = _server_class(host)((host, port), handler)
        self._httpd.owner = self
        self._wake_read, self._wake_write = os.pipe()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        address = self._httpd.server_address
        host = address[0].decode() if isinstance(address[0], bytes) else str(address[0])
        port = address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    def start(self) -> Self:
        self._thread = threading.Thread(target=self.serve_forever, name="riza-embedded-server", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Accept connections until :meth:`stop`. It sleeps in select() with no timeout, so an idle server
        costs no wake-ups (socketserver's own loop polls every 0.05-0.5 s)."""
        with selectors.DefaultSelector() as selector:
            selector.register(self._httpd.socket, selectors.EVENT_READ)
            selector.register(self._wake_read, selectors.EVENT_READ)
            while True:
                for key, _events in selector.select():
                    if key.fileobj == self._wake_read:
                        return
                    self._httpd.handle_request()

    def stop(self) -> None:
        if self._thread is not None:
            os.write(self._wake_write, b"x")
            self._thread.join()
            self._thread = None
        if self._wake_read >= 0:
            self._httpd.server_close()
            for fd in (self._wake_read, self._wake_write):
                os.close(fd)
            self._wake_read = self._wake_write = -1

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
