"""Mask secrets in an execution's request: env values, bearer tokens, passwords, header and query values.

Masking works on the JSON as the server sent it, so the structured views, the raw view and
``show --json`` all hide the same things. Names, hosts, user ids, query keys and ``secret_id``
references stay visible: they say *which* secret was used without giving it away.
"""

from __future__ import annotations

import copy
from typing import Any

MASK = "••••••••"
SECRET_KEYS = frozenset({"token", "password", "api_key", "apikey", "secret", "authorization", "client_secret"})
AUTH_SECRET_KEYS = frozenset({"token", "password", "value"})


def mask_execution(raw: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A masked deep copy of an execution's JSON, and how many values were masked."""
    masked = copy.deepcopy(raw)
    details = masked.get("details")
    if not isinstance(details, dict):
        return masked, 0
    counter = [0]
    if isinstance(details.get("request"), dict):
        _walk(details["request"], counter)
    else:
        for key, value in details.items():
            if key != "response":
                _walk(value, counter)
    return masked, counter[0]


def _hide(value: Any, counter: list[int]) -> Any:
    if isinstance(value, str) and value:
        counter[0] += 1
        return MASK
    return value


def _walk(node: Any, counter: list[int]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, counter)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "env":
            _mask_env(value, counter)
        elif key == "auth" and isinstance(value, dict):
            _mask_auth(value, counter)
        elif isinstance(key, str) and key.lower() in SECRET_KEYS:
            node[key] = _hide(value, counter)
        else:
            _walk(value, counter)


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
