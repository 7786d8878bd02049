"""Hypothesis strategies: bodies generated from the spec's own schemas, and bundled bodies broken on purpose."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from riza_tui.server.data import load_data

SPEC_PATH = Path(__file__).parent / "spec" / "executions.openapi.yaml"
Json = Any
JsonPath = tuple[str | int, ...]

# FUZZ_SCALE multiplies every example count, for a longer run by hand: FUZZ_SCALE=10 python -m pytest tests/test_fuzz.py
# At the default scale the examples are derandomized (the same on every run, so CI cannot fail on luck);
# a scaled run draws new ones each time, and that is where new bugs are found.
FUZZ_SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))


def fuzz_settings(examples: int, *, shrink: bool = True) -> settings:
    """Settings for one fuzz test. Whole-app tests skip shrinking: it can take minutes, and the failing
    example is printed either way."""
    phases = list(Phase) if shrink else [phase for phase in Phase if phase is not Phase.shrink]
    return settings(
        max_examples=examples * FUZZ_SCALE,
        derandomize=FUZZ_SCALE == 1,
        phases=phases,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


@cache
def _components() -> dict[str, Any]:
    components: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())["components"]
    return components


def from_spec(schema_name: str) -> st.SearchStrategy[Json]:
    """Values valid against one component schema; unlisted properties are allowed, so extras appear too."""
    return from_schema({"$ref": f"#/components/schemas/{schema_name}", "components": _components()})


def spec_executions() -> st.SearchStrategy[dict[str, Any]]:
    """Executions of every details type, with the details object present and populated more often than not."""
    details = st.one_of(
        from_spec("ToolExecutionDetails"), from_spec("FunctionExecutionDetails"), from_spec("ScriptExecutionDetails")
    )
    with_details = st.tuples(from_spec("Execution"), details).map(lambda pair: {**pair[0], "details": pair[1]})
    return st.one_of(with_details, from_spec("Execution"))


# --- broken bodies -----------------------------------------------------------------------------------------

SMALL_RECORD_BYTES = 16 * 1024
WRONG_VALUES: st.SearchStrategy[Json] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
HOSTILE_TEXT = st.lists(
    st.sampled_from(["\x1b[31m", "\x1b]52;c;aGk=\x07", "\x9b", "\u202e", "[b]x[/]", "\r", "\x00", "\ud800", "é", "a"]),
    max_size=40,
).map("".join)


@cache
def small_records() -> list[dict[str, Any]]:
    """Bundled executions small enough to mutate quickly: every type, failures and secrets among them."""
    return [record for record in load_data().records if len(json.dumps(record)) < SMALL_RECORD_BYTES]


def json_paths(value: Json, prefix: JsonPath = ()) -> list[JsonPath]:
    paths: list[JsonPath] = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            paths += json_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths += json_paths(child, (*prefix, index))
    return paths


DELETE = object()


def replaced(value: Json, path: JsonPath, new: Json) -> Json:
    """A copy of ``value`` with the item at ``path`` replaced (``DELETE`` removes it)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy: dict[Any, Any] | list[Any] = dict(value)
    else:
        copy, head = list(value), int(head)
    if rest or new is not DELETE:
        copy[head] = replaced(value[head], rest, new)  # type: ignore[index]
    else:
        del copy[head]  # type: ignore[arg-type]
    return copy


DEEP_MARKER = "__deep_nesting_goes_here__"


def nested_json(depth: int) -> str:
    """Objects and lists nested ``depth`` levels deep, as text: ``json.dumps`` itself refuses deep values."""
    opening = "".join('{"n":' if level % 2 else "[" for level in range(depth))
    closing = "".join("}" if level % 2 else "]" for level in reversed(range(depth)))
    return opening + '"bottom"' + closing


@st.composite
def broken_bodies(draw: st.DrawFn) -> bytes:
    """A bundled execution with one thing wrong, or a body that is not an execution at all."""
    record = draw(st.sampled_from(small_records()))
    path = draw(st.sampled_from(json_paths(record)))
    kind = draw(st.sampled_from(["wrong-type", "delete", "enum", "deep", "huge", "hostile", "truncated", "not-object"]))
    if kind == "wrong-type":
        mutated = replaced(record, path, draw(WRONG_VALUES))
    elif kind == "delete":
        mutated = replaced(record, draw(st.sampled_from([(key,) for key in record])), DELETE)
    elif kind == "enum":
        field = draw(st.sampled_from([("language",), ("details", "type")] if "details" in record else [("language",)]))
        mutated = replaced(record, field, draw(st.sampled_from(["cobol", "workflow", "", "SCRIPT", "🐍"])))
    elif kind == "deep":
        depth = draw(st.integers(min_value=10, max_value=5000))
        text = json.dumps(replaced(record, path, DEEP_MARKER))
        return text.replace(json.dumps(DEEP_MARKER), nested_json(depth)).encode()
    elif kind == "huge":
        mutated = replaced(record, path, "x" * draw(st.integers(min_value=1, max_value=3)) * 1_000_000)
    elif kind == "hostile":
        mutated = replaced(record, path, draw(HOSTILE_TEXT))
    elif kind == "truncated":
        body = json.dumps(record).encode()
        return body[: draw(st.integers(min_value=0, max_value=len(body) - 1))]
    else:
        return json.dumps(draw(st.one_of(WRONG_VALUES, st.just([record])))).encode()
    return json.dumps(mutated).encode()
