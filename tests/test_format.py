"""Formatting of what the server sends: timestamps at the calendar's edges, durations, sizes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riza_tui.format import byte_size, human_duration, local_time, relative_age

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
    assert local_time(moment.isoformat(), NOW)
    assert relative_age(moment, NOW)


@given(st.integers(min_value=-(2**63), max_value=2**63))
def test_any_duration_and_size_format(value: int) -> None:
    assert human_duration(value)
    assert byte_size(abs(value))
