"""Incidents at scale (issue 17): search across archived executions, failure groups, the index's size and the
groups screen's first paint, each against a floor measured in the same run.

Two archives are built once each, through ``Archive.put_many`` in batches of 500 as write-through writes them
(masking, signatures, the FTS5 trigram index), newest first as a sync writes, from executions drawn like the
demo's (bench/incidents_data.py: its scripts, functions, tools and recurring outbreaks, plus a long tail of
one-off problems), evenly over the six days before now, so that the TUI's default window (7 days) holds all:
200,000 executions with a request id in 5 of them (search), and 100,000 failures with a success for every
ten (groups). ``--quick``: 20,000 and 10,000. Every figure of a table is a median of runs taken in turn
with its floor, so the machine's load falls on both.
"""

from __future__ import annotations

import compileall
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from bench.common import ROOT, median, table
from bench.incidents_data import drawn, planted
from bench.incidents_pty import key_in_pty
from bench.search_index import RARE, RARE_COUNT

SUCCESS_SHARE = 1 / 11  # the failures archive: a success for every ten failures, for the last good runs
BATCH = 500
BASE_URL = "http://127.0.0.1:9"  # the server the archives belong to; never reached (everything is offline)
MAX_BYTES = 50 * 1024**3  # nothing evicted while building
COMMON = "import"
TERMS = {"rare": RARE, "common": COMMON}
SEARCH_GOAL = 20.0  # grep -F / the archive's answer, rare term
GROUPS_GOAL = 0.5  # seconds
SEARCH_RUNS, GROUP_RUNS, COMMAND_RUNS, PAINT_RUNS = 15, 7, 5, 5
SAMPLE = 2_000  # executions whose preparation alone is timed
WEEK = timedelta(days=7)


def scale() -> tuple[int, int]:
    """Executions of the search archive, failures of the other; read when run (``--quick`` is set after the
    benchmarks are imported)."""
    return (20_000, 10_000) if os.environ.get("RIZA_BENCH_QUICK") else (200_000, 100_000)


@dataclass
class Built:
    path: Path
    count: int = 0
    batches: list[float] = field(default_factory=list)  # seconds of each put_many
    dumps: float = 0.0  # seconds of json.dumps for the JSONL
    newest_id: str = ""
    sample: list[dict[str, Any]] = field(default_factory=list)


def build(path: Path, records: Iterator[dict[str, Any]], jsonl: TextIO | None = None) -> Built:
    """Write ``records`` through ``put_many``, :data:`BATCH` a call (drawing them is not timed); the same
    executions to ``jsonl``, one line each, for grep."""
    from riza_tui.core.archive import open_archive

    built = Built(path)
    with open_archive(BASE_URL, None, path=path, max_bytes=MAX_BYTES) as archive:
        while batch := [record for _, record in zip(range(BATCH), records, strict=False)]:
            started = time.perf_counter()
            written = archive.put_many(batch)
            built.batches.append(time.perf_counter() - started)
            assert written == len(batch), (written, len(batch))
            if jsonl is not None:
                started = time.perf_counter()
                jsonl.write("".join(json.dumps(record) + "\n" for record in batch))
                built.dumps += time.perf_counter() - started
            built.newest_id = built.newest_id or batch[0]["id"]
            built.sample += batch[: SAMPLE - len(built.sample)]
            built.count += len(batch)
    return built


def alternated(calls: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median seconds of each call, the calls taken in turn (after one untimed round), in a shuffled order
    each round: what runs right after a ``grep`` process finds the CPU's caches cold, so no call always does."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for attempt in range(runs + 1):
        order = list(calls)
        random.Random(attempt).shuffle(order)
        for name in order:
            started = time.perf_counter()
            calls[name]()
            if attempt:
                samples[name].append(time.perf_counter() - started)
    return {name: median(times) for name, times in samples.items()}


def grep(path: Path, term: str, *flags: str) -> int:
    done = subprocess.run(["grep", "-F", "-c", *flags, "--", term, str(path)], capture_output=True, text=True)
    return int(done.stdout.strip() or 0)


def offline_env(folder: Path) -> dict[str, str]:
    """The archives' server, and config, history and state in a temporary home."""
    home = {f"XDG_{kind}_HOME": str(folder / kind.lower()) for kind in ("CONFIG", "DATA", "STATE")}
    return {**os.environ, "RIZA_BASE_URL": BASE_URL, **home}


def command(path: Path, term: str, env: dict[str, str]) -> None:
    """``riza-tui search --offline`` as a user runs it (exit 0: something matched). ``--since all`` says what
    the default is: without it, ``--offline`` fails on ``options.since`` being None (cli/reading.py)."""
    run = [sys.executable, "-m", "riza_tui", "search", "--offline", "--since", "all", "--archive", str(path), term]
    subprocess.run(run, env=env, cwd=ROOT, check=True, capture_output=True)


def search_figures(built: Built, jsonl: Path, folder: Path) -> str:
    from riza_tui.core.archive import open_archive
    from riza_tui.core.search import DEFAULT_LIMIT, count_matches, search

    rows, commands, verdict = [], [], ""
    with open_archive(BASE_URL, None, path=built.path, read_only=True) as archive:

        def answer(term: str) -> None:
            """What ``riza-tui search`` runs: the first page, and the count when the page is full."""
            if len(search(archive, term)) == DEFAULT_LIMIT:
                count_matches(archive, term)

        for name, term in TERMS.items():
            times = alternated(
                {
                    "page": partial(search, archive, term),
                    "count": partial(count_matches, archive, term),
                    "answer": partial(answer, term),
                    "grep": partial(grep, jsonl, term),
                    "grep -i": partial(grep, jsonl, term, "-i"),
                },
                SEARCH_RUNS,
            )
            found, grepped, shown = count_matches(archive, term), grep(jsonl, term), len(search(archive, term))
            ratio = times["grep"] / times["answer"]
            rows.append(
                [f"{name}: {term}", f"{found:,} / {grepped:,}", shown, *(times[key] * 1000 for key in times),
                 f"{ratio:.1f}x"]
            )  # fmt: skip
            if name == "rare":
                assert found == RARE_COUNT == shown, (found, shown)
                verdict = f"goal met ({ratio:.1f}x)" if ratio >= SEARCH_GOAL else f"goal not met ({ratio:.1f}x)"
        env = offline_env(folder)
        for name, term in TERMS.items():
            times = alternated({"riza": partial(command, built.path, term, env), "grep": partial(grep, jsonl, term)},
                               COMMAND_RUNS)  # fmt: skip
            commands.append([f"{name}: {term}", times["riza"] * 1000, times["grep"] * 1000,
                             f"{times['grep'] / times['riza']:.2f}x"])  # fmt: skip
    headers = ["term", "found: index / grep lines", "page shows", "page ms", "count ms", "search answer ms",
               "grep -F ms", "grep -F -i ms", "grep -F / answer"]  # fmt: skip
    return "\n\n".join(
        [
            f"Search across {built.count:,} archived executions ({jsonl.stat().st_size / 1e6:.0f} MB as JSONL), "
            f"median of {SEARCH_RUNS}, each taken in turn with `grep -F -c` over the JSONL. page = "
            f"`core.search.search` (the first page of {DEFAULT_LIMIT} the CLI and the TUI show, each hit with its "
            "matching line from its body); count = `count_matches`; search answer = what `riza-tui search` runs "
            "(the page, and the count when the page is full). The index is case-insensitive, as `grep -F -i`.",
            table(headers, rows),
            f"Rare term, grep -F / the archive's answer: {verdict} (goal >= {SEARCH_GOAL:.0f}x).",
            f"Whole commands, median of {COMMAND_RUNS}: `riza-tui search --offline --archive FILE TERM` (a Python "
            "process: its start-up is most of it) against `grep -F -c TERM FILE.jsonl`",
            table(["term", "riza-tui search ms", "grep -F ms", "grep / riza-tui"], commands),
        ]
    )


def group_by(low: int, reader: sqlite3.Connection) -> list[Any]:
    """The floor: the window's failures counted by signature, nothing else."""
    return reader.execute(
        "SELECT signature, count(*) FROM executions WHERE signature IS NOT NULL AND started_us >= ? GROUP BY signature",
        (low,),
    ).fetchall()


def member_rows(low: int, reader: sqlite3.Connection) -> list[Any]:
    """A row per failure of the window, newest first: what groups() read before it read a row per signature."""
    return reader.execute(
        "SELECT signature, started_us, id FROM executions WHERE signature IS NOT NULL AND started_us >= ?"
        " ORDER BY started_us DESC, id DESC",
        (low,),
    ).fetchall()


def member_groups(low: int, reader: sqlite3.Connection) -> list[Any]:
    """The read groups() makes of the window's failures: a row per signature."""
    from riza_tui.core.groups import MEMBERS

    return reader.execute(f"{MEMBERS} AND started_us >= ? GROUP BY signature", (low,)).fetchall()


def group_figures(built: Built) -> tuple[str, int]:
    """The table, and how many failures the window holds (what the groups screen's heading will say)."""
    from riza_tui.core.archive import open_archive
    from riza_tui.core.groups import groups, microseconds

    now = datetime.now(UTC)
    since = now - WEEK
    low = microseconds(since)
    with open_archive(BASE_URL, None, path=built.path, read_only=True) as archive:
        found = groups(archive, since=since, now=now)
        failures = sum(group.count for group in found)
        times = alternated(
            {
                "groups(archive, since=7 days ago)": partial(groups, archive, since=since, now=now),
                "groups(archive), no window": partial(groups, archive, now=now),
                "of which: its read of the members, a row per signature": partial(
                    archive.run_read, partial(member_groups, low)
                ),
                "a row per failure instead (as groups() read before)": partial(
                    archive.run_read, partial(member_rows, low)
                ),
                "floor: SELECT signature, count(*) ... GROUP BY": partial(archive.run_read, partial(group_by, low)),
            },
            GROUP_RUNS,
        )
    floor = times["floor: SELECT signature, count(*) ... GROUP BY"]
    rows = [[name, seconds * 1000, f"{seconds / floor:.1f}x"] for name, seconds in times.items()]
    seconds = times["groups(archive, since=7 days ago)"]
    verdict = "met" if seconds <= GROUPS_GOAL else "not met"
    return (
        f"Failure groups over {failures:,} archived failures ({built.count:,} executions, {len(found):,} groups: "
        f"the demo's outbreaks and a long tail of one-off problems), median of {GROUP_RUNS}, in turn with the floor"
        "\n\n" + table(["", "ms", "vs GROUP BY"], rows)
        + f"\n\ngroups, the 7-day window: {seconds:.3f} s (goal <= {GROUPS_GOAL} s: {verdict})",
        failures,
    )  # fmt: skip


def size_row(built: Built, jsonl_bytes: int | None) -> list[object]:
    """What the archive takes on disk, from SQLite's own page accounting (``dbstat``)."""
    connection = sqlite3.connect(f"file:{built.path}?mode=ro", uri=True)
    try:
        pages = dict(connection.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
        text, api = connection.execute("SELECT sum(text_bytes), sum(size) FROM executions").fetchone()
    finally:
        connection.close()
    index = sum(size for name, size in pages.items() if name.startswith("search"))
    file_bytes = built.path.stat().st_size
    per = 1 / built.count
    return [
        f"{built.count:,}", file_bytes / 1e6, f"{file_bytes * per / 1e3:.2f}", index / 1e6, text / 1e6,
        f"{index / text:.2f}x", pages.get("executions", 0) / 1e6, f"{api * per / 1e3:.2f}",
        f"{jsonl_bytes / 1e6:.0f}" if jsonl_bytes else "",
    ]  # fmt: skip


def build_row(label: str, built: Built) -> list[object]:
    from riza_tui.core.archive.writes import prepare

    prepare_s = alternated({"prepare": lambda: [prepare(raw, text=True) for raw in built.sample]}, 3)["prepare"]
    dumps = alternated({"dumps": lambda: [json.dumps(raw) for raw in built.sample]}, 3)["dumps"]
    total = sum(built.batches)
    return [
        label, total, f"{total / built.count * 1e6:.0f}", median(built.batches) * 1000,
        f"{prepare_s / len(built.sample) * 1e6:.0f}", f"{dumps / len(built.sample) * 1e6:.1f}",
    ]  # fmt: skip


FIRST_COUNT = """
import sys, time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from riza_tui.core.archive import open_archive
from riza_tui.core.groups import groups
with open_archive(sys.argv[2], None, path=Path(sys.argv[1]), read_only=True) as archive:
    now = datetime.now(UTC)
    started = time.perf_counter()
    groups(archive, since=now - timedelta(days=7), now=now)
    print(time.perf_counter() - started)
"""


def first_count(path: Path) -> float:
    """Seconds of ``groups()`` the first time a process calls it (nothing of the file in SQLite's cache yet)."""
    done = subprocess.run([sys.executable, "-c", FIRST_COUNT, str(path), BASE_URL], capture_output=True, text=True)
    return float(done.stdout.strip())


def paint_figures(built: Built, failures: int, folder: Path) -> str:
    """``riza-tui --offline --archive FILE`` on a 120x40 pty: the list drawn, then ``i``, then the groups."""
    compileall.compile_dir(ROOT / "riza_tui", quiet=1)  # as pip install does
    run = [sys.executable, "-m", "riza_tui", "--offline", "--archive", str(built.path)]
    marker = f"{failures:,} failures".encode()
    samples: dict[str, list[float]] = {"list": [], "key": [], "total": []}
    for attempt in range(PAINT_RUNS + 1):
        timing = key_in_pty(run, built.newest_id.encode(), b"i", marker, env=offline_env(folder))
        if attempt:
            samples["list"].append(timing.first)
            samples["key"].append(timing.key_to_second)
            samples["total"].append(timing.second)
    floor = median(samples["list"])
    first = median([first_count(built.path) for _ in range(PAINT_RUNS)])
    rows = [
        ["floor: process start to the list drawn (its newest row)", floor, "1.00x"],
        ["`i` pressed then, to the groups drawn (heading counted, table filled)", median(samples["key"]),
         f"{median(samples['key']) / floor:.2f}x"],
        ["of which: groups(), the first call of a fresh process (as the TUI's)", first, f"{first / floor:.2f}x"],
        ["process start to the groups drawn (list, key, groups)", median(samples["total"]),
         f"{median(samples['total']) / floor:.2f}x"],
    ]  # fmt: skip
    return (
        f"The groups screen's first paint, `riza-tui --offline --archive FILE` on a 120x40 pty, {failures:,} "
        f"archived failures, median of {PAINT_RUNS}. The TUI opens on the list, so the groups screen is reached "
        "as a user reaches it: `i` pressed as soon as the list's newest row has been written; the groups are drawn "
        f"when the heading's count (`{marker.decode()}`) has been written, in the frame that fills the table. "
        "Floor: the list's first paint of the same archive, in the same runs.\n\n" + table(["", "s", "vs list"], rows)
    )


def run() -> str:
    executions, failures = scale()
    with tempfile.TemporaryDirectory(prefix="riza-bench-incidents-") as name:
        folder = Path(name)
        jsonl = folder / "executions.jsonl"
        with jsonl.open("w") as out:
            searched = build(folder / "search.db", planted(drawn(executions, 1), executions), out)
        failing = build(folder / "failures.db", drawn(failures + failures // 10, 2, success_share=SUCCESS_SHARE))
        search_text = search_figures(searched, jsonl, folder)
        groups_text, in_window = group_figures(failing)
        paint_text = paint_figures(failing, in_window, folder)
        sizes = [["search archive", *size_row(searched, jsonl.stat().st_size)], ["failures archive",
                 *size_row(failing, None)]]  # fmt: skip
        builds = [build_row("search archive", searched), build_row("failures archive", failing)]
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC" + (" (--quick)" if os.environ.get("RIZA_BENCH_QUICK") else "")
    size_headers = ["archive", "executions", "file MB", "KB / exec", "index MB", "text it covers MB",
                    "index / text", "executions table MB", "API JSON KB / exec", "JSONL MB"]  # fmt: skip
    build_headers = ["archive", "put_many s", "µs / exec", "ms a batch of 500", "of which prepare µs / exec",
                     "floor: json.dumps µs / exec"]  # fmt: skip
    return "\n\n".join(
        [
            f"run {when}",
            search_text,
            groups_text,
            "What the archives take on disk (SQLite's page accounting, `dbstat`): the FTS5 index against the "
            "text it covers (the six searchable fields, masked), the executions table (columns and compressed "
            "bodies) and the file per execution",
            table(size_headers, sizes),
            paint_text,
            f"Building the archives: `put_many` of {BATCH} executions a call, as write-through (masking, summary, "
            "signature, searchable text, compressed body, index entry, one transaction); prepare = the part before "
            f"the write lock (`writes.prepare`, {SAMPLE:,} of them); floor: `json.dumps` of the same execution",
            table(build_headers, builds),
        ]
    )


if __name__ == "__main__":
    print(run())
