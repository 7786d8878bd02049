"""Formatting of what the server sends: timestamps at the calendar's edges, durations, sizes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riza_tui.core.formatting import byte_size, human_duration, local_time, relative_age

NOW = datetime(2026, 11, 28, 9, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("started_at", "shown"),
    [
        ("2026-11-28T08:00:00Z", "2026-11-28 08:00:00 UTC (1 h ago)"),
        ("0001-01-01T00:00:00+00:04", "0001-01-01T00:00:00+00:04 (2025 y ago)"),
        ("9999-12-31T23:59:59-00:04", "9999-12-31T23:59:59-00:04 (in 7973 y)"),
        ("yesterday", "yesterday"),
    ],
)
def test_started_at_is_shown_even_at_the_edges_of_the_calendar(started_at: str, shown: str) -> None:
    assert local_time(started_at, NOW) == shown


@given(st.datetimes(timezones=st.timezones()))
def test_any_timestamp_formats(moment: datetime) -> None:
    shown = local_time(moment.isoformat(), NOW)
    try:
        expected = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")  # the tests run with TZ=UTC
    except (OverflowError, ValueError):
        expected = moment.isoformat()  # past the calendar's edge once shifted: shown as sent
    assert shown.startswith(expected)
    age = relative_age(moment, NOW)
    delta = (NOW - moment).total_seconds()
    if abs(delta) < 45:
        assert age == "just now"
    else:
        assert age.endswith(" ago") if delta > 0 else age.startswith("in ")


@given(st.integers(min_value=-(2**63), max_value=2**63))
def test_any_duration_and_size_format(value: int) -> None:
    shown = human_duration(value)
    if value < 1000 or value >= 10**15:
        assert shown == f"{value} ms"
    else:
        assert shown.endswith((" s", " min", " ms")) and shown[0].isdigit()
    size = byte_size(abs(value))
    assert size.endswith((" B", " KB", " MB", " GB")) and float(size.split()[0]) >= 0
    if abs(value) < 1024:
        assert size == f"{abs(value)} B"


@pytest.mark.parametrize(
    ("ms", "shown"), [(59, "59 ms"), (1234, "1.23 s"), (75_000, "1 min 15 s"), (10**400, str(10**400) + " ms")]
)
def test_durations(ms: int, shown: str) -> None:
    assert human_duration(ms) == shown
