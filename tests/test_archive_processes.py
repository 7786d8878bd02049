"""The archive shared by real processes: two writers at once, a writer killed mid-write, a sync killed mid-sync
and resumed, a disk that fills up."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from riza_tui.cli.main import main
from riza_tui.core.archive import archive_path, open_archive
from riza_tui.server.data import ServerData
from tests.archive_helpers import ROOT, child
from tests.loopback import ScriptedServer

# Each runs riza-tui in child processes (two writers and a reader, a sync killed mid-write): the slow suite.
pytestmark = pytest.mark.slow

# Writes ``batches`` batches of 50 script executions named PREFIX…, printing a line after each one written.
WRITER = """
    import os, sys
    from pathlib import Path
    from riza_tui.core.archive import open_archive

    path, prefix, batches = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    archive = open_archive("http://127.0.0.1:9", None, path=path)
    print("ready", flush=True)
    sys.stdin.readline()
    number = 0
    while batches < 0 or number < batches:
        archive.put_many([
            {
                "id": f"{prefix}{number:05d}_{item:02d}", "language": "python", "duration": 1, "exit_code": item % 2,
                "started_at": f"2026-11-{1 + number % 28:02d}T00:00:{item:02d}Z",
                "details": {
                    "type": "script",
                    "request": {"language": "python", "code": os.urandom(1500).hex()},
                    "response": {"id": "r", "exit_code": item % 2, "stdout": "", "stderr": "E", "duration": 1},
                },
            }
            for item in range(50)
        ])
        number += 1
        print(f"wrote {number}", flush=True)
"""


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def test_two_processes_write_at_once_while_a_third_reads(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    writers = [child(WRITER, str(path), prefix, "30") for prefix in ("exec_a", "exec_b")]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    reader = open_archive("http://127.0.0.1:9", None, path=path)
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    pages = 0
    while any(writer.poll() is None for writer in writers):
        reader.page(100, only_failures=True)  # reading as the app would, while both write
        pages += 1
    for writer in writers:
        out, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err
        assert out.splitlines()[-1] == "wrote 30"
    assert len(reader) == 2 * 30 * 50 and pages > 0
    reader.close()
    assert integrity(path) == "ok"


def test_a_writer_killed_mid_write_leaves_a_sound_file(tmp_path: Path) -> None:
    path = tmp_path / "killed.db"
    writer = child(WRITER, str(path), "exec_k", "-1")
    assert writer.stdout is not None and writer.stdin is not None
    assert writer.stdout.readline().strip() == "ready"
    writer.stdin.write("go\n")
    writer.stdin.flush()
    written = 0
    while written < 8:
        written = int(writer.stdout.readline().split()[1])
    os.kill(writer.pid, signal.SIGKILL)  # somewhere in the ninth batch's masking, writing or committing
    writer.wait(timeout=30)
    assert integrity(path) == "ok"
    archive = open_archive("http://127.0.0.1:9", None, path=path)
    assert len(archive) >= 8 * 50 and len(archive) % 50 == 0, "whole batches only"
    archive.put_many([])
    assert integrity(path) == "ok"


def test_a_sync_killed_mid_sync_resumes_and_a_second_run_fetches_nothing_new(
    server: ScriptedServer, store: ServerData, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RIZA_BASE_URL", server.url)
    monkeypatch.setenv("RIZA_API_KEY", server.api_key)
    every_id = [record["id"] for record in store.records]
    assert len(every_id) > 100
    # The second list page is asked for only once the first page's details are written: hold it, and kill.
    second_page = server.hold("/v1/executions?limit=100&starting_after=")
    syncing = subprocess.Popen(
        [sys.executable, "-m", "riza_tui", "sync", "--since", "all"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert second_page.arrived.wait(60), "the sync never asked for the second page"
    os.kill(syncing.pid, signal.SIGKILL)
    syncing.wait(timeout=30)
    assert second_page.release is not None
    second_page.release.set()
    path = archive_path(server.url, None)
    assert integrity(path) == "ok"
    with open_archive(server.url, None, read_only=True) as archive:
        kept = {summary.id for summary in archive.iter_summaries()}
    assert kept == set(every_id[:100]), "everything fetched before the kill is on disk"

    def details_asked(since: int) -> list[str]:
        paths = [request.raw_path for request in server.requests[since:]]
        return [path.rsplit("/", 1)[1] for path in paths if path.startswith("/v1/executions/")]

    before = len(server.requests)
    assert main(["sync", "--since", "all"]) == 0
    assert sorted(details_asked(before)) == sorted(every_id[100:]), "only what was missing"
    assert "100 archived before, 80 fetched, 0 errors" in capsys.readouterr().out
    before = len(server.requests)
    assert main(["sync", "--since", "all", "--json"]) == 0
    assert details_asked(before) == [], "nothing new to fetch"
    assert '"already_archived": 180, "fetched": 0' in capsys.readouterr().out
    assert integrity(path) == "ok"


def _mount_namespaces() -> bool:
    if os.getuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _mount_namespaces(), reason="needs root for a small private file system")
def test_a_full_disk_is_one_line_and_show_still_prints(
    server: ScriptedServer, store: ServerData, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    record = store.records[0]
    script = (
        f"mount -t tmpfs -o size=64k tmpfs {data} && head -c 65536 /dev/zero > {data}/filler 2>/dev/null; "
        f'exec "{sys.executable}" -m riza_tui show {record["id"]}'
    )
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XDG_DATA_HOME": str(data), "RIZA_BASE_URL": server.url, "RIZA_API_KEY": server.api_key},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"── execution {record['id']}")
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "the disk is full" in lines[0] and "going on without it" in lines[0], done.stderr


def test_a_file_size_limit_mid_write_is_one_line(tmp_path: Path) -> None:
    """Without root, a full disk is played by RLIMIT_FSIZE: the write fails half way, as on a full disk."""
    code = """
        import resource, signal, sys
        from pathlib import Path
        from riza_tui.core.archive import ArchiveUnavailable, open_archive

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        archive = open_archive("http://127.0.0.1:9", None, path=Path(sys.argv[1]))
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))
        record = {"language": "python", "duration": 1, "exit_code": 0, "started_at": "2026-11-01T00:00:00Z"}
        try:
            for batch in range(1000):
                archive.put_many([
                    {**record, "id": f"e{batch}_{n}", "details": {"type": "script", "request": {"language": "python",
                     "code": __import__("os").urandom(2000).hex()}, "response": {"id": "r", "exit_code": 0,
                     "stdout": "", "stderr": "", "duration": 1}}} for n in range(10)
                ])
        except ArchiveUnavailable as error:
            print(error)
    """
    path = tmp_path / "limited.db"
    writer = child(code, str(path))
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert len(out.strip().splitlines()) == 1 and f"archive {path}: a disk error" in out, out
    assert integrity(path) == "ok"


def test_a_sync_stopped_by_sigterm_writes_what_it_fetched_and_says_so(
    server: ScriptedServer, store: ServerData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RIZA_BASE_URL", server.url)
    monkeypatch.setenv("RIZA_API_KEY", server.api_key)
    held = server.hold(f"/v1/executions/{store.records[0]['id']}")
    syncing = subprocess.Popen(
        [sys.executable, "-m", "riza_tui", "sync", "--since", "all", "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert held.arrived.wait(60)
    syncing.send_signal(signal.SIGTERM)  # the others of the page may or may not have arrived: both are fine
    out, err = syncing.communicate(timeout=60)
    assert syncing.returncode == 130, err
    summary = json.loads(out)
    assert summary["interrupted"] and not summary["complete"]
    with open_archive(server.url, None, read_only=True) as archive:
        assert len(archive) == summary["fetched"], "everything fetched was written before the process ended"
        assert not archive.known([store.records[0]["id"]])
        last = archive.stats().last_sync
        assert last is not None and not last.complete
