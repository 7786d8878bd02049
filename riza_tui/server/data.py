"""The executions a server answers with: loaded from a file, validated per record, newest first."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from riza_tui.api import json_text  # noqa: F401 - raises the recursion limit for deep data files
from riza_tui.api.models import Execution, field_path

SAMPLE_DATA = "executions.json.gz"
# A data set bigger than the client would accept in one response is refused, decompressed or not: a 1.5 MB gzip
# bomb grew to 1.5 GB and a MemoryError traceback before this was read incrementally against it.
MAX_DATA_BYTES = 256 * 1024 * 1024


class DataError(Exception):
    """A data file that cannot be served; the message names the file and the record."""


def _started(raw: dict[str, Any]) -> datetime:
    try:
        moment = datetime.fromisoformat(str(raw["started_at"]))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ServerData:
    """Executions kept as the JSON the file gave, so unknown fields are served back untouched."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        ordered = sorted(records, key=lambda raw: (_started(raw), str(raw["id"])), reverse=True)
        self._ordered = ordered
        self._by_id = {str(raw["id"]): raw for raw in ordered}
        self._position = {str(raw["id"]): index for index, raw in enumerate(ordered)}
        self._bodies: dict[str, bytes] = {}

    def __len__(self) -> int:
        return len(self._ordered)

    @property
    def records(self) -> list[dict[str, Any]]:
        return list(self._ordered)

    def body(self, execution_id: str) -> bytes | None:
        """The JSON body of one execution, encoded once and kept."""
        if execution_id not in self._by_id:
            return None
        if execution_id not in self._bodies:
            self._bodies[execution_id] = json.dumps(self._by_id[execution_id]).encode()
        return self._bodies[execution_id]

    def knows(self, execution_id: str) -> bool:
        return execution_id in self._by_id

    def page(self, *, limit: int, starting_after: str | None, only_failures: bool) -> list[dict[str, Any]]:
        """A list page: the items after ``starting_after``, without ``details`` as the real API sends them."""
        start = self._position[starting_after] + 1 if starting_after else 0
        items: list[dict[str, Any]] = []
        for index in range(start, len(self._ordered)):  # no copy of the rest: every page costs the same
            raw = self._ordered[index]
            if only_failures and raw.get("exit_code") == 0:
                continue
            items.append({key: value for key, value in raw.items() if key != "details"})
            if len(items) == limit:
                break
        return items


def parse_records(text: str, source: str) -> list[dict[str, Any]]:
    """Read ``{"data": [...]}``, a JSON list, or JSON Lines; validate each record against the models."""
    numbered, where = _split_records(text, source)
    seen: set[str] = set()
    for number, record in numbered:
        check_record(record, f"{source}: {where} {number}")
        if record["id"] in seen:
            raise DataError(f"{source}: {where} {number}: duplicate id {record['id']!r}")
        seen.add(record["id"])
    return [record for _, record in numbered]


def check_record(record: Any, where: str) -> dict[str, Any]:
    """The record, if it is an execution the models accept; else DataError naming ``where`` and the field."""
    if not isinstance(record, dict):
        raise DataError(f"{where}: an execution must be a JSON object")
    try:
        Execution.model_validate(record)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DataError(f"{where}: {field_path(first['loc'])}: {first['msg']}") from None
    return record


def _loads(text: str) -> Any:
    """json.loads, with the refusals of its own limits (nesting, integer digits) as ValueError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply to read") from None


def _split_records(text: str, source: str) -> tuple[list[tuple[int, Any]], str]:
    try:
        document = _loads(text)
    except ValueError as whole_error:
        if not isinstance(whole_error, json.JSONDecodeError) or text.lstrip().startswith("["):
            raise DataError(f"{source}: not valid JSON: {whole_error}") from None
        lines = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                lines.append((number, _loads(line)))
            except ValueError as line_error:
                if not lines:  # not even the first line is a record: this is no JSON Lines file
                    raise DataError(f"{source}: not valid JSON or JSON Lines: {whole_error}") from None
                raise DataError(f"{source}: line {number}: not valid JSON: {line_error}") from None
        return lines, "line"
    if isinstance(document, dict) and "data" in document:
        document = document["data"]
    elif isinstance(document, dict):
        return [(1, document)], "line"
    if not isinstance(document, list):
        raise DataError(f'{source}: expected {{"data": [...]}}, a list of executions, or JSON Lines')
    return list(enumerate(document, start=1)), "record"


def load_data(path: Path | None = None) -> ServerData:
    """The store for a data file, or for the bundled sample data set when no path is given."""
    if path is None:
        blob = resources.files("riza_tui.demo").joinpath(SAMPLE_DATA).read_bytes()
        return ServerData(parse_records(gzip.decompress(blob).decode(), "bundled sample data"))
    try:
        if not path.is_file():  # a FIFO or a device would block the read forever
            raise DataError(f"{path}: not a regular file")
        with path.open("rb") as file:
            compressed = path.suffix == ".gz"
            data = (gzip.GzipFile(fileobj=file) if compressed else file).read(MAX_DATA_BYTES + 1)
        if len(data) > MAX_DATA_BYTES:
            unpacked = " once decompressed" if compressed else ""
            raise DataError(f"{path}: more than {MAX_DATA_BYTES // 1024 // 1024} MB{unpacked}; serve a smaller file")
        text = data.decode()
    except (OSError, UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        raise DataError(f"{path}: cannot read: {exc}") from None
    return ServerData(parse_records(text, str(path)))
