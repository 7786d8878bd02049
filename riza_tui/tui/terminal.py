"""What the app does about its terminal that Textual leaves to the application.

- Input: Textual's Linux driver decodes keyboard input as strict UTF-8, so one invalid byte typed or
  pasted (``\\xff``, a raw ``\\x9b``) raised in its input thread and killed the app. The decoder it
  creates is made to replace such bytes instead.
- Signals: SIGTERM and SIGHUP ended the process without restoring the terminal (alternate screen and
  mouse tracking left on). They now exit the app the normal way, which restores it.
"""

from __future__ import annotations

import asyncio
import codecs
import signal
from collections.abc import Callable
from functools import partial

from textual.drivers import linux_driver

EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def _replacing_decoder(encoding: str) -> Callable[..., codecs.IncrementalDecoder]:
    return partial(codecs.getincrementaldecoder(encoding), errors="replace")


def tolerate_invalid_input() -> None:
    """Make the Linux driver's input decoder replace invalid bytes (U+FFFD) instead of raising."""
    setattr(linux_driver, "getincrementaldecoder", _replacing_decoder)  # noqa: B010 - the name it looks up


def exit_cleanly_on_signals(exit_app: Callable[[int], None]) -> None:
    """On SIGTERM or SIGHUP call ``exit_app`` with 128 + the signal number, as a shell reports it."""
    loop = asyncio.get_running_loop()
    for number in EXIT_SIGNALS:
        loop.add_signal_handler(number, exit_app, 128 + number)
