"""The client against the embedded server over real loopback sockets."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import (
    ApiStatusError,
    AuthenticationError,
    ConnectionFailedError,
    InvalidIdError,
    InvalidResponseError,
    NotFoundError,
    RateLimitedError,
    ResponseTooLargeError,
    TimeoutFailedError,
)
from riza_tui.api.models import FunctionDetails, ScriptDetails, ToolDetails, UnknownDetails
from riza_tui.api.settings import ClientSettings
from riza_tui.server.data import ServerData
from tests.conftest import find, of_type
from tests.loopback import Fault, ScriptedServer

EXEC_PATH = "/v1/executions/"


@pytest.mark.parametrize(
    ("kind", "model"), [("script", ScriptDetails), ("function", FunctionDetails), ("tool", ToolDetails)]
)
async def test_retrieves_every_details_type(client: RizaClient, store: ServerData, kind: str, model: type) -> None:
    record = find(store, of_type(kind))
    fetched = await client.retrieve(record["id"])
    assert isinstance(fetched.execution.details, model)
    assert fetched.raw == record
    assert fetched.execution.result is not None
    assert fetched.execution.result.stdout == (
        record["details"]["response"]["stdout"]
        if kind == "script"
        else record["details"]["response"]["execution"]["stdout"]
    )


async def test_unknown_type_and_missing_details_are_kept_not_rejected(client: RizaClient, store: ServerData) -> None:
    future = await client.retrieve(find(store, of_type("workflow"))["id"])
    assert isinstance(future.execution.details, UnknownDetails)
    assert future.execution.kind == "workflow"
    assert future.execution.details.model_extra is not None
    assert future.execution.details.model_extra["workflow_id"].startswith("wf_")
    assert future.execution.model_extra == {"region": "eu-west-1"}
    bare = await client.retrieve(find(store, lambda record: "details" not in record)["id"])
    assert bare.execution.details is None and bare.execution.kind == ""


async def test_sends_bearer_key_and_user_agent(client: RizaClient, server: ScriptedServer, store: ServerData) -> None:
    await client.retrieve(store.records[0]["id"])
    sent = server.requests[-1]
    assert sent.headers["authorization"] == "Bearer test-key"
    assert sent.headers["user-agent"].startswith("riza-tui/")


async def test_pages_through_everything_newest_first(
    client: RizaClient, server: ScriptedServer, store: ServerData
) -> None:
    seen = [execution.id async for execution in client.iter_executions(page_size=7)]
    assert seen == [record["id"] for record in store.records]
    pages = -(-len(store) // 7)
    assert len(server.requests) == pages + 1  # the last request gets the empty page that ends it
    assert f"starting_after={seen[6]}" in server.requests[1].raw_path
    assert "limit=7" in server.requests[0].raw_path


async def test_list_pages_omit_details_and_filter_failures(client: RizaClient, store: ServerData) -> None:
    page = await client.list_executions(limit=5)
    assert [item.id for item in page.data] == [record["id"] for record in store.records[:5]]
    assert all(item.details is None for item in page.data)
    failures = [execution async for execution in client.iter_executions(only_failures=True)]
    expected = [record["id"] for record in store.records if record["exit_code"] != 0]
    assert [item.id for item in failures] == expected
    assert len(expected) > 10


async def test_wrong_key_is_unauthenticated_with_hint(
    make_client: Callable[..., RizaClient], store: ServerData
) -> None:
    async with make_client(api_key="wrong") as bad:
        with pytest.raises(AuthenticationError) as caught:
            await bad.retrieve(store.records[0]["id"])
    assert caught.value.status == 401 and caught.value.code == 16
    assert caught.value.server_message == "unauthenticated"
    assert "RIZA_API_KEY" in caught.value.hint


async def test_unknown_id_is_not_found(client: RizaClient, server: ScriptedServer) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.retrieve("exec_missing")
    assert (caught.value.code, caught.value.server_message) == (5, "execution not found")
    assert len(server.requests) == 1, "a 404 is not retried"


async def test_retries_503_then_succeeds(client: RizaClient, server: ScriptedServer, store: ServerData) -> None:
    server.add_fault(Fault(503, b'{"code":14,"message":"unavailable"}'), Fault(503, b"upstream down"))
    fetched = await client.retrieve(store.records[0]["id"])
    assert fetched.execution.id == store.records[0]["id"]
    assert len(server.requests) == 3


async def test_gives_up_after_two_retries(client: RizaClient, server: ScriptedServer, store: ServerData) -> None:
    server.add_fault(*[Fault(503, b'{"code":14,"message":"unavailable"}') for _ in range(3)])
    with pytest.raises(ApiStatusError) as caught:
        await client.retrieve(store.records[0]["id"])
    assert caught.value.status == 503 and caught.value.server_message == "unavailable"
    assert len(server.requests) == 3


async def test_429_honours_retry_after(settings: ClientSettings, server: ScriptedServer, store: ServerData) -> None:
    waited: list[float] = []

    async def record_wait(seconds: float) -> None:
        waited.append(seconds)

    server.add_fault(Fault(429, b'{"code":8,"message":"slow down"}', headers={"Retry-After": "2.5"}))
    async with RizaClient(settings, sleep=record_wait) as client:
        await client.retrieve(store.records[0]["id"])
    assert waited == [2.5], "the client waited what the server asked, not its own backoff"
    assert len(server.requests) == 2


async def test_429_every_time_is_rate_limited(client: RizaClient, server: ScriptedServer) -> None:
    server.add_fault(*[Fault(429, b'{"code":8,"message":"slow down"}', headers={"Retry-After": "0"}) for _ in range(3)])
    with pytest.raises(RateLimitedError):
        await client.list_executions()


async def test_other_4xx_is_not_retried(client: RizaClient, server: ScriptedServer) -> None:
    with pytest.raises(ApiStatusError) as caught:
        await client.list_executions(limit=500)
    assert caught.value.status == 400 and "limit" in str(caught.value)
    assert len(server.requests) == 1


async def test_timeout_is_a_clear_error(make_client: Callable[..., RizaClient], server: ScriptedServer) -> None:
    server.hold("/v1/executions/exec_slow")
    async with make_client(timeout=0.05, max_retries=0) as impatient:
        with pytest.raises(TimeoutFailedError) as caught:
            await impatient.retrieve("exec_slow")
    assert "within 0.05 s" in str(caught.value)


async def test_non_json_body(client: RizaClient, server: ScriptedServer) -> None:
    server.add_fault(Fault(200, b"<html><body>Gateway says hi</body></html>"))
    with pytest.raises(InvalidResponseError) as caught:
        await client.retrieve("exec_any")
    assert "did not send JSON" in caught.value.message and "Gateway says hi" in caught.value.raw


async def test_non_json_error_body_keeps_the_text(client: RizaClient, server: ScriptedServer) -> None:
    server.add_fault(Fault(403, b"Forbidden by proxy"))
    with pytest.raises(ApiStatusError) as caught:
        await client.retrieve("exec_any")
    assert str(caught.value).startswith("HTTP 403: Forbidden by proxy")


async def test_truncated_body(
    make_client: Callable[..., RizaClient], server: ScriptedServer, store: ServerData
) -> None:
    body = store.body(store.records[0]["id"])
    assert body is not None
    server.add_fault(Fault(200, body, truncate_to=len(body) // 2))
    async with make_client(max_retries=0) as riza:
        with pytest.raises(ConnectionFailedError) as caught:
            await riza.retrieve(store.records[0]["id"])
    assert "before the response was complete" in str(caught.value)


async def test_schema_invalid_body_names_fields(client: RizaClient, server: ScriptedServer) -> None:
    body = b'{"id": "exec_1", "language": "python", "duration": "slow", "started_at": "2026-01-01T00:00:00Z"}'
    server.add_fault(Fault(200, body))
    with pytest.raises(InvalidResponseError) as caught:
        await client.retrieve("exec_1")
    assert "duration" in caught.value.fields and "exit_code" in caught.value.fields
    assert caught.value.raw == body.decode()


async def test_details_errors_name_the_path_without_union_tags(client: RizaClient, server: ScriptedServer) -> None:
    body = (
        b'{"id":"e","language":"python","duration":1,"exit_code":0,"started_at":"x",'
        b'"details":{"type":"script","request":{"language":"python","code":"1"},"response":{"id":"e"}}}'
    )
    server.add_fault(Fault(200, body))
    with pytest.raises(InvalidResponseError) as caught:
        await client.retrieve("e")
    assert "details.response.stdout" in caught.value.fields


@pytest.mark.parametrize(
    ("hostile", "sent"),
    [
        ("../secrets", "..%2Fsecrets"),
        ("a/b", "a%2Fb"),
        ("abc?x=1", "abc%3Fx%3D1"),
        ("abc#f", "abc%23f"),
        ("abc\r\nX-Injected: 1", "abc%0D%0AX-Injected%3A%201"),
        ("%2e%2e", "%252e%252e"),
        ("  exec_pasted \n", "exec_pasted"),
    ],
)
async def test_hostile_ids_stay_one_segment(
    client: RizaClient, server: ScriptedServer, hostile: str, sent: str
) -> None:
    with pytest.raises(NotFoundError):
        await client.retrieve(hostile)
    assert server.requests[-1].raw_path == EXEC_PATH + sent


@pytest.mark.parametrize("refused", ["", "   ", ".", "..", " .. ", "x" * 2000, "exec_\ud800"])
async def test_ids_that_cannot_be_one_segment_are_refused_unsent(
    client: RizaClient, server: ScriptedServer, refused: str
) -> None:
    with pytest.raises(InvalidIdError):
        await client.retrieve(refused)
    assert server.requests == []


async def test_response_size_cap(make_client: Callable[..., RizaClient], store: ServerData) -> None:
    big = find(store, lambda record: len(str(record)) > 1_000_000)
    async with make_client(max_response_bytes=100_000) as capped:
        with pytest.raises(ResponseTooLargeError) as caught:
            await capped.retrieve(big["id"])
    assert "100,000" in str(caught.value)


async def test_connection_refused_points_at_base_url(make_client: Callable[..., RizaClient]) -> None:
    async with make_client(base_url="http://127.0.0.1:9", max_retries=1) as nowhere:
        with pytest.raises(ConnectionFailedError) as caught:
            await nowhere.retrieve("exec_1")
    assert "RIZA_BASE_URL" in caught.value.hint
