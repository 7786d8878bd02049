"""Sizes as people write them in a config file or a flag (the archive's limit): ``500MB``, ``2GB``, bytes."""

from __future__ import annotations

import re

DEFAULT_MAX_BYTES = 1024**3
MIN_MAX_BYTES = 64 * 1024
UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)(?:i?b)?\s*", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes for ``text`` (units are powers of 1024: 1KB = 1024 bytes); ValueError saying what is wrong."""
    match = SIZE.fullmatch(text) if text.isascii() else None
    if match is None:
        raise ValueError(f"{text!r} is not a size such as 500MB or 2GB")
    size = int(float(match[1]) * UNITS[match[2].lower()])
    if size < MIN_MAX_BYTES:
        raise ValueError(f"{text!r} is too small: the archive needs at least 64KB")
    return size
