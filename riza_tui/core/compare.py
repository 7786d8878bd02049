"""The difference between two executions, part by part, as plain data shared by ``riza-tui diff`` and the app.

Parts are compared as the text a reader would compare (masked env values never appear: only whether each
value changed, decided by a fingerprint of it). Identical parts are kept, marked equal, so a reader sees
they were compared; changed ones carry a line diff.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from riza_tui.api.json_text import pretty_json
from riza_tui.api.models import Execution, Fetched, FunctionDetails, ScriptDetails, ToolDetails
from riza_tui.core.formatting import human_duration
from riza_tui.core.triage import exit_text
from riza_tui.core.view import build_view, http_fields, shown_execution

Op = Literal["equal", "delete", "insert", "replace"]
PARTS = ("code", "input", "output", "stdout", "stderr", "args", "env", "http", "limits", "exit code", "duration")


@dataclass(frozen=True)
class Hunk:
    """A run of lines: equal in both, or the left lines replaced by the right ones."""

    op: Op
    left: list[str]
    right: list[str]


@dataclass
class PartDiff:
    name: str
    left: str
    right: str
    hunks: list[Hunk] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return self.left == self.right

    def to_json(self) -> dict[str, Any]:
        return {
            "part": self.name,
            "equal": self.equal,
            "unified": [] if self.equal else unified_lines(self),
        }


def fingerprint(value: str, key: bytes) -> str:
    """Equal values get equal fingerprints within one comparison; the key is random and never shown, so a
    fingerprint cannot be turned back into a (short) secret by guessing."""
    return hmac.new(key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:12]


def _env_text(execution: Execution, key: bytes) -> str:
    """One line per variable: its name and a fingerprint of its value, never the value."""
    details = execution.details
    values: dict[str, str] = {}
    if isinstance(details, ScriptDetails | FunctionDetails):
        values = dict(details.request.env or {})
    elif isinstance(details, ToolDetails):
        values = {var.name: var.value or f"secret:{var.secret_id}" for var in details.request.env or []}
    return "\n".join(f"{name} = value #{fingerprint(value, key)}" for name, value in sorted(values.items()))


def _limits_text(execution: Execution) -> str:
    details = execution.details
    if not isinstance(details, ScriptDetails | FunctionDetails) or details.request.limits is None:
        return ""
    limits = details.request.limits
    parts = []
    if limits.execution_timeout is not None:
        parts.append(f"timeout {limits.execution_timeout} s")
    if limits.memory_size is not None:
        parts.append(f"memory {limits.memory_size} MiB")
    return "\n".join(parts)


def _http_text(execution: Execution) -> str:
    details = execution.details
    if isinstance(details, ScriptDetails | FunctionDetails | ToolDetails):
        return "\n".join(f"{item.label}  {item.value}" for item in http_fields(details.request.http))
    return ""


def _args_text(execution: Execution) -> str:
    details = execution.details
    if isinstance(details, ScriptDetails) and details.request.args is not None:
        return "\n".join(details.request.args)
    return ""


def part_texts(fetched: Fetched, key: bytes, *, reveal_secrets: bool = False) -> dict[str, str]:
    """Each part of an execution as comparable text ("" for a part it does not have), masked unless revealed;
    env values are compared by a fingerprint of the value as sent, and never shown."""
    execution, raw, _ = shown_execution(fetched, reveal_secrets=reveal_secrets)
    view = build_view(execution)
    texts = {
        "code": view.code.text if view.code else "",
        "input": view.input.text if view.input else "",
        "output": view.output.text if view.output else "",
        "stdout": view.stdout.text if view.stdout else "",
        "stderr": view.stderr.text if view.stderr else "",
        "args": _args_text(execution),
        "env": _env_text(fetched.execution, key),
        "http": _http_text(execution),
        "limits": _limits_text(execution),
        "exit code": exit_text(execution.exit_code),
        "duration": human_duration(execution.duration),
    }
    if not view.has_details:  # no details, or of a type this version does not know: compare them as JSON
        texts["details"] = pretty_json(raw.get("details"))
    return texts


def compare(left: Fetched, right: Fetched, *, reveal_secrets: bool = False) -> list[PartDiff]:
    """Every part of two executions, with line hunks for the parts that differ. Costly for big parts: run it
    off the UI thread."""
    key = secrets.token_bytes(16)
    left_parts = part_texts(left, key, reveal_secrets=reveal_secrets)
    right_parts = part_texts(right, key, reveal_secrets=reveal_secrets)
    names = list(PARTS) + [name for name in (*left_parts, *right_parts) if name not in PARTS]
    diffs = []
    for name in dict.fromkeys(names):
        part = PartDiff(name, left_parts.get(name, ""), right_parts.get(name, ""))
        if not part.equal:
            part.hunks = line_hunks(part.left, part.right)
        diffs.append(part)
    return diffs


def line_hunks(left: str, right: str) -> list[Hunk]:
    left_lines, right_lines = left.splitlines(), right.splitlines()
    matcher = difflib.SequenceMatcher(None, left_lines, right_lines, autojunk=False)
    return [Hunk(tag, left_lines[i1:i2], right_lines[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]


def unified_lines(part: PartDiff, context: int = 3) -> list[str]:
    """The part as ``diff -u`` body lines: ' ' context, '-' left only, '+' right only, '…' for skipped runs."""
    lines: list[str] = []
    for index, hunk in enumerate(part.hunks):
        if hunk.op == "equal":
            kept = hunk.left
            first, last = index == 0, index == len(part.hunks) - 1
            if len(kept) > 2 * context + 1 or (first and len(kept) > context) or (last and len(kept) > context):
                head = [] if first else kept[:context]
                tail = [] if last else kept[-context:]
                skipped = len(kept) - len(head) - len(tail)
                lines += [f" {line}" for line in head]
                lines.append(f"… {skipped} unchanged line{'s' if skipped != 1 else ''}")
                lines += [f" {line}" for line in tail]
            else:
                lines += [f" {line}" for line in kept]
        else:
            lines += [f"-{line}" for line in hunk.left]
            lines += [f"+{line}" for line in hunk.right]
    return lines


def changed_words(left: str, right: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of the words that differ between two versions of a line, on each side."""
    left_words, right_words = _words(left), _words(right)
    matcher = difflib.SequenceMatcher(None, [w for w, _ in left_words], [w for w, _ in right_words], autojunk=False)
    left_spans: list[tuple[int, int]] = []
    right_spans: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 < i2:
            left_spans.append((left_words[i1][1], left_words[i2 - 1][1] + len(left_words[i2 - 1][0])))
        if j1 < j2:
            right_spans.append((right_words[j1][1], right_words[j2 - 1][1] + len(right_words[j2 - 1][0])))
    return left_spans, right_spans


def _words(line: str) -> list[tuple[str, int]]:
    return [(match.group(), match.start()) for match in re.finditer(r"\w+|[^\w\s]+|\s+", line)]


def diff_json(left: Execution, right: Execution, parts: list[PartDiff]) -> str:
    """ASCII-only JSON: lossless for jq, and no control sequence can ride in it."""
    document = {
        "left": left.id,
        "right": right.id,
        "equal": all(part.equal for part in parts),
        "parts": [part.to_json() for part in parts],
    }
    return json.dumps(document, ensure_ascii=True, indent=2)
