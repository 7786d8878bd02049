"""Search index: which FTS5 tokenizer and table layout the archive should search its executions with.

200,000 synthetic executions shaped like the sample data (the demo generator's scripts, functions, tools and
recurring failures) are written to plain SQLite tables in a temporary directory, as the archive would keep
them (summary columns and a body), and indexed over ``code, input, stdout, stderr, output, error`` with each
candidate: the ``trigram`` tokenizer and ``unicode61`` (plain, and with prefix indexes), each as a normal
FTS5 table (a second copy of the text), contentless (``content=''``: the index alone) and external content
(``content=`` a table of the six fields). Measured: build time, index size against the text it covers, the
median time of a rare and a common term (a count, and the archive's first page of 50 newest matches with
each one's matching line), and which queries find what they should, ``backoff`` in ``fetch_with_backoff(``
above all. The floor, in the same run: ``grep -F`` over a JSONL of the same executions. Then what computing
a failure signature costs the archive per execution written.
"""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from bench.common import median, table

EXECUTIONS = 200_000
BATCH = 500  # executions per transaction, as write-through batches them
RUNS = 15  # queries take milliseconds: many runs make the median robust on a shared machine
RARE = "c0ffee42-7a1b-4c9d-8e2f-5a6b7c8d9e0f"  # a request id from an alert, in 5 executions
RARE_COUNT = 5
COMMON = "import"
QUERIES = {"rare": f'"{RARE}"', "common": COMMON}
CAMEL_CODE = "const retryWithBackoff = async (call, attempts = 3) => {\n  return call();\n};\n"
CORRECTNESS = ["backoff", "fetch_with_backoff(", "WithBackoff", "ackof", '"gave up on"', "stderr:Traceback"]
MEASURED = [
    "index MB",
    "index / text",
    "rare count ms (found)",
    "common count ms (found)",
    "rare page ms",
    "common page ms",
    "common page by rowid ms",
    "grep -F rare, same moment ms",
    "grep / rare page",
]
RAW_PREFIX = '"withback" *'  # an FTS5 prefix query, which only a prefix index makes cheap
FIELDS = ("code", "input", "stdout", "stderr", "output", "error")
Texts = dict[str, str]


@dataclass(frozen=True)
class Variant:
    label: str
    tokenize: str
    layout: str  # normal | contentless | external
    prefix: str = ""

    def options(self) -> str:
        options = [f"tokenize='{self.tokenize}'"]
        options += [f"prefix='{self.prefix}'"] if self.prefix else []
        options += {"normal": [], "contentless": ["content=''"], "external": ["content='texts'"]}[self.layout]
        return ", ".join(options)


VARIANTS = [
    Variant("trigram", "trigram", "normal"),
    Variant("trigram", "trigram", "contentless"),
    Variant("trigram", "trigram", "external"),
    Variant("unicode61", "unicode61", "normal"),
    Variant("unicode61", "unicode61", "contentless"),
    Variant("unicode61 prefix='2 3'", "unicode61", "contentless", "2 3"),
]


def synthetic(count: int) -> list[Texts]:
    """``count`` executions drawn like the sample data, as the archive indexes them, with the rare request id
    and a camelCase ``retryWithBackoff`` planted in a few."""
    from riza_tui.api.models import Execution
    from riza_tui.core.search_text import searchable_fields
    from riza_tui.demo import generate

    rng = random.Random(20261128)
    makers, weights = demo_makers()
    documents = []
    for maker in rng.choices(makers, weights, k=count):
        record = generate.record(rng, generate.NEWEST, *maker(rng))
        documents.append(searchable_fields(Execution.model_validate(record)))
    for number in rng.sample(range(count), RARE_COUNT):
        documents[number]["stderr"] += f"upstream failed: request_id={RARE}\n"
    for number in rng.sample(range(count), 20):
        documents[number]["code"] = CAMEL_CODE
    return documents


def at_random_progress(maker: Callable[[random.Random, float], Any], rng: random.Random) -> Any:
    """An outbreak's run at any point of its window."""
    return maker(rng, rng.random())


def demo_makers() -> tuple[list[Callable[[random.Random], Any]], list[int]]:
    """The demo generator's scripts, functions and recurring failures, with the weights it draws them by."""
    from riza_tui.demo import functions, incidents, scripts

    chosen = {**scripts.TEMPLATES, **functions.TEMPLATES}
    makers: list[Callable[[random.Random], Any]] = [maker for maker, _ in chosen.values()]
    weights = [weight for _, weight in chosen.values()]
    for outbreak in incidents.OUTBREAKS:
        makers.append(partial(at_random_progress, outbreak.maker))
        weights.append(2)
    return makers, weights


def ground_truth(documents: list[Texts], query: str) -> int:
    from riza_tui.core.search_query import parse_query

    terms = parse_query(query).terms
    return sum(
        all(any(t.text.lower() in d[f].lower() for f in FIELDS if t.field in (None, f)) for t in terms)
        for d in documents
    )


def write_base(path: Path, documents: list[Texts]) -> None:
    """The archive's side: summary columns and the (masked) body, newest first as a sync writes them."""
    connection = sqlite3.connect(path)
    connection.executescript(
        "PRAGMA journal_mode=WAL;"
        "CREATE TABLE executions (rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, started_at TEXT, exit_code INTEGER,"
        " body TEXT);"
        "CREATE INDEX executions_newest ON executions (started_at DESC);"
    )
    newest = datetime(2026, 11, 28, tzinfo=UTC)
    rows = [
        (
            len(documents) - number,  # a rowid that grows with started_at
            f"exec_bench_{number:06d}",
            (newest - timedelta(seconds=number)).isoformat(),
            1 if document["stderr"] else 0,
            json.dumps(document),
        )
        for number, document in enumerate(documents)
    ]
    connection.executemany("INSERT INTO executions VALUES (?, ?, ?, ?, ?)", rows)
    connection.commit()
    connection.close()


def build(path: Path, variant: Variant, documents: list[Texts]) -> float:
    """Seconds to index every document, in transactions of :data:`BATCH`."""
    connection = sqlite3.connect(path)
    columns = ", ".join(FIELDS)
    marks = ", ".join("?" for _ in FIELDS)
    if variant.layout == "external":
        connection.execute(f"CREATE TABLE texts (rowid INTEGER PRIMARY KEY, {columns})")
    connection.execute(f"CREATE VIRTUAL TABLE search USING fts5({columns}, {variant.options()})")
    started = time.perf_counter()
    for first in range(0, len(documents), BATCH):
        chunk = enumerate(documents[first : first + BATCH])
        rows = [(len(documents) - first - n, *(d[f] for f in FIELDS)) for n, d in chunk]
        with connection:
            if variant.layout == "external":
                connection.executemany(f"INSERT INTO texts (rowid, {columns}) VALUES (?, {marks})", rows)
            connection.executemany(f"INSERT INTO search (rowid, {columns}) VALUES (?, {marks})", rows)
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def index_bytes(connection: sqlite3.Connection, variant: Variant) -> tuple[int, int]:
    """Bytes of the FTS5 tables (index and any content copy), and of the external content table."""
    sizes = dict(connection.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    fts = sum(size for name, size in sizes.items() if name.startswith("search"))
    return fts, sizes.get("texts", 0)


def timed(call: Callable[[], object]) -> float:
    call()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return median(samples) * 1000


def first_page(connection: sqlite3.Connection, query: str, order: str = "e.started_at DESC") -> list[tuple[str, str]]:
    """What ``riza-tui search`` shows: the 50 newest matches, each with its matching line. Ordered by
    ``started_at``, every match is joined and sorted; by a rowid that grows with it, FTS5 walks its doclists
    backwards and stops at 50."""
    from riza_tui.core.search_query import first_match, parse_query

    parsed = parse_query(query)
    rows = connection.execute(
        "SELECT e.id, e.body FROM search JOIN executions e ON e.rowid = search.rowid"
        f" WHERE search MATCH ? ORDER BY {order} LIMIT 50",
        (parsed.match_expression(),),
    ).fetchall()
    lines = []
    for execution_id, body in rows:
        matched = first_match(parsed, json.loads(body))
        lines.append((execution_id, matched.text if matched else ""))
    return lines


def count(connection: sqlite3.Connection, query: str) -> int:
    from riza_tui.core.search_query import parse_query

    expression = parse_query(query).match_expression()
    found: int = connection.execute("SELECT count(*) FROM search WHERE search MATCH ?", (expression,)).fetchone()[0]
    return found


def grep_ms(path: Path, term: str, *flags: str) -> tuple[float, int]:
    def run() -> int:
        done = subprocess.run(["grep", "-F", "-c", *flags, "--", term, str(path)], capture_output=True, text=True)
        return int(done.stdout.strip() or 0)

    return timed(run), run()


def detail_note() -> str:
    """Whether a smaller trigram index (``detail=column``/``none``) can answer the queries at all."""
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(code, tokenize='trigram', detail=column)")
    connection.execute("INSERT INTO t VALUES ('fetch_with_backoff(url)')")
    try:
        connection.execute("SELECT rowid FROM t WHERE t MATCH '\"backoff\"'").fetchall()
    except sqlite3.OperationalError as error:
        return f"trigram with detail=column or none is smaller but cannot run a term over 3 characters: {error}"
    return "trigram with detail=column answers substring terms"


def each(function: Callable[[Any], object], items: list[Any]) -> None:
    for item in items:
        function(item)


def signature_costs() -> list[tuple[str, float, float]]:
    """Microseconds per execution for its signature, against ``json.dumps`` of its body (which the archive
    pays to write it anyway): the bundled data, its failures, and a failure with 1 MB of stderr before it."""
    from riza_tui.api.models import Execution
    from riza_tui.core.signature import failure_signature
    from riza_tui.server.data import load_data

    records = load_data().records
    executions = [Execution.model_validate(record) for record in records]
    failing = [number for number, execution in enumerate(executions) if failure_signature(execution)]
    big_record = json.loads(json.dumps(records[failing[0]]))
    details = big_record["details"]
    result = details["response"] if details["type"] == "script" else details["response"]["execution"]
    result["stderr"] = "debug: polling the upstream, attempt pending\n" * 23_000 + result["stderr"]
    cases = [
        ("bundled executions", executions, records),
        ("bundled failures", [executions[n] for n in failing], [records[n] for n in failing]),
        ("failure with 1 MB of stderr", [Execution.model_validate(big_record)], [big_record]),
    ]
    rows = []
    for label, chosen, raw in cases:
        signature_us = timed(partial(each, failure_signature, chosen)) * 1000 / len(chosen)
        dumps_us = timed(partial(each, json.dumps, raw)) * 1000 / len(raw)
        rows.append((label, signature_us, dumps_us))
    return rows


def measure(
    path: Path, variant: Variant, documents: list[Texts], jsonl: Path, text_bytes: int
) -> tuple[tuple[object, ...], tuple[object, ...], tuple[object, ...]]:
    """One variant: built in batches as write-through would, then after ``optimize`` (one b-tree per index,
    as a sync could end), with what each query finds; ``grep -F`` is timed again beside it each time."""
    seconds = build(path, variant, documents)
    connection = sqlite3.connect(path)
    label = f"{variant.label} · {variant.layout}"
    rows: list[tuple[object, ...]] = []
    for stage in ("built", "optimized"):
        if stage == "optimized":
            started = time.perf_counter()
            with connection:
                connection.execute("INSERT INTO search (search) VALUES ('optimize')")
            seconds = time.perf_counter() - started
        fts, external = index_bytes(connection, variant)
        counts = {name: timed(partial(count, connection, query)) for name, query in QUERIES.items()}
        grep_now = grep_ms(jsonl, RARE)[0]  # the floor again beside each measurement: the load drifts
        pages = {name: timed(partial(first_page, connection, query)) for name, query in QUERIES.items()}
        by_rowid = timed(partial(first_page, connection, COMMON, "search.rowid DESC"))
        assert first_page(connection, COMMON, "search.rowid DESC") == first_page(connection, COMMON)
        found = {name: count(connection, query) for name, query in QUERIES.items()}
        rows.append(
            (
                label,
                round(seconds, 1),
                *([round(seconds / EXECUTIONS * 1e6)] if stage == "built" else []),
                round((fts + external) / 1e6),
                f"{(fts + external) / text_bytes:.2f}x",
                f"{counts['rare']:.2f} ({found['rare']})",
                f"{counts['common']:.1f} ({found['common']:,})",
                f"{pages['rare']:.2f}",
                f"{pages['common']:.1f}",
                f"{by_rowid:.1f}",
                f"{grep_now:.0f}",
                f"{grep_now / pages['rare']:.0f}x",
            )
        )
    raw = connection.execute("SELECT count(*) FROM search WHERE search MATCH ?", (RAW_PREFIX,)).fetchone()[0]
    correct = (label, *(count(connection, query) for query in CORRECTNESS), raw)
    connection.close()
    return rows[0], rows[1], correct


def run() -> str:
    signature_rows = [
        (label, f"{sig:.1f}", f"{dumps:.1f}", f"{sig / dumps:.1f}x") for label, sig, dumps in signature_costs()
    ]
    documents = synthetic(EXECUTIONS)
    text_bytes = sum(len(d[f].encode()) for d in documents for f in FIELDS)
    layout_rows, optimized_rows, correct_rows = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        jsonl = Path(folder) / "executions.jsonl"
        with jsonl.open("w") as out:
            for number, document in enumerate(documents):
                out.write(json.dumps({"id": f"exec_bench_{number:06d}", **document}) + "\n")
        jsonl_bytes = jsonl.stat().st_size
        grep = {name: grep_ms(jsonl, RARE if name == "rare" else COMMON) for name in QUERIES}
        grep_i = {name: grep_ms(jsonl, RARE if name == "rare" else COMMON, "-i") for name in QUERIES}
        base = Path(folder) / "base.db"
        write_base(base, documents)
        for number, variant in enumerate(VARIANTS):
            path = Path(folder) / f"variant{number}.db"
            path.write_bytes(base.read_bytes())
            built, optimized, correct = measure(path, variant, documents, jsonl, text_bytes)
            layout_rows.append(built)
            optimized_rows.append(optimized)
            correct_rows.append(correct)
            path.unlink()
    truth = ("substring, any case (Python scan)", *(ground_truth(documents, q) for q in CORRECTNESS), "")
    signature_rows = [
        (label, f"{sig:.1f}", f"{dumps:.1f}", f"{sig / dumps:.1f}x") for label, sig, dumps in signature_costs()
    ]
    return "\n\n".join(
        [
            f"{EXECUTIONS:,} synthetic executions; the six fields hold {text_bytes / 1e6:.0f} MB of text "
            f"(JSONL {jsonl_bytes / 1e6:.0f} MB). Times are medians of {RUNS}, ms; "
            f"rare = the request id `{RARE[:13]}…` ({RARE_COUNT} executions), common = `{COMMON}`. "
            "page = the archive's first page: the 50 newest matches, joined to the executions table, each with "
            "its matching line from the body.",
            table(
                ["floor: grep -F -c over the JSONL", "rare ms", "common ms"],
                [
                    (
                        "grep -F",
                        f"{grep['rare'][0]:.0f} ({grep['rare'][1]})",
                        f"{grep['common'][0]:.0f} ({grep['common'][1]:,})",
                    ),
                    ("grep -F -i (case as the index)", f"{grep_i['rare'][0]:.0f}", f"{grep_i['common'][0]:.0f}"),
                ],
            ),
            "As built, in transactions of 500 as write-through would (newest first, as a sync writes)",
            table(["tokenizer · layout", "build s", "µs / exec", *MEASURED], layout_rows),
            "After `INSERT INTO search (search) VALUES ('optimize')`: one b-tree per index, as a sync could end",
            table(["tokenizer · layout", "optimize s", *MEASURED], optimized_rows),
            "Found by each query (what a user would expect: the Python scan)",
            table(["index", *CORRECTNESS, f"raw {RAW_PREFIX}"], [truth, *correct_rows]),
            detail_note(),
            "Failure signature per execution written, µs (floor: json.dumps of the same body)",
            table(["executions", "signature µs", "json.dumps µs", "ratio"], signature_rows),
        ]
    )
