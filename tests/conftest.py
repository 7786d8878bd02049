"""Shared fixtures: the bundled data, a real loopback server per test, and a client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from riza_tui.api.client import RizaClient
from riza_tui.api.config import ClientSettings
from riza_tui.server.http import EmbeddedServer
from riza_tui.server.store import ExecutionStore, load_store

Record = dict[str, Any]


@pytest.fixture(scope="session")
def store() -> ExecutionStore:
    return load_store()


@pytest.fixture
def server(store: ExecutionStore) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(store, api_key="test-key") as running:
        yield running


@pytest.fixture
def settings(server: EmbeddedServer) -> ClientSettings:
    """Settings for the test server with fast retries so retry tests take milliseconds."""
    return ClientSettings(api_key=server.api_key, base_url=server.url, timeout=5.0, retry_initial_delay=0.01)


@pytest.fixture
async def client(settings: ClientSettings) -> AsyncIterator[RizaClient]:
    async with RizaClient(settings) as riza:
        yield riza


@pytest.fixture
def make_client(settings: ClientSettings) -> Callable[..., RizaClient]:
    def make(**changes: Any) -> RizaClient:
        return RizaClient(replace(settings, **changes))

    return make


def find(store: ExecutionStore, predicate: Callable[[Record], bool]) -> Record:
    """The newest bundled execution matching ``predicate``; tests name what they need, not an ID."""
    for record in store.records:
        if predicate(record):
            return record
    raise LookupError("no bundled execution matches")


def of_type(kind: str | None) -> Callable[[Record], bool]:
    return lambda record: (record.get("details") or {}).get("type") == kind
