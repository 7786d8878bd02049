"""Keeping the archive under its size limit: the oldest executions go first, pinned ones never.

What the file uses is counted in pages (``page_count - freelist_count``): pages freed by an eviction are
reused by the next write, so the file stops growing at the limit instead of shrinking and growing again.
The full-text index is in those pages too: an evicted execution's entry is removed with it, and what that
frees is estimated from the bytes of text it covered. A removed entry is only garbage until a merge takes
it in (see :mod:`~riza_tui.core.archive.text_index`), so with an index the executions are kept under the
limit less the share garbage may reach, and the garbage is not evicted for: the file in use stays under the
limit (measured: at most ~1.02x over 2,000 writes of 50 at a 20 MB limit).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

from riza_tui.core.archive.text_index import (
    GARBAGE_SHARE,
    INDEX_BYTES_PER_TEXT_BYTE,
    MERGE_ROOM,
    garbage_bytes,
    used_bytes,
)
from riza_tui.core.archive.writes import Stored, forget

EVICTION_CHUNK = 256
# Evict a little more than the write needs, so that a steady stream of writes does not evict on every batch.
SLACK_FRACTION = 0.02


def make_room(
    connection: sqlite3.Connection, incoming: int, max_bytes: int, pinned: Collection[str], *, index: bool = False
) -> tuple[int, int]:
    """Inside a write transaction: delete the oldest unpinned executions (and their index entries) until
    ``incoming`` more bytes fit under ``max_bytes``; how many executions were deleted, and the bytes of text
    their removed index entries covered. Stops when only pinned executions are left."""
    excess = used_bytes(connection) + incoming - max_bytes
    if index:  # what removed entries left in the index is freed by merging, not by evicting more
        excess += int(max_bytes * (GARBAGE_SHARE + MERGE_ROOM)) - garbage_bytes(connection)
    if excess <= 0:
        return 0, 0
    target = excess + int(max_bytes * SLACK_FRACTION)
    freed = evicted = removed = 0
    after: int | None = None
    size = f"length(body) + length(head) + length(error) + 200 + {INDEX_BYTES_PER_TEXT_BYTE} * text_bytes"
    while freed < target:
        query = f"SELECT seq, id, indexed, CASE WHEN indexed = 1 THEN body ELSE x'' END, {size} FROM executions"
        params: tuple[object, ...] = ()
        if after is not None:
            query += " WHERE seq > ?"
            params = (after,)
        rows = connection.execute(query + " ORDER BY seq LIMIT ?", (*params, EVICTION_CHUNK)).fetchall()
        if not rows:
            break
        doomed = []
        for seq, execution_id, indexed, body, stored in rows:
            after = seq
            if execution_id in pinned:
                continue
            doomed.append(Stored(seq, indexed, body))
            freed += stored
            if freed >= target:
                break
        removed += forget(connection, doomed, index=index)
        evicted += len(doomed)
    return evicted, removed
