"""Test scaffolding for the archive: executions that carry canary secrets, a scan of a file's bytes that also
reads what zlib compressed in it, child processes that write or lock an archive, and read-only files."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from tests.conftest import Record, script_record

ROOT = Path(__file__).resolve().parent.parent
CANARIES = {
    "env": "CANARY-ENV-VALUE-7f3a",
    "bearer": "CANARY-BEARER-TOKEN-51c2",
    "basic": "CANARY-BASIC-PASSWORD-9d0e",
    "header": "CANARY-HEADER-VALUE-44ab",
    "query": "CANARY-QUERY-VALUE-e1f0",
    "tool_env": "CANARY-TOOL-ENV-0b7c",
    "function_env": "CANARY-FUNCTION-ENV-3a99",
}
# Text that is not secret and must be found by the same scan: proof that the scan can see into the file.
VISIBLE = {"env name": "VISIBLE_ENV_NAME_QX", "host": "visible-host.example.com", "stderr": "VisibleMarkerError"}


def _http() -> dict[str, Any]:
    return {
        "allow": [
            {"host": VISIBLE["host"], "auth": {"bearer": {"token": CANARIES["bearer"]}}},
            {"host": "b.example.com", "auth": {"basic": {"user_id": "ops", "password": CANARIES["basic"]}}},
            {"host": "c.example.com", "auth": {"header": {"name": "X-Key", "value": CANARIES["header"]}}},
            {"host": "d.example.com", "auth": {"query": {"key": "key", "value": CANARIES["query"]}}},
        ]
    }


def canary_records(count: int = 3) -> list[Record]:
    """Script, function and tool executions whose requests hold every kind of secret the screen masks."""
    records: list[Record] = []
    for number in range(count):
        script = script_record(
            f"exec_canary_script_{number}",
            "print(1)",
            env={VISIBLE["env name"]: CANARIES["env"]},
            http=_http(),
            exit_code=1,
            stdout=f"connecting with {CANARIES['env']}\n",  # a program that prints its secret: masked there too
            stderr=f'Traceback (most recent call last):\n  File "main.py", line 1\n{VISIBLE["stderr"]}: {number}\n',
        )
        function = {
            "id": f"exec_canary_function_{number}",
            "language": "python",
            "duration": 3,
            "exit_code": 0,
            "started_at": f"2026-11-27T10:0{number}:00Z",
            "details": {
                "type": "function",
                "request": {"language": "python", "code": "x", "env": {"F_TOKEN": CANARIES["function_env"]}},
                "response": {
                    "output": {"ok": True, "echo": [f"token {CANARIES['function_env']}"]},
                    "output_status": "valid",
                    "execution": {"id": "r", "exit_code": 0, "stdout": "", "stderr": "", "duration": 3},
                },
            },
        }
        tool = {
            "id": f"exec_canary_tool_{number}",
            "language": "python",
            "duration": 4,
            "exit_code": 0,
            "started_at": f"2026-11-27T11:0{number}:00Z",
            "details": {
                "type": "tool",
                "tool_id": "tool_visible",
                "request": {"input": {}, "env": [{"name": "T_KEY", "value": CANARIES["tool_env"]}], "http": _http()},
                "response": {
                    "output": 1,
                    "output_status": "valid",
                    "execution": {
                        "id": "r",
                        "exit_code": 0,
                        "stdout": f"key={CANARIES['tool_env']}",
                        "stderr": "",
                        "duration": 4,
                    },
                },
            },
        }
        script["started_at"] = f"2026-11-27T09:0{number}:00Z"
        records += [script, function, tool]
    return records


def readable(data: bytes) -> bytes:
    """The bytes as they are, followed by everything that inflates from any zlib stream found in them (the
    archive compresses bodies: a plain grep could never find a secret inside one)."""
    found = [data]
    start = data.find(b"\x78\x01")
    while start >= 0:
        inflater = zlib.decompressobj()
        with suppress(zlib.error):
            found.append(inflater.decompress(data[start : start + 1_000_000]))
        start = data.find(b"\x78\x01", start + 1)
    return b"\n".join(found)


def files_of(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.rglob("*")) if path.is_file()}


def child(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Python running ``code`` in another process, talking over pipes (it prints what it has done)."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


# A process that holds a lock on an archive until its stdin closes: the whole file (exclusive locking mode, as
# a program that opened it that way), or a write transaction left open (a writer stuck half way).
LOCKER = """
    import sqlite3, sys
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    if sys.argv[2] == "exclusive":
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
    connection.execute("BEGIN EXCLUSIVE")
    connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('held', 'yes')")
    print("locked", flush=True)
    sys.stdin.read()
"""


@contextmanager
def locked(path: Path, how: str = "exclusive") -> Iterator[None]:
    holder = child(LOCKER, str(path), how)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked", holder.stderr
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """The file cannot be written, even by root: mode 0400, and for root the immutable attribute as well."""
    path.chmod(0o400)
    immutable = os.getuid() == 0
    if immutable:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o600)
