"""A key goes only to the URL it was configured with, and a key command is bounded and detached (issue 16).

``--profile NAME`` with RIZA_API_KEY exported sent that key to the profile's host, and an exported RIZA_BASE_URL
received the profile's key. Two real servers stand for the two places; each test checks which one received
which key (or that neither received anything).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import select
import shlex
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from riza_tui.cli.connect import settings_for
from riza_tui.cli.main import main
from riza_tui.core.config import ConfigError, profile_settings
from riza_tui.core.key_command import MAX_KEY_OUTPUT, KeyCommandError, run_key_command
from riza_tui.server.data import ServerData
from tests.loopback import ScriptedServer

PROFILE_KEY, ENV_KEY = "profile-key-7Qw2", "env-key-9Zx4"


@pytest.fixture
def servers(store: ServerData, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ScriptedServer, ScriptedServer]]:
    """The profile's server and another one the environment points at; the config has the profile."""
    monkeypatch.delenv("RIZA_API_KEY", raising=False)
    monkeypatch.delenv("RIZA_BASE_URL", raising=False)
    data = ServerData(store.records[:3])
    with ScriptedServer(data, api_key=PROFILE_KEY) as mine, ScriptedServer(data, api_key=ENV_KEY) as other:
        yield mine, other


def write_config(text: str) -> Path:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "riza-tui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def keys_received(server: ScriptedServer) -> set[str]:
    return {request.headers.get("authorization", "") for request in server.requests}


def show(server: ScriptedServer, *flags: str) -> int:
    return main(["show", server.data.records[0]["id"], "--field", "code", *flags])


@pytest.mark.parametrize("exported", ["RIZA_API_KEY", "RIZA_BASE_URL", "both"])
def test_an_explicit_profile_uses_its_own_key_and_url_whatever_is_exported(
    servers: tuple[ScriptedServer, ScriptedServer], monkeypatch: pytest.MonkeyPatch, exported: str
) -> None:
    mine, other = servers
    write_config(f'[profiles.p]\nbase_url = "{mine.url}"\napi_key = "{PROFILE_KEY}"\n')
    if exported in ("RIZA_API_KEY", "both"):
        monkeypatch.setenv("RIZA_API_KEY", ENV_KEY)
    if exported in ("RIZA_BASE_URL", "both"):
        monkeypatch.setenv("RIZA_BASE_URL", other.url)
    assert show(mine, "--profile", "p") == 0
    assert keys_received(mine) == {f"Bearer {PROFILE_KEY}"}, "the profile's key, to the profile's URL"
    assert other.requests == []


@pytest.mark.parametrize(
    ("exported", "said"),
    [
        ("RIZA_API_KEY", "RIZA_API_KEY is set but the URL would come from profile p"),
        ("RIZA_BASE_URL", "RIZA_BASE_URL is set but the key would come from profile p"),
    ],
    ids=["key exported", "URL exported"],
)
def test_half_a_pair_from_the_environment_with_the_default_profile_is_refused(
    servers: tuple[ScriptedServer, ScriptedServer],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    exported: str,
    said: str,
) -> None:
    mine, other = servers
    write_config(f'default_profile = "p"\n[profiles.p]\nbase_url = "{mine.url}"\napi_key = "{PROFILE_KEY}"\n')
    monkeypatch.setenv(exported, ENV_KEY if exported == "RIZA_API_KEY" else other.url)
    assert show(mine) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1, err
    assert PROFILE_KEY not in err and ENV_KEY not in err
    assert mine.requests == [] and other.requests == [], "no key went anywhere"


@pytest.mark.parametrize("flags", [["--api-key", ENV_KEY], ["--base-url", "http://127.0.0.1:9"]], ids=["key", "url"])
def test_a_flag_with_an_explicit_profile_is_refused(
    servers: tuple[ScriptedServer, ScriptedServer], capsys: pytest.CaptureFixture[str], flags: list[str]
) -> None:
    mine, _ = servers
    write_config(f'[profiles.p]\nbase_url = "{mine.url}"\napi_key = "{PROFILE_KEY}"\n')
    assert show(mine, "--profile", "p", *flags) == 2
    err = capsys.readouterr().err
    assert "cannot be used with --profile" in err and ENV_KEY not in err and mine.requests == []


def test_a_whole_pair_from_the_environment_overrides_the_default_profile(
    servers: tuple[ScriptedServer, ScriptedServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, other = servers
    write_config(f'default_profile = "p"\n[profiles.p]\nbase_url = "{mine.url}"\napi_key = "{PROFILE_KEY}"\n')
    monkeypatch.setenv("RIZA_API_KEY", ENV_KEY)
    monkeypatch.setenv("RIZA_BASE_URL", other.url)
    assert show(other) == 0
    assert keys_received(other) == {f"Bearer {ENV_KEY}"} and mine.requests == []
    options = argparse.Namespace(api_key=None, base_url=None, timeout=None, profile=None)
    settings_for(options)
    assert options.profile_name is None, "the header does not name a profile that is not used"


def test_a_profile_may_take_its_key_from_riza_api_key_on_purpose(
    servers: tuple[ScriptedServer, ScriptedServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, _ = servers
    write_config(f'[profiles.p]\nbase_url = "{mine.url}"\napi_key_env = "RIZA_API_KEY"\n')
    monkeypatch.setenv("RIZA_API_KEY", PROFILE_KEY)
    assert show(mine, "--profile", "p") == 0
    assert keys_received(mine) == {f"Bearer {PROFILE_KEY}"}


# --- switching profile while the app runs -------------------------------------------------------------------


async def test_profile_settings_reads_api_key_env_from_the_real_environment_off_the_loop(
    servers: tuple[ScriptedServer, ScriptedServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, other = servers
    write_config(
        f'[profiles.p]\nbase_url = "{mine.url}"\napi_key_env = "P_KEY"\n'
        f'[profiles.c]\nbase_url = "{other.url}"\napi_key_command = "{sys.executable} -c \'print(42)\'"\n'
    )
    monkeypatch.setenv("P_KEY", PROFILE_KEY)
    monkeypatch.setenv("RIZA_API_KEY", ENV_KEY)  # ignored: a profile switched to uses its own key
    settings = await asyncio.to_thread(profile_settings, "p", timeout=7.0)
    assert (settings.api_key, settings.base_url, settings.timeout) == (PROFILE_KEY, mine.url, 7.0)
    settings = await asyncio.to_thread(profile_settings, "c")
    assert (settings.api_key, settings.base_url) == ("42", other.url)
    monkeypatch.delenv("P_KEY")
    with pytest.raises(ConfigError, match=r"profile p: \$P_KEY .* is not set"):
        profile_settings("p")
    with pytest.raises(ConfigError, match="no profile named 'nope'"):
        profile_settings("nope")


# --- the key command ------------------------------------------------------------------------------------------


def python_command(code: str) -> str:
    return shlex.join([sys.executable, "-c", code])


def test_a_key_command_that_never_stops_printing_is_cut_off_at_the_cap() -> None:
    started = time.monotonic()
    with pytest.raises(KeyCommandError, match="printed more than 64 KB"):
        run_key_command(python_command("import sys\nwhile True: sys.stdout.write('y' * 65536)"))
    assert time.monotonic() - started < 10, "it is killed at the cap, not at the deadline"
    assert MAX_KEY_OUTPUT == 64 * 1024


def test_a_key_command_never_reads_the_apps_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's stdin is its terminal; whatever is typed there must not reach the command."""
    reader, writer = os.pipe()
    os.write(writer, b"typed-into-the-app\n")
    os.close(writer)
    saved = os.dup(0)
    os.dup2(reader, 0)
    try:
        said = run_key_command(
            python_command("import os, sys; print(repr(sys.stdin.read()), os.getsid(0) == os.getpid())")
        )
    finally:
        os.dup2(saved, 0)
        os.close(saved)
        os.close(reader)
    assert said == "'' True\n", "stdin is /dev/null and the command leads a session of its own"


def test_a_key_command_past_its_deadline_is_killed_with_its_children(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    code = (
        "import subprocess, sys, time\n"
        f"child = subprocess.Popen(['{sys.executable}', '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)"
    )
    with pytest.raises(KeyCommandError, match=r"did not finish within 0\.5 s"):
        run_key_command(python_command(code), timeout=0.5)
    child = int(pid_file.read_text())
    try:
        descriptor = os.pidfd_open(child)
    except ProcessLookupError:
        return  # gone already
    try:  # a killed process ends a moment after the signal: wait for it (bounded) rather than look once
        assert select.select([descriptor], [], [], 10)[0], "the grandchild was killed with the command"
    finally:
        os.close(descriptor)


@pytest.mark.parametrize(
    ("command", "said"),
    [("'unclosed", "cannot be split into words"), ("   ", "is empty"), ("/nonexistent/pass", "could not run")],
)
def test_a_key_command_that_cannot_run_is_one_line(command: str, said: str) -> None:
    with pytest.raises(KeyCommandError, match=said):
        run_key_command(command)


def test_key_commands_run_side_by_side_from_threads() -> None:
    async def many() -> list[str]:
        commands = [python_command(f"print('key-{n}')") for n in range(6)]
        return await asyncio.gather(*(asyncio.to_thread(run_key_command, command) for command in commands))

    assert asyncio.run(many()) == [f"key-{n}\n" for n in range(6)]
