"""Executions read from a data file one at a time, never the whole file at once: JSON Lines line by line, a
JSON list (or ``{"data": [...]}``) element by element. Gzipped files are decompressed as they are read.

Each record is bounded (no line or element may pass :data:`MAX_RECORD_BYTES`, the most the client would
accept as one execution), so memory stays bounded whatever the file holds. Errors name the file and the
line or record, as :func:`riza_tui.server.data.parse_records` does.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from riza_tui.api import json_text  # noqa: F401 - raises the recursion limit for deep records
from riza_tui.api.settings import DEFAULT_MAX_RESPONSE_BYTES
from riza_tui.server.data import DataError

MAX_RECORD_BYTES = DEFAULT_MAX_RESPONSE_BYTES
CHUNK = 1 << 20
BLANKS = " \t\r\n"
NOT_BLANK = re.compile(r"[^ \t\r\n]")
DATA_PREFIX = re.compile(r'\{\s*"data"\s*:\s*\[')

Record = tuple[str, Any, bytes]  # where ("line 3", "record 3"), the parsed record, its JSON text as read


# Streamed into an archive on disk, a data set may be far bigger than memory (1M executions: 383 MB of JSONL),
# but not endless: a gzip of blanks (1.5 MB -> 1.5 GB and more) is refused once this much has been read.
MAX_STREAMED_BYTES = 8 * 1024 * 1024 * 1024


class _Bounded(io.RawIOBase):
    """A stream that refuses to give more than ``MAX_STREAMED_BYTES`` (after decompression)."""

    def __init__(self, stream: io.BufferedIOBase, source: str, compressed: bool) -> None:
        self._stream, self._source, self._compressed, self._read = stream, source, compressed, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._stream.read(len(buffer))
        self._read += len(chunk)
        if self._read > MAX_STREAMED_BYTES:
            unpacked = " once decompressed" if self._compressed else ""
            raise DataError(
                f"{self._source}: more than {MAX_STREAMED_BYTES // 1024 // 1024:,} MB{unpacked}; serve a smaller file"
            )
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._stream.close()
        super().close()


def open_data(path: Path) -> io.BufferedIOBase:
    """The file's bytes, decompressed as read when it ends in ``.gz``, bounded in total."""
    compressed = path.suffix == ".gz"
    stream: io.BufferedIOBase = gzip.GzipFile(path, "rb") if compressed else open(path, "rb")  # noqa: SIM115
    return io.BufferedReader(_Bounded(stream, str(path), compressed))


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply to read") from None


class _Text:
    """The file as text, decoded as it is read; ``text[position:]`` is what is not consumed yet."""

    def __init__(self, stream: io.BufferedIOBase, source: str) -> None:
        self.stream = stream
        self.source = source
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.text = ""
        self.position = 0
        self.eof = False

    def more(self, wanted: int = CHUNK) -> bool:
        """Drop what was consumed and read about ``wanted`` more bytes; False at the end of the file."""
        if self.eof:
            return False
        chunk = self.stream.read(wanted)
        try:
            decoded = self.decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            raise DataError(f"{self.source}: cannot read: not UTF-8 text ({error.reason})") from None
        self.text = self.text[self.position :] + decoded
        self.position = 0
        self.eof = not chunk
        return bool(chunk)

    def skip_blanks(self) -> None:
        while True:
            found = NOT_BLANK.search(self.text, self.position)
            self.position = found.start() if found is not None else len(self.text)
            if found is not None or not self.more():
                return

    def unread(self) -> int:
        return len(self.text) - self.position

    def expect_end(self) -> None:
        self.skip_blanks()
        if self.position < len(self.text):
            raise DataError(f"{self.source}: more after the end of the JSON document")


def iter_records(stream: io.BufferedIOBase, source: str) -> Iterator[Record]:
    """Every record of the file, whatever its shape (the same three shapes ``parse_records`` reads)."""
    reader = _Text(stream, source)
    reader.skip_blanks()
    while reader.unread() < 64 and reader.more():
        pass
    if reader.text.startswith("[", reader.position):
        reader.position += 1
        yield from _elements(reader, closing="]")
        return
    prefix = DATA_PREFIX.match(reader.text, reader.position)
    if prefix is not None:
        reader.position = prefix.end()
        yield from _elements(reader, closing="]}")
        return
    yield from _lines(reader)


def _lines(reader: _Text) -> Iterator[Record]:
    """JSON Lines; a file whose first line is not a whole object is read as one JSON document instead."""
    number = 0
    while True:
        newline = reader.text.find("\n", reader.position)
        while newline < 0 and not reader.eof:
            if reader.unread() > MAX_RECORD_BYTES:
                raise DataError(f"{reader.source}: line {number + 1}: longer than {MAX_RECORD_BYTES:,} bytes")
            searched = reader.unread()
            reader.more()
            newline = reader.text.find("\n", reader.position + searched)
        end = len(reader.text) if newline < 0 else newline
        line = reader.text[reader.position : end].strip(BLANKS)
        number += 1
        if line:
            try:
                record = _loads(line)
            except ValueError as error:
                if number == 1:
                    yield _document(reader, error)
                    return
                raise DataError(f"{reader.source}: line {number}: not valid JSON: {error}") from None
            reader.position = end + 1
            if number == 1 and isinstance(record, dict) and isinstance(record.get("data"), list):
                for index, item in enumerate(record["data"], start=1):
                    yield f"record {index}", item, json.dumps(item).encode()
                reader.expect_end()
                return
            yield f"line {number}", record, line.encode()
        else:
            reader.position = end + 1
        if newline < 0:
            return


def _document(reader: _Text, first_error: ValueError) -> Record:
    """A JSON document over several lines that is not a list: one execution, pretty-printed, read whole."""
    while reader.more():
        if reader.unread() > MAX_RECORD_BYTES:
            raise DataError(f"{reader.source}: not valid JSON Lines, and too big to read as one document")
    text = reader.text[reader.position :]
    try:
        document = _loads(text)
    except ValueError as error:
        shown = error if isinstance(first_error, json.JSONDecodeError) else first_error
        raise DataError(f"{reader.source}: not valid JSON or JSON Lines: {shown}") from None
    if not isinstance(document, dict):
        raise DataError(f'{reader.source}: expected {{"data": [...]}}, a list of executions, or JSON Lines')
    return "line 1", document, text.strip(BLANKS).encode()


def _elements(reader: _Text, closing: str) -> Iterator[Record]:
    """The elements of a JSON list, decoded one by one from a buffer that holds about one element at a time."""
    decoder = json.JSONDecoder()
    number = 0
    while True:
        reader.skip_blanks()
        if reader.text.startswith("]", reader.position):
            reader.position += 1
            if closing == "]}":
                reader.skip_blanks()
                if not reader.text.startswith("}", reader.position):
                    raise DataError(f'{reader.source}: expected the closing "}}" of {{"data": [...]}}')
                reader.position += 1
            reader.expect_end()
            return
        if number:
            if not reader.text.startswith(",", reader.position):
                raise DataError(f"{reader.source}: record {number}: expected a comma or the end of the list after it")
            reader.position += 1
            reader.skip_blanks()
        number += 1
        yield _element(reader, decoder, number)


def _element(reader: _Text, decoder: json.JSONDecoder, number: int) -> Record:
    where = f"record {number}"
    while True:
        try:
            record, end = decoder.raw_decode(reader.text, reader.position)
        except json.JSONDecodeError as error:
            if reader.eof:
                raise DataError(f"{reader.source}: {where}: not valid JSON: {error}") from None
            if reader.unread() > MAX_RECORD_BYTES:
                raise DataError(f"{reader.source}: {where}: longer than {MAX_RECORD_BYTES:,} bytes") from None
            reader.more(max(CHUNK, reader.unread()))  # twice what did not fit: a big record is decoded a few times
            continue
        except RecursionError:
            raise DataError(f"{reader.source}: {where}: not valid JSON: nested too deeply to read") from None
        except ValueError as error:  # json's own limits, such as the digits of an integer
            raise DataError(f"{reader.source}: {where}: not valid JSON: {error}") from None
        text = reader.text[reader.position : end].encode()
        if len(text) > MAX_RECORD_BYTES:
            raise DataError(f"{reader.source}: {where}: longer than {MAX_RECORD_BYTES:,} bytes")
        reader.position = end
        return where, record, text
