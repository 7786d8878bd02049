"""``riza-tui groups`` and ``riza-tui search`` against the embedded server and real archive files: what they
print and exit with, what they ask the server, and what they never show (a secret, a raw escape sequence)."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from riza_tui.api.client import RizaClient
from riza_tui.api.models import Execution
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.main import main
from riza_tui.cli.output import columns
from riza_tui.core.archive import archive_path, open_archive
from riza_tui.core.search_text import searchable_fields
from riza_tui.core.signature import failure_signature
from riza_tui.core.sync import sync_archive
from riza_tui.safety.mask import MASK
from riza_tui.server.data import ServerData
from tests.archive_helpers import CANARIES, VISIBLE, canary_records, files_of, readable
from tests.conftest import FROZEN_NOW, script_record
from tests.loopback import ScriptedServer
from tests.test_groups_archive import expected_groups, started

Output = tuple[int, str, str]
GROUP_KEYS = {"signature", "count", "first_seen", "last_seen", "error", "tools", "latest_id", "ids", "last_good_id"}
HIT_KEYS = {"id", "started_at", "exit_code", "field", "line"}
EXACT = ("count", "ids", "last_good_id")
V1_DUMP = Path(__file__).parent / "data" / "archive_v1.sql"  # an archive the first riza-tui wrote


@dataclass(frozen=True)
class Synced:
    server: ScriptedServer
    path: Path


@pytest.fixture(scope="module")
def synced(store: ServerData, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synced]:
    """One server, and an archive of all it holds synced once for the module: tests read copies of it."""
    path = tmp_path_factory.mktemp("synced") / "archive.db"
    with ScriptedServer(store, api_key="test-key") as server:
        settings = ClientSettings(api_key=server.api_key, base_url=server.url)

        async def fill() -> None:
            async with RizaClient(settings) as client:
                await sync_archive(client, archive)

        with open_archive(server.url, None, path=path) as archive:
            asyncio.run(fill())
        yield Synced(server, path)


@pytest.fixture
def archived(synced: Synced, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of the synced archive, with the environment pointed at its server."""
    copy = tmp_path / "archive.db"
    shutil.copyfile(synced.path, copy)
    point_at(monkeypatch, synced.server)
    return copy


def point_at(monkeypatch: pytest.MonkeyPatch, server: ScriptedServer) -> None:
    monkeypatch.setenv("RIZA_BASE_URL", server.url)
    monkeypatch.setenv("RIZA_API_KEY", server.api_key)


@pytest.fixture
def served(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> ScriptedServer:
    """This test's own server (it may be stopped), with the environment pointed at it."""
    point_at(monkeypatch, server)
    return server


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Output:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def json_lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def matching(store: ServerData, terms: list[tuple[str | None, str]], *, failures: bool = False) -> list[str]:
    """The ids of the bundled executions whose searchable text holds every term, newest first."""
    ids = []
    for record in store.records:
        execution = Execution.model_validate(record)
        fields = searchable_fields(execution)
        found = all(any(text.lower() in fields[name].lower() for name in fields if field in (None, name))
                    for field, text in terms)  # fmt: skip
        if found and not (failures and failure_signature(execution) is None):
            ids.append(str(record["id"]))
    return ids


def test_groups_after_a_sync_are_the_signatures_groups_with_their_last_good_run(
    served: ScriptedServer, store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "groups", "--since", "all", "--json")
    assert code == 0 and err == f"riza-tui groups: synced {served.url}: 180 fetched\n"
    found = json_lines(out)
    expected = expected_groups(store, None)
    by_id = {record["id"]: record for record in store.records}
    assert [group["signature"] for group in found] and all(set(group) >= GROUP_KEYS for group in found)
    assert {group["signature"] for group in found} == set(expected)
    for group in found:
        want = expected[group["signature"]]
        assert {k: group[k] for k in EXACT} == {k: want[k] for k in EXACT}
        assert (started(group["first_seen"]), started(group["last_seen"])) == (want["first_seen"], want["last_seen"])
        assert group["latest_id"] == group["ids"][0] and group["new"] is True
        signature = failure_signature(Execution.model_validate(by_id[group["latest_id"]]))
        assert signature is not None and group["error"] == signature.error
        assert group["tools"] == ([signature.parts.tool] if signature.parts.tool else [])
    seen = [started(group["last_seen"]) for group in found]
    assert seen == sorted(seen, reverse=True), "the most recent first"
    goods = [group["last_good_id"] for group in found]
    assert any(goods) and None in goods, "the sample data has groups with and without a good run before them"
    retrieved = sum(request.raw_path.startswith("/v1/executions/") for request in served.requests)
    code, text, err = run(capsys, "groups", "--since", "all")
    assert code == 0 and not err, "a second run has nothing new to fetch"
    assert sum(request.raw_path.startswith("/v1/executions/") for request in served.requests) == retrieved
    rows = [line.split("\t") for line in text.splitlines()]
    assert [(row[0], row[2], row[3], row[5]) for row in rows] == [
        (str(group["count"]), group["first_seen"], group["last_seen"], group["error"]) for group in found
    ]
    assert {row[4] for row in rows} >= {"script", "function", "tool_01JDINVOICEPDF000000000000"}


def test_a_first_run_syncs_only_its_window_and_says_nothing_older_is_archived(
    served: ScriptedServer, store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    since = FROZEN_NOW - timedelta(hours=24)
    window = [record["id"] for record in store.records if started(record["started_at"]) >= since]
    code, out, err = run(capsys, "groups", "--json")
    details = [r.raw_path.rsplit("/", 1)[1] for r in served.requests if r.raw_path.startswith("/v1/executions/")]
    assert code == 0 and sorted(details) == sorted(window), "the last 24 hours, and nothing older, fetched"
    assert f"synced {served.url}: {len(window)} fetched" in err
    assert "nothing is archived from before the window, so every group in it is new" in err
    found = json_lines(out)
    assert found and all(group["new"] and started(group["first_seen"]) >= since for group in found)
    assert {group["signature"] for group in found} == set(expected_groups(store, since))


WINDOWS = {
    "24h": FROZEN_NOW - timedelta(hours=24),
    "7d": FROZEN_NOW - timedelta(days=7),
    "2026-11-25": datetime(2026, 11, 25, tzinfo=UTC),  # a date: local midnight (the tests' TZ is UTC)
    "2026-11-20": datetime(2026, 11, 20, tzinfo=UTC),  # before the oldest archived execution
    "2030-01-01": datetime(2030, 1, 1, tzinfo=UTC),
    "all": None,
}


@pytest.mark.parametrize("window", WINDOWS)
def test_a_window_counts_its_failures_and_new_is_a_group_first_seen_in_it(
    archived: Path, store: ServerData, capsys: pytest.CaptureFixture[str], window: str
) -> None:
    code, out, err = run(capsys, "groups", "--offline", "--archive", str(archived), "--since", window, "--json")
    assert code == 0 and err.startswith("riza-tui groups: offline: 180 executions in the archive of")
    found, expected = json_lines(out), expected_groups(store, WINDOWS[window])
    assert {group["signature"] for group in found} == set(expected)
    seen = [started(group["last_seen"]) for group in found]
    assert seen == sorted(seen, reverse=True)
    for group in found:
        want = expected[group["signature"]]
        assert (group["count"], group["ids"], group["new"]) == (want["count"], want["ids"], want["new"])
        assert started(group["first_seen"]) == want["first_seen"], "first seen in the whole archive"
    untold = "riza-tui groups: nothing is archived from before the window, so every group in it is new"
    assert (untold in err) == (window == "2026-11-20"), "said only when no older run is archived to tell"
    assert ("no failures archived since 2030-01-01 00:00" in err) == (not found)
    code, text, _ = run(capsys, "groups", "--offline", "--archive", str(archived), "--since", window)
    assert [line.split("\t")[1] for line in text.splitlines()] == ["new" if g["new"] else "" for g in found]


def test_offline_asks_nothing_of_the_server_and_needs_neither_it_nor_a_key(
    served: ScriptedServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "groups")[0] == 0
    asked = len(served.requests)
    commands = [
        ["groups", "--offline"],  # the default window, 24h
        ["groups", "--offline", "--since", "all", "--json"],
        ["search", "--offline", "backoff"],  # no --since: every archived execution (this crashed)
        ["search", "--offline", "--json", "--failures", "timed out"],
    ]
    answers = [run(capsys, *command) for command in commands]
    assert all(code == 0 and out for code, out, _ in answers), answers
    assert len(served.requests) == asked, "offline, nothing was asked"
    monkeypatch.delenv("RIZA_API_KEY")
    served.stop()
    assert [run(capsys, *command) for command in commands] == answers
    monkeypatch.setenv("RIZA_API_KEY", served.api_key)
    code, out, err = run(capsys, "groups", "--since", "all", "--json")
    assert (code, out) == (0, answers[1][1]), "online, a server that cannot be reached leaves the archive's answer"
    assert f"riza-tui groups: warning: could not sync with {served.url}" in err and "answering from what is" in err


def hits(capsys: pytest.CaptureFixture[str], archive: Path, *args: str) -> list[dict[str, Any]]:
    code, out, err = run(capsys, "search", "--offline", "--archive", str(archive), "--json", *args)
    assert code == 0, err
    return json_lines(out)


def test_search_finds_words_phrases_fields_and_substrings_inside_identifiers_newest_first(
    archived: Path, store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    backoff = hits(capsys, archived, "backoff")
    assert [hit["id"] for hit in backoff] == matching(store, [(None, "backoff")])
    assert all(set(hit) >= HIT_KEYS for hit in backoff)
    assert any("def fetch_with_backoff(" in hit["line"] for hit in backoff), "a substring inside an identifier"
    assert [hit["started_at"] for hit in backoff] == sorted((hit["started_at"] for hit in backoff), reverse=True)
    by_id = {record["id"]: record for record in store.records}
    assert all(hit["exit_code"] == by_id[hit["id"]]["exit_code"] for hit in backoff)
    phrase = hits(capsys, archived, 'stderr:"gave up on"')
    assert hits(capsys, archived, "stderr:gave up on") == phrase, "the phrase as the shell passes it"
    assert [hit["id"] for hit in phrase] == matching(store, [("stderr", "gave up on")])
    assert phrase and all(hit["field"] == "stderr" and "gave up on" in hit["line"] for hit in phrase)
    anywhere = hits(capsys, archived, '"gave up on"')
    assert {hit["field"] for hit in anywhere} == {"stderr", "code"} and len(anywhere) > len(phrase)
    both = hits(capsys, archived, "backoff", "code:urlopen", "stdout:captured")
    terms: list[tuple[str | None, str]] = [(None, "backoff"), ("code", "urlopen"), ("stdout", "captured")]
    assert [hit["id"] for hit in both] == matching(store, terms), "every word must match"
    assert both and len(both) < len(backoff) and all(hit["field"] in ("code", "stdout") for hit in both)


def test_failures_since_and_limit_narrow_the_search(
    archived: Path, store: ServerData, capsys: pytest.CaptureFixture[str]
) -> None:
    every = [hit["id"] for hit in hits(capsys, archived, "backoff")]
    failed = hits(capsys, archived, "--failures", "backoff")
    assert [hit["id"] for hit in failed] == matching(store, [(None, "backoff")], failures=True)
    assert failed and all(hit["exit_code"] != 0 for hit in failed) and len(failed) < len(every)
    recent = hits(capsys, archived, "--since", "2026-11-25", "backoff")
    assert recent and [hit["id"] for hit in recent] == every[: len(recent)]
    assert all(hit["started_at"] >= "2026-11-25" for hit in recent) and len(recent) < len(every)
    code, out, err = run(capsys, "search", "--offline", "--archive", str(archived), "--limit", "2", "backoff")
    assert code == 0 and [line.split("\t")[0] for line in out.splitlines()] == every[:2]
    assert f"the newest 2 of {len(every)} matches" in err
    code, out, err = run(capsys, "search", "--offline", "--archive", str(archived), "zzz-not-there")
    assert (code, out) == (1, "") and err.splitlines()[-1].startswith("riza-tui search: no archived execution of")
    assert matching(store, [(None, "authorized")]) and not matching(store, [(None, "authorized")], failures=True)
    code, out, err = run(capsys, "search", "--offline", "--archive", str(archived), "--failures", "authorized")
    assert (code, out) == (1, "") and "no archived failed execution of" in err


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ('"gave up', "unterminated quote"),
        ("ab", '"ab" is too short'),
        ("stdrr:boom", 'unknown field "stdrr:" (did you mean stderr:?'),
        ("stderr:", "stderr: needs a word"),
        ("", "nothing to search for"),
        ("caf\udce9", "holds bytes that are not UTF-8 text"),  # b"caf\xe9" on a UTF-8 command line
    ],
)
def test_a_query_that_cannot_be_searched_is_one_line_and_exit_2_before_any_sync(
    archived: Path, synced: Synced, capsys: pytest.CaptureFixture[str], query: str, said: str
) -> None:
    asked = len(synced.server.requests)
    code, out, err = run(capsys, "search", "--archive", str(archived), query)
    assert (code, out) == (2, "") and len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("riza-tui search: error: ") and said in err
    assert len(synced.server.requests) == asked, "nothing synced for a query that cannot run"


HOSTILE = "HostileError: \x1b]0;pwned\x07 \x1b[2J\x9b31m \u202egnp.exe"
PRINTED_TOKEN = "PRINTED-TOKEN-aa11bb22"


@pytest.fixture
def guarded(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    """A server of executions holding canary secrets, a token a program printed, hostile text, a long line."""
    hostile = script_record(
        "exec_hostile_1", "print(2)\n", exit_code=1, stderr=f"Traceback (most recent call last):\n{HOSTILE}\n"
    )
    printed = script_record("exec_printed_1", "print(3)\n", stdout=f"Authorization: Bearer {PRINTED_TOKEN}\n")
    long = script_record("exec_long_1", "print(4)\n", stdout="x" * 150 + " NeedleWord " + "y" * 150 + "\n")
    for record, hour in ((hostile, 12), (printed, 13), (long, 14)):
        record["started_at"] = f"2026-11-27T{hour}:00:00Z"
    with ScriptedServer(ServerData([*canary_records(), hostile, printed, long]), api_key="k") as server:
        point_at(monkeypatch, server)
        yield server


def test_a_secret_is_never_found_nor_printed(guarded: ScriptedServer, capsys: pytest.CaptureFixture[str]) -> None:
    found = json_lines(run(capsys, "search", "--since", "all", "--json", VISIBLE["stderr"])[1])
    assert sorted(hit["id"] for hit in found) == [f"exec_canary_script_{n}" for n in range(3)], "synced, searchable"
    printed = [run(capsys, "groups", "--offline", "--since", "all", "--json")]
    for secret in [*CANARIES.values(), *(value[7:] for value in CANARIES.values())]:
        answer = run(capsys, "search", "--offline", secret)
        assert (answer[0], answer[1]) == (1, ""), secret
        printed.append(answer)
    code, out, _ = run(capsys, "search", "--offline", "--json", "Authorization")
    assert code == 0 and json_lines(out)[0]["line"] == f"Authorization: Bearer {MASK}", "a printed token, masked"
    printed += [(code, out, ""), run(capsys, "search", "--offline", "Bearer")]
    shown = "".join(out + err for _, out, err in printed)
    assert not [secret for secret in [*CANARIES.values(), PRINTED_TOKEN] if secret in shown]
    archive = readable(b"".join(files_of(archive_path(guarded.url, None).parent).values()))
    assert VISIBLE["stderr"].encode() in archive and not [s for s in CANARIES.values() if s.encode() in archive]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_hostile_text_is_printed_sanitised_and_a_terminal_gets_lines_cut_to_its_width_with_the_match_in_view(
    guarded: ScriptedServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "sync", "--since", "all")[0] == 0
    _, text, _ = run(capsys, "search", "--offline", "HostileError")
    _, listed, _ = run(capsys, "groups", "--offline", "--since", "all")
    _, as_json, _ = run(capsys, "search", "--offline", "--json", "HostileError")
    for out in (text, listed, as_json):
        assert not [c for c in out if c not in "\n\t" and (ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c == "\u202e")]
    assert "HostileError: \\x1b]0;pwned\\x07 \\x1b[2J\\x9b31m \\u202egnp.exe" in text and "\\x1b]0;pwned" in listed
    assert as_json.isascii() and json_lines(as_json)[0]["line"] == HOSTILE, "JSON escapes, for jq to decode"
    _, piped, _ = run(capsys, "search", "--offline", "NeedleWord")
    assert piped.split("\t")[-1].endswith("xxx NeedleWord " + "y" * 150 + "\n"), "a pipe gets the line, not cut"
    monkeypatch.setenv("COLUMNS", "100")
    drawn = {}
    for command in ("search", "--offline", "NeedleWord"), ("search", "--offline", "print"), ("groups", "--offline"):
        terminal = Terminal()
        with monkeypatch.context() as patch:
            patch.setattr(sys, "stdout", terminal)
            assert main(list(command)) == 0
        drawn[command[-1]] = lines = terminal.getvalue().splitlines()
        assert len(lines) > 1 and lines[0].split()[0] in ("ID", "COUNT") and "\t" not in terminal.getvalue(), lines
        assert all(cell_len(line) <= 100 for line in lines), lines
    needle = drawn["NeedleWord"][1]
    assert needle.startswith("exec_long_1  2026-11-27 14:00") and needle.endswith("…") and "  …NeedleWord yyy" in needle
    capsys.readouterr()


@pytest.mark.parametrize("command", ["groups", "search"])
@pytest.mark.parametrize("offline", [False, True])
def test_a_damaged_archive_is_one_line_and_exit_2(
    served: ScriptedServer, capsys: pytest.CaptureFixture[str], command: str, offline: bool
) -> None:
    path = archive_path(served.url, None)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage, not SQLite\n" * 500)
    args = [command, *(["backoff"] if command == "search" else []), *(["--offline"] if offline else [])]
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "") and len(err.splitlines()) == 1, err
    assert err.startswith(f"riza-tui {command}: {'offline: ' if offline else ''}archive {path}: is damaged")
    assert "move it aside" in err and "--no-archive" not in err, "these commands refuse --no-archive"
    assert served.requests == []


def test_a_first_version_archive_read_offline_has_no_groups_yet_and_no_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(V1_DUMP.read_text())
        connection.execute("PRAGMA user_version = 1")
    monkeypatch.setenv("RIZA_BASE_URL", "http://127.0.0.1:8000")  # whose archive the dump is
    code, out, err = run(capsys, "groups", "--offline", "--archive", str(path), "--since", "all")
    assert (code, out) == (0, "") and "1 executions archived by an older riza-tui are left out" in err
    assert err.splitlines()[-1] == "riza-tui groups: no failures archived at all (http://127.0.0.1:8000)", err
    code, out, err = run(capsys, "search", "--offline", "--archive", str(path), "written")
    assert (code, out) == (2, "") and err.splitlines()[-1].startswith("riza-tui search: this archive has no search")


def test_a_narrow_terminal_cuts_the_wide_columns_so_the_last_one_still_says_something() -> None:
    rows = [["exec_" + "1" * 26, "2026-11-27 14:00", "tool_01JDINVOICEPDF000000000000", "ValueError: no VAT"]]
    line = columns(rows, ["ID", "STARTED", "AFFECTED", "ERROR"], 80, keep=frozenset({0}))[1]
    assert cell_len(line) <= 80 and line.startswith(rows[0][0] + "  "), "an ID to copy is never cut"
    assert line.endswith("ValueError: no VAT") and "tool_01JDIN…" in line, line
