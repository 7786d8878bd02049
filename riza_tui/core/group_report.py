"""The hand-off with its group: ``show --markdown`` (and the app's "copy the report") for a failure that is
part of an outbreak: the report, then how many runs share its failure since when, which tool, the last good
run, and with ``diff_last_good`` what changed since that run.

Escaped as :mod:`riza_tui.core.report` escapes: data outside a fence is inline-escaped or a code span, the diff
is fenced (a fence longer than any run of backticks in it) and every control character is made visible.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from riza_tui.api.models import Fetched
from riza_tui.core import formatting
from riza_tui.core.archive import Archive
from riza_tui.core.compare import PartDiff, compare, unified_lines
from riza_tui.core.formatting import relative_age
from riza_tui.core.groups import FailureGroup, group_of, iso
from riza_tui.core.report import code_span, fenced, inline, markdown_report
from riza_tui.core.view import shown_execution
from riza_tui.safety.sanitize import sanitize


def incident_report(
    fetched: Fetched,
    archive: Archive | None,
    *,
    diff_last_good: bool = False,
    reveal_secrets: bool = False,
    now: datetime | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> str:
    """The Markdown report of ``fetched`` (masked unless ``reveal_secrets``), with its group's section when the
    execution is an archived failure. ``diff_last_good`` adds the parts that changed since the group's last
    good run (compared masked, within :func:`riza_tui.core.compare.compare`'s budget: run it off the UI thread;
    ``cancelled`` stops it). Raises ArchiveUnavailable when the archive cannot be read."""
    execution, _, _ = shown_execution(fetched, reveal_secrets=reveal_secrets)
    report = markdown_report(execution)
    group = group_of(archive, execution.id) if archive is not None else None
    if group is None or archive is None:
        return report
    lines = group_section(group, execution.id, now or formatting.utc_now())
    if diff_last_good:
        lines += last_good_section(archive, group, fetched, cancelled)
    return report + "\n".join(lines) + "\n"


def _when(moment: datetime, now: datetime) -> str:
    return f"{iso(moment)} ({relative_age(moment, now)})"


def group_section(group: FailureGroup, execution_id: str, now: datetime) -> list[str]:
    others = group.count - (1 if execution_id in group.ids else 0)
    runs = "this one alone" if not others else f"this one and {others:,} other{'s' if others > 1 else ''}"
    last_good = code_span(group.last_good_id) if group.last_good_id else "none archived"
    rows = [
        ("Failures", f"{group.count:,} ({runs})"),
        ("First seen", _when(group.first_seen, now)),
        ("Last seen", _when(group.last_seen, now)),
        ("Affected", group.affected),
        ("Signature", group.signature),
    ]
    out = ["", "## Failure group", "", "| | |", "|---|---|"]
    out += [f"| {inline(label)} | {inline(value)} |" for label, value in rows]
    out += [f"| Last good run | {last_good} |", "", f"**Group error:** {code_span(group.error)}"]
    return out


def last_good_section(
    archive: Archive, group: FailureGroup, fetched: Fetched, cancelled: Callable[[], bool]
) -> list[str]:
    if group.last_good_id is None:
        return ["", "## Since the last good run", "", inline("No good run of the same tool or code is archived.")]
    copy = archive.get(group.last_good_id)
    heading = f"## Since the last good run, {code_span(group.last_good_id)}"
    if copy is None:
        return ["", heading, "", inline("It is no longer archived.")]
    parts = compare(copy.fetched(), fetched, cancelled=cancelled)
    changed = [part for part in parts if not part.equal]
    same = [part.name for part in parts if part.equal]
    out = ["", heading, ""]
    if same:
        out.append(inline(f"Unchanged: {', '.join(same)}."))
    if changed:
        out += ["", fenced("\n".join(_diff_lines(changed)), "diff")]
    return out


def _diff_lines(parts: list[PartDiff]) -> list[str]:
    lines: list[str] = []
    for part in parts:
        lines.append(f"@@ {part.name} @@")
        lines += [sanitize(line) for line in unified_lines(part)]
    return lines
