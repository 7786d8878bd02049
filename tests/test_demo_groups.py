"""The bundled sample data has recurring failures for the groups screen to show, grouped by signature."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from datetime import datetime, timedelta

from riza_tui.api.models import Execution
from riza_tui.core.signature import Signature, failure_signature
from riza_tui.core.triage import failing_line
from riza_tui.demo import generate
from riza_tui.server.data import ServerData
from tests.conftest import Record

Group = list[tuple[datetime, Signature, Record]]


def groups(store: ServerData) -> list[Group]:
    """The bundled failures by signature, each group oldest first."""
    found: dict[str, Group] = defaultdict(list)
    for record in store.records:
        signature = failure_signature(Execution.model_validate(record))
        if signature is not None:
            found[signature.digest].append((datetime.fromisoformat(record["started_at"]), signature, record))
    return [sorted(group, key=lambda member: member[0]) for group in found.values()]


def span(group: Group) -> timedelta:
    return group[-1][0] - group[0][0]


def test_groups_of_three_to_twenty_runs_spread_over_days(store: ServerData) -> None:
    outbreaks = [group for group in groups(store) if 3 <= len(group) <= 20 and span(group) > timedelta(days=1)]
    assert len(outbreaks) >= 5
    assert max(len(group) for group in groups(store)) <= 20
    errors = {group[-1][1].error.split(":")[0] for group in outbreaks}
    assert {"RuntimeError", "ValueError", "Error"} <= errors


def test_groups_whose_code_moved_and_whose_messages_vary(store: ServerData) -> None:
    def failing_lines(group: Group) -> set[int]:
        found = set()
        for _, _, record in group:
            details = record["details"]
            result = details["response"] if details["type"] == "script" else details["response"]["execution"]
            streams = {"stderr": result["stderr"], "stdout": result["stdout"]}
            failing = failing_line(streams, details["request"]["code"].count("\n") + 1)
            assert failing is not None
            found.add(failing.code_line)
        return found

    with_code = [group for group in groups(store) if group[0][1].parts.kind in ("script", "function")]
    moved = [group for group in with_code if group[0][1].parts.statement and len(failing_lines(group)) > 1]
    assert len(moved) >= 2, "one statement failing at several line numbers"
    assert all(len({member[1].error for member in group}) == len(group) for group in moved), "every message new"


def test_a_tool_that_fails_after_its_last_good_run_and_still_fails_in_the_last_hour(store: ServerData) -> None:
    tool_groups = [group for group in groups(store) if group[0][1].parts.tool and len(group) >= 3]

    def after_last_good(group: Group) -> bool:
        tool = group[0][1].parts.tool
        runs = [r for r in store.records if (r.get("details") or {}).get("tool_id") == tool]
        good = [datetime.fromisoformat(r["started_at"]) for r in runs if r["exit_code"] == 0]
        return bool(good) and max(good) < group[0][0]

    starting = [group for group in tool_groups if after_last_good(group)]
    assert starting, "a tool group that starts after the tool's last good run"
    assert any(group[-1][0] >= generate.NEWEST - timedelta(hours=1) for group in starting)


def test_timeouts_and_out_of_memory_kills_recur_without_a_traceback(store: ServerData) -> None:
    endings = {group[0][1].parts.ending: group for group in groups(store) if not group[0][1].parts.file}
    assert len(endings["timed out"]) >= 3 and span(endings["timed out"]) > timedelta(days=1)
    assert len(endings["killed — out of memory?"]) >= 3


def test_the_bundled_file_is_what_the_generator_makes() -> None:
    bundled = json.loads(gzip.decompress(generate.OUTPUT.read_bytes()))["data"]
    assert bundled == generate.generate(), "run python -m riza_tui.demo.generate after changing the generator"


def test_the_readme_example_is_in_the_bundled_data_whatever_the_seed(store: ServerData) -> None:
    assert generate.readme_example() in store.records
    assert generate.readme_example() in generate.generate(seed=1), "pinned, not drawn"
