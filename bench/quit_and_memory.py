"""ctrl+q under load, and memory when the big execution is reopened, in a real pty.

- ctrl+q is pressed the moment the first line of a 50 MB stdout is drawn (the rest still being split), and
  the moment a 1 MB code file is drawn (pygments still highlighting it in a thread); timed to process exit.
  Goal: 0.5 s.
- The 2.6 MB stdout sample is opened, then reloaded (r) five times; resident memory (VmRSS) is read after
  each settles. Goal: growth within one copy of the execution.
"""

from __future__ import annotations

import json
import os
import sys
import time

from bench.big_output import execution_with_stdout, payload
from bench.common import API_KEY, bundled_records, median, served, table
from bench.ssh_keys import Terminal, big_execution

RUNS = 3
REOPENS = int(os.environ.get("REOPENS", "5"))


def with_big_code() -> dict[str, object]:
    record = execution_with_stdout("done\n")
    record["id"] = "exec_big_code"
    code = "".join(f"def handler_{n}(event):\n    return {{'n': {n}, 'ok': True}}\n\n" for n in range(20_000))
    record["details"]["request"]["code"] = code[:1_000_000]  # type: ignore[index]
    return record


def quit_seconds(url: str, execution_id: str, marker: bytes) -> float:
    term = Terminal([sys.executable, "-m", "riza_tui", execution_id], {"RIZA_BASE_URL": url, "RIZA_API_KEY": API_KEY})
    try:
        term.wait_for(marker, limit=60)
        started = time.perf_counter()
        os.write(term.fd, b"\x11")
        while term.process.poll() is None:
            term.read_until_quiet(quiet=0.01, limit=0.05)  # keep draining so the app's last writes never block
        return time.perf_counter() - started
    finally:
        term.close()


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise LookupError("VmRSS")


def reopen_growth(url: str) -> tuple[float, list[float]]:
    execution_id, stdout = big_execution()
    term = Terminal([sys.executable, "-m", "riza_tui", execution_id], {"RIZA_BASE_URL": url, "RIZA_API_KEY": API_KEY})
    try:
        term.wait_for(stdout.splitlines()[0][:30].encode())
        term.read_until_quiet(quiet=1.0)
        sizes = [rss_mb(term.process.pid)]
        for _ in range(REOPENS):
            os.write(term.fd, b"r")
            term.read_until_quiet(quiet=1.0)
            sizes.append(rss_mb(term.process.pid))
        return len(json.dumps(next(r for r in bundled_records() if r["id"] == execution_id))) / 1e6, sizes
    finally:
        term.close()


def run(runs: int = RUNS) -> str:
    big = execution_with_stdout(payload(50, False))
    with served([big, with_big_code()]) as server:
        splitting = [quit_seconds(server.url, "exec_big", b"INFO etl batch=123456") for _ in range(runs)]
        highlighting = [quit_seconds(server.url, "exec_big_code", b"handler_0") for _ in range(runs)]
    with served() as server:
        copy_mb, sizes = reopen_growth(server.url)
    quit_rows = [
        ["50 MB stdout being split", f"{median(splitting):.2f}"],
        ["1 MB of code being highlighted", f"{median(highlighting):.2f}"],
    ]
    growth = sizes[-1] - sizes[0]
    memory_rows = [
        [f"after opening, then {n} reloads" if n else "after opening", f"{size:.0f}"] for n, size in enumerate(sizes)
    ]
    return (
        f"ctrl+q pressed as the first screen is drawn, to process exit, 120x40 pty, median of {runs}\n\n"
        + table(["while", "seconds"], quit_rows)
        + f"\n\nResident memory reopening the 2.6 MB stdout sample ({copy_mb:.1f} MB of JSON): "
        f"grew {growth:.1f} MB over {REOPENS} reloads ({growth / copy_mb:.1f} copies)\n\n"
        + table(["moment", "VmRSS MB"], memory_rows)
    )


if __name__ == "__main__":
    print(run())
