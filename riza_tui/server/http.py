"""A read-only HTTP server of the two executions endpoints, on the standard library's threading server.

It runs in a thread of its own, so ``--demo`` can share a process with the app and tests can start one
per test on port 0. Tests may queue :class:`Fault` replies and read :attr:`EmbeddedServer.requests`
(what arrived, byte for byte) to prove what the client sent.
"""

from __future__ import annotations

import hmac
import json
import secrets
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

from riza_tui.server.store import ExecutionStore

LIST_PATH = "/v1/executions"
INVALID_ARGUMENT, NOT_FOUND, UNIMPLEMENTED, UNAUTHENTICATED = 3, 5, 12, 16
TRUE_WORDS, FALSE_WORDS = {"true", "1"}, {"false", "0", ""}


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    raw_path: str
    headers: dict[str, str]


@dataclass
class Fault:
    """One scripted reply, used instead of the real one for the next request whose path starts with ``path``."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate_to: int | None = None
    path: str = "/"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: EmbeddedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-reply (a size cap, a cancelled lookup) is normal, not a traceback."""
        if self.owner.access_log:
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "riza-tui-embedded"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, delayed ACKs stall each reply ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.owner.access_log:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        owner = self.server.owner
        owner.record(ReceivedRequest("GET", self.path, {k.lower(): v for k, v in self.headers.items()}))
        fault = owner.take_fault(self.path)
        if fault is not None:
            self._play(fault)
            return
        if not self._authorised(owner.api_key):
            self._status(401, UNAUTHENTICATED, "unauthenticated")
            return
        path, _, query = self.path.partition("?")
        if path == LIST_PATH:
            self._list(owner.store, query)
        elif path.startswith(LIST_PATH + "/") and "/" not in path[len(LIST_PATH) + 1 :]:
            self._retrieve(owner.store, unquote(path[len(LIST_PATH) + 1 :]))
        else:
            self._status(404, NOT_FOUND, "not found")

    def _refuse(self) -> None:
        self._status(405, UNIMPLEMENTED, "this server is read-only: only GET is supported")

    do_POST = do_PUT = do_PATCH = do_DELETE = _refuse

    def _authorised(self, api_key: str) -> bool:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), api_key.encode())

    def _retrieve(self, store: ExecutionStore, execution_id: str) -> None:
        body = store.body(execution_id)
        if body is None:
            self._status(404, NOT_FOUND, "execution not found")
        else:
            self._send(200, body)

    def _list(self, store: ExecutionStore, query: str) -> None:
        params = {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}
        raw_limit = params.get("limit", "100")
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 100:
            self._status(400, INVALID_ARGUMENT, "limit must be an integer from 1 to 100")
            return
        failures = params.get("only_non_zero_exit_codes", "").lower()
        if failures not in TRUE_WORDS | FALSE_WORDS:
            self._status(400, INVALID_ARGUMENT, "only_non_zero_exit_codes must be true or false")
            return
        cursor = params.get("starting_after") or None
        if cursor is not None and not store.knows(cursor):
            self._status(400, INVALID_ARGUMENT, "starting_after names no execution")
            return
        items = store.page(limit=int(raw_limit), starting_after=cursor, only_failures=failures in TRUE_WORDS)
        self._send(200, json.dumps({"data": items}).encode())

    def _status(self, status: int, code: int, message: str) -> None:
        self._send(status, json.dumps({"code": code, "message": message}).encode())

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _play(self, fault: Fault) -> None:
        if fault.delay:
            time.sleep(fault.delay)
        if fault.truncate_to is None:
            self._send(fault.status, fault.body, fault.headers)
            return
        self.send_response(fault.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(fault.body)))
        self.end_headers()
        self.wfile.write(fault.body[: fault.truncate_to])
        self.wfile.flush()
        self.close_connection = True


class EmbeddedServer:
    """Serve a store on ``host:port`` (port 0 picks a free one) from a background thread."""

    def __init__(
        self,
        store: ExecutionStore,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        access_log: bool = False,
    ) -> None:
        self.store = store
        self.api_key = api_key or "riza_demo_" + secrets.token_urlsafe(18)
        self.access_log = access_log
        self.requests: list[ReceivedRequest] = []
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._httpd = _Server((host, port), _Handler)
        self._httpd.owner = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        address = self._httpd.server_address
        host = address[0].decode() if isinstance(address[0], bytes) else str(address[0])
        port = address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    def record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def add_fault(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def take_fault(self, raw_path: str) -> Fault | None:
        with self._lock:
            if self._faults and raw_path.startswith(self._faults[0].path):
                return self._faults.popleft()
        return None

    def start(self) -> EmbeddedServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="riza-embedded-server", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
