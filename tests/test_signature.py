"""Failure signatures: which failures are one problem (Sentry-like grouping), in every language and without
a traceback, on masked and on odd executions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riza_tui.api.models import Execution
from riza_tui.core.signature import SIGNATURE_VERSION, Signature, failure_signature, normalise_message
from riza_tui.core.triage import frames, plain_lines
from riza_tui.safety.mask import mask_execution
from tests.conftest import Record, script_record
from tests.fuzz_strategies import fuzz_settings, spec_executions

CHARGE = """import json
import sys

order = json.loads(sys.stdin.read())
charge = order["currency"]
print("charged", charge)
"""


def python_failure(code: str, statement: str, message: str, *, function: str = "<module>") -> Record:
    """A Python script that failed at ``statement``: the traceback names the line it is on in ``code``."""
    line = code.splitlines().index(statement) + 1
    stderr = f'Traceback (most recent call last):\n  File "/src/main.py", line {line}, in {function}\n'
    stderr += f"    {statement.strip()}\n{message}\n"
    return script_record("exec_01JTEST", code, stderr=stderr, exit_code=1)


def output_record(kind: str, stderr: str, *, exit_code: int = 1, status: str = "error", **extra: str) -> Record:
    """A function (with ``code``) or tool (with ``tool_id``) execution that failed with ``stderr``."""
    request: Record = {"language": "python", "code": extra.pop("code")} if kind == "function" else {"input": {}}
    result = {"id": "exec_01JTEST", "exit_code": exit_code, "stdout": "", "stderr": stderr, "duration": 5}
    response = {"output": None, "output_status": status, "execution": result}
    details: Record = {"type": kind, "request": request, "response": response, **extra}
    return {"id": "exec_01JTEST", "language": "python", "duration": 5, "exit_code": exit_code, "started_at": "x"} | {
        "details": details
    }


def signature(record: Record) -> Signature:
    found = failure_signature(Execution.model_validate(record))
    assert found is not None
    assert found.version == SIGNATURE_VERSION and len(found.digest) == 16
    return found


def digest(record: Record) -> str:
    return signature(record).digest


def test_a_statement_that_moved_by_a_few_lines_is_one_group() -> None:
    moved = "#!/usr/bin/env python3\n# charge the order\nimport logging\n" + CHARGE.replace(
        "import sys\n", "import sys\n\n\n"
    )
    statement = 'charge = order["currency"]'
    first = python_failure(CHARGE, statement, "KeyError: 'currency'")
    later = python_failure(moved, statement, "KeyError: 'currency'")
    assert "line 5," in first["details"]["response"]["stderr"] and "line 10," in later["details"]["response"]["stderr"]
    assert digest(first) == digest(later)
    parts = signature(later).parts
    assert (parts.exception, parts.file, parts.function, parts.statement) == (
        "KeyError",
        "/src/main.py",
        "<module>",
        statement,
    )
    assert "10" not in "".join(signature(later).why()), "no line number in the parts"


def test_whitespace_in_the_failing_statement_is_collapsed() -> None:
    spaced = CHARGE.replace('charge = order["currency"]', 'charge  =   order["currency"]  ')
    assert digest(python_failure(spaced, 'charge  =   order["currency"]  ', "KeyError: 'currency'")) == digest(
        python_failure(CHARGE, 'charge = order["currency"]', "KeyError: 'currency'")
    )


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("RuntimeError: gave up after 3 attempts", "RuntimeError: gave up after 12 attempts"),
        ("RuntimeError: bad pointer 0x7f3a2c00", "RuntimeError: bad pointer 0x55d1e4a8"),
        ("RuntimeError: commit 9f8e7d6c5b4a3f2e not found", "RuntimeError: commit 1a2b3c4d5e6f7a8b not found"),
        (
            "RuntimeError: request 3f1c2b9e-8d7a-4c6b-9e5f-0a1b2c3d4e5f failed",
            "RuntimeError: request 0b6f3f36-1d2e-4f5a-8b9c-aabbccddeeff failed",
        ),
        (
            "RuntimeError: exec_01JX4K9M2ZQW8R7T6Y5V3B1N0P failed",
            "RuntimeError: exec_01JZZZ9M2ZQW8R7T6Y5V3B1AAA failed",
        ),
        ("RuntimeError: tool_01JD9CRMLOOKUP000000000000 down", "RuntimeError: tool_01JD7WEATHER00000000000000 down"),
        ("RuntimeError: no customer cus_01JF8Q2X3YTR", "RuntimeError: no customer cus_7HD9S1LK02"),
        (
            "RuntimeError: GET https://api.example.com/v1/orders/4411?x=1 failed",
            "RuntimeError: GET http://10.0.0.7:8080/health failed",
        ),
        ("RuntimeError: no contact for ana@example.org", "RuntimeError: no contact for bo.li+ops@acme.co.uk"),
        ("RuntimeError: bad config key='alpha' mode=\"fast\"", "RuntimeError: bad config key='beta' mode=\"slow\""),
        ("RuntimeError: took 1.5s, limit 300ms", "RuntimeError: took 12s, limit 45ms"),
        ("RuntimeError: timed out after 30 seconds", "RuntimeError: timed out after 2 minutes"),
    ],
    ids=[
        "numbers",
        "hex",
        "bare-hex",
        "uuid",
        "exec-id",
        "tool-id",
        "prefixed-id",
        "url",
        "email",
        "quoted",
        "ms",
        "words",
    ],
)
def test_what_varies_between_runs_in_a_message_is_one_group(one: str, other: str) -> None:
    statement = 'charge = order["currency"]'
    assert digest(python_failure(CHARGE, statement, one)) == digest(python_failure(CHARGE, statement, other))
    assert signature(python_failure(CHARGE, statement, one)).error == one, "the error line is shown as it was"


def test_normalised_messages_keep_what_says_which_problem_it_is() -> None:
    assert normalise_message("gave up on https://x.io/a after 4 attempts in 7.6s") == (
        "gave up on <url> after <n> attempts in <duration>"
    )
    assert normalise_message("no CRM contact for tom@acme.io") == "no CRM contact for <email>"
    assert normalise_message("no   exchange\trate for JPY") == "no exchange rate for JPY"
    statement = 'charge = order["currency"]'
    assert digest(python_failure(CHARGE, statement, "KeyError: 'currency'")) != digest(
        python_failure(CHARGE, statement, "KeyError: 'amount'")
    ), "a different key is a different message"


def test_a_different_statement_exception_or_tool_is_a_different_group() -> None:
    code = CHARGE + 'total = order["amount"]\n'
    base = python_failure(code, 'charge = order["currency"]', "KeyError: 'x'")
    other_statement = python_failure(code, 'total = order["amount"]', "KeyError: 'x'")
    other_exception = python_failure(code, 'charge = order["currency"]', "TypeError: 'x'")
    assert len({digest(base), digest(other_statement), digest(other_exception)}) == 3
    stderr = 'Traceback (most recent call last):\n  File "/src/main.py", line 4, in execute\n    rate = RATES[k]\n'
    stderr += "KeyError: 'NO'\n"
    crm = output_record("tool", stderr, tool_id="tool_01JD9CRMLOOKUP000000000000")
    weather = output_record("tool", stderr, tool_id="tool_01JD7WEATHER00000000000000")
    assert digest(crm) != digest(weather)
    assert signature(crm).parts.statement == "rate = RATES[k]", "a tool's code is unknown: the traceback quotes it"
    assert signature(crm).parts.tool == "tool_01JD9CRMLOOKUP000000000000"


def test_a_tool_line_that_moved_in_its_traceback_is_one_group() -> None:
    def failed_at(line: int) -> Record:
        stderr = f'Traceback (most recent call last):\n  File "/src/main.py", line {line}, in execute\n'
        stderr += "    rate = RATES[k]\nKeyError: 'NO'\n"
        return output_record("tool", stderr, tool_id="tool_01JDINVOICE")

    assert digest(failed_at(4)) == digest(failed_at(9))


@pytest.mark.parametrize(
    ("exit_code", "stderr", "other_stderr", "ending"),
    [
        (124, "execution timed out after 5s\n", "execution timed out after 30s\n", "timed out"),
        (137, "Killed: process exceeded its memory limit\n", "Killed: process exceeded its memory limit\n", "killed"),
        (137, "", "", "killed"),
    ],
    ids=["timeout", "oom", "oom-silent"],
)
def test_failures_without_a_traceback_group_by_exit_meaning_and_last_stderr_line(
    exit_code: int, stderr: str, other_stderr: str, ending: str
) -> None:
    earlier = "warming up\n" if stderr else ""  # the last line counts, not what came before it
    one = script_record("exec_1", "while True: pass\n", stderr=earlier + stderr, exit_code=exit_code)
    other = script_record("exec_2", "rows = []\n" * 3, stderr=other_stderr, exit_code=exit_code)
    assert digest(one) == digest(other)
    parts = signature(one).parts
    assert parts.ending.startswith(ending) and not parts.statement and not parts.file
    assert signature(one).error, "a group always has a line to show"
    timed_out = script_record("exec_3", "x\n", stderr=stderr, exit_code=124)
    killed = script_record("exec_4", "x\n", stderr=stderr, exit_code=137)
    assert digest(timed_out) != digest(killed), "the same last line with another exit meaning is another group"


NODE = """file:///src/main.js:{line}
    const value = input.rates[input.currency].toFixed(2);
                                              ^

TypeError: Cannot read properties of undefined (reading 'toFixed')
    at execute (file:///src/main.js:{line}:47)
    at file:///src/runner.js:12:20
"""
NODE_CODE = "function execute(input) {\n  const value = input.rates[input.currency].toFixed(2);\n  return value;\n}\n"
TYPESCRIPT = """TypeError: Invalid URL
    at new URL (node:internal/url:775:36)
    at load (file:///src/main.ts:{line}:14)
    at ModuleJob.run (node:internal/modules/esm/module_job:222:25)
"""
TS_CODE = "function load(raw: string) {\n  return new URL(raw).host;\n}\n"
RUBY = "main.rb:{line}:in `<main>': undefined method `upcase' for nil:NilClass (NoMethodError)\n"
RUBY_CODE = 'require "json"\nputs config["backoff"].upcase\n'
PHP = """PHP Fatal error:  Uncaught DivisionByZeroError: Division by zero in /src/main.php:{line}
Stack trace:
#0 /src/main.php({line}): intdiv(1200, 0)
#1 /src/main.php(9): conversion()
#2 {{main}}
  thrown in /src/main.php on line {line}
"""
PYTHON = """Traceback (most recent call last):
  File "/src/main.py", line 9, in <module>
    print(total({{}}, 3))
  File "/src/main.py", line {line}, in total
    return order['cents'] * qty
           ~~~~~^^^^^^^^^
KeyError: 'cents'
"""
PYTHON_CODE = "def total(order, qty):\n    return order['cents'] * qty\n"
PHP_CODE = "<?php\nfunction conversion() {\n  return intdiv($signups * 100, $visits);\n}\n"


@pytest.mark.parametrize(
    ("language", "code", "stderr", "expected"),
    [
        (
            "javascript",
            NODE_CODE,
            NODE,
            ("TypeError", "/src/main.js", "execute", "const value = input.rates[input.currency].toFixed(2);"),
        ),
        ("typescript", TS_CODE, TYPESCRIPT, ("TypeError", "/src/main.ts", "load", "return new URL(raw).host;")),
        ("ruby", RUBY_CODE, RUBY, ("NoMethodError", "main.rb", "<main>", 'puts config["backoff"].upcase')),
        (
            "php",
            PHP_CODE,
            PHP,
            ("DivisionByZeroError", "/src/main.php", "conversion", "return intdiv($signups * 100, $visits);"),
        ),
        ("python", PYTHON_CODE, PYTHON, ("KeyError", "/src/main.py", "total", "return order['cents'] * qty")),
    ],
    ids=["javascript", "typescript", "ruby", "php", "python"],
)
def test_each_language_groups_by_exception_file_function_and_statement(
    language: str, code: str, stderr: str, expected: tuple[str, str, str, str]
) -> None:
    def failed(extra_lines: int) -> Record:
        moved = "\n" * extra_lines + code
        line = [text.strip() for text in code.splitlines()].index(expected[3]) + 1 + extra_lines
        record = script_record("exec_1", moved, stderr=stderr.format(line=line), exit_code=1)
        record["details"]["request"]["language"] = language
        return record

    parts = signature(failed(0)).parts
    assert (parts.exception, parts.file, parts.function, parts.statement) == expected
    assert digest(failed(0)) == digest(failed(3)), "moved by three lines"


def test_frames_carry_the_function_of_each_language() -> None:
    def functions(text: str) -> list[str]:
        return [frame.function for frame in frames(plain_lines(text))]

    assert functions(NODE.format(line=2)) == ["", "execute", ""]
    assert functions(TYPESCRIPT.format(line=2)) == ["new URL", "load", "ModuleJob.run"]
    assert functions(RUBY.format(line=2)) == ["<main>"]
    assert functions(PHP.format(line=3)) == ["", "conversion", "{main}", ""], "PHP names it on the line below"
    assert functions('  File "/src/main.py", line 3, in fetch_with_backoff\n') == ["fetch_with_backoff"]


def test_a_function_that_raised_and_one_that_returned_no_json_are_failures() -> None:
    raised = output_record("function", "Error: boom\n    at execute (file:///src/main.js:1:7)\n", code="throw 1\n")
    assert signature(raised).parts.function == "execute"
    unserialisable = output_record(
        "function",
        "TypeError: Object of type set is not JSON serializable\n",
        exit_code=0,
        status="json_serialization_error",
        code="x\n",
    )
    assert signature(unserialisable).parts.ending == "output json_serialization_error"
    success = output_record("function", "", exit_code=0, status="valid", code="x\n")
    assert failure_signature(Execution.model_validate(success)) is None
    assert failure_signature(Execution.model_validate(script_record("exec_1", "print(1)\n"))) is None


def test_a_masked_execution_has_the_same_signature() -> None:
    record = python_failure(CHARGE, 'charge = order["currency"]', "KeyError: 'currency'")
    record["details"]["request"]["env"] = {"PAYMENTS_TOKEN": "tok_live_9f8e7d6c5b4a"}
    record["details"]["request"]["http"] = {"allow": [{"host": "x", "auth": {"bearer": {"token": "tok_live_9f8e"}}}]}
    masked, count = mask_execution(record)
    assert count == 2 and "tok_live" not in str(masked)
    assert digest(masked) == digest(record)


def test_the_end_of_a_megabyte_of_stderr_is_read() -> None:
    statement = 'charge = order["currency"]'
    small = python_failure(CHARGE, statement, "KeyError: 'currency'")
    big = python_failure(CHARGE, statement, "KeyError: 'currency'")
    big["details"]["response"]["stderr"] = ("debug line\n" * 100_000) + small["details"]["response"]["stderr"]
    assert len(big["details"]["response"]["stderr"]) > 1_000_000
    assert digest(big) == digest(small)


def unknown_record(details: object, *, exit_code: int = 137) -> Record:
    record: Record = {"id": "exec_1", "language": "python", "duration": 1, "exit_code": exit_code, "started_at": "x"}
    return record if details is None else record | {"details": details}


def test_unknown_types_and_missing_details_get_a_signature_from_exit_meaning_and_stderr() -> None:
    bare = signature(unknown_record(None))
    assert (bare.parts.kind, bare.parts.ending, bare.error) == (
        "",
        "killed — out of memory?",
        "killed — out of memory?",
    )
    workflow = unknown_record({"type": "workflow", "response": {"stderr": "step 3 ran out of memory after 1.2s\n"}})
    found = signature(workflow)
    assert found.parts.kind == "workflow" and found.parts.message == "step <n> ran out of memory after <duration>"
    nested = unknown_record({"type": "workflow", "response": {"execution": {"stderr": "Killed\n"}}})
    assert signature(nested).error == "Killed"
    odd = unknown_record({"type": "workflow", "response": {"stderr": ["not", "text"]}, "steps": 3})
    assert signature(odd).parts.ending == "killed — out of memory?"
    assert digest(unknown_record({"type": "workflow"})) != digest(unknown_record({"type": "batch"}))


def test_the_error_line_is_one_safe_line() -> None:
    record = python_failure(CHARGE, 'charge = order["currency"]', "KeyError: '\x1b]52;c;aGk=\x07\u202e'")
    error = signature(record).error
    assert "\x1b" not in error and "\u202e" not in error and "\\x1b" in error


@given(st.text(max_size=300), st.text(max_size=300), st.text(max_size=200), st.integers(-5, 300))
@fuzz_settings(150)
def test_any_text_gives_a_signature_or_none_never_an_exception(stderr: str, stdout: str, code: str, exit: int) -> None:
    record = script_record("exec_1", code, stdout=stdout, stderr=stderr, exit_code=exit)
    found = failure_signature(Execution.model_validate(record))
    assert (found is None) == (exit == 0)


@pytest.mark.slow
@given(spec_executions())
@fuzz_settings(100)
def test_any_execution_the_spec_allows_gives_a_signature_or_none(raw: Record) -> None:
    failure_signature(Execution.model_validate(raw))
