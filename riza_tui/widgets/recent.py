"""The recent-executions list shown when no execution is open: newest first, failures marked, paged in on demand.

Rows are only ever appended (``OptionList.add_options`` lays out just the new ones), so each page costs the
same however many came before; removing or replacing an option would re-measure the whole list. Options
carry no IDs: a list page may hold the same ID twice, and the row's index names its execution.
"""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList

from riza_tui.api.models import Execution
from riza_tui.format import human_duration, parse_timestamp, relative_age
from riza_tui.messages import LookupRequested
from riza_tui.safety.sanitize import safe_text
from riza_tui.widgets.palette import Palette, palette_for

# Ask for the next page while this many rows are still below the highlight or the viewport.
LOOKAHEAD_ROWS = 30


def recent_row(execution: Execution, palette: Palette) -> Text:
    ok = execution.exit_code == 0
    # One line per execution, even at 80 columns: a longer ID is cut with an ellipsis, never wrapped.
    row = Text(no_wrap=True, overflow="ellipsis")
    row.append("● " if ok else "✖ ", palette.ok if ok else palette.fail)
    row.append_text(safe_text(execution.id.ljust(30)))
    row.append_text(safe_text(f" {execution.language:<10}"))
    row.append(f" exit {execution.exit_code:<3}", palette.ok if ok else palette.fail)
    row.append(f" {human_duration(execution.duration):>8}", "dim")
    moment = parse_timestamp(execution.started_at)
    row.append_text(safe_text(f"  {relative_age(moment) if moment else execution.started_at}", "dim"))
    return row


class RecentList(OptionList):
    """Executions in list order; asks for the next page (``MoreWanted``) as the user nears the end."""

    class MoreWanted(Message):
        """The user is near the end of what is loaded: fetch the page after ``starting_after``."""

        def __init__(self, starting_after: str) -> None:
            super().__init__()
            self.starting_after = starting_after

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._executions: list[Execution] = []
        self._complete = False
        self._waiting = False
        self.first_page_requested = False

    @property
    def executions(self) -> list[Execution]:
        return list(self._executions)

    def show_loading(self) -> None:
        """The first page has been asked for."""
        self.first_page_requested = True
        self.border_subtitle = Text("loading…", "dim")

    def show_page(self, executions: list[Execution], *, first_page: bool) -> None:
        """Show a list page: the first replaces what is shown, later ones are appended. Empty ends the list."""
        self._page_answered(first_page=first_page)
        self._complete = not executions
        self._executions.extend(executions)
        palette = palette_for(self.app)
        self.add_options([recent_row(execution, palette) for execution in executions])
        if first_page and executions:
            self.highlighted = 0
        self._update_status()
        self.call_after_refresh(self._want_more_if_near_end)

    def show_error(self, message: str, *, first_page: bool) -> None:
        """A failed page: the rows already shown stay; the list stops paging until it is reloaded."""
        self._page_answered(first_page=first_page)
        self._complete = True
        self.border_subtitle = safe_text(f"could not list executions: {message}", palette_for(self.app).fail)

    def _page_answered(self, *, first_page: bool) -> None:
        if first_page:
            self.clear_options()
            self._executions = []
        self._waiting = False

    def _update_status(self) -> None:
        count = len(self._executions)
        if self._complete:
            self.border_subtitle = Text(f"all {count:,} loaded" if count else "no executions yet", "dim")
        elif self._waiting:
            self.border_subtitle = Text(f"{count:,} loaded · loading more…", "dim")
        else:
            self.border_subtitle = Text(f"{count:,} loaded · more below", "dim")

    def _want_more_if_near_end(self) -> None:
        if self._complete or self._waiting or not self._executions:
            return
        highlighted = self.highlighted or 0
        last_visible_row = int(self.scroll_y) + self.scrollable_content_region.height
        if max(highlighted, last_visible_row) >= len(self._executions) - LOOKAHEAD_ROWS:
            self._waiting = True
            self._update_status()
            self.post_message(self.MoreWanted(self._executions[-1].id))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._want_more_if_near_end()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._want_more_if_near_end()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._executions):
            self.post_message(LookupRequested(self._executions[event.option_index].id))
