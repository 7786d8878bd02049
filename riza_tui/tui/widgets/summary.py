"""The summary strip: what ran, how it ended, when, and with which tool or revision."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from riza_tui.api.models import Execution, FunctionDetails, ScriptDetails, ToolDetails
from riza_tui.core.formatting import human_duration, local_time, relative_age
from riza_tui.core.groups import FailureGroup
from riza_tui.core.triage import exit_text
from riza_tui.safety.sanitize import one_line, safe_text
from riza_tui.tui.render.colors import Palette


def exit_badge(exit_code: int, palette: Palette) -> Text:
    """' exit 137 (killed — out of memory?) ': the code, and what it usually means."""
    return Text(f" exit {exit_text(exit_code)} ", palette.badge_ok if exit_code == 0 else palette.badge_fail)


def group_text(group: FailureGroup, palette: Palette) -> Text:
    """One-off or outbreak: "group: 11 others since 3 d ago, the last 2 min ago (i)"."""
    others = group.count - 1
    text = Text(f"group: {others:,} other{'s' if others != 1 else ''}", palette.warn + Style(bold=True, dim=False))
    text.append(f" since {relative_age(group.first_seen)}, the last {relative_age(group.last_seen)} (i)  ")
    return text


def summary_text(
    execution: Execution,
    *,
    secrets: int,
    revealed: bool,
    palette: Palette,
    warnings: list[str] | None = None,
    group: FailureGroup | None = None,
) -> Text:
    """Two lines: identity and outcome, then its failure group, time and provenance. Every value is sanitised."""
    top = Text()
    for warning in warnings or []:
        top.append_text(safe_text(f"⚠ {one_line(warning)}  ", palette.warn + Style(bold=True)))
    top.append_text(safe_text(execution.id, "bold"))
    top.append("  ")
    top.append_text(safe_text(execution.kind or "no details", palette.kind))
    top.append(" · ")
    top.append_text(safe_text(execution.language))
    top.append("  ")
    top.append_text(exit_badge(execution.exit_code, palette))
    details = execution.details
    if isinstance(details, FunctionDetails | ToolDetails):
        status = details.response.output_status
        top.append(" ")
        top.append_text(safe_text(f" {status} ", palette.badge(status)))
    top.append(f"  {human_duration(execution.duration)}")
    bottom = Text(style=palette.muted)
    if group is not None:
        bottom.append_text(group_text(group, palette))
    bottom.append("started ")
    bottom.append_text(safe_text(local_time(execution.started_at)))
    provenance: list[tuple[str, str | None]] = []
    if isinstance(details, ToolDetails):
        provenance = [("tool", details.tool_id), ("revision", details.request.revision_id)]
    elif isinstance(details, ScriptDetails | FunctionDetails):
        provenance = [("runtime revision", details.request.runtime_revision_id)]
    for label, value in provenance:
        if value:
            bottom.append(f"  {label} ")
            bottom.append_text(safe_text(value))
    plural = "s" if secrets != 1 else ""
    if secrets and revealed:
        bottom.append(f"  {secrets} secret{plural} REVEALED (s to hide)", palette.warn + Style(bold=True, dim=False))
    elif secrets:
        bottom.append(f"  {secrets} secret{plural} masked (s to reveal)", palette.warn + Style(dim=False))
    return Text("\n").join([top, bottom])


class SummaryStrip(Static):
    def show_execution(
        self,
        execution: Execution,
        *,
        secrets: int,
        revealed: bool,
        palette: Palette,
        warnings: list[str],
        group: FailureGroup | None = None,
    ) -> None:
        text = summary_text(
            execution, secrets=secrets, revealed=revealed, palette=palette, warnings=warnings, group=group
        )
        self.update(text, layout=False)  # its height is fixed in app.tcss: no relayout of the screen

    def show_message(self, message: Text) -> None:
        self.update(message, layout=False)
