"""The command line and its neighbours under bad input (issue 16): serve's log on client resets, --demo leaving
the user's config alone, flags out of range, and a $PAGER or $EDITOR that cannot be run as written."""

from __future__ import annotations

import os
import socket
import struct
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from riza_tui.cli.main import main
from riza_tui.core.external_tools import run_editor, run_pager
from riza_tui.server.data import ServerData
from riza_tui.server.http import EmbeddedServer
from tests.loopback import ScriptedServer
from tests.test_pty import app_in_pty, quit_app, read_until

# --- serve: a client that resets its connection ------------------------------------------------------------


def handler_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if "process_request" in thread.name}


def test_serve_says_nothing_of_a_client_that_resets_mid_reply(
    store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    biggest = max(store.records, key=lambda record: len(store.body(record["id"]) or b""))
    with EmbeddedServer(store, api_key="k", access_log=True) as server:
        before = handler_threads()
        host, port = server.url.removeprefix("http://").rsplit(":", 1)
        for _ in range(3):
            with socket.create_connection((host, int(port))) as connection:
                request = f"GET /v1/executions/{biggest['id']} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n"
                connection.sendall(request.encode())
                connection.recv(1)  # the reply has started: now hang up hard (RST) while it is being written
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        for thread in handler_threads() - before:  # wait for the handlers to meet the reset
            thread.join(10)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "ConnectionResetError" not in err and "BrokenPipe" not in err, err


def test_serve_reports_another_failure_of_a_request_in_one_line(
    store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    with EmbeddedServer(store, api_key="k", access_log=True) as server:
        try:
            raise OSError(5, "Input/output error")
        except OSError:
            server._httpd.handle_error(None, ("127.0.0.1", 40000))
    err = capsys.readouterr().err
    assert err == "riza-tui serve: a request from 127.0.0.1 failed: OSError: [Errno 5] Input/output error\n"


# --- --demo never reads the config ------------------------------------------------------------------------


def config_with_a_key_command(marker: Path) -> None:
    """A config whose default profile's key command would leave ``marker`` behind if it ran."""
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "riza-tui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    command = f"{sys.executable} -c \\\"open('{marker}', 'w').write('ran')\\\""
    path.write_text(f'default_profile = "p"\n[profiles.p]\napi_key_command = "{command}"\n')


def broken_config() -> None:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "riza-tui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[profiles.a\nnot toml at all")


@pytest.mark.parametrize("config", ["key command", "broken"])
def test_the_demo_commands_never_read_the_config(
    store: ServerData, tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str
) -> None:
    marker = tmp_path / "key-command-ran"
    config_with_a_key_command(marker) if config == "key command" else broken_config()
    first, second = store.records[0]["id"], store.records[1]["id"]
    assert main(["show", first, "--demo", "--field", "code"]) == 0
    assert main(["list", "--demo", "--limit", "3"]) == 0
    assert main(["diff", first, second, "--demo"]) in (0, 1)
    assert not marker.exists() and capsys.readouterr().err == ""
    assert main(["list", "--limit", "1"]) == 2, "without --demo the config is read"
    assert marker.exists() == (config == "key command")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
@pytest.mark.parametrize("config", ["key command", "broken"])
def test_the_demo_app_never_reads_the_config(tmp_path: Path, store: ServerData, config: str) -> None:
    marker = tmp_path / "key-command-ran"
    config_with_a_key_command(marker) if config == "key command" else broken_config()
    with ScriptedServer(ServerData([]), api_key="unused") as unused:
        env = {"XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"]}
        with app_in_pty(unused, "--demo", env=env) as (process, parent):
            first = str(store.records[0]["id"]).encode()
            assert first in read_until(parent, first, time.monotonic() + 30), "the bundled data is listed"
            quit_app(process, parent)
    assert not marker.exists()


# --- flags out of range ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["list", "--profile", ""], "a profile name cannot be empty"),
        (["show", "x", "--profile", "a\x1b]0;t\x07"], "may hold only letters"),
        (["list", "--limit", "99999999999999999999999"], "at most 10,000,000"),
        (["list", "--limit", "9" * 5000], "at most 10,000,000"),
        (["list", "--limit", "0"], "not a positive whole number"),
    ],
    ids=["empty profile", "escape in profile", "huge limit", "5000 digits", "zero"],
)
def test_flags_out_of_range_are_one_line(capsys: pytest.CaptureFixture[str], args: list[str], said: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1 and "\x1b" not in err and len(err) < 300, err


# --- $PAGER and $EDITOR ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("PAGER", '"less', "$PAGER cannot be split into words"),
        ("PAGER", "   ", "$PAGER is blank"),
        ("VISUAL", "vim '", "$VISUAL cannot be split into words"),
        ("EDITOR", "\t", "$EDITOR is blank"),
    ],
)
def test_a_pager_or_editor_that_cannot_be_run_as_written_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str, said: str
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv(variable, value)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    run = run_pager if variable == "PAGER" else run_editor
    problem = run("the pane's text, secrets revealed: hunter2")
    assert problem.startswith(said) and "\n" not in problem and "hunter2" not in problem, problem
    assert list(tmp_path.iterdir()) == [], "no temporary file is left behind"
