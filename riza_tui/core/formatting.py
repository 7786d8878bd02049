"""Small, pure formatting helpers shared by ``show`` and the UI."""

from __future__ import annotations

from datetime import UTC, datetime

MAX_FORMATTED_MS = 10**15  # about 31,700 years; a larger duration is shown as sent


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


def byte_size(size: int) -> str:
    step = 1024.0
    amount = float(size)
    for unit in ("B", "KB", "MB"):
        if amount < step:
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= step
    return f"{amount:.1f} GB"
