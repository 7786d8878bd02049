"""The API key is validated where it is read, from every source, and never printed (issue 16).

A key with a line break (``$(cat key.txt)`` on a CRLF file, a key command that prints more lines, a ``\\r`` in
the config) made httpx refuse the header with "Illegal header value b'Bearer <the key>'", which every command
printed; a pasted no-break space crashed with a traceback holding the key. Each source is tried here through
the real command line against a real loopback server, and what is printed is searched for the key.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import RizaError
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.main import main
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from tests.app_helpers import body
from tests.conftest import settle
from tests.loopback import ScriptedServer
from tests.test_pty import app_in_pty, read_until

KEY = "riza_live_Kt9xQ2mZ7w"
SECRET_PART = "Kt9xQ2mZ7w"
BAD_SUFFIXES = {
    "CR (a CRLF key file)": "\r",
    "more lines (pass show)": "\nuser: ops@example.com\n",
    "a pasted no-break space": "\u00a0",
    "an escape sequence": "\x1b[31m",
}


@pytest.fixture
def keyed(store: ServerData, monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    """A server that wants KEY; nothing in the environment points anywhere else."""
    monkeypatch.delenv("RIZA_API_KEY", raising=False)
    monkeypatch.delenv("RIZA_BASE_URL", raising=False)
    with ScriptedServer(ServerData(store.records[:5]), api_key=KEY) as running:
        yield running


def write_profile(lines: str) -> None:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "riza-tui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(lines)


def printing(raw: str) -> str:
    """A key command that prints exactly ``raw`` (bytes and all)."""
    code = f"import sys; sys.stdout.buffer.write(bytes.fromhex({raw.encode().hex()!r}))"
    return shlex.join([sys.executable, "-c", code])


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (control characters as escapes)."""
    return '"' + "".join(f"\\u{ord(c):04x}" if not c.isprintable() or c in '"\\' else c for c in text) + '"'


def source_flag(value: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return ["--base-url", server.url, "--api-key", value]


def source_env(value: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("RIZA_API_KEY", value)
    return ["--base-url", server.url]


def source_config(value: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    write_profile(f'[profiles.p]\nbase_url = "{server.url}"\napi_key = {toml_string(value)}\n')
    return ["--profile", "p"]


def source_key_env(value: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("MY_RIZA_KEY", value)
    write_profile(f'[profiles.p]\nbase_url = "{server.url}"\napi_key_env = "MY_RIZA_KEY"\n')
    return ["--profile", "p"]


def source_command(value: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    write_profile(f'[profiles.p]\nbase_url = "{server.url}"\napi_key_command = {toml_string(printing(value))}\n')
    return ["--profile", "p"]


Source = Callable[[str, ScriptedServer, pytest.MonkeyPatch], list[str]]
SOURCES: dict[str, Source] = {
    "--api-key": source_flag,
    "RIZA_API_KEY": source_env,
    "config api_key": source_config,
    "api_key_env": source_key_env,
    "api_key_command": source_command,
}


def error_message(app: RizaApp) -> str:
    """The error panel's message line, as drawn."""
    return str(app.screen.query_one("#error-message", Static).render())


def command(name: str, server: ScriptedServer) -> list[str]:
    first = server.data.records[0]["id"]
    return {"show": ["show", first], "list": ["list"], "diff": ["diff", first, first]}[name]


@pytest.mark.parametrize("suffix", BAD_SUFFIXES.values(), ids=BAD_SUFFIXES.keys())
@pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())
def test_a_key_that_cannot_be_sent_is_refused_in_one_line_without_the_key(
    keyed: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    source: Source,
    suffix: str,
) -> None:
    flags = source(KEY + suffix, keyed, monkeypatch)
    assert main([*command("show", keyed), *flags]) == 2
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    assert SECRET_PART not in printed and KEY not in repr(printed), printed
    assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in printed, captured.err
    assert "position" in captured.err or "lines" in captured.err, "it says where the bad character is"
    assert keyed.requests == [], "nothing was sent"


@pytest.mark.parametrize("name", ["show", "list", "diff"])
def test_every_command_refuses_a_crlf_key(
    keyed: ScriptedServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    monkeypatch.setenv("RIZA_API_KEY", KEY + "\r")
    assert main([*command(name, keyed), "--base-url", keyed.url]) == 2
    captured = capsys.readouterr()
    assert SECRET_PART not in captured.out + captured.err
    assert "carriage return" in captured.err and len(captured.err.strip().splitlines()) == 1


@pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())
@pytest.mark.parametrize("ending", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_one_trailing_newline_is_not_part_of_the_key(
    keyed: ScriptedServer, monkeypatch: pytest.MonkeyPatch, source: Source, ending: str
) -> None:
    flags = source(KEY + ending, keyed, monkeypatch)
    assert main([*command("show", keyed), *flags, "--field", "code"]) == 0
    assert keyed.requests[-1].headers["authorization"] == f"Bearer {KEY}"


async def test_the_client_refuses_a_bad_key_it_is_given_in_one_line(keyed: ScriptedServer) -> None:
    """A caller that builds settings itself (the palette's profile switch) gets a RizaError, not a crash."""
    for suffix in BAD_SUFFIXES.values():
        async with RizaClient(ClientSettings(api_key=KEY + suffix, base_url=keyed.url, max_retries=0)) as riza:
            for attempt in (lambda: riza.retrieve("exec_1"), riza.list_executions):
                with pytest.raises(RizaError) as caught:
                    await attempt()
                shown = f"{caught.value} {vars(caught.value)}"
                assert SECRET_PART not in shown and "\n" not in str(caught.value)
    assert keyed.requests == []


async def test_the_error_panel_never_shows_a_bad_key(keyed: ScriptedServer) -> None:
    settings = ClientSettings(api_key=KEY + "\r", base_url=keyed.url, max_retries=0)
    app = RizaApp(settings, initial_id=keyed.data.records[0]["id"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert body(app) == "error"
        assert SECRET_PART not in error_message(app) and "carriage return" in error_message(app)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
@pytest.mark.parametrize("suffix", ["\r", "\u00a0"], ids=["CR", "NBSP"])
def test_the_app_refuses_a_bad_key_in_one_line(keyed: ScriptedServer, suffix: str) -> None:
    with app_in_pty(keyed, env={"RIZA_API_KEY": KEY + suffix}) as (process, parent):
        written = read_until(parent, b"\x00never", time.monotonic() + 30)  # until the app has gone
        assert process.wait(timeout=30) == 2
    text = written.decode(errors="replace")
    assert SECRET_PART not in text and "Traceback" not in text, text
    assert len(text.strip().splitlines()) == 1 and "RIZA_API_KEY" in text, text


# --- every spelling of the key a server may echo ------------------------------------------------------------


def spellings(key: str) -> dict[str, str]:
    """The key as a server might echo it back: each is the key to whoever reads it."""
    return {
        "plain": key,
        "bytes repr": repr(f"Bearer {key}".encode()),
        "JSON escape of one character": f"\\u{ord(key[0]):04x}{key[1:]}",
        "JSON escape of every character, upper-case hex": "".join(f"\\u{ord(c):04X}" for c in key),
        "percent-encoded": "".join(f"%{ord(c):02X}" for c in key),
        "partly percent-encoded": key[:3] + "".join(f"%{ord(c):02x}" for c in key[3:6]) + key[6:],
    }


def printed_forms(text: str) -> list[str]:
    """The forms the key could take in ``text``: what a reader (or jq, or a browser) would decode it to."""
    import json as json_module
    from urllib.parse import unquote

    decoded = [text, unquote(text)]
    for line in text.splitlines():
        with contextlib.suppress(ValueError):
            decoded.append(json_module.dumps(json_module.loads(line), ensure_ascii=False))
    with contextlib.suppress(ValueError):
        decoded.append(json_module.dumps(json_module.loads(text), ensure_ascii=False))
    return decoded


def assert_no_key(text: str) -> None:
    for form in printed_forms(text):
        assert SECRET_PART not in form, form[max(form.find(SECRET_PART) - 80, 0) :][:200]
    for name, spelled in spellings(KEY).items():
        assert spelled[4:] not in text, name
    assert any("••••" in form for form in printed_forms(text)), "the key's place is marked"


@pytest.mark.parametrize("spelling", spellings(KEY).values(), ids=spellings(KEY).keys())
def test_the_key_echoed_in_an_error_in_any_spelling_is_never_printed(
    keyed: ScriptedServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spelling: str
) -> None:
    from tests.loopback import Fault

    message = f"token {spelling} is not valid".replace('"', '\\"')
    keyed.add_fault(Fault(403, f'{{"code": 7, "message": "{message}", "echo": "{message}"}}'.encode()))
    monkeypatch.setenv("RIZA_API_KEY", KEY)
    assert main(["show", "exec_1", "--base-url", keyed.url]) == 1
    captured = capsys.readouterr()
    assert_no_key(captured.err)


def echoing_execution(spelling: str) -> bytes:
    """An execution whose every text field (stdout, code, language, an unknown field) echoes the key; written
    as raw JSON text so that the spelling is exactly what the server sends."""
    import json as json_module

    placeholder = "SPELLING_HERE"
    record = {
        "id": "exec_echo",
        "language": f"python {placeholder}",
        "duration": 5,
        "exit_code": 1,
        "started_at": "2026-11-28T08:00:00Z",
        "echo": placeholder,
        "details": {
            "type": "script",
            "request": {"language": "python", "code": f"print('{placeholder}')", "stdin": placeholder},
            "response": {
                "id": "exec_echo",
                "duration": 5,
                "stdout": f"key={placeholder}\n",
                "stderr": f"Error: {placeholder}",
                "exit_code": 1,
            },
        },
    }
    return json_module.dumps(record).replace(placeholder, spelling.replace('"', '\\"')).encode()


JSON_SPELLINGS = {name: value for name, value in spellings(KEY).items() if "JSON" in name or name == "plain"}


@pytest.mark.parametrize("spelling", JSON_SPELLINGS.values(), ids=JSON_SPELLINGS.keys())
@pytest.mark.parametrize(
    "flags",
    [[], ["--json"], ["--field", "stdout"], ["--field", "code"], ["--field", "input"], ["--markdown"]],
    ids=["plain", "json", "field-stdout", "field-code", "field-input", "markdown"],
)
def test_the_key_echoed_json_escaped_in_an_execution_is_scrubbed_after_decoding(
    keyed: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    spelling: str,
    flags: list[str],
) -> None:
    from tests.loopback import Fault

    keyed.add_fault(Fault(200, echoing_execution(spelling), path="/v1/executions/"))
    monkeypatch.setenv("RIZA_API_KEY", KEY)
    assert main(["show", "exec_echo", "--base-url", keyed.url, *flags]) == 0
    captured = capsys.readouterr()
    assert_no_key(captured.out + captured.err)


@pytest.mark.parametrize("spelling", JSON_SPELLINGS.values(), ids=JSON_SPELLINGS.keys())
def test_the_key_echoed_json_escaped_in_a_list_or_a_diff_is_scrubbed(
    keyed: ScriptedServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spelling: str
) -> None:
    import json as json_module

    from tests.loopback import Fault

    monkeypatch.setenv("RIZA_API_KEY", KEY)
    item = json_module.loads(echoing_execution("X"))
    del item["details"]
    page = json_module.dumps({"data": [item]}).replace("X", spelling.replace('"', '\\"'))
    keyed.add_fault(Fault(200, page.encode(), path="/v1/executions?"))
    keyed.add_fault(Fault(200, b'{"data": []}', path="/v1/executions?"))
    assert main(["list", "--json", "--base-url", keyed.url]) == 0
    listed = capsys.readouterr()
    assert_no_key(listed.out + listed.err)
    left = echoing_execution(spelling)
    right = left.replace(b'"stdout": "key=', b'"stdout": "the key=')
    keyed.add_fault(Fault(200, left, path="/v1/executions/"), Fault(200, right, path="/v1/executions/"))
    assert main(["diff", "exec_echo", "exec_echo", "--base-url", keyed.url]) == 1
    diffed = capsys.readouterr()
    assert_no_key(diffed.out + diffed.err)
