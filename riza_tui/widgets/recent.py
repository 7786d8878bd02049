"""The recent-executions list shown when no execution is open: newest first, failures marked."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from riza_tui.api.models import Execution
from riza_tui.format import human_duration, parse_timestamp, relative_age
from riza_tui.messages import LookupRequested
from riza_tui.safety.sanitize import safe_text


def recent_row(execution: Execution) -> Text:
    ok = execution.exit_code == 0
    row = Text()
    row.append("● " if ok else "✖ ", "green" if ok else "bold red")
    row.append_text(safe_text(execution.id.ljust(32)))
    row.append_text(safe_text(f" {execution.language:<11}"))
    row.append(f" exit {execution.exit_code:<4}", "green" if ok else "red")
    row.append(f" {human_duration(execution.duration):>9}", "dim")
    moment = parse_timestamp(execution.started_at)
    row.append(f"  {relative_age(moment) if moment else execution.started_at}", "dim")
    return row


class RecentList(OptionList):
    def show_executions(self, executions: list[Execution]) -> None:
        self.clear_options()
        self.add_options([Option(recent_row(execution), id=execution.id) for execution in executions])
        if executions:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(LookupRequested(event.option.id))
