"""What the app does about its terminal that Textual leaves to the application.

- Input: Textual's Linux driver decodes keyboard input as strict UTF-8, so one invalid byte typed or
  pasted (``\\xff``, a raw ``\\x9b``) raised in its input thread and killed the app. The decoder it
  creates is made to replace such bytes instead.
- Signals: SIGTERM exits the app the normal way, which restores the terminal (alternate screen left, mouse
  off), and SIGHUP ends the process at once: its terminal is gone.
- A lost terminal: closing the terminal while the app drew (``tmux kill-server``, a dropped SSH connection)
  left 9 runs in 24 that never ended and ignored SIGTERM and SIGHUP. The hang-up's SIGCONT made Textual
  restart its output thread, which died at its first write (EIO), as the first one does; the next 30
  writes filled its queue and the main thread waited in ``Queue.put`` forever, with the event loop (and so
  the signal handlers it dispatched) stuck behind it. With no signal at all (the pty's other end closed)
  the input thread spun on end-of-file at 93% CPU forever. Now a failed write or the input's end ends the
  process, and a watchdog thread that hears the signals itself (``signal.set_wakeup_fd``) ends it within
  ``GRACE_SECONDS`` of a SIGTERM whatever the main thread is doing.
- Whatever must be kept is written first: ``on_final_exit`` callbacks run, bounded, before every end.
"""

from __future__ import annotations

import asyncio
import codecs
import math
import os
import select
import signal
import termios
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from typing import Any, NoReturn

from textual.drivers import linux_driver
from textual.drivers._writer_thread import WriterThread

EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 2.0  # how long a normal exit asked for by SIGTERM (or the input's end) may take
FINAL_SECONDS = 1.0  # how long the final-exit callbacks may take, all of them together
INPUT_ENDED = 0  # what the watchdog is told when the terminal's input ends (no signal has the number 0)
LOST_CODE = 128 + signal.SIGHUP  # a terminal lost without a signal ends the process as a hang-up does
# Textual's stop_application_mode, for when it cannot run: bracketed paste off, line wrap on, mouse off,
# in-band resize off, kitty keys off, alternate screen left, cursor shown, focus reports off.
RESTORE = (
    b"\x1b[?2004l\x1b[?7h\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?1016l\x1b[?2048l"
    b"\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?1004l"
)
INPUT_FD, OUTPUT_FD = 0, 2  # Textual's Linux driver reads stdin and writes stderr
# What the watchdog does on hearing each: end within so many seconds, with this exit code.
ENDINGS: dict[int, tuple[float, int]] = {
    signal.SIGHUP: (0.0, 128 + signal.SIGHUP),
    signal.SIGTERM: (GRACE_SECONDS, 128 + signal.SIGTERM),
    INPUT_ENDED: (GRACE_SECONDS, LOST_CODE),
}


@dataclass
class _Terminal:
    """What the lost-terminal handling needs, set when the process is guarded and when the app mounts."""

    alarm: int | None = None  # the watchdog's pipe (write end); None: the process is not guarded
    saved_modes: list[Any] | None = None  # the terminal's modes before Textual changed them
    tty_path: str | None = None  # the terminal written to, opened afresh to restore it
    app_exit: tuple[asyncio.AbstractEventLoop, Callable[[int], None]] | None = None
    input_ended: bool = False


_terminal = _Terminal()
_final_callbacks: list[Callable[[], object]] = []
_ending = threading.Lock()


def on_final_exit(callback: Callable[[], object]) -> Callable[[], None]:
    """Run ``callback`` just before the process ends, however it ends (quit, a crash, SIGTERM, SIGHUP, the
    terminal lost; not SIGKILL). Each callback runs in a thread of its own, at the same time as the others
    and maybe while the main thread is stuck, so it must not need the event loop, and an sqlite connection
    it uses needs ``check_same_thread=False``. All get ``FINAL_SECONDS`` together: one that fails or hangs
    does not stop the others or keep the process alive. Returns a function that unregisters it."""
    _final_callbacks.append(callback)
    return partial(_unregister, callback)


def _unregister(callback: Callable[[], object]) -> None:
    with suppress(ValueError):
        _final_callbacks.remove(callback)


def end_process(code: int, *, restore: bool) -> NoReturn:
    """Run the final-exit callbacks, then end the process with ``code`` at once (``os._exit``: no teardown,
    no joining threads that may be stuck on the terminal). ``restore``: the app has not restored the
    terminal, so its output is silenced and the terminal restored as far as can be done without waiting."""
    with _ending:  # a second caller waits here while the first ends the process
        if restore:
            _silence_output()
        _run_final_callbacks()
        if restore:
            _restore_without_waiting()
        os._exit(code)


def _run_final_callbacks() -> None:
    threads = [threading.Thread(target=_quietly, args=(callback,), daemon=True) for callback in _final_callbacks]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + FINAL_SECONDS
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))


def _quietly(callback: Callable[[], object]) -> None:
    with suppress(Exception):  # nowhere to say so: the terminal may be gone
        callback()


def _silence_output() -> None:
    """Point the app's output at /dev/null, so that a frame still being drawn does not land on the screen
    restored next (a write already in progress finishes where it was)."""
    with suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, OUTPUT_FD)
        os.close(null)


def _restore_without_waiting() -> None:
    """Leave the alternate screen, turn the mouse off and put the terminal's modes back, if it is still
    there, without ever blocking: on a hung-up terminal each step fails at once and is skipped."""
    if _terminal.tty_path is None:
        return
    try:
        # An open file description of our own: O_NONBLOCK on the shared one would be left on the shell's.
        terminal = os.open(_terminal.tty_path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return
    with suppress(OSError):
        os.write(terminal, RESTORE)
    os.close(terminal)
    if _terminal.saved_modes is not None:
        with suppress(termios.error):
            termios.tcsetattr(INPUT_FD, termios.TCSANOW, _terminal.saved_modes)


class _Watchdog(threading.Thread):
    """Ends the process when it was told to end and has not. It reads signal numbers from a pipe that the
    C-level signal handler writes to, so it hears SIGTERM and SIGHUP even while the main thread is stuck."""

    def __init__(self, reader: int) -> None:
        super().__init__(daemon=True, name="riza-exit-watchdog")
        self.reader = reader

    def run(self) -> None:
        deadline, code = math.inf, 0
        while True:
            wait = None if deadline == math.inf else max(0.0, deadline - time.monotonic())
            if select.select([self.reader], [], [], wait)[0]:
                for heard in os.read(self.reader, 256):
                    within, ending_code = ENDINGS.get(heard, (math.inf, 0))
                    if time.monotonic() + within < deadline:
                        deadline, code = time.monotonic() + within, ending_code
            if time.monotonic() >= deadline:
                end_process(code, restore=True)


def _tell_watchdog(heard: int) -> None:
    """Safe in a signal handler and any thread: one byte into a non-blocking pipe (full: already told)."""
    if _terminal.alarm is not None:
        with suppress(OSError):
            os.write(_terminal.alarm, bytes([heard]))


def _ask_app_to_exit(code: int) -> None:
    if _terminal.app_exit is not None:
        loop, exit_app = _terminal.app_exit
        with suppress(RuntimeError):  # the loop has closed: the process is ending anyway
            loop.call_soon_threadsafe(exit_app, code)


def _on_exit_signal(number: int, _frame: object) -> None:
    """The Python-level handler: it runs in the main thread between bytecodes, even while that waits on a
    lock, and it does nothing that could wait. The watchdog is told again here in case something replaced
    the wakeup fd."""
    _tell_watchdog(number)
    if number == signal.SIGTERM:
        _ask_app_to_exit(128 + number)


class _GuardedWriterThread(WriterThread):
    """Textual's output thread, which died silently at a failed write and left every later write waiting
    on its full queue forever: now a failed write (the terminal is gone) ends the process."""

    def run(self) -> None:
        try:
            super().run()
        except OSError:
            end_process(LOST_CODE, restore=True)


class _InputDecoder:
    """UTF-8 keys, invalid bytes replaced. An empty read means the terminal's input has ended: the driver
    reads in raw mode with VMIN=1, so a read returns at least one byte while the terminal lives."""

    def __init__(self, encoding: str) -> None:
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")

    def decode(self, data: bytes, final: bool = False) -> str:
        if not data and not _terminal.input_ended:
            _terminal.input_ended = True
            _tell_watchdog(INPUT_ENDED)
            _ask_app_to_exit(LOST_CODE)
        return self._decoder.decode(data, final)


def _input_decoder(encoding: str) -> Callable[[], _InputDecoder]:
    return partial(_InputDecoder, encoding)


def tolerate_invalid_input() -> None:
    """Make the Linux driver's input decoder replace invalid bytes (U+FFFD) instead of raising, and report
    the input's end."""
    setattr(linux_driver, "getincrementaldecoder", _input_decoder)  # noqa: B010 - the name it looks up


def guard_terminal() -> None:
    """Make sure the process ends, within ``GRACE_SECONDS`` at most, however its terminal ends: SIGTERM,
    SIGHUP, a write that fails, the input's end. Call once, from the main thread, before the app starts:
    it saves the terminal's modes before Textual changes them."""
    reader, alarm = os.pipe()
    os.set_blocking(alarm, False)  # a signal handler must never wait on it
    with suppress(termios.error):
        _terminal.saved_modes = termios.tcgetattr(INPUT_FD)
    with suppress(OSError):
        _terminal.tty_path = os.ttyname(OUTPUT_FD)
    _terminal.alarm = alarm
    setattr(linux_driver, "WriterThread", _GuardedWriterThread)  # noqa: B010 - the name it looks up
    _Watchdog(reader).start()
    for number in EXIT_SIGNALS:
        signal.signal(number, _on_exit_signal)
    signal.set_wakeup_fd(alarm, warn_on_full_buffer=False)


def exit_cleanly_on_signals(exit_app: Callable[[int], None]) -> None:
    """How the app is asked to exit the normal way (which restores the terminal), with 128 + the signal
    number as a shell reports it: on SIGTERM, and with 129 when the terminal's input ends. Call it from the
    running app's event loop; the watchdog ends the process if that exit does not finish in time."""
    _terminal.app_exit = (asyncio.get_running_loop(), exit_app)
    if _terminal.input_ended:  # it ended before the app was ready to be asked
        _ask_app_to_exit(LOST_CODE)
