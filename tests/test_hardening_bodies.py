"""A body that cannot be parsed is masked as tolerantly as one that parses, and so is every error text (issue 16).

A 200 whose JSON was cut short was shown "as received" (error panel, raw view, ``show``'s error line) with the
env values of its request in clear; a Status message quoting ``Bearer othertoken123`` was printed as is. Canary
secrets sit in every position a request can hold one; bodies are cut at every byte (the masking functions) and
after and inside every canary (the real ``show``, the error panel and the raw view against a loopback server).
"""

from __future__ import annotations

import asyncio
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Static

from riza_tui.api.errors import ApiStatusError, InvalidResponseError
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.listing import run_list
from riza_tui.cli.show import run_show
from riza_tui.safety.errors import masked_error, safe_error_message
from riza_tui.safety.mask import MASK, mask_body_text, mask_text
from riza_tui.tui.app import RizaApp
from riza_tui.tui.widgets.text_view import TextView
from tests.app_helpers import WIDE, body
from tests.conftest import settle
from tests.loopback import Fault, ScriptedServer

CANARIES = {
    "env object": "Zq1envobjK7",
    "bearer token": "Zq2bearerK7",
    "basic password": "Zq3basicK7",
    "header value": "Zq4headerK7",
    "query value": "Zq5queryK7",
    "env list": "Zq6envlistK7",
    "secret-looking key": "Zq7passwordK7",
    "api_key key": "Zq8apikeyK7",
}
VISIBLE = ["DB_PASSWORD", "api.example.com", "svc", "X-Api-Key", "appid", "sec_1", "JSON_CONFIG"]
# Values before the secrets that a pattern-matching scan trips on: braces, escaped quotes, a backslash at the end.
TRICKY = '{"retries": 3, "note": "a \\"quoted\\" }"} \\'


def _execution(execution_id: str, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": execution_id,
        "language": "python",
        "duration": 3,
        "exit_code": 1,
        "started_at": "2026-11-28T08:00:00Z",
        "details": details,
    }


def script_record() -> dict[str, Any]:
    auth = [
        ("api.example.com", {"bearer": {"token": CANARIES["bearer token"]}}),
        ("b.example.com", {"basic": {"user_id": "svc", "password": CANARIES["basic password"]}}),
        ("c.example.com", {"header": {"name": "X-Api-Key", "value": CANARIES["header value"]}}),
        ("d.example.com", {"query": {"key": "appid", "value": CANARIES["query value"]}}),
    ]
    request = {
        "language": "python",
        "code": "print(1)",
        "env": {"JSON_CONFIG": TRICKY, "DB_PASSWORD": CANARIES["env object"], "EMPTY": ""},
        "http": {"allow": [{"host": host, "auth": value} for host, value in auth]},
    }
    response = {"id": "exec_cut", "duration": 3, "exit_code": 1, "stdout": "", "stderr": "boom"}
    return _execution("exec_cut", {"type": "script", "request": request, "response": response})


def tool_record() -> dict[str, Any]:
    env = [
        {"name": "CFG", "value": TRICKY},
        {"name": "PW", "value": CANARIES["env list"]},
        {"name": "K", "secret_id": "sec_1"},
    ]
    request = {"env": env, "input": {"q": 1}}
    response = {"output": None, "execution": {"id": "exec_cut", "duration": 3, "exit_code": 1}}
    return _execution("exec_cut", {"type": "tool", "tool_id": "tool_1", "request": request, "response": response})


def unknown_record() -> dict[str, Any]:
    config = {"label": TRICKY, "password": CANARIES["secret-looking key"], "api_key": CANARIES["api_key key"]}
    return _execution("exec_cut", {"type": "workflow", "config": config, "response": {}})


def layouts(record: dict[str, Any]) -> dict[str, str]:
    """The same execution compact, pretty-printed, and with every value on the line after its key."""
    pretty = json.dumps(record, indent=2)
    split = re.sub(r'^(\s*"[^"]*"): ', r"\1:\n        ", pretty, flags=re.M)
    return {"compact": json.dumps(record), "pretty": pretty, "split": split}


RECORDS = {"script": script_record, "tool": tool_record, "unknown type": unknown_record}
BODIES = {f"{kind} {layout}": text for kind, make in RECORDS.items() for layout, text in layouts(make()).items()}


def canaries_in(text: str) -> list[str]:
    return [canary for canary in CANARIES.values() if canary in text]


def leaks(shown: str, body_text: str) -> list[str]:
    """Any canary of which the part that was sent (3 characters or more) is shown."""
    found = []
    for canary in CANARIES.values():
        start = body_text.find(canary)
        if start < 0:
            continue
        sent = canary[: len(body_text) - start]
        if len(sent) >= 3 and sent in shown:
            found.append(sent)
    return found


@pytest.mark.parametrize("text", BODIES.values(), ids=BODIES.keys())
def test_a_body_cut_at_any_byte_shows_no_secret(text: str) -> None:
    for cut in range(1, len(text) + 1):
        cut_text = text[:cut]
        masked, _count = mask_body_text(cut_text)
        assert not leaks(masked, cut_text), (cut, leaks(masked, cut_text), masked[-200:])
        quoted = mask_text(f"the server did not send JSON (Expecting value); it began: {cut_text[:200]}")
        assert not leaks(quoted, cut_text[:200]), (cut, quoted)


@pytest.mark.parametrize("text", BODIES.values(), ids=BODIES.keys())
def test_names_hosts_and_secret_ids_stay_visible(text: str) -> None:
    masked, count = mask_body_text(text[:-1])
    assert canaries_in(masked) == [] and count >= len(canaries_in(text))
    for visible in VISIBLE:
        if visible in text:
            assert visible in masked, visible


def cuts(text: str) -> list[int]:
    """Inside and just after each canary, and at the end (a body cut by its last byte)."""
    points = [len(text) - 1]
    for canary in canaries_in(text):
        start = text.index(canary)
        points += [start + len(canary) // 2, start + len(canary) + 1]
    return points


def show_cut(server: ScriptedServer, cut_text: str, *flags: str) -> str:
    server.add_fault(Fault(200, cut_text.encode(), path="/v1/executions/"))
    out, err = io.StringIO(), io.StringIO()
    settings = ClientSettings(api_key=server.api_key, base_url=server.url, max_retries=0)
    code = asyncio.run(
        run_show(settings, "exec_cut", as_json="--json" in flags, reveal_secrets=False, stdout=out, stderr=err)
    )
    assert code == 1 and len(err.getvalue().strip().splitlines()) == 1, err.getvalue()
    return out.getvalue() + err.getvalue()


@pytest.mark.parametrize("text", BODIES.values(), ids=BODIES.keys())
def test_show_of_a_cut_body_prints_no_secret(server: ScriptedServer, text: str) -> None:
    for cut in cuts(text):
        printed = show_cut(server, text[:cut])
        assert not leaks(printed, text[:cut]), (cut, printed)
        assert "did not send JSON" in printed


CUT_IN_APP = {
    "script pretty, inside the env value": (BODIES["script pretty"], CANARIES["env object"], 5),
    "tool compact, after the env list value": (BODIES["tool compact"], CANARIES["env list"], len("Zq6envlistK7") + 2),
    "unknown split, inside the password": (BODIES["unknown type split"], CANARIES["secret-looking key"], 4),
}


def error_message(app: RizaApp) -> str:
    return str(app.screen.query_one("#error-message", Static).render())


@pytest.mark.parametrize(("text", "canary", "offset"), CUT_IN_APP.values(), ids=CUT_IN_APP.keys())
async def test_the_error_panel_of_a_cut_body_shows_no_secret(
    make_app: Callable[..., RizaApp], server: ScriptedServer, text: str, canary: str, offset: int
) -> None:
    cut_text = text[: text.index(canary) + offset]
    server.add_fault(Fault(200, cut_text.encode(), path="/v1/executions/exec_cut"))
    app = make_app("exec_cut")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert body(app) == "error"
        shown = error_message(app) + "\n" + app.screen.query_one("#error-body", TextView).shown_text()
        assert not leaks(shown, cut_text), leaks(shown, cut_text)
        assert MASK in shown


async def test_the_raw_view_of_a_body_too_deep_to_parse_shows_no_secret(
    make_app: Callable[..., RizaApp], server: ScriptedServer
) -> None:
    """A body nesting past the parser's limit is shown in the raw view (j) as received, masked as text."""
    pretty = BODIES["script split"]
    deep_text = pretty.removesuffix("}") + ', "deep": ' + "[" * 20_000 + "]" * 20_000 + "}"
    server.add_fault(Fault(200, deep_text.encode(), path="/v1/executions/exec_cut"))
    app = make_app("exec_cut")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert body(app) == "raw"
        shown = app.screen.query_one("#raw", TextView).shown_text()
        assert "DB_PASSWORD" in shown and canaries_in(shown) == [], canaries_in(shown)


# --- the server's own words ---------------------------------------------------------------------------------

STATUS_BODIES = {
    "401 bearer": (401, {"code": 16, "message": "token rejected: Bearer othertoken123"}),
    "403 basic": (403, {"code": 7, "message": "Authorization: Basic b3RoZXJ0b2tlbjEyMw== denied"}),
    "500 query": (500, {"code": 2, "message": "upstream GET https://x.example/v1?api_key=othertoken123 failed"}),
    "500 url password": (500, {"code": 2, "message": "cannot reach https://ops:othertoken123@db.example"}),
    "404 JSON quote": (404, {"code": 5, "message": 'request {"password": "othertoken123"} not found'}),
}
HIDDEN = ("othertoken123", "b3RoZXJ0b2tlbjEyMw")


@pytest.mark.parametrize(("status", "status_body"), STATUS_BODIES.values(), ids=STATUS_BODIES.keys())
def test_a_status_message_is_masked_on_the_command_line(
    server: ScriptedServer, status: int, status_body: dict[str, Any]
) -> None:
    settings = ClientSettings(api_key=server.api_key, base_url=server.url, max_retries=0)
    raw = json.dumps(status_body).encode()
    server.add_fault(Fault(status, raw, path="/v1/executions/"))
    out, err = io.StringIO(), io.StringIO()
    asyncio.run(run_show(settings, "exec_1", as_json=False, reveal_secrets=False, stdout=out, stderr=err))
    server.add_fault(Fault(status, raw, path="/v1/executions"))
    asyncio.run(run_list(settings, streams=(out, err)))
    printed = out.getvalue() + err.getvalue()
    assert len(err.getvalue().strip().splitlines()) == 2 and MASK in printed, printed
    assert not any(hidden in printed for hidden in HIDDEN), printed


@pytest.mark.parametrize(("status", "status_body"), list(STATUS_BODIES.values())[:2], ids=list(STATUS_BODIES)[:2])
async def test_a_status_message_is_masked_on_the_error_panel(
    make_app: Callable[..., RizaApp], server: ScriptedServer, status: int, status_body: dict[str, Any]
) -> None:
    server.add_fault(Fault(status, json.dumps(status_body).encode(), path="/v1/executions/exec_x"))
    app = make_app("exec_x")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert body(app) == "error"
        message = error_message(app)
        assert "othertoken123" not in message and MASK in message, message


def test_safe_error_message_masks_every_text_of_an_error_in_one_line() -> None:
    error = ApiStatusError(401, server_message="bad\nBearer othertoken123\x1b]0;x", hint="Bearer hinttoken99")
    line = safe_error_message(error)
    assert "othertoken123" not in line and "hinttoken99" not in line and "\n" not in line and "\x1b" not in line
    shown = masked_error(error)
    assert "othertoken123" not in shown.server_message and "othertoken123" not in shown.message
    cut = InvalidResponseError('it began: {"env": {"DB_PASSWORD": "hunt', raw="")
    assert "hunt" not in safe_error_message(cut)
