"""Start-up: the app is imported and built with the garbage collector paused (riza_tui.cli.collector); a start
that fails before the app runs leaves the collector as it found it."""

from __future__ import annotations

import gc

import pytest

from riza_tui.cli.main import main


def test_an_app_start_that_fails_leaves_the_collector_running(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TEXTUAL_DRIVER", "headless")  # past the "stdout is not a terminal" check
    assert gc.isenabled()
    assert main(["--offline", "--no-archive"]) == 2
    assert "drop --no-archive" in capsys.readouterr().err
    assert gc.isenabled(), "a caller that goes on after main() returns must still collect its garbage"
