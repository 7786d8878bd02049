"""Handing text to the tools people already use: the pager and the editor.

The text handed over is what the pane shows (sanitised, masked unless revealed): a pager never receives a
raw escape sequence from the data. The pager reads it on stdin; the editor gets a private temporary file,
deleted as soon as the editor exits.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile


def pager_command() -> list[str]:
    return shlex.split(os.environ.get("PAGER") or "less -R")


def editor_command() -> list[str]:
    return shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")


def run_pager(text: str) -> str:
    """Show ``text`` in $PAGER (``less -R`` by default); returns "" or what went wrong."""
    command = pager_command()
    try:
        subprocess.run(command, input=text.encode("utf-8", "backslashreplace"), check=False)
    except OSError as error:
        return f"could not run {command[0]!r}: {error.strerror or error}"
    return ""


def run_editor(text: str, suffix: str = ".txt") -> str:
    """Open ``text`` in $VISUAL or $EDITOR from a file only this user can read; returns "" or what went wrong."""
    command = editor_command()
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
