"""The failure groups table's row: count, a sparkline of when they happened, first and last seen, what failed,
new or not, and the error line. Plain functions over Text, in the triage table's style."""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from rich.text import Text

from riza_tui.core.formatting import relative_age
from riza_tui.core.groups import FailureGroup
from riza_tui.safety.sanitize import one_line
from riza_tui.tui.render.colors import Palette

BARS = "▁▂▃▄▅▆▇█"
# (title, width); the error line takes what is left, and goes last.
COLUMNS = (("runs", 5), ("when", 16), ("first seen", 11), ("last seen", 11), ("what failed", 18), ("", 3))
NARROW_DROP = ("first seen", "what failed")  # below 100 columns these go first


def sparkline(counts: list[int]) -> str:
    """One cell a bucket, taller for more; an empty bucket is the lowest bar's place, a space."""
    top = max(counts, default=0)
    if top == 0:
        return " " * len(counts)
    return "".join(" " if count == 0 else BARS[min(len(BARS) - 1, (count * len(BARS) - 1) // top)] for count in counts)


def shown_columns(width: int) -> list[tuple[str, int]]:
    columns = list(COLUMNS)
    if width < 100:
        columns = [column for column in columns if column[0] not in NARROW_DROP]
    used = sum(size for _, size in columns) + len(columns)
    return [*columns, ("error", max(width - used, 12))]


def _age(moment: datetime, now: datetime) -> str:
    return relative_age(moment, now).replace(" ago", "")


def group_cells(
    group: FailureGroup, now: datetime, buckets: int, palette: Palette, *, mark_new: bool = True
) -> dict[str, Text]:
    return {
        "runs": Text(f"{group.count:,}", palette.fail),
        "when": Text(sparkline(group.histogram(buckets)), palette.fail),
        "first seen": Text(_age(group.first_seen, now), "dim"),
        "last seen": Text(_age(group.last_seen, now)),
        "what failed": Text(one_line(group.affected), palette.kind),
        "": Text("new", palette.warn) if mark_new and group.new_in_window else Text(""),
        "error": Text(one_line(group.error)),
    }


def row_text(cells: dict[str, Text], columns: list[tuple[str, int]]) -> Text:
    line = Text(no_wrap=True, end="")
    for position, (key, width) in enumerate(columns):
        if position:
            line.append(" ")
        cell = cells.get(key) or Text("")
        if cell_len(cell.plain) > width:
            cell = cell.copy()
            cell.truncate(width, overflow="ellipsis")
        if key == "runs":
            line.append(" " * (width - cell_len(cell.plain)))
            line.append_text(cell)
        else:
            line.append_text(cell)
            line.append(" " * (width - cell_len(cell.plain)))
    return line


def header_text(columns: list[tuple[str, int]]) -> Text:
    return row_text({key: Text(key) for key, _ in columns}, columns)
