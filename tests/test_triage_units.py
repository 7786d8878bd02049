"""The plain parts of triage: tracebacks, exit meanings, IDs out of pasted text, history, the store, columns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from riza_tui.api.models import Execution, Fetched
from riza_tui.core.history import MAX_ENTRIES, LookupHistory
from riza_tui.core.ids import extract_execution_id
from riza_tui.core.store import ExecutionStore
from riza_tui.core.trail import Trail
from riza_tui.core.triage import error_line, exit_meaning, failing_line
from riza_tui.tui.render.table_columns import exit_width, layout_columns
from riza_tui.tui.render.text_search import Matches, compile_query, scan
from riza_tui.tui.render.text_wrap import WrapMap

NODE = """file:///src/main.js:5
console.log(body.results.map((o) => o.id));
                         ^

TypeError: Cannot read properties of undefined (reading 'map')
    at file:///src/main.js:5:26
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
"""
PYTHON = """Traceback (most recent call last):
  File "/src/main.py", line 9, in <module>
    main()
  File "/src/main.py", line 6, in main
    charge = order["currency"]
  File "/usr/lib/python3.12/json/__init__.py", line 346, in loads
KeyError: 'currency'
"""
RUBY = "main.rb:5:in `<main>': undefined method `upcase' for nil:NilClass (NoMethodError)\n"
PHP = """PHP Fatal error:  Uncaught DivisionByZeroError: Division by zero in /src/main.php:4
Stack trace:
#0 /src/main.php(4): intdiv(1200, 0)
  thrown in /src/main.php on line 4
"""
TYPESCRIPT = """TypeError: Invalid URL
    at new URL (node:internal/url:775:36)
    at file:///src/main.ts:8:14
"""


@pytest.mark.parametrize(
    ("stderr", "line", "error"),
    [
        (PYTHON, 6, "KeyError: 'currency'"),
        (NODE, 5, "TypeError: Cannot read properties of undefined (reading 'map')"),
        (TYPESCRIPT, 8, "TypeError: Invalid URL"),
        (RUBY, 5, "NoMethodError: undefined method `upcase' for nil:NilClass"),
        (PHP, 4, "PHP Fatal error:  Uncaught DivisionByZeroError: Division by zero in /src/main.php:4"),
    ],
    ids=["python", "node", "typescript", "ruby", "php"],
)
def test_failing_line_and_error_line_of_each_language(stderr: str, line: int, error: str) -> None:
    found = failing_line({"stderr": stderr}, code_lines=20)
    assert found is not None and found.code_line == line
    assert error_line(stderr) == error


def test_frames_outside_the_submitted_code_or_past_its_end_are_not_the_failing_line() -> None:
    assert failing_line({"stderr": PYTHON}, code_lines=5) is None, "line 6 of a 5-line script is not ours"
    library_only = '  File "/usr/lib/python3.12/json/decoder.py", line 3, in decode\nValueError: bad\n'
    assert failing_line({"stderr": library_only}, code_lines=20) is None
    assert failing_line({"stderr": "", "stdout": NODE}, code_lines=20) is not None, "stdout is read too"


def test_error_line_without_a_traceback_and_for_coloured_test_output() -> None:
    assert error_line("warming up\nKilled: process exceeded its memory limit\n\n") == (
        "Killed: process exceeded its memory limit"
    )
    assert error_line("", "\x1b[31mE   AssertionError: assert 15 == 150\x1b[0m\n1 failed\n") == (
        "E   AssertionError: assert 15 == 150"
    )
    assert error_line("") == ""


def test_exit_meanings() -> None:
    assert exit_meaning(124) == "timed out"
    assert exit_meaning(137) == "killed — out of memory?"
    assert exit_meaning(1) == "error" and exit_meaning(255) == "fatal"
    assert exit_meaning(0) == "" and exit_meaning(42) == ""


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("exec_01JABCDEF0123456789", "exec_01JABCDEF0123456789"),
        ("https://dashboard.riza.io/executions/exec_01JABCDEF0123456789?tab=logs", "exec_01JABCDEF0123456789"),
        ("https://api.example.com/v1/executions/run-42/", "run-42"),
        ("[FIRING] job failed: execution exec_01JABCDEF0123456789 exited 137", "exec_01JABCDEF0123456789"),
        ("  plain-id  ", "plain-id"),
    ],
)
def test_execution_id_out_of_pasted_text(pasted: str, expected: str) -> None:
    assert extract_execution_id(pasted) == expected


def test_history_is_newest_first_unique_bounded_and_keeps_only_ids(tmp_path: Path) -> None:
    path = tmp_path / "riza-tui" / "history"
    history = LookupHistory(path)
    for number in range(MAX_ENTRIES + 50):
        history.add(f"exec_{number}")
    history.add("exec_3")
    history.add("https://x.example/?token=secret")
    history.add("Bearer sk_live_1234 exec")
    reread = LookupHistory(path)
    assert reread.entries[0] == "exec_3" and len(reread.entries) == MAX_ENTRIES
    assert len(set(reread.entries)) == MAX_ENTRIES
    assert "secret" not in path.read_text() and "sk_live" not in path.read_text()


def test_history_in_an_unwritable_place_is_just_empty(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    history = LookupHistory(blocker / "history")
    history.add("exec_1")
    assert history.entries == ["exec_1"] and LookupHistory(blocker / "history").entries == []


def fetched(execution_id: str, size: int) -> Fetched:
    execution = Execution(
        id=execution_id, language="python", duration=1, exit_code=0, started_at="2026-01-01T00:00:00Z"
    )
    return Fetched(execution, {}, size, 0.0)


def test_store_is_bounded_least_recently_used_first_and_keeps_what_is_shown() -> None:
    store = ExecutionStore(max_executions=3, max_bytes=1000)
    for name in "abc":
        store.put(fetched(name, 10))
    store.keep("a")
    assert store.get("b") is not None
    store.put(fetched("d", 10))
    assert "c" not in store and {"a", "b", "d"} <= {key for key in "abcd" if key in store}
    store.put(fetched("e", 990))
    assert "a" in store and "e" in store and store.size_in_bytes <= 1000


def test_store_rows_are_never_listed_twice() -> None:
    store = ExecutionStore()
    rows = [fetched(name, 1).execution for name in "abc"]
    store.replace_rows(rows[1:])
    assert store.append_rows(rows[1:]) == []
    assert [row.id for row in store.insert_newest(rows)] == ["a"]
    assert [row.id for row in store.rows] == ["a", "b", "c"]


@pytest.mark.parametrize("width", [80, 100, 120, 160, 250])
def test_columns_fill_the_width_and_keep_the_essentials(width: int) -> None:
    columns = layout_columns(width)
    keys = [column.key for column, _ in columns]
    assert sum(size for _, size in columns) + len(columns) - 1 == width
    assert {"status", "id", "exit", "error"} <= set(keys)
    assert dict((column.key, size) for column, size in columns)["id"] >= 31, "IDs are never cut"
    if width >= 160:
        assert {"type", "tool", "age"} <= set(keys)
        assert dict((column.key, size) for column, size in columns)["error"] >= 40, "the error line is the point"


@pytest.mark.parametrize(("exit_codes", "wanted"), [([0], 9), ([0, 1, 124], 15), ([0, 137], 29), ([2**40], 13)])
def test_the_exit_column_is_as_wide_as_its_longest_text(exit_codes: list[int], wanted: int) -> None:
    widths = {column.key: size for column, size in layout_columns(200, exit_width(exit_codes))}
    assert widths["exit"] == wanted and widths["error"] >= 32


def test_trail_goes_back_and_forward_like_a_browser() -> None:
    trail = Trail()
    for execution_id in ("a", "b", "c"):
        trail.visit(execution_id)
    assert trail.back() == "b" and trail.back() == "a" and trail.back() is None
    assert trail.forward() == "b"
    trail.visit("d")
    assert trail.forward() is None and trail.back() == "b"


def test_wrap_map_locates_rows_by_cells_and_never_cuts_a_wide_character() -> None:
    wrap = WrapMap(["a" * 25, "", "b" * 10], 10, simple=True)
    assert wrap.rows == 5
    assert [wrap.locate(row)[:2] for row in range(5)] == [(0, 0), (0, 10), (0, 20), (1, 0), (2, 0)]
    assert wrap.first_row(2) == 4
    wide = WrapMap(["a界界界界界", "\x1b"], 4, simple=False)
    assert [wide.locate(row) for row in range(wide.rows)] == [(0, 0, 3), (0, 3, 7), (0, 7, 11), (1, 0, 4)]


def test_search_scan_finds_every_match_with_its_line_in_chunks() -> None:
    lines = ["alpha", "beta ALPHA alpha", "", "gamma"] * 3
    batches = list(scan(lines, compile_query("alpha"), lambda: False, chunk_lines=5))
    assert len(batches) == 3
    assert [line for batch in batches for line in batch] == [0, 1, 1, 4, 5, 5, 8, 9, 9]
    assert list(scan(lines, compile_query("ALPHA"), lambda: False)) == [[1, 5, 9]], "a capital makes it exact"
    matches = Matches("alpha", re.compile("alpha"), [0, 1, 1, 4], done=True)
    assert matches.status() == "0/4"
    matches.current = matches.first_from(1)
    assert matches.status() == "2/4" and matches.current_ordinal_in(1) == 0
    matches.step(1)
    assert matches.current_ordinal_in(1) == 1 and matches.step(-1) == 1
