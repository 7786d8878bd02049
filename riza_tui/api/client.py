"""The async client: one ``httpx.AsyncClient`` for the program's life, retries like the official SDK."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import random
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from riza_tui import __version__
from riza_tui.api import json_text  # noqa: F401 - raises the recursion limit for deep bodies
from riza_tui.api.errors import (
    ConnectionFailedError,
    InvalidIdError,
    InvalidResponseError,
    ResponseTooLargeError,
    RizaError,
    TimeoutFailedError,
    status_error,
)
from riza_tui.api.models import Execution, ExecutionList, Fetched, field_path
from riza_tui.api.scrub import Scrubber
from riza_tui.api.settings import ClientSettings, InvalidKeyError, checked_api_key, display_url

RETRYABLE_STATUSES = frozenset({408, 409, 429})
MAX_ID_LENGTH = 1024
PARSE_IN_THREAD_BYTES = 256 * 1024
MAX_RETRY_AFTER_SECONDS = 60.0
# A body too deep for the parser is read again with what lies below this depth replaced by a note.
CUT_DEPTH = 1000
STRUCTURAL = re.compile(r'["\[\]{}]')


ModelT = TypeVar("ModelT", bound=BaseModel)


def execution_path(raw_id: str) -> str:
    """The retrieve path for an ID, as exactly one percent-encoded segment.

    A pasted ID loses its surrounding whitespace. ``.`` and ``..`` would be resolved by httpx into
    another path, so they are refused, as is the empty ID.
    """
    exec_id = raw_id.strip()
    if exec_id in ("", ".", ".."):
        shown = "an empty ID" if not exec_id else f"'{exec_id}'"
        raise InvalidIdError(f"{shown} is not an execution ID", hint="paste an ID such as exec_…")
    if len(exec_id) > MAX_ID_LENGTH:
        raise InvalidIdError(f"the ID is {len(exec_id)} characters long; no execution ID is that long")
    try:
        exec_id.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidIdError("the ID holds a character that is not valid Unicode text") from None
    return "/v1/executions/" + quote(exec_id, safe="")


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    headers: httpx.Headers


class RizaClient:
    """Retrieve and list executions. Every failure surfaces as a :class:`RizaError`."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """``sleep`` waits between retries (tests pass one that records the delay instead of waiting it)."""
        self.settings = settings
        self._sleep = sleep
        self.shown_url = display_url(settings.base_url)
        self._scrubber = Scrubber(_secrets_of(settings))
        headers = {"User-Agent": f"riza-tui/{__version__} httpx/{httpx.__version__}", "Accept": "application/json"}
        # Settings are validated where they are read; one built by hand with a key that cannot be sent (httpx
        # would print it in "Illegal header value", or crash on a non-ASCII one) makes every request one error.
        self._key_problem = ""
        if settings.api_key:
            try:
                headers["Authorization"] = f"Bearer {checked_api_key(settings.api_key, 'the API key')}"
            except InvalidKeyError as error:
                self._key_problem = str(error)
        self._http = httpx.AsyncClient(
            base_url=settings.base_url,
            headers=headers,
            timeout=httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0)),
            transport=transport,
            follow_redirects=False,
            # An http:// base URL never uses TLS (redirects are not followed), so the CA bundle need not be
            # loaded: that is ~45 ms of start-up, measured, for the demo and every loopback server.
            verify=urlsplit(settings.base_url).scheme != "http",
        )

    async def __aenter__(self) -> RizaClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def retrieve(self, execution_id: str) -> Fetched:
        """Retrieve one execution, keeping the raw JSON for the raw view."""
        path = execution_path(execution_id)
        started = time.perf_counter()
        reply = await self._request(path, {})
        received: str | None = None
        note = ""
        try:
            parsed, execution = await _parse(Execution, reply.body)
        except _TooDeep:
            received = _text(reply.body)
            parsed, execution = await _parse(Execution, _cut_deep(received, CUT_DEPTH).encode())
            note = f"the body nests too deep to read whole; values below level {CUT_DEPTH:,} are replaced by a note"
        elapsed = time.perf_counter() - started
        return Fetched(execution, parsed, len(reply.body), elapsed, execution_id.strip(), received, note)

    async def get_execution(self, execution_id: str) -> Execution:
        return (await self.retrieve(execution_id)).execution

    async def list_executions(
        self, *, limit: int | None = None, starting_after: str | None = None, only_failures: bool = False
    ) -> ExecutionList:
        """One page, newest first."""
        params: dict[str, str] = {}
        if limit is not None:
            params["limit"] = str(limit)
        if starting_after:
            params["starting_after"] = starting_after
        if only_failures:
            params["only_non_zero_exit_codes"] = "true"
        reply = await self._request("/v1/executions", params)
        try:
            return (await _parse(ExecutionList, reply.body))[1]
        except _TooDeep:
            raise InvalidResponseError(
                "the list page nests too deep to read", raw=_text(reply.body, 64 * 1024)
            ) from None

    async def iter_executions(self, *, page_size: int = 100, only_failures: bool = False) -> AsyncIterator[Execution]:
        """Every execution once, page by page, until the server returns an empty page. A page that adds nothing
        new, or a cursor that came before (pages in a circle), ends the paging with an InvalidResponseError
        after what was new: a server that repeats itself is not paged forever."""
        cursor: str | None = None
        cursors: set[str] = set()
        seen: set[str] = set()
        while True:
            page = await self.list_executions(limit=page_size, starting_after=cursor, only_failures=only_failures)
            if not page.data:
                return
            fresh = 0
            for execution in page.data:
                if execution.id not in seen:
                    seen.add(execution.id)
                    fresh += 1
                    yield execution
            cursor = page.data[-1].id
            if not fresh or cursor in cursors:
                why = "a page held nothing new" if not fresh else f"{cursor[:80]!r} came back as the cursor"
                raise InvalidResponseError(
                    f"stopped paging after {len(seen):,} executions: {why}", raw="", hint="the server repeats itself"
                )
            cursors.add(cursor)

    async def _request(self, path: str, params: Mapping[str, str]) -> _Reply:
        """One request with its retries, all within one deadline of ``settings.timeout`` seconds."""
        if self._key_problem:
            raise RizaError(self._key_problem, hint="check RIZA_API_KEY, --api-key or the profile")
        deadline = time.monotonic() + self.settings.timeout
        try:
            async with asyncio.timeout(self.settings.timeout):
                return await self._request_with_retries(path, params, deadline)
        except TimeoutError:
            raise self._scrubbed(
                TimeoutFailedError(
                    f"no complete answer from {self.shown_url} within {self.settings.timeout:g} s (retries included)",
                    hint="try again, or raise --timeout",
                )
            ) from None

    async def _request_with_retries(self, path: str, params: Mapping[str, str], deadline: float) -> _Reply:
        retries = 0
        while True:
            retry_after: httpx.Headers | None = None
            try:
                reply = await self._send_once(path, params)
            except httpx.TimeoutException:
                raise TimeoutError from None
            except httpx.HTTPError as exc:
                error = _transport_error(exc, self.shown_url)
            else:
                if 200 <= reply.status < 300:
                    return await self._without_secrets(reply)
                error = status_error(reply.status, _text(reply.body, 2000), _loads_or_none(reply.body))
                retry_after = reply.headers
                if reply.status not in RETRYABLE_STATUSES and reply.status < 500:
                    raise self._scrubbed(error)
            if retries >= self.settings.max_retries:
                raise self._scrubbed(error)
            delay = self._retry_delay(retries, retry_after)
            left = deadline - time.monotonic()
            if delay >= left:
                error.hint = f"the server asked to retry after {delay:g} s; only {max(left, 0):.1f} s of --timeout left"
                raise self._scrubbed(error)
            await self._sleep(delay)
            retries += 1

    def _scrubbed(self, error: RizaError) -> RizaError:
        """The error with the API key and the URL's password replaced wherever the server echoed them."""
        return self._scrubber.error(error)

    async def _send_once(self, path: str, params: Mapping[str, str]) -> _Reply:
        cap = self.settings.max_response_bytes
        async with self._http.stream("GET", path, params=params) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise ResponseTooLargeError(_too_large(int(declared), cap))
            chunks: list[bytes] = []
            total = 0
            async for chunk in response.aiter_bytes():
                total += len(chunk)
                if total > cap:
                    raise ResponseTooLargeError(_too_large(total, cap))
                chunks.append(chunk)
            return _Reply(response.status_code, b"".join(chunks), response.headers)

    async def _without_secrets(self, reply: _Reply) -> _Reply:
        """The reply with secrets the server echoed replaced, in every spelling, before anything decodes it; for
        a big body in a thread. Error replies need none of this: their texts are scrubbed when raised."""
        if not self._scrubber:
            return reply
        if len(reply.body) > PARSE_IN_THREAD_BYTES:
            body = await asyncio.to_thread(self._scrubber.bytes, reply.body)
        else:
            body = self._scrubber.bytes(reply.body)
        return _Reply(reply.status, body, reply.headers)

    def _retry_delay(self, retries: int, headers: httpx.Headers | None) -> float:
        """Retry-After (or retry-after-ms) when the server gives a sane one, else backoff with jitter."""
        hinted = _retry_after_seconds(headers) if headers is not None else None
        if hinted is not None:
            return hinted
        base = min(self.settings.retry_initial_delay * (2**retries), self.settings.retry_max_delay)
        return float(base * (1 - 0.25 * random.random()))


def _retry_after_seconds(headers: httpx.Headers) -> float | None:
    seconds: float | None = None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            seconds = float(ms) / 1000
        except ValueError:
            seconds = None
    if seconds is None and (value := headers.get("retry-after")) is not None:
        try:
            seconds = float(value)
        except ValueError:
            when = email.utils.parsedate_to_datetime(value) if value.strip() else None
            seconds = when.timestamp() - time.time() if when is not None else None
    if seconds is None or not seconds >= 0:
        return None
    return seconds


def _secrets_of(settings: ClientSettings) -> list[str]:
    found = [settings.api_key or ""]
    with contextlib.suppress(ValueError):
        found.append(urlsplit(settings.base_url).password or "")
    return found


def _transport_error(exc: httpx.HTTPError, base_url: str) -> RizaError:
    reason = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return ConnectionFailedError(
            f"could not connect to {base_url}: {reason}", hint="check RIZA_BASE_URL or --base-url"
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return ConnectionFailedError(f"the server closed the connection before the response was complete: {reason}")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return RizaError(
            f"bad base URL {base_url!r}: {reason}", hint="RIZA_BASE_URL must look like https://api.riza.io"
        )
    return ConnectionFailedError(f"network error talking to {base_url}: {reason}")


def _too_large(size: int, cap: int) -> str:
    return f"the response is over {cap:,} bytes (got {size:,}); refusing to read more"


def _text(body: bytes, limit: int | None = None) -> str:
    return (body if limit is None else body[:limit]).decode("utf-8", errors="replace")


def _loads_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


class _TooDeep(Exception):
    """The body nests deeper than the parser can go."""


def _cut_deep(text: str, depth: int) -> str:
    """``text`` with every array or object below ``depth`` replaced by a string saying so, so that the
    execution's summary and shallow parts can be read. One pass over the structural characters, no recursion."""
    note = json.dumps(f"… nested deeper than {depth:,} levels: cut here (j shows the body as received)")
    pieces: list[str] = []
    kept_from = level = position = 0
    cut_from = -1
    while (match := STRUCTURAL.search(text, position)) is not None:
        char, position = match.group(), match.end()
        if char == '"':
            position = _string_end(text, position)
            if position < 0:
                return text  # an unterminated string: the parser will say so
        elif char in "[{":
            level += 1
            if level == depth + 1:
                cut_from = match.start()
        else:
            if level == depth + 1:
                pieces += [text[kept_from:cut_from], note]
                kept_from = position
            level -= 1
    pieces.append(text[kept_from:])
    return "".join(pieces)


def _string_end(text: str, start: int) -> int:
    """The index just after the quote that closes the string opened before ``start``, or -1."""
    end = start
    while (end := text.find('"', end)) != -1:
        backslash = end - 1
        while backslash >= start and text[backslash] == "\\":
            backslash -= 1
        if (end - 1 - backslash) % 2 == 0:
            return end + 1
        end += 1
    return -1


async def _parse(model: type[ModelT], body: bytes) -> tuple[dict[str, Any], ModelT]:
    """Decode and validate a body; a big one in a thread, so the event loop keeps drawing and answering keys."""
    if len(body) > PARSE_IN_THREAD_BYTES:
        return await asyncio.to_thread(_parse_now, model, body)
    return _parse_now(model, body)


def _parse_now(model: type[ModelT], body: bytes) -> tuple[dict[str, Any], ModelT]:
    try:
        parsed = json.loads(body)
    except RecursionError:  # json.loads gives up at the interpreter's recursion limit: see deep_json
        raise _TooDeep from None
    except ValueError as exc:
        preview = _text(body, 200).strip() or "an empty body"
        raise InvalidResponseError(
            f"the server did not send JSON ({exc}); it began: {preview}",
            raw=_text(body),
            hint="is RIZA_BASE_URL an executions API server?",
        ) from None
    if not isinstance(parsed, dict):
        raise InvalidResponseError("the body is JSON but not an object", raw=_text(body))
    return parsed, _validate(model, parsed, body)


def _validate(model: type[ModelT], parsed: Any, body: bytes) -> ModelT:
    try:
        return model.model_validate(parsed)
    except ValidationError as exc:
        problems = [f"{field_path(err['loc'])}: {err['msg']}" for err in exc.errors()]
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise InvalidResponseError(
            f"the response does not match the API schema: {shown}",
            raw=_text(body),
            fields=[problem.split(":", 1)[0] for problem in problems],
        ) from None
