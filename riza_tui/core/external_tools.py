"""Handing text to the tools people already use: the pager and the editor.

The text handed over is what the pane shows (sanitised, masked unless revealed): a pager never receives a
raw escape sequence from the data. The pager reads it on stdin; the editor gets a private temporary file,
deleted as soon as the editor exits. A ``$PAGER`` or ``$EDITOR`` that cannot be split into words (``"less``)
or is blank is a one-line problem, never an exception: a traceback's locals would hold the pane's text.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile


class ToolCommandError(ValueError):
    """The command of a pager or an editor cannot be run as written; the message says why in one line."""


def _command(variables: tuple[str, ...], default: str) -> list[str]:
    for variable in variables:
        value = os.environ.get(variable)
        if not value:
            continue
        try:
            words = shlex.split(value)
        except ValueError as error:
            raise ToolCommandError(f"${variable} cannot be split into words ({error})") from None
        if not words:
            raise ToolCommandError(f"${variable} is blank")
        return words
    return shlex.split(default)


def pager_command() -> list[str]:
    return _command(("PAGER",), "less -R")


def editor_command() -> list[str]:
    return _command(("VISUAL", "EDITOR"), "vi")


def run_pager(text: str) -> str:
    """Show ``text`` in $PAGER (``less -R`` by default); returns "" or what went wrong."""
    try:
        command = pager_command()
    except ToolCommandError as error:
        return str(error)
    try:
        subprocess.run(command, input=text.encode("utf-8", "backslashreplace"), check=False)
    except OSError as error:
        return f"could not run {command[0]!r}: {error.strerror or error}"
    return ""


def run_editor(text: str, suffix: str = ".txt") -> str:
    """Open ``text`` in $VISUAL or $EDITOR from a file only this user can read; returns "" or what went wrong."""
    try:
        command = editor_command()
    except ToolCommandError as error:
        return str(error)
    descriptor, path = tempfile.mkstemp(prefix="riza-tui-", suffix=suffix)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", errors="backslashreplace") as file:
            file.write(text)
        subprocess.run([*command, path], check=False)
    except OSError as error:
        return f"could not run {command[0]!r}: {error.strerror or error}"
    finally:
        os.unlink(path)
    return ""
