"""A key pressed on a real pty once a first marker is drawn, and the time to a second one (bench/incidents.py):
``time_in_pty`` in bench/common.py times one marker from the start; a screen reached by a key needs two."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from bench.common import pty_chunks, pty_command


@dataclass(frozen=True)
class KeyTiming:
    first: float  # process start to the first marker written
    second: float  # process start to the second marker written
    key_to_second: float  # the key written to the second marker written


def key_in_pty(
    command: list[str],
    first: bytes,
    key: bytes,
    second: bytes,
    *,
    env: dict[str, str],
    size: tuple[int, int] = (120, 40),
    timeout: float = 60,
) -> KeyTiming:
    """Start ``command`` on a new pseudo-terminal, write ``key`` as soon as ``first`` has been written, and time
    both markers (from just before the fork). The process is then killed; RuntimeError if a marker never came."""
    seen = b""
    drawn: float | None = None
    pressed: float | None = None
    done: float | None = None
    with pty_command(command, env=env, size=size) as (parent, started):
        for chunk in pty_chunks(parent, timeout):
            seen += chunk
            if drawn is None and first in seen:
                drawn = time.perf_counter() - started
                seen = b""  # the second marker must be drawn after the key
                os.write(parent, key)
                pressed = time.perf_counter() - started
            elif drawn is not None and second in seen:
                done = time.perf_counter() - started
                break
    if drawn is None or pressed is None or done is None:
        missing = first if drawn is None else second
        raise RuntimeError(f"{missing!r} was never drawn: {seen[-400:]!r}")
    return KeyTiming(drawn, done, done - pressed)
