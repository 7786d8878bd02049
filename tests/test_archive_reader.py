"""The archive read as the app reads the API (--offline): pages newest first, retrieving, and failures as the
errors a server's would be."""

from __future__ import annotations

from pathlib import Path

import pytest

from riza_tui.api.errors import NotFoundError, RizaError
from riza_tui.core.archive import open_archive
from riza_tui.core.archive_reader import ArchiveReader
from riza_tui.server.data import ServerData


async def test_pages_and_lookups_come_from_the_file(tmp_path: Path, store: ServerData) -> None:
    archive = open_archive("http://server.example", None, path=tmp_path / "a.db")
    archive.put_many(store.records[:30])
    reader = ArchiveReader(archive, "server.example")
    pages = [execution.id async for execution in reader.iter_executions(page_size=7)]
    assert pages == [record["id"] for record in store.records[:30]], "newest first, every page"
    failures = await reader.list_executions(limit=100, only_failures=True)
    assert [e.id for e in failures.data] == [r["id"] for r in store.records[:30] if r["exit_code"] != 0]
    assert (await reader.list_executions(starting_after="exec_gone")).data == [], "an evicted cursor ends the list"
    fetched = await reader.retrieve(f"  {store.records[3]['id']} ")
    assert fetched.execution.id == store.records[3]["id"] and fetched.archived_at is not None
    with pytest.raises(NotFoundError) as missing:
        await reader.retrieve("exec_never_seen")
    assert "not in the archive of server.example" in str(missing.value)
    archive.close()
    for call in (reader.retrieve(store.records[0]["id"]), reader.list_executions()):
        with pytest.raises(RizaError) as failed:
            await call
        assert len(str(failed.value).splitlines()) == 1 and "archive" in str(failed.value)
    await reader.aclose()
