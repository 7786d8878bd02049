"""Failure groups: the archived failures that share a signature (:mod:`riza_tui.core.signature`), per window.

What the on-call engineer asks of an error: is it a one-off or an outbreak, how many runs of which tool since
when, is it still happening, what was the last good run before it started. UI-free; every function reads the
archive (signatures are stored and indexed when an execution is written) and may raise ArchiveUnavailable::

    groups(archive, since=..., now=...)   # list[FailureGroup], most recent first: one read of the window's
                                          # failures (~0.1 s for 100,000) and a few lookups per group
    group_of(archive, execution_id)       # FailureGroup | None, over the whole archive: its members only
    opened_groups(archive, ids)           # the ids whose failure is the first of its group (watch mode)
    archived_before(archive, since)       # whether "new" can be told: something is archived from before

Rows an older riza-tui wrote are grouped once :meth:`Archive.catch_up` has given them a current signature; a
file of the first schema read offline (never migrated: it has no signatures) holds no group yet.
"""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from riza_tui.core import formatting
from riza_tui.core.archive import Archive
from riza_tui.core.archive.records import EPOCH, IDS_PER_QUERY, MICROSECOND
from riza_tui.safety.sanitize import one_line

SUCCESS = "signature IS NULL AND signature_version IS NOT NULL"  # as written in successes_by_subject's WHERE


@dataclass(frozen=True)
class FailureGroup:
    """One problem: the failures of the window that share ``signature``, newest first."""

    signature: str
    count: int  # members in the window
    first_seen: datetime  # the group's first archived failure, in the window or before it
    last_seen: datetime
    kind: str  # script, function or tool: part of the signature, so one per group
    tools: tuple[str, ...]  # the tool of a tool's group, () for code
    error: str  # the representative error line of its latest member (one safe line)
    new_in_window: bool  # first_seen is inside the window (always, without a window)
    latest_id: str
    first_id: str  # the first failure (compare it with last_good_id)
    ids: tuple[str, ...]  # every member in the window, newest first
    last_good_id: str | None  # the newest success of the same tool, or of the same code, before first_seen
    started_us: tuple[int, ...]  # when each member started (microseconds since 1970), newest first
    window_start: datetime | None
    window_end: datetime

    @property
    def affected(self) -> str:
        """What failed, for a column: the tool, or the kind of execution."""
        return ", ".join(self.tools) if self.tools else self.kind

    def histogram(self, buckets: int, *, start: datetime | None = None, end: datetime | None = None) -> list[int]:
        """Occurrences per bucket, oldest first, over ``start``–``end`` (default: the window; without one, from
        the first member in it), for a sparkline. A member outside the span counts in the nearest bucket."""
        if buckets < 1:
            return []
        first = start or self.window_start or moment(self.started_us[-1])
        last = end or self.window_end
        low, high = microseconds(first), microseconds(last)
        width = max(high - low, 1) / buckets
        counts = [0] * buckets
        for started in self.started_us:
            counts[min(max(int((started - low) / width), 0), buckets - 1)] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        """What ``riza-tui groups --json`` prints for the group (one line of JSON Lines)."""
        return {
            "signature": self.signature,
            "count": self.count,
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "new": self.new_in_window,
            "error": self.error,
            "kind": self.kind,
            "tools": list(self.tools),
            "latest_id": self.latest_id,
            "first_id": self.first_id,
            "ids": list(self.ids),
            "last_good_id": self.last_good_id,
        }


def moment(started_us: int) -> datetime:
    try:
        return EPOCH + started_us * MICROSECOND
    except OverflowError:  # an undated execution sorts oldest
        return datetime.min.replace(tzinfo=EPOCH.tzinfo)


def microseconds(when: datetime) -> int:
    return (when - EPOCH) // MICROSECOND


def iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def groups(archive: Archive, *, since: datetime | None = None, now: datetime | None = None) -> list[FailureGroup]:
    """The groups with a failure started at ``since`` or later (every group, without it), most recent first.
    ``now`` (default: the clock) ends the window, for :meth:`FailureGroup.histogram`."""
    end = now or formatting.utc_now()
    low = microseconds(since) if since is not None else None
    if not archive.current_schema:
        return []
    return archive.run_read(lambda reader: _groups(reader, low, since, end))


def archived_before(archive: Archive, since: datetime | None) -> bool:
    """Whether the archive holds an execution from before ``since`` (always, without a window). Without one a
    group's first archived failure is in the window whether or not it failed before: "new" cannot be told."""
    if since is None:
        return True
    low = microseconds(since)  # one step of the newest-first index, not the counts of ``stats()``
    return archive.run_read(
        lambda reader: (
            reader.execute("SELECT 1 FROM executions WHERE started_us < ? LIMIT 1", (low,)).fetchone() is not None
        )
    )


# A window's failures, a row per signature: its members' start times and ids (``id`` joined by a character no
# execution id holds; one that does is read on its own). One row per group instead of one per failure: the
# covering index is read in ~25 ms for 100,000 failures, where making a Python row of each took ~250 ms.
MEMBERS = (
    "SELECT signature, count(*), group_concat(started_us), group_concat(id, char(31)) FROM executions"
    " WHERE signature IS NOT NULL"
)
SEPARATOR = "\x1f"


def _groups(reader: sqlite3.Connection, low: int | None, since: datetime | None, end: datetime) -> list[FailureGroup]:
    window, params = ("", ()) if low is None else (" AND started_us >= ?", (low,))
    found = []
    for signature, count, times, ids in reader.execute(f"{MEMBERS}{window} GROUP BY signature", params).fetchall():
        started, members = _members(reader, signature, count, times, ids, window, params)
        found.append(_group(reader, signature, started, members, since, end))
    return sorted(found, key=lambda group: (group.started_us[0], group.latest_id), reverse=True)


def _members(
    reader: sqlite3.Connection,
    signature: str,
    count: int,
    times: str,
    ids: str,
    window: str,
    params: tuple[object, ...],
) -> tuple[list[int], list[str]]:
    """A group's members' start times and ids, newest first. ``group_concat`` promises no order: they come
    as the index was read, oldest first, and are sorted when they do not (or two started in the same
    microsecond)."""
    split = ids.split(SEPARATOR)
    if len(split) == count:
        started = [int(value) for value in times.split(",")]
        if all(map(operator.lt, started, started[1:])):
            return started[::-1], split[::-1]
        pairs = sorted(zip(started, split, strict=True), reverse=True)
    else:
        pairs = reader.execute(
            f"SELECT started_us, id FROM executions WHERE signature = ?{window} ORDER BY started_us DESC, id DESC",
            (signature, *params),
        ).fetchall()
    return [int(pair[0]) for pair in pairs], [str(pair[1]) for pair in pairs]


def _group(
    reader: sqlite3.Connection,
    signature: str,
    times: list[int],
    ids: list[str],
    since: datetime | None,
    end: datetime,
) -> FailureGroup:
    """A group from its members in the window (newest first): its first failure, latest facts, last good run."""
    kind, tool_id, failure, error = reader.execute(
        "SELECT kind, tool_id, failure, error FROM executions WHERE id = ?", (ids[0],)
    ).fetchone()
    first_id, first_us, subject = reader.execute(
        "SELECT id, started_us, subject FROM executions WHERE signature = ? ORDER BY started_us, id LIMIT 1",
        (signature,),
    ).fetchone()
    last_good = None
    if subject:
        row = reader.execute(
            f"SELECT id FROM executions WHERE subject = ? AND {SUCCESS} AND started_us < ?"
            " ORDER BY started_us DESC, id DESC LIMIT 1",
            (subject, first_us),
        ).fetchone()
        last_good = row[0] if row else None
    first_seen = moment(first_us)
    return FailureGroup(
        signature=signature,
        count=len(ids),
        first_seen=first_seen,
        last_seen=moment(times[0]),
        kind=kind or "none",
        tools=(tool_id,) if tool_id else (),
        error=one_line(failure or error).strip(),
        new_in_window=since is None or first_seen >= since,
        latest_id=ids[0],
        first_id=first_id,
        ids=tuple(ids),
        last_good_id=last_good,
        started_us=tuple(times),
        window_start=since,
        window_end=end,
    )


def group_of(archive: Archive, execution_id: str, *, now: datetime | None = None) -> FailureGroup | None:
    """The group of an archived failure, over the whole archive (None for a success, or one not archived): for
    "N others share its group since ...". Costs a lookup and a read of the group's members."""
    end = now or formatting.utc_now()

    def read(reader: sqlite3.Connection) -> FailureGroup | None:
        try:
            row = reader.execute("SELECT signature FROM executions WHERE id = ?", (execution_id,)).fetchone()
        except (sqlite3.ProgrammingError, UnicodeEncodeError):  # an id SQLite cannot take is in no archive
            return None
        if row is None or row[0] is None:
            return None
        members = reader.execute(
            "SELECT started_us, id FROM executions WHERE signature = ? ORDER BY started_us DESC, id DESC", (row[0],)
        ).fetchall()
        return _group(reader, row[0], [m[0] for m in members], [m[1] for m in members], None, end)

    return archive.run_read(read) if archive.current_schema else None


def opened_groups(archive: Archive, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` (archived executions) are failures that started a group: no failure with the same
    signature started before them. For watch mode, right after writing what it fetched."""
    wanted = list(dict.fromkeys(ids))

    def read(reader: sqlite3.Connection) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(wanted), IDS_PER_QUERY):
            chunk = wanted[start : start + IDS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            found |= {
                execution_id
                for (execution_id,) in reader.execute(
                    f"SELECT e.id FROM executions AS e WHERE e.id IN ({marks}) AND e.signature IS NOT NULL"
                    " AND NOT EXISTS (SELECT 1 FROM executions AS o WHERE o.signature = e.signature"
                    " AND (o.started_us, o.id) < (e.started_us, e.id))",
                    chunk,
                )
            }
        return found

    return archive.run_read(read) if archive.current_schema else set()
