"""The IDs looked up before, newest first, kept in the XDG state directory between runs."""

from __future__ import annotations

import os
from pathlib import Path

from riza_tui.core.ids import looks_like_id

MAX_ENTRIES = 200


def history_path() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "riza-tui" / "history"


class LookupHistory:
    """De-duplicated, newest first, at most 200. Only ID-shaped strings are kept: never URLs or pasted text,
    so nothing secret-looking reaches the disk. A history that cannot be read or written is just empty."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or history_path()
        self.entries = self._read()

    def _read(self) -> list[str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return []
        entries: list[str] = []
        for line in text.splitlines():
            line = line.strip()
            if looks_like_id(line) and line not in entries:
                entries.append(line)
        return entries[:MAX_ENTRIES]

    def add(self, execution_id: str) -> None:
        if not looks_like_id(execution_id):
            return
        if execution_id in self.entries:
            self.entries.remove(execution_id)
        self.entries.insert(0, execution_id)
        del self.entries[MAX_ENTRIES:]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text("".join(f"{entry}\n" for entry in self.entries), encoding="utf-8")
            temporary.replace(self.path)
        except OSError:
            pass  # a read-only home must not stop an incident
