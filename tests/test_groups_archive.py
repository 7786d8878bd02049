"""core.groups over real archive files: a window's groups, a failure's group, the last good run before a group
began, and when "new" can be told. What the sample data's groups should be is worked out here from the data
and core.signature alone (``riza-tui groups`` is held to the same in tests/test_incidents_cli.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from riza_tui.api.models import Execution
from riza_tui.core.archive import Archive, open_archive
from riza_tui.core.groups import archived_before, group_of, groups, moment, opened_groups
from riza_tui.core.signature import failure_signature
from riza_tui.server.data import ServerData
from tests.conftest import FROZEN_NOW, Record, function_details, script_record

SERVER = "http://127.0.0.1:1"
V1_DUMP = Path(__file__).parent / "data" / "archive_v1.sql"  # an archive the first riza-tui wrote


def started(text: str) -> datetime:
    return datetime.fromisoformat(text)


def failures_by_signature(store: ServerData) -> dict[str, list[Record]]:
    """The bundled failures grouped by core.signature, each group newest first (as the store is)."""
    found: dict[str, list[Record]] = {}
    for record in store.records:
        signature = failure_signature(Execution.model_validate(record))
        if signature is not None:
            found.setdefault(signature.digest, []).append(record)
    return found


def subject(record: Record) -> tuple[str, ...] | None:
    """What ran: the tool, or the kind, language and code (None for what has neither)."""
    details = record.get("details") or {}
    if details.get("type") == "tool":
        return ("tool", details["tool_id"])
    if details.get("type") in ("script", "function"):
        return (details["type"], details["request"]["language"], details["request"]["code"])
    return None


def last_good(store: ServerData, first: Record) -> str | None:
    """The newest success of the same tool or code that started before ``first``."""
    for record in store.records:
        before = started(record["started_at"]) < started(first["started_at"])
        if before and subject(record) == subject(first) and failure_signature(Execution.model_validate(record)) is None:
            return str(record["id"])
    return None


def expected_groups(store: ServerData, since: datetime | None) -> dict[str, dict[str, Any]]:
    """Each group with a failure in the window: its members in it (newest first), when it was first seen in
    all the data, whether that is inside the window, and its last good run."""
    found = {}
    for digest, members in failures_by_signature(store).items():
        inside = [m for m in members if since is None or started(m["started_at"]) >= since]
        if inside:
            first_seen = started(members[-1]["started_at"])
            found[digest] = {
                "count": len(inside),
                "ids": [m["id"] for m in inside],
                "first_id": members[-1]["id"],
                "first_seen": first_seen,
                "last_seen": started(inside[0]["started_at"]),
                "new": since is None or first_seen >= since,
                "last_good_id": last_good(store, members[-1]),
            }
    return found


@pytest.fixture(scope="module")
def sample_path(store: ServerData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "archive.db"
    with open_archive(SERVER, None, path=path) as archive:
        archive.put_many(store.records)
    return path


@pytest.fixture
def sample(sample_path: Path) -> Iterator[Archive]:
    """The sample data's archive, read-only: no test can change it for the next."""
    with open_archive(SERVER, None, path=sample_path, read_only=True) as archive:
        yield archive


@pytest.mark.parametrize(
    "since",
    [None, FROZEN_NOW - timedelta(hours=24), FROZEN_NOW - timedelta(days=7), datetime(2026, 11, 25, tzinfo=UTC)],
)
def test_a_window_has_the_groups_the_signatures_make(
    sample: Archive, store: ServerData, since: datetime | None
) -> None:
    found = groups(sample, since=since, now=FROZEN_NOW)
    assert {
        group.signature: {
            "count": group.count,
            "ids": list(group.ids),
            "first_id": group.first_id,
            "first_seen": group.first_seen,
            "last_seen": group.last_seen,
            "new": group.new_in_window,
            "last_good_id": group.last_good_id,
        }
        for group in found
    } == expected_groups(store, since)
    by_id = {record["id"]: record for record in store.records}
    for group in found:
        assert [moment(us) for us in group.started_us] == [started(by_id[i]["started_at"]) for i in group.ids]
        assert group.latest_id == group.ids[0] and (group.window_start, group.window_end) == (since, FROZEN_NOW)
        assert sum(group.histogram(24)) == group.count
    latest = [(group.started_us[0], group.latest_id) for group in found]
    assert latest == sorted(latest, reverse=True), "the most recent first"


def test_a_failures_group_is_its_group_over_the_whole_archive(sample: Archive, store: ServerData) -> None:
    everything = {group.signature: group for group in groups(sample, now=FROZEN_NOW)}
    biggest = max(everything.values(), key=lambda group: group.count)
    assert biggest.count >= 10
    for member in (biggest.ids[-1], biggest.ids[0]):
        assert group_of(sample, member, now=FROZEN_NOW) == biggest
    in_a_day = groups(sample, since=biggest.last_seen - timedelta(days=1), now=FROZEN_NOW)
    assert next(g for g in in_a_day if g.signature == biggest.signature).count < biggest.count
    success = next(record["id"] for record in store.records if record["exit_code"] == 0)
    for not_a_failure in (success, "exec_never_archived", "exec_\ud800"):
        assert group_of(sample, not_a_failure) is None


def tool_run(execution_id: str, tool: str, day: int, *, failed: bool = False) -> Record:
    execution = {"id": "r", "exit_code": int(failed), "stdout": "", "duration": 4}
    execution["stderr"] = "Traceback (most recent call last):\nValueError: the upstream said no\n" if failed else ""
    return {
        "id": execution_id,
        "language": "python",
        "duration": 4,
        "exit_code": int(failed),
        "started_at": f"2026-11-{day}T10:00:00Z",
        "details": {
            "type": "tool",
            "tool_id": tool,
            "request": {"input": {}},
            "response": {"output": None, "output_status": "valid", "execution": execution},
        },
    }


def code_run(execution_id: str, code: str, hour: int, *, language: str = "python", failed: bool = False) -> Record:
    stderr = "Traceback (most recent call last):\nKeyError: 'total'\n" if failed else ""
    record = script_record(execution_id, code, exit_code=int(failed), stderr=stderr)
    record["language"] = record["details"]["request"]["language"] = language
    record["started_at"] = f"2026-11-22T{hour:02d}:00:00Z"
    return record


def test_the_last_good_run_is_the_newest_success_of_the_same_tool_or_code_before_the_first_failure(
    tmp_path: Path,
) -> None:
    details = function_details("exec_function_ok", {"ok": 1})
    details["request"]["code"] = "total = order['total']"
    function: Record = {"id": "exec_function_ok", "language": "python", "duration": 1, "exit_code": 0}
    function |= {"started_at": "2026-11-22T08:00:00Z", "details": details}
    records = [
        tool_run("exec_alpha_ok_1", "tool_alpha", 20),
        tool_run("exec_alpha_ok_2", "tool_alpha", 21),
        tool_run("exec_beta_ok", "tool_beta", 22),  # newer, but another tool
        tool_run("exec_alpha_fail_1", "tool_alpha", 23, failed=True),
        tool_run("exec_alpha_ok_3", "tool_alpha", 24),  # after the group began
        tool_run("exec_alpha_fail_2", "tool_alpha", 25, failed=True),
        tool_run("exec_gamma_fail", "tool_gamma", 24, failed=True),
        code_run("exec_code_ok", "total = order['total']", 5),
        code_run("exec_other_code_ok", "total = order.get('total')", 6),
        code_run("exec_other_language_ok", "total = order['total']", 7, language="ruby"),
        function,  # the same code, run as a function: another subject
        code_run("exec_code_fail", "total = order['total']", 9, failed=True),
    ]
    with open_archive(SERVER, None, path=tmp_path / "archive.db") as archive:
        archive.put_many(records)
        found = {group.first_id: group for group in groups(archive, now=FROZEN_NOW)}
        assert {first: group.last_good_id for first, group in found.items()} == {
            "exec_alpha_fail_1": "exec_alpha_ok_2",
            "exec_code_fail": "exec_code_ok",
            "exec_gamma_fail": None,
        }
        assert found["exec_alpha_fail_1"].ids == ("exec_alpha_fail_2", "exec_alpha_fail_1")
        recent = groups(archive, since=datetime(2026, 11, 25, tzinfo=UTC), now=FROZEN_NOW)
        assert [(g.ids, g.first_id, g.last_good_id, g.new_in_window) for g in recent] == [
            (("exec_alpha_fail_2",), "exec_alpha_fail_1", "exec_alpha_ok_2", False)
        ], "the last good run is counted from the group's first failure, not from the window"
        assert opened_groups(archive, [record["id"] for record in records]) == set(found)


def test_new_can_be_told_only_with_something_archived_from_before_the_window(tmp_path: Path) -> None:
    oldest = datetime(2026, 11, 20, 10, tzinfo=UTC)
    with open_archive(SERVER, None, path=tmp_path / "archive.db") as archive:
        assert archived_before(archive, None) and not archived_before(archive, oldest), "empty"
        archive.put_many([tool_run("exec_one", "tool_alpha", 20), tool_run("exec_two", "tool_alpha", 22)])
        assert archived_before(archive, oldest + timedelta(microseconds=1)) and archived_before(archive, None)
        assert not archived_before(archive, oldest) and not archived_before(archive, oldest - timedelta(days=1))


def test_a_first_version_archive_read_offline_has_no_group_yet(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(V1_DUMP.read_text())
        connection.execute("PRAGMA user_version = 1")
    with open_archive("http://127.0.0.1:8000", None, path=path, read_only=True) as archive:
        assert not archive.current_schema and archive.behind() == 1
        assert groups(archive) == [] and group_of(archive, "exec_v1_one") is None
        assert opened_groups(archive, ["exec_v1_one"]) == set() and archived_before(archive, None)
