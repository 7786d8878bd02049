"""Shared benchmark parts: medians, tables, a served data set in its own process, and a real pty."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

API_KEY = "bench-key"
ROOT = Path(__file__).resolve().parent.parent


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table, numbers right-aligned, floats with three decimals."""

    def cell(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


@dataclass
class Served:
    url: str
    process: subprocess.Popen[str]


@contextmanager
def served(records: list[dict[str, Any]] | None = None, *, access_log: Path | None = None) -> Iterator[Served]:
    """``riza-tui serve`` in a process of its own (so its memory and threads don't count against the
    measured client), on a free loopback port, with ``records`` or the bundled data; its access log (one line
    a request) goes to ``access_log`` if given."""
    with tempfile.TemporaryDirectory() as folder, open(access_log or os.devnull, "w") as log:
        command = [sys.executable, "-m", "riza_tui", "serve", "--port", "0", "--api-key", API_KEY]
        if records is not None:
            data = Path(folder) / "executions.jsonl"
            data.write_text("".join(json.dumps(record) + "\n" for record in records))
            command += ["--data", str(data)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT)
        assert process.stdout is not None
        first_line = process.stdout.readline()
        found = re.search(r"http://[\d.]+:\d+", first_line)
        if not found:
            process.kill()
            raise RuntimeError(f"riza-tui serve did not start: {first_line!r}")
        try:
            yield Served(found.group(), process)
        finally:
            process.terminate()
            process.wait(timeout=10)


def bundled_records() -> list[dict[str, Any]]:
    from riza_tui.server.data import load_data

    return load_data().records


@dataclass
class PtyRun:
    seconds_to_marker: float | None
    seconds_to_first_byte: float | None
    output: bytes


@contextmanager
def pty_command(command: list[str], *, env: dict[str, str], size: tuple[int, int]) -> Iterator[tuple[int, float]]:
    """``command`` on a new pseudo-terminal of ``size`` (columns, lines): the terminal's side and the moment
    just before the fork. The process group is killed when the block ends."""
    parent, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    full_env = {**os.environ, **env, "TERM": "xterm-256color", "COLUMNS": str(size[0]), "LINES": str(size[1])}
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=child, stdout=child, stderr=child, env=full_env, start_new_session=True, cwd=ROOT
    )
    os.close(child)
    try:
        yield parent, started
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(parent)


def pty_chunks(parent: int, timeout: float) -> Iterator[bytes]:
    """What the program writes on the terminal, chunk by chunk, until it closes it or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([parent], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(parent, 1 << 16)
        except OSError:
            return
        if not chunk:
            return
        yield chunk


def time_in_pty(
    command: list[str], marker: bytes, *, env: dict[str, str], size: tuple[int, int] = (120, 40), timeout: float = 30
) -> PtyRun:
    """Start ``command`` on a new pseudo-terminal and time, from just before the fork, the first byte it
    writes and the moment ``marker`` has been written. The process is then killed."""
    seen = b""
    first_byte: float | None = None
    found: float | None = None
    with pty_command(command, env=env, size=size) as (parent, started):
        for chunk in pty_chunks(parent, timeout):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            seen += chunk
            if marker in seen[-(len(chunk) + len(marker)) :]:
                found = time.perf_counter() - started
                break
    return PtyRun(found, first_byte, seen)
