"""The triage table's columns: which fit a width, and what each cell of a row says. Plain data, no widget.

Columns have a minimum width and a priority; a narrow terminal drops the least important ones whole
rather than squeezing every one, and a wide terminal gives the error line everything left over.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len
from rich.text import Text

from riza_tui.api.models import Execution
from riza_tui.core import formatting
from riza_tui.core.formatting import human_duration, parse_timestamp, relative_age
from riza_tui.core.triage import RowFacts, exit_text
from riza_tui.safety.sanitize import one_line
from riza_tui.tui.render.colors import Palette


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    minimum: int
    drop_order: int  # higher goes first when the width is short; 0 never goes
    right: bool = False


COLUMNS = [
    Column("status", "", 1, 0),
    Column("started", "started", 12, 3),
    Column("age", "age", 8, 5),
    Column("id", "id", 31, 0),
    Column("language", "language", 6, 2),
    Column("duration", "took", 6, 4, right=True),
    Column("exit", "exit", 9, 0),
    Column("type", "type", 8, 6),
    Column("tool", "tool", 12, 7),
    Column("error", "error", 24, 1),
]
# Who gets width beyond the minimum first, and up to how much; the exit column grows to the longest exit text
# of the rows shown (``exit_width``: "0", "124 (timed out)", "137 (killed — out of memory?)"), and the error
# line then takes whatever is left. (An exit column always 29 wide left a 160-wide list 24 cells of error.)
GROW_STEPS = [
    ("id", 31),
    ("language", 10),
    ("duration", 8),
    ("exit", 0),
    ("error", 60),
    ("age", 10),
    ("type", 8),
    ("tool", 31),
]
EXIT_WIDTHS = (9, 29)  # the exit column's least and most width
GAP = 1


def exit_width(exit_codes: Iterable[int]) -> int:
    """How wide the exit column wants to be for rows with these exit codes."""
    low, high = EXIT_WIDTHS
    return min(max((cell_len(exit_text(code)) for code in set(exit_codes)), default=low), high)


def layout_columns(width: int, exit_cells: int = EXIT_WIDTHS[0]) -> list[tuple[Column, int]]:
    """The columns shown at ``width`` cells, each with its width, filling the width exactly; ``exit_cells``: what
    the exit column grows to (:func:`exit_width`)."""
    shown = list(COLUMNS)

    def needed() -> int:
        return sum(column.minimum for column in shown) + GAP * (len(shown) - 1)

    for column in sorted(COLUMNS, key=lambda column: -column.drop_order):
        if needed() <= width or column.drop_order == 0:
            break
        shown.remove(column)
    widths = {column.key: column.minimum for column in shown}
    spare = width - needed()
    by_key = {column.key: column for column in shown}
    for key, target in GROW_STEPS:
        if key in by_key and spare > 0:
            grow = max(min(spare, (exit_cells if key == "exit" else target) - widths[key]), 0)
            widths[key] += grow
            spare -= grow
    if "error" in widths:
        widths["error"] += max(spare, 0)
    return [(column, widths[column.key]) for column in shown]


def started_cells(started_at: str, now: datetime | None = None) -> tuple[str, str]:
    """Local clock time for today, date and time otherwise; and the relative age."""
    moment = parse_timestamp(started_at)
    if moment is None:
        return one_line(started_at), ""
    now = now or formatting.utc_now()  # looked up on the module, so one clock serves every view
    try:
        local, today = moment.astimezone(), now.astimezone().date()
    except (OverflowError, ValueError, OSError):
        return one_line(started_at), relative_age(moment, now)
    shown = f"{local:%H:%M:%S}" if local.date() == today else f"{local:%b %d %H:%M}"
    return shown, relative_age(moment, now).replace(" ago", "")


def cell_texts(execution: Execution, facts: RowFacts | None, failure: str | None, palette: Palette) -> dict[str, Text]:
    """Every cell of a row as styled text; untrusted values are made one safe line."""
    ok = execution.exit_code == 0
    started, age = started_cells(execution.started_at)
    cells = {
        "status": Text("●" if ok else "✖", palette.ok if ok else palette.fail),
        "started": Text(started),
        "age": Text(age, "dim"),
        "id": Text(one_line(execution.id)),
        "language": Text(one_line(execution.language)),
        "duration": Text(human_duration(execution.duration), "dim"),
        "exit": Text(exit_text(execution.exit_code), palette.ok if ok else palette.fail),
    }
    if failure is not None:
        cells["error"] = Text(f"could not load details: {one_line(failure)}", palette.warn)
    elif facts is None:
        cells["error"] = Text("…", "dim")
    else:
        cells["type"] = Text(one_line(facts.kind), palette.kind)
        cells["tool"] = Text(one_line(facts.tool_id), "dim")
        cells["error"] = Text(facts.error, palette.fail if not ok else "")
    return cells


def row_text(cells: dict[str, Text], columns: list[tuple[Column, int]]) -> Text:
    """One line of the table: each cell cut with an ellipsis or padded to its column."""
    line = Text(no_wrap=True, end="")
    for position, (column, width) in enumerate(columns):
        if position:
            line.append(" " * GAP)
        cell = cells.get(column.key) or Text("")
        if cell_len(cell.plain) > width:
            cell = cell.copy()
            cell.truncate(width, overflow="ellipsis")
        padding = " " * (width - cell_len(cell.plain))
        if column.right:
            line.append(padding)
            line.append_text(cell)
        else:
            line.append_text(cell)
            line.append(padding)
    return line


def header_text(columns: list[tuple[Column, int]]) -> Text:
    return row_text({column.key: Text(column.title) for column, _ in columns}, columns)


def matches_filter(execution: Execution, facts: RowFacts | None, words: list[str]) -> bool:
    """Every word of the filter appears somewhere in the row (id, language, type, tool, exit code, error)."""
    haystack = f"{execution.id} {execution.language} {exit_text(execution.exit_code)}".lower()
    if facts is not None:
        haystack += f" {facts.kind} {facts.tool_id} {facts.error}".lower()
    return all(word in haystack for word in words)
