"""The state of one lookup, as the screen's single reactive holds it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from riza_tui.api.errors import RizaError
from riza_tui.api.models import Fetched

Phase = Literal["idle", "loading", "loaded", "failed", "cancelled"]


@dataclass(frozen=True)
class LookupState:
    execution_id: str = ""
    phase: Phase = "idle"
    fetched: Fetched | None = None
    error: RizaError | None = None
