"""The official rizaio SDK, pointed at our server, lists everything through its own pagination."""

from __future__ import annotations

import pytest

from riza_tui.server.http import EmbeddedServer
from riza_tui.server.store import ExecutionStore

rizaio = pytest.importorskip("rizaio")


def test_sdk_lists_and_gets_every_execution(
    server: EmbeddedServer, store: ExecutionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RIZA_BASE_URL", server.url)
    monkeypatch.setenv("RIZA_API_KEY", server.api_key)
    client = rizaio.Riza()
    listed = [execution.id for execution in client.executions.list(limit=25)]
    assert listed == [record["id"] for record in store.records]
    for execution_id in listed:
        execution = client.executions.get(execution_id)
        assert execution.id == execution_id
        expected = store.body(execution_id)
        assert expected is not None
        if "details" in store.records[listed.index(execution_id)]:
            assert execution.details is not None
    failures = [execution.exit_code for execution in client.executions.list(only_non_zero_exit_codes=True)]
    assert failures and all(code != 0 for code in failures)
