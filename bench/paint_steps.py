"""Where first paint's time goes, step by step: ``python bench/paint_steps.py OUT riza|floor ARGS...``.

Runs ``riza-tui ARGS`` (or ``bench/floor_app.py ARGS``) with clocks wrapped around its steps, and writes to OUT,
one ``step<TAB>ms since the start`` a line, once the marker (env ``PAINT_MARKER``) is handed to Textual's
writer thread. Wall clock only, no profiler: the steps run at their real speed (the wrapping costs
microseconds). ``first_paint`` runs it on the same pty and server as the timed runs.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()
MARKS: list[tuple[str, float]] = []


def mark(step: str) -> None:
    MARKS.append((step, time.perf_counter()))


def after(owner: Any, name: str, step: str) -> None:
    """Mark ``step`` when ``owner.name`` returns (sync or async)."""
    original: Callable[..., Any] = getattr(owner, name)
    if hasattr(original, "__code__") and original.__code__.co_flags & 0x80:  # a coroutine function

        @functools.wraps(original)  # Textual passes a handler only the arguments its signature takes
        async def wrapped_async(*args: Any, **kwargs: Any) -> Any:
            result = await original(*args, **kwargs)
            mark(step)
            return result

        setattr(owner, name, wrapped_async)
        return

    @functools.wraps(original)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        mark(step)
        return result

    setattr(owner, name, wrapped)


def watch_writes(out: Path, marker: str) -> None:
    """Write the marks out when the marker reaches the writer thread's queue."""
    from textual.drivers import _writer_thread

    writer = _writer_thread.WriterThread
    original = writer.write

    def write(self: Any, text: str) -> None:
        if marker in text and out.exists() is False:
            mark("marker handed to the terminal")
            out.write_text("".join(f"{step}\t{(at - STARTED) * 1000:.1f}\n" for step, at in MARKS))
        original(self, text)

    writer.write = write  # type: ignore[method-assign]


def run_riza(args: list[str]) -> None:
    import gc

    gc.disable()  # as riza_tui.cli.main does for the app's imports and build
    from riza_tui.cli import main as cli_main

    mark("imports: riza_tui.cli.main")
    import riza_tui.api.client as client
    import riza_tui.cli.launch as launch
    import riza_tui.tui.app as app
    import riza_tui.tui.screens.execution as execution

    mark("imports done (riza-tui: launch, models, client, screen)")
    after(launch, "settings_for", "settings: flags, environment, config file")
    after(launch, "checked_keymap", "keymap checked")
    after(launch, "open_for_app", "archive opened")
    after(app.RizaApp, "__init__", "app built (session, screen object)")
    after(client.RizaClient, "__init__", "on_mount: theme, signals, client, feed")
    after(client.RizaClient, "_request", "response read")
    after(client, "_parse", "body parsed and validated")
    after(execution.ExecutionScreen, "compose", "execution screen composed")
    after(execution.ExecutionScreen, "on_mount", "execution screen mounted")
    after(execution.ExecutionScreen, "_draw", "execution drawn (panes filled)")
    sys.argv = ["riza-tui", *args]
    cli_main.main()


def run_floor(args: list[str]) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    import floor_app  # type: ignore[import-not-found]
    import httpx
    from textual.widgets import Static

    mark("imports done (riza-tui: launch, models, client, screen)")  # the floor's: textual.app, httpx, Static
    after(floor_app.FloorApp, "__init__", "app built (session, screen object)")
    after(httpx.AsyncClient, "__init__", "on_mount: theme, signals, client, feed")
    after(httpx.AsyncClient, "get", "response read")
    after(Static, "update", "execution drawn (panes filled)")
    floor_app.FloorApp(args[0], validate="--pydantic" in args).run()


if __name__ == "__main__":
    out, which, *rest = sys.argv[1:]
    mark("interpreter up")
    watch_writes(Path(out), os.environ["PAINT_MARKER"])
    mark("imports: textual's driver")
    (run_riza if which == "riza" else run_floor)(rest)
