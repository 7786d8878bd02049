"""Keeping the archive under its size limit: the oldest executions go first, pinned ones never.

What the file uses is counted in pages (``page_count - freelist_count``): pages freed by an eviction are
reused by the next write, so the file stops growing at the limit instead of shrinking and growing again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

EVICTION_CHUNK = 256
# Evict a little more than the write needs, so that a steady stream of writes does not evict on every batch.
SLACK_FRACTION = 0.02


def used_bytes(connection: sqlite3.Connection) -> int:
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    free = connection.execute("PRAGMA freelist_count").fetchone()[0]
    size = connection.execute("PRAGMA page_size").fetchone()[0]
    return int((pages - free) * size)


def make_room(connection: sqlite3.Connection, incoming: int, max_bytes: int, pinned: Collection[str]) -> int:
    """Inside a write transaction: delete the oldest unpinned executions until ``incoming`` more bytes fit
    under ``max_bytes``; how many were deleted. Stops when only pinned executions are left."""
    excess = used_bytes(connection) + incoming - max_bytes
    if excess <= 0:
        return 0
    target = excess + int(max_bytes * SLACK_FRACTION)
    freed = evicted = 0
    after: tuple[int, str] | None = None
    while freed < target:
        query = "SELECT started_us, id, length(body) + length(head) + length(error) + 200 FROM executions"
        params: tuple[object, ...] = ()
        if after is not None:
            query += " WHERE (started_us, id) > (?, ?)"
            params = after
        rows = connection.execute(query + " ORDER BY started_us, id LIMIT ?", (*params, EVICTION_CHUNK)).fetchall()
        if not rows:
            break
        doomed = []
        for started, execution_id, size in rows:
            after = (started, execution_id)
            if execution_id in pinned:
                continue
            doomed.append(execution_id)
            freed += size
            if freed >= target:
                break
        connection.executemany("DELETE FROM executions WHERE id = ?", ((execution_id,) for execution_id in doomed))
        evicted += len(doomed)
    return evicted
