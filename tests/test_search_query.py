"""The search query language against a real FTS5 trigram index on disk: phrases, field prefixes, substrings
inside identifiers, FTS5 syntax typed by a user found as text, and a one-line error for what cannot run."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riza_tui.core.search_query import (
    FIELDS,
    LINE_LIMIT,
    QueryError,
    SearchQuery,
    Term,
    first_match,
    first_matching_line,
    parse_query,
)
from tests.fuzz_strategies import fuzz_settings

Document = dict[str, str]
DOCUMENTS: list[Document] = [
    {"code": "def fetch_with_backoff(url, attempts=4):\n    pass\n", "stderr": "RuntimeError: gave up on it\n"},
    {"code": "const fetchWithBackoff = async () => {};\n", "stdout": "retrying\n"},
    {"code": "print('backup')\n", "stderr": "execution timed out after 5s\n", "error": "execution timed out"},
    {"code": "timeout = 5\n", "stdout": "gave it up on Monday\n"},
    {"input": '{"memo": "alpha OR beta"}', "output": '{"NEAR(alpha": 1, "say\\"hi": "-rf ^start col* (((x"}'},
    {"input": '{"memo": "alpha"}', "output": '{"beta": "start"}', "stderr": "NOTHING to see\n"},
]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """The documents in an FTS5 trigram table with the archive's columns, in a file."""
    connection = sqlite3.connect(tmp_path / "search.db")
    columns = ", ".join(FIELDS)
    connection.execute(f"CREATE VIRTUAL TABLE docs USING fts5({columns}, tokenize='trigram')")
    connection.executemany(
        f"INSERT INTO docs (rowid, {columns}) VALUES (?, {', '.join('?' for _ in FIELDS)})",
        [(number, *(document.get(field, "") for field in FIELDS)) for number, document in enumerate(DOCUMENTS)],
    )
    connection.commit()
    yield connection
    connection.close()


def search(index: sqlite3.Connection, query: str) -> list[int]:
    expression = parse_query(query).match_expression()
    return [row for (row,) in index.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rowid", (expression,))]


def test_words_must_all_match_anywhere(index: sqlite3.Connection) -> None:
    assert search(index, "gave") == [0, 3]
    assert search(index, "gave  Monday") == [3]
    assert search(index, "gave nowhere") == []


def test_a_phrase_matches_its_words_together_and_in_order(index: sqlite3.Connection) -> None:
    assert search(index, '"gave up on"') == [0]
    assert search(index, '"up on gave"') == []
    assert parse_query('"gave up on" Monday').terms == (Term("gave up on"), Term("Monday"))


def test_a_field_prefix_applies_to_a_word_or_a_phrase(index: sqlite3.Connection) -> None:
    assert search(index, "timeout") == [3]
    assert search(index, "timed") == [2]
    assert search(index, "code:timeout") == [3]
    assert search(index, "stderr:timeout") == []
    assert search(index, 'stderr:"timed out after"') == [2]
    assert search(index, 'stdout:"timed out after"') == []
    assert search(index, "error:timed code:backup") == [2]
    assert search(index, "RuntimeError: gave") == [0], "a pasted error line is text, not a field"


def test_substrings_inside_identifiers_any_case(index: sqlite3.Connection) -> None:
    assert search(index, "backoff") == [0, 1], "fetch_with_backoff( and fetchWithBackoff"
    assert search(index, "BACKOFF") == [0, 1]
    assert search(index, "with_back") == [0]
    assert search(index, "ackof") == [0, 1]
    assert search(index, "fetch_with_backoff(") == [0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"alpha OR beta"', [4]),
        ("alpha OR beta", None),  # OR is a two-letter word: too short, not an operator
        ("NOT", [5]),
        ("NEAR(alpha", [4]),
        ("-rf", [4]),
        ("^start", [4]),
        ("col*", [4]),
        ("(((x", [4]),
        ('say\\"hi', [4]),
        ("{code}:def", []),
        ('"NEAR(alpha"', [4]),
        ("stderr:NOTHING", [5]),
    ],
)
def test_fts5_syntax_typed_by_a_user_is_text(index: sqlite3.Connection, query: str, expected: list[int] | None) -> None:
    if expected is None:
        with pytest.raises(QueryError, match='"OR" is too short'):
            parse_query(query)
        return
    assert search(index, query) == expected


def test_every_term_is_one_quoted_string_with_its_quotes_doubled() -> None:
    query = parse_query('stderr:"gave up" a"b"c NEAR(x) code:*x*')
    assert query.match_expression() == 'stderr : "gave up" AND "a""b""c" AND "NEAR(x)" AND code : "*x*"'


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("", "nothing to search for"),
        ("   \t ", "nothing to search for"),
        ('stderr:"gave up', "unterminated quote"),
        ('"gave', "unterminated quote"),
        ("stdrr:boom", 'unknown field "stdrr:" (did you mean stderr:?'),
        ("node:internal", 'quote it: "node:internal"'),
        ("ab", '"ab" is too short: a search term needs at least 3 characters'),
        ('code:"ab"', '"ab" is too short'),
        ('""', "an empty phrase"),
        ("stderr:", "stderr: needs a word"),
        ("stderr: timeout", "stderr: needs a word"),
        ("boom\x00", "control character"),
        ("x" * 2001, "at most 2,000"),
    ],
)
def test_a_query_that_cannot_run_is_one_line_saying_why(query: str, says: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse_query(query)
    assert says in str(raised.value) and "\n" not in str(raised.value)


def test_what_is_text_and_not_a_field() -> None:
    for text in ("https://api.example.com", "localhost:8080", "main.py:12", "KeyError:", "Error:boom", "STDERR:x1"):
        assert parse_query(text).terms == (Term(text),)


ALPHABET = st.sampled_from([*"ab\"*:-^()NEARORNOT{}_ .'\\", "code:", "stderr:", "AND", "NEAR"])


@given(st.lists(ALPHABET, min_size=1, max_size=14).map("".join))
@fuzz_settings(200)
def test_any_query_runs_or_is_a_query_error_and_finds_exactly_the_text(text: str) -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute(f"CREATE VIRTUAL TABLE docs USING fts5({', '.join(FIELDS)}, tokenize='trigram')")
    haystack = {"code": 'a"b*:c-^(NEAR)OR', "stderr": "NOT {x}_y. 'z\\", "stdout": "stderr:AND code:NEAR"}
    connection.execute("INSERT INTO docs (code, stderr, stdout) VALUES (:code, :stderr, :stdout)", haystack)
    try:
        query = parse_query(text)
    except QueryError as error:
        assert "\n" not in str(error)
        return
    found = connection.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (query.match_expression(),)).fetchone()
    expected = all(
        any(term.text.lower() in value.lower() for name, value in haystack.items() if term.field in (None, name))
        for term in query.terms
    )
    assert found == (int(expected),), query


def test_the_first_matching_line_of_a_field() -> None:
    query = parse_query("backoff attempts")
    code = DOCUMENTS[0]["code"]
    matched = first_matching_line(query, "code", code)
    assert matched is not None and (matched.field, matched.number) == ("code", 1)
    assert matched.text == code.splitlines()[0] and matched.text[matched.start : matched.end] == "backoff"
    assert first_matching_line(query, "code", "nothing here\n") is None
    second = first_matching_line(parse_query("PASS"), "code", code)
    assert second is not None and second.number == 2 and second.text == "    pass"


def test_the_matching_line_is_in_a_field_the_query_names_first_then_the_streams() -> None:
    document = {"code": "raise Timeout()\n", "stderr": "one\ntwo Timeout\n", "error": "Timeout"}
    matched = first_match(parse_query("timeout"), document)
    assert matched is not None and (matched.field, matched.number, matched.text) == ("stderr", 2, "two Timeout")
    named = first_match(parse_query("code:timeout"), document)
    assert named is not None and named.field == "code"
    assert first_match(parse_query("stdout:timeout"), document) is None, "a prefixed term looks only in its field"


def test_a_match_in_a_megabyte_line_is_cut_around_it() -> None:
    text = "x" * 1_000_000 + " fetch_with_backoff( " + "y" * 1_000_000
    matched = first_matching_line(parse_query("backoff"), "stdout", text)
    assert matched is not None and len(matched.text) == LINE_LIMIT
    assert matched.text[matched.start : matched.end] == "backoff" and matched.start == LINE_LIMIT // 4


def test_a_query_is_plain_data() -> None:
    assert parse_query("a\u00e9b code:x\u00fcy") == SearchQuery((Term("a\u00e9b"), Term("x\u00fcy", "code")))
