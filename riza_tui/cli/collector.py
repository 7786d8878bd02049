"""The garbage collector paused while the app starts: importing and building it makes objects, not garbage.

Start-up creates several hundred thousand objects (pydantic's schemas, Textual's classes, dataclasses), and
each few hundred of them cost a collection that finds next to nothing: measured, ``import riza_tui.cli.main,
riza_tui.tui.app`` took 370 ms with the collector and 321 ms without. The objects made by then live as long
as the process, so they are frozen (moved where no collection looks again) when the app starts running.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No collection inside (unless :func:`resume_collector` ran); collecting again after, however it ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def resume_collector() -> None:
    """Just before the app runs: what start-up made is kept for good, so no collection walks it again."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
