"""Profiles from the TOML config: precedence (flags > environment > profile > defaults), errors that name the
file, line and field, keys from a variable or a command, and switching profile in the palette."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from riza_tui.api.settings import ClientSettings
from riza_tui.cli.main import main
from riza_tui.core.config import ConfigError, load_config, resolve_settings
from riza_tui.server.data import ServerData
from riza_tui.tui.app import RizaApp
from tests.app_helpers import list_heading, type_text
from tests.conftest import settle
from tests.loopback import ScriptedServer


def write_config(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    path = tmp_path / "riza-tui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_precedence_flags_then_environment_then_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(
        tmp_path,
        'default_profile = "staging"\n\n[profiles.staging]\nbase_url = "https://staging.example.com"\n'
        'api_key_env = "STAGING_KEY"\n\n[profiles.local]\nbase_url = "http://127.0.0.1:9"\n'
        f"api_key_command = \"{sys.executable} -c 'print(42)'\"\n",
        monkeypatch,
    )
    loaded = load_config(config)
    staging, local = loaded.profiles["staging"], loaded.profiles["local"]
    env = {"STAGING_KEY": "from-variable"}
    settings = resolve_settings(environ=env, profile=staging)
    assert (settings.base_url, settings.api_key) == ("https://staging.example.com", "from-variable")
    env |= {"RIZA_API_KEY": "from-env", "RIZA_BASE_URL": "https://env.example.com"}
    settings = resolve_settings(environ=env, profile=staging)
    assert (settings.base_url, settings.api_key) == ("https://env.example.com", "from-env")
    settings = resolve_settings(api_key="flag", base_url="https://flag.example.com", environ=env, profile=staging)
    assert (settings.base_url, settings.api_key) == ("https://flag.example.com", "flag")
    assert resolve_settings(environ={}, profile=local).api_key == "42", "the command's output is the key"
    assert resolve_settings(environ={}).base_url == "https://api.riza.io"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[profiles.a]\nbase_url = "https://x.example.com"\napi_kye = "k"\n', ":3: profiles.a.api_kye: unknown field"),
        ('[profiles.a]\nbase_url = "ftp://x"\n', ":2: profiles.a.base_url: must look like https://"),
        ('default_profile = "b"\n[profiles.a]\n', ":1: default_profile: no profile named 'b'"),
        ('[profiles.a]\napi_key = "k"\napi_key_env = "K"\n', ":3: profiles.a.api_key_env: give one of"),
        ("theme = 7\n", ":1: theme: must be a non-empty string"),
        ("[profiles.a\n", "Expected ']'"),
    ],
)
def test_config_errors_name_file_line_and_field(
    text: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(tmp_path, text, monkeypatch)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value).startswith(str(path)) and said in str(raised.value)


def test_a_bad_config_is_a_one_line_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path, '[profiles.a]\napi_key = "sk_live_secret"\nbse_url = "x"\n', monkeypatch)
    assert main(["show", "exec_1"]) == 2
    err = capsys.readouterr().err
    assert "config.toml:3: profiles.a.bse_url: unknown field" in err and "sk_live_secret" not in err
    write_config(tmp_path, "[profiles.a]\n", monkeypatch)
    assert main(["show", "exec_1", "--profile", "nope"]) == 2
    assert "no profile named 'nope' (profiles: a)" in capsys.readouterr().err


def test_show_uses_the_profile(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    server: ScriptedServer,
    store: ServerData,
) -> None:
    monkeypatch.delenv("RIZA_API_KEY", raising=False)
    monkeypatch.delenv("RIZA_BASE_URL", raising=False)
    write_config(tmp_path, f'[profiles.test]\nbase_url = "{server.url}"\napi_key = "{server.api_key}"\n', monkeypatch)
    assert main(["show", store.records[0]["id"], "--profile", "test", "--field", "code"]) == 0
    assert any(r.raw_path.endswith(store.records[0]["id"]) for r in server.requests)


async def test_header_names_profile_and_host_and_the_palette_switches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_app: Callable[..., RizaApp], store: ServerData
) -> None:
    with ScriptedServer(ServerData(store.records[:3]), api_key="other-key") as other:
        write_config(tmp_path, f'[profiles.other]\nbase_url = "{other.url}"\napi_key = "other-key"\n', monkeypatch)
        app = RizaApp(ClientSettings(api_key="test-key", base_url="http://127.0.0.1:1"), profile="first")
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            header = str(app.screen.query_one("#server").render())
            assert header == "first · 127.0.0.1:1" and "test-key" not in header
            await pilot.press("ctrl+p")
            await type_text(pilot, "switch profile")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("enter")
            await settle(pilot)
            assert str(app.screen.query_one("#server").render()) == f"other · {other.url.split('//')[1]}"
            assert "all 3 loaded" in list_heading(app)
            assert other.requests and other.requests[0].headers["authorization"] == "Bearer other-key"
