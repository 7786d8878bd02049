"""Test scaffolding for the embedded server: a request log and scripted faults, kept out of the shipped server.

:class:`ScriptedServer` records what arrived (method, raw path, headers) so tests can prove what the client
sent, and plays :class:`Fault` replies queued by a test instead of the real ones.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from riza_tui.server.data import ServerData
from riza_tui.server.http import ApiHandler, EmbeddedServer


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
    truncate_to: int | None = None
    path: str = "/"
    # A held fault answers only once the test sets ``release``; ``arrived`` tells the test it is being held.
    release: threading.Event | None = None
    arrived: threading.Event = field(default_factory=threading.Event)


HELD_AT_MOST = 30.0  # a bound so a failed test cannot hang the run; tests release their faults themselves


class ScriptedHandler(ApiHandler):
    server: Any

    def route(self) -> None:
        owner: ScriptedServer = self.server.owner
        owner.record(ReceivedRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
        fault = owner.take_fault(self.path)
        if fault is None:
            super().route()
        else:
            self._play(fault)

    def _play(self, fault: Fault) -> None:
        fault.arrived.set()
        if fault.release is not None:
            fault.release.wait(HELD_AT_MOST)
        if fault.truncate_to is None:
            self.send_body(fault.status, fault.body, fault.headers)
            return
        self.send_response(fault.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(fault.body)))
        self.end_headers()
        self.wfile.write(fault.body[: fault.truncate_to])
        self.wfile.flush()
        self.close_connection = True


class ScriptedServer(EmbeddedServer):
    """The embedded server with a request log and a fault queue, for tests only."""

    def __init__(self, store: ServerData, **options: Any) -> None:
        super().__init__(store, handler=ScriptedHandler, **options)
        self.data = store  # what it serves, as the in-memory data set it was given (tests look into it)
        self.requests: list[ReceivedRequest] = []
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._held: list[Fault] = []

    def record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def add_fault(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def hold(self, path: str, body: bytes = b"{}") -> Fault:
        """Queue a reply for ``path`` that the server sends only when released (at the latest, at stop)."""
        fault = Fault(200, body, path=path, release=threading.Event())
        self._held.append(fault)
        self.add_fault(fault)
        return fault

    def stop(self) -> None:
        for fault in self._held:
            assert fault.release is not None
            fault.release.set()
        super().stop()

    def take_fault(self, raw_path: str) -> Fault | None:
        with self._lock:
            if self._faults and raw_path.startswith(self._faults[0].path):
                return self._faults.popleft()
        return None
