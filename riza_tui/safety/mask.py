"""Mask secrets in an execution's request: env values, bearer tokens, passwords, header and query values.

Masking works on the JSON as the server sent it, so the structured views, the raw view and
``show --json`` all hide the same things. Names, hosts, user ids, query keys and ``secret_id``
references stay visible: they say *which* secret was used without giving it away.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from riza_tui.api.json_text import copy_tree, pretty_json

MASK = "••••••••"
SECRET_KEYS = frozenset({"token", "password", "api_key", "apikey", "secret", "authorization", "client_secret"})
AUTH_SECRET_KEYS = frozenset({"token", "password", "value"})
ECHO_MIN = 8  # a request secret this long is masked where the program printed it too (shorter ones: "1", "true")


def mask_execution(raw: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A masked copy of an execution's JSON, and how many values were masked.

    Only the request side is copied, and copying and walking use explicit stacks: a request may nest thousands
    of levels deep. The response (which may be 50 MB) is shared, unless the program echoed one of the request's
    secrets (``print(os.environ["DB_PASSWORD"])``): those are masked in it too, or the archive would keep them.
    """
    details = raw.get("details")
    if not isinstance(details, dict):
        return dict(raw), 0
    masked_details = {key: value if key == "response" else copy_tree(value) for key, value in details.items()}
    masking = _Masking()
    if isinstance(masked_details.get("request"), dict):
        _walk(masked_details["request"], masking)
    else:
        for key, value in masked_details.items():
            if key != "response":
                _walk(value, masking)
    echoed = sorted({value for value in masking.values if len(value) >= ECHO_MIN}, key=len, reverse=True)
    if echoed and "response" in masked_details:
        masked_details["response"] = _mask_echoes(masked_details["response"], echoed, masking)
    return {**raw, "details": masked_details}, masking.count


@dataclass
class _Masking:
    """What masking a request found: how many values, and which (to mask where the program printed them)."""

    count: int = 0
    values: list[str] = field(default_factory=list)


def _mask_echoes(response: Any, secrets: list[str], masking: _Masking) -> Any:
    """The response with every secret of the request masked where it appears (copied only when one does)."""

    def leaf(value: Any) -> Any:
        if not isinstance(value, str) or not any(secret in value for secret in secrets):
            return value
        for secret in secrets:
            masking.count += value.count(secret)
            value = value.replace(secret, MASK)
        return value

    if isinstance(response, str):
        return leaf(response)
    if not _holds_any(response, secrets):
        return response
    return copy_tree(response, leaf)


def _holds_any(root: Any, secrets: list[str]) -> bool:
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and any(secret in node for secret in secrets):
            return True
    return False


def _hide(value: Any, masking: _Masking) -> Any:
    if isinstance(value, str) and value:
        masking.count += 1
        masking.values.append(value)
        return MASK
    return value


def _walk(root: Any, masking: _Masking) -> None:
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
                _mask_env(value, masking)
            elif key == "auth" and isinstance(value, dict):
                _mask_auth(value, masking)
            elif isinstance(key, str) and key.lower() in SECRET_KEYS:
                node[key] = _hide(value, masking)
            else:
                stack.append(value)


def _mask_env(env: Any, masking: _Masking) -> None:
    if isinstance(env, dict):
        for name in env:
            env[name] = _hide(env[name], masking)
    elif isinstance(env, list):
        for item in env:
            if isinstance(item, dict) and "value" in item:
                item["value"] = _hide(item["value"], masking)


def _mask_auth(auth: dict[str, Any], masking: _Masking) -> None:
    for scheme in auth.values():
        if isinstance(scheme, dict):
            for key in scheme:
                if key in AUTH_SECRET_KEYS or key.lower() in SECRET_KEYS:
                    scheme[key] = _hide(scheme[key], masking)


# A body that is not an execution (schema-invalid, cut short, not JSON at all, or a message quoting one) is read
# by a tolerant lexer rather than a parser: it follows strings (escapes included, an unterminated last one too),
# objects and arrays, so it knows under which key each string value sits however the text is laid out
# (pretty-printed JSON puts a value on the line after its key) or wherever it stops. Masked are: every value of
# an ``env`` object, the value of any key that names a secret (``value`` included: env lists, header and query
# auth), and in any text, bearer and basic credentials, a URL's password and secret-looking query parameters.
SCANNED_KEYS = SECRET_KEYS | AUTH_SECRET_KEYS
# A string (unrolled so a long one is one fast run; an unterminated last one too) or a bracket. Commas and
# colons need not be seen: a string followed by a colon is a key, any other one a value.
JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[{}\[\]]', re.DOTALL)
COLON_NEXT = re.compile(r"\s*:")
# Each starts with a literal or a small set (no IGNORECASE, no leading \b), so the regex engine skips ahead fast:
# with those, 16 MB takes ~0.2 s instead of ~1 s.
CREDENTIALS = (
    re.compile(r"(?:[Bb](?:earer|EARER)|[Bb](?:asic|ASIC))[ \t\r\n]+(?P<secret>[A-Za-z0-9._~+/=-]{4,})"),
    re.compile(r"://[^\s/:@\"']+:(?P<secret>[^\s/@\"']+)@"),
    re.compile(
        r"[?&;](?:access_|refresh_|id_|auth_)?(?:token|password|passwd|secret|client_secret|api_?key|apikey|sig"
        r"|signature)=(?P<secret>[^&\s\"'<>#]+)",
        re.IGNORECASE,
    ),
)


@dataclass
class _Container:
    """An object or array the lexer is inside: the key it sits under (an array's elements inherit it)."""

    is_object: bool
    name: str
    in_array: bool
    key: str = ""


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


def mask_text(text: str) -> str:
    """Any text (an error message quoting a body, a server's words) with secret-looking values masked."""
    return _scan(text)[0]


def _scan(text: str) -> tuple[str, int]:
    pieces: list[str] = []
    kept_from = count = 0
    stack: list[_Container] = []
    for match in JSON_TOKEN.finditer(text):
        token = match.group()
        top = stack[-1] if stack else None
        if token[0] == '"':
            if top is None:
                continue
            if top.is_object and COLON_NEXT.match(text, match.end()):
                top.key = _key_text(token)
            elif _holds_secret(top) and token not in ('"', '""', f'"{MASK}"'):
                pieces += [text[kept_from : match.start()], f'"{MASK}"']
                kept_from = match.end()
                count += 1
        elif token in "{[":
            name = (top.key if top.is_object else top.name) if top else ""
            stack.append(_Container(token == "{", name, top is not None and not top.is_object))
        elif stack:
            stack.pop()
    pieces.append(text[kept_from:])
    text, found = _mask_credentials("".join(pieces))
    return text, count + found


def _key_text(token: str) -> str:
    try:
        key = json.loads(token if len(token) > 1 and token.endswith('"') else token + '"')
    except ValueError:
        key = token.strip('"')
    return str(key)


def _holds_secret(container: _Container) -> bool:
    """Whether a string value here is secret: any value of an ``env`` object, or under a key naming a secret."""
    if not container.is_object:
        return container.name.lower() in SCANNED_KEYS
    if container.name == "env" and not container.in_array:
        return True
    return container.key.lower() in SCANNED_KEYS


def _mask_credentials(text: str) -> tuple[str, int]:
    """Bearer and basic credentials, a URL's password and secret-looking query values, masked in any text."""
    count = 0

    def hide(match: re.Match[str]) -> str:
        nonlocal count
        if match.group("secret") == MASK:
            return match.group()
        count += 1
        start, end = match.span("secret")
        whole = match.group()
        return whole[: start - match.start()] + MASK + whole[end - match.start() :]

    for pattern in CREDENTIALS:
        text = pattern.sub(hide, text)
    return text, count
