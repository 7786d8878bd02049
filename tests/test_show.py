"""``riza-tui show``: plain text and JSON, masked and sanitised, with the documented exit codes."""

from __future__ import annotations

import json

import pytest

from riza_tui.cli.main import main
from riza_tui.server.data import ServerData
from riza_tui.server.http import EmbeddedServer
from tests.conftest import find, of_type
from tests.loopback import ScriptedServer


@pytest.fixture(autouse=True)
def point_at_server(server: EmbeddedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RIZA_BASE_URL", server.url)
    monkeypatch.setenv("RIZA_API_KEY", server.api_key)


@pytest.mark.parametrize("kind", ["script", "function", "tool", "workflow", None])
def test_plain_text_of_every_type(kind: str | None, store: ServerData, capsys: pytest.CaptureFixture[str]) -> None:
    record = find(store, of_type(kind))
    assert main(["show", record["id"]]) == 0
    out = capsys.readouterr().out
    assert record["id"] in out and "exit code" in out
    if kind in ("script", "function", "tool"):
        assert "── stdout" in out and "── stderr" in out
    else:
        assert "── raw JSON" in out


def test_secrets_masked_unless_revealed(store: ServerData, capsys: pytest.CaptureFixture[str]) -> None:
    record = find(store, lambda r: of_type("function")(r) and "GITHUB_TOKEN" in r["details"]["request"].get("env", {}))
    token = record["details"]["request"]["env"]["GITHUB_TOKEN"]
    assert main(["show", record["id"]]) == 0
    assert token not in capsys.readouterr().out
    assert main(["show", record["id"], "--json"]) == 0
    masked = json.loads(capsys.readouterr().out)
    assert masked["details"]["request"]["env"]["GITHUB_TOKEN"] != token
    assert main(["show", record["id"], "--json", "--reveal-secrets"]) == 0
    assert json.loads(capsys.readouterr().out) == record


def test_output_is_sanitised(store: ServerData, capsys: pytest.CaptureFixture[str]) -> None:
    record = find(store, lambda r: "pwned" in str(r))
    assert main(["show", record["id"]]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\\x1b]0;pwned" in out
    assert main(["show", record["id"], "--json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and json.loads(out) == record


def test_errors_exit_1_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "exec_missing"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not found" in err


def test_no_key_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("RIZA_API_KEY")
    assert main(["show", "exec_1"]) == 2
    assert "RIZA_API_KEY" in capsys.readouterr().err


def test_flags_override_environment(server: ScriptedServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "exec_1", "--api-key", "wrong"]) == 1
    assert "401" in capsys.readouterr().err
    assert server.requests[-1].headers["authorization"] == "Bearer wrong"
