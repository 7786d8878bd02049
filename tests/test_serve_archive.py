"""``serve --data`` from disk: an archive served as it is, data files streamed into a temporary archive."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from riza_tui.cli.main import main
from riza_tui.core.archive import open_archive
from riza_tui.server import stream
from riza_tui.server.archived import served_data
from riza_tui.server.data import DataError, ServerData
from riza_tui.server.http import EmbeddedServer
from tests.archive_helpers import ROOT
from tests.conftest import find, of_type, script_record

rizaio = pytest.importorskip("rizaio")


def test_rizaio_pages_through_an_archive_served_from_disk(
    store: ServerData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.db"
    with open_archive("http://127.0.0.1:8000", None, path=path) as archive:
        archive.put_many(store.records)
    with served_data(path) as data, EmbeddedServer(data, api_key="k") as server:
        assert len(data) == len(store.records)
        monkeypatch.setenv("RIZA_BASE_URL", server.url)
        monkeypatch.setenv("RIZA_API_KEY", "k")
        client = rizaio.Riza()
        listed = [execution.id for execution in client.executions.list(limit=25)]
        assert listed == [record["id"] for record in store.records], "every page, in the server's own order"
        for execution_id in listed[:: len(listed) // 12]:
            execution = client.executions.get(execution_id)
            sent = next(record for record in store.records if record["id"] == execution_id)
            assert (execution.exit_code, execution.duration, execution.language) == (
                sent["exit_code"],
                sent["duration"],
                sent["language"],
            )
        failures = [execution.exit_code for execution in client.executions.list(only_non_zero_exit_codes=True)]
        assert len(failures) == sum(record["exit_code"] != 0 for record in store.records) and 0 not in failures
        reply = httpx.get(f"{server.url}/v1/executions/exec_unknown", headers={"Authorization": "Bearer k"})
        assert reply.status_code == 404


def _shapes(records: list[dict[str, Any]], folder: Path) -> list[Path]:
    lines = folder / "data.jsonl"
    lines.write_text("".join(json.dumps(record) + "\n\n" for record in records))
    as_list = folder / "list.json"
    as_list.write_text(json.dumps(records, indent=2))
    document = folder / "document.json"
    document.write_text(json.dumps({"data": records}))
    zipped = folder / "data.jsonl.gz"
    zipped.write_bytes(gzip.compress(lines.read_bytes()))
    one = folder / "one.json"
    one.write_text(json.dumps(records[0], indent=2))
    return [lines, as_list, document, zipped, one]


def test_data_files_are_streamed_into_a_temporary_archive_and_served_as_they_are(
    store: ServerData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "CHUNK", 4096)  # many reads per record: the buffer boundaries are exercised
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    records = [record for record in store.records if len(json.dumps(record)) < 100_000][:40]
    secret = find(ServerData(records), lambda r: of_type("script")(r) and bool(r["details"]["request"].get("env")))
    records.append(script_record("exec_unicode", "print('日本 ✖ \\ud800')", stdout="ünïcödé " * 2000))
    folder = tmp_path / "files"
    folder.mkdir()
    for path in _shapes(records, folder):
        with served_data(path) as data:
            temporary = list(tmp_path.glob("riza-tui-serve-*"))
            assert len(temporary) == 1 and oct(temporary[0].stat().st_mode & 0o777) == "0o700"
            wanted = records[:1] if path.name == "one.json" else records
            assert len(data) == len(wanted)
            for record in wanted:
                body = data.body(record["id"])
                assert body is not None and json.loads(body) == record, (path.name, record["id"])
            if path.name != "one.json":
                body = data.body(secret["id"])
                assert (
                    body is not None
                    and json.loads(body)["details"]["request"]["env"] == secret["details"]["request"]["env"]
                ), "a server sends what its data holds: nothing is masked"
        assert not list(tmp_path.glob("riza-tui-serve-*")), "deleted when the server stops"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b'{"id": "a"}\n{"id": "b"}\n', "line 1: language: Field required"),
        (b"[" + json.dumps(script_record("a", "x")).encode() + b", 1]", "record 2: an execution must be a JSON object"),
        (
            b"[" + json.dumps(script_record("a", "x")).encode() + b" " + json.dumps(script_record("b", "x")).encode(),
            "expected a comma",
        ),
        (("\n".join(json.dumps(script_record("a", "x")) for _ in range(2))).encode(), "line 2: duplicate id 'a'"),
        (b'{"data": [' + json.dumps(script_record("a", "x")).encode() + b"]", 'expected the closing "}"'),
        (b"\xff\xfe not text", "not UTF-8"),
        (json.dumps(script_record("a", "x" * 5000)).encode(), "line 1: longer than 4,096 bytes"),
        (b"[" + json.dumps(script_record("a", "x" * 5000)).encode() + b"]", "record 1: longer than 4,096 bytes"),
    ],
    ids=["invalid", "not-an-object", "no-comma", "duplicate", "unclosed", "not-utf8", "long-line", "long-element"],
)
def test_bad_data_is_one_line_naming_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], content: bytes, said: str
) -> None:
    monkeypatch.setattr(stream, "MAX_RECORD_BYTES", 4096)
    monkeypatch.setattr(stream, "CHUNK", 1024)
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(DataError, match=r"bad\.jsonl") as caught, served_data(path):
        pass
    assert said in str(caught.value) and len(str(caught.value).splitlines()) == 1
    assert main(["serve", "--port", "0", "--data", str(path)]) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1


def test_a_truncated_gzip_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(gzip.compress(json.dumps(script_record("a", "x" * 10000)).encode())[:200])
    with pytest.raises(DataError, match=r"cut.jsonl.gz: cannot read"), served_data(path):
        pass


def test_serve_deletes_its_temporary_archive_on_sigterm(store: ServerData, tmp_path: Path) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(record) + "\n" for record in store.records))
    serving = subprocess.Popen(
        [sys.executable, "-m", "riza_tui", "serve", "--port", "0", "--api-key", "k", "--data", str(data)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert serving.stdout is not None
    first = serving.stdout.readline()
    assert first.startswith(f"Serving {len(store.records)} executions read-only on http://127.0.0.1:"), first
    (temporary,) = tmp_path.glob("riza-tui-serve-*")
    assert (temporary / "data.db").is_file()
    os.kill(serving.pid, signal.SIGTERM)
    assert serving.wait(timeout=30) == 0
    assert not temporary.exists()
