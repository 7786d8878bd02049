"""The baseline for keys over SSH: Textual's stock ``Log`` showing a text file, focused, nothing else.

``python bench/log_app.py FILE``. Animation is left as Textual ships it, as a user's first Textual app has it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Log


class LogApp(App[None]):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        yield Log(id="log")

    def on_mount(self) -> None:
        log = self.query_one(Log)
        log.write_lines(self.path.read_text().splitlines())
        log.scroll_home(animate=False)
        log.focus()


if __name__ == "__main__":
    LogApp(Path(sys.argv[1])).run()
