"""``riza-tui search QUERY``: archived executions whose text matches, newest first, one line each.

Each line: the execution, when it started, how it exited, where the match is (``stderr:12``) and the matching
line (masked, sanitised, cut to the terminal's width; from its match on, after "…", when the match would be
cut off); ``--json`` prints JSON Lines with ``id``, ``started_at``, ``exit_code``, ``field``, ``line_number``
and ``line``. The query is checked before anything is synced: one that cannot be searched is one line and
exit 2. Exit 0 when something matched, 1 when nothing did (as grep), 2 on errors.

The shell takes the quotes of ``stderr:"gave up on"`` away; a word that holds spaces is searched as the
phrase it was typed as (``stderr:`` and all), so quoting the whole query or one phrase both work.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from riza_tui.cli.args import EXIT_USAGE
from riza_tui.cli.output import columns, leading_widths, short_time, standard_streams, terminal_width
from riza_tui.cli.reading import Reading, run_reading
from riza_tui.core.groups import moment
from riza_tui.core.search import SearchHit, SearchUnavailable, checked_query, count_matches, search
from riza_tui.core.search_query import FIELDS, QueryError, SearchQuery
from riza_tui.core.triage import exit_text
from riza_tui.safety.sanitize import one_line

EXIT_FOUND, EXIT_NONE, EXIT_TROUBLE = 0, 1, 2
HEADER = ["ID", "STARTED", "EXIT", "WHERE", "LINE"]
KEEP = frozenset({0})  # the ID is never cut: it is what a user copies


def query_text(words: list[str]) -> str:
    """The query as typed, from the words the shell passed: one holding spaces but no quote was a phrase."""
    parts = []
    for word in words:
        if '"' in word or not any(character.isspace() for character in word):
            parts.append(word)
            continue
        name, colon, rest = word.partition(":")
        parts.append(f'{name}:"{rest}"' if colon and name in FIELDS else f'"{word}"')
    return " ".join(parts)


def hit_row(hit: SearchHit, *, terminal: bool) -> list[str]:
    """The hit's cells; on a terminal the line is stripped (``SearchHit.shown_line`` then keeps its match in view)."""
    return [
        one_line(hit.id),
        short_time(moment(hit.summary.started_us)) if terminal else one_line(hit.started_at),
        exit_text(hit.exit_code),
        f"{hit.field}:{hit.line_number}",
        one_line(hit.line.strip() if terminal else hit.line),
    ]


def print_hits(hits: list[SearchHit], *, as_json: bool, stdout: TextIO) -> None:
    if as_json:
        for hit in hits:
            stdout.write(json.dumps(hit.to_json(), ensure_ascii=True) + "\n")
        return
    width = terminal_width(stdout)
    rows = [hit_row(hit, terminal=width is not None) for hit in hits]
    if width is not None and rows:
        room = width - sum(size + 2 for size in leading_widths(rows, HEADER, width, keep=KEEP))
        rows = [[*row[:-1], hit.shown_line(room)] for row, hit in zip(rows, hits, strict=True)]
    stdout.write("".join(line + "\n" for line in columns(rows, HEADER, width, keep=KEEP)))


def run_search(options: argparse.Namespace) -> int:
    _, stderr = standard_streams()
    try:
        query = checked_query(query_text(options.query))
    except QueryError as error:
        print(f"riza-tui search: error: {one_line(str(error))}", file=stderr)
        return EXIT_USAGE

    def answer(reading: Reading, stdout: TextIO, stderr: TextIO) -> int:
        return _answer(query, options, reading, stdout, stderr)

    return run_reading(options, "search", answer)


def _answer(query: SearchQuery, options: argparse.Namespace, reading: Reading, stdout: TextIO, stderr: TextIO) -> int:
    archive = reading.archive
    try:
        hits = search(archive, query, since=reading.since, failures=options.failures, limit=options.limit)
    except SearchUnavailable as error:
        print(f"riza-tui search: {one_line(str(error))}", file=stderr)
        return EXIT_TROUBLE
    except QueryError as error:
        print(f"riza-tui search: error: {one_line(str(error))}", file=stderr)
        return EXIT_USAGE
    if not hits:
        which = "failed execution" if options.failures else "execution"
        print(f"riza-tui search: no archived {which} of {one_line(reading.server)} matches", file=stderr)
        return EXIT_NONE
    print_hits(hits, as_json=options.json, stdout=stdout)
    if len(hits) == options.limit:
        total = count_matches(archive, query, since=reading.since, failures=options.failures)
        if total > len(hits):
            print(f"riza-tui search: the newest {len(hits):,} of {total:,} matches (--limit N for more)", file=stderr)
    return EXIT_FOUND
