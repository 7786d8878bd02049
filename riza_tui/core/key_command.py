"""A profile's ``api_key_command`` (``pass show riza/staging``): run apart from the terminal, bounded in time and
in output, and safe to call from any thread (the app switches profile off its event loop).

stdin is /dev/null and the command runs in a session of its own, so it can neither read the keys typed into the
app nor be stopped by them; its stderr is discarded (it could echo the key). Past the deadline or the output
cap (a ``yes`` reached 1.5 GB before this cap) its whole process group is killed.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shlex
import signal
import subprocess
import time

KEY_COMMAND_TIMEOUT = 10.0
MAX_KEY_OUTPUT = 64 * 1024


class KeyCommandError(Exception):
    """The command could not give a key; the message says why in one line (never what it printed)."""


def run_key_command(command: str, *, timeout: float = KEY_COMMAND_TIMEOUT, cap: int = MAX_KEY_OUTPUT) -> str:
    """What ``command`` printed on stdout, as UTF-8 text."""
    try:
        argv = shlex.split(command)
    except ValueError as error:
        raise KeyCommandError(f"cannot be split into words ({error})") from None
    if not argv:
        raise KeyCommandError("is empty")
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        raise KeyCommandError(f"could not run {argv[0]!r}: {error.strerror or error}") from None
    deadline = time.monotonic() + timeout
    try:
        output = _read_bounded(process, deadline, cap, timeout)
        try:
            returncode = process.wait(max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            raise KeyCommandError(f"did not finish within {timeout:g} s") from None
    finally:
        _end(process)
    if returncode != 0:
        raise KeyCommandError(f"exited {returncode} (run it in a shell to see why)")
    try:
        return output.decode("utf-8")
    except UnicodeDecodeError as error:
        raise KeyCommandError(f"printed bytes that are not UTF-8 text (at byte {error.start})") from None


def _read_bounded(process: subprocess.Popen[bytes], deadline: float, cap: int, timeout: float) -> bytes:
    """stdout until end of file, at most ``cap`` bytes, before ``deadline``; KeyCommandError past either."""
    assert process.stdout is not None
    descriptor = process.stdout.fileno()
    chunks: list[bytes] = []
    total = 0
    with selectors.DefaultSelector() as selector:
        selector.register(descriptor, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                raise KeyCommandError(f"did not finish within {timeout:g} s")
            chunk = os.read(descriptor, 65536)
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > cap:
                raise KeyCommandError(f"printed more than {cap // 1024} KB; a key is one short line")
            chunks.append(chunk)


def _end(process: subprocess.Popen[bytes]) -> None:
    """Kill what is left of the command's process group and reap it; close its pipe."""
    if process.poll() is None:
        with contextlib.suppress(OSError):  # it may have ended in between
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.stdout is not None
    process.stdout.close()
