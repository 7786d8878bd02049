"""show, list and diff with the archive: kept as fetched, read ``--offline`` with the server stopped, the archived
copy when the server is down, and an archive that cannot be used never stops a command."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from riza_tui.cli.main import main
from riza_tui.core.archive import archive_path, open_archive
from riza_tui.safety.mask import MASK
from riza_tui.server.data import ServerData
from tests.archive_helpers import locked, read_only
from tests.conftest import find, of_type
from tests.loopback import ScriptedServer

Output = tuple[int, str, str]


@pytest.fixture(autouse=True)
def point_at_server(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RIZA_BASE_URL", server.url)
    monkeypatch.setenv("RIZA_API_KEY", server.api_key)
    monkeypatch.delenv("NO_COLOR", raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Output:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def unkeyed(text: str) -> str:
    """A diff without its env fingerprints, which are keyed afresh by every comparison."""
    return re.sub(r"value #[0-9a-f]{12}", "value #…", text)


def with_env(store: ServerData) -> dict[str, object]:
    return find(store, lambda r: of_type("script")(r) and bool(r["details"]["request"].get("env")))


def test_show_list_and_diff_offline_print_what_they_print_online_with_the_server_stopped(
    server: ScriptedServer, store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = with_env(store)
    failed = find(store, lambda r: r["exit_code"] != 0 and of_type("script")(r))
    tool = find(store, of_type("tool"))
    commands = [
        ["show", str(secret["id"])],
        ["show", str(secret["id"]), "--json"],
        ["show", str(failed["id"]), "--markdown"],
        ["show", str(failed["id"]), "--field", "stderr", "--exit-status"],
        ["show", str(tool["id"])],
        ["list"],
        ["list", "--failures", "--limit", "7", "--json"],
        ["diff", str(failed["id"]), str(tool["id"])],
    ]
    assert main(["sync", "--since", "all"]) == 0
    capsys.readouterr()
    online = [run(capsys, *command) for command in commands]
    assert all(not err for _, _, err in online)
    server.stop()
    for command, (code, out, _) in zip(commands, online, strict=True):
        offline_code, offline_out, offline_err = run(capsys, *command, "--offline")
        assert (offline_code, unkeyed(offline_out)) == (code, unkeyed(out)), command
        lines = offline_err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("riza-tui: offline: "), offline_err
        assert "the archive of " + server.url in lines[0]
    assert "180 executions in the archive" in run(capsys, "list", "--offline")[2]
    code, _, err = run(capsys, "show", "exec_not_archived", "--offline")
    assert code == 1 and "exec_not_archived is not in the archive of" in err and len(err.splitlines()) == 1


def test_offline_needs_no_key_and_runs_no_key_command(
    server: ScriptedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "key-command-ran"
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "riza-tui" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[profiles.p]\nbase_url = "{server.url}"\napi_key_command = "touch {marker}"\n')
    monkeypatch.delenv("RIZA_API_KEY")
    monkeypatch.delenv("RIZA_BASE_URL")
    code, _, err = run(capsys, "list", "--offline", "--profile", "p")
    assert code == 2 and "does not exist yet" in err and len(err.splitlines()) == 1
    assert not marker.exists(), "no key is looked for offline"
    assert not archive_path(server.url, "p").exists(), "reading creates nothing"


def test_show_keeps_what_it_fetched_masked(
    server: ScriptedServer, store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    record = with_env(store)
    assert run(capsys, "show", str(record["id"]))[0] == 0
    with open_archive(server.url, None, read_only=True) as archive:
        copy = archive.get(str(record["id"]))
    assert copy is not None
    assert set(copy.raw["details"]["request"]["env"].values()) == {MASK}
    assert copy.raw["details"]["response"] == record["details"]["response"]  # type: ignore[index]


def test_show_prints_the_archived_copy_when_the_server_cannot_be_reached(
    server: ScriptedServer, store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    record = find(store, lambda r: r["exit_code"] == 137)
    online = run(capsys, "show", record["id"], "--exit-status")
    assert online[0] == 137
    server.stop()
    code, out, err = run(capsys, "show", record["id"], "--exit-status")
    assert (code, out) == online[:2], "the copy is the answer, with the execution's own exit code"
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "connection failed: could not connect" in lines[0]
    assert "printing the archived copy (archived just now)" in lines[0]
    code, out, err = run(capsys, "show", record["id"], "--reveal-secrets")
    assert code == 1 and not out and "keeps its secrets masked" in err, "nothing can be revealed from a copy"
    code, out, err = run(capsys, "show", "exec_never_seen")
    assert code == 1 and not out and "archived copy" not in err


@pytest.mark.parametrize("fault", ["damaged", "locked", "read-only"])
def test_an_unusable_archive_is_one_line_and_show_still_works(
    server: ScriptedServer,
    store: ServerData,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
) -> None:
    record = store.records[0]
    expected = run(capsys, "show", record["id"], "--no-archive")
    path = archive_path(server.url, None)
    monkeypatch.setattr("riza_tui.core.archive.opening.DEFAULT_BUSY_TIMEOUT", 0.2)
    if fault == "damaged":
        path.parent.mkdir(parents=True)
        path.write_bytes(b"\x00garbage, not SQLite\n" * 500)
        code, out, err = run(capsys, "show", record["id"])
    else:
        open_archive(server.url, None).close()
        with locked(path) if fault == "locked" else read_only(path):
            code, out, err = run(capsys, "show", record["id"])
    assert (code, out) == expected[:2]
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    said = {"damaged": "is damaged", "locked": "is locked by another process", "read-only": "is read-only"}[fault]
    assert lines[0].startswith(f"riza-tui: warning: archive {path}: {said}") and "going on without it" in lines[0]


def test_the_off_switch_keeps_nothing_and_another_file_can_be_named(
    server: ScriptedServer, store: ServerData, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = Path(os.environ["XDG_DATA_HOME"])
    record = store.records[1]
    assert run(capsys, "show", record["id"], "--no-archive")[0] == 0
    assert run(capsys, "diff", record["id"], store.records[2]["id"], "--no-archive")[0] == 1
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "riza-tui" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("archive = false\n")
    assert run(capsys, "show", record["id"])[0] == 0
    assert not data.exists() or not any(data.rglob("*")), "nothing on disk"
    elsewhere = tmp_path / "mine.db"
    assert run(capsys, "show", record["id"], "--archive", str(elsewhere))[0] == 0, "a named file is asked for"
    with open_archive(server.url, None, path=elsewhere, read_only=True) as archive:
        assert archive.known([record["id"]]) == {record["id"]}
    config.write_text('archive_max_size = "5 parsecs"\n')
    code, _, err = run(capsys, "show", record["id"])
    assert code == 2 and f"{config}:1: archive_max_size: '5 parsecs' is not a size" in err
    code, _, err = run(capsys, "show", record["id"], "--offline", "--no-archive")
    assert code == 2 and "drop --no-archive" in err
