"""The difference between two executions, part by part, as plain data shared by ``riza-tui diff`` and the app.

Parts are compared as the text a reader would compare (masked env values never appear: only whether each
value changed, decided by a fingerprint of it). Identical parts are kept, marked equal, so a reader sees
they were compared; changed ones carry a line diff.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from riza_tui.api.json_text import pretty_json
from riza_tui.api.models import Execution, Fetched, FunctionDetails, ScriptDetails, ToolDetails
from riza_tui.core.formatting import human_duration
from riza_tui.core.line_diff import WORK_BUDGET, Budget, Hunk, Skipped, grouped, line_hunks, sequence_hunks
from riza_tui.core.triage import exit_text
from riza_tui.core.view import build_view, http_fields, shown_execution

PARTS = ("code", "input", "output", "stdout", "stderr", "args", "env", "http", "limits", "exit code", "duration")


@dataclass
class PartDiff:
    name: str
    left: str
    right: str
    hunks: list[Hunk] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return self.left == self.right

    @property
    def aligned(self) -> bool:
        """False when some of its lines were too costly to align and are shown whole."""
        return all(hunk.aligned for hunk in self.hunks)

    def to_json(self) -> dict[str, Any]:
        return {
            "part": self.name,
            "equal": self.equal,
            "aligned": self.aligned,
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
    if isinstance(execution.details, ToolDetails):  # a tool's revision: what a deploy changes
        texts["revision"] = execution.details.request.revision_id or ""
    if not view.has_details:  # no details, or of a type this version does not know: compare them as JSON
        texts["details"] = pretty_json(raw.get("details"))
    return texts


def compare(
    left: Fetched,
    right: Fetched,
    *,
    reveal_secrets: bool = False,
    cancelled: Callable[[], bool] = lambda: False,
    budget: int = WORK_BUDGET,
) -> list[PartDiff]:
    """Every part of two executions, with line hunks for the parts that differ: at most ``budget`` matcher
    steps a part, so a big part costs well under a second. ``cancelled`` is asked between parts and along
    each; once it says yes, ``line_diff.Cancelled`` is raised. Run it off the UI thread."""
    key = secrets.token_bytes(16)
    left_parts = part_texts(left, key, reveal_secrets=reveal_secrets)
    right_parts = part_texts(right, key, reveal_secrets=reveal_secrets)
    names = list(PARTS) + [name for name in (*left_parts, *right_parts) if name not in PARTS]
    diffs = []
    for name in dict.fromkeys(names):
        part_budget = Budget(budget, cancelled)
        part_budget.check()
        part = PartDiff(name, left_parts.get(name, ""), right_parts.get(name, ""))
        if not part.equal:
            part.hunks = line_hunks(part.left, part.right, part_budget)
        diffs.append(part)
    return diffs


def unified_lines(part: PartDiff) -> list[str]:
    """The part as ``diff -u`` body lines: ' ' context, '-' left only, '+' right only, '…' for what is left
    out (unchanged lines) or shown whole (lines too costly to align)."""
    lines: list[str] = []
    for shown in grouped(part.hunks):
        if isinstance(shown, Skipped):
            lines.append(shown.text)
        elif shown.op == "equal":
            lines += [f" {line}" for line in shown.left]
        else:
            if not shown.aligned:
                lines.append(shown.note)
            lines += [f"-{line}" for line in shown.left]
            lines += [f"+{line}" for line in shown.right]
    return lines


WORD = re.compile(r"\w+|[^\w\s]+|\s+")  # every character is in one of these: the words tile a line


def changed_words(
    left: str, right: str, budget: Budget | None = None
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of the words that differ between two versions of a line, on each side; words too
    costly to align within ``budget`` (one shared by a whole rendering) are marked changed together."""
    left_words, right_words = WORD.findall(left), WORD.findall(right)
    left_starts, right_starts = [0, *accumulate(map(len, left_words))], [0, *accumulate(map(len, right_words))]
    left_spans: list[tuple[int, int]] = []
    right_spans: list[tuple[int, int]] = []
    i = j = 0
    for hunk in sequence_hunks(left_words, right_words, budget or Budget()):
        if hunk.op != "equal":
            if hunk.left:
                left_spans.append((left_starts[i], left_starts[i + len(hunk.left)]))
            if hunk.right:
                right_spans.append((right_starts[j], right_starts[j + len(hunk.right)]))
        i, j = i + len(hunk.left), j + len(hunk.right)
    return left_spans, right_spans


def diff_json(left: Execution, right: Execution, parts: list[PartDiff]) -> str:
    """ASCII-only JSON: lossless for jq, and no control sequence can ride in it."""
    document = {
        "left": left.id,
        "right": right.id,
        "equal": all(part.equal for part in parts),
        "parts": [part.to_json() for part in parts],
    }
    return json.dumps(document, ensure_ascii=True, indent=2)
