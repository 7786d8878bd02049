"""``--since 24h``, ``7d``, ``30m``, ``2w``, a date (``2026-11-20``, local midnight) or a date and time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from riza_tui.core import formatting

AGO = re.compile(r"([0-9]{1,6})\s*(m|min|h|d|w)", re.IGNORECASE)
UNIT_SECONDS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """The moment ``text`` names, in UTC; ValueError saying what is wrong."""
    text = text.strip()
    match = AGO.fullmatch(text)
    if match is not None:
        now = now or formatting.utc_now()
        return now - timedelta(seconds=int(match[1]) * UNIT_SECONDS[match[2].lower()])
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is neither an age (24h, 7d, 30m, 2w) nor a date (2026-11-20)") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a date or time as the user reads a clock: local
    return moment.astimezone(UTC)
