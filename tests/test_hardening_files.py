"""The files riza-tui reads and writes, attacked with real files (issue 16): the lookup history, the config file
and ``serve --data``. Each must be a regular file, read bounded, never followed through a planted symlink when
written, private, and tolerant of bad bytes; a bad one is one line and the program goes on."""

from __future__ import annotations

import gzip
import os
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from riza_tui.cli.main import main
from riza_tui.core.config import ConfigError, load_config
from riza_tui.core.history import MAX_ENTRIES, LookupHistory

BOUND = 10.0  # seconds: a bound, so that a hang fails the test instead of the run


def finishes(work: Callable[[], object]) -> object:
    """``work()``'s result, run in a thread so that a read that blocks forever fails the test."""
    results: list[object] = []
    thread = threading.Thread(target=lambda: results.append(work()), daemon=True)
    thread.start()
    thread.join(BOUND)
    assert not thread.is_alive(), "it blocked"
    return results[0]


# --- the lookup history -------------------------------------------------------------------------------------


def history_file(tmp_path: Path) -> Path:
    path = tmp_path / "state" / "riza-tui" / "history"
    path.parent.mkdir(parents=True)
    return path


def test_a_huge_history_is_read_in_bounded_time(tmp_path: Path) -> None:
    path = history_file(tmp_path)
    path.write_text("".join(f"exec_{n:08d}\n" for n in range(40_000)))
    started = time.monotonic()
    history = LookupHistory(path)
    assert time.monotonic() - started < 1.0, "13.8 s before: each line was checked against a list"
    assert history.entries[:2] == ["exec_00000000", "exec_00000001"] and len(history.entries) == MAX_ENTRIES


def test_a_fifo_at_the_history_path_does_not_hang_the_start(tmp_path: Path) -> None:
    path = history_file(tmp_path)
    os.mkfifo(path)
    history = finishes(lambda: LookupHistory(path))
    assert isinstance(history, LookupHistory) and history.entries == []
    finishes(lambda: history.add("exec_1"))


def test_a_symlink_planted_at_the_temporary_or_the_history_path_is_not_followed(tmp_path: Path) -> None:
    path = history_file(tmp_path)
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (path.parent / "history.tmp").symlink_to(victim)
    history = LookupHistory(path)
    history.add("exec_1")
    assert victim.read_text() == "precious\n"
    path.unlink()
    path.symlink_to(victim)
    assert LookupHistory(path).entries == [], "a symlink is not read"
    history.add("exec_2")
    assert victim.read_text() == "precious\n" and not path.is_symlink(), "the link was replaced, not its target"
    assert LookupHistory(path).entries == ["exec_2", "exec_1"]


def test_an_invalid_byte_costs_its_line_only(tmp_path: Path) -> None:
    path = history_file(tmp_path)
    path.write_bytes(b"exec_1\n\xff\xfe\nexec_2\nnot an id at all\nexec_\xc3\n")
    assert LookupHistory(path).entries == ["exec_1", "exec_2"]


def test_two_instances_keep_each_others_entries(tmp_path: Path) -> None:
    path = history_file(tmp_path)
    first, second = LookupHistory(path), LookupHistory(path)
    first.add("exec_a")
    second.add("exec_b")
    first.add("exec_c")
    assert LookupHistory(path).entries == ["exec_c", "exec_b", "exec_a"]
    assert first.entries == ["exec_c", "exec_b", "exec_a"]


def test_the_history_is_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "riza-tui" / "history"
    previous = os.umask(0o022)
    try:
        LookupHistory(path).add("exec_1")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["history"], "no temporary file is left behind"


# --- the config file ----------------------------------------------------------------------------------------


def config_file() -> Path:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "riza-tui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def one_line_exit_2(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = finishes(lambda: main(["show", "exec_1", *args]))
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_a_fifo_at_the_config_path_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(config_file())
    assert "not a regular file" in one_line_exit_2(capsys)


def test_a_symlink_to_a_device_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    config_file().symlink_to("/dev/zero")
    assert "not a regular file" in one_line_exit_2(capsys)


def test_a_huge_config_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    config_file().write_text("# padding\n" * 200_000)
    assert "larger than 1 MB" in one_line_exit_2(capsys)


def test_a_symlinked_config_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dotfile managers link the config from a repository: that is followed (to a regular file only)."""
    real = tmp_path / "dotfiles" / "config.toml"
    real.parent.mkdir()
    real.write_text('theme = "textual-light"\n')
    config_file().symlink_to(real)
    assert load_config().theme == "textual-light"


@pytest.mark.parametrize(
    "name", ["a\x1b]0;pwned\x07", "[@click=app.quit]x", "a b", "é\u202e"], ids=["OSC", "markup", "space", "bidi"]
)
def test_a_profile_name_a_terminal_or_markup_could_obey_is_refused(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    escaped = "".join(f"\\u{ord(c):04x}" for c in name)
    config_file().write_text(f'default_profile = "x"\n\n[profiles.x]\n\n[profiles."{escaped}"]\napi_key = "k"\n')
    err = one_line_exit_2(capsys, "--profile", "nope")
    assert ":5: profiles: the profile name" in err, err
    assert "\x1b" not in err and "\u202e" not in err and "\x07" not in err


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('theme = "x"\n\nprofiles.a.base_url = "ftp://x"\n', 3),
        ('theme = "x"\n[profiles]\n\na.base_url = "ftp://x"\n', 4),
        ('[profiles.a]\napi_key = "k"\n\n[profiles.b]\n"base_url" = "ftp://x"\n', 5),
        ('[profiles.a]\nbase_url = "https://x.example"\n[profiles . "b"]\nbase_url = "ftp://x"\n', 4),
    ],
    ids=["top-level dotted", "dotted in [profiles]", "quoted key", "quoted table"],
)
def test_dotted_and_quoted_keys_are_reported_at_their_line(text: str, line: int) -> None:
    path = config_file()
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert f"config.toml:{line}: profiles." in str(raised.value) and "base_url" in str(raised.value), raised.value


# --- serve --data ------------------------------------------------------------------------------------------


def test_a_gzip_bomb_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("riza_tui.server.stream.MAX_STREAMED_BYTES", 8 * 1024 * 1024)
    bomb = tmp_path / "executions.json.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as file:
        chunk = b" " * (1024 * 1024)
        for _ in range(64):  # 64 MB of spaces in ~64 KB: eight times the cap
            file.write(chunk)
    assert bomb.stat().st_size < 1024 * 1024
    assert main(["serve", "--port", "0", "--data", str(bomb)]) == 2
    err = capsys.readouterr().err
    assert "more than 8 MB" in err and len(err.strip().splitlines()) == 1, err


def test_a_plain_data_file_over_the_cap_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("riza_tui.server.stream.MAX_STREAMED_BYTES", 1024)
    big = tmp_path / "executions.json"
    big.write_text("[" + " " * 4096 + "]")
    assert main(["serve", "--port", "0", "--data", str(big)]) == 2
    assert "more than" in capsys.readouterr().err


def test_the_cap_leaves_room_for_real_data_files() -> None:
    from riza_tui.server.data import MAX_DATA_BYTES

    assert MAX_DATA_BYTES >= 256 * 1024 * 1024
