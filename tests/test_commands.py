"""``show --markdown / --field / --exit-status / --color`` and ``riza-tui list``, against the embedded server."""

from __future__ import annotations

import json
import re

import pytest

from riza_tui.cli.main import main
from riza_tui.core.report import fenced
from riza_tui.server.data import ServerData
from tests.conftest import find, of_type
from tests.loopback import ScriptedServer


@pytest.fixture(autouse=True)
def point_at_server(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RIZA_BASE_URL", server.url)
    monkeypatch.setenv("RIZA_API_KEY", server.api_key)
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_markdown_report_marks_the_failing_line_and_masks(
    store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    record = find(store, lambda r: of_type("script")(r) and "ORDERS_TOKEN" in str(r))
    token = record["details"]["request"]["env"]["ORDERS_TOKEN"]
    assert main(["show", record["id"], "--markdown"]) == 0
    report = capsys.readouterr().out
    assert report.startswith(f"# Execution `{record['id']}` — exit 1 (error)")
    assert "| exit code | 1 (error) |" in report
    assert "## Code (javascript) — fails at line 5" in report
    assert 'console.log(body.results.map((o) => o.id).join("\\n"));  // ◀ fails here' in report
    assert "**Error:** `TypeError: Cannot read properties of undefined (reading 'map')`" in report
    assert token not in report and "••••" in report
    assert "\x1b" not in report


def test_fences_are_longer_than_any_backtick_run_in_the_data() -> None:
    block = fenced("a ```` b\n```\n")
    assert block.startswith("`````\n") and block.endswith("\n`````")
    assert fenced("plain").startswith("```\n")


def test_field_prints_one_field_and_exit_status_passes_the_exit_code_on(
    store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    oom = find(store, lambda r: r["exit_code"] == 137)
    assert main(["show", oom["id"], "--field", "stderr", "--exit-status"]) == 137
    assert capsys.readouterr().out == "Killed: process exceeded its memory limit\n"
    fine = find(store, lambda r: of_type("function")(r) and r["exit_code"] == 0)
    assert main(["show", fine["id"], "--field", "output", "--exit-status"]) == 0
    assert json.loads(capsys.readouterr().out) == fine["details"]["response"]["output"]
    tool = find(store, of_type("tool"))
    assert main(["show", tool["id"], "--field", "code"]) == 1, "a tool has no code"
    assert "has no code" in capsys.readouterr().err


def test_color_is_kept_on_a_terminal_and_stripped_in_a_pipe(
    store: ServerData, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    record = find(store, lambda r: of_type("script")(r) and "passed\x1b[0m in" in r["details"]["response"]["stdout"])
    assert main(["show", record["id"], "--field", "stdout"]) == 0
    piped = capsys.readouterr().out
    assert "\x1b" not in piped and "\\x1b" not in piped and " passed in " in piped, "auto: a pipe gets plain text"
    assert main(["show", record["id"], "--field", "stdout", "--color", "always"]) == 0
    coloured = capsys.readouterr().out
    assert re.search("\x1b\\[32m[0-9]+ passed\x1b\\[0m", coloured)
    assert not re.search(r"\x1b(?!\[[0-9;]*m)", coloured), "nothing but colour"
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["show", record["id"], "--field", "stdout", "--color", "auto"]) == 0
    assert "\x1b" not in capsys.readouterr().out
    assert main(["show", record["id"]]) == 0
    assert "\\x1b[32m" not in capsys.readouterr().out, "show no longer prints colour codes as text"


def test_list_pages_to_the_end_newest_first(
    store: ServerData, server: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in rows] == [record["id"] for record in store.records]
    assert sum(r.raw_path.startswith("/v1/executions?") for r in server.requests) == 3, "two pages and the empty end"
    assert main(["list", "--failures", "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    failures = [record for record in store.records if record["exit_code"] != 0][:3]
    assert [line.split("\t")[0] for line in lines] == [record["id"] for record in failures]
    assert all("\t" + str(record["exit_code"]) in line for line, record in zip(lines, failures, strict=True))
