"""The official rizaio SDK, pointed at our server, lists everything through its own pagination."""

from __future__ import annotations

import json

import pytest

from riza_tui.server.data import ServerData
from riza_tui.server.http import EmbeddedServer

rizaio = pytest.importorskip("rizaio")


def test_sdk_lists_and_gets_every_execution(
    server: EmbeddedServer, store: ServerData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RIZA_BASE_URL", server.url)
    monkeypatch.setenv("RIZA_API_KEY", server.api_key)
    client = rizaio.Riza()
    listed = [execution.id for execution in client.executions.list(limit=25)]
    assert listed == [record["id"] for record in store.records]
    for execution_id in listed:
        execution = client.executions.get(execution_id)
        body = store.body(execution_id)
        assert body is not None
        expected = json.loads(body)
        got = (execution.id, execution.language, execution.exit_code, execution.duration, execution.started_at)
        sent = (expected["id"], expected["language"], expected["exit_code"], expected["duration"])
        assert got[:4] == sent and got[4].isoformat().startswith(expected["started_at"][:19])
        assert (execution.details is not None) == ("details" in expected)
    failures = [execution.exit_code for execution in client.executions.list(only_non_zero_exit_codes=True)]
    assert failures and all(code != 0 for code in failures)
