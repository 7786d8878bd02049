"""Search across archived executions: where else does this error text appear? (UI-free.)

The query language is :mod:`riza_tui.core.search_query` (words, "phrases", ``field:`` prefixes); the index is
the archive's FTS5 trigram table over :func:`riza_tui.core.search_text.searchable_fields` of the masked
executions (:mod:`riza_tui.core.archive.text_index`), so substrings inside identifiers are found and a
secret's value never is. ::

    search(archive, 'backoff stderr:"gave up"', since=..., failures=True, limit=50)  # list[SearchHit]
    search(archive, query, before=hits[-1].id)                                       # the next page
    count_matches(archive, query)                                                    # how many in all

Newest first, by the index's rowid (which grows with started_at): a page of 50 costs about a millisecond for
a rare term and a few for a common one, plus reading each hit's body for its matching line. Each hit is
checked against the text it was found for (an entry of an evicted execution can be left in the index until
its segment is merged: it is never shown for another one).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.cells import cell_len

from riza_tui.core.archive import Archive, ArchivedSummary
from riza_tui.core.archive.derived import stored_fields
from riza_tui.core.archive.records import EPOCH, MICROSECOND
from riza_tui.core.archive.results import SUMMARY_COLUMNS, summary_of
from riza_tui.core.archive.schema import SEQ_US
from riza_tui.core.archive.text_index import TABLE, UNAVAILABLE, trigram_available
from riza_tui.core.search_query import FIELDS, MatchedLine, QueryError, SearchQuery, first_match, parse_query
from riza_tui.safety.mask import mask_text
from riza_tui.safety.sanitize import one_line

DEFAULT_LIMIT = 50
WORD_LEAD = 5  # characters of the word a match is in kept before it, when a line is shown from its match
COLUMNS = ", ".join(f"e.{name.strip()}" for name in SUMMARY_COLUMNS.split(","))


class SearchUnavailable(Exception):
    """The archive cannot be searched (no FTS5 here, or an index not built yet); ``str()`` is one line."""


@dataclass(frozen=True)
class SearchHit:
    """One execution that matched, with the first line holding a term (in the field the query named first,
    else in the order the execution screen shows its panes)."""

    summary: ArchivedSummary  # the list row: item (id, started_at, exit_code...) and facts (kind, tool, error)
    field: str  # code, input, stdout, stderr, output or error
    line_number: int  # 1-based, in that field's text as its pane shows it
    line: str  # the matching line, masked, cut to ~400 characters around the match; NOT sanitised
    match: tuple[int, int]  # where the term is in ``line``

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def started_at(self) -> str:
        return str(self.summary.item["started_at"])

    @property
    def exit_code(self) -> int:
        return int(self.summary.item["exit_code"])

    def shown_line(self, room: int) -> str:
        """The line as one safe line for a column ``room`` cells wide: whole (stripped) when its match ends
        inside the column, else from just before the match after "…", with up to a few characters of the word
        it is in (``…with_backoff(url)``): a match far into a line is never cut off the screen."""
        start, end = self.match
        line = self.line
        indent = len(line) - len(line.lstrip())
        if cell_len(one_line(line[indent:end])) <= room:
            return one_line(line.strip())
        word = start
        while word > start - WORD_LEAD and (line[word - 1].isalnum() or line[word - 1] == "_"):
            word -= 1
        return "…" + one_line(line[word:].rstrip())

    def to_json(self) -> dict[str, Any]:
        """What ``riza-tui search --json`` prints for the hit (one line of JSON Lines)."""
        return {
            "id": self.id,
            "started_at": self.started_at,
            "exit_code": self.exit_code,
            "field": self.field,
            "line_number": self.line_number,
            "line": self.line,
        }


def check_searchable(archive: Archive) -> None:
    """SearchUnavailable (one line: why, and what to do) when ``archive`` has no index to search."""
    if archive.searchable:
        return
    if not trigram_available():
        raise SearchUnavailable(UNAVAILABLE)
    raise SearchUnavailable(
        "this archive has no search index yet (it was written by an older riza-tui): run riza-tui sync, or "
        "search without --offline, once to build it"
    )


def checked_query(query: str | SearchQuery) -> SearchQuery:
    """The query parsed, and one SQLite can be given: bytes that are not UTF-8 (the shell passes them on as
    lone surrogates) are a QueryError, not an encoding error out of the index."""
    parsed = parse_query(query) if isinstance(query, str) else query
    for term in parsed.terms:
        try:
            term.text.encode("utf-8")
        except UnicodeEncodeError:
            shown = term.text.encode("utf-8", "backslashreplace").decode("utf-8")
            raise QueryError(f'"{shown[:40]}" holds bytes that are not UTF-8 text; search for text') from None
    return parsed


def _conditions(
    reader: sqlite3.Connection, since: datetime | None, failures: bool, before: str | None
) -> tuple[str, list[object]]:
    where, params = "", []
    if before is not None:
        row = reader.execute("SELECT seq FROM executions WHERE id = ?", (before,)).fetchone()
        if row is None:
            raise KeyError(before)
        where += f" AND {TABLE}.rowid < ?"
        params.append(row[0])
    if since is not None:
        started = (since - EPOCH) // MICROSECOND
        where += f" AND {TABLE}.rowid >= ? AND e.started_us >= ?"
        params += [started // SEQ_US, started]
    if failures:
        where += " AND e.signature IS NOT NULL"
    return where, params


def _run(reader: sqlite3.Connection, sql: str, params: list[object]) -> list[Any]:
    try:
        return reader.execute(sql, params).fetchall()
    except sqlite3.OperationalError as error:
        if "fts5" in str(error):  # the query reaches FTS5 quoted, so this is not expected: still one line
            raise QueryError(f"the index cannot run this query ({' '.join(str(error).split())})") from None
        raise


def search(
    archive: Archive,
    query: str | SearchQuery,
    *,
    since: datetime | None = None,
    failures: bool = False,
    limit: int = DEFAULT_LIMIT,
    before: str | None = None,
) -> list[SearchHit]:
    """Up to ``limit`` archived executions matching ``query``, newest first, started at ``since`` or later,
    only failures with ``failures``, older than the execution ``before`` (the last hit of the page before;
    KeyError when it is not archived). QueryError (one line) for a query that cannot be searched,
    SearchUnavailable when the archive has no index."""
    parsed = checked_query(query)
    check_searchable(archive)

    def read(reader: sqlite3.Connection) -> list[SearchHit]:
        where, params = _conditions(reader, since, failures, before)
        hits: list[SearchHit] = []
        below: int | None = None
        while len(hits) < limit:
            asked = limit - len(hits)
            page_where, page_params = where, list(params)
            if below is not None:
                page_where += f" AND {TABLE}.rowid < ?"
                page_params.append(below)
            rows = _run(
                reader,
                f"SELECT e.seq, e.body, {COLUMNS} FROM {TABLE} JOIN executions AS e ON e.seq = {TABLE}.rowid"
                f" WHERE {TABLE} MATCH ?{page_where} ORDER BY {TABLE}.rowid DESC LIMIT ?",
                [parsed.match_expression(), *page_params, asked],
            )
            for seq, body, *summary in rows:
                below = seq
                hit = _hit(parsed, body, summary_of(tuple(summary)))
                if hit is not None:
                    hits.append(hit)
            if len(rows) < asked:
                break
        return hits

    return archive.run_read(read)


def _hit(query: SearchQuery, body: bytes, summary: ArchivedSummary) -> SearchHit | None:
    """The hit, or None when the execution's text does not hold every term (a stale entry)."""
    fields = stored_fields(body)
    lowered = {name: fields.get(name, "").lower() for name in FIELDS}
    for term in query.terms:
        needle = term.text.lower()
        if not any(needle in lowered[name] for name in FIELDS if term.field in (None, name)):
            return None
    matched = first_match(query, fields)
    if matched is None:
        return None
    return SearchHit(summary, matched.field, matched.number, *_masked(query, matched))


def _masked(query: SearchQuery, matched: MatchedLine) -> tuple[str, tuple[int, int]]:
    """The line with credential-looking values masked (a program may print one), and its match again."""
    line = mask_text(matched.text)
    if line == matched.text:
        return line, (matched.start, matched.end)
    lowered = line.lower()
    for term in sorted(query.terms, key=lambda term: len(term.text), reverse=True):
        found = lowered.find(term.text.lower())
        if found >= 0:
            return line, (found, found + len(term.text))
    return line, (0, 0)


def count_matches(
    archive: Archive, query: str | SearchQuery, *, since: datetime | None = None, failures: bool = False
) -> int:
    """How many archived executions the index finds for ``query``: ~1 ms for a rare term, ~95 ms for one in
    80,000 of 200,000 executions (bench/incidents.py), as each match is looked up in the executions table so
    that an evicted execution's leftover entry is not counted."""
    parsed = checked_query(query)
    check_searchable(archive)

    def read(reader: sqlite3.Connection) -> int:
        where, params = _conditions(reader, since, failures, None)
        rows = _run(
            reader,
            f"SELECT count(*) FROM {TABLE} JOIN executions AS e ON e.seq = {TABLE}.rowid WHERE {TABLE} MATCH ?{where}",
            [parsed.match_expression(), *params],
        )
        return int(rows[0][0])

    return archive.run_read(read)
