"""The search query language: words, "quoted phrases" and ``field:`` prefixes, made into a safe FTS5 MATCH.

``riza-tui search`` takes what an on-call engineer types (``backoff stderr:"gave up on"``) and the archive
runs it as an SQLite FTS5 MATCH over the columns ``code, input, stdout, stderr, output, error``. Every term
the user typed reaches FTS5 as one quoted string (quotes doubled), so nothing typed is FTS5 syntax:
``NEAR``, ``AND``/``OR``/``NOT``, ``*``, ``-``, ``^``, ``:`` and parentheses are text to find. With the
trigram tokenizer a quoted string matches as a substring, case-insensitively: ``backoff`` finds
``fetch_with_backoff(``. A term must be as long as a trigram (3 characters), or it would match nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

FIELDS = ("code", "input", "stdout", "stderr", "output", "error")
# Where the matching line is looked for first: the streams the execution screen opens on.
SHOWN_ORDER = ("stderr", "stdout", "output", "input", "code", "error")
MIN_TERM_LENGTH = 3  # the trigram tokenizer finds nothing shorter
MAX_QUERY_LENGTH = 2000
LINE_LIMIT = 400
# ``name:rest`` where ``name`` is not a field but reads like one was meant (``stdrr:boom``, ``node:internal``):
# a URL (``https://``), ``host:8080``, ``main.py:12`` and ``KeyError:`` stay text.
LOOKS_LIKE_PREFIX = re.compile(r"^(?P<name>[a-z]+):(?=[A-Za-z\"])")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class QueryError(ValueError):
    """A query that cannot be searched; ``str()`` is one line saying what is wrong."""


@dataclass(frozen=True)
class Term:
    """One thing to find: a word or a phrase, in one field or (``field`` None) in any."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class SearchQuery:
    terms: tuple[Term, ...]

    def match_expression(self) -> str:
        """The FTS5 MATCH expression: every term quoted, all of them required."""
        return " AND ".join(fts_term(term) for term in self.terms)


@dataclass(frozen=True)
class MatchedLine:
    """The first line of a field holding a term: its field, number (1-based) and text, cut to
    :data:`LINE_LIMIT` characters around the match; ``start``/``end`` locate the match in ``text``."""

    field: str
    number: int
    text: str
    start: int
    end: int


def fts_term(term: Term) -> str:
    quoted = '"' + term.text.replace('"', '""') + '"'
    return f"{term.field} : {quoted}" if term.field else quoted


def parse_query(query: str, *, min_length: int = MIN_TERM_LENGTH) -> SearchQuery:
    """Words (all must match), "quoted phrases" and ``field:word`` or ``field:"a phrase"`` (fields in lower case)."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(f"the query is {len(query):,} characters long; at most {MAX_QUERY_LENGTH:,} are searched")
    if CONTROL.search(query):
        raise QueryError("the query holds a control character; search for printable text")
    terms = []
    position = 0
    while True:
        while position < len(query) and query[position].isspace():
            position += 1
        if position == len(query):
            break
        term, position = read_term(query, position)
        if len(term.text) < min_length:
            raise QueryError(
                f'"{term.text}" is too short: a search term needs at least {min_length} characters'
                if term.text
                else 'an empty phrase "" finds nothing: put text between the quotes'
            )
        terms.append(term)
    if not terms:
        raise QueryError(
            'nothing to search for: give a word, a "phrase" or field:word (fields: ' + ", ".join(FIELDS) + ")"
        )
    return SearchQuery(tuple(terms))


def read_term(query: str, position: int) -> tuple[Term, int]:
    """The term that starts at ``position`` and where the next one may start."""
    field = None
    end = next_space(query, position)
    word = query[position:end]
    name, colon, rest = word.partition(":")
    if colon and name in FIELDS:  # lower case only: a pasted "Error: no rate for JPY" is text
        field = name
        position += len(name) + 1
        if not rest:
            raise QueryError(
                f'{name}: needs a word or a "phrase" right after it ({name}:timeout); to find "{word}", quote it'
            )
    elif (prefix := LOOKS_LIKE_PREFIX.match(word)) is not None:
        raise QueryError(unknown_field(prefix["name"], word))
    if query[position] == '"':
        closing = query.find('"', position + 1)
        if closing < 0:
            raise QueryError(f'unterminated quote: {query[position:][:40]!r} needs a closing "')
        return Term(query[position + 1 : closing], field), closing + 1
    return Term(query[position:end], field), end


def unknown_field(name: str, word: str) -> str:
    close = difflib.get_close_matches(name, FIELDS, n=1)
    hint = f"did you mean {close[0]}:? " if close else ""
    return f'unknown field "{name}:" ({hint}fields: {", ".join(FIELDS)}); to find the text itself, quote it: "{word}"'


def next_space(text: str, start: int) -> int:
    for index in range(start, len(text)):
        if text[index].isspace():
            return index
    return len(text)


def first_matching_line(query: SearchQuery, field: str, text: str) -> MatchedLine | None:
    """The first line of ``text`` (one field of a document) holding a term that applies to ``field``,
    case-insensitively as the index matches."""
    needles = sorted({term.text for term in query.terms if term.field in (None, field)}, key=len, reverse=True)
    if not needles or not text:
        return None
    found = re.compile("|".join(re.escape(needle) for needle in needles), re.IGNORECASE).search(text)
    if found is None:
        return None
    line_start = text.rfind("\n", 0, found.start()) + 1
    line_end = text.find("\n", found.end())
    line_end = len(text) if line_end < 0 else line_end
    cut_start = line_start if found.start() - line_start < LINE_LIMIT // 4 else found.start() - LINE_LIMIT // 4
    cut_end = min(line_end, cut_start + LINE_LIMIT)
    number = text.count("\n", 0, line_start) + 1
    line = text[cut_start:cut_end]
    return MatchedLine(field, number, line, found.start() - cut_start, min(found.end(), cut_end) - cut_start)


def first_match(query: SearchQuery, documents: Mapping[str, str]) -> MatchedLine | None:
    """The line to show for a document that matched: in a field the query names first, then in the order
    the execution screen shows its panes."""
    named = [term.field for term in query.terms if term.field]
    for field in dict.fromkeys([*named, *SHOWN_ORDER]):
        matched = first_matching_line(query, field, documents.get(field) or "")
        if matched is not None:
            return matched
    return None
