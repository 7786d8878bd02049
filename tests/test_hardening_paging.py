"""Paging ends when a server's pages stop making progress (issue 16).

``riza-tui list`` paged forever (520 lines printed, and counting) when a server repeated a page or its cursors
went round in a circle, and listed an id twice when a page held it twice. Hostile loopback servers play those
pages; each answers at most ``MAX_REQUESTS`` times (then an empty page), so a client that never stops still
ends and fails the test instead of hanging the run.
"""

from __future__ import annotations

import asyncio
import io
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from riza_tui.api.settings import ClientSettings
from riza_tui.cli.listing import run_list
from riza_tui.server.data import ServerData
from riza_tui.server.http import ApiHandler, EmbeddedServer

MAX_REQUESTS = 200
Pages = Callable[[str | None], list[str]]


def summary(execution_id: str) -> dict[str, Any]:
    return {
        "id": execution_id,
        "language": "python",
        "duration": 1,
        "exit_code": 0,
        "started_at": "2026-11-28T08:00:00Z",
    }


class PagingHandler(ApiHandler):
    """Answers every list request with the ids ``pages(starting_after)`` gives."""

    def route(self) -> None:
        owner: PagingServer = self.server.owner  # type: ignore[assignment]
        cursor = parse_qs(urlsplit(self.path).query).get("starting_after", [None])[0]
        ids = owner.answer(cursor)
        self.send_body(200, json.dumps({"data": [summary(i) for i in ids]}).encode())


class PagingServer(EmbeddedServer):
    def __init__(self, pages: Pages) -> None:
        super().__init__(ServerData([]), handler=PagingHandler, api_key="k")
        self.pages = pages
        self.requests = 0
        self._lock = threading.Lock()

    def answer(self, cursor: str | None) -> list[str]:
        with self._lock:
            self.requests += 1
            if self.requests > MAX_REQUESTS:
                return []
        return self.pages(cursor)


@contextmanager
def paging_server(pages: Pages) -> Iterator[PagingServer]:
    server = PagingServer(pages)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def listed(server: PagingServer, *flags: str) -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    settings = ClientSettings(api_key="k", base_url=server.url, max_retries=0)
    code = asyncio.run(run_list(settings, as_json="--json" in flags, streams=(out, err)))
    ids = [json.loads(line)["id"] for line in out.getvalue().splitlines()] if "--json" in flags else []
    if "--json" not in flags:
        ids = [line.split("\t", 1)[0] for line in out.getvalue().splitlines()]
    return code, ids, err.getvalue()


def cycle(cursor: str | None) -> list[str]:
    """Two pages, then back to the first: the cursors go b, d, b, d, ..."""
    return {None: ["exec_a", "exec_b"], "exec_b": ["exec_c", "exec_d"], "exec_d": ["exec_a", "exec_b"]}[cursor]


def swapped(cursor: str | None) -> list[str]:
    """The same two executions, their order swapped each time: every cursor is new to a check of the last one."""
    return ["exec_a", "exec_b"] if cursor in (None, "exec_a") else ["exec_b", "exec_a"]


def same_page(cursor: str | None) -> list[str]:
    return ["exec_a", "exec_b"]


BEHAVIOURS: dict[str, Pages] = {"cursors in a cycle": cycle, "swapped pages": swapped, "the same page": same_page}


@pytest.mark.parametrize("pages", BEHAVIOURS.values(), ids=BEHAVIOURS.keys())
def test_paging_ends_when_a_page_adds_nothing_or_a_cursor_comes_back(pages: Pages) -> None:
    with paging_server(pages) as server:
        code, ids, err = listed(server)
        requests = server.requests
    assert requests <= 4, f"{requests} requests: it kept paging"
    assert ids == sorted(set(ids)) and set(ids) <= {"exec_a", "exec_b", "exec_c", "exec_d"}, ids
    assert code == 2 and len(err.strip().splitlines()) == 1 and "stopped paging" in err, err


def test_an_id_listed_twice_is_printed_once() -> None:
    def pages(cursor: str | None) -> list[str]:
        first = ["exec_a", "exec_a", "exec_b", "exec_c", "exec_b"]
        return {None: first, "exec_b": ["exec_c", "exec_d"], "exec_d": []}[cursor]

    with paging_server(pages) as server:
        for flags in ((), ("--json",)):
            code, ids, err = listed(server, *flags)
            assert (code, err) == (0, "") and ids == ["exec_a", "exec_b", "exec_c", "exec_d"], (ids, err)


def test_a_server_that_makes_progress_is_paged_to_the_end() -> None:
    """Overlapping pages are a server's right (a new execution pushes the window): they are not a loop."""
    everything = [f"exec_{n:03d}" for n in range(350)]

    def pages(cursor: str | None) -> list[str]:
        start = 0 if cursor is None else everything.index(cursor)  # overlaps by one: the cursor again
        page = everything[start : start + 100]
        return page if cursor is None or len(page) > 1 else []

    with paging_server(pages) as server:
        code, ids, err = listed(server)
    assert (code, err) == (0, "") and ids == everything
