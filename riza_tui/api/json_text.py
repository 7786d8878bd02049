"""How deep JSON may nest before the program gives up on it: where Python's own parser stops.

Output nesting a few hundred levels is valid data. ``json.loads`` recurses in C and stops at the
interpreter's recursion limit (1,000 by default, and less inside a call stack); raising the limit to
``JSON_RECURSION_LIMIT`` lets it read ~10,000 levels (measured: 19,000 levels parse in a worker thread
with its default 8 MiB stack). Deeper than that is a recursion bomb, refused by the parser itself.
Everything after parsing that walks the value is iterative or bounded, so nothing else recurses deeper.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from typing import Any

JSON_RECURSION_LIMIT = 12_000
INDENTED_LEVELS = 40  # deeper values are printed on one line: indenting them grows the text quadratically


def allow_deep_json() -> None:
    """Raise the interpreter's recursion limit to ``JSON_RECURSION_LIMIT`` (never lower it)."""
    if sys.getrecursionlimit() < JSON_RECURSION_LIMIT:
        sys.setrecursionlimit(JSON_RECURSION_LIMIT)


# Every module that parses or prints JSON imports this one, so the limit is in force before any of them runs.
allow_deep_json()


def nests_deeper_than(value: object, limit: int) -> bool:
    """Whether lists and objects nest more than ``limit`` levels, counted without recursion."""
    stack: list[tuple[dict[Any, Any] | list[Any], int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def copy_tree(value: Any, leaf: Callable[[Any], Any] = lambda item: item) -> Any:
    """A deep copy of JSON lists and objects, without recursion; ``leaf`` maps every other value."""
    root = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        container, key = stack.pop()
        item = container[key]
        if isinstance(item, dict):
            container[key] = copied = dict(item)
            stack.extend((copied, name) for name in copied)
        elif isinstance(item, list):
            container[key] = copied_list = list(item)
            stack.extend((copied_list, index) for index in range(len(copied_list)))
        else:
            container[key] = leaf(item)
    return root[0]


def pretty_json(value: Any, *, ascii_only: bool = False) -> str:
    """Indented JSON that is always strict (NaN and Infinity become strings) and stays linear in size for
    values nested thousands deep: levels past ``INDENTED_LEVELS`` are written on one line."""
    try:
        if not nests_deeper_than(value, INDENTED_LEVELS):
            return json.dumps(value, indent=2, ensure_ascii=ascii_only, default=str, allow_nan=False)
        return "".join(_indented(value, 0, ascii_only))
    except ValueError:  # a non-finite float somewhere: write it as a string, the way it was meant
        return pretty_json(_finite(value), ascii_only=ascii_only)


def _indented(value: Any, level: int, ascii_only: bool) -> list[str]:
    if level >= INDENTED_LEVELS or not isinstance(value, dict | list) or not value:
        return [json.dumps(value, ensure_ascii=ascii_only, default=str, allow_nan=False)]
    inner, outer = "\n" + "  " * (level + 1), "\n" + "  " * level
    out = ["{" if isinstance(value, dict) else "["]
    items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
    for index, (key, item) in enumerate(items):
        out.append(("," if index else "") + inner)
        if key is not None:
            out.append(json.dumps(str(key), ensure_ascii=ascii_only) + ": ")
        out += _indented(item, level + 1, ascii_only)
    out.append(outer + ("}" if isinstance(value, dict) else "]"))
    return out


def _finite(value: Any) -> Any:
    """A copy with NaN and the infinities as the strings JSON's non-standard extension spells them."""

    def spelled(item: Any) -> Any:
        if isinstance(item, float) and not math.isfinite(item):
            return "NaN" if math.isnan(item) else ("Infinity" if item > 0 else "-Infinity")
        return item

    return copy_tree(value, spelled)
