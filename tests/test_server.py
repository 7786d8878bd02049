"""The embedded server speaks the spec: auth, errors, pagination, validation of data files."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from riza_tui.server.data import DataError, ServerData, load_data, parse_records
from riza_tui.server.http import EmbeddedServer


def get(server: EmbeddedServer, path: str, key: str | None = "test-key") -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.get(server.url + path, headers=headers)


def test_bundled_data_is_varied_and_realistic(store: ServerData) -> None:
    records = store.records
    assert len(records) >= 150
    kinds = {(record.get("details") or {}).get("type") for record in records}
    assert {"script", "function", "tool", None} <= kinds
    assert {record["language"] for record in records} == {"python", "javascript", "typescript", "ruby", "php"}
    statuses = {record["details"]["response"].get("output_status") for record in records if "details" in record}
    assert {"valid", "error", "json_serialization_error"} <= statuses
    assert any(record["exit_code"] == 137 for record in records)
    assert any("Traceback" in json.dumps(record) for record in records)


@pytest.mark.parametrize("key", [None, "wrong"])
def test_401_body_matches_the_spec(server: EmbeddedServer, key: str | None) -> None:
    response = get(server, "/v1/executions", key)
    assert response.status_code == 401
    assert response.json() == {"code": 16, "message": "unauthenticated"}


def test_404_has_a_status_body(server: EmbeddedServer) -> None:
    response = get(server, "/v1/executions/exec_nope")
    assert response.status_code == 404 and response.json() == {"code": 5, "message": "execution not found"}
    assert get(server, "/v2/other").status_code == 404


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=101", "limit=abc", "only_non_zero_exit_codes=maybe", "starting_after=nope"]
)
def test_bad_list_parameters_are_400(server: EmbeddedServer, query: str) -> None:
    response = get(server, f"/v1/executions?{query}")
    assert response.status_code == 400 and response.json()["code"] == 3


def test_list_is_newest_first_without_details(server: EmbeddedServer, store: ServerData) -> None:
    data = get(server, "/v1/executions?limit=100").json()["data"]
    assert len(data) == 100
    assert all("details" not in item for item in data)
    started = [item["started_at"] for item in data]
    assert started == sorted(started, reverse=True)


def test_read_only(server: EmbeddedServer) -> None:
    response = httpx.post(server.url + "/v1/executions", headers={"Authorization": "Bearer test-key"})
    assert response.status_code == 405


def _record(execution_id: str) -> dict[str, object]:
    return {
        "id": execution_id,
        "language": "python",
        "duration": 1,
        "exit_code": 0,
        "started_at": "2026-01-01T00:00:00Z",
    }


def test_loads_json_list_and_jsonl(tmp_path: Path) -> None:
    as_document = tmp_path / "data.json"
    as_document.write_text(json.dumps({"data": [_record("a"), _record("b")]}))
    as_list = tmp_path / "list.json"
    as_list.write_text(json.dumps([_record("a")]))
    as_lines = tmp_path / "data.jsonl"
    as_lines.write_text("\n".join(json.dumps(_record(name)) for name in "xyz") + "\n")
    assert [len(load_data(path)) for path in (as_document, as_list, as_lines)] == [2, 1, 3]


def test_data_errors_name_the_record_and_field() -> None:
    bad = json.dumps({"data": [_record("a"), {**_record("b"), "exit_code": "zero"}]})
    with pytest.raises(DataError, match=r"f: record 2: exit_code"):
        parse_records(bad, "f")
    with pytest.raises(DataError, match=r"f: line 2: language: Field required"):
        parse_records(json.dumps(_record("a")) + "\n" + json.dumps({"id": "b"}), "f")
    with pytest.raises(DataError, match="duplicate id 'a'"):
        parse_records(json.dumps([_record("a"), _record("a")]), "f")
    with pytest.raises(DataError, match="not valid JSON"):
        parse_records("{nope", "f")


def test_serve_command_reports_bad_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from riza_tui.cli.main import main

    bad = tmp_path / "bad.json"
    bad.write_text("[1]")
    assert main(["serve", "--data", str(bad), "--port", "0"]) == 2
    assert "record 1: an execution must be a JSON object" in capsys.readouterr().err
