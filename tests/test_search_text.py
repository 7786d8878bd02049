"""What is searched: the panes' text of each execution, indexed as the archive would (masked, trigram,
contentless) and found again with its matching line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from riza_tui.api.models import Execution
from riza_tui.core.search_query import FIELDS, first_match, parse_query
from riza_tui.core.search_text import FIELD_LIMIT, bounded, searchable_fields
from riza_tui.core.view import build_view
from riza_tui.safety.mask import mask_execution
from riza_tui.safety.sanitize import SGR_SEQUENCE
from riza_tui.server.data import ServerData
from tests.conftest import find, of_type, script_record


def fields_of(record: dict[str, object]) -> dict[str, str]:
    return searchable_fields(Execution.model_validate(record))


def test_the_fields_are_the_panes_text() -> None:
    record = script_record(
        "exec_1",
        "import sys\nprint(sys.stdin.read())\n",
        stdin="hello",
        stdout="\x1b[32mok\x1b[0m\n",
        stderr="Traceback (most recent call last):\nKeyError: 'currency'\n",
        exit_code=1,
    )
    fields = fields_of(record)
    assert fields["code"].startswith("import sys") and fields["input"] == "hello"
    assert fields["stdout"] == "ok\n", "colour codes are styles on screen, not text"
    assert fields["error"] == "KeyError: 'currency'" and fields["output"] == ""


def test_a_function_input_and_output_are_indented_json_and_a_tool_has_no_code(store: ServerData) -> None:
    function = fields_of(find(store, lambda r: of_type("function")(r) and "GITHUB_TOKEN" in str(r)))
    assert '\n  "repo": ' in function["input"] and '"open_issues": ' in function["output"]
    tool = fields_of(find(store, lambda r: of_type("tool")(r) and "CRM" in r["details"]["tool_id"]))
    assert tool["code"] == "" and '"email": ' in tool["input"]


def test_the_fields_are_what_the_panes_show_for_every_bundled_execution(store: ServerData) -> None:
    for record in store.records:
        execution = Execution.model_validate(record)
        view, fields = build_view(execution), searchable_fields(execution)
        panes = {"code": view.code, "input": view.input, "stdout": view.stdout, "stderr": view.stderr}
        for name, block in (panes | {"output": view.output}).items():
            shown = SGR_SEQUENCE.sub("", block.text) if block is not None else ""
            assert fields[name] == bounded(shown), (record["id"], name)


def test_a_huge_field_keeps_its_beginning_and_its_end() -> None:
    stdout = "header line\n" + "x" * (3 * FIELD_LIMIT) + "\nRuntimeError: at the end\n"
    fields = fields_of(script_record("exec_1", "print()\n", stdout=stdout))
    assert len(fields["stdout"]) == FIELD_LIMIT + 1
    assert fields["stdout"].startswith("header line") and fields["stdout"].endswith("RuntimeError: at the end\n")


def test_bundled_data_indexed_masked_finds_substrings_and_never_a_secret(store: ServerData, tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "archive.db")
    connection.execute(f"CREATE VIRTUAL TABLE search USING fts5({', '.join(FIELDS)}, tokenize='trigram', content='')")
    documents = {}
    for rowid, record in enumerate(store.records, 1):
        masked, _ = mask_execution(record)
        documents[rowid] = fields_of(masked)
        values = [documents[rowid][field] for field in FIELDS]
        connection.execute(
            f"INSERT INTO search (rowid, {', '.join(FIELDS)}) VALUES (?, ?, ?, ?, ?, ?, ?)", [rowid, *values]
        )

    def search(query: str) -> list[int]:
        expression = parse_query(query).match_expression()
        return [row for (row,) in connection.execute("SELECT rowid FROM search WHERE search MATCH ?", (expression,))]

    payments = search("backoff code:urlopen")
    assert len(payments) >= 10, "every run of the payments script"
    matched = first_match(parse_query("backoff"), documents[payments[0]])
    assert matched is not None and matched.field == "code" and "def fetch_with_backoff(" in matched.text
    gave_up_query = 'stderr:"gave up on https"'
    gave_up = first_match(parse_query(gave_up_query), documents[search(gave_up_query)[0]])
    assert gave_up is not None and gave_up.text.startswith("RuntimeError: gave up on https://payments")
    github = find(store, lambda r: of_type("function")(r) and "GITHUB_TOKEN" in str(r))
    token = github["details"]["request"]["env"]["GITHUB_TOKEN"]
    assert search(token) == [] and search(token[4:20]) == [], "a secret's value is never indexed"
