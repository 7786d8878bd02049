"""The state of one lookup, as the screen's single reactive holds it; the execution itself is in the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from riza_tui.api.errors import RizaError

Phase = Literal["idle", "loading", "loaded", "failed", "cancelled"]


@dataclass(frozen=True)
class LookupState:
    execution_id: str = ""
    phase: Phase = "idle"
    error: RizaError | None = None
