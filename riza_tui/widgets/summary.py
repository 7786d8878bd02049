"""The summary strip: what ran, how it ended, when, and with which tool or revision."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from riza_tui.api.models import Execution, FunctionDetails, ScriptDetails, ToolDetails
from riza_tui.format import human_duration, local_time
from riza_tui.safety.sanitize import safe_text

OK_STYLE, FAIL_STYLE, DIM = "bold green", "bold red", "dim"
STATUS_STYLES = {"valid": "black on green", "error": "white on red", "json_serialization_error": "black on yellow"}


def exit_badge(exit_code: int) -> Text:
    return Text(f" exit {exit_code} ", "black on green" if exit_code == 0 else "white on red")


def summary_text(execution: Execution, *, secrets: int, revealed: bool) -> Text:
    """Two lines: identity and outcome, then time and provenance. Every value is sanitised."""
    top = Text()
    top.append_text(safe_text(execution.id, "bold"))
    top.append("  ")
    top.append_text(safe_text(execution.kind or "no details", "bold cyan"))
    top.append(" · ")
    top.append_text(safe_text(execution.language))
    top.append("  ")
    top.append_text(exit_badge(execution.exit_code))
    details = execution.details
    if isinstance(details, FunctionDetails | ToolDetails):
        status = details.response.output_status
        top.append(" ")
        top.append_text(safe_text(f" {status} ", STATUS_STYLES.get(status, "reverse")))
    top.append(f"  {human_duration(execution.duration)}")
    bottom = Text(style=DIM)
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
        bottom.append(f"  {secrets} secret{plural} REVEALED (s to hide)", "bold yellow")
    elif secrets:
        bottom.append(f"  {secrets} secret{plural} masked (s to reveal)", "yellow")
    return Text("\n").join([top, bottom])


class SummaryStrip(Static):
    def show_execution(self, execution: Execution, *, secrets: int, revealed: bool) -> None:
        self.update(summary_text(execution, secrets=secrets, revealed=revealed))

    def show_message(self, message: Text) -> None:
        self.update(message)
