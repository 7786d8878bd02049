"""Small, pure formatting helpers shared by ``show`` and the UI."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from riza_tui.api.deep_json import copy_tree, nests_deeper_than

MAX_FORMATTED_MS = 10**15  # about 31,700 years; a larger duration is shown as sent
INDENTED_LEVELS = 40  # deeper values are printed on one line: indenting them grows the text quadratically


def human_duration(milliseconds: int) -> str:
    """1234 -> '1.23 s'; 59 -> '59 ms'; 75_000 -> '1 min 15 s'; 10**400 as sent."""
    if milliseconds < 1000 or milliseconds >= MAX_FORMATTED_MS:
        return f"{milliseconds} ms"
    seconds = milliseconds / 1000
    if seconds < 60:
        return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def parse_timestamp(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_now() -> datetime:
    """The current time; tests replace this one function to freeze relative ages in snapshots."""
    return datetime.now(UTC)


def relative_age(moment: datetime, now: datetime | None = None) -> str:
    """'just now', '5 min ago', '3 h ago', '2 d ago', or 'in 4 min' for a clock that runs ahead."""
    delta = ((now or utc_now()) - moment).total_seconds()
    future = delta < 0
    delta = abs(delta)
    if delta < 45:
        return "just now"
    for size, unit in ((86400 * 365.2425, "y"), (86400, "d"), (3600, "h"), (60, "min")):
        if delta >= size:
            amount = f"{int(delta // size)} {unit}"
            return f"in {amount}" if future else f"{amount} ago"
    return "just now"


def local_time(value: str, now: datetime | None = None) -> str:
    """A started_at in the viewer's local time with its age, or the text as sent when it is not a date."""
    moment = parse_timestamp(value)
    if moment is None:
        return value
    try:
        local = moment.astimezone()
    except (OverflowError, ValueError, OSError):  # year 1 or 9999 shifted past the calendar's edge
        return f"{value} ({relative_age(moment, now)})"
    return f"{local:%Y-%m-%d %H:%M:%S %Z} ({relative_age(moment, now)})"


def pretty_json(value: Any, *, ascii_only: bool = False) -> str:
    """Indented JSON that is always strict (NaN and Infinity become strings) and stays linear in size for
    values nested thousands deep: levels past ``INDENTED_LEVELS`` are written on one line."""
    try:
        if not nests_deeper_than(value, INDENTED_LEVELS):
            return json.dumps(value, indent=2, ensure_ascii=ascii_only, default=str, allow_nan=False)
        return "".join(_indented(value, 0, ascii_only))
    except ValueError:  # a non-finite float somewhere: write it as a string, the way it was meant
        return pretty_json(_finite(value), ascii_only=ascii_only)


def _indented(value: Any, level: int, ascii_only: bool) -> list[str]:
    if level >= INDENTED_LEVELS or not isinstance(value, dict | list) or not value:
        return [json.dumps(value, ensure_ascii=ascii_only, default=str, allow_nan=False)]
    inner, outer = "\n" + "  " * (level + 1), "\n" + "  " * level
    out = ["{" if isinstance(value, dict) else "["]
    items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
    for index, (key, item) in enumerate(items):
        out.append(("," if index else "") + inner)
        if key is not None:
            out.append(json.dumps(str(key), ensure_ascii=ascii_only) + ": ")
        out += _indented(item, level + 1, ascii_only)
    out.append(outer + ("}" if isinstance(value, dict) else "]"))
    return out


def _finite(value: Any) -> Any:
    """A copy with NaN and the infinities as the strings JSON's non-standard extension spells them."""

    def spelled(item: Any) -> Any:
        if isinstance(item, float) and not math.isfinite(item):
            return "NaN" if math.isnan(item) else ("Infinity" if item > 0 else "-Infinity")
        return item

    return copy_tree(value, spelled)


def byte_size(size: int) -> str:
    step = 1024.0
    amount = float(size)
    for unit in ("B", "KB", "MB"):
        if amount < step:
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= step
    return f"{amount:.1f} GB"
