"""The archive file itself: what reaches the disk, where, with which modes; bounds, versions, faults, threads."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import threading
from pathlib import Path

import pytest

from riza_tui.api.client import RizaClient
from riza_tui.api.settings import ClientSettings
from riza_tui.core.archive import (
    Archive,
    ArchiveMissing,
    ArchiveUnavailable,
    open_archive,
    open_read_only,
)
from riza_tui.core.archive.location import archive_name
from riza_tui.core.archive.schema import MIGRATIONS, SCHEMA_VERSION
from riza_tui.core.search import search
from riza_tui.core.triage import row_facts
from riza_tui.safety.mask import MASK
from riza_tui.server.data import ServerData
from tests.archive_helpers import CANARIES, VISIBLE, canary_records, files_of, locked, read_only, readable
from tests.conftest import Record, script_record
from tests.loopback import ScriptedServer

V1_DUMP = Path(__file__).parent / "data" / "archive_v1.sql"


def scripts(count: int, *, prefix: str = "exec_", size: int = 200, day: int = 27) -> list[Record]:
    """Script executions started on ``day``, a second apart, whose code does not compress (random hex)."""
    noise = random.Random(prefix)
    records = []
    for number in range(count):
        record = script_record(f"{prefix}{number:05d}", noise.randbytes(size // 2).hex())
        record["started_at"] = f"2026-11-{day:02d}T{number // 3600 % 24:02d}:{number // 60 % 60:02d}:{number % 60:02d}Z"
        records.append(record)
    return records


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return open_archive("http://127.0.0.1:1", None, path=tmp_path / "a.db")


async def test_no_secret_reaches_the_file_its_log_or_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = canary_records()
    assert all(canary in json.dumps(records) for canary in CANARIES.values())
    with ScriptedServer(ServerData(records), api_key="k") as server:
        client_settings = ClientSettings(api_key="k", base_url=server.url)
        async with RizaClient(client_settings) as client:
            fetched = [await client.retrieve(record["id"]) for record in records]
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))  # where SQLite would put a temporary file
    monkeypatch.setenv("SQLITE_TMPDIR", str(tmp_path / "tmp"))
    archive = open_archive(server.url, None)
    other_process = sqlite3.connect(archive.path)  # keeps the log in place while the bytes are read
    archive.put_many([item.raw for item in fetched])
    archive.page(100, only_failures=True)
    other_process.execute("SELECT error, head FROM executions ORDER BY error, kind").fetchall()  # a sort
    while_open = files_of(archive.path.parent)
    assert {f"{archive.path.name}-wal", f"{archive.path.name}-shm"} <= set(while_open), "WAL mode"
    other_process.close()
    archive.close()
    for files in (while_open, files_of(archive.path.parent)):
        for name, data in files.items():
            seen = readable(data)
            for kind, canary in CANARIES.items():
                assert canary.encode() not in seen, f"{kind} secret in {name}"
        everything = readable(b"".join(files.values()))
        for kind, marker in VISIBLE.items():
            assert marker.encode() in everything, f"the scan cannot see the {kind}: it proves nothing"
    assert not list((tmp_path / "tmp").iterdir()), "no temporary file"
    copy = open_archive(server.url, None, read_only=True).get(records[0]["id"])
    assert copy is not None and copy.raw["details"]["request"]["env"] == {VISIBLE["env name"]: MASK}


def test_private_modes_whatever_the_umask_and_one_file_per_server() -> None:
    previous = os.umask(0)
    try:
        first = open_archive("https://riza.example.com", "staging")
        first.put_many(scripts(3))
        first.close()
        other = open_archive("https://riza.example.com:8443", "staging")
        other.close()
    finally:
        os.umask(previous)
    directory = first.path.parent
    assert directory == Path(os.environ["XDG_DATA_HOME"]) / "riza-tui"
    assert oct(directory.stat().st_mode & 0o777) == "0o700"
    for path in directory.iterdir():
        assert oct(path.stat().st_mode & 0o777) == "0o600", path
    assert first.path != other.path
    assert first.path.name.startswith("staging@riza.example.com-")
    for hostile in ("../../etc/passwd", "a/b", "..", "\x1b]0;x\x07"):
        name = archive_name(f"https://{hostile}", hostile)
        assert "/" not in name and not name.startswith(".") and name.isascii() and name.isprintable(), name
    with pytest.raises(ArchiveUnavailable, match=r"holds the executions of https://riza.example.com, not of"):
        open_archive("https://evil.example.com", None, path=first.path)
    assert len(open_archive("https://riza.example.com", "staging", read_only=True)) == 3


def test_links_are_never_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.db"
    target.write_bytes(b"")
    link = tmp_path / "a.db"
    link.symlink_to(target)
    with pytest.raises(ArchiveUnavailable, match="symbolic link") as caught:
        open_archive("http://h", None, path=link)
    assert len(str(caught.value).splitlines()) == 1 and "--no-archive" in str(caught.value)
    link.unlink()
    Path(f"{link}-wal").symlink_to(target)
    with pytest.raises(ArchiveUnavailable, match="-wal: is not a regular file"):
        open_archive("http://h", None, path=link)
    data = Path(os.environ["XDG_DATA_HOME"])
    data.mkdir(parents=True, exist_ok=True)
    (data / "riza-tui").symlink_to(tmp_path)
    with pytest.raises(ArchiveUnavailable, match="riza-tui: is a symbolic link"):
        open_archive("http://h", None)
    assert target.read_bytes() == b"", "nothing was written through a link"


def worded(count: int, *, prefix: str, day: int) -> list[Record]:
    """Script executions of ~2 KB of code made of words (text as the index sees it), each with a word of its
    own (``marker`` and its id) to search for."""
    noise = random.Random(prefix)
    vocabulary = ["".join(noise.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7)) for _ in range(400)]
    records = []
    for number in range(count):
        execution_id = f"{prefix}{number:05d}"
        words = [noise.choice(vocabulary) for _ in range(250)]
        record = script_record(execution_id, f"marker_{execution_id}\n" + " ".join(words))
        record["started_at"] = f"2026-11-{day:02d}T{number // 3600 % 24:02d}:{number // 60 % 60:02d}:{number % 60:02d}Z"
        records.append(record)
    return records


def test_the_oldest_are_evicted_at_the_size_limit_and_pinned_ones_stay(tmp_path: Path) -> None:
    limit = 2 * 1024 * 1024
    archive = open_archive("http://h", None, path=tmp_path / "a.db", max_bytes=limit)
    oldest = worded(20, prefix="exec_old_", day=1)
    archive.put_many(oldest)
    archive.pin({"exec_old_00000"})
    for day in range(2, 28):
        archive.put_many(worded(20, prefix=f"exec_day{day}_", day=day))
    # Batches a tenth of the limit are coarse: the index's merges take a little more room at times than
    # with batches a thousandth of it (bench/incidents.py: within the limit).
    assert os.stat(archive.path).st_size <= limit * 1.25, "the file, with its search index"
    kept = {summary.id for summary in archive.iter_summaries()}
    assert "exec_old_00000" in kept, "pinned: on screen"
    assert not kept & {record["id"] for record in oldest[1:]}, "the oldest went first"
    assert {record["id"] for record in worded(20, prefix="exec_day27_", day=27)} <= kept, "the newest stay"
    assert len(kept) < 27 * 20
    assert [hit.id for hit in search(archive, "marker_exec_old_")] == ["exec_old_00000"], "evicted: not found"
    assert [hit.id for hit in search(archive, "marker_exec_day27_00007")] == ["exec_day27_00007"]
    huge = script_record("exec_huge", random.Random(1).randbytes(limit).hex())
    assert archive.put_many([huge]) == 0, "too big to keep"


def test_paging_by_key_newest_first_with_failures_and_since(archive: Archive, store: ServerData) -> None:
    archive.put_many(store.records)
    everything = [summary.id for summary in archive.iter_summaries(page_size=7)]
    assert everything == [record["id"] for record in store.records], "the server's own order"
    first = archive.page(10)
    second = archive.page(10, before_id=first[-1].id)
    assert [summary.id for summary in first + second] == everything[:20]
    failures = [summary.id for summary in archive.iter_summaries(only_failures=True)]
    assert failures == [record["id"] for record in store.records if record["exit_code"] != 0]
    with pytest.raises(KeyError):
        archive.page(10, before_id="exec_unknown")
    plan = archive._reader.execute(  # type: ignore[union-attr]
        "EXPLAIN QUERY PLAN SELECT head FROM executions WHERE exit_code != 0 AND (started_us, id) < (?, ?)"
        " ORDER BY started_us DESC, id DESC LIMIT 100",
        (0, ""),
    ).fetchall()
    assert "SEARCH executions USING INDEX failures_newest" in plan[0][3], "a page is an index search, not a scan"


async def test_row_facts_are_what_the_table_computes(archive: Archive, client: RizaClient, store: ServerData) -> None:
    fetched = [await client.retrieve(record["id"]) for record in store.records]
    archive.put_many([item.raw for item in fetched])
    facts = archive.row_facts(item.execution.id for item in fetched)
    for item in fetched:
        table = row_facts(item.execution)
        assert (facts[item.execution.id].kind, facts[item.execution.id].tool_id) == (table.kind, table.tool_id)
        assert facts[item.execution.id].error == table.error[:2000]
    assert archive.known(["exec_unknown", fetched[0].execution.id, "\ud800"]) == {fetched[0].execution.id}
    copy = archive.get(fetched[0].execution.id)
    assert copy is not None and copy.fetched().execution.id == fetched[0].execution.id


def test_a_first_version_file_opens_with_the_current_code(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(V1_DUMP.read_text())
        connection.execute("PRAGMA user_version = 1")
    assert MIGRATIONS[0].version == 1
    archive = open_archive("http://127.0.0.1:8000", None, path=path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    copy = archive.get("exec_v1_one")
    assert copy is not None and copy.raw["details"]["response"]["stdout"] == "written by version 1\n"
    assert [summary.id for summary in archive.page(10)] == ["exec_v1_one"]
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(ArchiveUnavailable, match="newer riza-tui"):
        open_archive("http://127.0.0.1:8000", None, path=path)


def test_damaged_locked_and_read_only_files_are_one_line(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"this is no database " * 400)
    with pytest.raises(ArchiveUnavailable, match=r"is damaged \(file is not a database\); move it aside") as caught:
        open_archive("http://h", None, path=damaged)
    assert len(str(caught.value).splitlines()) == 1
    path = tmp_path / "a.db"
    open_archive("http://h", None, path=path).close()
    with locked(path), pytest.raises(ArchiveUnavailable, match=r"is locked by another process \(waited 0.2 s\)"):
        open_archive("http://h", None, path=path, busy_timeout=0.2)
    writing = open_archive("http://h", None, path=path, busy_timeout=0.2)
    with locked(path, "write"), pytest.raises(ArchiveUnavailable, match="is locked"):
        writing.put_many(scripts(1))
    writing.close()
    with read_only(path), pytest.raises(ArchiveUnavailable, match=r"is read-only .*; fix its permissions"):
        open_archive("http://h", None, path=path)
    with pytest.raises(ArchiveMissing, match="does not exist yet"):
        open_archive("http://h", None, path=tmp_path / "none.db", read_only=True)
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE t (x)")
    with pytest.raises(ArchiveUnavailable, match="not a riza-tui archive"):
        open_read_only(foreign)


def test_a_worker_thread_writes_while_another_thread_reads(archive: Archive) -> None:
    batches = [scripts(50, prefix=f"exec_b{batch}_") for batch in range(20)]
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for batch in batches:
                archive.put_many(batch)
        except BaseException as error:
            errors.append(error)

    worker = threading.Thread(target=write)
    worker.start()
    seen = 0
    while worker.is_alive():
        seen = max(seen, len(archive.page(100)))
        archive.row_facts(record["id"] for record in batches[0])
    worker.join()
    assert not errors and len(archive) == 1000
