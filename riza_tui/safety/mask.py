"""Mask secrets in an execution's request: env values, bearer tokens, passwords, header and query values.

Masking works on the JSON as the server sent it, so the structured views, the raw view and
``show --json`` all hide the same things. Names, hosts, user ids, query keys and ``secret_id``
references stay visible: they say *which* secret was used without giving it away.
"""

from __future__ import annotations

import json
import re
from typing import Any

from riza_tui.api.json_text import copy_tree, pretty_json

MASK = "••••••••"
SECRET_KEYS = frozenset({"token", "password", "api_key", "apikey", "secret", "authorization", "client_secret"})
AUTH_SECRET_KEYS = frozenset({"token", "password", "value"})


def mask_execution(raw: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A masked copy of an execution's JSON, and how many values were masked.

    Only the request side is copied (the response, which may be 50 MB, holds nothing masked and is shared),
    and copying and walking use explicit stacks: a request may nest thousands of levels deep.
    """
    details = raw.get("details")
    if not isinstance(details, dict):
        return dict(raw), 0
    masked_details = {key: value if key == "response" else copy_tree(value) for key, value in details.items()}
    counter = [0]
    if isinstance(masked_details.get("request"), dict):
        _walk(masked_details["request"], counter)
    else:
        for key, value in masked_details.items():
            if key != "response":
                _walk(value, counter)
    return {**raw, "details": masked_details}, counter[0]


def _hide(value: Any, counter: list[int]) -> Any:
    if isinstance(value, str) and value:
        counter[0] += 1
        return MASK
    return value


def _walk(root: Any, counter: list[int]) -> None:
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key == "env":
                _mask_env(value, counter)
            elif key == "auth" and isinstance(value, dict):
                _mask_auth(value, counter)
            elif isinstance(key, str) and key.lower() in SECRET_KEYS:
                node[key] = _hide(value, counter)
            else:
                stack.append(value)


def _mask_env(env: Any, counter: list[int]) -> None:
    if isinstance(env, dict):
        for name in env:
            env[name] = _hide(env[name], counter)
    elif isinstance(env, list):
        for item in env:
            if isinstance(item, dict) and "value" in item:
                item["value"] = _hide(item["value"], counter)


def _mask_auth(auth: dict[str, Any], counter: list[int]) -> None:
    for scheme in auth.values():
        if isinstance(scheme, dict):
            for key in scheme:
                if key in AUTH_SECRET_KEYS or key.lower() in SECRET_KEYS:
                    scheme[key] = _hide(scheme[key], counter)


# A body that is not an execution (schema-invalid, truncated, not JSON) is masked by a tolerant scan: the
# string value of any key that names a secret, every value inside an "env" object, and bearer tokens.
_QUOTED = r'"((?:[^"\\]|\\.)*)'
SECRET_VALUE = re.compile(
    r'("(?:value|token|password|authorization|api_key|apikey|secret|client_secret)"\s*:\s*)' + _QUOTED + '"?',
    re.IGNORECASE,
)
ENV_OBJECT = re.compile(r'"env"\s*:\s*\{([^{}]*)\}?')
ENV_VALUE = re.compile(r'("(?:[^"\\]|\\.)*"\s*:\s*)' + _QUOTED + '"?')
BEARER = re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{4,}")


def mask_body_text(text: str) -> tuple[str, int]:
    """``text`` (any body, JSON or not, whole or cut short) with secret-looking values masked, and how many.

    JSON that parses as an object is masked like an execution; anything else is scanned tolerantly.
    """
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict):
        return _scan(text)
    masked, count = mask_execution(parsed)
    rescanned, more = _scan(pretty_json(masked))  # secrets outside the request: an error body's echo, say
    return rescanned, count + more


def _scan(text: str) -> tuple[str, int]:
    count = 0

    def hide_value(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(2) in ("", MASK):
            return match.group(0)
        count += 1
        return f'{match.group(1)}"{MASK}"'

    def hide_env(match: re.Match[str]) -> str:
        return match.group(0).replace(match.group(1), ENV_VALUE.sub(hide_value, match.group(1)))

    def hide_token(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"{match.group(1)}{match.group(2)}{MASK}"

    text = ENV_OBJECT.sub(hide_env, text)
    text = SECRET_VALUE.sub(hide_value, text)
    return BEARER.sub(hide_token, text), count
