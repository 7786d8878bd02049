"""Hardening of the client, ``show`` and the command line against hostile servers, data and input (issue 8)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import ApiStatusError, RizaError, TimeoutFailedError
from riza_tui.api.settings import ClientSettings, display_url
from riza_tui.cli.main import main
from riza_tui.cli.show import run_show
from tests.conftest import function_details
from tests.hostile import Behaviour, hostile_server, rate_limited, silent, trickle
from tests.loopback import Fault, ScriptedServer

KEY = "sk_live_hunter2_secret"


def execution(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "exec_edge",
        "language": "python",
        "duration": 12,
        "exit_code": 1,
        "started_at": "2026-11-28T08:00:00Z",
    }
    return record | changes


def run_show_on(server: ScriptedServer, body: bytes, *flags: str) -> tuple[int, str, str]:
    server.add_fault(Fault(200, body, path="/v1/executions/"))
    out, err = io.StringIO(), io.StringIO()
    settings = ClientSettings(api_key=server.api_key, base_url=server.url, max_retries=0)
    code = asyncio.run(
        run_show(settings, "exec_edge", as_json="--json" in flags, reveal_secrets=False, stdout=out, stderr=err)
    )
    return code, out.getvalue(), err.getvalue()


def strict_json(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


# --- values at the edges of their types ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"duration": 10**400},
        {"exit_code": 10**29 + 7},
        {"started_at": "0001-01-01T00:00:00+00:04"},
        {"started_at": "9999-12-31T23:59:59-00:04"},
        {
            "details": function_details(
                "exec_edge", {"ratio": float("nan"), "big": float("inf"), "small": float("-inf")}
            )
        },
    ],
    ids=["duration-10e400", "exit-30-digits", "year-1", "year-9999", "nan-infinity"],
)
def test_edge_values_show_and_json_stays_strict(server: ScriptedServer, changes: dict[str, Any]) -> None:
    body = json.dumps(execution(**changes)).encode()
    code, out, err = run_show_on(server, body)
    assert (code, err) == (0, ""), err
    assert "exec_edge" in out
    if "duration" in changes:
        assert str(10**400)[:30] in out, "a duration too big to format is shown as sent"
    code, out, err = run_show_on(server, body, "--json")
    assert code == 0
    parsed = strict_json(out)
    if "details" in changes:
        assert parsed["details"]["response"]["output"] == {"ratio": "NaN", "big": "Infinity", "small": "-Infinity"}


# --- nesting ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [150, 1000])
def test_deep_output_is_valid_data_shown_whole(server: ScriptedServer, depth: int) -> None:
    output: Any = "bottom"
    for _ in range(depth):
        output = {"next": output}
    record = execution(details=function_details("exec_edge", output))
    code, out, err = run_show_on(server, json.dumps(record).encode(), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == record, "show --json prints it back exactly"
    code, out, _ = run_show_on(server, json.dumps(record).encode())
    assert code == 0 and out.count('"next"') == depth and '"bottom"' in out


async def test_a_recursion_bomb_still_shows_the_summary(client: RizaClient, server: ScriptedServer) -> None:
    bomb = "[" * 100_000 + "]" * 100_000
    body = json.dumps(execution()).removesuffix("}") + f', "output_extra": {bomb}}}'
    server.add_fault(Fault(200, body.encode()))
    fetched = await client.retrieve("exec_edge")
    assert fetched.execution.id == "exec_edge" and fetched.execution.exit_code == 1
    assert fetched.received == body, "the body as received is kept for the raw view"
    assert "too deep" in fetched.cut_note
    assert "cut here" in json.dumps(fetched.raw["output_extra"])


# --- secrets ------------------------------------------------------------------------------------------------


async def test_an_echoed_api_key_is_never_shown(make_client: Callable[..., RizaClient], server: ScriptedServer) -> None:
    server.add_fault(Fault(401, f'{{"code":16,"message":"bad token: Bearer {KEY}"}}'.encode()))
    server.add_fault(Fault(200, f"<html>Bearer {KEY}</html>".encode()))
    async with make_client(api_key=KEY, max_retries=0) as riza:
        for _ in range(2):
            with pytest.raises(RizaError) as caught:
                await riza.retrieve("exec_1")
            shown = f"{caught.value} {caught.value.hint} {vars(caught.value)}"
            assert KEY not in shown and "••••" in shown


def test_show_never_prints_the_key(server: ScriptedServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.add_fault(Fault(400, f"bad request for key {server.api_key}".encode()))
    assert main(["show", "exec_1", "--base-url", server.url, "--api-key", server.api_key, "--timeout", "5"]) == 1
    captured = capsys.readouterr()
    assert server.api_key not in captured.out + captured.err and "••••" in captured.err


async def test_a_password_in_the_base_url_is_never_shown() -> None:
    url = "http://admin:pa55word-xyz@127.0.0.1:9"
    assert "pa55word" not in display_url(url) and "admin" in display_url(url)
    async with RizaClient(ClientSettings(api_key="k", base_url=url, max_retries=0)) as riza:
        with pytest.raises(RizaError) as caught:
            await riza.retrieve("exec_1")
    assert "pa55word" not in f"{caught.value} {caught.value.hint}" and "127.0.0.1:9" in str(caught.value)


# --- deadlines and statuses ---------------------------------------------------------------------------------


@pytest.mark.parametrize("behaviour", [trickle, silent, rate_limited], ids=["trickle", "silent", "retry-after-60"])
async def test_timeout_is_a_total_deadline(behaviour: Behaviour) -> None:
    with hostile_server(behaviour) as url:
        settings = ClientSettings(api_key="k", base_url=url, timeout=1.0, max_retries=2)
        started = time.monotonic()
        async with RizaClient(settings) as riza:
            with pytest.raises(RizaError) as caught:
                await riza.retrieve("exec_1")
        elapsed = time.monotonic() - started
    # The deadline is 1 s; a client that waited out Retry-After or the trickle would take a minute or more.
    assert elapsed < 10, elapsed
    if behaviour is rate_limited:
        assert isinstance(caught.value, ApiStatusError) and caught.value.status == 429
        assert "retry after 60 s" in caught.value.hint
    else:
        assert isinstance(caught.value, TimeoutFailedError) and "within 1 s (retries included)" in str(caught.value)


async def test_a_redirect_is_an_error_not_an_execution(client: RizaClient, server: ScriptedServer) -> None:
    server.add_fault(Fault(302, json.dumps(execution()).encode(), headers={"Location": "/elsewhere"}))
    with pytest.raises(ApiStatusError) as caught:
        await client.retrieve("exec_edge")
    assert caught.value.status == 302


def test_another_id_than_asked_for_is_flagged(server: ScriptedServer) -> None:
    code, _out, err = run_show_on(server, json.dumps(execution(id="exec_other")).encode())
    assert code == 0 and "asked for exec_edge but the server sent exec_other" in err


# --- the command line ---------------------------------------------------------------------------------------


def cli(*args: str, env: dict[str, str] | None = None, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "riza_tui", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        stdin=stdin,
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["shwo"], "did you mean 'riza-tui show'"),
        (["lsit"], "did you mean 'riza-tui list'"),
        (["hello"], "neither a command nor an execution ID"),
        (["--frobnicate"], "unrecognized arguments"),
        (["serve", "--port", "99999"], "not a port"),
        (["serve", "--port", "-1"], "not a port"),
        (["show", "x", "--base-url", "http://[::1"], "not a valid URL"),
        (["show", "x", "--base-url", "ftp://host"], "http or https"),
        (["show", "x", "--api-key", ""], "the API key is empty"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], said: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1, err


def test_the_app_does_not_start_on_a_pipe() -> None:
    result = cli("exec_01ABC", env={"RIZA_API_KEY": "k"})
    assert result.returncode == 2 and "riza-tui show" in result.stderr
    assert "\x1b" not in result.stdout, "no terminal codes written into a pipe"


def test_bad_environment_base_url_is_a_usage_error() -> None:
    result = cli("show", "exec_1", env={"RIZA_API_KEY": "k", "RIZA_BASE_URL": "http://[::1"})
    assert result.returncode == 2 and "RIZA_BASE_URL" in result.stderr and "Traceback" not in result.stderr


def _deep(tmp_path: Path) -> Path:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    return path


def _digits(tmp_path: Path) -> Path:
    path = tmp_path / "digits.json"
    path.write_text(json.dumps([execution()]).replace('"duration": 12', '"duration": ' + "9" * 5000))
    return path


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return path


def _bad_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "bad.jsonl"
    lines = [json.dumps(execution(id=f"e{n}")) for n in range(3)]
    lines[2] = lines[2][:-5]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("make", "said"),
    [(_deep, "nested too deeply"), (_digits, "digits"), (_fifo, "not a regular file"), (_bad_jsonl, "line 3:")],
)
def test_bad_data_files_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], Path], said: str
) -> None:
    assert main(["serve", "--port", "0", "--data", str(make(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1, err


def test_show_falls_back_on_a_stdout_that_cannot_encode(server: ScriptedServer) -> None:
    server.add_fault(Fault(200, json.dumps(execution(language="日本語 ✖")).encode()))
    result = cli(
        "show",
        "exec_edge",
        env={"PYTHONIOENCODING": "latin-1", "RIZA_API_KEY": server.api_key, "RIZA_BASE_URL": server.url},
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "exit code" in result.stdout and "\\u65e5" in result.stdout
