"""Keys over SSH: bytes written to the terminal and time to the last byte of the answer, per key, in a real
120x40 pty (TERM=xterm-256color), against ``less`` and a minimal Textual ``Log`` app in the same run.

Each program is started on the 2.6 MB stdout sample; a key is written to the pty and the program's answer
is read until it has been quiet for ``QUIET`` seconds: the bytes are what an SSH link would carry, the
time is from the key to the last byte of its answer (what a remote user waits for). Idle is 10 s of
nothing pressed after everything settled. The lookup over 150 ms RTT runs through a loopback proxy that
delays every chunk by 75 ms each way.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import API_KEY, ROOT, bundled_records, median, served, table

RUNS = 5
QUIET = 0.35
IDLE_SECONDS = 10.0
SIZE = (120, 40)
KEYS = {
    "Down": b"\x1b[B",
    "PageDown": b"\x1b[6~",
    "End": b"\x1b[F",
    "Tab (focus change)": b"\t",
}
LESS_KEYS = {"Down": b"\x1b[B", "PageDown": b"\x1b[6~", "End": b">"}


class Terminal:
    """A program on a pty: write keys, read what it answers."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.fd, child = pty.openpty()
        fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        full_env = {key: value for key, value in os.environ.items() if key != "COLORTERM"}
        full_env |= env | {"TERM": "xterm-256color", "COLUMNS": str(SIZE[0]), "LINES": str(SIZE[1])}
        self.process = subprocess.Popen(
            command, stdin=child, stdout=child, stderr=child, env=full_env, start_new_session=True, cwd=ROOT
        )
        os.close(child)

    def read_until_quiet(self, quiet: float = QUIET, limit: float = 30.0) -> tuple[bytes, float]:
        """Everything written until ``quiet`` seconds pass without a byte; and when the last byte came."""
        seen = b""
        started = last = time.perf_counter()
        while time.perf_counter() - started < limit:
            ready, _, _ = select.select([self.fd], [], [], quiet)
            if not ready:
                break
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:  # the program exited and its side of the pty is gone
                break
            if not chunk:
                break
            seen += chunk
            last = time.perf_counter()
        return seen, last - started

    def wait_for(self, marker: bytes, limit: float = 30.0) -> bytes:
        seen = b""
        deadline = time.monotonic() + limit
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if ready:
                seen += os.read(self.fd, 1 << 16)
        if marker not in seen:
            raise RuntimeError(f"never drew {marker!r}: {seen[-300:]!r}")
        return seen

    def press(self, key: bytes) -> tuple[int, float]:
        """Bytes written in answer to ``key``, and seconds from the key to the last of them."""
        os.write(self.fd, key)
        answer, seconds = self.read_until_quiet()
        return len(answer), seconds

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):  # it may have exited already
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        os.close(self.fd)


@contextmanager
def terminal(command: list[str], env: dict[str, str], ready: bytes) -> Iterator[Terminal]:
    term = Terminal(command, env)
    try:
        term.wait_for(ready)
        term.read_until_quiet(quiet=1.0)
        yield term
    finally:
        term.close()


def big_execution() -> tuple[str, str]:
    record = max(
        (r for r in bundled_records() if r.get("details")),
        key=lambda r: len(r["details"]["response"].get("stdout", "")),
    )
    return record["id"], record["details"]["response"]["stdout"]


@contextmanager
def delaying_proxy(target: str, one_way: float) -> Iterator[str]:
    """A loopback TCP proxy to ``target`` (http://host:port) that delays every chunk by ``one_way`` seconds."""
    host, port = target.removeprefix("http://").rsplit(":", 1)

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Latency, not a throughput cap: each chunk is sent ``one_way`` seconds after it arrived."""
        loop = asyncio.get_running_loop()
        while chunk := await reader.read(1 << 16):
            loop.call_later(one_way, writer.write, chunk)
        loop.call_later(one_way, writer.close)

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(host, int(port))
        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))

    loop = asyncio.new_event_loop()
    started = threading.Event()
    address: list[str] = []

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        address.append(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
        started.set()
        async with server:
            await server.serve_forever()

    thread = threading.Thread(target=lambda: loop.run_until_complete(serve()), daemon=True)
    thread.start()
    started.wait(10)
    yield address[0]  # a daemon thread: it ends with the benchmark's process


def small_execution() -> tuple[str, bytes]:
    """A script of ordinary size whose first stdout line is distinctive: its drawing ends a lookup."""
    from bench.first_paint import pick_execution

    return pick_execution(bundled_records())


def lookup(term: Terminal, execution_id: str, marker: bytes) -> tuple[int, float]:
    """ctrl+l, the ID and Enter in one write: bytes until the answer is drawn and quiet, and ms to the marker."""
    started = time.perf_counter()
    os.write(term.fd, b"\x0c" + execution_id.encode() + b"\r")
    drawn = term.wait_for(marker)
    seconds = time.perf_counter() - started
    rest, _ = term.read_until_quiet()
    os.write(term.fd, b"b")  # back to the list, so the next lookup starts from the same screen
    term.read_until_quiet()
    return len(drawn) + len(rest), seconds


def measure_keys(term: Terminal, keys: dict[str, bytes], samples: dict[str, list[tuple[int, float]]]) -> None:
    for name, key in keys.items():
        samples.setdefault(name, []).append(term.press(key))


def run(runs: int = RUNS) -> str:
    execution_id, stdout = big_execution()
    riza = [sys.executable, "-m", "riza_tui"]
    rows: list[list[object]] = []
    per_program: dict[str, dict[str, list[tuple[int, float]]]] = {"riza-tui": {}, "less": {}, "Log app": {}}
    idle: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder, served() as server:
        text_file = Path(folder) / "stdout.txt"
        text_file.write_text(stdout)
        env = {"RIZA_BASE_URL": server.url, "RIZA_API_KEY": API_KEY}
        first_line = stdout.splitlines()[0][:30].encode()
        for _ in range(runs):
            with terminal([*riza, execution_id], env, first_line) as term:
                measure_keys(term, KEYS, per_program["riza-tui"])
                measure_keys(term, {"b (back to the list)": b"b", "list Down": b"\x1b[B"}, per_program["riza-tui"])
                measure_keys(term, {"open from the list": b"\r"}, per_program["riza-tui"])
            with terminal(["less", "-R", str(text_file)], {}, first_line) as term:
                measure_keys(term, LESS_KEYS, per_program["less"])
            with terminal([sys.executable, "bench/log_app.py", str(text_file)], {}, first_line) as term:
                measure_keys(term, {k: v for k, v in KEYS.items() if k in LESS_KEYS}, per_program["Log app"])
        for name, command, ready in [
            ("riza-tui, an execution open", [*riza, execution_id], first_line),
            ("riza-tui, first screen", riza, b"Recent executions"),
            ("riza-tui --demo, first screen", [*riza, "--demo"], b"Recent executions"),
            ("less", ["less", "-R", str(text_file)], first_line),
        ]:
            with terminal(command, env, ready) as term:
                idle[name] = len(term.read_until_quiet(quiet=IDLE_SECONDS, limit=IDLE_SECONDS)[0])
        small_id, small_marker = small_execution()
        with (
            delaying_proxy(server.url, 0.075) as proxy,
            terminal(riza, env | {"RIZA_BASE_URL": proxy}, b"Recent") as term,
        ):
            lookups = [lookup(term, small_id, small_marker) for _ in range(3)]
    less_page = median([size for size, _ in per_program["less"]["PageDown"]])
    for program, keys in per_program.items():
        for key, samples in keys.items():
            size = median([size for size, _ in samples])
            ms = median([seconds for _, seconds in samples]) * 1000
            rows.append([program, key, f"{size:,.0f}", f"{size / less_page:.1f}x", f"{ms:.0f}"])
    idle_rows = [[name, f"{size:,}"] for name, size in idle.items()]
    lookup_size = median([size for size, _ in lookups])
    lookup_ms = median([seconds for _, seconds in lookups]) * 1000
    return (
        f"Keys in a real {SIZE[0]}x{SIZE[1]} pty (xterm-256color) on the {len(stdout) / 1e6:.1f} MB stdout sample, "
        f"median of {runs}; bytes are what the program writes for the key, ms is key to the last byte of the answer"
        "\n\n"
        + table(["program", "key", "bytes", "vs less's page", "ms"], rows)
        + f"\n\nBytes written in {IDLE_SECONDS:.0f} s with nothing pressed\n\n"
        + table(["screen", "bytes"], idle_rows)
        + "\n\nA lookup (ctrl+l, the ID and Enter in one write) through a proxy adding 150 ms of round trip, "
        "median of 3\n\n"
        + table(["bytes until drawn and quiet", "ms until drawn"], [[f"{lookup_size:,.0f}", f"{lookup_ms:.0f}"]])
    )


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS))
