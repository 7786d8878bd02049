"""``riza-tui sync`` and ``riza-tui archive`` against the embedded server: what is fetched, what is said."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from riza_tui.api.client import RizaClient
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.main import main
from riza_tui.cli.sync import run_sync
from riza_tui.core.archive import archive_path, open_archive
from riza_tui.server.data import ServerData
from tests.loopback import ScriptedServer


@pytest.fixture(autouse=True)
def point_at_server(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RIZA_BASE_URL", server.url)
    monkeypatch.setenv("RIZA_API_KEY", server.api_key)


def details_asked(server: ScriptedServer) -> list[str]:
    paths = [request.raw_path for request in server.requests]
    return [path.rsplit("/", 1)[1] for path in paths if path.startswith("/v1/executions/")]


def lists_asked(server: ScriptedServer) -> list[str]:
    return [request.raw_path for request in server.requests if request.raw_path.startswith("/v1/executions?")]


class Forgetful(ServerData):
    """Lists every execution, but has lost the details of some (404 on retrieve)."""

    def __init__(self, records: list[dict[str, Any]], lost: set[str]) -> None:
        super().__init__(records)
        self.lost = lost

    def body(self, execution_id: str) -> bytes | None:
        return None if execution_id in self.lost else super().body(execution_id)


def test_since_stops_paging_at_the_first_older_execution(
    server: ScriptedServer, store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = [record for record in store.records if record["started_at"] >= "2026-11-26"]
    assert 0 < len(newer) < 100
    assert main(["sync", "--since", "2026-11-26T00:00:00+00:00"]) == 0
    assert sorted(details_asked(server)) == sorted(record["id"] for record in newer)
    assert len(lists_asked(server)) == 1, "one page held the window: no further page was asked for"
    out = capsys.readouterr().out
    assert out.startswith(f"synced {server.url}: {len(newer)} listed, 0 archived before, {len(newer)} fetched")
    assert len(out.splitlines()) == 1, "a pipe gets one summary line"


def test_failures_only_and_the_default_window_of_a_day(
    server: ScriptedServer, store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "--failures", "--since", "all", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    failures = [record["id"] for record in store.records if record["exit_code"] != 0]
    assert sorted(details_asked(server)) == sorted(failures)
    assert all("only_non_zero_exit_codes=true" in path for path in lists_asked(server))
    assert summary["fetched"] == len(failures) and summary["errors"] == 0 and summary["complete"]
    assert set(summary) >= {"server", "archive", "since", "listed", "already_archived", "failed", "interrupted"}
    server.requests.clear()
    assert main(["sync"]) == 0  # the last 24 h before the frozen clock: 2026-11-27 09:00 onwards
    newer = [record["id"] for record in store.records if record["started_at"] >= "2026-11-27T09:00"]
    assert set(details_asked(server)) == set(newer) - set(failures)


def test_errors_are_counted_and_named_not_fatal(store: ServerData, capsys: pytest.CaptureFixture[str]) -> None:
    lost = {record["id"] for record in store.records[:7]}
    with ScriptedServer(Forgetful(store.records, lost), api_key="k") as forgetful:
        assert main(["sync", "--since", "all", "--base-url", forgetful.url, "--api-key", "k"]) == 2
    out = capsys.readouterr().out
    assert f"{len(store.records) - 7} fetched, 7 errors" in out
    assert out.count("HTTP 404: execution not found") == 5 and "and 2 more" in out
    with open_archive(forgetful.url, None, read_only=True) as archive:
        assert len(archive) == len(store.records) - 7
        assert not archive.known(lost)


def test_the_list_failing_stops_the_sync_with_one_line(
    server: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "--since", "all", "--api-key", "wrong"]) == 2
    out = capsys.readouterr().out
    assert "stopped: listing failed: HTTP 401: unauthenticated" in out and "wrong" not in out


async def test_a_terminal_gets_a_progress_bar(settings: ClientSettings, tmp_path: Any) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stdout, stderr = io.StringIO(), Terminal()
    with open_archive(settings.base_url, None, path=tmp_path / "a.db") as archive:
        code = await run_sync(settings, archive, "test server", since=None, streams=(stdout, stderr))
    assert code == 0
    drawn = stderr.getvalue()
    assert "fetching" in drawn and "/s" in drawn, drawn
    assert stdout.getvalue().startswith("synced test server: 180 listed")


async def test_the_engine_reports_progress_and_fills_the_facts(settings: ClientSettings, tmp_path: Any) -> None:
    from riza_tui.core.sync import SyncState, sync_archive

    seen: list[int] = []
    with open_archive(settings.base_url, None, path=tmp_path / "a.db") as archive:
        async with RizaClient(settings) as client:
            state = await sync_archive(client, archive, concurrency=3, on_progress=lambda s: seen.append(s.done))
        assert isinstance(state, SyncState) and state.complete and state.fetched == 180
        assert seen[-1] == 180 and seen == sorted(seen)
        last = archive.stats().last_sync
        assert last is not None and last.fetched == 180 and last.complete


def test_archive_says_where_and_what(
    server: ScriptedServer, store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["archive", "--json"]) == 0
    empty = json.loads(capsys.readouterr().out)
    assert empty == {
        "path": str(archive_path(server.url, None)),
        "executions": 0,
        "bytes": 0,
        "oldest": None,
        "newest": None,
        "last_sync": None,
    }
    assert not archive_path(server.url, None).exists(), "asking creates nothing"
    assert main(["sync", "--since", "all"]) == 0
    capsys.readouterr()
    assert main(["archive", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["executions"] == len(store.records) and stats["bytes"] > 0
    assert stats["newest"] == store.records[0]["started_at"] and stats["oldest"] == store.records[-1]["started_at"]
    assert stats["last_sync"].startswith("2026-11-28T09:00:00")
    assert main(["archive"]) == 0
    text = capsys.readouterr().out
    assert f"executions  {len(store.records)} (" in text and "last sync   2026-11-28 09:00:00" in text


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["sync", "--since", "yesterday"], "is neither an age (24h, 7d, 30m, 2w) nor a date"),
        (["sync", "--concurrency", "0"], "is not a number of requests at once (1 to 64)"),
        (["show", "x", "--archive-max-size", "12"], "is too small: the archive needs at least 64KB"),
        (["list", "--archive-max-size", "lots"], "is not a size such as 500MB or 2GB"),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], said: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1, err


def test_since_reads_ages_and_dates() -> None:
    from datetime import UTC, datetime

    from riza_tui.core.since import parse_since
    from riza_tui.core.sizes import parse_size

    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    assert parse_since("24h", now) == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert parse_since("7d", now) == parse_since("1w", now) == datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    assert parse_since("30m", now) == datetime(2026, 11, 28, 8, 30, tzinfo=UTC)
    assert parse_since("2026-11-20") == datetime(2026, 11, 20, tzinfo=UTC), "local midnight (TZ=UTC in tests)"
    assert parse_since("2026-11-20T10:00:00+01:00") == datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert (parse_size("500MB"), parse_size("2GB"), parse_size("1.5 GiB")) == (500 << 20, 2 << 30, 3 << 29)
