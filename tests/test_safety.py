"""Sanitising and masking: what reaches a terminal, and what stays hidden."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from riza_tui.safety.mask import MASK, mask_execution
from riza_tui.safety.sanitize import UNSAFE_CHARS, safe_ansi_line, safe_text, sanitize, split_lines

HOSTILE = [
    "\x1b]0;pwned\x07",
    "\x1b]52;c;ZWNobyBoaQ==\x07",
    "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
    "\x1bP+q544e\x1b\\",
    "\x9b31m",
    "\x1b[2J\x1b[H",
    "\x1b[?1049h",
    "abc\u202egnp.exe",
    "\x00\x08\x7f\x85",
    "\u2066isolate\u2069\u2028",
    "lone \ud800 surrogate from a JSON escape",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_sanitize_leaves_no_control_characters(payload: str) -> None:
    cleaned = sanitize(payload)
    assert UNSAFE_CHARS.search(cleaned) is None
    assert "\x1b" not in cleaned
    assert "\\x1b" in cleaned or "\\u" in cleaned or "\\x" in cleaned


def test_sanitize_keeps_newlines_tabs_and_text() -> None:
    assert sanitize("a\tb\nc ünïcödé 日本") == "a\tb\nc ünïcödé 日本"
    assert sanitize("\x1b[31mred") == "\\x1b[31mred"
    assert sanitize("\u202e") == "\\u202e"
    assert sanitize("a\udc80b") == "a\\udc80b", "a lone surrogate cannot be written to a terminal"


def test_safe_text_is_never_markup() -> None:
    text = safe_text("[@click=app.quit]click me[/] [bold]x[/bold]")
    assert text.plain == "[@click=app.quit]click me[/] [bold]x[/bold]"
    assert not text.spans


@pytest.mark.parametrize("payload", HOSTILE)
def test_ansi_lines_keep_only_sgr(payload: str) -> None:
    text = safe_ansi_line("\x1b[31mred\x1b[0m " + payload)
    assert UNSAFE_CHARS.search(text.plain) is None
    assert text.plain.startswith("red ")
    assert (text.spans[0].start, text.spans[0].end, str(text.spans[0].style)) == (0, 3, "color(1)")


def test_split_lines_treats_crlf_as_one_newline_and_keeps_lone_cr() -> None:
    assert split_lines("a\r\nb\rc\n") == ["a", "b\rc", ""]
    assert split_lines("one\u2028two") == ["one\u2028two"]


def _script(env: dict[str, str], auth: dict[str, object]) -> dict[str, object]:
    return {
        "id": "e",
        "details": {
            "type": "script",
            "request": {"code": "x", "env": env, "http": {"allow": [{"host": "api.example.com", "auth": auth}]}},
            "response": {"stdout": "token=visible-in-output", "stderr": ""},
        },
    }


def test_masks_env_values_and_every_auth_secret() -> None:
    raw = _script(
        {"API_TOKEN": "tok_123", "EMPTY": ""},
        {
            "bearer": {"token": "bearer-secret"},
            "basic": {"user_id": "svc", "password": "pw-secret"},
            "header": {"name": "X-Api-Key", "value": "hdr-secret"},
            "query": {"key": "appid", "value": "q-secret"},
        },
    )
    original = copy.deepcopy(raw)
    masked, count = mask_execution(raw)
    assert raw == original, "masking works on a copy"
    text = repr(masked)
    for secret in ("tok_123", "bearer-secret", "pw-secret", "hdr-secret", "q-secret"):
        assert secret not in text
    for visible in ("API_TOKEN", "svc", "X-Api-Key", "appid", "api.example.com", "token=visible-in-output"):
        assert visible in text
    assert count == 5
    assert masked["details"]["request"]["env"]["EMPTY"] == ""


def test_a_request_secret_the_program_printed_is_masked_where_it_printed_it() -> None:
    raw: Any = _script({"DB_PASSWORD": "hunter2-long-secret", "REGION": "eu"}, {})
    raw["details"]["response"] = {"stdout": "pw=hunter2-long-secret\nin eu\n", "stderr": "", "exit_code": 0}
    masked, count = mask_execution(raw)
    assert masked["details"]["response"]["stdout"] == f"pw={MASK}\nin eu\n", "short values (eu) stay readable"
    assert raw["details"]["response"]["stdout"].startswith("pw=hunter2"), "on a copy"
    assert count == 3
    quiet: Any = _script({"DB_PASSWORD": "hunter2-long-secret"}, {})
    quiet["details"]["response"] = {"stdout": "nothing to see\n" * 1000}
    assert mask_execution(quiet)[0]["details"]["response"] is quiet["details"]["response"], "shared, not copied"


def test_masks_tool_env_values_but_keeps_secret_ids() -> None:
    raw = {
        "id": "e",
        "details": {
            "type": "tool",
            "tool_id": "tool_1",
            "request": {
                "env": [{"name": "KEY", "secret_id": "sec_1"}, {"name": "PW", "value": "hunter2"}],
                "http": {"allow": [{"host": "h", "auth": {"bearer": {"secret_id": "sec_2"}}}]},
            },
            "response": {},
        },
    }
    masked, count = mask_execution(raw)
    env = masked["details"]["request"]["env"]
    assert env == [{"name": "KEY", "secret_id": "sec_1"}, {"name": "PW", "value": MASK}]
    assert masked["details"]["request"]["http"]["allow"][0]["auth"]["bearer"] == {"secret_id": "sec_2"}
    assert count == 1


def test_masks_secret_looking_fields_of_unknown_types_outside_the_response() -> None:
    raw = {
        "id": "e",
        "details": {
            "type": "workflow",
            "config": {"env": {"T": "s1"}, "password": "s2"},
            "response": {"password": "shown"},
        },
    }
    masked, count = mask_execution(raw)
    assert masked["details"]["config"] == {"env": {"T": MASK}, "password": MASK}
    assert masked["details"]["response"] == {"password": "shown"}
    assert count == 2


def test_nothing_to_mask_without_details() -> None:
    assert mask_execution({"id": "e"}) == ({"id": "e"}, 0)
